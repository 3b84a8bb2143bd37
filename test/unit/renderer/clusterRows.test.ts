import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { agentHostname, agentResourceLines, agentRows, containerIdOf, executorIdOf, findTask, frameworkName, frameworkNames, frameworkRows, safeHttpUrl, shortId, tasksOnAgent } from '../../../renderer/model/clusterRows.js';
import { applyOperatorEvent, emptyClusterState, type WireAgent, type WireFramework, type WireTask } from '../../../renderer/model/clusterState.js';
import { subscribedState } from './subscribedState.js';

const res = (name: string, value: number) => ({ name, type: 'SCALAR', scalar: { value } });
const ports = (begin: number, end: number) => ({ name: 'ports', type: 'RANGES', ranges: { range: [{ begin, end }] } });
const agent = (id: string, host: string, extra: Partial<WireAgent> = {}): WireAgent => ({
  agent_info: { id: { value: id }, hostname: host, attributes: [{ name: 'rack', type: 'TEXT', text: { value: 'r1' } }] },
  active: true,
  total_resources: [res('cpus', 4), res('mem', 1024), ports(31000, 31009)],
  allocated_resources: [res('cpus', 1), ports(31000, 31001)],
  offered_resources: [res('cpus', 2), res('mem', 512)],
  registered_time: { nanoseconds: 1_700_000_000_000_000_000 },
  ...extra,
});
const task = (id: string, agentId: string, state = 'TASK_RUNNING', extra: Partial<WireTask> = {}): WireTask => ({ name: id.split('.')[0] ?? id, task_id: { value: id }, framework_id: { value: 'F1' }, agent_id: { value: agentId }, state, ...extra });
const framework = (id: string, name: string, extra: Partial<WireFramework> = {}): WireFramework => ({ framework_info: { id: { value: id }, name, roles: ['web', 'batch'], principal: 'p', user: 'u', hostname: 'h', webui_url: 'http://h:8080' }, active: true, connected: true, allocated_resources: [res('cpus', 1)], ...extra });

function state() {
  return subscribedState({
    get_agents: { agents: [agent('M-S10', 'b10'), agent('M-S2', 'b2'), agent('M-S3', 'a1', { active: false })] },
    get_frameworks: { frameworks: [framework('F1', 'marathon'), framework('F2', 'idle', { active: false, connected: false })], completed_frameworks: [framework('F0', 'old')] },
    get_tasks: { tasks: [task('web.1', 'M-S2'), task('web.2', 'M-S2', 'TASK_STAGING'), task('db.1', 'M-S10')], completed_tasks: [task('web.0', 'M-S2', 'TASK_FAILED')] },
  });
}

describe('agentRows', () => {
  it('lists agents by hostname (numeric-aware) with usage, ports, attributes and task counts; removed ones last', () => {
    const s = state();
    applyOperatorEvent(s, { type: 'AGENT_REMOVED', agent_removed: { agent_id: { value: 'M-S3' } } });
    const rows = agentRows(s);
    assert.deepEqual(rows.map((r) => [r.hostname, r.status, r.tasks]), [['b2', 'active', 2], ['b10', 'active', 1], ['a1', 'removed', 0]], 'order, status and task counts');
    const b2 = rows[0];
    assert.deepEqual(b2?.cpus, { used: 1, offered: 2, total: 4 }, 'cpus used / offered / total');
    assert.equal(b2?.ports, '[31000-31009]', 'port ranges of the total');
    assert.equal(b2?.attributes, 'rack:r1', 'attributes');
    assert.equal(b2?.registeredAt, 1_700_000_000_000, 'registered time in ms');
  });

  it('marks deactivated agents inactive', () => {
    const s = state();
    assert.equal(agentRows(s).find((r) => r.id === 'M-S3')?.status, 'inactive', 'an inactive agent');
  });
});

describe('agentResourceLines', () => {
  it('gives scalars and ports as total / allocated / offered / free', () => {
    const lines = agentResourceLines(agent('A', 'h'));
    assert.deepEqual(
      lines.map((l) => [l.name, l.total, l.allocated, l.offered, l.free]),
      [
        ['cpus', 4, 1, 2, 1],
        ['mem', 1024, 0, 512, 512],
        ['disk', 0, 0, 0, 0],
        ['ports', 10, 2, 0, 8],
      ],
      'one line per resource',
    );
    assert.deepEqual(lines[3]?.ranges, { total: '[31000-31009]', allocated: '[31000-31001]', offered: '' }, 'port ranges kept for display');
  });
});

