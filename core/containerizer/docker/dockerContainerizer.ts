import { deferred, TerminationMemory, unknownContainer, type Deferred } from '../containerBook.js';
import type { Clock, TimerHandle } from '../../common/clock.js';
import { CoreError } from '../../common/errors.js';
import {
  EXITED_WHILE_AGENT_DOWN_MESSAGE,
  type ContainerStatus,
  type ContainerType,
  type Containerizer,
  type LaunchSpec,
  type RecoverableContainer,
  type Termination,
} from '../containerizer.js';
import { terminationFor } from '../termination.js';
import type { ContainerFiles } from './containerFiles.js';
import { isNotFound, type ContainerDetails, type ContainerWait, type DockerClient } from './dockerClient.js';
import { containerName, DEFAULT_SANDBOX_MOUNT, dockerCreateBody } from './dockerCreateBody.js';
import { parseDockerInfo, type DockerInfo } from './dockerInfo.js';
import { DockerLogPump } from './dockerLogPump.js';
import { dockerStatistics } from './dockerStatistics.js';
import { dockerTermination } from './dockerTermination.js';

/** DEFAULT_DOCKER_REMOVE_DELAY_MS is Mesos's `--docker_remove_delay` default: exited containers are kept 6 hours. */
export const DEFAULT_DOCKER_REMOVE_DELAY_MS = 6 * 60 * 60 * 1000;

/** LXCFS_PROC_FILES are the `/proc` files lxcfs virtualises per container, bind-mounted when present. */
export const LXCFS_PROC_FILES = ['meminfo', 'cpuinfo', 'stat', 'uptime', 'loadavg', 'diskstats', 'swaps'] as const;

/** LABEL_CONTAINER_ID labels every container with the agent's container id, which is how recovery finds it again. */
export const LABEL_CONTAINER_ID = 'plateau.container_id';
/** LABEL_AGENT_ID labels a container with the agent id it was launched for, for operators reading `docker ps`. */
export const LABEL_AGENT_ID = 'plateau.agent_id';
/** LABEL_FRAMEWORK_ID labels a container with its task's framework id. */
export const LABEL_FRAMEWORK_ID = 'plateau.framework_id';
/** LABEL_EXECUTOR_ID labels a container with its executor id (the task id for command tasks). */
export const LABEL_EXECUTOR_ID = 'plateau.executor_id';
/** LABEL_TASK_ID labels a container with its task id. */
export const LABEL_TASK_ID = 'plateau.task_id';
/** LABEL_SCOPE labels a container with the owning agent's scope (see `DockerContainerizerOptions.scope`). */
export const LABEL_SCOPE = 'plateau.scope';
/** LABEL_CPUS records the task's cpus, so a recovered container still reports `cpus_limit`. */
export const LABEL_CPUS = 'plateau.cpus';
/** LABEL_MEM records the task's mem (MB), so a recovered container's OOM message still quotes it. */
export const LABEL_MEM = 'plateau.mem';

/** DockerContainerizerOptions configures a `DockerContainerizer`. */
export interface DockerContainerizerOptions {
  /** client reaches the daemon; the containerizer owns it and disposes it in `dispose`. */
  client: DockerClient;
  files: ContainerFiles;
  /** clock owns the removal timers, log-mark timers, drain timeouts and wait retries. */
  clock: Clock;
  /** removeDelayMs is `--docker_remove_delay`: how long an exited container is kept; default 6 hours. */
  removeDelayMs?: number;
  /**
   * scope names the agent that owns the containers (the composition root passes its work_dir) and becomes the
   * `plateau.scope` label. Recovery then only looks at containers of this scope, so agents sharing one daemon never
   * touch each other's containers, and treats this scope's unknown containers as orphans (killed, removed later).
   * Without a scope, recovery considers only the checkpointed containers.
   */
  scope?: string;
  /** lxcfsDir is lxcfs's mount point (e.g. `/var/lib/lxcfs`); its `proc/*` files are bind-mounted when present. */
  lxcfsDir?: string;
  /** sandboxMount is where the sandbox is mounted in the container (Mesos `--sandbox_directory`); default `/mnt/mesos/sandbox`. */
  sandboxMount?: string;
  /** logDrainTimeoutMs bounds the wait for a stopped container's last log lines before its end is reported; default 5000. */
  logDrainTimeoutMs?: number;
  /** logMarkIntervalMs bounds the staleness of the persisted log position (see `DockerLogPump`); default 1000. */
  logMarkIntervalMs?: number;
  /** onWarning hears about failures that do not stop a container (removal, log writes, lost waits). */
  onWarning?: (message: string, err?: unknown) => void;
}


