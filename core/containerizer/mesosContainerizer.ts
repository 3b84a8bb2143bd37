import { unknownContainer } from './containerBook.js';
import type { Clock, TimerHandle } from '../common/clock.js';
import { CoreError, invalid } from '../common/errors.js';
import type { CgroupController, CgroupFs } from './cgroups/cgroupFs.js';
import type { CgroupIsolator } from './cgroups/cgroupIsolator.js';
import { readContainerCounters } from './cgroups/containerCounters.js';
import { CpuIsolator } from './cgroups/cpuIsolator.js';
import { MemoryIsolator } from './cgroups/memoryIsolator.js';
import { DEFAULT_PIDS_LIMIT, PidsIsolator } from './cgroups/pidsIsolator.js';
import { countLines } from './cgroups/cgroupFiles.js';
import type { ContainerStatus, Containerizer, LaunchSpec, RecoverableContainer, Termination } from './containerizer.js';
import { ContainerHistory, type ContainerHistoryOptions, type HistorySample } from './containerHistory.js';
import { containerView, type ContainerCounters, type ContainerView, type CpuViewOptions } from './containerView.js';
import type { CgroupIsolatorName } from './isolation.js';
import type { ContainerEnd, LaunchPlan } from './launchHooks.js';
import {
  DEFAULT_LINUX_BINARIES,
  hostnameLines,
  joinCgroupLines,
  LXCFS_PROC_FILES,
  lxcfsFstab,
  lxcfsMountLines,
  namespacesPrefix,
  switchUserPrefix,
  type LinuxBinaries,
} from './linuxLaunch.js';
import { META_DIR, PosixContainerizer } from './posixContainerizer.js';
import type { ProcessLauncher } from './processLauncher.js';
import { statisticsRecord, type ResourceStatistics } from './resourceStatistics.js';
import { chrootPrefix, envExports, rootfsMountLines, type ImageConfig, type RootfsPlan } from './provisioner/image.js';
import { imageNameOf, type Provisioner } from './provisioner/provisioner.js';

/** DEFAULT_CGROUPS_ROOT is the default `--cgroups_root`: containers live in `<hierarchy>/plateau/<containerId>` (Mesos uses `mesos`). */
export const DEFAULT_CGROUPS_ROOT = 'plateau';

/** DEFAULT_LXCFS_DIR is where lxcfs is mounted when it runs as a host service (Debian's `lxcfs.service`). */
export const DEFAULT_LXCFS_DIR = '/var/lib/lxcfs';

// Every container joins the accounting controllers that exist, whether or not an isolator limits them, so usage, the
// container view and killing (freezer) work the same for any `--isolation`.
const ACCOUNTING_CONTROLLERS: readonly CgroupController[] = ['cpu', 'cpuacct', 'cpuset', 'memory', 'pids', 'freezer'];
const LXCFS_RECHECK_MS = 10_000;
const JOIN_TIMEOUT_MS = 5_000;

/** MesosContainerizerOptions configures a `MesosContainerizer`; `launcher`, `cgroups` and `clock` are required. */
export interface MesosContainerizerOptions {
  launcher: ProcessLauncher;
  cgroups: CgroupFs;
  clock: Clock;
  /** isolators are the cgroup isolators to enforce (see `parseIsolation`); default all three. */
  isolators?: readonly CgroupIsolatorName[];
  /** cgroupsRoot is Mesos's `--cgroups_root`, relative to each hierarchy; default `plateau`. */
  cgroupsRoot?: string;
  /** enableCfs sets a CFS quota from `cpus` (Mesos `--cgroups_enable_cfs`); default true. */
  enableCfs?: boolean;
  /** pidsLimit is `pids.max` for each container (`--cgroups_pids_limit`); default 4096, 0 for none. */
  pidsLimit?: number;
  /** lxcfsDir is lxcfs's mount point (`--lxcfs_dir`); default `/var/lib/lxcfs`, '' to never use lxcfs. */
  lxcfsDir?: string;
  /** binaries are util-linux's `unshare`, `mount` and `setpriv`. */
  binaries?: Partial<LinuxBinaries>;
  /** agentUser is the user the agent runs as: tasks asking for it are not switched (saves a `setpriv`). */
  agentUser?: string;
  /** limitationPollIntervalMs is how often running containers are checked for a hit limit (OOM kills); default 1000. */
  limitationPollIntervalMs?: number;
  /** sampleIntervalMs is how often each container's view is sampled into its history; default 2000, 0 disables. */
  sampleIntervalMs?: number;
  /** history bounds the per-container sample rings. */
  history?: ContainerHistoryOptions;
  /** cpuView chooses lxcfs's CPU view for the container view; default the `--enable-cfs` one. */
  cpuView?: CpuViewOptions;
  /** pollIntervalMs, switchUser, shell and onWarning are passed to the underlying `PosixContainerizer`. */
  pollIntervalMs?: number;
  switchUser?: boolean;
  shell?: string;
  onWarning?: (message: string, err?: unknown) => void;
  /** provisioner, when given, assembles the root filesystem of tasks naming an image (`container.mesos.image`). */
  provisioner?: Provisioner;
}

