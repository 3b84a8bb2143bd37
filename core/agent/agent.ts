import type { Clock, TimerHandle } from '../common/clock.js';
import { uuidBase64, uuidV4 } from '../common/ids.js';
import type { Resources } from '../common/resources.js';
import type { Rng } from '../common/rng.js';
import { launchesType, type Containerizer, type Termination } from '../containerizer/containerizer.js';
import type { HistorySample } from '../containerizer/containerHistory.js';
import type { ContainerView } from '../containerizer/containerView.js';
import type { Attribute, FrameworkInfo, Task, TaskInfo, TaskState, TaskStatus } from '../protocol/mesos/v1.js';
import { isTerminalState } from '../protocol/mesos/v1.js';
import type { AgentCall, AgentEvent } from '../protocol/plateau/agentLink.js';
import type { AgentStore, TaskCheckpoint } from './agentStore.js';
import type { Fetcher } from './fetcher.js';
import { parseHealthCheck, TaskHealthChecker, type HealthProbe } from './healthChecker.js';
import type { MasterLink, MasterStream } from './masterLink.js';
import { RegistrationBackoff } from './registrationBackoff.js';
import { StatusUpdateRetry } from './statusUpdateRetry.js';

/** AGENT_VERSION is the Mesos agent version Plateau's agent reports. */
export const AGENT_VERSION = '1.11.0';

/** DEFAULT_KILL_GRACE_MS is the command executor's grace between SIGTERM and SIGKILL without a kill policy. */
export const DEFAULT_KILL_GRACE_MS = 3000;

/** SandboxManager makes run directories and schedules their removal; the agent never touches paths itself. */
export interface SandboxManager {
  /** create makes `<work_dir>/slaves/<agent>/frameworks/<fw>/executors/<ex>/runs/<container>` (and `latest`). */
  create(ids: { agentId: string; frameworkId: string; executorId: string; containerId: string }): Promise<string>;
  /** scheduleGc removes `dir` after `--gc_delay`. */
  scheduleGc(dir: string): void;
}

/** AgentSettings are the facts the agent advertises and the knobs it honours. */
export interface AgentSettings {
  hostname: string;
  ip: string;
  port: number;
  resources: Resources;
  attributes: Attribute[];
  /** registrationBackoffMs is Mesos's `--registration_backoff_factor`: reconnect delays are drawn from [0, factor·2ⁿ]. */
  registrationBackoffMs: number;
  capabilities: string[];
}

/** AgentOptions are the agent's collaborators, wired by the composition root. */
export interface AgentOptions {
  settings: AgentSettings;
  clock: Clock;
  rng: Rng;
  store: AgentStore;
  link: MasterLink;
  containerizer: Containerizer;
  sandboxes: SandboxManager;
  /** fetcher brings `CommandInfo.uris` into the sandbox before launch; without one, URIs are ignored with a warning. */
  fetcher?: Fetcher;
  /** healthProbe runs `TaskInfo.health_check`s; without one, health checks are not run. */
  healthProbe?: HealthProbe;
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

/** TaskRun is a task the agent is running or still reporting on. */
interface TaskRun extends TaskCheckpoint {
  killing?: boolean;
  /** unhealthy marks a task killed for failing its health check, so its TASK_KILLED carries `healthy: false`. */
  unhealthy?: string;
}

/**
 * Agent runs tasks on one machine for the master: it registers (or re-registers with its checkpointed
 * id), launches what the master sends through a `Containerizer`, and reports every task state change
 * as a status update that it re-sends until the framework acknowledges it. Everything needed to carry
 * on after its own restart is checkpointed through `AgentStore` before it is acted on.
 */
export class Agent {
  agentId: string | undefined;
  masterInfo: { hostname?: string; pid?: string } | undefined;
  readonly frameworks = new Map<string, FrameworkInfo & { id: { value: string } }>();
  readonly runs = new Map<string, TaskRun>();
  readonly completed: TaskRun[] = [];
  readonly startTime: number;
  private stream: MasterStream | undefined;
  private registered = false;
  private reconnectTimer: TimerHandle | undefined;
  private readonly backoff: RegistrationBackoff;
  private disposed = false;
  private readonly retry: StatusUpdateRetry;
  /** inFlight holds event handlers and container watchers still running, so `dispose` can wait for their checkpoints. */
  private readonly inFlight = new Set<Promise<void>>();
  /** healthCheckers are the running tasks' Mesos health checks, by task key; each is disposed with its task. */
  private readonly healthCheckers = new Map<string, TaskHealthChecker>();

