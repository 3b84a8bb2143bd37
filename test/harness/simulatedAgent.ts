// SimulatedAgent is an agent without processes or HTTP, for benchmarks and tests at cluster scale: it
// registers with an in-process `Master` through `registerAgent` over an `EventSink` of its own, and
// answers the agent link the way `core/agent/agent.ts` does, minus the containers:
//   RUN_TASK  -> TASK_STARTING then TASK_RUNNING, each with a uuid, the next sent only once the
//                previous one is acknowledged (the status update reliability protocol),
//   KILL_TASK -> TASK_KILLED (queued behind any unacknowledged update, as on a real agent),
//   PING      -> `agentPong`.
import { randomUUID } from 'node:crypto';
import { Resources } from '../../core/common/resources.js';
import type { EventSink } from '../../core/master/eventSink.js';
import type { Master } from '../../core/master/master.js';
import { isTerminalState, type TaskState, type TaskStatus } from '../../core/protocol/mesos/v1.js';
import type { AgentEvent } from '../../core/protocol/plateau/agentLink.js';

interface SimulatedTask {
  frameworkId: string;
  taskId: string;
  /** state is the latest state the agent generated (`latest_state` of every update it forwards). */
  state: TaskState;
  /** pending are generated updates not yet acknowledged; the head is the one in flight. */
  pending: TaskStatus[];
}

export interface SimulatedAgentOptions {
  hostname: string;
  ip?: string;
  /** resources in the `--resources` syntax, e.g. `cpus:16;mem:65536;ports:[31000-32000]`. */
  resources: string;
}

/** SimulatedAgent is one fake agent on a real master's agent link. */
export class SimulatedAgent {
  agentId: string | undefined;
  readonly tasks = new Map<string, SimulatedTask>();
  readonly counters = { runTask: 0, killTask: 0, acks: 0, updatesSent: 0, pings: 0 };
  private linkId: string;
  private readonly sink: EventSink<AgentEvent>;
  private static seq = 0;

  constructor(
    private readonly master: Master,
    private readonly options: SimulatedAgentOptions,
  ) {
    this.linkId = `sim-link-${++SimulatedAgent.seq}`;
    const sink = {
      closed: false,
      // Deliver on a later event-loop turn, as a network would: the master never re-enters itself, and a
      // cascade of launches and updates cannot starve timers and I/O the way a chain of microtasks would.
      send: (e: AgentEvent) => {
        if (!sink.closed) setImmediate(() => this.onEvent(e));
      },
      close: () => {
        sink.closed = true;
      },
    };
    this.sink = sink;
  }

  /** register sends REGISTER on a fresh link and returns the agent id the master assigned. */
  async register(): Promise<string> {
    const { agentId } = await this.master.registerAgent(
      {
        type: 'REGISTER',
        register: {
          agent_info: { hostname: this.options.hostname, port: 5051, resources: Resources.parse(this.options.resources).toJSON() },
          ip: this.options.ip ?? '127.0.0.1',
          version: 'simulated',
        },
      },
      this.sink,
      this.linkId,
    );
    this.agentId = agentId;
    return agentId;
  }

  /** runningTasks counts tasks whose latest state is TASK_RUNNING. */
  runningTasks(): number {
    let n = 0;
    for (const t of this.tasks.values()) if (t.state === 'TASK_RUNNING') n++;
    return n;
  }

  /** disconnect closes the link from the agent's side, as when the agent process dies. */
  disconnect(): void {
    this.sink.close();
    if (this.agentId !== undefined) this.master.agentLinkClosed(this.agentId, this.linkId);
  }

  private onEvent(e: AgentEvent): void {
    switch (e.type) {
      case 'REGISTERED':
        this.agentId = e.registered.agent_id.value;
        return;
      case 'RUN_TASK': {
        this.counters.runTask++;
        const frameworkId = e.run_task.framework_info.id.value;
        const taskId = e.run_task.task.task_id.value;
        const task: SimulatedTask = { frameworkId, taskId, state: 'TASK_STAGING', pending: [] };
        this.tasks.set(key(frameworkId, taskId), task);
        this.generate(task, 'TASK_STARTING');
        this.generate(task, 'TASK_RUNNING');
        return;
      }
      case 'RUN_TASK_GROUP': {
        const frameworkId = e.run_task_group.framework_info.id.value;
        for (const t of e.run_task_group.task_group.tasks) {
          this.counters.runTask++;
          const task: SimulatedTask = { frameworkId, taskId: t.task_id.value, state: 'TASK_STAGING', pending: [] };
          this.tasks.set(key(frameworkId, task.taskId), task);
          this.generate(task, 'TASK_STARTING');
          this.generate(task, 'TASK_RUNNING');
        }
        return;
      }
      case 'KILL_TASK': {
        this.counters.killTask++;
        const task = this.tasks.get(key(e.kill_task.framework_id.value, e.kill_task.task_id.value));
        if (task && !isTerminalState(task.state)) this.generate(task, 'TASK_KILLED');
        return;
      }
      case 'ACKNOWLEDGE': {
        const k = key(e.acknowledge.framework_id.value, e.acknowledge.task_id.value);
        const task = this.tasks.get(k);
        if (!task || task.pending[0]?.uuid !== e.acknowledge.uuid) return;
        this.counters.acks++;
        task.pending.shift();
        if (task.pending.length > 0) this.forwardHead(task);
        else if (isTerminalState(task.state)) this.tasks.delete(k);
        return;
      }
      case 'SHUTDOWN_FRAMEWORK':
        for (const [k, t] of this.tasks) if (t.frameworkId === e.shutdown_framework.framework_id.value) this.tasks.delete(k);
        return;
      case 'PING':
        this.counters.pings++;
        if (this.agentId !== undefined && !this.sink.closed) this.master.agentPong(this.agentId, this.linkId);
        return;
      default:
        return;
    }
  }

  /** generate records a new update; it is forwarded at once when no earlier one awaits acknowledgement. */
  private generate(task: SimulatedTask, state: TaskState): void {
    task.state = state;
    task.pending.push({
      task_id: { value: task.taskId },
      state,
      source: 'SOURCE_EXECUTOR',
      ...(this.agentId !== undefined ? { agent_id: { value: this.agentId } } : {}),
      timestamp: Date.now() / 1000,
      uuid: randomUUID(),
    });
    if (task.pending.length === 1) this.forwardHead(task);
  }

  private forwardHead(task: SimulatedTask): void {
    const head = task.pending[0];
    if (!head || this.agentId === undefined || this.sink.closed) return;
    this.counters.updatesSent++;
    this.master.agentStatusUpdate(this.agentId, this.linkId, {
      framework_id: { value: task.frameworkId },
      status: { ...head, agent_id: { value: this.agentId } },
      latest_state: task.state,
    });
  }
}

function key(frameworkId: string, taskId: string): string {
  return `${frameworkId}/${taskId}`;
}
