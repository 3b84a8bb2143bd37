import type { RecoverableContainer } from '../containerizer/containerizer.js';
import type { FrameworkInfo, TaskInfo, TaskState, TaskStatus } from '../protocol/mesos/v1.js';

/**
 * TaskCheckpoint is everything an agent must remember about one task to survive its own restart: what
 * was launched, where, the container to re-adopt, and the status updates not yet acknowledged (Mesos
 * checkpoints the same under `meta/slaves/<id>/frameworks/.../tasks/...`).
 */
export interface TaskCheckpoint {
  frameworkId: string;
  task: TaskInfo;
  executorId: string;
  state: TaskState;
  container?: RecoverableContainer;
  /** pending are updates sent but not acknowledged, oldest first; the head is the one in flight. */
  pending: TaskStatus[];
  /** statuses is the task's recent status history (newest last), for `/state` and re-registration. */
  statuses: TaskStatus[];
  sandboxDir: string;
}

/** AgentCheckpoint is the whole of an agent's durable state. */
export interface AgentCheckpoint {
  agentId: string | undefined;
  frameworks: Array<FrameworkInfo & { id: { value: string } }>;
  tasks: TaskCheckpoint[];
}

/**
 * AgentStore persists the agent's checkpoint. Writes are atomic per record and durable before they
 * resolve, so a `kill -9` never leaves a half-written task behind.
 */
export interface AgentStore {
  load(): Promise<AgentCheckpoint>;
  saveAgentId(agentId: string | undefined): Promise<void>;
  saveFramework(info: FrameworkInfo & { id: { value: string } }): Promise<void>;
  removeFramework(frameworkId: string): Promise<void>;
  saveTask(task: TaskCheckpoint): Promise<void>;
  removeTask(frameworkId: string, taskId: string): Promise<void>;
}
