import type { Rng } from './rng.js';

/** BackoffPolicy bounds a reconnect loop: the first delay, the cap, and how much of each delay is random. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** jitter is the fraction of each delay drawn at random (0 = none, 1 = "full jitter"). */
  jitter: number;
}

/**
 * CONSOLE_BACKOFF is how the console retries a lost master, Marathon or stream: 1 s doubling to 30 s. (The Mesos
 * web UI backs off 2 s → 128 s; a desktop console that just woke from sleep should come back sooner.) Half of
 * each delay is random so many consoles do not retry a recovering master in lockstep.
 */
export const CONSOLE_BACKOFF: BackoffPolicy = { initialMs: 1000, maxMs: 30_000, jitter: 0.5 };

/**
 * Backoff counts consecutive failures and says how long to wait before the next attempt; `reset` after a success.
 * Pure: randomness comes from the `Rng`, and the caller owns the timer.
 */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly rng: Rng,
  ) {}

  /** attempts is the number of failures since the last success. */
  get attempts(): number {
    return this.failures;
  }

  /** next records a failure and returns the delay before the next attempt. */
  next(): number {
    const { initialMs, maxMs, jitter } = this.policy;
    const base = Math.min(maxMs, initialMs * 2 ** Math.min(this.failures, 30));
    this.failures++;
    const fixed = base * (1 - jitter);
    return Math.round(fixed + base * jitter * this.rng.next());
  }

  /** reset forgets the failures after a success. */
  reset(): void {
    this.failures = 0;
  }
}
