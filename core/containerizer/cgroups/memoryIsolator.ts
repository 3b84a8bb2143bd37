import type { ResourceStatistics } from '../resourceStatistics.js';
import type { CgroupController, CgroupFs } from './cgroupFs.js';
import type { CgroupIsolator, ContainerLimitation, ContainerResources } from './cgroupIsolator.js';
import { formatBytes, parseKeyedFile, parseLimit } from './cgroupFiles.js';

/** MIN_MEMORY_BYTES is Mesos's `MIN_MEMORY`: no container gets a hard limit below 32 MB. */
export const MIN_MEMORY_BYTES = 32 * 1024 * 1024;

/** MEMORY_LIMITATION_REASON is the `TaskStatus.Reason` of a container the OOM killer hit inside its limit. */
export const MEMORY_LIMITATION_REASON = 'REASON_CONTAINER_LIMITATION_MEMORY';

/**
 * MemoryIsolator is `cgroups/mem`: a hard (and soft) limit of `mem` MB, with swap included in the limit where the
 * kernel accounts it (v1 `memory.memsw.limit_in_bytes`, v2 `memory.swap.max` 0), so a task cannot dodge its limit by
 * swapping. It reports the memory statistics Mesos's memory subsystem reports, and the OOM killer running inside the
 * cgroup as a `REASON_CONTAINER_LIMITATION_MEMORY` limitation with Mesos's message.
 */
export class MemoryIsolator implements CgroupIsolator {
  readonly name = 'cgroups/mem';
  readonly controllers: readonly CgroupController[] = ['memory'];
  /** optional remembers which optional files the kernel has (memsw, swap.max, oom.group): it does not change at runtime. */
  private readonly optional = new Map<string, boolean>();

  constructor(private readonly fs: CgroupFs) {}

  async prepare(cgroup: string, resources: ContainerResources): Promise<void> {
    const mem = resources.mem ?? 0;
    // A container without a `mem` resource is not limited (Mesos would give it its executor's 32 MB).
    if (!(mem > 0)) return;
    const bytes = String(Math.max(MIN_MEMORY_BYTES, Math.floor(mem * 1024 * 1024)));
    if (this.fs.version === 1) {
      // The hard limit must be set before memsw: the kernel requires limit <= memsw.limit (MESOS-7237).
      await Promise.all([
        this.fs.write(cgroup, 'memory', 'memory.soft_limit_in_bytes', bytes),
        (async () => {
          await this.fs.write(cgroup, 'memory', 'memory.limit_in_bytes', bytes);
          if (await this.has(cgroup, 'memory.memsw.limit_in_bytes')) await this.fs.write(cgroup, 'memory', 'memory.memsw.limit_in_bytes', bytes);
        })(),
      ]);
      return;
    }
    await Promise.all([
      this.fs.write(cgroup, 'memory', 'memory.max', bytes),
      (async () => {
        if (await this.has(cgroup, 'memory.swap.max')) await this.fs.write(cgroup, 'memory', 'memory.swap.max', '0');
      })(),
      (async () => {
        // Mesos destroys the whole container on OOM; `memory.oom.group` makes the kernel do the same at once.
        if (await this.has(cgroup, 'memory.oom.group')) await this.fs.write(cgroup, 'memory', 'memory.oom.group', '1');
      })(),
    ]);
  }

  private async has(cgroup: string, file: string): Promise<boolean> {
    let known = this.optional.get(file);
    if (known === undefined) {
      known = (await this.fs.read(cgroup, 'memory', file)) !== undefined;
      this.optional.set(file, known);
    }
    return known;
  }

