/**
 * Rows for the Agents, agent detail and Frameworks views, derived from the operator stream's ClusterState: resources
 * used of total, task counts, roles. Pure: the views memoise these by the state's version.
 */
import { attributeText, portCount, rangesText, scalar, type ClusterState, type WireAgent, type WireFramework, type WireResource, type WireTask } from './clusterState.js';

/** Usage is one resource's numbers on an agent or framework. */
export interface Usage {
  used: number;
  offered: number;
  total: number;
}

/** AgentRow is one line of the Agents view. */
export interface AgentRow {
  id: string;
  hostname: string;
  status: 'active' | 'inactive' | 'removed';
  cpus: Usage;
  mem: Usage;
  disk: Usage;
  gpus: Usage;
  ports: string;
  attributes: string;
  tasks: number;
  /** registeredAt is milliseconds since the epoch, when known. */
  registeredAt?: number;
  version?: string;
}

function usage(agent: WireAgent, name: string): Usage {
  return { used: scalar(agent.allocated_resources, name), offered: scalar(agent.offered_resources, name), total: scalar(agent.total_resources ?? agent.agent_info.resources, name) };
}

/** agentStatus says whether an agent is active, deactivated or gone (removed, or marked unreachable). */
export function agentStatus(agent: WireAgent, removed: boolean): AgentRow['status'] {
  if (removed) return 'removed';
  return agent.active && !agent.deactivated ? 'active' : 'inactive';
}

/** attributesLine renders an agent's attributes as `rack:r1; zone:z1`, the agent flag's own syntax. */
export function attributesLine(agent: WireAgent): string {
  return (agent.agent_info.attributes ?? []).map((a) => `${a.name}:${attributeText(a)}`).join('; ');
}

/** tasksPerAgent counts live tasks per agent id. */
export function tasksPerAgent(state: ClusterState): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of state.tasks.values()) out.set(t.agent_id.value, (out.get(t.agent_id.value) ?? 0) + 1);
  return out;
}

/** agentRows lists the agents the master knows and the ones it removed, by hostname. */
export function agentRows(state: ClusterState): AgentRow[] {
  const counts = tasksPerAgent(state);
  const rows: AgentRow[] = [];
  const add = (a: WireAgent, removed: boolean) => {
    const id = a.agent_info.id?.value ?? '';
    rows.push({
      id,
      hostname: a.agent_info.hostname,
      status: agentStatus(a, removed),
      cpus: usage(a, 'cpus'),
      mem: usage(a, 'mem'),
      disk: usage(a, 'disk'),
      gpus: usage(a, 'gpus'),
      ports: rangesText(a.total_resources ?? a.agent_info.resources),
      attributes: attributesLine(a),
      tasks: counts.get(id) ?? 0,
      registeredAt: a.registered_time ? Math.round(a.registered_time.nanoseconds / 1e6) : undefined,
      version: a.version,
    });
  };
  for (const a of state.agents.values()) add(a, false);
  for (const a of state.removedAgents.values()) add(a, true);
  return rows.sort((a, b) => Number(a.status === 'removed') - Number(b.status === 'removed') || a.hostname.localeCompare(b.hostname, undefined, { numeric: true }) || a.id.localeCompare(b.id));
}

/** ResourceLine is one line of an agent's resource table. */
export interface ResourceLine {
  name: string;
  total: number;
  allocated: number;
  offered: number;
  /** free is what is neither allocated nor offered. */
  free: number;
  /** ranges are the port ranges behind the counts, for the ports line. */
  ranges?: { total: string; allocated: string; offered: string };
}

/** agentResourceLines lists an agent's scalar resources and its ports (counted, with their ranges) as total / allocated / offered. */
export function agentResourceLines(agent: WireAgent): ResourceLine[] {
  const total = agent.total_resources ?? agent.agent_info.resources;
  const names = new Set<string>(['cpus', 'mem', 'disk']);
  for (const list of [total, agent.allocated_resources, agent.offered_resources]) for (const r of list ?? []) if (r.scalar) names.add(r.name);
  const line = (name: string, t: number, a: number, o: number): ResourceLine => ({ name, total: t, allocated: a, offered: o, free: Math.max(0, Math.round((t - a - o) * 1000) / 1000) });
  const lines = [...names].map((name) => line(name, scalar(total, name), scalar(agent.allocated_resources, name), scalar(agent.offered_resources, name)));
  if (portCount(total) > 0) {
    lines.push({
      ...line('ports', portCount(total), portCount(agent.allocated_resources), portCount(agent.offered_resources)),
      ranges: { total: rangesText(total), allocated: rangesText(agent.allocated_resources), offered: rangesText(agent.offered_resources) },
    });
  }
  return lines;
}

/** executorIdOf is the id an agent's `/monitor/statistics` uses for a task's executor (the task id for command tasks). */
export function executorIdOf(task: WireTask): string {
  return task.executor_id?.value || task.task_id.value;
}

/** containerIdOf is the newest container id a task's statuses carry, if any. */
export function containerIdOf(task: Pick<WireTask, 'statuses'>): string | undefined {
  const statuses = task.statuses ?? [];
  for (let i = statuses.length - 1; i >= 0; i--) {
    const id = statuses[i]?.container_status?.container_id?.value;
    if (id) return id;
  }
  return undefined;
}