  constructor(private readonly options: AgentOptions) {
    this.startTime = options.clock.now();
    this.retry = new StatusUpdateRetry(options.clock, (key) => this.forwardHead(key));
    this.backoff = new RegistrationBackoff(options.settings.registrationBackoffMs, options.rng);
  }

  get settings(): AgentSettings {
    return this.options.settings;
  }

  get clock(): Clock {
    return this.options.clock;
  }

  /** containerUsage reads a live container's statistics for `/monitor/statistics` and `GET_CONTAINERS`. */
  containerUsage(containerId: string): Promise<Record<string, number>> {
    return this.options.containerizer.usage(containerId);
  }

  /**
   * containerView reads a live container's view (the lxcfs-accurate extension) for the `/plateau/v1/containers`
   * endpoints; undefined when the containerizer keeps no container view (posix, docker).
   */
  async containerView(containerId: string): Promise<ContainerView | undefined> {
    return this.options.containerizer.view ? this.options.containerizer.view(containerId) : undefined;
  }

  /** containerSamples returns a container's sampled views, oldest first, from `sinceMs` on; undefined without a container view. */
  containerSamples(containerId: string, sinceMs?: number): Array<HistorySample<ContainerView>> | undefined {
    return this.options.containerizer.samples?.(containerId, sinceMs);
  }

  get connected(): boolean {
    return this.registered && this.stream !== undefined;
  }

  /** start recovers checkpointed tasks and containers, then connects to the master. */
  async start(): Promise<void> {
    const checkpoint = await this.options.store.load();
    this.agentId = checkpoint.agentId;
    for (const f of checkpoint.frameworks) {
      if (checkpoint.tasks.some((t) => t.frameworkId === f.id.value)) this.frameworks.set(f.id.value, f);
    }
    const containers = checkpoint.tasks.flatMap((t) => (t.container && !isTerminalState(t.state) ? [t.container] : []));
    const alive = new Set(await this.options.containerizer.recover(containers));
    for (const task of checkpoint.tasks) {
      const run: TaskRun = { ...task };
      this.runs.set(key(task.frameworkId, task.task.task_id.value), run);
      if (run.container && !isTerminalState(run.state)) {
        if (!alive.has(run.container.containerId)) this.log('info', `Task ${task.task.task_id.value} ended while the agent was down`);
        this.watch(run, run.container.containerId);
        if (run.state === 'TASK_RUNNING') this.startHealthCheck(run, run.container.containerId);
      } else if (!run.container && !isTerminalState(run.state)) {
        await this.update(run, 'TASK_FAILED', { reason: 'REASON_AGENT_RESTARTED', message: 'Task was not started before the agent restarted' });
      }
    }
    this.log('info', `Agent recovered ${this.runs.size} tasks (${alive.size} containers alive)`);
    this.connect();
  }

  // ---------------------------------------------------------------------------------------------
  // Master link

  private connect(): void {
    if (this.disposed) return;
    this.reconnectTimer = undefined;
    const s = this.settings;
    const agentInfo = { hostname: s.hostname, port: s.port, resources: s.resources.toJSON(), ...(s.attributes.length ? { attributes: s.attributes } : {}) };
    const call: Extract<AgentCall, { type: 'REGISTER' | 'REREGISTER' }> =
      this.agentId === undefined
        ? { type: 'REGISTER', register: { agent_info: agentInfo, ip: s.ip, version: AGENT_VERSION, capabilities: s.capabilities } }
        : {
            type: 'REREGISTER',
            reregister: {
              agent_info: { ...agentInfo, id: { value: this.agentId } },
              ip: s.ip,
              version: AGENT_VERSION,
              capabilities: s.capabilities,
              tasks: [...this.runs.values()].map((r) => this.taskJson(r)),
              frameworks: [...this.frameworks.values()],
            },
          };
    this.options.link.open(call, (e) => this.track(this.onEvent(e)), (err) => this.onLinkClosed(err)).then(
      (stream) => {
        if (this.disposed) stream.close();
        else this.stream = stream;
      },
      (err: Error) => this.onLinkClosed(err),
    );
  }

  private heartbeatMs = 15_000;
  private watchdog: TimerHandle | undefined;

