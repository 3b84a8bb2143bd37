import type { TimerHandle } from '../common/clock.js';
import type { Resources } from '../common/resources.js';
import type { AgentInfo } from '../protocol/mesos/v1.js';
import type { AgentEvent } from '../protocol/plateau/agentLink.js';
import type { EventSink } from './eventSink.js';

/** AgentRecord is the master's view of one registered agent and its link. */
export class AgentRecord {
  link: { id: string; sink: EventSink<AgentEvent> } | undefined;
  active = true;
  registeredTime: number;
  reregisteredTime: number | undefined;
  /** missedPings counts PINGs not answered with a PONG; at `--max_agent_ping_timeouts` the agent is unreachable. */
  missedPings = 0;
  pongPending = false;
  /** disconnectTimer fires when the agent stayed away too long and becomes unreachable. */
  disconnectTimer: TimerHandle | undefined;
  /** frameworkIds with tasks on this agent, kept so removal and state summaries need no task scan. */
  readonly taskIds = new Map<string, Set<string>>();

  constructor(
    public info: AgentInfo & { id: { value: string } },
    public ip: string,
    public total: Resources,
    public version: string,
    public capabilities: string[],
    now: number,
  ) {
    this.registeredTime = now;
  }

  get id(): string {
    return this.info.id.value;
  }

  get connected(): boolean {
    return this.link !== undefined && !this.link.sink.closed;
  }

  /** pid is the libprocess-style address tools parse for the agent's IP (`slave(1)@ip:port`). */
  get pid(): string {
    return `slave(1)@${this.ip}:${this.info.port ?? 5051}`;
  }

  send(event: AgentEvent): boolean {
    if (!this.link || this.link.sink.closed) return false;
    this.link.sink.send(event);
    return true;
  }

  addTask(frameworkId: string, taskId: string): void {
    let set = this.taskIds.get(frameworkId);
    if (!set) this.taskIds.set(frameworkId, (set = new Set()));
    set.add(taskId);
  }

  removeTask(frameworkId: string, taskId: string): void {
    const set = this.taskIds.get(frameworkId);
    if (!set) return;
    set.delete(taskId);
    if (set.size === 0) this.taskIds.delete(frameworkId);
  }
}
