// printJsonYielding must print exactly what JSON.stringify prints, however the value is shaped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { printJsonYielding } from '../../../core/api/yieldingJson.js';

async function printed(value: object): Promise<string> {
  return Buffer.concat(await printJsonYielding(value)).toString('utf8');
}

describe('printJsonYielding', () => {
  it('prints any JSON value as JSON.stringify does', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue(), { maxLength: 200 }), fc.dictionary(fc.string(), fc.jsonValue()), async (list, dict) => {
        assert.equal(await printed(list), JSON.stringify(list), 'an array prints the same');
        assert.equal(await printed(dict), JSON.stringify(dict), 'an object prints the same');
      }),
      { numRuns: 200 },
    );
  });

  it('leaves out what JSON.stringify leaves out and applies toJSON', async () => {
    const value = { a: undefined, b: () => 1, c: [undefined, () => 1, Symbol('s'), NaN, -0, Infinity], d: { toJSON: (key: string) => `key ${key}` }, e: new Date(0), f: Object(3), g: Object('s'), h: 'é\u2028"\\' };
    const long = { tasks: Array.from({ length: 5000 }, (_, i) => ({ id: `t${i}`, u: undefined, n: i % 7 === 0 ? null : i, s: 'x'.repeat(i % 50) })), after: [value] };
    assert.equal(await printed(value), JSON.stringify(value), 'special values print the same');
    assert.equal(await printed(long), JSON.stringify(long), 'a long array (printed element by element) prints the same');
  });

  it('splits a long answer into chunks', async () => {
    const long = { tasks: Array.from({ length: 20_000 }, (_, i) => ({ id: `task-${i}`, host: 'a-host-name', ports: [31000 + (i % 1000)] })) };
    const chunks = await printJsonYielding(long);
    assert.ok(chunks.length > 1, `several chunks (got ${chunks.length})`);
    assert.equal(Buffer.concat(chunks).toString('utf8'), JSON.stringify(long), 'the chunks join into the same text');
  });
});