/** LxcfsStatus says whether containers get lxcfs's `/proc` files, and why not. */
export interface LxcfsStatus {
  dir: string;
  available: boolean;
  /** files are the `/proc` files lxcfs serves there (bind-mounted into each new container). */
  files: string[];
  /** reason explains an unavailable lxcfs. */
  reason?: string;
}

/** MesosContainerizerStatus is what the agent reports about its containerizer in its flags and state. */
export interface MesosContainerizerStatus {
  isolation: string[];
  cgroupsVersion: 1 | 2;
  cgroupsRoot: string;
  namespaces: string[];
  lxcfs: LxcfsStatus;
}

/**
 * MesosContainerizer is Mesos's unified containerizer for command tasks on Linux: every container runs in new PID,
 * mount, UTS and IPC namespaces (host network), in its own cgroup under `--cgroups_root` with the `--isolation`
 * cgroup isolators' limits, and with lxcfs's `/proc` files mounted over its own when lxcfs runs. It reuses
 * `PosixContainerizer` — the wrapper that records the exit status, kill escalation, recovery — through
 * `LaunchHooks`: the wrapper becomes PID 1 of the namespaces and joins the cgroups before it forks the task.
 */
export class MesosContainerizer implements Containerizer {
  readonly name = 'mesos';
  /** history holds the sampled container views, for a console's charts. */
  readonly history: ContainerHistory<ContainerView>;
  private readonly posix: PosixContainerizer;
  private readonly fs: CgroupFs;
  private readonly clock: Clock;
  private readonly root: string;
  private readonly enforcing: CgroupIsolator[];
  private readonly accounting: { cpu: CpuIsolator; memory: MemoryIsolator };
  private readonly controllers: CgroupController[];
  private readonly binaries: LinuxBinaries;
  private readonly shell: string;
  private readonly switchUser: boolean;
  private readonly agentUser: string | undefined;
  private readonly warn: (message: string, err?: unknown) => void;
  private readonly limitationPollMs: number;
  private readonly sampleMs: number;
  private readonly cpuViewOptions: CpuViewOptions;
  private readonly readText: (path: string) => Promise<string | undefined>;
  private readonly launcher: ProcessLauncher;
  private readonly provisioner: Provisioner | undefined;
  private readonly lastCounters = new Map<string, ContainerCounters>();
  private lxcfs: LxcfsStatus;
  private lxcfsCheckedAt = -Infinity;
  private watchTimer: TimerHandle | undefined;
  private sampleTimer: TimerHandle | undefined;
  private watching = false;
  private sampling = false;
  private disposed = false;