/** tasksOnAgent lists an agent's live tasks, then its most recent completed ones (at most `completedLimit`). */
export function tasksOnAgent(state: ClusterState, agentId: string, completedLimit = 50): WireTask[] {
  const live = [...state.tasks.values()].filter((t) => t.agent_id.value === agentId);
  const done = [...state.completedTasks.values()].filter((t) => t.agent_id.value === agentId).slice(-completedLimit).reverse();
  return [...live.sort((a, b) => a.name.localeCompare(b.name) || a.task_id.value.localeCompare(b.task_id.value)), ...done];
}

/** findTask finds the task that runs in the executor `executorId` of `frameworkId` on `agentId`, live or completed. */
export function findTask(state: ClusterState, agentId: string, frameworkId: string, executorId: string): WireTask | undefined {
  for (const map of [state.tasks, state.completedTasks]) {
    for (const t of map.values()) if (t.agent_id.value === agentId && t.framework_id.value === frameworkId && executorIdOf(t) === executorId) return t;
  }
  return undefined;
}

/** agentHostname is an agent's hostname, registered or removed, else its id: tables name agents rather than quote ids. */
export function agentHostname(state: ClusterState, agentId: string): string {
  return state.agents.get(agentId)?.agent_info.hostname ?? state.removedAgents.get(agentId)?.agent_info.hostname ?? agentId;
}

/** frameworkName is a framework's name, live or completed, else its id: tables name frameworks rather than quote ids. */
export function frameworkName(state: ClusterState, frameworkId: string): string {
  return state.frameworks.get(frameworkId)?.framework_info.name ?? state.completedFrameworks.get(frameworkId)?.framework_info.name ?? frameworkId;
}

/** frameworkNames maps every framework id the master knows, live or completed, to its name, for views that name many. */
export function frameworkNames(state: ClusterState): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of [state.completedFrameworks, state.frameworks]) for (const [id, f] of m) names.set(id, f.framework_info.name);
  return names;
}

/** FrameworkRow is one line of the Frameworks view. */
export interface FrameworkRow {
  id: string;
  name: string;
  status: 'active' | 'inactive' | 'completed';
  connected: boolean;
  roles: string[];
  principal?: string;
  user?: string;
  hostname?: string;
  webuiUrl?: string;
  allocated: { cpus: number; mem: number; disk: number; gpus: number };
  offered: { cpus: number; mem: number; disk: number; gpus: number };
  /** tasks counts live tasks by state; `completed` counts the terminal ones the console still holds. */
  tasks: { live: number; running: number; staging: number; completed: number };
  registeredAt?: number;
}

function amounts(resources: WireResource[] | undefined) {
  return { cpus: scalar(resources, 'cpus'), mem: scalar(resources, 'mem'), disk: scalar(resources, 'disk'), gpus: scalar(resources, 'gpus') };
}

/** frameworkRoles is a framework's roles, whether it subscribed MULTI_ROLE (`roles`) or with the old `role`. */
export function frameworkRoles(f: WireFramework): string[] {
  const info = f.framework_info;
  if (info.roles && info.roles.length > 0) return info.roles;
  return [info.role ?? '*'];
}

/** frameworkRows lists active and inactive frameworks by name, then completed ones. */
export function frameworkRows(state: ClusterState): FrameworkRow[] {
  const tasks = new Map<string, FrameworkRow['tasks']>();
  const slot = (id: string) => {
    let t = tasks.get(id);
    if (!t) tasks.set(id, (t = { live: 0, running: 0, staging: 0, completed: 0 }));
    return t;
  };
  for (const t of state.tasks.values()) {
    const s = slot(t.framework_id.value);
    s.live++;
    if (t.state === 'TASK_RUNNING') s.running++;
    if (t.state === 'TASK_STAGING' || t.state === 'TASK_STARTING') s.staging++;
  }
  for (const t of state.completedTasks.values()) slot(t.framework_id.value).completed++;
  const rows: FrameworkRow[] = [];
  const add = (f: WireFramework, completed: boolean) => {
    const info = f.framework_info;
    const id = info.id?.value ?? '';
    rows.push({
      id,
      name: info.name,
      status: completed ? 'completed' : f.active ? 'active' : 'inactive',
      connected: !completed && f.connected,
      roles: frameworkRoles(f),
      principal: info.principal,
      user: info.user,
      hostname: info.hostname,
      webuiUrl: info.webui_url,
      allocated: amounts(f.allocated_resources),
      offered: amounts(f.offered_resources),
      tasks: tasks.get(id) ?? { live: 0, running: 0, staging: 0, completed: 0 },
      registeredAt: f.registered_time ? Math.round(f.registered_time.nanoseconds / 1e6) : undefined,
    });
  };
  for (const f of state.frameworks.values()) add(f, false);
  for (const f of state.completedFrameworks.values()) add(f, true);
  const rank = { active: 0, inactive: 1, completed: 2 } as const;
  return rows.sort((a, b) => rank[a.status] - rank[b.status] || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** safeHttpUrl returns `url` only when it is an http(s) URL, so a framework cannot plant a `javascript:` link. */
export function safeHttpUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  return /^https?:\/\/[^\s]+$/i.test(url.trim()) ? url.trim() : undefined;
}

/**
 * shortId trims the master-id prefix every agent (`<masterId>-S3`), framework (`<masterId>-0001`) and offer id
 * shares, so narrow columns show the part that differs. Other ids come back unchanged.
 */
export function shortId(id: string): string {
  const m = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-(.+)$/i.exec(id);
  return m ? `…-${m[1]}` : id;
}
