// HttpSimulatedAgent is an agent without processes that reaches a master over the real HTTP agent link
// (`core/node/httpMasterLink.ts`, `POST /master/api/v1/plateau/agent`), for benchmarks that must keep the agents in a
// process apart from the masters (a master killed with SIGKILL must not take its agents with it). Many agents may
// share one `MasterLink` (one leader detector and one pool of call connections per process); each agent still holds
// its own event stream, as a real agent does. It answers the link the way `core/agent/agent.ts` does, minus the
// containers:
//   RUN_TASK  -> TASK_STARTING then TASK_RUNNING, each with a uuid, the next sent only once the previous one is
//                acknowledged, and an unacknowledged one sent again after 10 s, 20 s, ... (the status update
//                reliability protocol, with the real agent's StatusUpdateRetry),
//   KILL_TASK -> TASK_KILLED, PING -> PONG,
// and on `reregister` it sends what a real agent sends on REREGISTER: its agent id, agent info, every task it holds
// (as `Agent.taskJson` renders them, with the last statuses and the unacknowledged update) and their frameworks.
// It does not reconnect by itself: whoever runs it decides when (on a new leader, with what backoff), and learns of a
// lost link through `onLinkLost`.
import { randomBytes } from 'node:crypto';
import { AGENT_VERSION } from '../../core/agent/agent.js';
import { StatusUpdateRetry } from '../../core/agent/statusUpdateRetry.js';
import type { MasterLink, MasterStream } from '../../core/agent/masterLink.js';
import type { Clock } from '../../core/common/clock.js';
import { Resources } from '../../core/common/resources.js';
import { SystemClock } from '../../core/node/systemClock.js';
import type { FrameworkInfo, Resource, Task, TaskInfo, TaskState, TaskStatus } from '../../core/protocol/mesos/v1.js';
import { isTerminalState } from '../../core/protocol/mesos/v1.js';
import type { AgentCall, AgentEvent } from '../../core/protocol/plateau/agentLink.js';

/** AGENT_CAPABILITIES are the capabilities `createAgent` gives a real agent. */
const AGENT_CAPABILITIES = ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT', 'TASK_KILLING_STATE'];
/** MAX_STATUSES is how many statuses a real agent keeps per task (and reports on re-registration). */
const MAX_STATUSES = 8;

interface HeldTask {
  frameworkId: string;
  info: TaskInfo;
  executorId: string;
  /** state is the latest state the agent generated (`latest_state` of every update it forwards). */
  state: TaskState;
  statuses: TaskStatus[];
  /** pending are generated updates not yet acknowledged; the head is the one in flight. */
  pending: TaskStatus[];
}

/** HttpSimulatedAgentOptions describe one simulated agent. */
export interface HttpSimulatedAgentOptions {
  hostname: string;
  ip: string;
  /** resources in the `--resources` syntax, e.g. `cpus:16;mem:65536;ports:[31000-32000]`. */
  resources: string;
  /** onLinkLost is told when an established link closes (the master died, or closed it). */
  onLinkLost?: (agent: HttpSimulatedAgent, err?: Error) => void;
  /** clock times the status update retries (the system clock unless a test drives it). */
  clock?: Clock;
}

/** HttpSimulatedAgent is one fake agent on a real master's HTTP agent link. */
export class HttpSimulatedAgent {
  agentId: string | undefined;
  /** masterId is the id of the master that last answered REGISTERED. */
  masterId: string | undefined;
  readonly counters = { runTask: 0, killTask: 0, acks: 0, updatesSent: 0, updatesFailed: 0, pings: 0, registrations: 0 };
  private readonly tasks = new Map<string, HeldTask>();
  private readonly frameworks = new Map<string, FrameworkInfo & { id: { value: string } }>();
  private readonly resourcesJson: Resource[];
  /** retry re-sends a task's unacknowledged head as a real agent does: a POST that failed (a timeout, a reset) loses nothing. */
  private readonly retry: StatusUpdateRetry;
  private stream: MasterStream | undefined;
  private registered = false;
  private waiting: { resolve: () => void; reject: (err: Error) => void } | undefined;
  private disposed = false;

  constructor(
    private readonly link: MasterLink,
    private readonly options: HttpSimulatedAgentOptions,
  ) {
    this.resourcesJson = Resources.parse(options.resources).toJSON();
    this.retry = new StatusUpdateRetry(options.clock ?? new SystemClock(), (k) => {
      const t = this.tasks.get(k);
      if (t) this.forwardHead(t);
    });
  }

  /** connected is true while the agent holds a link on which REGISTERED arrived. */
  get connected(): boolean {
    return this.registered && this.stream !== undefined;
  }