  constructor(options: MesosContainerizerOptions) {
    this.fs = options.cgroups;
    this.clock = options.clock;
    this.root = normaliseRoot(options.cgroupsRoot ?? DEFAULT_CGROUPS_ROOT);
    this.binaries = { ...DEFAULT_LINUX_BINARIES, ...options.binaries };
    this.shell = options.shell ?? '/bin/sh';
    this.switchUser = options.switchUser ?? true;
    this.agentUser = options.agentUser;
    this.warn = options.onWarning ?? (() => undefined);
    this.limitationPollMs = options.limitationPollIntervalMs ?? 1000;
    this.sampleMs = options.sampleIntervalMs ?? 2000;
    this.cpuViewOptions = options.cpuView ?? {};
    this.history = new ContainerHistory<ContainerView>(options.clock, options.history);
    const launcher = options.launcher;
    this.launcher = launcher;
    this.provisioner = options.provisioner;
    this.readText = (path) => launcher.readText(path);
    this.accounting = { cpu: new CpuIsolator(this.fs, { enableCfs: options.enableCfs ?? true }), memory: new MemoryIsolator(this.fs) };
    const byName: Record<CgroupIsolatorName, CgroupIsolator> = {
      'cgroups/cpu': this.accounting.cpu,
      'cgroups/mem': this.accounting.memory,
      'cgroups/pids': new PidsIsolator(this.fs, options.pidsLimit ?? DEFAULT_PIDS_LIMIT),
    };
    this.enforcing = (options.isolators ?? ['cgroups/cpu', 'cgroups/mem', 'cgroups/pids']).map((n) => byName[n]);
    for (const isolator of this.enforcing) {
      const missing = isolator.controllers.filter((c) => !this.fs.controllers.has(c));
      if (missing.length > 0) {
        throw new CoreError('UNAVAILABLE', `Failed to create isolator '${isolator.name}': the cgroup controller(s) ${missing.join(', ')} are not available (cgroup v${this.fs.version})`);
      }
    }
    this.controllers = ACCOUNTING_CONTROLLERS.filter((c) => this.fs.controllers.has(c));
    const lxcfsDir = options.lxcfsDir ?? DEFAULT_LXCFS_DIR;
    this.lxcfs = { dir: lxcfsDir, available: false, files: [], reason: lxcfsDir === '' ? 'disabled (--lxcfs_dir is empty)' : 'not probed yet' };
    this.posix = new PosixContainerizer({
      launcher,
      clock: options.clock,
      ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
      switchUser: this.switchUser,
      shell: this.shell,
      onWarning: this.warn,
      hooks: {
        prepare: (spec) => this.prepare(spec),
        ended: (id, end) => this.ended(id, end),
        recovered: (running) => this.recovered(running),
        signal: (id, signal) => this.signalContainer(id, signal),
      },
    });
  }

  /**
   * launch resolves once the container's wrapper is in its cgroups (so `usage` and signals reach it), which it does
   * before it forks the task; a container that ends even sooner resolves as well.
   */
  async launch(spec: LaunchSpec): Promise<ContainerStatus> {
    const status = await this.posix.launch(spec);
    this.ensureTimers();
    await this.joined(spec.containerId);
    return status;
  }

  wait(containerId: string): Promise<Termination> {
    return this.posix.wait(containerId);
  }

  kill(containerId: string, gracePeriodMs: number): Promise<void> {
    return this.posix.kill(containerId, gracePeriodMs);
  }

  async recover(checkpointed: RecoverableContainer[]): Promise<string[]> {
    await this.probeLxcfs();
    const running = await this.posix.recover(checkpointed);
    this.ensureTimers();
    return running;
  }

  /**
   * usage reads the container's `ResourceStatistics` from its cgroup (Mesos's cgroups isolators' fields):
   * CPU time and throttling from cpuacct/cpu, memory from the memory controller, and the processes and threads in it.
   */
  async usage(containerId: string): Promise<Record<string, number>> {
    if (!this.posix.containers().includes(containerId)) throw unknownContainer(containerId);
    const cgroup = this.cgroupOf(containerId);
    const listController = this.controllers[0] ?? 'cpu';
    const [cpu, memory, procs, threads] = await Promise.all([
      // Under v2 every cgroup has the core `cpu.stat` (CPU time), with or without the cpu controller.
      this.fs.controllers.has('cpu') || this.fs.version === 2 ? this.accounting.cpu.usage(cgroup) : {},
      this.fs.controllers.has('memory') ? this.accounting.memory.usage(cgroup) : {},
      this.fs.pids(cgroup),
      this.fs.read(cgroup, listController, this.fs.version === 1 ? 'tasks' : 'cgroup.threads'),
    ]);
    const stats: ResourceStatistics = { timestamp: this.clock.now() / 1000, processes: procs.length, threads: countLines(threads), ...cpu, ...memory };
    return statisticsRecord(stats);
  }

