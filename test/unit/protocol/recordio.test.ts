import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeRecord, RecordIoDecoder, RecordIoError } from '../../../core/protocol/recordio.js';

describe('RecordIO', () => {
  it('frames by UTF-8 byte length with no trailing newline', () => {
    const bytes = encodeRecord('{"a":"é"}');
    assert.equal(new TextDecoder().decode(bytes), '10\n{"a":"é"}');
  });

  it('re-frames records split at any byte, including inside a multi-byte character', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', minLength: 1 }), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(40), { maxLength: 10 }), (records, cuts) => {
        const stream = Buffer.concat(records.map((r) => Buffer.from(encodeRecord(r))));
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const decoder = new RecordIoDecoder();
        const out: string[] = [];
        let last = 0;
        for (const p of [...points, stream.length]) {
          out.push(...decoder.decode(stream.subarray(last, p)));
          last = p;
        }
        assert.deepEqual(out, records, 'decoded records equal the encoded ones');
        assert.equal(decoder.pending, false, 'nothing left over');
      }),
    );
  });

  it('rejects a stream whose length header is not a number', () => {
    assert.throws(() => new RecordIoDecoder().decode(Buffer.from('x1\n{}')), RecordIoError);
  });
});
