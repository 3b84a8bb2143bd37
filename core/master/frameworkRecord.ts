import type { TimerHandle } from '../common/clock.js';
import type { FrameworkInfo, Offer, Task } from '../protocol/mesos/v1.js';
import type { SchedulerEvent } from '../protocol/mesos/scheduler.js';
import type { EventSink } from './eventSink.js';

/**
 * FrameworkRecord is the master's view of one framework: its info, its live subscription (if any), its
 * outstanding offers and its tasks. Derived facts (roles, capabilities) are computed from `info` so they
 * cannot drift from it.
 */
export class FrameworkRecord {
  /** stream is the framework's live SUBSCRIBE connection; absent while disconnected or recovered. */
  stream: { id: string; sink: EventSink<SchedulerEvent> } | undefined;
  active = false;
  /** recovered is true for a framework known only from the registry or agents after a master failover. */
  recovered = false;
  registeredTime: number | undefined;
  reregisteredTime: number | undefined;
  unregisteredTime: number | undefined;
  failoverTimer: TimerHandle | undefined;
  readonly offers = new Map<string, Offer>();
  readonly tasks = new Map<string, Task>();
  readonly unreachableTasks = new Map<string, Task>();
  readonly completedTasks: Task[] = [];
  suppressedRoles = new Set<string>();

  constructor(
    public info: FrameworkInfo & { id: { value: string } },
  ) {}

  get id(): string {
    return this.info.id.value;
  }

  get connected(): boolean {
    return this.stream !== undefined && !this.stream.sink.closed;
  }

  /** roles follows Mesos: `roles` for MULTI_ROLE frameworks, otherwise the single (deprecated) `role`. */
  get roles(): string[] {
    if (this.hasCapability('MULTI_ROLE')) return this.info.roles ?? [];
    return [this.info.role ?? '*'];
  }

  hasCapability(type: string): boolean {
    return (this.info.capabilities ?? []).some((c) => c.type === type);
  }

  get partitionAware(): boolean {
    return this.hasCapability('PARTITION_AWARE');
  }

  /** send delivers an event if the framework is connected; events to a disconnected framework are dropped, as in Mesos. */
  send(event: SchedulerEvent): void {
    if (this.stream && !this.stream.sink.closed) this.stream.sink.send(event);
  }

  /** completeTask moves a task out of the live set, keeping a bounded history like `--max_completed_tasks_per_framework`. */
  completeTask(taskId: string, limit: number): void {
    const task = this.tasks.get(taskId) ?? this.unreachableTasks.get(taskId);
    if (!task) return;
    this.tasks.delete(taskId);
    this.unreachableTasks.delete(taskId);
    this.completedTasks.push(task);
    if (this.completedTasks.length > limit) this.completedTasks.splice(0, this.completedTasks.length - limit);
  }
}