  /** view reads the container's counters now and returns what it sees of itself (see `containerView`). */
  async view(containerId: string): Promise<ContainerView> {
    if (!this.posix.containers().includes(containerId)) throw unknownContainer(containerId);
    const counters = await readContainerCounters(this.fs, this.readText, this.cgroupOf(containerId), this.root, this.clock.now());
    return containerView(this.lastCounters.get(containerId), counters, this.cpuViewOptions);
  }

  /** samples returns the container's sampled views, oldest first (also for a recently ended container). */
  samples(containerId: string, sinceMs?: number): Array<HistorySample<ContainerView>> {
    return this.history.samples(containerId, sinceMs);
  }

  containers(): string[] {
    return this.posix.containers();
  }

  /** status reports the isolation in force and whether lxcfs is used, for the agent's flags and state. */
  status(): MesosContainerizerStatus {
    return {
      isolation: this.enforcing.map((i) => i.name),
      cgroupsVersion: this.fs.version,
      cgroupsRoot: this.root,
      namespaces: ['pid', 'mount', 'uts', 'ipc'],
      lxcfs: { ...this.lxcfs, files: [...this.lxcfs.files] },
    };
  }

  /**
   * probeLxcfs checks whether lxcfs serves its `/proc` files under `lxcfsDir` (at most every ten seconds, unless
   * `force`), so a host that starts or stops lxcfs is noticed without restarting the agent.
   */
  async probeLxcfs(force = false): Promise<LxcfsStatus> {
    const dir = this.lxcfs.dir;
    if (dir === '' || (!force && this.clock.now() - this.lxcfsCheckedAt < LXCFS_RECHECK_MS)) return this.lxcfs;
    this.lxcfsCheckedAt = this.clock.now();
    const found: string[] = [];
    let failure: string | undefined;
    await Promise.all(
      LXCFS_PROC_FILES.map(async (file) => {
        try {
          if ((await this.readText(`${dir}/proc/${file}`)) !== undefined) found.push(file);
        } catch (err) {
          failure = (err as Error).message;
        }
      }),
    );
    const files = LXCFS_PROC_FILES.filter((f) => found.includes(f));
    const was = this.lxcfs.available;
    this.lxcfs = files.length > 0 ? { dir, available: true, files } : { dir, available: false, files: [], reason: failure ? `lxcfs at '${dir}' fails: ${failure}` : `no lxcfs mounted at '${dir}'` };
    if (was && !this.lxcfs.available) this.warn(`lxcfs is gone from '${dir}'; new containers will see the host's /proc`);
    return this.lxcfs;
  }

  async destroyAll(gracePeriodMs: number): Promise<void> {
    await this.posix.destroyAll(gracePeriodMs);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.watchTimer?.cancel();
    this.watchTimer = undefined;
    this.sampleTimer?.cancel();
    this.sampleTimer = undefined;
    await this.posix.dispose();
    this.lastCounters.clear();
  }

  // ---------------------------------------------------------------------------------------------
  // Hooks run by the posix containerizer

