import { Agent as UndiciAgent, fetch as undiciFetch, type Dispatcher, type RequestInit, type Response } from 'undici';
import { Backoff, CONSOLE_BACKOFF } from '../common/backoff.js';
import type { Clock } from '../common/clock.js';
import { Emitter } from '../common/emitter.js';
import { CoreError } from '../common/errors.js';
import type { Disposable } from '../common/lifecycle.js';
import type { Rng } from '../common/rng.js';
import type { ConnectionStatus, ConnectionSummary, CredentialsSpec, HttpAnswer, HttpRequest, StreamKind } from '../protocol/console/channel.js';
import type { ClusterConnection, StreamSink } from './clusterConnection.js';
import { describe } from './describeError.js';
import { LiveStream } from './liveStream.js';

/** RemoteOptions configure a connection to a cluster reached over HTTP(S). */
export interface RemoteOptions {
  id: string;
  name: string;
  kind?: 'remote' | 'embedded';
  masters: string[];
  marathon?: string;
  zk?: string;
  credentials?: CredentialsSpec;
  caPem?: string;
  clock: Clock;
  rng: Rng;
  /** requestTimeoutMs bounds one proxied request (streams have none). */
  requestTimeoutMs?: number;
}

/** ANSWER_HEADERS are the response headers a console reads; the rest are dropped at the host. */
const ANSWER_HEADERS = ['content-type', 'location', 'marathon-deployment-id', 'x-marathon-leader', 'retry-after'];

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * RemoteConnection attaches to a cluster through its public APIs only: it finds the leading master the way the
 * Mesos web UI and CLIs do (`/master/redirect` on each configured master), follows 307s to a new leader, resolves
 * agents from the master's `/master/slaves`, adds credentials to every call, trusts a custom CA when given, and
 * keeps streams open across master failovers, network loss and sleep.
 */
export class RemoteConnection implements ClusterConnection {
  readonly id: string;
  private leader: string | undefined;
  private flavor: 'plateau' | 'mesos' | undefined;
  private status: ConnectionStatus = 'starting';
  private detail: string | undefined;
  private resolving: Promise<string> | undefined;
  private readonly agents = new Map<string, string>();
  private readonly changes = new Emitter<ConnectionSummary>();
  private readonly streams = new Set<LiveStream>();
  private readonly dispatcher: Dispatcher | undefined;
  private disposed = false;

  constructor(private readonly options: RemoteOptions) {
    this.id = options.id;
    this.dispatcher = options.caPem ? new UndiciAgent({ connect: { ca: options.caPem } }) : undefined;
  }

  summary(): ConnectionSummary {
    const o = this.options;
    return {
      id: this.id,
      name: o.name,
      kind: o.kind ?? 'remote',
      status: this.status,
      ...(this.detail !== undefined ? { detail: this.detail } : {}),
      ...(this.leader !== undefined ? { leader: this.leader } : {}),
      masters: [...o.masters],
      ...(o.marathon !== undefined ? { marathon: o.marathon } : {}),
      ...(o.zk !== undefined ? { zk: o.zk } : {}),
      ...(this.flavor !== undefined ? { flavor: this.flavor } : {}),
    };
  }

  onChange(fn: (summary: ConnectionSummary) => void): Disposable {
    return this.changes.on(fn);
  }

  /** start finds the leader once so the first summary the renderer sees says whether the cluster is reachable. */
  async start(): Promise<void> {
    try {
      await this.leaderUrl();
    } catch (err) {
      this.setStatus('reconnecting', (err as Error).message);
    }
  }

  /** leaderUrl returns the leading master's base URL, finding it when unknown (one search at a time). */
  async leaderUrl(): Promise<string> {
    if (this.leader) return this.leader;
    this.resolving ??= this.findLeader().finally(() => (this.resolving = undefined));
    return this.resolving;
  }

  private async findLeader(): Promise<string> {
    const problems: string[] = [];
    for (const master of this.options.masters) {
      const base = master.replace(/\/+$/, '');
      try {
        const res = await this.fetch(`${base}/master/redirect`, { method: 'GET', redirect: 'manual' }, 5000);
        await res.body?.cancel();
        const location = res.headers.get('location');
        let leader: string | undefined;
        if (REDIRECTS.has(res.status) && location) leader = new URL(location, `${base}/`).origin;
        else if (res.status === 200) leader = new URL(base).origin;
        else {
          problems.push(`${base}: HTTP ${res.status}${res.status === 503 ? ' (no leading master)' : ''}`);
          continue;
        }
        // Keep the configured scheme: Mesos writes `//host:port`, which resolves against the master we asked.
        this.leader = leader;
        this.flavor = await this.detectFlavor(leader);
        this.setStatus('connected');
        return leader;
      } catch (err) {
        problems.push(`${base}: ${describe(err)}`);
      }
    }
    const message = `No leading master found (${problems.join('; ')})`;
    this.setStatus('reconnecting', message);
    throw new CoreError('UNAVAILABLE', message);
  }

  private async detectFlavor(leader: string): Promise<'plateau' | 'mesos'> {
    try {
      const res = await this.fetch(`${leader}/version`, { method: 'GET' }, 5000);
      const body = (await res.json()) as { build_user?: string };
      return body.build_user === 'plateau' ? 'plateau' : 'mesos';
    } catch {
      return 'mesos';
    }
  }

  /** forgetLeader drops the cached leader after a failure, so the next call searches the masters again. */
  forgetLeader(): void {
    if (this.leader === undefined) return;
    this.leader = undefined;
    this.agents.clear();
  }

