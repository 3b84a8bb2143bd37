import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { WireFramework, WireTask } from '../../../renderer/model/clusterState.js';
import { HAS_CONTAINER, rowMatches, taskRows } from '../../../renderer/model/taskRows.js';
import { subscribedState } from './subscribedState.js';

const res = (name: string, value: number) => ({ name, type: 'SCALAR', scalar: { value } });
const task = (id: string, state: string, extra: Partial<WireTask> = {}): WireTask => ({
  name: id.split('.')[0] ?? id,
  task_id: { value: id },
  framework_id: { value: 'F1' },
  agent_id: { value: 'S1' },
  state,
  resources: [res('cpus', 0.5), res('mem', 64)],
  ...extra,
});
const framework = (id: string, name: string): WireFramework => ({ framework_info: { id: { value: id }, name }, active: true, connected: true });

function state() {
  return subscribedState({
    get_agents: { agents: [{ agent_info: { id: { value: 'S1' }, hostname: 'node-1' }, active: true }] },
    get_frameworks: { frameworks: [framework('F1', 'marathon')], completed_frameworks: [framework('F0', 'old-job')] },
    get_tasks: {
      tasks: [task('web.2', 'TASK_RUNNING', { executor_id: { value: 'exec-2' }, statuses: [{ state: 'TASK_RUNNING', timestamp: 1_700_000_000.5 }] }), task('api.1', 'TASK_STAGING'), task('ghost.1', 'TASK_RUNNING', { agent_id: { value: 'S9' }, framework_id: { value: 'F9' } })],
      completed_tasks: [task('job.1', 'TASK_FINISHED', { framework_id: { value: 'F0' } }), task('web.1', 'TASK_FAILED')],
    },
  });
}

describe('taskRows', () => {
  it('lists live tasks by id, with framework name, hostname, resources and update time', () => {
    const rows = taskRows(state(), false);
    assert.deepEqual(rows.map((r) => r.id), ['api.1', 'ghost.1', 'web.2'], 'live only, sorted by id');
    const web = rows.find((r) => r.id === 'web.2');
    assert.deepEqual(
      web && { key: web.key, framework: web.framework, host: web.host, cpus: web.cpus, mem: web.mem, executorId: web.executorId, updated: web.updated, live: web.live },
      { key: 'F1/web.2', framework: 'marathon', host: 'node-1', cpus: 0.5, mem: 64, executorId: 'exec-2', updated: 1_700_000_000_500, live: true },
      'a live task flattened',
    );
    const api = rows.find((r) => r.id === 'api.1');
    assert.equal(api?.executorId, 'api.1', 'a command task is its own executor');
    assert.equal(api?.updated, undefined, 'no status yet');
  });

  it('falls back to ids for frameworks and agents the master does not know', () => {
    const ghost = taskRows(state(), false).find((r) => r.id === 'ghost.1');
    assert.deepEqual([ghost?.framework, ghost?.host], ['F9', 'S9'], 'ids shown');
  });

  it('adds the completed tasks, newest first, with completed frameworks named', () => {
    const rows = taskRows(state(), true);
    assert.deepEqual(rows.map((r) => [r.id, r.live]), [['api.1', true], ['ghost.1', true], ['web.2', true], ['web.1', false], ['job.1', false]], 'live, then completed newest first');
    assert.equal(rows.find((r) => r.id === 'job.1')?.framework, 'old-job', 'completed framework name');
  });

  it('keeps the row of an unchanged task and rebuilds it when its framework is renamed', () => {
    const s = state();
    const before = taskRows(s, false);
    const again = taskRows(s, false);
    assert.ok(before.every((r, i) => r === again[i]), 'same row objects while nothing changed');
    s.frameworks.set('F1', framework('F1', 'marathon-2'));
    const after = taskRows(s, false);
    assert.equal(after.find((r) => r.id === 'web.2')?.framework, 'marathon-2', 'new name');
    assert.notEqual(after.find((r) => r.id === 'web.2'), before.find((r) => r.id === 'web.2'), 'a new row for the renamed framework');
    assert.equal(after.find((r) => r.id === 'ghost.1'), before.find((r) => r.id === 'ghost.1'), 'other rows kept');
  });
});

describe('rowMatches', () => {
  it('matches when the search text holds every lowercased term', () => {
    const [row] = taskRows(state(), false).filter((r) => r.id === 'web.2');
    assert.ok(row, 'the row');
    assert.equal(rowMatches(row, []), true, 'no terms');
    assert.equal(rowMatches(row, ['web', 'marathon', 'node-1', 'task_running']), true, 'id, framework, host and state');
    assert.equal(rowMatches(row, ['web', 'staging']), false, 'every term must match');
    assert.equal(rowMatches(row, ['WEB']), false, 'terms come lowercased');
  });
});

describe('HAS_CONTAINER', () => {
  it('holds the states whose container exists', () => {
    assert.deepEqual(['TASK_RUNNING', 'TASK_STARTING', 'TASK_KILLING', 'TASK_STAGING', 'TASK_FINISHED'].map((s) => HAS_CONTAINER.has(s)), [true, true, true, false, false], 'live container states');
  });
});