  private async prepare(spec: LaunchSpec): Promise<LaunchPlan> {
    const cgroup = this.cgroupOf(spec.containerId);
    const lxcfs = await this.probeLxcfs();
    const fstab = `${spec.sandboxDir}/${META_DIR}/lxcfs.fstab`;
    const image = await this.provision(spec);
    try {
      // Each isolator's files live in its own controllers, so every hierarchy is made and filled side by side.
      const limited = new Set(this.enforcing.flatMap((i) => i.controllers));
      await Promise.all([
        lxcfs.available ? this.launcher.writeText(fstab, lxcfsFstab(lxcfs.dir, lxcfs.files)) : undefined,
        this.fs.create(
          cgroup,
          this.controllers.filter((c) => !limited.has(c)),
        ),
        ...this.enforcing.map(async (isolator) => {
          await this.fs.create(cgroup, isolator.controllers);
          await isolator.prepare(cgroup, spec.resources ?? {});
        }),
      ]);
    } catch (err) {
      await this.release(spec.containerId);
      if (image) await this.provisioner?.destroy(spec.containerId);
      throw new CoreError('INTERNAL', `Failed to prepare the cgroups of container '${spec.containerId}': ${(err as Error).message}`, { cause: err });
    }
    const user = spec.command.user;
    const switchTo = this.switchUser && user !== undefined && user !== this.agentUser ? user : undefined;
    const plan: LaunchPlan = {
      prefix: namespacesPrefix(this.binaries),
      prelude: [
        ...joinCgroupLines(this.fs.procsFiles(cgroup, this.controllers)),
        ...(lxcfs.available ? lxcfsMountLines(this.binaries.mount, fstab) : []),
        ...hostnameLines(spec.container?.hostname),
        ...(image ? rootfsMountLines(this.binaries.mount, image.plan) : []),
      ],
      userHandled: true,
    };
    if (image) plan.commandPrefix = chrootPrefix(this.shell, this.binaries.unshare, image.plan.rootfs, envExports(image.config.Env ?? [], spec.env), switchTo);
    else if (switchTo !== undefined) plan.commandPrefix = switchUserPrefix(this.shell, this.binaries.setpriv, switchTo);
    return plan;
  }

  /**
   * provision resolves the image a task names and has the provisioner lay out its root filesystem (undefined for
   * tasks without one); a missing image or provisioner fails the launch with the reason.
   */
  private async provision(spec: LaunchSpec): Promise<{ plan: RootfsPlan; config: ImageConfig } | undefined> {
    let name: string | undefined;
    try {
      name = imageNameOf(spec.container);
    } catch (err) {
      throw new CoreError('INVALID', (err as Error).message);
    }
    if (name === undefined) return undefined;
    if (!this.provisioner) throw new CoreError('UNAVAILABLE', `cannot provision image '${name}': this containerizer has no image provisioner`);
    return this.provisioner.provision(spec.containerId, spec.sandboxDir, name);
  }

  private async ended(containerId: string, end: ContainerEnd): Promise<Termination | undefined> {
    const cgroup = this.cgroupOf(containerId);
    let limitation: Termination | undefined;
    if (end.launched) {
      const signal = end.outcome.kind === 'signaled' ? end.outcome.signal : undefined;
      for (const isolator of this.enforcing) {
        const hit = await isolator.limitation?.(cgroup, signal);
        if (hit) {
          limitation = { state: 'TASK_FAILED', reason: hit.reason, message: hit.message, ...(signal ? { signal } : {}) };
          break;
        }
      }
    }
    await this.release(containerId);
    await this.provisioner?.destroy(containerId);
    return limitation;
  }

  /**
   * recovered removes the cgroups under the root that belong to no running container — left by containers that
   * ended or were never checkpointed while the agent was down — killing anything still in them, as Mesos destroys
   * orphan containers. (Agents sharing a host therefore need distinct `--cgroups_root`s, as in Mesos.)
   */
  private async recovered(running: readonly string[]): Promise<void> {
    const keep = new Set([...running, ...this.posix.containers()]);
    try {
      await this.provisioner?.recover([...keep]);
    } catch (err) {
      this.warn('Failed to clean up the root filesystems of orphan containers', err);
    }
    for (const name of await this.fs.children(this.root)) {
      if (keep.has(name)) continue;
      this.warn(`Destroying orphan container cgroup '${this.root}/${name}'`);
      try {
        await this.release(name);
      } catch (err) {
        this.warn(`Failed to destroy orphan cgroup '${this.root}/${name}'`, err);
      }
    }
  }

  /**
   * signalContainer signals every process in the container's cgroup; a container without one (launched by the posix
   * containerizer before the agent restarted with cgroups isolation) is left to the session signal.
   */
  private async signalContainer(containerId: string, signal: NodeJS.Signals): Promise<boolean> {
    const cgroup = this.cgroupOf(containerId);
    if ((await this.fs.read(cgroup, this.controllers.at(-1) ?? 'cpu', 'cgroup.procs')) === undefined) return false;
    await this.fs.signal(cgroup, signal);
    return true;
  }