  async request(req: Omit<HttpRequest, 'connectionId'>): Promise<HttpAnswer> {
    let url = await this.urlFor(req.target, req.path);
    const headers: Record<string, string> = { Accept: req.accept ?? 'application/json' };
    if (req.body !== undefined) headers['Content-Type'] = req.contentType ?? 'application/json';
    for (let hop = 0; hop < 4; hop++) {
      let res: Response;
      try {
        res = await this.fetch(url, { method: req.method, headers, redirect: 'manual', ...(req.body !== undefined ? { body: req.body } : {}) }, this.options.requestTimeoutMs ?? 15_000);
      } catch (err) {
        if (req.target.kind === 'master' && hop === 0) {
          // The leader may be gone: search the masters once and retry there.
          this.forgetLeader();
          url = await this.urlFor(req.target, req.path);
          continue;
        }
        if (req.target.kind === 'master') this.setStatus('reconnecting', describe(err));
        throw new CoreError('UNAVAILABLE', `${req.method} ${url}: ${describe(err)}`);
      }
      const location = res.headers.get('location');
      if (REDIRECTS.has(res.status) && location && req.target.kind !== 'agent') {
        await res.body?.cancel();
        const next = new URL(location, url);
        if (req.target.kind === 'master') {
          this.leader = next.origin;
          this.emit();
        }
        url = next.toString();
        continue;
      }
      if (res.status === 503 && req.target.kind === 'master' && hop === 0 && this.options.masters.length > 1) {
        await res.body?.cancel();
        this.forgetLeader();
        url = await this.urlFor(req.target, req.path);
        continue;
      }
      const answer: HttpAnswer = { status: res.status, headers: {}, body: await res.text() };
      for (const h of ANSWER_HEADERS) {
        const v = res.headers.get(h);
        if (v !== null) answer.headers[h] = v;
      }
      if (req.target.kind === 'master' && this.status !== 'connected') this.setStatus('connected');
      return answer;
    }
    throw new CoreError('UNAVAILABLE', `${req.method} ${req.path}: too many redirects`);
  }

  openStream(kind: StreamKind, sink: StreamSink): Disposable {
    const stream = new LiveStream(kind, this, sink, this.options.clock, new Backoff(CONSOLE_BACKOFF, this.options.rng));
    this.streams.add(stream);
    stream.start();
    return {
      dispose: () => {
        this.streams.delete(stream);
        stream.dispose();
      },
    };
  }

  reconnect(): void {
    this.forgetLeader();
    for (const s of this.streams) s.reconnectNow();
  }

  /** streamFailed is told by a stream that lost its feed; a master stream failing may mean a failover. */
  streamFailed(kind: StreamKind, error: string): void {
    if (kind !== 'marathon-events') {
      this.forgetLeader();
      this.setStatus('reconnecting', error);
    }
  }

  /** streamOpened is told by a stream that is live again. */
  streamOpened(kind: StreamKind): void {
    if (kind !== 'marathon-events' && this.status !== 'connected') this.setStatus('connected');
  }

  /** urlFor resolves a target and path to a URL: the leader, Marathon, or an agent found through the master. */
  async urlFor(target: HttpRequest['target'], path: string): Promise<string> {
    switch (target.kind) {
      case 'master':
        return `${await this.leaderUrl()}${path}`;
      case 'marathon':
        if (!this.options.marathon) throw new CoreError('NOT_FOUND', 'This connection has no Marathon URL');
        return `${this.options.marathon.replace(/\/+$/, '')}${path}`;
      case 'agent':
        return `${await this.agentUrl(target.agentId)}${path}`;
    }
  }

  private async agentUrl(agentId: string): Promise<string> {
    const known = this.agents.get(agentId);
    if (known) return known;
    const leader = await this.leaderUrl();
    const res = await this.fetch(`${leader}/master/slaves`, { method: 'GET' }, 10_000);
    const body = (await res.json()) as { slaves?: Array<{ id: string; pid?: string; hostname?: string; port?: number }> };
    const scheme = new URL(leader).protocol;
    for (const s of body.slaves ?? []) {
      const hostPort = s.pid?.split('@')[1] ?? (s.hostname ? `${s.hostname}:${s.port ?? 5051}` : undefined);
      if (hostPort) this.agents.set(s.id, `${scheme}//${hostPort}`);
    }
    const found = this.agents.get(agentId);
    if (!found) throw new CoreError('NOT_FOUND', `Agent ${agentId} is not registered with the leading master`);
    return found;
  }

  /** fetch is every HTTP call this connection makes: credentials, CA and a timeout added in one place. */
  async fetch(url: string, init: Omit<RequestInit, 'headers'> & { headers?: Record<string, string> }, timeoutMs?: number, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    const creds = this.options.credentials;
    if (creds?.kind === 'basic') headers.Authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    else if (creds?.kind === 'bearer') headers.Authorization = `Bearer ${creds.token}`;
    const signals = [signal, timeoutMs !== undefined ? AbortSignal.timeout(timeoutMs) : undefined].filter((s): s is AbortSignal => s !== undefined);
    return undiciFetch(url, {
      ...init,
      headers,
      ...(signals.length > 0 ? { signal: signals.length === 1 ? signals[0] : AbortSignal.any(signals) } : {}),
      ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
    });
  }

  private setStatus(status: ConnectionStatus, detail?: string): void {
    if (this.disposed) return;
    if (this.status === status && this.detail === detail) return;
    this.status = status;
    this.detail = detail;
    this.emit();
  }

  private emit(): void {
    if (!this.disposed) this.changes.fire(this.summary());
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.status = 'closed';
    this.emit();
    this.disposed = true;
    for (const s of this.streams) s.dispose();
    this.streams.clear();
    await this.dispatcher?.close();
  }
}