  /** register sends REGISTER (or REREGISTER once the agent has an id) and resolves when REGISTERED arrives. */
  register(): Promise<void> {
    return this.open(this.agentId === undefined ? this.registerCall() : this.reregisterCall());
  }

  /** reregister sends REREGISTER with everything the agent holds and resolves when REGISTERED arrives. */
  reregister(): Promise<void> {
    if (this.agentId === undefined) return Promise.reject(new Error('the agent never registered'));
    return this.open(this.reregisterCall());
  }

  /** taskCount counts the tasks the agent holds; `runningTasks` those whose latest state is TASK_RUNNING. */
  taskCount(): number {
    return this.tasks.size;
  }

  runningTasks(): number {
    let n = 0;
    for (const t of this.tasks.values()) if (t.state === 'TASK_RUNNING') n++;
    return n;
  }

  /** unacknowledged counts updates still waiting for the framework's acknowledgement. */
  unacknowledged(): number {
    let n = 0;
    for (const t of this.tasks.values()) n += t.pending.length;
    return n;
  }

  /** close drops the link from the agent's side (as when the agent process dies) and ignores what follows. */
  close(): void {
    this.disposed = true;
    this.retry.dispose();
    this.registered = false;
    this.stream?.close();
    this.stream = undefined;
    this.waiting?.reject(new Error('agent closed'));
    this.waiting = undefined;
  }

  private registerCall(): Extract<AgentCall, { type: 'REGISTER' }> {
    return { type: 'REGISTER', register: { agent_info: this.agentInfo(), ip: this.options.ip, version: AGENT_VERSION, capabilities: AGENT_CAPABILITIES } };
  }

  /** reregisterCall is what `Agent.connect` sends once it has an id: its tasks as `Agent.taskJson` renders them, and their frameworks. */
  reregisterCall(): Extract<AgentCall, { type: 'REREGISTER' }> {
    const agentId = this.agentId ?? '';
    return {
      type: 'REREGISTER',
      reregister: {
        agent_info: { ...this.agentInfo(), id: { value: agentId } },
        ip: this.options.ip,
        version: AGENT_VERSION,
        capabilities: AGENT_CAPABILITIES,
        tasks: [...this.tasks.values()].map((t) => this.taskJson(t, agentId)),
        frameworks: [...this.frameworks.values()],
      },
    };
  }

  private agentInfo() {
    return { hostname: this.options.hostname, port: 5051, resources: this.resourcesJson };
  }

  private taskJson(t: HeldTask, agentId: string): Task {
    const head = t.pending[0];
    return {
      name: t.info.name,
      task_id: t.info.task_id,
      framework_id: { value: t.frameworkId },
      executor_id: { value: t.executorId },
      agent_id: { value: agentId },
      state: t.state,
      resources: t.info.resources ?? [],
      statuses: t.statuses,
      ...(head ? { status_update_state: head.state, status_update_uuid: head.uuid } : {}),
      ...(t.info.labels ? { labels: t.info.labels } : {}),
      ...(t.info.discovery ? { discovery: t.info.discovery } : {}),
      ...(t.info.container ? { container: t.info.container } : {}),
      ...(t.info.health_check ? { health_check: t.info.health_check } : {}),
      ...(t.info.kill_policy ? { kill_policy: t.info.kill_policy } : {}),
    };
  }

  private open(call: Extract<AgentCall, { type: 'REGISTER' | 'REREGISTER' }>): Promise<void> {
    if (this.disposed) return Promise.reject(new Error('agent closed'));
    this.stream?.close();
    this.stream = undefined;
    this.registered = false;
    return new Promise<void>((resolve, reject) => {
      let stream: MasterStream | undefined;
      let done = false;
      this.waiting = {
        resolve: () => {
          done = true;
          resolve();
        },
        reject: (err) => {
          done = true;
          reject(err);
        },
      };
      this.link
        .open(
          call,
          (e) => this.onEvent(e),
          (err) => {
            // A link closing before REGISTERED fails this attempt; one closing later is a lost master.
            if (!done) {
              this.waiting = undefined;
              done = true;
              reject(err ?? new Error('the master closed the link before REGISTERED'));
              return;
            }
            if (this.stream !== stream || stream === undefined) return;
            this.stream = undefined;
            this.registered = false;
            if (!this.disposed) this.options.onLinkLost?.(this, err);
          },
        )
        .then(
          (s) => {
            stream = s;
            if (done && !this.registered) {
              // REGISTERED never came and the attempt already failed: drop the stream.
              s.close();
              return;
            }
            this.stream = s;
          },
          (err: Error) => {
            if (done) return;
            this.waiting = undefined;
            done = true;
            reject(err);
          },
        );
    });
  }