  /**
   * armWatchdog notices a master that went silent without closing the connection (a partition): with
   * no event for five heartbeat intervals the link is dropped and the agent re-registers, as Mesos's
   * agent does when the master stops pinging it.
   */
  private armWatchdog(): void {
    this.watchdog?.cancel();
    if (this.disposed) return;
    this.watchdog = this.options.clock.setTimeout(() => {
      this.log('warn', `No word from the master for ${(5 * this.heartbeatMs) / 1000} s; re-registering`);
      this.stream?.close();
    }, 5 * this.heartbeatMs);
  }

  private onLinkClosed(err?: Error): void {
    this.watchdog?.cancel();
    const wasRegistered = this.registered;
    this.stream = undefined;
    this.registered = false;
    if (this.disposed) return;
    if (wasRegistered) this.log('warn', `Lost the master${err ? `: ${err.message}` : ''}; reconnecting`);
    this.reconnectTimer?.cancel();
    this.reconnectTimer = this.options.clock.setTimeout(() => this.connect(), this.backoff.next());
  }

  /**
   * masterChanged is called when a ZooKeeper detector names a new leading master. As Mesos's agent does on detection,
   * the backoff starts over, and an agent waiting to retry tries the new master within one backoff factor rather than
   * after the long waits it built up while no master answered (a ZooKeeper session expiry takes seconds).
   */
  masterChanged(): void {
    if (this.disposed) return;
    this.backoff.reset();
    if (!this.reconnectTimer) return; // registered, or an attempt is under way: its outcome schedules the next
    this.reconnectTimer.cancel();
    this.reconnectTimer = this.options.clock.setTimeout(() => this.connect(), this.backoff.next());
  }

