/**
 * The "container view" (a Plateau extension, documented in core/containerizer/README.md): the memory and CPU a
 * container sees of itself when lxcfs is mounted over its `/proc`, computed from the same raw cgroup numbers lxcfs
 * uses (lxcfs 5.0, `src/proc_fuse.c` and `src/proc_cpuview.c`), so a console's charts agree with `free` and `top`
 * run inside the container. Pure: the caller reads the numbers; nothing here does I/O.
 */

/** MemoryCounters are the raw numbers behind lxcfs's `/proc/meminfo` for one cgroup. */
export interface MemoryCounters {
  /** limitBytes is the smallest memory limit of the cgroup and its ancestors; undefined when none is set. */
  limitBytes?: number;
  /** usageBytes is `memory.usage_in_bytes` (v2 `memory.current`): anonymous memory plus page cache. */
  usageBytes: number;
  /** cacheBytes is `total_cache` from `memory.stat` (v2 `file`). */
  cacheBytes: number;
  /** shmemBytes is `total_shmem` (v2 `shmem`). */
  shmemBytes?: number;
  /** hostTotalBytes is the host's `MemTotal`. */
  hostTotalBytes: number;
}

/**
 * MemoryView is what the container's `/proc/meminfo` says, in bytes, and what procps-ng 4's `free` shows from it:
 * `used` is total − available and `buffCache` is buffers + cached (lxcfs reports no buffers and no slab).
 */
export interface MemoryView {
  totalBytes: number;
  freeBytes: number;
  availableBytes: number;
  usedBytes: number;
  cacheBytes: number;
  buffersBytes: number;
  buffCacheBytes: number;
  sharedBytes: number;
}

/**
 * memoryView computes `/proc/meminfo` as lxcfs does, in whole KiB: MemTotal is the cgroup's limit capped at the
 * host's memory, MemFree is MemTotal − usage, MemAvailable adds the page cache back, Cached is the page cache and
 * Buffers is 0. (lxcfs's unsigned subtraction would wrap if usage ever exceeded the limit; here it stops at 0.)
 */
export function memoryView(c: MemoryCounters): MemoryView {
  const hostKiB = Math.floor(c.hostTotalBytes / 1024);
  let totalKiB = c.limitBytes === undefined ? 0 : Math.floor(c.limitBytes / 1024);
  if (totalKiB === 0 || hostKiB < totalKiB) totalKiB = hostKiB;
  const usageKiB = Math.floor(c.usageBytes / 1024);
  const cacheKiB = Math.floor(c.cacheBytes / 1024);
  const freeKiB = Math.max(0, totalKiB - usageKiB);
  const availableKiB = freeKiB + cacheKiB;
  return {
    totalBytes: totalKiB * 1024,
    freeBytes: freeKiB * 1024,
    availableBytes: availableKiB * 1024,
    usedBytes: Math.max(0, totalKiB - availableKiB) * 1024,
    cacheBytes: cacheKiB * 1024,
    buffersBytes: 0,
    buffCacheBytes: cacheKiB * 1024,
    sharedBytes: Math.floor((c.shmemBytes ?? 0) / 1024) * 1024,
  };
}

/** CpuCounters are the raw numbers behind lxcfs's `/proc/cpuinfo` and `/proc/stat` for one cgroup at one instant. */
export interface CpuCounters {
  /** quotaUs and periodUs are the CFS bandwidth limit; quotaUs is undefined when there is none. */
  quotaUs?: number;
  periodUs?: number;
  /** cpusetCpus is the number of CPUs in the container's cpuset (the host's online CPUs without one). */
  cpusetCpus: number;
  /** hostCpus is the host's processor count (`get_nprocs`). */
  hostCpus: number;
  /** userTicks and systemTicks are the cgroup's CPU time in USER_HZ ticks (cpuacct; v2 `cpu.stat`). */
  userTicks: number;
  systemTicks: number;
  /** hostTicks is the sum of every `/proc/stat` column (busy and idle) over the cpuset's CPUs, in USER_HZ ticks. */
  hostTicks: number;
}

/** CpuViewOptions picks between lxcfs's two CPU views. */
export interface CpuViewOptions {
  /**
   * cfs is lxcfs's `--enable-cfs` view (the default here): the container sees ceil(quota / period) CPUs and its
   * utilisation is measured against its quota. Without it, lxcfs shows every CPU of the cpuset and utilisation is
   * a share of the whole cpuset.
   */
  cfs?: boolean;
}

