import { Resources } from '../common/resources.js';
import type { Master } from '../master/master.js';
import type { TaskState } from '../protocol/mesos/v1.js';
import { isTerminalState } from '../protocol/mesos/v1.js';

const TASK_STATES: TaskState[] = ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_UNREACHABLE', 'TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_LOST', 'TASK_ERROR', 'TASK_DROPPED', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR'];

/**
 * masterMetrics computes the master's `/metrics/snapshot` keys under Mesos's names (`master/...`), so
 * dashboards and alerts written for Mesos read Plateau unchanged. `system` carries the host figures.
 */
export function masterMetrics(master: Master, system: Record<string, number>): Record<string, number> {
  const now = master.clock.now();
  let total = Resources.empty();
  let used = Resources.empty();
  for (const a of master.agents.values()) total = total.add(a.total);
  const states = new Map<TaskState, number>();
  for (const f of master.frameworks.values()) {
    for (const t of [...f.tasks.values(), ...f.unreachableTasks.values()]) {
      states.set(t.state, (states.get(t.state) ?? 0) + 1);
      if (!isTerminalState(t.state)) used = used.add(Resources.fromJSON(t.resources));
    }
    for (const t of f.completedTasks) states.set(t.state, (states.get(t.state) ?? 0) + 1);
  }
  for (const f of master.completedFrameworks) for (const t of f.completedTasks) states.set(t.state, (states.get(t.state) ?? 0) + 1);
  const out: Record<string, number> = {
    'master/elected': master.electedTime !== undefined ? 1 : 0,
    'master/uptime_secs': (now - master.startTime) / 1000,
    'master/slaves_active': [...master.agents.values()].filter((a) => a.active).length,
    'master/slaves_inactive': [...master.agents.values()].filter((a) => !a.active).length,
    'master/slaves_connected': [...master.agents.values()].filter((a) => a.connected).length,
    'master/slaves_disconnected': [...master.agents.values()].filter((a) => !a.connected).length,
    'master/slaves_unreachable': master.unreachableAgents.size,
    'master/frameworks_active': [...master.frameworks.values()].filter((f) => f.active).length,
    'master/frameworks_inactive': [...master.frameworks.values()].filter((f) => !f.active).length,
    'master/frameworks_connected': [...master.frameworks.values()].filter((f) => f.connected).length,
    'master/frameworks_disconnected': [...master.frameworks.values()].filter((f) => !f.connected).length,
    'master/outstanding_offers': master.outstandingOffers().length,
    'master/slave_registrations': master.counters.slave_registrations,
    'master/slave_reregistrations': master.counters.slave_reregistrations,
    'master/slave_removals': master.counters.slave_removals,
    'master/valid_status_updates': master.counters.valid_status_updates,
    'master/invalid_status_updates': master.counters.invalid_status_updates,
    'master/messages_framework_to_executor': master.counters.valid_framework_to_executor_messages,
    'master/offers_made': master.counters.offers_made,
    'master/offers_declined': master.counters.offers_declined,
    'master/offers_rescinded': master.counters.offers_rescinded,
  };
  for (const name of ['cpus', 'gpus', 'mem', 'disk']) {
    const t = total.scalar(name);
    const u = used.scalar(name);
    out[`master/${name}_total`] = t;
    out[`master/${name}_used`] = u;
    out[`master/${name}_percent`] = t > 0 ? u / t : 0;
    out[`master/${name}_revocable_total`] = 0;
    out[`master/${name}_revocable_used`] = 0;
    out[`master/${name}_revocable_percent`] = 0;
  }
  for (const s of TASK_STATES) out[`master/${s.toLowerCase()}`.replace('master/task_', 'master/tasks_')] = states.get(s) ?? 0;
  return { ...out, ...system };
}
