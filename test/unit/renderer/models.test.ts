import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyOperatorEvent, clusterTotals, emptyClusterState, type WireAgent, type WireTask } from '../../../renderer/model/clusterState.js';
import { usageSample, type WireMonitorEntry } from '../../../renderer/model/containerUsage.js';
import { downsample, lttbIndices, Series, type Point } from '../../../renderer/model/downsample.js';
import { OfferLog } from '../../../renderer/model/offerLog.js';
import { fuzzyScore } from '../../../renderer/components/CommandPalette.js';

const cpus = (v: number) => ({ name: 'cpus', type: 'SCALAR', scalar: { value: v } });
const mem = (v: number) => ({ name: 'mem', type: 'SCALAR', scalar: { value: v } });
const agent = (id: string, active = true): WireAgent => ({ agent_info: { id: { value: id }, hostname: `h-${id}` }, active, total_resources: [cpus(4), mem(1024)], allocated_resources: [cpus(1)], offered_resources: [cpus(2), mem(512)] });
const task = (id: string, state = 'TASK_RUNNING'): WireTask => ({ name: id, task_id: { value: id }, framework_id: { value: 'F' }, agent_id: { value: 'A1' }, state });

describe('ClusterState reducer', () => {
  it('starts from GET_STATE and follows task, agent and framework events', () => {
    const s = emptyClusterState(2);
    applyOperatorEvent(s, { type: 'SUBSCRIBED', subscribed: { get_state: { get_agents: { agents: [agent('A1'), agent('A2', false)] }, get_tasks: { tasks: [task('t1')] }, get_frameworks: { frameworks: [{ framework_info: { id: { value: 'F' }, name: 'marathon' }, active: true, connected: true }] } } } });
    assert.equal(s.subscribed, true, 'subscribed');
    assert.equal(s.tasks.size, 1, 'one task');
    applyOperatorEvent(s, { type: 'TASK_ADDED', task_added: { task: task('t2', 'TASK_STAGING') } });
    applyOperatorEvent(s, { type: 'TASK_UPDATED', task_updated: { framework_id: { value: 'F' }, state: 'TASK_RUNNING', status: { task_id: { value: 't2' }, state: 'TASK_RUNNING' } } });
    assert.equal(s.tasks.get('F/t2')?.state, 'TASK_RUNNING', 'task updated');
    for (const id of ['t1', 't2']) applyOperatorEvent(s, { type: 'TASK_UPDATED', task_updated: { framework_id: { value: 'F' }, state: 'TASK_KILLED', status: { task_id: { value: id }, state: 'TASK_KILLED' } } });
    applyOperatorEvent(s, { type: 'TASK_ADDED', task_added: { task: task('t3', 'TASK_FAILED') } });
    applyOperatorEvent(s, { type: 'TASK_UPDATED', task_updated: { framework_id: { value: 'F' }, state: 'TASK_FAILED', status: { task_id: { value: 't3' }, state: 'TASK_FAILED' } } });
    assert.equal(s.tasks.size, 0, 'terminal tasks leave the live map');
    assert.deepEqual([...s.completedTasks.keys()], ['F/t2', 'F/t3'], 'completed tasks bounded to the newest 2');
    assert.equal(applyOperatorEvent(s, { type: 'TASK_UPDATED', task_updated: { framework_id: { value: 'F' }, state: 'TASK_RUNNING', status: { task_id: { value: 'ghost' }, state: 'TASK_RUNNING' } } }), false, 'unknown task ignored');
    applyOperatorEvent(s, { type: 'AGENT_REMOVED', agent_removed: { agent_id: { value: 'A1' } } });
    assert.equal(s.removedAgents.has('A1'), true, 'removed agent kept as removed');
    applyOperatorEvent(s, { type: 'FRAMEWORK_REMOVED', framework_removed: { framework_info: { id: { value: 'F' }, name: 'marathon' } } });
    assert.equal(s.completedFrameworks.has('F'), true, 'framework completed');
    const t = clusterTotals(s);
    assert.deepEqual(t.agents, { active: 0, inactive: 1, removed: 1 }, 'agents by state');
    assert.deepEqual(t.resources.cpus, { total: 4, used: 1, offered: 2 }, 'cpus of the remaining agent');
    assert.deepEqual(t.tasksByState, { TASK_KILLED: 1, TASK_FAILED: 1 }, 'tasks by state');
  });
});

describe('OfferLog', () => {
  it('tracks each offer to its outcome and stays bounded', () => {
    const log = new OfferLog(3);
    const offer = (id: string) => ({ id: { value: id }, framework_id: { value: 'F' }, agent_id: { value: 'A' }, hostname: 'h', resources: [cpus(2), mem(128), { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 31009 }] } }] });
    for (const id of ['o1', 'o2', 'o3', 'o4']) log.apply({ type: 'OFFER_MADE', at: 1, offer: offer(id) as never, role: '*' });
    log.apply({ type: 'OFFER_ACCEPTED', at: 2, offerIds: ['o2'], frameworkId: 'F', agentId: 'A', launched: [{ taskId: 't', name: 'web', resources: {} }], refuseSeconds: 5 });
    log.apply({ type: 'OFFER_DECLINED', at: 3, offerId: 'o3', frameworkId: 'F', agentId: 'A', refuseSeconds: 120 });
    log.apply({ type: 'OFFER_RESCINDED', at: 4, offerId: 'o4', frameworkId: 'F', agentId: 'A', reason: 'agent removed' });
    const rows = log.list();
    assert.deepEqual(rows.map((r) => r.offerId), ['o4', 'o3', 'o2'], 'newest first, oldest dropped');
    assert.deepEqual(rows.map((r) => r.outcome), ['rescinded', 'declined', 'accepted'], 'outcomes');
    assert.deepEqual(rows[2]?.launched, ['web'], 'what launched');
    assert.deepEqual(rows[0]?.resources, { cpus: 2, mem: 128, disk: 0, ports: 10 }, 'resources summed');
    assert.deepEqual(log.counts(), { outstanding: 0, accepted: 1, declined: 1, rescinded: 1, expired: 0 }, 'counts');
  });
});

