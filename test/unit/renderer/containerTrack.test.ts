import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ContainerTable, ContainerTrack, findSandbox, historySample } from '../../../renderer/model/containerTrack.js';
import type { WireMonitorEntry } from '../../../renderer/model/containerUsage.js';

const MiB = 1024 * 1024;
const entry = (t: number, cpuSecs: number, rss: number, extra: Partial<WireMonitorEntry> = {}): WireMonitorEntry => ({
  framework_id: 'F',
  executor_id: 'E',
  source: 'web.1',
  statistics: { timestamp: t, cpus_limit: 0.5, cpus_user_time_secs: cpuSecs, cpus_system_time_secs: 0, mem_limit_bytes: 64 * MiB, mem_rss_bytes: rss, cpus_nr_periods: t * 10, cpus_nr_throttled: t },
  ...extra,
});
const other = (t: number): WireMonitorEntry => ({ ...entry(t, 0, 0), executor_id: 'OTHER' });

describe('ContainerTrack', () => {
  it('follows its container across polls: memory, CPU % of the limit, throttling', () => {
    const track = new ContainerTrack('F', 'E');
    assert.equal(track.state, 'loading', 'before the first poll');
    assert.equal(track.observe([other(100), entry(100, 1, 10 * MiB)]), true, 'first reading changes the view');
    assert.equal(track.state, 'live', 'seen');
    assert.equal(track.current.cpuPercent, undefined, 'no CPU rate from one reading');
    assert.equal(track.observe([entry(102, 1.5, 12 * MiB)]), true, 'second reading');
    assert.equal(track.current.memUsedBytes, 12 * MiB, 'memory used');
    assert.equal(track.current.memLimitBytes, 64 * MiB, 'memory limit');
    assert.ok(Math.abs((track.current.cpuPercent ?? 0) - 50) < 1e-9, `0.25 CPU of 0.5 is 50%, got ${track.current.cpuPercent}`);
    assert.ok(Math.abs((track.current.throttledPercent ?? 0) - 10) < 1e-9, 'throttled in 2 of 20 periods');
    assert.deepEqual(track.samples, { memory: 2, cpu: 1, throttled: 1 }, 'points per series');
  });

  it('does not change when the agent repeats a reading', () => {
    const track = new ContainerTrack('F', 'E');
    track.observe([entry(100, 1, MiB)]);
    const v = track.version;
    assert.equal(track.observe([entry(100, 1, MiB)]), false, 'same timestamp: nothing to draw');
    assert.equal(track.version, v, 'version unchanged, so the page does not re-render');
  });

  it('says when the container ended, keeping its samples, and when it was never seen', () => {
    const track = new ContainerTrack('F', 'E');
    track.observe([entry(100, 1, MiB)]);
    assert.equal(track.observe([other(102)]), true, 'disappearing is a change');
    assert.equal(track.state, 'ended', 'ended');
    assert.equal(track.observe([]), false, 'still ended: no change');
    assert.equal(track.samples.memory, 1, 'samples kept');
    const never = new ContainerTrack('F', 'E');
    never.observe([other(1)]);
    assert.equal(never.state, 'absent', 'never seen');
  });

  it('merges history under live samples and downsamples for drawing', () => {
    const track = new ContainerTrack('F', 'E');
    track.observe([entry(1000, 1, 5 * MiB)]);
    const view = { timestamp_ms: 0, memory: { total_bytes: 64 * MiB, used_bytes: 3 * MiB, available_bytes: 0, cache_bytes: 0, free_bytes: 0 }, cpu: { count: 1, limit: 0.5, utilisation: 0.2 } };
    const history = Array.from({ length: 300 }, (_, i) => historySample({ at_ms: 100_000 + i * 1000, view }));
    assert.equal(history[0]?.cpuPercent, 20, 'utilisation is a share of the limit');
    assert.ok(track.addHistory(history), 'history added');
    const data = track.chartData(150);
    assert.equal(track.samples.memory, 301, 'history then the live point');
    assert.equal(data.memory.length, 150, 'downsampled to 150 points');
    assert.equal(data.memory[data.memory.length - 1]?.t, 1_000_000, 'the live point stays last');
    assert.equal(track.current.cpuPercent, 20, 'CPU filled in from history while live has no rate yet');
    assert.equal(track.addHistory([]), false, 'empty history changes nothing');
  });
});

describe('ContainerTable', () => {
  it('pairs each container with its previous reading and keeps the last sample on a repeat', () => {
    const table = new ContainerTable();
    const first = table.update([entry(100, 1, MiB), other(100)]);
    assert.deepEqual(first.map((r) => r.key), ['F/E', 'F/OTHER'], 'sorted by key');
    assert.equal(first[0]?.sample.cpuPercent, undefined, 'no rate yet');
    const second = table.update([entry(101, 1.5, MiB)]);
    assert.equal(second.length, 1, 'OTHER disappeared');
    assert.equal(second[0]?.sample.cpuPercent, 100, '0.5 CPU-seconds in 1 s on a 0.5 CPU limit');
    const repeat = table.update([entry(101, 1.5, MiB)]);
    assert.equal(repeat[0]?.sample.cpuPercent, 100, 'a repeated reading keeps the last rate');
  });
});

describe('findSandbox', () => {
  const state = {
    frameworks: [{ id: 'F', executors: [{ id: 'E', directory: '/sandbox/E', tasks: [{ id: 'E', statuses: [{}, { container_status: { container_id: { value: 'C1' } } }] }] }] }],
    completed_frameworks: [{ id: 'G', completed_executors: [{ id: 'X', directory: '/sandbox/X', completed_tasks: [{ id: 'X' }] }] }],
  };

  it('finds live and completed executors', () => {
    assert.deepEqual(findSandbox(state, 'F', 'E'), { directory: '/sandbox/E', containerId: 'C1' }, 'live executor with its container id');
    assert.deepEqual(findSandbox(state, 'G', 'X'), { directory: '/sandbox/X', containerId: undefined }, 'completed framework and executor');
    assert.equal(findSandbox(state, 'F', 'nope'), undefined, 'unknown executor');
    assert.equal(findSandbox({}, 'F', 'E'), undefined, 'empty state');
  });
});
