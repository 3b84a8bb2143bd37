// parseMesosJson: Mesos's JSON-to-protobuf leniency (an explicit null is an unset field) and its errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMesosJson } from '../../../core/api/mesosHttp.js';

describe('parseMesosJson', () => {
  it('drops explicit nulls at every depth, in objects and arrays', () => {
    const parsed = parseMesosJson('{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"root","id":null,"roles":["a",null,"b"],"labels":{"labels":[{"key":"k","value":null}]}}}}');
    assert.deepEqual(parsed, { type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'root', roles: ['a', 'b'], labels: { labels: [{ key: 'k' }] } } } }, 'nulls gone, everything else kept');
  });

  it('keeps a body without nulls as parsed, including the text "null" inside strings', () => {
    assert.deepEqual(parseMesosJson('{"a":[1,{"b":"x"}],"c":true}'), { a: [1, { b: 'x' }], c: true }, 'plain body unchanged');
    assert.deepEqual(parseMesosJson('{"name":"nullable","v":null}'), { name: 'nullable' }, 'a string holding "null" is kept, a null value dropped');
    assert.equal(parseMesosJson('null'), null, 'a bare null stays null (the caller rejects it as a call)');
  });

  it('answers a parse failure with Mesos\'s message', () => {
    assert.throws(() => parseMesosJson('{"type":'), (err: Error) => err.message.startsWith('Failed to parse body into JSON: '), 'Mesos wording');
  });
});
