import type { Clock, TimerHandle } from '../common/clock.js';

/** STATUS_UPDATE_RETRY_MIN_MS and _MAX_MS are Mesos's `status_update_retry_interval_{min,max}`. */
export const STATUS_UPDATE_RETRY_MIN_MS = 10_000;
export const STATUS_UPDATE_RETRY_MAX_MS = 600_000;

/**
 * StatusUpdateRetry owns one retry timer per task stream: an unacknowledged update is re-sent after
 * 10 s, then 20 s, 40 s... up to 10 min, until the acknowledgement resets it, as Mesos's status update
 * manager does. It only schedules; `resend` decides what to send.
 */
export class StatusUpdateRetry {
  private readonly timers = new Map<string, { handle: TimerHandle; interval: number }>();
  private readonly intervals = new Map<string, number>();
  private disposed = false;

  constructor(
    private readonly clock: Clock,
    private readonly resend: (key: string) => void,
  ) {}

  /** arm starts the retry timer for `key` unless one is already running. */
  arm(key: string): void {
    if (this.disposed || this.timers.has(key)) return;
    const interval = this.intervals.get(key) ?? STATUS_UPDATE_RETRY_MIN_MS;
    const handle = this.clock.setTimeout(() => {
      this.timers.delete(key);
      this.intervals.set(key, Math.min(STATUS_UPDATE_RETRY_MAX_MS, interval * 2));
      this.resend(key);
    }, interval);
    this.timers.set(key, { handle, interval });
  }

  /** reset cancels the timer and the backoff after an acknowledgement. */
  reset(key: string): void {
    this.timers.get(key)?.handle.cancel();
    this.timers.delete(key);
    this.intervals.delete(key);
  }

  /** cancel forgets `key` entirely (its stream is done). */
  cancel(key: string): void {
    this.reset(key);
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.timers.values()) t.handle.cancel();
    this.timers.clear();
    this.intervals.clear();
  }
}