  /** release kills whatever is left in the container's cgroup and removes it, forgetting its sampling state. */
  private async release(containerId: string): Promise<void> {
    const cgroup = this.cgroupOf(containerId);
    this.lastCounters.delete(containerId);
    this.history.end(containerId);
    await this.fs.kill(cgroup);
    await this.fs.remove(cgroup);
  }

  private async joined(containerId: string): Promise<void> {
    const cgroup = this.cgroupOf(containerId);
    let ended = false;
    this.posix.wait(containerId).then(
      () => void (ended = true),
      () => void (ended = true),
    );
    const deadline = this.clock.now() + JOIN_TIMEOUT_MS;
    // The wrapper joins the hierarchies in `controllers` order, so the last one tells it has joined them all.
    const last = this.controllers.at(-1) ?? 'cpu';
    for (let n = 0; !ended && !this.disposed; n++) {
      if (((await this.fs.read(cgroup, last, 'cgroup.procs')) ?? '').trim() !== '') return;
      if (this.clock.now() > deadline) {
        this.warn(`Container '${containerId}' did not join its cgroups within ${JOIN_TIMEOUT_MS} ms`);
        return;
      }
      await new Promise<void>((resolve) => this.clock.setTimeout(resolve, n < 20 ? 0 : 5));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Timers: limitation watch and sampling, running only while there are containers

  private ensureTimers(): void {
    if (this.disposed || this.posix.containers().length === 0) return;
    if (!this.watchTimer && this.limitationPollMs > 0 && this.enforcing.some((i) => i.limitation)) {
      this.watchTimer = this.clock.setInterval(() => void this.watchLimits(), this.limitationPollMs);
    }
    if (!this.sampleTimer && this.sampleMs > 0) {
      this.sampleTimer = this.clock.setInterval(() => void this.sample(), this.sampleMs);
    }
  }

  private stopTimersIfIdle(): void {
    if (this.posix.containers().length > 0) return;
    this.watchTimer?.cancel();
    this.watchTimer = undefined;
    this.sampleTimer?.cancel();
    this.sampleTimer = undefined;
  }

  /**
   * watchLimits catches a limit hit by a container that keeps running — the OOM killer took a child, not the task
   * itself — and destroys it, as Mesos does when an isolator's `watch` reports a limitation.
   */
  private async watchLimits(): Promise<void> {
    if (this.watching || this.disposed) return;
    this.watching = true;
    try {
      for (const id of this.posix.containers()) {
        const cgroup = this.cgroupOf(id);
        for (const isolator of this.enforcing) {
          const hit = await isolator.limitation?.(cgroup);
          if (!hit) continue;
          this.warn(`Container '${id}' hit a limit (${hit.reason}); destroying it`);
          await this.posix.limit(id, { state: 'TASK_FAILED', reason: hit.reason, message: hit.message, signal: 'SIGKILL' });
          break;
        }
      }
    } catch (err) {
      if (!this.disposed) this.warn('Failed to check containers for limitations', err);
    } finally {
      this.watching = false;
    }
    this.stopTimersIfIdle();
  }

  private async sample(): Promise<void> {
    if (this.sampling || this.disposed) return;
    this.sampling = true;
    try {
      for (const id of this.posix.containers()) {
        try {
          const counters = await readContainerCounters(this.fs, this.readText, this.cgroupOf(id), this.root, this.clock.now());
          if (!this.posix.containers().includes(id)) continue;
          this.history.record(id, containerView(this.lastCounters.get(id), counters, this.cpuViewOptions));
          this.lastCounters.set(id, counters);
        } catch (err) {
          if (this.posix.containers().includes(id)) this.warn(`Failed to sample container '${id}'`, err);
        }
      }
    } finally {
      this.sampling = false;
    }
    this.stopTimersIfIdle();
  }

  private cgroupOf(containerId: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(containerId) || containerId === '.' || containerId === '..') throw invalid(`Invalid container id '${containerId}'`);
    return `${this.root}/${containerId}`;
  }
}

function normaliseRoot(root: string): string {
  const trimmed = root.replace(/^\/+|\/+$/g, '');
  if (trimmed === '' || trimmed.split('/').some((p) => p === '' || p === '.' || p === '..')) throw invalid(`Invalid --cgroups_root '${root}'`);
  return trimmed;
}

