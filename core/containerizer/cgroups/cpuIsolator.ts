import type { ResourceStatistics } from '../resourceStatistics.js';
import type { CgroupController, CgroupFs } from './cgroupFs.js';
import type { CgroupIsolator, ContainerResources } from './cgroupIsolator.js';
import { parseCpuMax, parseKeyedFile, parseLimit, sharesToWeight, USER_HZ, weightToShares } from './cgroupFiles.js';

/** CPU_SHARES_PER_CPU is Mesos's `CPU_SHARES_PER_CPU`: one CPU of resources is 1024 `cpu.shares`. */
export const CPU_SHARES_PER_CPU = 1024;
/** MIN_CPU_SHARES is the kernel's (and Mesos's) smallest `cpu.shares`. */
export const MIN_CPU_SHARES = 2;
/** CPU_CFS_PERIOD_US is Mesos's CFS period, 100 ms. */
export const CPU_CFS_PERIOD_US = 100_000;
/** MIN_CPU_CFS_QUOTA_US is Mesos's smallest CFS quota, 1 ms per period. */
export const MIN_CPU_CFS_QUOTA_US = 1_000;

/** CpuIsolatorOptions tunes `cgroups/cpu`. */
export interface CpuIsolatorOptions {
  /** enableCfs caps the container at its `cpus` with a CFS quota (Mesos `--cgroups_enable_cfs`); default true. */
  enableCfs?: boolean;
}

/**
 * CpuIsolator is `cgroups/cpu`: CPU shares of 1024 per CPU and, with CFS enabled, a hard quota of `cpus` CPUs per
 * 100 ms period (v1 `cpu.shares`/`cpu.cfs_quota_us`, v2 `cpu.weight`/`cpu.max`); it reads CPU time from `cpuacct`
 * (v2: `cpu.stat`). Under v1 it also places the container in a `cpuset` cgroup of the same name, which limits
 * nothing (it inherits every CPU) but is where lxcfs looks for a container's CPUs and CPU time.
 */
export class CpuIsolator implements CgroupIsolator {
  readonly name = 'cgroups/cpu';
  readonly controllers: readonly CgroupController[];
  private readonly enableCfs: boolean;

  constructor(
    private readonly fs: CgroupFs,
    options: CpuIsolatorOptions = {},
  ) {
    this.enableCfs = options.enableCfs ?? true;
    const wanted: CgroupController[] = fs.version === 1 ? ['cpu', 'cpuacct', 'cpuset'] : ['cpu', 'cpuset'];
    this.controllers = wanted.filter((c) => c !== 'cpuset' || fs.controllers.has(c));
  }

  async prepare(cgroup: string, resources: ContainerResources): Promise<void> {
    const cpus = resources.cpus ?? 0;
    // A container without a `cpus` resource keeps the defaults (1024 shares, no quota) rather than starving.
    if (!(cpus > 0)) return;
    const shares = Math.max(MIN_CPU_SHARES, Math.floor(CPU_SHARES_PER_CPU * cpus));
    const quota = Math.max(MIN_CPU_CFS_QUOTA_US, Math.floor(CPU_CFS_PERIOD_US * cpus));
    // The files are independent (a new cgroup's period already is the 100 ms written here), so they go at once.
    if (this.fs.version === 1) {
      await Promise.all([
        this.fs.write(cgroup, 'cpu', 'cpu.shares', String(shares)),
        ...(this.enableCfs ? [this.fs.write(cgroup, 'cpu', 'cpu.cfs_period_us', String(CPU_CFS_PERIOD_US)), this.fs.write(cgroup, 'cpu', 'cpu.cfs_quota_us', String(quota))] : []),
      ]);
      return;
    }
    await Promise.all([
      this.fs.write(cgroup, 'cpu', 'cpu.weight', String(sharesToWeight(shares))),
      ...(this.enableCfs ? [this.fs.write(cgroup, 'cpu', 'cpu.max', `${quota} ${CPU_CFS_PERIOD_US}`)] : []),
    ]);
  }

  async usage(cgroup: string): Promise<Partial<ResourceStatistics>> {
    const out: Partial<ResourceStatistics> = {};
    if (this.fs.version === 1) {
      const [acct, stat, quota, period, shares] = await Promise.all([
        this.fs.read(cgroup, 'cpuacct', 'cpuacct.stat'),
        this.fs.read(cgroup, 'cpu', 'cpu.stat'),
        this.fs.read(cgroup, 'cpu', 'cpu.cfs_quota_us'),
        this.fs.read(cgroup, 'cpu', 'cpu.cfs_period_us'),
        this.fs.read(cgroup, 'cpu', 'cpu.shares'),
      ]);
      const a = parseKeyedFile(acct);
      const user = a.get('user');
      const system = a.get('system');
      if (user !== undefined) out.cpus_user_time_secs = user / USER_HZ;
      if (system !== undefined) out.cpus_system_time_secs = system / USER_HZ;
      throttling(out, parseKeyedFile(stat), 'throttled_time', 1e9);
      const q = parseLimit(quota);
      const p = Number(period);
      if (q !== undefined && p > 0) out.cpus_limit = q / p;
      else if (shares !== undefined && Number(shares) > 0) out.cpus_limit = Number(shares) / CPU_SHARES_PER_CPU;
      return out;
    }
    const [stat, max, weight] = await Promise.all([
      this.fs.read(cgroup, 'cpu', 'cpu.stat'),
      this.fs.read(cgroup, 'cpu', 'cpu.max'),
      this.fs.read(cgroup, 'cpu', 'cpu.weight'),
    ]);
    const s = parseKeyedFile(stat);
    const user = s.get('user_usec');
    const system = s.get('system_usec');
    if (user !== undefined) out.cpus_user_time_secs = user / 1e6;
    if (system !== undefined) out.cpus_system_time_secs = system / 1e6;
    throttling(out, s, 'throttled_usec', 1e6);
    const m = parseCpuMax(max);
    if (m?.quotaUs !== undefined) out.cpus_limit = m.quotaUs / m.periodUs;
    else if (weight !== undefined && Number(weight) > 0) out.cpus_limit = weightToShares(Number(weight)) / CPU_SHARES_PER_CPU;
    return out;
  }
}

function throttling(out: Partial<ResourceStatistics>, stat: Map<string, number>, timeKey: string, perSecond: number): void {
  const periods = stat.get('nr_periods');
  const throttled = stat.get('nr_throttled');
  const time = stat.get(timeKey);
  if (periods !== undefined) out.cpus_nr_periods = periods;
  if (throttled !== undefined) out.cpus_nr_throttled = throttled;
  if (time !== undefined) out.cpus_throttled_time_secs = time / perSecond;
}
