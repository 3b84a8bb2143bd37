import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CoreError } from '../../../core/common/errors.js';
import { attributesSummary, attributeText, formatAttributes, parseAttributes } from '../../../core/common/attributes.js';
import * as viaResources from '../../../core/common/resources.js';
import type { Attribute } from '../../../core/common/resourceTypes.js';

function throwsInvalid(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof CoreError, `expected CoreError, got ${String(err)}`);
    assert.equal(err.code, 'INVALID');
    assert.equal(err.message, message);
    return true;
  });
}

describe('parseAttributes', () => {
  it('reads the Mesos example', () => {
    assert.deepEqual(parseAttributes('rack:abc;zone:west;os:centos5;level:10;keys:[1000-1500]'), [
      { name: 'rack', type: 'TEXT', text: { value: 'abc' } },
      { name: 'zone', type: 'TEXT', text: { value: 'west' } },
      { name: 'os', type: 'TEXT', text: { value: 'centos5' } },
      { name: 'level', type: 'SCALAR', scalar: { value: 10 } },
      { name: 'keys', type: 'RANGES', ranges: { range: [{ begin: 1000, end: 1500 }] } },
    ]);
  });

  it('splits on newlines too, ignores spaces and keeps everything after the first colon', () => {
    assert.deepEqual(parseAttributes(' rack : a b ;\nurl:http://x:80/\n;weight:0.5;neg:-1'), [
      { name: 'rack', type: 'TEXT', text: { value: 'ab' } },
      { name: 'url', type: 'TEXT', text: { value: 'http://x:80/' } },
      { name: 'weight', type: 'SCALAR', scalar: { value: 0.5 } },
      // Mesos reads negative numbers as text.
      { name: 'neg', type: 'TEXT', text: { value: '-1' } },
    ]);
    assert.deepEqual(parseAttributes(''), []);
  });

  it('merges ranges and keeps repeated names', () => {
    assert.deepEqual(parseAttributes('k:[5-6,1-2,3-4];a:1;a:x'), [
      { name: 'k', type: 'RANGES', ranges: { range: [{ begin: 1, end: 6 }] } },
      { name: 'a', type: 'SCALAR', scalar: { value: 1 } },
      { name: 'a', type: 'TEXT', text: { value: 'x' } },
    ]);
  });

  it('rejects what Mesos rejects', () => {
    throwsInvalid(() => parseAttributes('rack'), "Invalid attribute key:value pair 'rack'");
    throwsInvalid(() => parseAttributes(':abc'), "Invalid attribute key:value pair ':abc'");
    throwsInvalid(() => parseAttributes('rack:'), "Invalid attribute key:value pair 'rack:'");
    throwsInvalid(() => parseAttributes('s:{a,b}'), 'Bad type for attribute s text {a,b} type SET');
    throwsInvalid(() => parseAttributes('k:[1-2'), 'Failed to parse attribute k text [1-2 error Mismatched brackets');
    throwsInvalid(() => parseAttributes('k:[2-1]'), 'Failed to parse attribute k text [2-1] error range begin > end');
  });

  it('is re-exported from resources', () => {
    assert.equal(viaResources.parseAttributes, parseAttributes);
    assert.equal(viaResources.attributesSummary, attributesSummary);
    assert.equal(viaResources.attributeText, attributeText);
  });
});

describe('attributesSummary', () => {
  it('writes the legacy JSON object', () => {
    const attrs = parseAttributes('rack:abc;level:10;keys:[1000-1500,2000-2001];weight:0.5');
    const withSet: Attribute = { name: 'tags', type: 'SET', set: { item: ['x', 'y'] } };
    assert.deepEqual(attributesSummary([...attrs, withSet]), {
      rack: 'abc',
      level: 10,
      keys: '[1000-1500, 2000-2001]',
      weight: 0.5,
      tags: '{x, y}',
    });
    assert.deepEqual(attributesSummary([]), {});
  });

  it('keeps the last of repeated names and reads string scalars', () => {
    const attrs: Attribute[] = [
      { name: 'a', type: 'TEXT', text: { value: 'first' } },
      { name: 'a', type: 'SCALAR', scalar: { value: '2.5' as unknown as number } },
    ];
    assert.deepEqual(attributesSummary(attrs), { a: 2.5 });
  });
});

describe('attributeText', () => {
  it('formats as Marathon compares constraint values', () => {
    const text = (a: Attribute): string => attributeText(a);
    assert.equal(text({ name: 'r', type: 'TEXT', text: { value: 'rack-1' } }), 'rack-1');
    assert.equal(text({ name: 'l', type: 'SCALAR', scalar: { value: 10 } }), '10');
    assert.equal(text({ name: 'l', type: 'SCALAR', scalar: { value: 1.5 } }), '1.5');
    assert.equal(text({ name: 'l', type: 'SCALAR', scalar: { value: 1234.5678 } }), '1,234.568');
    assert.equal(text({ name: 'l', type: 'SCALAR', scalar: { value: 0.0005 } }), '0.001');
    assert.equal(text({ name: 'l', type: 'SCALAR', scalar: { value: 0.0625 } }), '0.062');
    assert.equal(text({ name: 'l', type: 'SCALAR', scalar: { value: 0.1875 } }), '0.188');
    assert.equal(text({ name: 'l', type: 'SCALAR', scalar: { value: 1000000 } }), '1,000,000');
    assert.equal(text({ name: 'l', type: 'SCALAR', scalar: { value: 1e21 } }), '1,000,000,000,000,000,000,000');
    assert.equal(text({ name: 'l', type: 'SCALAR', scalar: { value: 999.9996 } }), '1,000');
    assert.equal(text({ name: 'l', type: 'SCALAR', scalar: { value: -2.5 } }), '-2.5');
    assert.equal(
      text({ name: 'k', type: 'RANGES', ranges: { range: [{ begin: 20, end: 30 }, { begin: 1, end: 5 }] } }),
      '[1-5,20-30]',
    );
    assert.equal(text({ name: 's', type: 'SET', set: { item: ['b', 'a'] } }), '{a,b}');
  });
});

describe('attribute properties', () => {
  const arbName = fc.stringMatching(/^[a-z][a-z0-9_]{0,7}$/);
  const arbAttr: fc.Arbitrary<Attribute> = fc.oneof(
    fc.record({ name: arbName, value: fc.stringMatching(/^[a-z][a-z0-9_.\/-]{0,9}$/) }).map(({ name, value }): Attribute => ({ name, type: 'TEXT', text: { value } })),
    fc.record({ name: arbName, milli: fc.integer({ min: 0, max: 10_000_000 }) }).map(({ name, milli }): Attribute => ({ name, type: 'SCALAR', scalar: { value: milli / 1000 } })),
    fc
      .record({ name: arbName, begin: fc.integer({ min: 0, max: 1000 }), len: fc.integer({ min: 0, max: 100 }) })
      .map(({ name, begin, len }): Attribute => ({ name, type: 'RANGES', ranges: { range: [{ begin, end: begin + len }] } })),
  );

  it('parseAttributes(formatAttributes()) round-trips', () => {
    fc.assert(
      fc.property(fc.array(arbAttr, { maxLength: 6 }), (attrs) => {
        assert.deepEqual(parseAttributes(formatAttributes(attrs)), attrs);
      }),
      { numRuns: 300 },
    );
  });
});