  private async onEvent(event: AgentEvent): Promise<void> {
    this.armWatchdog();
    try {
      switch (event.type) {
        case 'REGISTERED': {
          const id = event.registered.agent_id.value;
          if (this.agentId !== id) {
            this.agentId = id;
            await this.options.store.saveAgentId(id);
          }
          this.masterInfo = event.registered.master_info;
          this.heartbeatMs = event.registered.heartbeat_interval_seconds * 1000;
          this.armWatchdog();
          this.registered = true;
          this.backoff.reset();
          this.log('info', `Registered with master ${event.registered.master_info.pid ?? ''} as agent ${id}`);
          for (const k of this.runs.keys()) this.forwardHead(k);
          return;
        }
        case 'RUN_TASK': {
          const { framework_info, task } = event.run_task;
          await this.inOrder(framework_info.id.value, task.task_id.value, () => this.runTask(framework_info, task, task.task_id.value));
          return;
        }
        case 'RUN_TASK_GROUP': {
          const { framework_info, executor, task_group } = event.run_task_group;
          // One after another: the group's tasks share an executor directory and its `latest` link. Plateau's
          // master sends each task of a group in its own RUN_TASK_GROUP, though, so sandboxes of one executor
          // are still made at once and `SandboxFs.replaceSymlink` must allow that.
          for (const task of task_group.tasks) await this.inOrder(framework_info.id.value, task.task_id.value, () => this.runTask(framework_info, task, executor.executor_id.value));
          return;
        }
        case 'KILL_TASK': {
          const { framework_id, task_id, kill_policy } = event.kill_task;
          await this.inOrder(framework_id.value, task_id.value, () => this.killTask(framework_id.value, task_id.value, graceOf(kill_policy)));
          return;
        }
        case 'ACKNOWLEDGE': {
          const { framework_id, task_id, uuid } = event.acknowledge;
          await this.inOrder(framework_id.value, task_id.value, () => this.acknowledge(framework_id.value, task_id.value, uuid));
          return;
        }
        case 'SHUTDOWN_FRAMEWORK':
          await this.shutdownFramework(event.shutdown_framework.framework_id.value);
          return;
        case 'UPDATE_FRAMEWORK':
          this.frameworks.set(event.update_framework.framework_info.id.value, event.update_framework.framework_info);
          await this.options.store.saveFramework(event.update_framework.framework_info);
          return;
        case 'SHUTDOWN':
          // Mesos's agent kills every executor and exits here; Plateau's kills every task and stays, and its
          // re-registration is refused until the master lets it back (a machine brought up after maintenance).
          this.log('error', `Master asked this agent to shut down: ${event.shutdown.message}; killing every task`);
          for (const frameworkId of [...this.frameworks.keys()]) await this.shutdownFramework(frameworkId);
          return;
        case 'PING':
          if (this.stream && this.agentId) await this.options.link.post({ type: 'PONG', agent_id: { value: this.agentId } }, this.stream.linkId).catch(() => undefined);
          return;
        case 'HEARTBEAT':
          return;
      }
    } catch (err) {
      this.log('error', `Failed to handle ${event.type}: ${(err as Error).stack ?? String(err)}`);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Tasks

  private async runTask(framework: FrameworkInfo & { id: { value: string } }, task: TaskInfo, executorId: string): Promise<void> {
    const frameworkId = framework.id.value;
    const k = key(frameworkId, task.task_id.value);
    if (this.runs.has(k)) {
      this.log('warn', `Ignoring duplicate launch of task ${task.task_id.value}`);
      return;
    }
    if (!this.frameworks.has(frameworkId)) await this.options.store.saveFramework(framework);
    this.frameworks.set(frameworkId, framework);
    const containerId = uuidV4(this.options.rng);
    let sandboxDir: string;
    let sandboxError: Error | undefined;
    try {
      sandboxDir = await this.options.sandboxes.create({ agentId: this.agentId ?? 'unknown', frameworkId, executorId, containerId });
    } catch (err) {
      sandboxDir = '';
      sandboxError = err as Error;
    }
    const run: TaskRun = { frameworkId, task, executorId, state: 'TASK_STAGING', pending: [], statuses: [], sandboxDir };
    this.runs.set(k, run);
    // An acknowledgement may have let the agent forget this framework while the sandbox was made.
    this.frameworks.set(frameworkId, framework);
    if (sandboxError) {
      // The task still gets its update: a launch that only logged this left its framework waiting for it forever.
      this.log('error', `Failed to create the sandbox of task ${task.task_id.value}: ${sandboxError.message}`);
      await this.update(run, 'TASK_FAILED', { reason: 'REASON_CONTAINER_LAUNCH_FAILED', message: `Failed to create the sandbox: ${sandboxError.message}` });
      return;
    }
    await this.options.store.saveTask(run);
    if (task.container?.type === 'DOCKER' && !launchesType(this.options.containerizer, 'DOCKER')) {
      await this.update(run, 'TASK_FAILED', { reason: 'REASON_CONTAINER_LAUNCH_FAILED', message: `Containerizer '${this.options.containerizer.name}' cannot launch DOCKER containers (start the agent with --containerizers=docker,mesos)` });
      return;
    }
    if (!task.command) {
      await this.update(run, 'TASK_FAILED', { reason: 'REASON_EXECUTOR_TERMINATED', message: 'Custom executors are not supported by this agent; use the command executor' });
      return;
    }
    const uris = task.command.uris ?? [];
    if (uris.length > 0 && !this.options.fetcher) this.log('warn', `Task ${task.task_id.value} has URIs to fetch but this agent has no fetcher; ignoring them`);
    else if (uris.length > 0 && this.options.fetcher) {
      try {
        await this.options.fetcher.fetchAll(uris, sandboxDir);
      } catch (err) {
        await this.update(run, 'TASK_FAILED', { reason: 'REASON_CONTAINER_LAUNCH_FAILED', message: (err as Error).message });
        return;
      }
    }
    await this.update(run, 'TASK_STARTING', {});
    try {
      const status = await this.options.containerizer.launch({
        containerId,
        sandboxDir,
        command: { shell: task.command.shell !== false, ...(task.command.value !== undefined ? { value: task.command.value } : {}), ...(task.command.arguments ? { arguments: task.command.arguments } : {}), ...(task.command.user ? { user: task.command.user } : {}) },
        env: this.taskEnvironment(run, containerId),
        resources: { cpus: run.task.resources ? scalarOf(run.task.resources, 'cpus') : 0, mem: run.task.resources ? scalarOf(run.task.resources, 'mem') : 0 },
        ...(task.container ? { container: task.container } : {}),
        hostPorts: rangesOf(run.task.resources ?? [], 'ports'),
        task: { agentId: this.agentId ?? '', frameworkId, executorId, taskId: task.task_id.value },
      });
      run.container = { ...status, sandboxDir };
      await this.options.store.saveTask(run);
      this.watch(run, containerId);
      if (run.killing) return;
      await this.update(run, 'TASK_RUNNING', { container_status: this.containerStatus(run) });
      this.startHealthCheck(run, containerId);
    } catch (err) {
      await this.update(run, 'TASK_FAILED', { reason: 'REASON_CONTAINER_LAUNCH_FAILED', message: `Failed to launch container: ${(err as Error).message}` });
    }
  }

  private containerStatus(run: TaskRun): TaskStatus['container_status'] {
    return { container_id: { value: run.container?.containerId ?? '' }, ...(run.container?.pid !== undefined ? { executor_pid: run.container.pid } : {}), network_infos: [{ ip_addresses: [{ protocol: 'IPv4', ip_address: this.settings.ip }] }] };
  }

  /**
   * startHealthCheck runs a running task's `health_check` on this agent, as Mesos's executors do: each change
   * of health becomes a TASK_RUNNING update with `healthy`, and too many consecutive failures kill the task.
   */
  private startHealthCheck(run: TaskRun, containerId: string): void {
    const raw = run.task.health_check;
    const probe = this.options.healthProbe;
    const k = key(run.frameworkId, run.task.task_id.value);
    if (!raw || !probe || this.disposed || this.healthCheckers.has(k) || isTerminalState(run.state) || run.killing) return;
    let spec;
    try {
      spec = parseHealthCheck(raw);
    } catch (err) {
      this.log('warn', `Not health checking task ${run.task.task_id.value}: ${(err as Error).message}`);
      return;
    }
    const taskId = run.task.task_id.value;
    const checker = new TaskHealthChecker({
      spec,
      clock: this.options.clock,
      probe,
      hosts: [...new Set(['127.0.0.1', this.settings.ip])],
      sandboxDir: run.sandboxDir,
      env: this.taskEnvironment(run, containerId),
      onHealthChanged: (healthy, cause) => {
        this.log(healthy ? 'info' : 'warn', `Task ${taskId} is ${healthy ? 'healthy' : `unhealthy: ${cause ?? ''}`}`);
        this.track(
          this.inOrder(run.frameworkId, taskId, async () => {
            if (run.state !== 'TASK_RUNNING' || run.killing) return;
            await this.update(run, 'TASK_RUNNING', { healthy, reason: 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED', ...(cause ? { message: cause } : {}), container_status: this.containerStatus(run) });
          }),
        );
      },
      onUnhealthy: (message) => {
        this.log('warn', `Killing task ${taskId}: ${message}`);
        run.unhealthy = message;
        this.track(this.inOrder(run.frameworkId, taskId, () => this.killTask(run.frameworkId, taskId, graceOf(run.task.kill_policy))));
      },
    });
    this.healthCheckers.set(k, checker);
  }

  private stopHealthCheck(run: TaskRun): void {
    const k = key(run.frameworkId, run.task.task_id.value);
    this.healthCheckers.get(k)?.dispose();
    this.healthCheckers.delete(k);
  }

  private taskEnvironment(run: TaskRun, containerId: string): Record<string, string> {
    const env: Record<string, string> = {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      MESOS_SANDBOX: run.sandboxDir,
      MESOS_DIRECTORY: run.sandboxDir,
      MESOS_TASK_ID: run.task.task_id.value,
      MESOS_FRAMEWORK_ID: run.frameworkId,
      MESOS_EXECUTOR_ID: run.executorId,
      MESOS_SLAVE_ID: this.agentId ?? '',
      MESOS_AGENT_ID: this.agentId ?? '',
      MESOS_AGENT_ENDPOINT: `${this.settings.ip}:${this.settings.port}`,
      MESOS_SLAVE_PID: `slave(1)@${this.settings.ip}:${this.settings.port}`,
      MESOS_CONTAINER_NAME: `mesos-${containerId}`,
      MESOS_CHECKPOINT: this.frameworks.get(run.frameworkId)?.checkpoint ? '1' : '0',
    };
    for (const v of run.task.command?.environment?.variables ?? []) {
      if ((v.type ?? 'VALUE') === 'VALUE' && v.value !== undefined) env[v.name] = v.value;
    }
    return env;
  }

  private watch(run: TaskRun, containerId: string): void {
    this.options.containerizer.wait(containerId).then(
      (t) => this.track(this.terminated(run, t)),
      (err: Error) => this.track(this.terminated(run, { state: 'TASK_FAILED', reason: 'REASON_EXECUTOR_TERMINATED', message: `Failed to wait for container: ${err.message}` })),
    );
  }

  /**
   * inOrder runs the master's messages about one task in the order they arrived, as Mesos's agent
   * actor does: a KILL that overtakes a still-launching RUN_TASK would otherwise find no task and be
   * lost, leaving the task running. Messages about different tasks still proceed side by side.
   */
  private inOrder(frameworkId: string, taskId: string, work: () => Promise<void>): Promise<void> {
    const k = key(frameworkId, taskId);
    const next = (this.taskQueues.get(k) ?? Promise.resolve()).then(work, work);
    const settled = next.catch(() => undefined);
    this.taskQueues.set(k, settled);
    void settled.then(() => {
      if (this.taskQueues.get(k) === settled) this.taskQueues.delete(k);
    });
    return next;
  }
  private readonly taskQueues = new Map<string, Promise<void>>();

  private track(work: Promise<void>): void {
    const tracked = work.catch((err: unknown) => this.log('error', `Agent operation failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private async terminated(run: TaskRun, t: Termination): Promise<void> {
    if (isTerminalState(run.state)) return;
    const state: TaskState = run.killing ? 'TASK_KILLED' : t.state;
    if (run.unhealthy && run.killing) {
      await this.update(run, state, { healthy: false, message: run.unhealthy });
      return;
    }
    await this.update(run, state, { ...(t.reason ? { reason: t.reason } : {}), message: t.message });
  }

  private async killTask(frameworkId: string, taskId: string, graceMs: number): Promise<void> {
    const run = this.runs.get(key(frameworkId, taskId));
    if (!run || isTerminalState(run.state)) {
      if (!run) this.log('warn', `Cannot kill unknown task ${taskId} of framework ${frameworkId}`);
      return;
    }
    if (run.killing) return;
    run.killing = true;
    const framework = this.frameworks.get(frameworkId);
    if ((framework?.capabilities ?? []).some((c) => c.type === 'TASK_KILLING_STATE')) await this.update(run, 'TASK_KILLING', {});
    if (!run.container) {
      await this.update(run, 'TASK_KILLED', { reason: 'REASON_TASK_KILLED_DURING_LAUNCH', message: 'Task killed before it was launched' });
      return;
    }
    await this.options.containerizer.kill(run.container.containerId, graceMs);
  }

  private async shutdownFramework(frameworkId: string): Promise<void> {
    const kills = [...this.runs.values()].filter((r) => r.frameworkId === frameworkId && !isTerminalState(r.state)).map((r) => this.killTask(frameworkId, r.task.task_id.value, DEFAULT_KILL_GRACE_MS));
    await Promise.all(kills);
    for (const [k, r] of [...this.runs]) {
      if (r.frameworkId !== frameworkId) continue;
      this.runs.delete(k);
      this.retry.cancel(k);
      this.keepCompleted(r);
    }
    this.frameworks.delete(frameworkId);
    await this.options.store.removeFramework(frameworkId);
  }

  // ---------------------------------------------------------------------------------------------
  // Status updates

  /** update records a new state for `run` as a status update and starts delivering it. */
  private async update(run: TaskRun, state: TaskState, extra: Partial<TaskStatus>): Promise<void> {
    const status: TaskStatus = {
      task_id: run.task.task_id,
      state,
      source: 'SOURCE_EXECUTOR',
      agent_id: { value: this.agentId ?? '' },
      executor_id: { value: run.executorId },
      timestamp: this.options.clock.now() / 1000,
      uuid: uuidBase64(this.options.rng),
      ...extra,
    };
    run.state = state;
    if (isTerminalState(state) || state === 'TASK_KILLING') this.stopHealthCheck(run);
    run.statuses.push(status);
    if (run.statuses.length > 8) run.statuses.splice(0, run.statuses.length - 8);
    // Whether this update heads the stream is decided now: updates queued behind it while the
    // checkpoint is written must not make it skip its turn.
    const isHead = run.pending.length === 0;
    run.pending.push(status);
    await this.options.store.saveTask(run);
    if (isHead && run.pending[0] === status) this.forwardHead(key(run.frameworkId, run.task.task_id.value));
  }

  /** forwardHead (re)sends the oldest unacknowledged update of a task and arms its retry. */
  private forwardHead(k: string): void {
    const run = this.runs.get(k);
    const head = run?.pending[0];
    if (!run || !head) {
      this.retry.cancel(k);
      return;
    }
    this.retry.arm(k);
    if (!this.connected || !this.stream || this.agentId === undefined) return;
    const call = { type: 'STATUS_UPDATE' as const, agent_id: { value: this.agentId }, status_update: { framework_id: { value: run.frameworkId }, status: { ...head, agent_id: { value: this.agentId } }, latest_state: run.state } };
    this.options.link.post(call, this.stream.linkId).catch((err: Error) => this.log('warn', `Status update ${head.state} for task ${head.task_id.value} not delivered yet: ${err.message}`));
  }

  private async acknowledge(frameworkId: string, taskId: string, uuid: string): Promise<void> {
    const k = key(frameworkId, taskId);
    const run = this.runs.get(k);
    if (!run || run.pending[0]?.uuid !== uuid) return;
    run.pending.shift();
    this.retry.reset(k);
    if (run.pending.length > 0) {
      await this.options.store.saveTask(run);
      this.forwardHead(k);
      return;
    }
    this.retry.cancel(k);
    if (isTerminalState(run.state)) {
      this.runs.delete(k);
      await this.options.store.removeTask(frameworkId, taskId);
      this.keepCompleted(run);
      if (run.sandboxDir) this.options.sandboxes.scheduleGc(run.sandboxDir);
      // As Mesos's agent, forget a framework once nothing of it runs here any more. Only the memory
      // is dropped: its small checkpoint stays (a RUN_TASK for it may be writing there right now) and
      // is skipped on recovery when no task of it remains.
      if (![...this.runs.values()].some((r) => r.frameworkId === frameworkId)) this.frameworks.delete(frameworkId);
    } else {
      await this.options.store.saveTask(run);
    }
  }

  private keepCompleted(run: TaskRun): void {
    this.completed.push(run);
    if (this.completed.length > 1000) this.completed.shift();
  }

  /** taskJson renders a run as a v1 `Task`, for re-registration and the agent's state endpoints. */
  taskJson(run: TaskRun): Task {
    const head = run.pending[0];
    return {
      name: run.task.name,
      task_id: run.task.task_id,
      framework_id: { value: run.frameworkId },
      executor_id: { value: run.executorId },
      agent_id: { value: this.agentId ?? '' },
      state: run.state,
      resources: run.task.resources ?? [],
      statuses: run.statuses,
      ...(head ? { status_update_state: head.state, status_update_uuid: head.uuid } : {}),
      ...(run.task.labels ? { labels: run.task.labels } : {}),
      ...(run.task.discovery ? { discovery: run.task.discovery } : {}),
      ...(run.task.container ? { container: run.task.container } : {}),
      ...(run.task.health_check ? { health_check: run.task.health_check } : {}),
      ...(run.task.kill_policy ? { kill_policy: run.task.kill_policy } : {}),
    };
  }

  private log(level: 'info' | 'warn' | 'error', msg: string): void {
    this.options.log?.(level, msg);
  }

  /** dispose closes the link and timers; tasks keep running so a restarted agent can recover them. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.reconnectTimer?.cancel();
    this.watchdog?.cancel();
    this.retry.dispose();
    for (const checker of this.healthCheckers.values()) checker.dispose();
    this.healthCheckers.clear();
    this.stream?.close();
    this.stream = undefined;
    await this.options.containerizer.dispose();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** destroy kills every task as well (demo shutdown), then disposes. */
  async destroy(graceMs = DEFAULT_KILL_GRACE_MS): Promise<void> {
    await this.options.containerizer.destroyAll(graceMs);
    await this.dispose();
  }
}

function key(frameworkId: string, taskId: string): string {
  return `${frameworkId}\u0000${taskId}`;
}

function graceOf(policy: { grace_period?: { nanoseconds: number } } | undefined): number {
  const ns = policy?.grace_period?.nanoseconds;
  return ns !== undefined ? Math.max(0, Number(ns) / 1e6) : DEFAULT_KILL_GRACE_MS;
}

function rangesOf(resources: readonly { name: string; ranges?: { range: Array<{ begin: number; end: number }> } }[], name: string): Array<{ begin: number; end: number }> {
  return resources.filter((r) => r.name === name).flatMap((r) => (r.ranges?.range ?? []).map((x) => ({ begin: Number(x.begin), end: Number(x.end) })));
}

function scalarOf(resources: readonly { name: string; scalar?: { value: number } }[], name: string): number {
  return resources.filter((r) => r.name === name).reduce((sum, r) => sum + Number(r.scalar?.value ?? 0), 0);
}
