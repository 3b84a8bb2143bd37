import http from 'node:http';
import type { Clock, TimerHandle } from '../common/clock.js';
import type { Rng } from '../common/rng.js';
import type { SchedulerDriver, SchedulerHandlers } from '../framework/schedulerDriver.js';
import type { SchedulerCall, SchedulerEvent } from '../protocol/mesos/scheduler.js';
import type { FrameworkInfo } from '../protocol/mesos/v1.js';
import { RecordIoDecoder } from '../protocol/recordio.js';
import { PipelinedHttpClient } from './pipelinedHttpClient.js';

/** SLICE_MS is about how long the events of the subscription are handled before the event loop gets a turn. */
const SLICE_MS = 1;
/** MAX_QUEUED events waiting to be handled pause the subscription stream until they are. */
const MAX_QUEUED = 2048;

/**
 * HttpSchedulerDriver speaks the v1 scheduler API to a master over HTTP: SUBSCRIBE keeps a chunked
 * RecordIO response open, calls are short POSTs with `Mesos-Stream-Id`. It follows `307` redirects to
 * the leading master, treats missed heartbeats as a lost connection, and re-subscribes with the
 * framework id after a randomised, growing backoff. Calls are pipelined over a few keep-alive
 * connections (`PipelinedHttpClient`): a scheduler acknowledges every status update with a call of its
 * own, and a large launch makes tens of thousands of them.
 */
export class HttpSchedulerDriver implements SchedulerDriver {
  frameworkId: string | undefined;
  private streamId: string | undefined;
  private req: http.ClientRequest | undefined;
  private info: FrameworkInfo | undefined;
  private handlers: SchedulerHandlers | undefined;
  private retryTimer: TimerHandle | undefined;
  private watchdog: TimerHandle | undefined;
  private attempts = 0;
  private disposed = false;
  private live = false;
  private calls: PipelinedHttpClient | undefined;
  private callsTo: string | undefined;

  private master = '';
  private redirected = false;

  /**
   * `master` is `http://host:port`, or a function giving the leading master a ZooKeeper detector currently knows
   * (`--master zk://...`); the function is asked again before every subscription.
   */
  constructor(
    private readonly masterSource: string | (() => string | undefined),
    private readonly clock: Clock,
    private readonly rng: Rng,
  ) {
    if (typeof masterSource === 'string') this.master = masterSource;
  }

  /**
   * followLeader re-subscribes at once when the detector names a leader other than the master this driver talks to,
   * rather than waiting for the old connection to fail or its heartbeats to stop; a driver waiting out a backoff
   * that grew while no leader was known (up to 30 s) tries the newly named one at once too.
   */
  followLeader(): void {
    if (typeof this.masterSource !== 'function' || this.disposed) return;
    const leader = this.masterSource();
    if (leader === undefined) return;
    if (this.req) {
      if (leader !== this.master) this.retry(`the leading master is now ${leader}`, 0);
    } else if (this.retryTimer) {
      // Waiting out a backoff that grew while no leader was known (up to 30 s): try the one now named at once.
      this.retryTimer.cancel();
      this.retryTimer = undefined;
      this.attempts = 0;
      this.retry(`the leading master is now ${leader}`, 0);
    }
  }

  get connected(): boolean {
    return this.live;
  }

  start(info: FrameworkInfo, handlers: SchedulerHandlers): void {
    this.info = info;
    this.handlers = handlers;
    this.subscribe();
  }