interface DockerContainer {
  readonly id: string;
  readonly sandboxDir: string;
  state: 'launching' | 'running' | 'terminated';
  readonly launched: Promise<void>;
  readonly done: Deferred<Termination>;
  resources?: { cpus?: number; mem?: number };
  dockerId?: string;
  status?: ContainerStatus;
  killed: boolean;
  exiting: boolean;
  wait?: ContainerWait;
  retry?: TimerHandle;
  logs?: DockerLogPump;
}

const WAIT_RETRY_MS = 1000;

/**
 * DockerContainerizer runs DOCKER tasks as Docker containers through the Engine API, in the manner of Mesos's docker
 * containerizer: each container is named `mesos-<container id>` and labelled with the agent, framework, executor,
 * task and container ids; resources become CPU shares, a CFS quota and a memory limit; output is streamed into the
 * sandbox's `stdout`/`stderr`; kills are `docker stop` with the kill grace period; exited containers are removed
 * after `--docker_remove_delay`; and a restarted agent finds its containers again by label. Like every containerizer
 * here, containers outlive the agent: `dispose` only lets go of them.
 */
export class DockerContainerizer implements Containerizer {
  readonly name = 'docker';
  readonly containerTypes: readonly ContainerType[] = ['DOCKER'];
  private readonly live = new Map<string, DockerContainer>();
  private readonly finished = new TerminationMemory();
  private readonly removals = new Map<string, { timer: TimerHandle; dueAt: number }>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly client: DockerClient;
  private readonly files: ContainerFiles;
  private readonly clock: Clock;
  private readonly removeDelayMs: number;
  private readonly sandboxMount: string;
  private readonly logDrainTimeoutMs: number;
  private readonly warn: (message: string, err?: unknown) => void;
  private readonly gone = deferred<void>();
  private lxcfsMissingWarned = false;
  private disposed = false;

  constructor(private readonly options: DockerContainerizerOptions) {
    this.client = options.client;
    this.files = options.files;
    this.clock = options.clock;
    this.removeDelayMs = Math.max(0, options.removeDelayMs ?? DEFAULT_DOCKER_REMOVE_DELAY_MS);
    this.sandboxMount = options.sandboxMount ?? DEFAULT_SANDBOX_MOUNT;
    this.logDrainTimeoutMs = options.logDrainTimeoutMs ?? 5000;
    this.warn = options.onWarning ?? (() => undefined);
  }

  async launch(spec: LaunchSpec): Promise<ContainerStatus> {
    this.assertUsable();
    if (this.live.has(spec.containerId) || this.finished.has(spec.containerId)) {
      throw new CoreError('CONFLICT', `Container '${spec.containerId}' already exists`);
    }
    const info = parseDockerInfo(spec.container);
    const gate = deferred<void>();
    const c: DockerContainer = { id: spec.containerId, sandboxDir: spec.sandboxDir, state: 'launching', launched: gate.promise, done: deferred<Termination>(), killed: false, exiting: false };
    if (spec.resources) c.resources = spec.resources;
    this.live.set(c.id, c);
    try {
      const body = dockerCreateBody(spec, info, { labels: this.labelsFor(spec), sandboxMount: this.sandboxMount, lxcfsProcFiles: await this.lxcfsProcFiles() });
      c.dockerId = await this.create(body, info);
      try {
        await this.client.startContainer(c.dockerId);
      } catch (err) {
        // A container that could not start (a taken host port, a missing bind source, ...) is of no use to anyone.
        await this.client.removeContainer(c.dockerId, true).catch((e: unknown) => this.warn(`Failed to remove container '${containerName(c.id)}' that did not start`, e));
        throw new CoreError('INTERNAL', `Failed to start container '${containerName(c.id)}': ${messageOf(err)}`, { cause: err });
      }
      const details = await this.client.inspectContainer(c.dockerId);
      const status: ContainerStatus = { containerId: c.id, pid: details?.state.pid ?? 0, startedAt: details?.state.startedAt ?? this.clock.now(), containerizer: this.name };
      c.status = status;
      c.state = 'running';
      // Disposed while launching: the container keeps running (as on any agent restart); we just do not watch it.
      if (!this.disposed) this.watch(c);
      gate.resolve();
      return { ...status };
    } catch (err) {
      this.live.delete(c.id);
      const failure = err instanceof CoreError ? err : new CoreError('INTERNAL', `Failed to launch container '${containerName(c.id)}': ${messageOf(err)}`, { cause: err });
      gate.reject(failure);
      c.done.reject(failure);
      throw failure;
    }
  }

