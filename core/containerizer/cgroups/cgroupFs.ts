/**
 * The cgroup operations the Mesos containerizer's isolators need, behind one small interface so that the isolators
 * (what to write) stay apart from the file-system layout of cgroup v1 or v2 (where to write it). The real
 * implementations are `CgroupV1Fs` and `CgroupV2Fs` in `core/node/`; `detectCgroupFs` picks one for the host.
 *
 * Cgroups are named by a path relative to the hierarchy root, e.g. `plateau/<containerId>`; under cgroup v1 the same
 * path exists once per mounted controller hierarchy, under v2 once in the unified hierarchy.
 */

/**
 * CgroupController names a controller in its cgroup v1 spelling. Under v2, `cpuacct` is served by `cpu` (`cpu.stat`)
 * and `freezer` by the core `cgroup.freeze`/`cgroup.kill` files.
 */
export type CgroupController = 'cpu' | 'cpuacct' | 'cpuset' | 'memory' | 'pids' | 'freezer';

/** CgroupVersion is 1 for per-controller hierarchies (`/sys/fs/cgroup/<controller>`) and 2 for the unified hierarchy. */
export type CgroupVersion = 1 | 2;

/** CgroupFs reads and writes cgroups of one host; every method takes a cgroup path relative to the hierarchy root. */
export interface CgroupFs {
  readonly version: CgroupVersion;
  /** controllers are the controllers new cgroups can use on this host. */
  readonly controllers: ReadonlySet<CgroupController>;
  /**
   * create makes `cgroup` (and missing ancestors) for `controllers`: one directory per v1 hierarchy, or one v2
   * directory with the controllers enabled in every ancestor's `cgroup.subtree_control`. Creating an existing
   * cgroup is not an error.
   */
  create(cgroup: string, controllers: readonly CgroupController[]): Promise<void>;
  /** write writes `value` to a control file, e.g. `write(cg, 'memory', 'memory.limit_in_bytes', '67108864')`. */
  write(cgroup: string, controller: CgroupController, file: string, value: string): Promise<void>;
  /** read reads a control file, or resolves undefined when the file (or the cgroup) does not exist. */
  read(cgroup: string, controller: CgroupController, file: string): Promise<string | undefined>;
  /** pids lists the processes in `cgroup` (the union over all hierarchies it exists in); empty when it does not exist. */
  pids(cgroup: string): Promise<number[]>;
  /** signal sends `signal` once to every process in `cgroup` (processes forked meanwhile may be missed; see `kill`). */
  signal(cgroup: string, signal: NodeJS.Signals): Promise<void>;
  /**
   * kill SIGKILLs every process in `cgroup` until none is left (freezing it first where the freezer is available,
   * so nothing forks past the kill) and resolves when it is empty; rejects if processes survive `timeoutMs`.
   */
  kill(cgroup: string, timeoutMs?: number): Promise<void>;
  /** remove deletes `cgroup` from every hierarchy; it must be empty (see `kill`). Removing a missing cgroup is not an error. */
  remove(cgroup: string): Promise<void>;
  /** children lists the names of the direct child cgroups of `parent` (union over hierarchies), for recovery. */
  children(parent: string): Promise<string[]>;
  /**
   * procsFiles are the absolute paths of the `cgroup.procs` files a process writes `0` into to join `cgroup` in the
   * hierarchies of `controllers` (one file under v2); the container's wrapper does that itself, before it execs the task.
   */
  procsFiles(cgroup: string, controllers: readonly CgroupController[]): string[];
}
