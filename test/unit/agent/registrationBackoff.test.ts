import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REGISTRATION_BACKOFF_MAX_MS, RegistrationBackoff } from '../../../core/agent/registrationBackoff.js';
import type { Rng } from '../../../core/common/rng.js';

/** top always draws the largest delay, so the test sees each attempt's cap. */
const top: Rng = { next: () => 0.999999 };

describe('RegistrationBackoff', () => {
  it("doubles the cap per attempt up to a minute, and starts over on reset (a new leading master)", () => {
    const b = new RegistrationBackoff(1000, top);
    const caps = Array.from({ length: 8 }, () => Math.round(b.next() / 1000));
    assert.deepEqual(caps, [1, 2, 4, 8, 16, 32, 60, 60], 'factor·2ⁿ seconds, capped at 60 s');
    assert.equal(REGISTRATION_BACKOFF_MAX_MS, 60_000, 'the cap is a minute');
    b.reset();
    assert.ok(b.next() <= 1000, 'after a reset the next attempt waits at most one factor');
  });

  it('never waits less than 50 ms', () => {
    const b = new RegistrationBackoff(1000, { next: () => 0 });
    assert.equal(b.next(), 50, 'a floor keeps a tight loop from forming');
  });
});