  wait(containerId: string): Promise<Termination> {
    if (this.disposed) return Promise.reject(new CoreError('UNAVAILABLE', 'Containerizer disposed'));
    const c = this.live.get(containerId);
    if (c) return c.done.promise;
    const termination = this.finished.get(containerId);
    if (termination) return Promise.resolve({ ...termination });
    return Promise.reject(unknownContainer(containerId));
  }

  async kill(containerId: string, gracePeriodMs: number): Promise<void> {
    this.assertUsable();
    const c = this.live.get(containerId);
    if (!c) {
      if (this.finished.has(containerId)) return;
      throw unknownContainer(containerId);
    }
    try {
      await c.launched;
    } catch {
      return; // the launch failed: there is nothing to kill, and the launcher's caller has the error
    }
    if (c.state !== 'terminated' && c.dockerId !== undefined) {
      c.killed = true;
      // `docker stop -t`: whole seconds; a sub-second grace period rounds up, as the command executor never cuts one short.
      try {
        await this.client.stopContainer(c.dockerId, Math.ceil(Math.max(0, gracePeriodMs) / 1000));
      } catch (err) {
        if (!this.disposed) this.warn(`Failed to stop container '${containerName(c.id)}'`, err);
      }
    }
    await Promise.race([c.done.promise, this.gone.promise]);
  }

  async recover(checkpointed: RecoverableContainer[]): Promise<string[]> {
    this.assertUsable();
    const scope = this.options.scope;
    const listed = await this.client.listContainers({ [LABEL_CONTAINER_ID]: true, ...(scope !== undefined ? { [LABEL_SCOPE]: scope } : {}) });
    const byId = new Map(listed.map((s) => [s.labels[LABEL_CONTAINER_ID] as string, s]));
    const running: string[] = [];
    for (const cp of checkpointed) {
      const summary = byId.get(cp.containerId);
      byId.delete(cp.containerId);
      const existing = this.live.get(cp.containerId);
      if (existing) {
        if (existing.state !== 'terminated') running.push(existing.id);
        continue;
      }
      if (this.finished.has(cp.containerId)) continue;
      const c: DockerContainer = { id: cp.containerId, sandboxDir: cp.sandboxDir, state: 'running', launched: Promise.resolve(), done: deferred<Termination>(), killed: false, exiting: false };
      this.live.set(c.id, c);
      const details = summary ? await this.client.inspectContainer(summary.id) : undefined;
      if (!details) {
        // Removed while the agent was down (or never created): nothing tells how it ended.
        this.finish(c, terminationFor({ kind: 'unknown' }, false, EXITED_WHILE_AGENT_DOWN_MESSAGE));
        continue;
      }
      c.dockerId = details.id;
      c.resources = resourcesFromLabels(details.labels);
      c.status = { containerId: c.id, pid: details.state.pid || cp.pid, startedAt: details.state.startedAt ?? cp.startedAt, containerizer: this.name };
      // An exited container goes through the same path: its wait returns at once and its remaining logs are drained.
      this.watch(c, await DockerLogPump.readMark(this.files, c.sandboxDir));
      if (details.state.running) running.push(c.id);
    }
    if (scope !== undefined) {
      for (const orphan of byId.values()) await this.reapOrphan(orphan.id);
    }
    return running;
  }

  async usage(containerId: string): Promise<Record<string, number>> {
    const c = this.live.get(containerId);
    if (!c || c.state !== 'running' || c.dockerId === undefined) throw unknownContainer(containerId);
    const stats = await this.client.stats(c.dockerId);
    return dockerStatistics(stats, this.clock.now(), c.resources?.cpus);
  }

  containers(): string[] {
    return [...this.live.values()].filter((c) => c.state !== 'terminated').map((c) => c.id);
  }