  async usage(cgroup: string): Promise<Partial<ResourceStatistics>> {
    const out: Partial<ResourceStatistics> = {};
    if (this.fs.version === 1) {
      const [usage, memsw, limit, soft, stat] = await Promise.all([
        this.fs.read(cgroup, 'memory', 'memory.usage_in_bytes'),
        this.fs.read(cgroup, 'memory', 'memory.memsw.usage_in_bytes'),
        this.fs.read(cgroup, 'memory', 'memory.limit_in_bytes'),
        this.fs.read(cgroup, 'memory', 'memory.soft_limit_in_bytes'),
        this.fs.read(cgroup, 'memory', 'memory.stat'),
      ]);
      if (usage !== undefined) out.mem_total_bytes = Number(usage);
      if (memsw !== undefined) out.mem_total_memsw_bytes = Number(memsw);
      setIf(out, 'mem_limit_bytes', parseLimit(limit));
      setIf(out, 'mem_soft_limit_bytes', parseLimit(soft));
      const s = parseKeyedFile(stat);
      // As Mesos: rss and anon are `total_rss`, cache and file are `total_cache` (the totals include child cgroups).
      setIf(out, 'mem_rss_bytes', s.get('total_rss'));
      setIf(out, 'mem_anon_bytes', s.get('total_rss'));
      setIf(out, 'mem_cache_bytes', s.get('total_cache'));
      setIf(out, 'mem_file_bytes', s.get('total_cache'));
      setIf(out, 'mem_mapped_file_bytes', s.get('total_mapped_file'));
      setIf(out, 'mem_swap_bytes', s.get('total_swap'));
      setIf(out, 'mem_unevictable_bytes', s.get('total_unevictable'));
      return out;
    }
    const [current, swap, max, low, stat] = await Promise.all([
      this.fs.read(cgroup, 'memory', 'memory.current'),
      this.fs.read(cgroup, 'memory', 'memory.swap.current'),
      this.fs.read(cgroup, 'memory', 'memory.max'),
      this.fs.read(cgroup, 'memory', 'memory.low'),
      this.fs.read(cgroup, 'memory', 'memory.stat'),
    ]);
    if (current !== undefined) out.mem_total_bytes = Number(current);
    setIf(out, 'mem_limit_bytes', parseLimit(max));
    const lowBytes = parseLimit(low);
    if (lowBytes) out.mem_soft_limit_bytes = lowBytes;
    const s = parseKeyedFile(stat);
    setIf(out, 'mem_rss_bytes', s.get('anon'));
    setIf(out, 'mem_anon_bytes', s.get('anon'));
    setIf(out, 'mem_cache_bytes', s.get('file'));
    setIf(out, 'mem_file_bytes', s.get('file'));
    setIf(out, 'mem_mapped_file_bytes', s.get('file_mapped'));
    setIf(out, 'mem_unevictable_bytes', s.get('unevictable'));
    if (swap !== undefined) out.mem_swap_bytes = Number(swap);
    return out;
  }

  async limitation(cgroup: string, killedBySignal?: string): Promise<ContainerLimitation | undefined> {
    if (!(await this.oomKilled(cgroup, killedBySignal))) return undefined;
    const v1 = this.fs.version === 1;
    const [limit, peak, current, stat] = await Promise.all([
      this.fs.read(cgroup, 'memory', v1 ? 'memory.limit_in_bytes' : 'memory.max'),
      this.fs.read(cgroup, 'memory', v1 ? 'memory.max_usage_in_bytes' : 'memory.peak'),
      this.fs.read(cgroup, 'memory', v1 ? 'memory.usage_in_bytes' : 'memory.current'),
      this.fs.read(cgroup, 'memory', 'memory.stat'),
    ]);
    // Mesos's wording (MemorySubsystemProcess::oomWaited), so tools that grep for it keep working.
    let message = 'Memory limit exceeded: ';
    const limitBytes = parseLimit(limit);
    if (limitBytes !== undefined) message += `Requested: ${formatBytes(limitBytes)} `;
    const used = peak ?? current;
    if (used !== undefined) message += `Maximum Used: ${formatBytes(Number(used))}\n`;
    if (stat !== undefined) message += `\nMEMORY STATISTICS: \n${stat}`;
    return { reason: MEMORY_LIMITATION_REASON, message: message.trim() };
  }

  /**
   * oomKilled reads the cgroup's OOM-kill counter (v1 `memory.oom_control` `oom_kill`, kernel 4.13+; v2
   * `memory.events`). Older v1 kernels have no counter: there a container killed by SIGKILL after hitting its limit
   * (`memory.failcnt` > 0) counts as OOM-killed.
   */
  private async oomKilled(cgroup: string, killedBySignal?: string): Promise<boolean> {
    if (this.fs.version === 2) {
      const events = parseKeyedFile(await this.fs.read(cgroup, 'memory', 'memory.events'));
      return (events.get('oom_kill') ?? 0) > 0;
    }
    const control = parseKeyedFile(await this.fs.read(cgroup, 'memory', 'memory.oom_control'));
    const kills = control.get('oom_kill');
    if (kills !== undefined) return kills > 0;
    if (killedBySignal !== 'SIGKILL') return false;
    return Number((await this.fs.read(cgroup, 'memory', 'memory.failcnt')) ?? 0) > 0;
  }
}

function setIf<K extends keyof ResourceStatistics>(out: Partial<ResourceStatistics>, key: K, value: number | undefined): void {
  if (value !== undefined) out[key] = value;
}
