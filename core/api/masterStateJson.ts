import { Resources } from '../common/resources.js';
import { attributesSummary } from '../common/attributes.js';
import type { AgentRecord } from '../master/agentRecord.js';
import type { FrameworkRecord } from '../master/frameworkRecord.js';
import type { Master } from '../master/master.js';
import type { Offer, Task, TaskState, TaskStatus } from '../protocol/mesos/v1.js';
import { isTerminalState } from '../protocol/mesos/v1.js';
import { BUILD_INFO } from './buildInfo.js';

/**
 * masterStateJson renders the legacy `/master/state` document exactly as Mesos's `readonly_handler.cpp`
 * writes it: agents are "slaves", ids are plain strings, resources are summaries with ports as strings.
 * Mesos-DNS, marathon-lb and most dashboards read this, so field names and shapes matter more here
 * than anywhere else.
 */
export function masterStateJson(master: Master, flags: Record<string, string>): Record<string, unknown> {
  const usage = agentUsage(master);
  return {
    version: BUILD_INFO.version,
    ...buildFields(),
    start_time: master.startTime / 1000,
    elected_time: (master.electedTime ?? master.startTime) / 1000,
    id: master.id,
    pid: master.info.pid,
    hostname: master.info.hostname,
    capabilities: (master.info.capabilities ?? []).map((c) => c.type),
    activated_slaves: [...master.agents.values()].filter((a) => a.active).length,
    deactivated_slaves: [...master.agents.values()].filter((a) => !a.active).length,
    unreachable_slaves: master.unreachableAgents.size,
    leader: master.info.pid,
    leader_info: leaderInfo(master),
    ...(master.flags.cluster ? { cluster: master.flags.cluster } : {}),
    flags,
    slaves: [...master.agents.values()].map((a) => agentJson(a, usage.get(a.id))),
    recovered_slaves: [...master.recoveredAgents.values()].map((a) => ({
      id: a.info.id.value,
      hostname: a.info.hostname,
      port: a.info.port ?? 5051,
      attributes: attributesSummary(a.info.attributes ?? []),
      resources: Resources.fromJSON(a.info.resources ?? []).summary(),
    })),
    frameworks: [...master.frameworks.values()].map((f) => frameworkJson(f, true)),
    completed_frameworks: master.completedFrameworks.map((f) => frameworkJson(f, true)),
    orphan_tasks: [],
    unregistered_frameworks: [],
  };
}

/** leaderInfo is MasterInfo in the proto JSON form `/master/state` embeds. */
export function leaderInfo(master: Master): Record<string, unknown> {
  return { id: master.id, pid: master.info.pid, port: master.info.port, hostname: master.info.hostname, ip: master.info.ip, version: master.info.version, address: master.info.address, capabilities: master.info.capabilities };
}

function buildFields(): Record<string, unknown> {
  return { build_date: BUILD_INFO.build_date, build_time: BUILD_INFO.build_time, build_user: BUILD_INFO.build_user, git_sha: BUILD_INFO.git_sha };
}

interface AgentUsage {
  used: Resources;
  offered: Resources;
  counts: Map<TaskState, number>;
  frameworkIds: Set<string>;
}

/** agentUsage sums, per agent, the resources used by live tasks and held in outstanding offers, in one pass. */
export function agentUsage(master: Master): Map<string, AgentUsage> {
  const out = new Map<string, AgentUsage>();
  const get = (id: string): AgentUsage => {
    let u = out.get(id);
    if (!u) out.set(id, (u = { used: Resources.empty(), offered: Resources.empty(), counts: new Map(), frameworkIds: new Set() }));
    return u;
  };
  for (const f of master.frameworks.values()) {
    for (const t of f.tasks.values()) {
      const u = get(t.agent_id.value);
      u.counts.set(t.state, (u.counts.get(t.state) ?? 0) + 1);
      u.frameworkIds.add(f.id);
      if (!isTerminalState(t.state)) u.used = u.used.add(Resources.fromJSON(t.resources));
    }
  }
  for (const o of master.outstandingOffers()) {
    const u = get(o.agent_id.value);
    u.offered = u.offered.add(o.resourcesInternal);
  }
  return out;
}

