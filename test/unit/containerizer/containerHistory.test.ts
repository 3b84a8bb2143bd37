import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../../core/common/clock.js';
import { ContainerHistory, SampleRing } from '../../../core/containerizer/containerHistory.js';

describe('SampleRing', () => {
  it('keeps the newest samples once full, oldest first', () => {
    const ring = new SampleRing<number>(3);
    for (let i = 1; i <= 5; i++) ring.push({ at: i, value: i });
    assert.equal(ring.length, 3);
    assert.deepEqual(ring.toArray().map((s) => s.value), [3, 4, 5]);
    assert.deepEqual(ring.toArray(4).map((s) => s.value), [4, 5]);
    assert.equal(ring.latest()?.value, 5);
  });

  it('refuses a capacity that is not a positive integer', () => {
    assert.throws(() => new SampleRing(0), RangeError);
  });
});

describe('ContainerHistory', () => {
  it('stamps samples with the clock and bounds them by count and age', () => {
    const clock = new FakeClock(1_000);
    const h = new ContainerHistory<string>(clock, { capacity: 4, maxAgeMs: 10_000 });
    for (let i = 0; i < 6; i++) {
      h.record('c1', `s${i}`);
      clock.advance(2_000);
    }
    assert.deepEqual(h.samples('c1').map((s) => s.value), ['s2', 's3', 's4', 's5'], 'capacity 4');
    assert.deepEqual(h.samples('c1').map((s) => s.at), [5_000, 7_000, 9_000, 11_000]);
    clock.advance(5_000); // now 18_000: samples before 8_000 are too old
    assert.deepEqual(h.samples('c1').map((s) => s.value), ['s4', 's5']);
    assert.deepEqual(h.samples('c1', 10_000).map((s) => s.value), ['s5']);
    assert.deepEqual(h.samples('unknown'), []);
  });

  it('keeps ended containers readable until more than retainEnded others have ended', () => {
    const clock = new FakeClock();
    const h = new ContainerHistory<number>(clock, { retainEnded: 2 });
    for (const id of ['a', 'b', 'c', 'live']) h.record(id, 1);
    h.end('a');
    h.end('b');
    assert.deepEqual(h.containers().sort(), ['a', 'b', 'c', 'live']);
    h.end('c');
    assert.deepEqual(h.containers().sort(), ['b', 'c', 'live'], 'the oldest ended container is forgotten');
    assert.equal(h.latest('live')?.value, 1);
    h.clear();
    assert.deepEqual(h.containers(), []);
  });
});
