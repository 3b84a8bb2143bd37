import {
  CHANNEL_VERSION,
  type ConnectionSummary,
  type ConsoleError,
  type ConsoleMessage,
  type ConsoleMethod,
  type ConsoleRequestInput,
  type ConsoleResults,
  type HttpAnswer,
  type HttpTarget,
  type StreamKind,
  type StreamState,
} from '../../core/protocol/console/channel.js';
import type { Transport, TransportState } from './transport.js';

type ParamsOf<M extends ConsoleMethod> = Extract<ConsoleRequestInput, { method: M }>['params'];

/** ChannelError is a failed call, with the host's error code. */
export class ChannelError extends Error {
  constructor(readonly code: ConsoleError['code'], message: string) {
    super(message);
    this.name = 'ChannelError';
  }
}

/** HttpError is a proxied request that reached the cluster and got a non-2xx answer. */
export class HttpError extends Error {
  constructor(readonly answer: HttpAnswer, message: string) {
    super(message);
    this.name = 'HttpError';
  }
}

/** StreamHandle is a live stream as the renderer holds it: its current state, and a way to close it. */
export interface StreamHandle {
  close(): void;
}

interface StreamWanted {
  connectionId: string;
  kind: StreamKind;
  onData: (data: unknown) => void;
  onState: (state: StreamState) => void;
  streamId?: string;
  closed: boolean;
}

/**
 * ConsoleChannel is the renderer's side of the channel contract: typed calls with promises, live streams that are
 * re-opened after the host link comes back, and the host's list of connections. One per window.
 */
export class ConsoleChannel {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly streams = new Map<string, StreamWanted>();
  private readonly wanted = new Set<StreamWanted>();
  private connectionsFns = new Set<(c: ConnectionSummary[]) => void>();
  private stateFns = new Set<(s: TransportState) => void>();
  connections: ConnectionSummary[] = [];
  state: TransportState = 'connecting';

  constructor(private readonly transport: Transport) {
    transport.onMessage((m) => this.receive(m));
    transport.onState((s) => {
      this.state = s;
      this.stateFns.forEach((fn) => fn(s));
      if (s === 'open') void this.resume();
      if (s === 'closed') {
        for (const p of this.pending.values()) p.reject(new ChannelError('UNAVAILABLE', 'Lost the link to the console host'));
        this.pending.clear();
        this.streams.clear();
        for (const w of this.wanted) {
          w.streamId = undefined;
          w.onState({ state: 'retrying', inMs: 0, error: 'console host link lost' });
        }
      }
    });
  }

  get hostKind(): 'electron' | 'browser' {
    return this.transport.kind;
  }

  /** call sends one request and resolves with its result. */
  call<M extends ConsoleMethod>(method: M, params: ParamsOf<M>): Promise<ConsoleResults[M]> {
    const id = this.nextId++;
    return new Promise<ConsoleResults[M]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.transport.send({ id, method, params } as ConsoleRequestInput);
    });
  }

  /** http proxies one request; non-2xx answers reject with an HttpError carrying the cluster's message. */
  async http(connectionId: string, target: HttpTarget, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<HttpAnswer> {
    const answer = await this.call('http', { connectionId, target, method, path, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
    if (answer.status >= 400) throw new HttpError(answer, errorMessage(answer));
    return answer;
  }

  /** json is `http` for JSON answers. */
  async json<T>(connectionId: string, target: HttpTarget, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const answer = await this.http(connectionId, target, method, path, body);
    return (answer.body === '' ? null : JSON.parse(answer.body)) as T;
  }

  /** stream opens a live feed that survives host reconnects until closed. */
  stream(connectionId: string, kind: StreamKind, onData: (data: unknown) => void, onState: (state: StreamState) => void): StreamHandle {
    const w: StreamWanted = { connectionId, kind, onData, onState, closed: false };
    this.wanted.add(w);
    if (this.state === 'open') void this.openStream(w);
    return {
      close: () => {
        w.closed = true;
        this.wanted.delete(w);
        if (w.streamId) {
          this.streams.delete(w.streamId);
          void this.call('stream.close', { streamId: w.streamId }).catch(() => undefined);
        }
      },
    };
  }

  onConnections(fn: (c: ConnectionSummary[]) => void): () => void {
    this.connectionsFns.add(fn);
    return () => this.connectionsFns.delete(fn);
  }

  onState(fn: (s: TransportState) => void): () => void {
    this.stateFns.add(fn);
    return () => this.stateFns.delete(fn);
  }

  private async openStream(w: StreamWanted): Promise<void> {
    try {
      const { streamId } = await this.call('stream.open', { connectionId: w.connectionId, stream: w.kind });
      if (w.closed) {
        void this.call('stream.close', { streamId }).catch(() => undefined);
        return;
      }
      w.streamId = streamId;
      this.streams.set(streamId, w);
    } catch (err) {
      w.onState({ state: 'retrying', inMs: 0, error: (err as Error).message });
    }
  }

  private async resume(): Promise<void> {
    try {
      const hello = await this.call('hello', { version: CHANNEL_VERSION });
      this.setConnections(hello.connections);
    } catch {
      return;
    }
    for (const w of this.wanted) if (!w.streamId) void this.openStream(w);
  }

  private setConnections(c: ConnectionSummary[]): void {
    this.connections = c;
    this.connectionsFns.forEach((fn) => fn(c));
  }

  private receive(m: ConsoleMessage): void {
    switch (m.kind) {
      case 'result': {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.ok) p.resolve(m.result);
        else p.reject(new ChannelError(m.error.code, m.error.message));
        return;
      }
      case 'stream':
        this.streams.get(m.streamId)?.onData(m.data);
        return;
      case 'streamState':
        this.streams.get(m.streamId)?.onState(m.status);
        return;
      case 'connections':
        this.setConnections(m.connections);
        return;
    }
  }
}

/** errorMessage extracts the message Mesos (plain text) or Marathon (`{"message"}`) put in an error answer. */
export function errorMessage(answer: HttpAnswer): string {
  try {
    const body = JSON.parse(answer.body) as { message?: string; details?: Array<{ path?: string; errors?: string[] }> };
    if (body.message) {
      const details = (body.details ?? []).map((d) => `${d.path ?? ''}: ${(d.errors ?? []).join(', ')}`).join('; ');
      return details ? `${body.message} (${details})` : body.message;
    }
  } catch {
    // Mesos answers errors in plain text.
  }
  return answer.body.trim() || `HTTP ${answer.status}`;
}
