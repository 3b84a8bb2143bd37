import type { ContainerCounters } from '../containerView.js';
import { parseMeminfo, parseProcStatCpus } from '../containerView.js';
import type { CgroupFs } from './cgroupFs.js';
import { parseCpuList, parseCpuMax, parseKeyedFile, parseLimit, USER_HZ } from './cgroupFiles.js';

/** TextReader reads a small file (e.g. `/proc/meminfo`), resolving undefined when it does not exist. */
export type TextReader = (path: string) => Promise<string | undefined>;

/**
 * readContainerCounters reads, for one container cgroup, the raw numbers lxcfs turns into the container's
 * `/proc/meminfo`, `/proc/cpuinfo` and `/proc/stat`: the cgroup's memory usage, page cache and the smallest limit up
 * its hierarchy; its CFS quota, cpuset and CPU time; and the host's total memory and per-CPU time.
 * `parent` is the cgroup above the container's (e.g. `plateau`), whose limit also applies.
 */
export async function readContainerCounters(fs: CgroupFs, readText: TextReader, cgroup: string, parent: string, at: number): Promise<ContainerCounters> {
  const v1 = fs.version === 1;
  const [meminfo, procStat, usage, stat, limit, parentLimit, cpuMax, quota, period, cpuset, acct] = await Promise.all([
    readText('/proc/meminfo'),
    readText('/proc/stat'),
    fs.read(cgroup, 'memory', v1 ? 'memory.usage_in_bytes' : 'memory.current'),
    fs.read(cgroup, 'memory', 'memory.stat'),
    fs.read(cgroup, 'memory', v1 ? 'memory.limit_in_bytes' : 'memory.max'),
    v1 ? Promise.resolve(undefined) : fs.read(parent, 'memory', 'memory.max'),
    v1 ? Promise.resolve(undefined) : fs.read(cgroup, 'cpu', 'cpu.max'),
    v1 ? fs.read(cgroup, 'cpu', 'cpu.cfs_quota_us') : Promise.resolve(undefined),
    v1 ? fs.read(cgroup, 'cpu', 'cpu.cfs_period_us') : Promise.resolve(undefined),
    fs.controllers.has('cpuset') ? fs.read(cgroup, 'cpuset', v1 ? 'cpuset.cpus' : 'cpuset.cpus.effective') : Promise.resolve(undefined),
    fs.read(cgroup, v1 ? 'cpuacct' : 'cpu', v1 ? 'cpuacct.stat' : 'cpu.stat'),
  ]);
  const mem = parseKeyedFile(stat);
  // v1's `hierarchical_memory_limit` is already the smallest limit up the hierarchy, as lxcfs's get_min_memlimit walks it.
  const limits = [parseLimit(limit), v1 ? parseLimit(String(mem.get('hierarchical_memory_limit') ?? '')) : parseLimit(parentLimit)].filter((n): n is number => n !== undefined && n > 0);
  const hostCpuTicks = parseProcStatCpus(procStat ?? '');
  const cpusetList = parseCpuList(cpuset);
  const cpus = cpusetList.length > 0 ? cpusetList.filter((c) => hostCpuTicks.has(c)) : [...hostCpuTicks.keys()];
  const acctStat = parseKeyedFile(acct);
  const userTicks = v1 ? (acctStat.get('user') ?? 0) : ((acctStat.get('user_usec') ?? 0) * USER_HZ) / 1e6;
  const systemTicks = v1 ? (acctStat.get('system') ?? 0) : ((acctStat.get('system_usec') ?? 0) * USER_HZ) / 1e6;
  let quotaUs: number | undefined;
  let periodUs: number | undefined;
  if (v1) {
    quotaUs = parseLimit(quota);
    periodUs = Number(period) > 0 ? Number(period) : undefined;
  } else {
    const m = parseCpuMax(cpuMax);
    quotaUs = m?.quotaUs;
    periodUs = m?.periodUs;
  }
  const counters: ContainerCounters = {
    at,
    memory: {
      usageBytes: Number(usage ?? 0),
      cacheBytes: mem.get(v1 ? 'total_cache' : 'file') ?? 0,
      shmemBytes: mem.get(v1 ? 'total_shmem' : 'shmem') ?? 0,
      hostTotalBytes: parseMeminfo(meminfo ?? '').get('MemTotal') ?? 0,
    },
    cpu: {
      cpusetCpus: cpus.length,
      hostCpus: hostCpuTicks.size,
      userTicks,
      systemTicks,
      hostTicks: cpus.reduce((sum, c) => sum + (hostCpuTicks.get(c) ?? 0), 0),
    },
  };
  if (limits.length > 0) counters.memory.limitBytes = Math.min(...limits);
  if (quotaUs !== undefined) counters.cpu.quotaUs = quotaUs;
  if (periodUs !== undefined) counters.cpu.periodUs = periodUs;
  return counters;
}
