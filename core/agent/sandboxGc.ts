import type { Clock, TimerHandle } from '../common/clock.js';
import type { Disposable } from '../common/lifecycle.js';
import type { SandboxFs } from './sandbox.js';

/** DEFAULT_GC_DELAY_MS is Mesos's `--gc_delay` default: finished sandboxes stay browsable for a week. */
export const DEFAULT_GC_DELAY_MS = 7 * 24 * 60 * 60 * 1000;

/** DEFAULT_GC_DISK_HEADROOM is Mesos's `--gc_disk_headroom` default. */
export const DEFAULT_GC_DISK_HEADROOM = 0.1;

/**
 * gcDelayForDiskUsage shrinks the delay as the disk fills (Mesos's `Slave::age`): `gc_delay * max(0, 1 - headroom -
 * usage)`. An agent that checks disk usage periodically passes the result to `SandboxGc.prune`, which removes every
 * sandbox due within that time.
 */
export function gcDelayForDiskUsage(gcDelayMs: number, diskUsage: number, headroom = DEFAULT_GC_DISK_HEADROOM): number {
  return gcDelayMs * Math.max(0, 1 - headroom - diskUsage);
}

/** SandboxGcOptions configures a `SandboxGc`. */
export interface SandboxGcOptions {
  clock: Clock;
  fs: Pick<SandboxFs, 'removeTree'>;
  /** gcDelayMs is how long a finished sandbox is kept; default one week. */
  gcDelayMs?: number;
  /** onRemoved hears about each removal, failed ones with their error (for logs and metrics). */
  onRemoved?: (path: string, error?: unknown) => void;
}

/** ScheduledRemoval is one path waiting for garbage collection. */
export interface ScheduledRemoval {
  path: string;
  /** removeAt is when the path becomes due, in milliseconds since the epoch. */
  removeAt: number;
}

/**
 * SandboxGc deletes finished sandboxes after `gc_delay`, like Mesos's `GarbageCollector`. It persists nothing: after
 * a restart the agent schedules the sandboxes it finds again, passing `finishedAt` (e.g. the directory's mtime) so
 * the week is not restarted. One timer, set for the earliest removal, keeps the clock's timer count at most one.
 */
export class SandboxGc implements Disposable {
  private readonly clock: Clock;
  private readonly fs: Pick<SandboxFs, 'removeTree'>;
  private readonly gcDelayMs: number;
  private readonly onRemoved: (path: string, error?: unknown) => void;
  private readonly due = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private timer: { handle: TimerHandle; at: number } | undefined;
  private disposed = false;
  private succeeded = 0;
  private failed = 0;

  constructor(options: SandboxGcOptions) {
    this.clock = options.clock;
    this.fs = options.fs;
    this.gcDelayMs = options.gcDelayMs ?? DEFAULT_GC_DELAY_MS;
    this.onRemoved = options.onRemoved ?? (() => undefined);
  }

  /**
   * schedule (re)schedules `path` for removal `delayMs` (default `gc_delay`) after `finishedAt` (default now) and
   * returns the removal time. Scheduling a path again replaces its earlier schedule, as in Mesos.
   */
  schedule(path: string, options: { delayMs?: number; finishedAt?: number } = {}): number {
    if (this.disposed) return Infinity;
    const removeAt = (options.finishedAt ?? this.clock.now()) + (options.delayMs ?? this.gcDelayMs);
    this.due.set(path, removeAt);
    this.arm();
    return removeAt;
  }

  /** unschedule keeps `path` (e.g. a sandbox that is reused); it returns whether it was scheduled. */
  unschedule(path: string): boolean {
    const had = this.due.delete(path);
    if (had) this.arm();
    return had;
  }

  /** prune removes now every path due within `withinMs`, freeing disk early when it runs low. */
  prune(withinMs: number): void {
    this.removeDue(this.clock.now() + withinMs);
  }

  /** scheduled lists pending removals, earliest first. */
  scheduled(): ScheduledRemoval[] {
    return [...this.due].map(([path, removeAt]) => ({ path, removeAt })).sort((a, b) => a.removeAt - b.removeAt || (a.path < b.path ? -1 : 1));
  }

  /** metrics are Mesos's `gc/path_removals_*` counters for `/metrics/snapshot`. */
  metrics(): Record<string, number> {
    return {
      'gc/path_removals_succeeded': this.succeeded,
      'gc/path_removals_failed': this.failed,
      'gc/path_removals_pending': this.due.size,
    };
  }

  /** whenIdle resolves once no removal is in progress (tests and shutdown wait on it). */
  async whenIdle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** dispose cancels the timer and forgets pending removals, then waits for removals already under way. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.timer?.handle.cancel();
    this.timer = undefined;
    this.due.clear();
    await this.whenIdle();
  }

  private arm(): void {
    if (this.disposed) return;
    let next = Infinity;
    for (const at of this.due.values()) next = Math.min(next, at);
    if (this.timer && this.timer.at === next) return;
    this.timer?.handle.cancel();
    this.timer = undefined;
    if (next === Infinity) return;
    const handle = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.removeDue(this.clock.now());
    }, Math.max(0, next - this.clock.now()));
    this.timer = { handle, at: next };
  }

  private removeDue(deadline: number): void {
    const paths = [...this.due].filter(([, at]) => at <= deadline).map(([path]) => path);
    for (const path of paths) {
      this.due.delete(path);
      const removal = this.remove(path);
      this.inFlight.add(removal);
      const settle = (): void => void this.inFlight.delete(removal);
      void removal.then(settle, settle);
    }
    this.arm();
  }

  private async remove(path: string): Promise<void> {
    let error: { cause: unknown } | undefined;
    try {
      await this.fs.removeTree(path);
    } catch (err) {
      // Like Mesos, carry on: other sandboxes still need the space, and a later restart will schedule this one again.
      error = { cause: err };
    }
    if (error) {
      this.failed += 1;
      this.onRemoved(path, error.cause);
    } else {
      this.succeeded += 1;
      this.onRemoved(path);
    }
  }
}