  /**
   * destroyAll kills every live container and, as the agent is going away for good (a demo shutting down), removes
   * them at once instead of after `--docker_remove_delay`.
   */
  async destroyAll(gracePeriodMs: number): Promise<void> {
    this.assertUsable();
    const victims = [...this.live.values()];
    await Promise.all(victims.map((c) => this.kill(c.id, gracePeriodMs)));
    await Promise.all(
      victims.map(async (c) => {
        if (c.dockerId === undefined) return;
        this.removals.get(c.dockerId)?.timer.cancel();
        this.removals.delete(c.dockerId);
        await this.client.removeContainer(c.dockerId, true).catch((err: unknown) => this.warn(`Failed to remove container '${containerName(c.id)}'`, err));
      }),
    );
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    // Pending `wait()`s stay unsettled: the containers have not ended, and the next agent instance learns their fate
    // through `recover`. Pending `kill()`s return.
    this.gone.resolve();
    // Removals already due are done now (a zero --docker_remove_delay must not leave containers to the next agent);
    // later ones are the next agent's, which finds the exited containers by label.
    const now = this.clock.now();
    for (const [dockerId, removal] of this.removals) {
      removal.timer.cancel();
      if (removal.dueAt <= now) this.track(this.client.removeContainer(dockerId).catch((err: unknown) => this.warn(`Failed to remove exited container ${dockerId}`, err)));
    }
    this.removals.clear();
    const pumps: Array<Promise<void>> = [];
    for (const c of this.live.values()) {
      c.retry?.cancel();
      c.retry = undefined;
      void c.wait?.dispose();
      if (c.logs) pumps.push(c.logs.dispose());
    }
    await Promise.all(pumps);
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
    this.live.clear();
    this.finished.clear();
    await this.client.dispose();
  }

  /** create creates the container, pulling the image first when asked to, or when it is not present locally. */
  private async create(body: ReturnType<typeof dockerCreateBody>, info: DockerInfo): Promise<string> {
    if (info.forcePullImage) await this.pull(info.image, true);
    try {
      return await this.client.createContainer(body);
    } catch (err) {
      // Like `docker run`: a missing image is pulled, then creation is tried once more.
      if (!isNotFound(err) || info.forcePullImage) throw new CoreError('INTERNAL', `Failed to create container '${body.name}': ${messageOf(err)}`, { cause: err });
      await this.pull(info.image, false);
      return this.client.createContainer(body);
    }
  }

  private async pull(image: string, forced: boolean): Promise<void> {
    try {
      await this.client.pullImage(image);
    } catch (err) {
      const why = forced ? 'force_pull_image is set' : 'it is not present locally (force_pull_image is false, so a local image would have been used)';
      throw new CoreError('UNAVAILABLE', `Failed to pull image '${image}', which was pulled because ${why}: ${messageOf(err)}`, { cause: err });
    }
  }

  private labelsFor(spec: LaunchSpec): Record<string, string> {
    const labels: Record<string, string> = { [LABEL_CONTAINER_ID]: spec.containerId };
    const task = spec.task ?? { agentId: spec.env.MESOS_AGENT_ID, frameworkId: spec.env.MESOS_FRAMEWORK_ID, executorId: spec.env.MESOS_EXECUTOR_ID, taskId: spec.env.MESOS_TASK_ID };
    if (task.agentId) labels[LABEL_AGENT_ID] = task.agentId;
    if (task.frameworkId) labels[LABEL_FRAMEWORK_ID] = task.frameworkId;
    if (task.executorId) labels[LABEL_EXECUTOR_ID] = task.executorId;
    if (task.taskId) labels[LABEL_TASK_ID] = task.taskId;
    if (this.options.scope !== undefined) labels[LABEL_SCOPE] = this.options.scope;
    if (spec.resources?.cpus) labels[LABEL_CPUS] = String(spec.resources.cpus);
    if (spec.resources?.mem) labels[LABEL_MEM] = String(spec.resources.mem);
    return labels;
  }

  private async lxcfsProcFiles(): Promise<string[]> {
    const dir = this.options.lxcfsDir;
    if (dir === undefined || dir === '') return [];
    const files = LXCFS_PROC_FILES.map((f) => `${dir.replace(/\/+$/, '')}/proc/${f}`);
    const present = await Promise.all(files.map((f) => this.files.exists(f)));
    const found = files.filter((_, i) => present[i]);
    if (found.length === 0 && !this.lxcfsMissingWarned) {
      this.lxcfsMissingWarned = true;
      this.warn(`lxcfs is not mounted at '${dir}'; containers will see the host's /proc/meminfo, /proc/cpuinfo, ...`);
    }
    return found;
  }

  /** watch follows a running (or just recovered) container's logs and waits for it to stop. */
  private watch(c: DockerContainer, logMark?: string): void {
    const dockerId = c.dockerId as string;
    c.logs = new DockerLogPump({ client: this.client, files: this.files, clock: this.clock, dockerId, sandboxDir: c.sandboxDir, warn: this.warn, ...(this.options.logMarkIntervalMs !== undefined ? { markIntervalMs: this.options.logMarkIntervalMs } : {}) });
    c.logs.start(logMark);
    this.armWait(c);
  }

