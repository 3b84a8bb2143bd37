/**
 * The cluster as the operator API describes it, kept current from the SUBSCRIBE stream: GET_STATE arrives in
 * SUBSCRIBED, then TASK_ADDED / TASK_UPDATED / AGENT_ADDED / AGENT_REMOVED / FRAMEWORK_* events patch it. Field
 * names are the wire's, so the same reducer works against Plateau and Apache Mesos. Pure: no DOM, no I/O.
 */

export interface WireResource {
  name: string;
  type?: string;
  role?: string;
  scalar?: { value: number };
  ranges?: { range: Array<{ begin: number; end: number }> };
  set?: { item: string[] };
}

export interface WireAttribute {
  name: string;
  type?: string;
  text?: { value: string };
  scalar?: { value: number };
  ranges?: { range: Array<{ begin: number; end: number }> };
}

export interface WireTaskStatus {
  state: string;
  timestamp?: number;
  message?: string;
  reason?: string;
  source?: string;
  healthy?: boolean;
  container_status?: { container_id?: { value: string }; network_infos?: Array<{ ip_addresses?: Array<{ ip_address?: string }> }> };
}

export interface WireTask {
  name: string;
  task_id: { value: string };
  framework_id: { value: string };
  executor_id?: { value: string };
  agent_id: { value: string };
  state: string;
  resources?: WireResource[];
  statuses?: WireTaskStatus[];
  status_update_state?: string;
  discovery?: { ports?: { ports?: Array<{ number: number; name?: string; protocol?: string }> } };
  container?: { type?: string; docker?: { image?: string } };
}

export interface WireAgent {
  agent_info: { id?: { value: string }; hostname: string; port?: number; resources?: WireResource[]; attributes?: WireAttribute[] };
  active: boolean;
  deactivated?: boolean;
  pid?: string;
  version?: string;
  registered_time?: { nanoseconds: number };
  total_resources?: WireResource[];
  allocated_resources?: WireResource[];
  offered_resources?: WireResource[];
}

export interface WireFramework {
  framework_info: { id?: { value: string }; name: string; user?: string; roles?: string[]; role?: string; hostname?: string; webui_url?: string; principal?: string; capabilities?: Array<{ type: string }> };
  active: boolean;
  connected: boolean;
  recovered?: boolean;
  registered_time?: { nanoseconds: number };
  allocated_resources?: WireResource[];
  offered_resources?: WireResource[];
}

/** WireGetState is the operator API's GET_STATE answer, as SUBSCRIBED carries it. */
export interface WireGetState {
  get_agents?: { agents?: WireAgent[] };
  get_frameworks?: { frameworks?: WireFramework[]; completed_frameworks?: WireFramework[] };
  get_tasks?: { tasks?: WireTask[]; unreachable_tasks?: WireTask[]; completed_tasks?: WireTask[] };
}

/** ClusterState is the reduced state; `version` grows on every change so views can tell it moved. */
export interface ClusterState {
  version: number;
  subscribed: boolean;
  agents: Map<string, WireAgent>;
  /** removedAgents keeps agents the master dropped (unreachable or gone), so they show as such. */
  removedAgents: Map<string, WireAgent>;
  frameworks: Map<string, WireFramework>;
  completedFrameworks: Map<string, WireFramework>;
  tasks: Map<string, WireTask>;
  /** completedTasks is bounded: the newest `maxCompleted` terminal tasks. */
  completedTasks: Map<string, WireTask>;
  maxCompleted: number;
}

