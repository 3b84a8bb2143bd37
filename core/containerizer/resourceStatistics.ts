/**
 * ResourceStatistics is Mesos's `ResourceStatistics` message (mesos.proto) with the fields Plateau fills, under their
 * wire names, so `/monitor/statistics` and `GET_CONTAINERS` read like a real Mesos agent's. Every field but
 * `timestamp` is optional: a containerizer reports what its isolators can measure.
 */
export interface ResourceStatistics {
  /** timestamp is seconds since the epoch when the sample was taken. */
  timestamp: number;
  processes?: number;
  threads?: number;
  cpus_user_time_secs?: number;
  cpus_system_time_secs?: number;
  /** cpus_limit is the CPU share the container may use (the CFS quota in CPUs, else its shares / 1024). */
  cpus_limit?: number;
  cpus_nr_periods?: number;
  cpus_nr_throttled?: number;
  cpus_throttled_time_secs?: number;
  mem_total_bytes?: number;
  mem_total_memsw_bytes?: number;
  mem_limit_bytes?: number;
  mem_soft_limit_bytes?: number;
  mem_file_bytes?: number;
  mem_anon_bytes?: number;
  mem_cache_bytes?: number;
  mem_rss_bytes?: number;
  mem_mapped_file_bytes?: number;
  mem_swap_bytes?: number;
  mem_unevictable_bytes?: number;
}

/** statisticsRecord turns statistics into the plain record `Containerizer.usage` returns, dropping absent fields. */
export function statisticsRecord(stats: ResourceStatistics): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(stats)) {
    if (typeof value === 'number' && Number.isFinite(value)) out[key] = value;
  }
  return out;
}