/** CpuView is the CPU count `nproc`/`/proc/cpuinfo` show inside the container and the utilisation `top` shows. */
export interface CpuView {
  /** count is the number of CPUs the container's `/proc/cpuinfo` lists. */
  count: number;
  /** limit is the exact CPUs available: quota / period (capped at the host's CPUs), else `count`. */
  limit: number;
  /** utilisation is `top`'s us + sy in [0, 1] over the interval since the previous counters (absent for the first). */
  utilisation?: number;
  userFraction?: number;
  systemFraction?: number;
}

/**
 * cpuCount is lxcfs's `max_cpu_count` with `--enable-cfs`: ceil(quota / period), capped at the host's CPUs and at the
 * cpuset; without a quota, the cpuset's CPUs. With `cfs: false` it is always the cpuset's CPUs.
 */
export function cpuCount(c: CpuCounters, options: CpuViewOptions = {}): number {
  const cpuset = c.cpusetCpus > 0 ? c.cpusetCpus : c.hostCpus;
  if (options.cfs === false || c.quotaUs === undefined || c.quotaUs <= 0 || !c.periodUs || c.periodUs <= 0) return cpuset;
  let n = Math.floor(c.quotaUs / c.periodUs);
  if (c.quotaUs % c.periodUs > 0) n += 1;
  n = Math.min(n, c.hostCpus);
  return Math.max(1, Math.min(n, cpuset));
}

/**
 * cpuView computes the CPU count and, given the previous counters, the utilisation over the interval the way
 * lxcfs renders `/proc/stat`: busy time is the cgroup's user + system time; the total is every cpuset CPU's time
 * (busy and idle) — with the CFS view, only the visible CPUs' share of it, trimmed to the exact quota as
 * `cpuview_proc_stat` trims idle time for a fractional quota.
 */
export function cpuView(previous: CpuCounters | undefined, current: CpuCounters, options: CpuViewOptions = {}): CpuView {
  const count = cpuCount(current, options);
  const exact =
    options.cfs !== false && current.quotaUs !== undefined && current.quotaUs > 0 && current.periodUs
      ? Math.min(current.quotaUs / current.periodUs, current.hostCpus, count)
      : count;
  const view: CpuView = { count, limit: exact };
  if (!previous) return view;
  const user = Math.max(0, current.userTicks - previous.userTicks);
  const system = Math.max(0, current.systemTicks - previous.systemTicks);
  const hostTicks = Math.max(0, current.hostTicks - previous.hostTicks);
  const cpusetCpus = current.cpusetCpus > 0 ? current.cpusetCpus : current.hostCpus;
  const visible = options.cfs === false ? hostTicks : (hostTicks / cpusetCpus) * exact;
  if (visible <= 0) return view;
  const clamp = (x: number): number => Math.min(1, Math.max(0, x));
  view.userFraction = clamp(user / visible);
  view.systemFraction = clamp(system / visible);
  view.utilisation = clamp((user + system) / visible);
  return view;
}

/** ContainerCounters are one reading of a container's memory and CPU numbers. */
export interface ContainerCounters {
  /** at is when they were read, in milliseconds since the epoch (from a Clock). */
  at: number;
  memory: MemoryCounters;
  cpu: CpuCounters;
}

/** ContainerView is one sample of what the container sees of itself. */
export interface ContainerView {
  /** timestamp is milliseconds since the epoch. */
  timestamp: number;
  memory: MemoryView;
  cpu: CpuView;
}

/** containerView combines `memoryView` and `cpuView` for one reading (and the one before it, for utilisation). */
export function containerView(previous: ContainerCounters | undefined, current: ContainerCounters, options: CpuViewOptions = {}): ContainerView {
  return { timestamp: current.at, memory: memoryView(current.memory), cpu: cpuView(previous?.cpu, current.cpu, options) };
}

/** parseMeminfo reads `/proc/meminfo` into bytes per field (`MemTotal` → bytes). */
export function parseMeminfo(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([^:]+):\s+(\d+)(\s+kB)?/.exec(line);
    if (m) out.set(m[1] as string, Number(m[2]) * (m[3] ? 1024 : 1));
  }
  return out;
}

/** parseProcStatCpus reads the per-CPU lines of `/proc/stat`: CPU number → the sum of all its columns, in ticks. */
export function parseProcStatCpus(text: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const line of text.split('\n')) {
    const m = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const total = (m[2] as string)
      .trim()
      .split(/\s+/)
      // All ten columns, guest time included (the kernel also counts it in user), as lxcfs adds them up.
      .slice(0, 10)
      .reduce((sum, v) => sum + Number(v), 0);
    out.set(Number(m[1]), total);
  }
  return out;
}
