import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addDelay, advanceDelay, delayDeadline, delayEffect, delaySecondsAfter, isBackedOff, isDelayOverdue, queueDelay } from '../../../core/marathon/backoff.js';

const defaults = { backoffSeconds: 1, backoffFactor: 1.15, maxLaunchDelaySeconds: 300 };
const T0 = 1_700_000_000_000;

describe('launch backoff', () => {
  it('starts at backoffSeconds and multiplies by backoffFactor per failure', () => {
    const first = addDelay(undefined, defaults, T0);
    assert.equal(first.currentDelayMs, 1000, 'first failure: 1 s');
    const second = addDelay(first, defaults, T0 + 5000);
    assert.equal(second.currentDelayMs, 1150, 'second failure: 1.15 s');
    assert.equal(second.referenceTime, T0 + 5000, 'the delay runs from the latest failure');
    assert.equal(delayDeadline(second), T0 + 6150, 'deadline');
    assert.ok(Math.abs(delaySecondsAfter(defaults, 3) - 1.3225) < 1e-9, 'third failure: 1.15^2 s');
  });

  it('caps the delay at maxLaunchDelaySeconds', () => {
    assert.equal(delaySecondsAfter(defaults, 100), 300, 'capped at 300 s');
    assert.equal(delaySecondsAfter({ backoffSeconds: 10, backoffFactor: 2, maxLaunchDelaySeconds: 5 }, 1), 5, 'even the first delay is capped');
  });

  it('never shrinks and never exceeds the cap (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.double({ min: 1, max: 3, noNaN: true }), fc.integer({ min: 0, max: 3600 }), fc.integer({ min: 1, max: 60 }), (b, f, max, n) => {
        const app = { backoffSeconds: b, backoffFactor: f, maxLaunchDelaySeconds: max };
        let previous = 0;
        for (let i = 1; i <= n; i++) {
          const d = delaySecondsAfter(app, i);
          assert.ok(d <= max + 1e-9, `delay ${d} within ${max}`);
          assert.ok(d + 1e-9 >= previous, `delay ${d} does not shrink below ${previous}`);
          previous = d;
        }
      }),
    );
  });

  it('answers /v2/queue delay fields and forgets overdue delays', () => {
    const d = addDelay(undefined, { ...defaults, backoffSeconds: 10 }, T0);
    assert.deepEqual(queueDelay(d, T0 + 2500), { timeLeftSeconds: 7, overdue: false }, 'seconds left, truncated');
    assert.deepEqual(queueDelay(d, T0 + 10_500), { timeLeftSeconds: 0, overdue: false }, 'less than a second past the deadline is not yet overdue');
    assert.deepEqual(queueDelay(d, T0 + 11_000), { timeLeftSeconds: 0, overdue: true }, 'overdue');
    assert.deepEqual(queueDelay(undefined, T0), { timeLeftSeconds: 0, overdue: true }, 'no delay');
    assert.equal(isBackedOff(d, T0 + 9999), true, 'still backed off');
    assert.equal(isBackedOff(d, T0 + 10_000), false, 'launches resume at the deadline');
    assert.equal(isDelayOverdue(d, T0 + 300_000), false, 'kept until maxLaunchDelay passed');
    assert.equal(isDelayOverdue(d, T0 + 300_001), true, 'then forgotten');
    assert.equal(advanceDelay(d, T0 + 50).referenceTime, T0 + 50, 'advance restarts the clock without growing');
  });

  it('grows on failures and finished tasks, not on kills', () => {
    assert.equal(delayEffect('TASK_FAILED'), 'increase', 'failed');
    assert.equal(delayEffect('TASK_FINISHED'), 'increase', 'finished counts too');
    assert.equal(delayEffect('TASK_KILLED'), 'none', 'killed does not');
    assert.equal(delayEffect('TASK_RUNNING'), 'advance', 'running advances');
    assert.equal(delayEffect('TASK_KILLED', 'REASON_SLAVE_DRAINING'), 'reset', 'draining resets');
  });
});
