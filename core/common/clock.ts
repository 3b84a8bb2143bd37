/**
 * Clock is the only way pure and core modules learn the time or wait, so tests can drive time by hand
 * (Mesos's `Clock::pause()`/`advance()`) instead of sleeping.
 */
export interface Clock {
  /** now returns milliseconds since the Unix epoch. */
  now(): number;
  /** setTimeout schedules `fn` after `ms`; the returned handle cancels it. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** setInterval schedules `fn` every `ms`; the returned handle cancels it. */
  setInterval(fn: () => void, ms: number): TimerHandle;
}

/** TimerHandle cancels a scheduled callback; cancelling twice is harmless. */
export interface TimerHandle {
  cancel(): void;
}

/** FakeClock is a manually advanced `Clock` for deterministic tests of timer-driven logic. */
export class FakeClock implements Clock {
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; every: number | null; fn: () => void }>();

  constructor(startMs = 1_700_000_000_000) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.schedule(fn, ms, null);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.schedule(fn, ms, Math.max(1, ms));
  }

  /** advance moves time forward by `ms`, firing due timers in time order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      let nextId = -1;
      let nextAt = Infinity;
      for (const [id, t] of this.timers) {
        if (t.at <= target && (t.at < nextAt || (t.at === nextAt && id < nextId))) {
          nextAt = t.at;
          nextId = id;
        }
      }
      if (nextId < 0) break;
      const timer = this.timers.get(nextId);
      if (!timer) break;
      this.current = Math.max(this.current, timer.at);
      if (timer.every === null) this.timers.delete(nextId);
      else timer.at += timer.every;
      timer.fn();
    }
    this.current = target;
  }

  /** pendingTimers counts timers not yet fired or cancelled; a disposed owner must leave none. */
  pendingTimers(): number {
    return this.timers.size;
  }

  private schedule(fn: () => void, ms: number, every: number | null): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { at: this.current + Math.max(0, ms), every, fn });
    return { cancel: () => void this.timers.delete(id) };
  }
}
