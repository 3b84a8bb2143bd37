import { Resources } from '../common/resources.js';
import type { AgentRecord } from '../master/agentRecord.js';
import type { FrameworkRecord } from '../master/frameworkRecord.js';
import type { Master } from '../master/master.js';
import type { OperatorEvent } from '../master/operatorEvent.js';
import { isTerminalState } from '../protocol/mesos/v1.js';
import { agentUsage } from './masterStateJson.js';

/**
 * The v1 operator API's answers (`include/mesos/v1/master/master.proto`): ids as `{value}` objects, full
 * v1 resources, times as floats in seconds inside `TimeInfo` where the proto says so.
 */

/** getAgentsJson is the body of `GET_AGENTS`. */
export function getAgentsJson(master: Master): Record<string, unknown> {
  const usage = agentUsage(master);
  return {
    agents: [...master.agents.values()].map((a) => agentV1(a, usage.get(a.id))),
    recovered_agents: [...master.recoveredAgents.values()].map((a) => a.info),
  };
}

/** agentV1 is one `GetAgents.Agent`. */
export function agentV1(a: AgentRecord, usage?: { used: Resources; offered: Resources }): Record<string, unknown> {
  return {
    agent_info: { ...a.info, port: a.info.port ?? 5051, resources: a.total.toJSON() },
    active: a.active && a.connected,
    deactivated: !a.active,
    version: a.version,
    pid: a.pid,
    registered_time: { nanoseconds: Math.round(a.registeredTime * 1e6) },
    ...(a.reregisteredTime !== undefined ? { reregistered_time: { nanoseconds: Math.round(a.reregisteredTime * 1e6) } } : {}),
    total_resources: a.total.toJSON(),
    allocated_resources: (usage?.used ?? Resources.empty()).toJSON(),
    offered_resources: (usage?.offered ?? Resources.empty()).toJSON(),
    capabilities: a.capabilities.map((type) => ({ type })),
  };
}

/** getFrameworksJson is the body of `GET_FRAMEWORKS`. */
export function getFrameworksJson(master: Master): Record<string, unknown> {
  return {
    frameworks: [...master.frameworks.values()].map(frameworkV1),
    completed_frameworks: master.completedFrameworks.map(frameworkV1),
  };
}

/** frameworkV1 is one `GetFrameworks.Framework`. */
export function frameworkV1(f: FrameworkRecord): Record<string, unknown> {
  let allocated = Resources.empty();
  for (const t of f.tasks.values()) if (!isTerminalState(t.state)) allocated = allocated.add(Resources.fromJSON(t.resources));
  let offered = Resources.empty();
  for (const o of f.offers.values()) offered = offered.add(Resources.fromJSON(o.resources));
  const time = (ms: number | undefined) => (ms === undefined ? undefined : { nanoseconds: Math.round(ms * 1e6) });
  return {
    framework_info: f.info,
    active: f.active,
    connected: f.connected,
    recovered: f.recovered,
    ...(f.registeredTime !== undefined ? { registered_time: time(f.registeredTime) } : {}),
    ...(f.reregisteredTime !== undefined ? { reregistered_time: time(f.reregisteredTime) } : {}),
    ...(f.unregisteredTime !== undefined ? { unregistered_time: time(f.unregisteredTime) } : {}),
    ...(f.offers.size > 0 ? { offers: [...f.offers.values()] } : {}),
    ...(allocated.isEmpty() ? {} : { allocated_resources: allocated.toJSON() }),
    ...(offered.isEmpty() ? {} : { offered_resources: offered.toJSON() }),
  };
}

/** getTasksJson is the body of `GET_TASKS`. */
export function getTasksJson(master: Master): Record<string, unknown> {
  const tasks = [];
  const unreachable = [];
  const completed = [];
  for (const f of master.frameworks.values()) {
    tasks.push(...f.tasks.values());
    unreachable.push(...f.unreachableTasks.values());
    completed.push(...f.completedTasks);
  }
  for (const f of master.completedFrameworks) completed.push(...f.completedTasks);
  return omitEmpty({ tasks, unreachable_tasks: unreachable, completed_tasks: completed });
}

/** getRolesJson is the body of `GET_ROLES`. */
export function getRolesJson(master: Master): Record<string, unknown> {
  return {
    roles: master.allocator.roles().map((r) => ({
      name: r.name,
      weight: r.weight,
      ...(r.frameworks.length ? { frameworks: r.frameworks.map((value) => ({ value })) } : {}),
      ...(r.allocated.isEmpty() ? {} : { resources: r.allocated.toJSON(), allocated: r.allocated.toJSON() }),
      ...(r.quota ? { quota: { role: r.name, guarantees: quantities(r.quota.guarantees), limits: quantities(r.quota.limits) } } : {}),
    })),
  };
}

function quantities(q: Record<string, number>): Record<string, { value: number }> {
  return Object.fromEntries(Object.entries(q).map(([k, v]) => [k, { value: v }]));
}

/** getStateJson is the body of `GET_STATE` (also the operator SUBSCRIBED event's snapshot). */
export function getStateJson(master: Master): Record<string, unknown> {
  return {
    get_tasks: getTasksJson(master),
    get_executors: {},
    get_frameworks: getFrameworksJson(master),
    get_agents: getAgentsJson(master),
  };
}

/** operatorEventJson renders one `master::Event`. */
export function operatorEventJson(event: OperatorEvent): Record<string, unknown> {
  switch (event.type) {
    case 'TASK_ADDED':
      return { type: 'TASK_ADDED', task_added: { task: event.task } };
    case 'TASK_UPDATED':
      return { type: 'TASK_UPDATED', task_updated: { framework_id: { value: event.frameworkId }, status: event.status, state: event.state } };
    case 'AGENT_ADDED':
      return { type: 'AGENT_ADDED', agent_added: { agent: agentV1(event.agent) } };
    case 'AGENT_REMOVED':
      return { type: 'AGENT_REMOVED', agent_removed: { agent_id: { value: event.agentId } } };
    case 'FRAMEWORK_ADDED':
      return { type: 'FRAMEWORK_ADDED', framework_added: { framework: frameworkV1(event.framework) } };
    case 'FRAMEWORK_UPDATED':
      return { type: 'FRAMEWORK_UPDATED', framework_updated: { framework: frameworkV1(event.framework) } };
    case 'FRAMEWORK_REMOVED':
      return { type: 'FRAMEWORK_REMOVED', framework_removed: { framework_info: event.framework.info } };
  }
}

function omitEmpty(o: Record<string, unknown[]>): Record<string, unknown[]> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v.length > 0));
}
