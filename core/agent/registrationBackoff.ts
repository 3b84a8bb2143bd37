import type { Rng } from '../common/rng.js';

/** REGISTRATION_BACKOFF_MAX_MS caps the (re-)registration delay, as Mesos's agent caps it at one minute. */
export const REGISTRATION_BACKOFF_MAX_MS = 60_000;

/**
 * RegistrationBackoff is the agent's (re-)registration delay, Mesos's `--registration_backoff_factor` policy: each
 * attempt waits a random time in [0, factor·2ⁿ] capped at a minute, so a thousand agents returning to a new master
 * spread out instead of arriving at once. It starts over when the agent registers and when a new leading master is
 * detected: attempts made while no master answered say nothing about how busy the new one is.
 */
export class RegistrationBackoff {
  private attempts = 0;

  constructor(
    private readonly factorMs: number,
    private readonly rng: Rng,
  ) {}

  /** next is the delay before the next attempt (at least 50 ms), and counts the attempt. */
  next(): number {
    const cap = Math.min(REGISTRATION_BACKOFF_MAX_MS, this.factorMs * 2 ** Math.min(this.attempts, 10));
    this.attempts++;
    return Math.max(50, Math.floor(this.rng.next() * cap));
  }

  reset(): void {
    this.attempts = 0;
  }
}
