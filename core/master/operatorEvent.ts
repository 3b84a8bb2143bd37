import type { TaskStatus, Task, TaskState } from '../protocol/mesos/v1.js';
import type { AgentRecord } from './agentRecord.js';
import type { FrameworkRecord } from './frameworkRecord.js';

/**
 * OperatorEvent is what the master tells operator API subscribers; `core/api` renders each into the
 * v1 `master::Event` JSON, so the master hands over live records rather than pre-rendered JSON.
 */
export type OperatorEvent =
  | { type: 'TASK_ADDED'; task: Task }
  | { type: 'TASK_UPDATED'; frameworkId: string; status: TaskStatus; state: TaskState }
  | { type: 'AGENT_ADDED'; agent: AgentRecord }
  | { type: 'AGENT_REMOVED'; agentId: string }
  | { type: 'FRAMEWORK_ADDED'; framework: FrameworkRecord }
  | { type: 'FRAMEWORK_UPDATED'; framework: FrameworkRecord }
  | { type: 'FRAMEWORK_REMOVED'; framework: FrameworkRecord };