describe('tasks of an agent and containers', () => {
  it('lists live tasks by name, then completed ones', () => {
    assert.deepEqual(tasksOnAgent(state(), 'M-S2').map((t) => t.task_id.value), ['web.1', 'web.2', 'web.0'], 'live sorted, then completed');
  });

  it('finds a task by its executor and reads its container id', () => {
    const s = state();
    applyOperatorEvent(s, { type: 'TASK_UPDATED', task_updated: { framework_id: { value: 'F1' }, state: 'TASK_RUNNING', status: { task_id: { value: 'web.1' }, state: 'TASK_RUNNING', container_status: { container_id: { value: 'C1' } } } } });
    const t = findTask(s, 'M-S2', 'F1', 'web.1');
    assert.equal(t?.task_id.value, 'web.1', 'command tasks run in an executor named after the task');
    assert.equal(t && containerIdOf(t), 'C1', 'container id from the newest status');
    assert.equal(findTask(s, 'M-S2', 'F1', 'web.0')?.state, 'TASK_FAILED', 'completed tasks are found too');
    assert.equal(findTask(s, 'M-S10', 'F1', 'web.1'), undefined, 'not on another agent');
    assert.equal(executorIdOf(task('x', 'A', 'TASK_RUNNING', { executor_id: { value: 'E' } })), 'E', 'a custom executor id wins');
    assert.equal(containerIdOf({ statuses: [] }), undefined, 'no statuses, no container');
  });
});

describe('frameworkRows', () => {
  it('lists active, inactive then completed frameworks with roles, resources and task counts', () => {
    const rows = frameworkRows(state());
    assert.deepEqual(rows.map((r) => [r.name, r.status, r.connected]), [['marathon', 'active', true], ['idle', 'inactive', false], ['old', 'completed', false]], 'order and status');
    assert.deepEqual(rows[0]?.tasks, { live: 3, running: 2, staging: 1, completed: 1 }, 'task counts');
    assert.deepEqual(rows[0]?.roles, ['web', 'batch'], 'MULTI_ROLE roles');
    assert.equal(rows[0]?.allocated.cpus, 1, 'allocated cpus');
  });

  it('falls back to the single role, and to * without one', () => {
    const s = emptyClusterState();
    applyOperatorEvent(s, { type: 'FRAMEWORK_ADDED', framework_added: { framework: { framework_info: { id: { value: 'X' }, name: 'x', role: 'ops' }, active: true, connected: true } } });
    applyOperatorEvent(s, { type: 'FRAMEWORK_ADDED', framework_added: { framework: { framework_info: { id: { value: 'Y' }, name: 'y' }, active: true, connected: true } } });
    assert.deepEqual(frameworkRows(s).map((r) => r.roles), [['ops'], ['*']], 'role, then the default role');
  });
});

describe('agentHostname, frameworkName and frameworkNames', () => {
  it('name agents, registered or removed, and fall back to the id', () => {
    const s = state();
    applyOperatorEvent(s, { type: 'AGENT_REMOVED', agent_removed: { agent_id: { value: 'M-S3' } } });
    assert.deepEqual(['M-S2', 'M-S3', 'M-S99'].map((id) => agentHostname(s, id)), ['b2', 'a1', 'M-S99'], 'registered, removed, unknown');
  });

  it('name frameworks, live or completed, and fall back to the id', () => {
    const s = state();
    assert.deepEqual(['F1', 'F0', 'F9'].map((id) => frameworkName(s, id)), ['marathon', 'old', 'F9'], 'live, completed, unknown');
    assert.deepEqual([...frameworkNames(s)].sort(), [['F0', 'old'], ['F1', 'marathon'], ['F2', 'idle']], 'every known framework');
    s.completedFrameworks.set('F1', framework('F1', 'marathon-before'));
    assert.equal(frameworkNames(s).get('F1'), 'marathon', 'a live framework wins over a completed one of the same id');
  });
});

describe('safeHttpUrl and shortId', () => {
  it('accepts only http(s) URLs', () => {
    assert.equal(safeHttpUrl('http://h:8080/ui'), 'http://h:8080/ui', 'http');
    assert.equal(safeHttpUrl('javascript:alert(1)'), undefined, 'javascript: is refused');
    assert.equal(safeHttpUrl(''), undefined, 'empty');
  });

  it('trims the master id prefix', () => {
    assert.equal(shortId('c1ab6e86-d8cf-4ed8-aa91-c067425beefe-S12'), '…-S12', 'agent id');
    assert.equal(shortId('c1ab6e86-d8cf-4ed8-aa91-c067425beefe-0000'), '…-0000', 'framework id');
    assert.equal(shortId('agent-7'), 'agent-7', 'other ids unchanged');
  });
});
