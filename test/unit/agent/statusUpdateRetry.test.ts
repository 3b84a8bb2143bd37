// StatusUpdateRetry under a FakeClock: Mesos's status update manager re-sends an unacknowledged update after
// 10 s, 20 s, 40 s, ... capped at 10 min, and an acknowledgement starts the backoff over.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../../core/common/clock.js';
import { STATUS_UPDATE_RETRY_MAX_MS, STATUS_UPDATE_RETRY_MIN_MS, StatusUpdateRetry } from '../../../core/agent/statusUpdateRetry.js';

/** harness wires a retry whose resend re-arms, as the agent's `forwardHead` does, and records when it fired. */
function harness(): { clock: FakeClock; retry: StatusUpdateRetry; sent: Array<{ key: string; at: number }>; start: number } {
  const clock = new FakeClock();
  const sent: Array<{ key: string; at: number }> = [];
  const retry: StatusUpdateRetry = new StatusUpdateRetry(clock, (key) => {
    sent.push({ key, at: clock.now() });
    retry.arm(key);
  });
  return { clock, retry, sent, start: clock.now() };
}

/** gaps returns the intervals between the first arm (`start`) and each resend, in ms. */
function gaps(start: number, sent: Array<{ at: number }>): number[] {
  return sent.map((s, i) => s.at - (i === 0 ? start : (sent[i - 1] as { at: number }).at));
}

describe('StatusUpdateRetry', () => {
  it('re-sends after 10 s, 20 s, 40 s, ... and caps the interval at 10 min', () => {
    const { clock, retry, sent, start } = harness();
    retry.arm('t1');
    clock.advance(STATUS_UPDATE_RETRY_MIN_MS - 1);
    assert.equal(sent.length, 0, 'nothing re-sent before 10 s');
    clock.advance(1);
    assert.equal(sent.length, 1, 'first re-send at exactly 10 s');
    clock.advance(20_000 + 40_000 + 80_000 + 160_000 + 320_000 + 600_000 + 600_000);
    assert.deepEqual(gaps(start, sent), [10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 600_000, 600_000], 'doubling intervals capped at 10 min');
    assert.ok(sent.every((s) => s.key === 't1'), 'only the armed key is re-sent');
    assert.equal(STATUS_UPDATE_RETRY_MAX_MS, 600_000, 'the cap is 10 min');
    retry.dispose();
    assert.equal(clock.pendingTimers(), 0, 'dispose leaves no timer');
  });

  it('arming an already armed key keeps the running timer', () => {
    const { clock, retry, sent } = harness();
    retry.arm('t1');
    clock.advance(5_000);
    retry.arm('t1');
    clock.advance(5_000);
    assert.equal(sent.length, 1, 're-armed key still fires 10 s after the first arm');
    retry.dispose();
  });

  it('an acknowledgement (reset) cancels the retry and starts the backoff over at 10 s', () => {
    const { clock, retry, sent } = harness();
    retry.arm('t1');
    clock.advance(10_000 + 20_000 + 40_000);
    assert.equal(sent.length, 3, 'three re-sends by 70 s');
    retry.reset('t1');
    clock.advance(3_600_000);
    assert.equal(sent.length, 3, 'nothing re-sent after the acknowledgement');
    assert.equal(clock.pendingTimers(), 0, 'no timer left after reset');
    // The next update of the same task starts at 10 s again, not at 80 s.
    const armedAt = clock.now();
    retry.arm('t1');
    clock.advance(10_000);
    assert.equal(sent.length, 4, 'the next update is re-sent after 10 s');
    assert.equal((sent[3] as { at: number }).at - armedAt, 10_000, 'backoff restarted at 10 s');
    retry.dispose();
  });

  it('keeps separate backoffs per task and cancel forgets one task only', () => {
    const { clock, retry, sent } = harness();
    retry.arm('a');
    clock.advance(10_000 + 20_000);
    retry.arm('b');
    clock.advance(10_000);
    assert.deepEqual(sent.map((s) => s.key), ['a', 'a', 'b'], 'b starts its own backoff at 10 s');
    retry.cancel('a');
    clock.advance(20_000);
    assert.deepEqual(sent.map((s) => s.key), ['a', 'a', 'b', 'b'], 'a cancelled, b continues at 20 s');
    retry.dispose();
    clock.advance(3_600_000);
    assert.equal(sent.length, 4, 'nothing after dispose');
    retry.arm('b');
    assert.equal(clock.pendingTimers(), 0, 'arm after dispose schedules nothing');
  });
});