/** agentJson is one entry of `slaves[]`. */
export function agentJson(agent: AgentRecord, usage: AgentUsage | undefined, full = false): Record<string, unknown> {
  const total = agent.total;
  const used = usage?.used ?? Resources.empty();
  const offered = usage?.offered ?? Resources.empty();
  const reservedRoles = new Set<string>();
  for (const r of total.reserved().list) {
    const role = reservationRole(r);
    if (role) reservedRoles.add(role);
  }
  const reserved = Object.fromEntries([...reservedRoles].map((role) => [role, total.reserved(role).summary()]));
  const reservedFull = Object.fromEntries([...reservedRoles].map((role) => [role, total.reserved(role).toJSON()]));
  return {
    id: agent.id,
    pid: agent.pid,
    hostname: agent.info.hostname,
    port: agent.info.port ?? 5051,
    registered_time: agent.registeredTime / 1000,
    ...(agent.reregisteredTime !== undefined ? { reregistered_time: agent.reregisteredTime / 1000 } : {}),
    resources: total.summary(),
    used_resources: used.unallocate().summary(),
    offered_resources: offered.unallocate().summary(),
    reserved_resources: reserved,
    unreserved_resources: total.unreserved().summary(),
    attributes: attributesSummary(agent.info.attributes ?? []),
    active: agent.active && agent.connected,
    deactivated: !agent.active,
    version: agent.version,
    capabilities: agent.capabilities,
    ...(full
      ? {
          reserved_resources_full: reservedFull,
          unreserved_resources_full: total.unreserved().toJSON(),
          used_resources_full: used.toJSON(),
          offered_resources_full: offered.toJSON(),
        }
      : {}),
  };
}

function reservationRole(r: { reservations?: Array<{ role?: string }>; role?: string }): string | undefined {
  const last = r.reservations?.[r.reservations.length - 1];
  if (last?.role) return last.role;
  if (r.role && r.role !== '*') return r.role;
  return undefined;
}

/** frameworkJson is one entry of `frameworks[]`; `full` adds tasks and offers, as `/master/state` does. */
export function frameworkJson(f: FrameworkRecord, full: boolean): Record<string, unknown> {
  let used = Resources.empty();
  for (const t of f.tasks.values()) if (!isTerminalState(t.state)) used = used.add(Resources.fromJSON(t.resources));
  let offered = Resources.empty();
  for (const o of f.offers.values()) offered = offered.add(Resources.fromJSON(o.resources));
  const multiRole = f.hasCapability('MULTI_ROLE');
  const base: Record<string, unknown> = {
    id: f.id,
    name: f.info.name,
    used_resources: used.unallocate().summary(),
    offered_resources: offered.unallocate().summary(),
    capabilities: (f.info.capabilities ?? []).map((c) => c.type),
    hostname: f.info.hostname ?? '',
    webui_url: f.info.webui_url ?? '',
    active: f.active,
    connected: f.connected,
    recovered: f.recovered,
  };
  if (!full) return base;
  return {
    ...base,
    user: f.info.user,
    failover_timeout: f.info.failover_timeout ?? 0,
    checkpoint: f.info.checkpoint ?? false,
    ...(multiRole ? { roles: f.info.roles ?? [] } : { role: f.info.role ?? '*' }),
    registered_time: (f.registeredTime ?? 0) / 1000,
    unregistered_time: (f.unregisteredTime ?? 0) / 1000,
    ...(f.reregisteredTime !== undefined ? { reregistered_time: f.reregisteredTime / 1000 } : {}),
    ...(f.info.principal ? { principal: f.info.principal } : {}),
    resources: used.add(offered).unallocate().summary(),
    tasks: [...f.tasks.values()].map(taskJson),
    unreachable_tasks: [...f.unreachableTasks.values()].map(taskJson),
    completed_tasks: f.completedTasks.map(taskJson),
    offers: [...f.offers.values()].map(offerJson),
    executors: [],
    ...(f.info.labels ? { labels: f.info.labels.labels } : {}),
  };
}

