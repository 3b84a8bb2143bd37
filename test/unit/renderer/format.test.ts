import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  clockTime,
  errorText,
  formatAge,
  formatBytes,
  formatDuration,
  formatMem,
  formatNumber,
  formatShortTime,
  formatTime,
  fullTime,
  plural,
  resourceText,
  shortState,
  shownCount,
} from '../../../renderer/model/format.js';

describe('sizes and amounts', () => {
  it('renders bytes in binary units and Mesos megabytes through them', () => {
    assert.deepEqual([formatBytes(512), formatBytes(1536), formatBytes(200 * 1024 * 1024), formatBytes(undefined), formatBytes(NaN)], ['512 B', '1.5 KiB', '200 MiB', '–', '–'], 'bytes');
    assert.equal(formatMem(1024), '1.0 GiB', 'mem is MB');
  });

  it('trims numbers and picks the unit by resource name', () => {
    assert.deepEqual([formatNumber(0.1 + 0.2), formatNumber(2), formatNumber(undefined)], ['0.3', '2', '–'], 'numbers');
    assert.deepEqual([resourceText('mem', 512), resourceText('disk', 2048), resourceText('cpus', 1.5), resourceText('gpus', 1)], ['512 MiB', '2.0 GiB', '1.5', '1'], 'by name');
  });

  it('counts in words and says how much a filter hides', () => {
    assert.deepEqual([plural(1, 'offer'), plural(2, 'offer'), plural(0, 'mouse', 'mice')], ['1 offer', '2 offers', '0 mice'], 'plural');
    assert.equal(shownCount(12, 12, 'apps'), '12 apps', 'nothing hidden');
    assert.equal(shownCount(3, 12, 'apps'), '3 of 12 apps', 'filtered');
  });
});

describe('times', () => {
  it('renders ages and durations compactly', () => {
    assert.deepEqual([formatAge(0, 4000), formatAge(0, 200_000), formatAge(0, 7_300_000), formatAge(0, 90_000_000), formatAge(5000, 0)], ['4s', '3m', '2h', '1d', '0s'], 'ages');
    assert.deepEqual([formatDuration(5), formatDuration(60), formatDuration(200), formatDuration(7260), formatDuration(90000), formatDuration(-3)], ['5s', '1m', '3m 20s', '2h 1m', '1d 1h', '0s'], 'durations');
  });

  it('renders clock times, and dashes or nothing for missing times', () => {
    const t = new Date(2024, 0, 2, 3, 4, 5).getTime();
    assert.equal(clockTime(t), '03:04:05', 'padded time of day');
    assert.equal(clockTime(0), '–', 'no time');
    assert.equal(fullTime(t), new Date(t).toLocaleString(), 'local date and time');
    assert.equal(fullTime(undefined), undefined, 'no tooltip without a time');
  });

  it("renders Marathon's ISO timestamps in full or short", () => {
    const iso = '2024-01-02T03:04:05.000Z';
    const t = Date.parse(iso);
    assert.equal(formatTime(iso), new Date(t).toLocaleString(), 'full local time');
    assert.equal(formatTime(null), '–', 'none');
    assert.equal(formatTime('not a time'), 'not a time', 'unparsed text is shown as it is');
    assert.equal(formatShortTime(iso, t + 1000), new Date(t).toLocaleTimeString(), 'the time alone on the same day');
    assert.notEqual(formatShortTime(iso, t + 3 * 86_400_000), new Date(t).toLocaleTimeString(), 'a date on other days');
    assert.equal(formatShortTime(undefined, t), '–', 'none');
    assert.equal(formatShortTime('soon', t), 'soon', 'unparsed');
  });
});

describe('states and errors', () => {
  it("drops Mesos's TASK_ prefix", () => {
    assert.equal(shortState('TASK_RUNNING'), 'RUNNING', 'prefix dropped');
    assert.equal(shortState('RUNNING'), 'RUNNING', 'unchanged without it');
  });

  it("takes an error's message, or the thrown value as text", () => {
    assert.equal(errorText(new Error('boom')), 'boom', 'message');
    assert.equal(errorText('plain'), 'plain', 'string');
    assert.equal(errorText(42), '42', 'anything');
  });
});
