/**
 * Per-container usage from the agent's `/monitor/statistics`, shown the way the container itself sees it: against
 * its own limits (what lxcfs presents in its `/proc`), not the host's. Plateau agents add `plateau_container_view`,
 * computed from the same cgroup numbers lxcfs reads; for Apache Mesos agents the same formulas are applied to the
 * standard fields. Pure.
 */

/** WireStatistics is the subset of Mesos's ResourceStatistics the console charts. */
export interface WireStatistics {
  timestamp: number;
  cpus_limit?: number;
  cpus_user_time_secs?: number;
  cpus_system_time_secs?: number;
  cpus_nr_periods?: number;
  cpus_nr_throttled?: number;
  cpus_throttled_time_secs?: number;
  mem_limit_bytes?: number;
  mem_total_bytes?: number;
  mem_rss_bytes?: number;
  mem_cache_bytes?: number;
}

/** WireContainerView is Plateau's `plateau_container_view`. */
export interface WireContainerView {
  timestamp_ms: number;
  memory: { total_bytes: number; used_bytes: number; available_bytes: number; cache_bytes: number; free_bytes: number };
  cpu: { count: number; limit: number; utilisation?: number };
}

/** WireMonitorEntry is one element of `/monitor/statistics`. */
export interface WireMonitorEntry {
  framework_id: string;
  executor_id: string;
  executor_name?: string;
  source?: string;
  statistics: WireStatistics;
  plateau_container_view?: WireContainerView;
}

/** UsageSample is one chart point for a container. */
export interface UsageSample {
  at: number;
  /** cpuPercent is CPU time used over the interval as a percentage of the container's CPU limit. */
  cpuPercent?: number;
  /** cpusUsed is the same in CPUs. */
  cpusUsed?: number;
  cpusLimit?: number;
  /** throttledPercent is the share of CFS periods in which the container was throttled. */
  throttledPercent?: number;
  /** memUsedBytes is what `free` inside the container calls used (total − available). */
  memUsedBytes?: number;
  /** memLimitBytes is what the container sees as MemTotal: its limit. */
  memLimitBytes?: number;
  memCacheBytes?: number;
}

/** usageSample turns a statistics entry (and the previous one, for rates) into a chart point. */
export function usageSample(entry: WireMonitorEntry, previous?: WireMonitorEntry): UsageSample {
  const s = entry.statistics;
  const at = Math.round(s.timestamp * 1000);
  const out: UsageSample = { at };
  const view = entry.plateau_container_view;
  if (view) {
    out.memUsedBytes = view.memory.used_bytes;
    out.memLimitBytes = view.memory.total_bytes;
    out.memCacheBytes = view.memory.cache_bytes;
  } else if (s.mem_limit_bytes !== undefined) {
    const usage = s.mem_total_bytes ?? s.mem_rss_bytes ?? 0;
    const cache = s.mem_cache_bytes ?? 0;
    out.memLimitBytes = s.mem_limit_bytes;
    out.memUsedBytes = Math.max(0, Math.min(s.mem_limit_bytes, usage) - cache);
    out.memCacheBytes = cache;
  }
  out.cpusLimit = s.cpus_limit ?? view?.cpu.limit;
  const p = previous?.statistics;
  if (p && s.timestamp > p.timestamp) {
    const dt = s.timestamp - p.timestamp;
    const cpu = (s.cpus_user_time_secs ?? 0) + (s.cpus_system_time_secs ?? 0) - ((p.cpus_user_time_secs ?? 0) + (p.cpus_system_time_secs ?? 0));
    out.cpusUsed = Math.max(0, cpu / dt);
    if (out.cpusLimit) out.cpuPercent = (out.cpusUsed / out.cpusLimit) * 100;
    const periods = (s.cpus_nr_periods ?? 0) - (p.cpus_nr_periods ?? 0);
    if (periods > 0) out.throttledPercent = (((s.cpus_nr_throttled ?? 0) - (p.cpus_nr_throttled ?? 0)) / periods) * 100;
  }
  return out;
}

/** containerKey identifies a container's statistics across polls. */
export function containerKey(e: { framework_id: string; executor_id: string }): string {
  return `${e.framework_id}/${e.executor_id}`;
}