  private armWait(c: DockerContainer): void {
    c.retry = undefined;
    if (this.disposed || c.state === 'terminated') return;
    const wait = this.client.waitContainer(c.dockerId as string);
    c.wait = wait;
    wait.exited.then(
      () => this.track(this.onExit(c)),
      (err: unknown) => {
        if (this.disposed || c.wait !== wait) return;
        // The wait can break without the container stopping (a daemon restart, a dropped socket): look, then wait again.
        this.track(this.recheck(c, err));
      },
    );
  }

  private async recheck(c: DockerContainer, cause: unknown): Promise<void> {
    const details = await this.client.inspectContainer(c.dockerId as string).catch(() => 'unreachable' as const);
    if (this.disposed || c.state === 'terminated') return;
    if (details === undefined || (details !== 'unreachable' && !details.state.running)) {
      await this.onExit(c);
      return;
    }
    this.warn(`Lost the wait on container '${containerName(c.id)}'; waiting again`, cause);
    c.retry = this.clock.setTimeout(() => this.armWait(c), WAIT_RETRY_MS);
  }

  /** onExit reports a stopped container once its last log lines are in the sandbox (or the drain timed out). */
  private async onExit(c: DockerContainer): Promise<void> {
    if (c.state === 'terminated' || c.exiting || this.disposed) return;
    c.exiting = true;
    const logs = c.logs;
    if (logs) {
      let timer: TimerHandle | undefined;
      await Promise.race([logs.ended, new Promise<void>((resolve) => (timer = this.clock.setTimeout(resolve, this.logDrainTimeoutMs)))]);
      timer?.cancel();
    }
    let details: ContainerDetails | undefined;
    try {
      details = await this.client.inspectContainer(c.dockerId as string);
    } catch (err) {
      if (this.disposed) return;
      this.warn(`Failed to inspect stopped container '${containerName(c.id)}'`, err);
    }
    if (this.disposed) return;
    await logs?.dispose();
    if (this.disposed) return;
    this.finish(c, dockerTermination(details?.state, c.killed, c.resources?.mem), details?.state.finishedAt);
  }

  private finish(c: DockerContainer, termination: Termination, finishedAt?: number): void {
    if (c.state === 'terminated') return;
    c.state = 'terminated';
    c.retry?.cancel();
    c.retry = undefined;
    void c.wait?.dispose();
    if (this.live.get(c.id) === c) {
      this.live.delete(c.id);
      this.remember(c.id, termination);
    }
    if (c.dockerId !== undefined) this.scheduleRemoval(c.dockerId, finishedAt);
    c.done.resolve(termination);
  }

  /** scheduleRemoval removes an exited container `removeDelayMs` after it finished (Mesos's `--docker_remove_delay`). */
  private scheduleRemoval(dockerId: string, finishedAt?: number): void {
    if (this.disposed || this.removals.has(dockerId)) return;
    const now = this.clock.now();
    const dueAt = (finishedAt ?? now) + this.removeDelayMs;
    const timer = this.clock.setTimeout(() => {
      this.removals.delete(dockerId);
      this.track(this.client.removeContainer(dockerId).catch((err: unknown) => this.warn(`Failed to remove exited container ${dockerId}`, err)));
    }, Math.max(0, dueAt - now));
    this.removals.set(dockerId, { timer, dueAt });
  }

  /** reapOrphan handles a container of this scope that no checkpoint mentions: kill it if running, remove it in time. */
  private async reapOrphan(dockerId: string): Promise<void> {
    const details = await this.client.inspectContainer(dockerId);
    if (!details) return;
    if (details.state.running) {
      this.warn(`Killing orphaned container ${details.name} (not known to this agent)`);
      await this.client.stopContainer(dockerId, 0).catch((err: unknown) => this.warn(`Failed to kill orphaned container ${details.name}`, err));
      this.scheduleRemoval(dockerId);
      return;
    }
    this.scheduleRemoval(dockerId, details.state.finishedAt);
  }

  private remember(id: string, termination: Termination): void {
    this.finished.remember(id, termination);
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((err: unknown) => this.warn('Docker containerizer operation failed', err));
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private assertUsable(): void {
    if (this.disposed) throw new CoreError('UNAVAILABLE', 'Containerizer disposed');
  }
}

function resourcesFromLabels(labels: Record<string, string>): { cpus?: number; mem?: number } {
  const out: { cpus?: number; mem?: number } = {};
  const cpus = Number(labels[LABEL_CPUS]);
  const mem = Number(labels[LABEL_MEM]);
  if (labels[LABEL_CPUS] !== undefined && Number.isFinite(cpus)) out.cpus = cpus;
  if (labels[LABEL_MEM] !== undefined && Number.isFinite(mem)) out.mem = mem;
  return out;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

