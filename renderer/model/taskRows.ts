/**
 * The Tasks view's rows: every task of the cluster state flattened once per state change, with its framework name,
 * agent hostname, resources and a lowercased search text, so filtering 10,000 tasks is one `includes` per term.
 * Pure: no DOM, no I/O.
 */
import { agentHostname, frameworkName } from './clusterRows.js';
import { scalar, type ClusterState, type WireTask } from './clusterState.js';

/** TaskRow is a task flattened for the table, with its lowercased search text computed once per state change. */
export interface TaskRow {
  key: string;
  id: string;
  name: string;
  frameworkId: string;
  framework: string;
  state: string;
  agentId: string;
  host: string;
  cpus: number;
  mem: number;
  executorId: string;
  updated: number | undefined;
  live: boolean;
  text: string;
}

/** HAS_CONTAINER are the states in which a task's container exists, so its container view has something to show. */
export const HAS_CONTAINER = new Set(['TASK_RUNNING', 'TASK_STARTING', 'TASK_KILLING']);

/**
 * ROW_CACHE keeps each task's row while the task object is the same: the reducer replaces a task's object when it
 * changes, so a state change re-derives only the tasks it touched.
 */
const ROW_CACHE = new WeakMap<WireTask, TaskRow>();

/** taskRows lists the live tasks sorted by id, then (with `withCompleted`) the completed ones, newest first. */
export function taskRows(state: ClusterState, withCompleted: boolean): TaskRow[] {
  const rowOf = (key: string, t: WireTask, live: boolean): TaskRow => {
    const framework = frameworkName(state, t.framework_id.value);
    const host = agentHostname(state, t.agent_id.value);
    const cached = ROW_CACHE.get(t);
    if (cached && cached.key === key && cached.live === live && cached.framework === framework && cached.host === host) return cached;
    const last = t.statuses?.at(-1)?.timestamp;
    const row: TaskRow = {
      key,
      id: t.task_id.value,
      name: t.name,
      frameworkId: t.framework_id.value,
      framework,
      state: t.state,
      agentId: t.agent_id.value,
      host,
      cpus: scalar(t.resources, 'cpus'),
      mem: scalar(t.resources, 'mem'),
      executorId: t.executor_id?.value ?? t.task_id.value,
      updated: last !== undefined ? last * 1000 : undefined,
      live,
      text: `${t.task_id.value} ${t.name} ${framework} ${t.state} ${host} ${t.agent_id.value}`.toLowerCase(),
    };
    ROW_CACHE.set(t, row);
    return row;
  };
  const out: TaskRow[] = [];
  for (const [key, t] of state.tasks) out.push(rowOf(key, t, true));
  out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (withCompleted) {
    const done = [...state.completedTasks];
    for (let i = done.length - 1; i >= 0; i--) {
      const [key, t] = done[i] as [string, WireTask];
      out.push(rowOf(key, t, false));
    }
  }
  return out;
}

/** rowMatches says whether a row's search text contains every term. */
export function rowMatches(row: TaskRow, terms: readonly string[]): boolean {
  for (const t of terms) if (!row.text.includes(t)) return false;
  return true;
}
