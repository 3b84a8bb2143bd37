import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { byteTicks, percentTicks, timeTicks } from '../../../renderer/model/chartTicks.js';

const MiB = 1024 * 1024;

describe('byteTicks', () => {
  it('steps in powers of two of a binary unit', () => {
    assert.deepEqual(byteTicks(64 * MiB * 1.05).map((t) => t / MiB), [0, 16, 32, 48, 64, 80], 'a 64 MiB container');
    assert.deepEqual(byteTicks(1000).map((t) => t), [0, 256, 512, 768, 1024], 'bytes');
    assert.deepEqual(byteTicks(3 * 1024 * MiB).map((t) => t / MiB), [0, 1024, 2048, 3072], 'GiB');
  });

  it('always covers max and starts at zero', () => {
    for (const max of [1, 999, 5 * MiB + 1, 123456789]) {
      const t = byteTicks(max);
      assert.equal(t[0], 0, 'starts at 0');
      assert.ok((t[t.length - 1] ?? 0) >= max, `top ${t[t.length - 1]} covers ${max}`);
      assert.ok(t.length <= 7, `at most 7 ticks, got ${t.length}`);
    }
    assert.deepEqual(byteTicks(0), [0, MiB], 'an empty chart still has an axis');
  });
});

describe('percentTicks', () => {
  it('goes to at least 100 % in round steps', () => {
    assert.deepEqual(percentTicks(40), [0, 25, 50, 75, 100], 'up to 100');
    assert.deepEqual(percentTicks(110), [0, 25, 50, 75, 100, 125], 'headroom');
    assert.deepEqual(percentTicks(380), [0, 100, 200, 300, 400], 'bursting over the limit');
    assert.deepEqual(percentTicks(Number.NaN), [0, 25, 50, 75, 100], 'NaN');
  });
});

describe('timeTicks', () => {
  it('picks round clock times inside the range', () => {
    assert.deepEqual(timeTicks(1_000, 61_000), [15_000, 30_000, 45_000, 60_000], 'a minute in 15 s steps');
    assert.deepEqual(timeTicks(0, 300_000).length, 6, '0, 1, 2, 3, 4, 5 min');
    assert.deepEqual(timeTicks(5, 5), [5], 'a single point');
    assert.deepEqual(timeTicks(Number.NaN, 5), [], 'no data');
  });
});
