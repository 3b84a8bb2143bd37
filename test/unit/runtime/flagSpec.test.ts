import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFlags, type FlagSpec } from '../../../core/runtime/flagSpec.js';
import { parseDuration, formatDuration } from '../../../core/common/duration.js';

const specs: FlagSpec[] = [
  { name: 'work_dir', kind: 'string', help: '' },
  { name: 'port', kind: 'number', help: '', default: '5050' },
  { name: 'allocation_interval', kind: 'duration', help: '', default: '1secs' },
  { name: 'quiet', kind: 'boolean', help: '', default: 'false' },
];

describe('readFlags', () => {
  it('takes the command line over MESOS_<FLAG> over the default', () => {
    const env = { MESOS_WORK_DIR: '/from/env', MESOS_PORT: '6060', MESOS_ALLOCATION_INTERVAL: '250ms' };
    assert.deepEqual(readFlags(specs, { port: '7070' }, env), { work_dir: '/from/env', port: 7070, allocation_interval: 250, quiet: false });
    assert.deepEqual(readFlags(specs, {}, {}), { work_dir: undefined, port: 5050, allocation_interval: 1000, quiet: false });
    assert.equal(readFlags(specs, { quiet: true }, {}).quiet, true);
  });

  it('names the flag when a value does not parse', () => {
    assert.throws(() => readFlags(specs, { port: 'fifty' }, {}), /Failed to load flag 'port'/);
    assert.throws(() => readFlags(specs, {}, { MESOS_ALLOCATION_INTERVAL: '5 parsecs' }), /allocation_interval/);
  });
});

describe('durations', () => {
  it('reads and prints Mesos duration strings', () => {
    assert.equal(parseDuration('15secs'), 15_000);
    assert.equal(parseDuration('1weeks'), 604_800_000);
    assert.equal(parseDuration('0.5secs'), 500);
    assert.equal(formatDuration(15_000), '15secs');
    assert.equal(formatDuration(600_000), '10mins');
    assert.equal(formatDuration(250), '250ms');
  });
});
