import type { TaskStatus, Task } from '../protocol/mesos/v1.js';
import { isTerminalState } from '../protocol/mesos/v1.js';
import type { FrameworkRecord } from './frameworkRecord.js';
import type { Master } from './master.js';

/**
 * reconcileTasks answers a RECONCILE call (`docs/reconciliation.md`): with no tasks, the latest state of
 * every task the master knows for the framework (implicit); otherwise one answer per listed task, where
 * an unknown task's state depends on what the master knows of its agent. Answers carry no uuid and the
 * reason `REASON_RECONCILIATION`.
 */
export function reconcileTasks(master: Master, framework: FrameworkRecord, tasks: Array<{ task_id: { value: string }; agent_id?: { value: string } }>): TaskStatus[] {
  const answer = (task: Task): TaskStatus => {
    const latest = task.statuses[task.statuses.length - 1];
    return {
      ...(latest ?? {}),
      task_id: task.task_id,
      state: task.state,
      agent_id: task.agent_id,
      source: 'SOURCE_MASTER',
      reason: 'REASON_RECONCILIATION',
      message: 'Reconciliation: Latest task state',
      timestamp: master.clock.now() / 1000,
      uuid: undefined,
    };
  };
  if (tasks.length === 0) {
    return [...framework.tasks.values(), ...framework.unreachableTasks.values()].filter((t) => !isTerminalState(t.state)).map(answer);
  }
  const out: TaskStatus[] = [];
  for (const { task_id, agent_id } of tasks) {
    const known = framework.tasks.get(task_id.value) ?? framework.unreachableTasks.get(task_id.value);
    if (known) {
      out.push(answer(known));
      continue;
    }
    const completed = framework.completedTasks.find((t) => t.task_id.value === task_id.value);
    if (completed) {
      out.push(answer(completed));
      continue;
    }
    const agentId = agent_id?.value;
    const aware = framework.partitionAware;
    let state: TaskStatus['state'] | undefined;
    let message = 'Reconciliation: Task is unknown';
    if (agentId === undefined) {
      if (master.recoveredAgents.size > 0) continue; // still recovering: no answer yet, as Mesos
      state = aware ? 'TASK_UNKNOWN' : 'TASK_LOST';
    } else if (master.agents.has(agentId)) {
      state = aware ? 'TASK_GONE' : 'TASK_LOST';
    } else if (master.unreachableAgents.has(agentId)) {
      state = aware ? 'TASK_UNREACHABLE' : 'TASK_LOST';
      message = 'Reconciliation: Task is unreachable';
    } else if (master.recoveredAgents.has(agentId)) {
      continue;
    } else {
      state = aware ? 'TASK_UNKNOWN' : 'TASK_LOST';
      message = 'Reconciliation: Task is unknown to the agent';
    }
    out.push({ ...master.statusFor(task_id.value, agentId, state, 'REASON_RECONCILIATION', message) });
  }
  return out;
}
