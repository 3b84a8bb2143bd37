import type { Backoff } from '../common/backoff.js';
import type { Clock, TimerHandle } from '../common/clock.js';
import { RecordIoDecoder } from '../protocol/recordio.js';
import { SseParser } from '../protocol/sse.js';
import type { StreamKind } from '../protocol/console/channel.js';
import type { StreamSink } from './clusterConnection.js';
import { describe } from './describeError.js';
import type { RemoteConnection } from './remoteConnection.js';

/** HEARTBEAT_MISSES is how many operator-API heartbeat intervals may pass silently before the feed counts as dead. */
const HEARTBEAT_MISSES = 3;

/**
 * LiveStream keeps one feed open: the operator API's SUBSCRIBE (RecordIO JSON, with HEARTBEATs), Marathon's
 * `/v2/events` or Plateau's offers stream (both SSE). It re-opens the feed after any failure with backoff, searches
 * the masters again when a master feed drops (it may be a failover), and treats a feed that stops heartbeating as
 * dead. A 404 on Plateau's offers stream means a real Mesos master: the stream reports `unsupported` and stops.
 */
export class LiveStream {
  private abort: AbortController | undefined;
  private retryTimer: TimerHandle | undefined;
  private watchdog: TimerHandle | undefined;
  private silenceLimitMs: number | undefined;
  private disposed = false;

  constructor(
    private readonly kind: StreamKind,
    private readonly connection: RemoteConnection,
    private readonly sink: StreamSink,
    private readonly clock: Clock,
    private readonly backoff: Backoff,
  ) {}

  start(): void {
    void this.run();
  }

  /** reconnectNow abandons the current feed (or the wait before the next attempt) and opens a new one. */
  reconnectNow(): void {
    if (this.disposed) return;
    this.backoff.reset();
    this.retryTimer?.cancel();
    this.retryTimer = undefined;
    if (this.abort) this.abort.abort(new Error('reconnecting'));
    else void this.run();
  }

  private async run(): Promise<void> {
    if (this.disposed || this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    this.sink.state({ state: 'connecting' });
    let error: string;
    try {
      const outcome = await this.consume(abort.signal);
      if (outcome === 'unsupported') return;
      error = 'the stream ended';
    } catch (err) {
      error = abort.signal.aborted && abort.signal.reason instanceof Error ? abort.signal.reason.message : describe(err);
    } finally {
      this.watchdog?.cancel();
      this.watchdog = undefined;
      if (this.abort === abort) this.abort = undefined;
    }
    if (this.disposed) return;
    this.connection.streamFailed(this.kind, error);
    if (error === 'reconnecting') {
      void this.run();
      return;
    }
    const inMs = this.backoff.next();
    this.sink.state({ state: 'retrying', inMs, error });
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      void this.run();
    }, inMs);
  }

  /** consume opens the feed and delivers its records until it ends; 'unsupported' when the server lacks it. */
  private async consume(signal: AbortSignal): Promise<'ended' | 'unsupported'> {
    const sse = this.kind !== 'mesos-operator';
    const target = this.kind === 'marathon-events' ? ({ kind: 'marathon' } as const) : ({ kind: 'master' } as const);
    const path = this.kind === 'mesos-operator' ? '/api/v1' : this.kind === 'marathon-events' ? '/v2/events' : '/plateau/v1/offers';
    let url = await this.connection.urlFor(target, path);
    let res = await this.open(url, signal);
    for (let hop = 0; hop < 3 && [301, 302, 303, 307, 308].includes(res.status) && res.headers.get('location'); hop++) {
      await res.body?.cancel();
      url = new URL(res.headers.get('location') as string, url).toString();
      res = await this.open(url, signal);
    }
    if (this.kind === 'plateau-offers' && res.status === 404) {
      await res.body?.cancel();
      this.sink.state({ state: 'unsupported', error: 'this master has no offers stream (not a Plateau master); offers come from /master/state' });
      return 'unsupported';
    }
    if (res.status !== 200 || !res.body) {
      const text = await res.text().catch(() => '');
      throw new Error(`HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
    }
    this.backoff.reset();
    this.connection.streamOpened(this.kind);
    this.sink.state({ state: 'open' });
    this.armWatchdog();
    const deliver = (text: string) => {
      let record: unknown;
      try {
        record = JSON.parse(text);
      } catch {
        return;
      }
      this.armWatchdog();
      const hb = (record as { type?: string; subscribed?: { heartbeat_interval_seconds?: number } }) ?? {};
      if (hb.type === 'SUBSCRIBED' && hb.subscribed?.heartbeat_interval_seconds) {
        this.silenceLimitMs = hb.subscribed.heartbeat_interval_seconds * 1000 * HEARTBEAT_MISSES;
        this.armWatchdog();
      }
      if (hb.type === 'HEARTBEAT') return;
      this.sink.data(record);
    };
    const body = res.body as unknown as AsyncIterable<Uint8Array>;
    if (sse) {
      const decoder = new TextDecoder('utf-8');
      const parser = new SseParser((m) => {
        if (m.data !== '') deliver(m.data);
      });
      for await (const chunk of body) {
        this.armWatchdog();
        parser.push(decoder.decode(chunk, { stream: true }));
      }
    } else {
      const decoder = new RecordIoDecoder();
      for await (const chunk of body) for (const record of decoder.decode(chunk)) deliver(record);
    }
    return 'ended';
  }

  private open(url: string, signal: AbortSignal) {
    if (this.kind === 'mesos-operator') {
      return this.connection.fetch(url, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify({ type: 'SUBSCRIBE' }) }, undefined, signal);
    }
    return this.connection.fetch(url, { method: 'GET', redirect: 'manual', headers: { Accept: 'text/event-stream' } }, undefined, signal);
  }

  /** armWatchdog restarts the silence timer: a heartbeating feed that goes quiet for too long is cut and re-opened. */
  private armWatchdog(): void {
    if (this.silenceLimitMs === undefined || !this.abort) return;
    this.watchdog?.cancel();
    const abort = this.abort;
    const limit = this.silenceLimitMs;
    this.watchdog = this.clock.setTimeout(() => abort.abort(new Error(`no heartbeat for ${Math.round(limit / 1000)} s`)), limit);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.retryTimer?.cancel();
    this.watchdog?.cancel();
    this.abort?.abort(new Error('closed'));
    this.sink.state({ state: 'closed' });
  }
}