/** offerJson is an outstanding offer in the legacy form. */
export function offerJson(o: Offer): Record<string, unknown> {
  return {
    id: o.id.value,
    framework_id: o.framework_id.value,
    slave_id: o.agent_id.value,
    ...(o.allocation_info ? { allocation_info: o.allocation_info } : {}),
    resources: Resources.fromJSON(o.resources).summary(),
  };
}

/** taskJson is a task in the legacy form: summary resources, statuses without task ids or uuids. */
export function taskJson(t: Task): Record<string, unknown> {
  const resources = Resources.fromJSON(t.resources);
  const role = [...resources.allocations().keys()].find((r) => r !== '');
  return {
    id: t.task_id.value,
    name: t.name,
    framework_id: t.framework_id.value,
    executor_id: t.executor_id?.value ?? '',
    slave_id: t.agent_id.value,
    state: t.state,
    resources: resources.summary(),
    ...(role ? { role } : {}),
    statuses: t.statuses.map(statusJson),
    ...(t.user ? { user: t.user } : {}),
    ...(t.labels?.labels?.length ? { labels: t.labels.labels } : {}),
    ...(t.discovery ? { discovery: t.discovery } : {}),
    ...(t.container ? { container: t.container } : {}),
    ...(t.health_check ? { health_check: t.health_check } : {}),
  };
}

function statusJson(s: TaskStatus): Record<string, unknown> {
  return {
    state: s.state,
    timestamp: s.timestamp ?? 0,
    ...(s.labels?.labels?.length ? { labels: s.labels.labels } : {}),
    ...(s.container_status ? { container_status: s.container_status } : {}),
    ...(s.healthy !== undefined ? { healthy: s.healthy } : {}),
  };
}

const SUMMARY_STATES: TaskState[] = ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_FINISHED', 'TASK_KILLED', 'TASK_FAILED', 'TASK_LOST', 'TASK_ERROR', 'TASK_UNREACHABLE'];

/** masterStateSummaryJson renders `/master/state-summary`: agents and frameworks with per-state task counts. */
export function masterStateSummaryJson(master: Master): Record<string, unknown> {
  const usage = agentUsage(master);
  const frameworkCounts = new Map<string, { counts: Map<TaskState, number>; agents: Set<string> }>();
  for (const f of master.frameworks.values()) {
    const entry = { counts: new Map<TaskState, number>(), agents: new Set<string>() };
    for (const t of [...f.tasks.values(), ...f.unreachableTasks.values(), ...f.completedTasks]) {
      entry.counts.set(t.state, (entry.counts.get(t.state) ?? 0) + 1);
      entry.agents.add(t.agent_id.value);
    }
    frameworkCounts.set(f.id, entry);
  }
  return {
    hostname: master.info.hostname,
    ...(master.flags.cluster ? { cluster: master.flags.cluster } : {}),
    slaves: [...master.agents.values()].map((a) => {
      const u = usage.get(a.id);
      return { ...agentJson(a, u), ...Object.fromEntries(SUMMARY_STATES.map((s) => [s, u?.counts.get(s) ?? 0])), framework_ids: [...(u?.frameworkIds ?? [])] };
    }),
    frameworks: [...master.frameworks.values()].map((f) => {
      const c = frameworkCounts.get(f.id);
      return { ...frameworkJson(f, false), ...Object.fromEntries(SUMMARY_STATES.map((s) => [s, c?.counts.get(s) ?? 0])), slave_ids: [...(c?.agents ?? [])] };
    }),
  };
}