  private onEvent(e: AgentEvent): void {
    if (this.disposed) return;
    switch (e.type) {
      case 'REGISTERED': {
        this.agentId = e.registered.agent_id.value;
        this.masterId = e.registered.master_info.id;
        this.registered = true;
        this.counters.registrations++;
        const w = this.waiting;
        this.waiting = undefined;
        w?.resolve();
        // As a real agent does: the head of every task's unacknowledged updates goes out again to the new master.
        for (const t of this.tasks.values()) this.forwardHead(t);
        return;
      }
      case 'RUN_TASK':
        this.frameworks.set(e.run_task.framework_info.id.value, e.run_task.framework_info);
        this.launch(e.run_task.framework_info.id.value, e.run_task.task, e.run_task.task.task_id.value);
        return;
      case 'RUN_TASK_GROUP':
        this.frameworks.set(e.run_task_group.framework_info.id.value, e.run_task_group.framework_info);
        for (const t of e.run_task_group.task_group.tasks) this.launch(e.run_task_group.framework_info.id.value, t, e.run_task_group.executor.executor_id.value);
        return;
      case 'KILL_TASK': {
        this.counters.killTask++;
        const t = this.tasks.get(key(e.kill_task.framework_id.value, e.kill_task.task_id.value));
        if (t && !isTerminalState(t.state)) this.generate(t, 'TASK_KILLED');
        return;
      }
      case 'ACKNOWLEDGE': {
        const k = key(e.acknowledge.framework_id.value, e.acknowledge.task_id.value);
        const t = this.tasks.get(k);
        if (!t || t.pending[0]?.uuid !== e.acknowledge.uuid) return;
        this.counters.acks++;
        this.retry.reset(k);
        t.pending.shift();
        if (t.pending.length > 0) this.forwardHead(t);
        else if (isTerminalState(t.state)) this.tasks.delete(k);
        return;
      }
      case 'SHUTDOWN_FRAMEWORK':
        for (const [k, t] of this.tasks) {
          if (t.frameworkId !== e.shutdown_framework.framework_id.value) continue;
          this.retry.cancel(k);
          this.tasks.delete(k);
        }
        this.frameworks.delete(e.shutdown_framework.framework_id.value);
        return;
      case 'UPDATE_FRAMEWORK':
        this.frameworks.set(e.update_framework.framework_info.id.value, e.update_framework.framework_info);
        return;
      case 'PING':
        this.counters.pings++;
        if (this.stream && this.agentId) this.link.post({ type: 'PONG', agent_id: { value: this.agentId } }, this.stream.linkId).catch(() => undefined);
        return;
      default:
        return;
    }
  }

  private launch(frameworkId: string, info: TaskInfo, executorId: string): void {
    this.counters.runTask++;
    const k = key(frameworkId, info.task_id.value);
    if (this.tasks.has(k)) return;
    const t: HeldTask = { frameworkId, info, executorId, state: 'TASK_STAGING', statuses: [], pending: [] };
    this.tasks.set(k, t);
    this.generate(t, 'TASK_STARTING');
    this.generate(t, 'TASK_RUNNING');
  }

  /** generate records a new update; it goes out at once when no earlier one awaits acknowledgement. */
  private generate(t: HeldTask, state: TaskState): void {
    const status: TaskStatus = {
      task_id: t.info.task_id,
      state,
      source: 'SOURCE_EXECUTOR',
      agent_id: { value: this.agentId ?? '' },
      executor_id: { value: t.executorId },
      timestamp: Date.now() / 1000,
      uuid: randomBytes(16).toString('base64'),
    };
    t.state = state;
    t.statuses.push(status);
    if (t.statuses.length > MAX_STATUSES) t.statuses.splice(0, t.statuses.length - MAX_STATUSES);
    t.pending.push(status);
    if (t.pending.length === 1) this.forwardHead(t);
  }

  private forwardHead(t: HeldTask): void {
    const head = t.pending[0];
    if (!head || !this.connected || !this.stream || this.agentId === undefined) return;
    this.counters.updatesSent++;
    const call: AgentCall = { type: 'STATUS_UPDATE', agent_id: { value: this.agentId }, status_update: { framework_id: { value: t.frameworkId }, status: { ...head, agent_id: { value: this.agentId } }, latest_state: t.state } };
    // A lost update goes again when its retry timer fires, or when the agent re-registers (REGISTERED forwards every head).
    this.link.post(call, this.stream.linkId).catch(() => this.counters.updatesFailed++);
    this.retry.arm(key(t.frameworkId, t.info.task_id.value));
  }
}

function key(frameworkId: string, taskId: string): string {
  return `${frameworkId}/${taskId}`;
}
