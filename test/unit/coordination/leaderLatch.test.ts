import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { latchParticipants, latchSequence } from '../../../core/coordination/leaderLatch.js';
import { zkBucket } from '../../../core/coordination/zkStore.js';

describe('Curator leader latch naming', () => {
  it('reads the sequence after latch- and orders participants oldest first, skipping foreign nodes', () => {
    const a = '_c_7a1e3b4c-0000-4000-8000-000000000001-latch-0000000012';
    const b = '_c_9f0e3b4c-0000-4000-8000-000000000002-latch-0000000003';
    assert.equal(latchSequence(a), 12, 'the digits after latch-');
    assert.equal(latchSequence('leader'), undefined, 'a node without latch- is no participant');
    assert.equal(latchSequence('_c_x-latch-'), undefined, 'a node without a sequence is no participant');
    assert.deepEqual(latchParticipants([a, 'leader', b]), [b, a], 'lowest sequence first, whatever the UUID says');
  });
});

describe('ZkStore buckets', () => {
  it("spreads ids over sixteen buckets with Java's String.hashCode, as Marathon does", () => {
    // Java: "root".hashCode() = 3506402 → 3506402 % 16 = 2; "a".hashCode() = 97 → 1; "versions".hashCode() = -1985053029 → |-5| = 5.
    assert.equal(zkBucket('root'), '2', 'root');
    assert.equal(zkBucket('a'), '1', 'a');
    assert.equal(zkBucket('versions'), '5', 'a negative hash takes the absolute remainder');
    const seen = new Set(Array.from({ length: 1000 }, (_, i) => zkBucket(`instance-${i}`)));
    assert.equal(seen.size, 16, 'a thousand ids use every bucket');
  });
});