  private subscribe(): void {
    if (this.disposed || !this.info) return;
    if (typeof this.masterSource === 'function' && !this.redirected) {
      const leader = this.masterSource();
      if (leader === undefined) {
        this.retry('no leading master is known yet');
        return;
      }
      this.master = leader;
    }
    this.redirected = false;
    const info = this.frameworkId ? { ...this.info, id: { value: this.frameworkId } } : this.info;
    const body = JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: info } });
    const req = http.request(new URL('/api/v1/scheduler', this.master), { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' } });
    this.req = req;
    req.on('response', (res) => {
      if (res.statusCode === 307 && res.headers.location) {
        res.resume();
        this.master = new URL(res.headers.location.startsWith('//') ? `http:${res.headers.location}` : res.headers.location, this.master).origin;
        // The master that redirected knows better than our detector for this attempt.
        this.redirected = true;
        this.retry('redirected to the leading master', 0);
        return;
      }
      if (res.statusCode !== 200) {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => this.retry(`SUBSCRIBE answered ${res.statusCode}: ${text}`));
        return;
      }
      this.streamId = String(res.headers['mesos-stream-id'] ?? '');
      const decoder = new RecordIoDecoder();
      // Records are handed out in slices of about SLICE_MS per turn of the event loop: one read can bring
      // hundreds of status updates, and handling them all at once would make one long turn. While many wait, the
      // stream is paused (the master then waits on TCP). Whatever is left when the stream ends is handed out first.
      const queue: string[] = [];
      let head = 0;
      let queued = false;
      const drain = (budgetMs: number) => {
        const end = performance.now() + budgetMs;
        while (head < queue.length) {
          this.onEvent(JSON.parse(queue[head++] as string) as SchedulerEvent);
          if (performance.now() > end && head < queue.length) break;
        }
        if (head === queue.length) {
          queue.length = 0;
          head = 0;
          if (res.isPaused()) res.resume();
        } else if (!queued) {
          queued = true;
          setImmediate(() => {
            queued = false;
            drain(SLICE_MS);
          });
        }
      };
      res.on('data', (chunk: Buffer) => {
        let records: string[];
        try {
          records = decoder.decode(chunk);
        } catch (err) {
          req.destroy(err as Error);
          return;
        }
        for (const record of records) queue.push(record);
        if (queue.length - head > MAX_QUEUED) res.pause();
        if (!queued) drain(SLICE_MS);
      });
      res.on('close', () => {
        drain(Infinity);
        this.retry('subscription closed');
      });
    });
    req.on('error', (err) => this.retry(err.message));
    req.end(body);
  }

  private onEvent(event: SchedulerEvent): void {
    if (event.type === 'SUBSCRIBED') {
      this.frameworkId = event.subscribed.framework_id.value;
      this.live = true;
      this.attempts = 0;
      this.armWatchdog(event.subscribed.heartbeat_interval_seconds * 1000);
    } else if (event.type === 'HEARTBEAT') {
      this.armWatchdog();
    }
    this.handlers?.onEvent(event);
  }

  private heartbeatMs = 15_000;
  private armWatchdog(intervalMs?: number): void {
    if (intervalMs) this.heartbeatMs = intervalMs;
    this.watchdog?.cancel();
    // Mesos's scheduler library gives up after about five missed heartbeats.
    this.watchdog = this.clock.setTimeout(() => this.req?.destroy(new Error('missed heartbeats')), this.heartbeatMs * 5);
  }

  private retry(reason: string, delayMs?: number): void {
    if (this.req) {
      this.req.removeAllListeners('response');
      this.req.destroy();
      this.req = undefined;
    }
    this.watchdog?.cancel();
    const wasLive = this.live;
    this.live = false;
    this.streamId = undefined;
    if (this.disposed) return;
    if (wasLive) this.handlers?.onDisconnected(reason);
    if (this.retryTimer) return;
    const cap = Math.min(30_000, 250 * 2 ** Math.min(this.attempts++, 7));
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      this.subscribe();
    }, delayMs ?? Math.floor(this.rng.next() * cap) + 50);
  }

  call(call: Omit<SchedulerCall, 'framework_id'>): Promise<void> {
    if (!this.live || !this.frameworkId || !this.streamId) return Promise.reject(new Error('not subscribed'));
    const body = JSON.stringify({ ...call, framework_id: { value: this.frameworkId } });
    // Calls go to the master the subscription follows (a 307 may have moved it).
    if (this.callsTo !== this.master || !this.calls) {
      this.calls?.dispose();
      this.calls = new PipelinedHttpClient(new URL(this.master).origin, this.clock, { timeoutMs: 10_000 });
      this.callsTo = this.master;
    }
    return this.calls.post('/api/v1/scheduler', { 'Content-Type': 'application/json', 'Mesos-Stream-Id': this.streamId }, body).then((res) => {
      if (res.status !== 202 && res.status !== 200) throw new Error(`${call.type} answered ${res.status}: ${res.body}`);
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.retryTimer?.cancel();
    this.watchdog?.cancel();
    this.req?.destroy();
    this.live = false;
    this.calls?.dispose();
    this.calls = undefined;
  }
}
