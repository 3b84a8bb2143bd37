import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapBounded } from '../../../core/common/concurrency.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('mapBounded', () => {
  it('keeps the order of the items and never has more than `limit` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapBounded([5, 1, 4, 2, 3, 0, 6], 3, async (n, i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      for (let k = 0; k < n; k++) await tick();
      inFlight--;
      return `${i}:${n}`;
    });
    assert.deepEqual(out, ['0:5', '1:1', '2:4', '3:2', '4:3', '5:0', '6:6'], 'results are in the order of the items');
    assert.equal(most, 3, 'at most `limit` calls run at once, and the limit is used');
  });

  it('answers an empty list at once and rejects a limit that is not a positive integer', async () => {
    assert.deepEqual(await mapBounded([], 4, async () => 1), [], 'nothing to map');
    await assert.rejects(mapBounded([1], 0, async () => 1), RangeError, 'a zero limit is refused');
    await assert.rejects(mapBounded([1], 1.5, async () => 1), RangeError, 'a fractional limit is refused');
  });

  it('rejects with the first error and starts no call after it', async () => {
    const started: number[] = [];
    await assert.rejects(
      mapBounded([0, 1, 2, 3, 4, 5], 2, async (n) => {
        started.push(n);
        await tick();
        if (n === 1) throw new Error('boom');
        return n;
      }),
      /boom/,
      'the error of the failing call',
    );
    await tick();
    assert.ok(!started.includes(3), `no call starts once one failed (started ${started.join(', ')})`);
  });
});