export const TERMINAL_STATES = new Set(['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_LOST', 'TASK_DROPPED', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR']);

/** emptyClusterState is the state before SUBSCRIBED arrives. */
export function emptyClusterState(maxCompleted = 2000): ClusterState {
  return { version: 0, subscribed: false, agents: new Map(), removedAgents: new Map(), frameworks: new Map(), completedFrameworks: new Map(), tasks: new Map(), completedTasks: new Map(), maxCompleted };
}

/** taskKey identifies a task across frameworks (task ids are unique only within a framework). */
export function taskKey(t: { framework_id: { value: string }; task_id: { value: string } }): string {
  return `${t.framework_id.value}/${t.task_id.value}`;
}

type AnyEvent = { type?: string } & Record<string, unknown>;

/** applyOperatorEvent folds one SUBSCRIBE event into `state` (in place) and says whether anything changed. */
export function applyOperatorEvent(state: ClusterState, event: AnyEvent): boolean {
  switch (event.type) {
    case 'SUBSCRIBED': {
      const s = (event.subscribed as { get_state?: WireGetState } | undefined)?.get_state ?? {};
      const fresh = emptyClusterState(state.maxCompleted);
      Object.assign(state, { ...fresh, version: state.version });
      for (const a of s.get_agents?.agents ?? []) if (a.agent_info.id) state.agents.set(a.agent_info.id.value, a);
      for (const f of s.get_frameworks?.frameworks ?? []) if (f.framework_info.id) state.frameworks.set(f.framework_info.id.value, f);
      for (const f of s.get_frameworks?.completed_frameworks ?? []) if (f.framework_info.id) state.completedFrameworks.set(f.framework_info.id.value, f);
      for (const t of [...(s.get_tasks?.tasks ?? []), ...(s.get_tasks?.unreachable_tasks ?? [])]) state.tasks.set(taskKey(t), t);
      for (const t of s.get_tasks?.completed_tasks ?? []) addCompleted(state, t);
      state.subscribed = true;
      break;
    }
    case 'TASK_ADDED': {
      const t = (event.task_added as { task: WireTask }).task;
      state.tasks.set(taskKey(t), t);
      break;
    }
    case 'TASK_UPDATED': {
      const u = event.task_updated as { framework_id: { value: string }; state: string; status: WireTaskStatus & { task_id: { value: string }; agent_id?: { value: string } } };
      const key = `${u.framework_id.value}/${u.status.task_id.value}`;
      const t = state.tasks.get(key);
      if (!t) return false;
      const updated: WireTask = { ...t, state: u.state, statuses: [...(t.statuses ?? []).slice(-9), u.status] };
      if (TERMINAL_STATES.has(u.state)) {
        state.tasks.delete(key);
        addCompleted(state, updated);
      } else state.tasks.set(key, updated);
      break;
    }
    case 'AGENT_ADDED': {
      const a = (event.agent_added as { agent: WireAgent }).agent;
      if (!a.agent_info.id) return false;
      state.agents.set(a.agent_info.id.value, a);
      state.removedAgents.delete(a.agent_info.id.value);
      break;
    }
    case 'AGENT_REMOVED': {
      const id = (event.agent_removed as { agent_id: { value: string } }).agent_id.value;
      const a = state.agents.get(id);
      if (!a) return false;
      state.agents.delete(id);
      state.removedAgents.set(id, { ...a, active: false });
      break;
    }
    case 'FRAMEWORK_ADDED':
    case 'FRAMEWORK_UPDATED': {
      const f = ((event.framework_added ?? event.framework_updated) as { framework: WireFramework }).framework;
      if (!f.framework_info.id) return false;
      state.frameworks.set(f.framework_info.id.value, f);
      break;
    }
    case 'FRAMEWORK_REMOVED': {
      const info = (event.framework_removed as { framework_info: WireFramework['framework_info'] }).framework_info;
      const id = info.id?.value;
      if (!id) return false;
      const f = state.frameworks.get(id);
      state.frameworks.delete(id);
      state.completedFrameworks.set(id, { ...(f ?? { framework_info: info, active: false, connected: false }), active: false, connected: false });
      break;
    }
    default:
      return false;
  }
  state.version++;
  return true;
}

function addCompleted(state: ClusterState, t: WireTask): void {
  state.completedTasks.set(taskKey(t), t);
  while (state.completedTasks.size > state.maxCompleted) {
    const oldest = state.completedTasks.keys().next().value as string;
    state.completedTasks.delete(oldest);
  }
}

/** scalar sums a named scalar resource (cpus, mem, disk, gpus) over a resource list. */
export function scalar(resources: WireResource[] | undefined, name: string): number {
  let total = 0;
  for (const r of resources ?? []) if (r.name === name && r.scalar) total += r.scalar.value;
  return Math.round(total * 1000) / 1000;
}

/** portCount counts the ports in a resource list's port ranges. */
export function portCount(resources: WireResource[] | undefined): number {
  let n = 0;
  for (const r of resources ?? []) if (r.name === 'ports') for (const range of r.ranges?.range ?? []) n += range.end - range.begin + 1;
  return n;
}

/** rangesText renders port ranges as Mesos writes them: `[31000-31005, 31010-31010]`. */
export function rangesText(resources: WireResource[] | undefined, name = 'ports'): string {
  const parts: string[] = [];
  for (const r of resources ?? []) if (r.name === name) for (const range of r.ranges?.range ?? []) parts.push(`${range.begin}-${range.end}`);
  return parts.length > 0 ? `[${parts.join(', ')}]` : '';
}

/** attributeText renders an attribute's value whatever its type. */
export function attributeText(a: WireAttribute): string {
  if (a.text) return a.text.value;
  if (a.scalar) return String(a.scalar.value);
  if (a.ranges) return a.ranges.range.map((r) => `${r.begin}-${r.end}`).join(',');
  return '';
}

/** ClusterTotals are the overview's numbers. */
export interface ClusterTotals {
  agents: { active: number; inactive: number; removed: number };
  resources: Record<'cpus' | 'mem' | 'disk' | 'gpus', { total: number; used: number; offered: number }>;
  tasksByState: Record<string, number>;
}

/** clusterTotals sums the state for the overview. */
export function clusterTotals(state: ClusterState): ClusterTotals {
  const names = ['cpus', 'mem', 'disk', 'gpus'] as const;
  const resources = Object.fromEntries(names.map((n) => [n, { total: 0, used: 0, offered: 0 }])) as ClusterTotals['resources'];
  let active = 0;
  let inactive = 0;
  for (const a of state.agents.values()) {
    if (a.active) active++;
    else inactive++;
    for (const n of names) {
      resources[n].total += scalar(a.total_resources ?? a.agent_info.resources, n);
      resources[n].used += scalar(a.allocated_resources, n);
      resources[n].offered += scalar(a.offered_resources, n);
    }
  }
  for (const n of names) for (const k of ['total', 'used', 'offered'] as const) resources[n][k] = Math.round(resources[n][k] * 1000) / 1000;
  const tasksByState: Record<string, number> = {};
  for (const t of state.tasks.values()) tasksByState[t.state] = (tasksByState[t.state] ?? 0) + 1;
  for (const t of state.completedTasks.values()) tasksByState[t.state] = (tasksByState[t.state] ?? 0) + 1;
  return { agents: { active, inactive, removed: state.removedAgents.size }, resources, tasksByState };
}