describe('downsample', () => {
  it('keeps at most maxPoints, the ends, and a lone spike', () => {
    const points: Point[] = Array.from({ length: 10_000 }, (_, i) => ({ t: i, v: i === 5_432 ? 1000 : Math.sin(i / 50) }));
    const out = downsample(points, 150);
    assert.equal(out.length, 150, 'bounded');
    assert.deepEqual([out[0], out[149]], [points[0], points[9999]], 'ends kept');
    assert.ok(out.some((p) => p.v === 1000), 'spike kept');
    assert.deepEqual(downsample(points.slice(0, 10), 150), points.slice(0, 10), 'short series untouched');
  });
  it('Series is a bounded ring that ignores out-of-order samples', () => {
    const s = new Series(100);
    for (let i = 0; i < 1000; i++) s.push({ t: i, v: i });
    s.push({ t: 5, v: 0 });
    assert.equal(s.length, 100, 'bounded');
    assert.equal(s.view(1000)[0]?.t, 900, 'oldest dropped');
  });
  it('Series keeps its samples in order across the ring wrapping, and draws them as downsample would', () => {
    const s = new Series(300);
    const all: Point[] = Array.from({ length: 1234 }, (_, i) => ({ t: 1_700_000_000_000 + i * 2000, v: i % 97 === 0 ? 500 : Math.cos(i / 30) }));
    for (const p of all) s.push(p);
    const kept = all.slice(-300);
    assert.deepEqual(s.view(Number.POSITIVE_INFINITY), kept, 'the newest 300, oldest first, after wrapping several times');
    assert.deepEqual(s.view(150), downsample(kept, 150), 'the same points downsample picks from an array');
    assert.equal(s.view(150).length, 150, 'bounded');
    s.push({ t: all[1233]?.t ?? 0, v: 7 });
    assert.equal(s.view(Number.POSITIVE_INFINITY).at(-1)?.v, all[1233]?.v, 'a repeated timestamp is ignored after wrapping too');
  });
  it('lttbIndices picks indices: all of a short series, both ends of a long one', () => {
    assert.deepEqual(lttbIndices(4, (i) => i, (i) => i, 150), [0, 1, 2, 3], 'short: every index');
    const picked = lttbIndices(1000, (i) => i, (i) => (i === 400 ? 10 : 0), 50);
    assert.equal(picked.length, 50, 'bounded');
    assert.deepEqual([picked[0], picked[49]], [0, 999], 'ends');
    assert.ok(picked.includes(400), 'the spike');
    assert.deepEqual(lttbIndices(0, () => 0, () => 0, 150), [], 'empty');
  });
});

describe('usageSample', () => {
  const entry = (ts: number, cpuSecs: number, extra: Partial<WireMonitorEntry['statistics']> = {}, view = false): WireMonitorEntry => ({
    framework_id: 'F',
    executor_id: 'E',
    statistics: { timestamp: ts, cpus_limit: 0.5, cpus_user_time_secs: cpuSecs, cpus_system_time_secs: 0, cpus_nr_periods: ts * 10, cpus_nr_throttled: ts * 2, mem_limit_bytes: 64 * 1048576, mem_total_bytes: 40 * 1048576, mem_cache_bytes: 8 * 1048576, ...extra },
    ...(view ? { plateau_container_view: { timestamp_ms: ts * 1000, memory: { total_bytes: 64 * 1048576, used_bytes: 30 * 1048576, available_bytes: 34 * 1048576, cache_bytes: 8 * 1048576, free_bytes: 24 * 1048576 }, cpu: { count: 1, limit: 0.5 } } } : {}),
  });
  it('computes CPU against the container limit and memory as free inside the container shows it', () => {
    const s = usageSample(entry(12, 1.25), entry(10, 1.0));
    assert.ok(Math.abs((s.cpusUsed ?? 0) - 0.125) < 1e-9, 'CPUs used over the interval');
    assert.ok(Math.abs((s.cpuPercent ?? 0) - 25) < 1e-9, '25% of a 0.5 CPU limit');
    assert.ok(Math.abs((s.throttledPercent ?? 0) - 20) < 1e-9, 'throttled share of periods');
    assert.equal(s.memLimitBytes, 64 * 1048576, 'MemTotal is the limit');
    assert.equal(s.memUsedBytes, 32 * 1048576, 'used = usage − page cache (lxcfs)');
    assert.equal(usageSample(entry(12, 1.25)).cpuPercent, undefined, 'no rate without a previous sample');
    assert.equal(usageSample(entry(12, 1, {}, true)).memUsedBytes, 30 * 1048576, "Plateau's container view wins when present");
  });
});

describe('command palette', () => {
  it('ranks prefix and in-order matches, and rejects out-of-order ones', () => {
    assert.ok(fuzzyScore('mar app add', 'marathon app add') > fuzzyScore('mar app add', 'marathon app show /mar/app/add'), 'the verb beats an app path');
    assert.equal(fuzzyScore('zz', 'marathon app list'), 0, 'no match');
    assert.ok(fuzzyScore('node', 'node list') > fuzzyScore('node', 'go connections'), 'prefix first');
  });
});
