import type { DockerStats } from './dockerClient.js';

/**
 * dockerStatistics maps one Engine API stats sample (cgroup v1 or v2 shape) to Mesos `ResourceStatistics` field
 * names, with the same sources Mesos's cgroups isolators read: `cpuacct` user/system time, CFS throttling, memory
 * usage/limit and the memory.stat breakdown (`total_rss`/`total_cache` on v1, `anon`/`file` on v2), the pids
 * controller's count (which, like `pids.current`, counts every task, threads included) and the network counters
 * summed over the container's interfaces. `cpusLimit` is the task's `cpus`, as Mesos reports it.
 */
export function dockerStatistics(stats: DockerStats, nowMs: number, cpusLimit?: number): Record<string, number> {
  const out: Record<string, number> = { timestamp: nowMs / 1000 };
  const set = (key: string, value: unknown, scale = 1): void => {
    if (typeof value === 'number' && Number.isFinite(value)) out[key] = value / scale;
  };
  const cpu = obj(stats.cpu_stats);
  const usage = obj(cpu.cpu_usage);
  set('cpus_user_time_secs', usage.usage_in_usermode, 1e9);
  set('cpus_system_time_secs', usage.usage_in_kernelmode, 1e9);
  if (cpusLimit !== undefined && cpusLimit > 0) out.cpus_limit = cpusLimit;
  const throttling = obj(cpu.throttling_data);
  set('cpus_nr_periods', throttling.periods);
  set('cpus_nr_throttled', throttling.throttled_periods);
  set('cpus_throttled_time_secs', throttling.throttled_time, 1e9);

  const memory = obj(stats.memory_stats);
  set('mem_total_bytes', memory.usage);
  // Docker reports the host's memory as the "limit" of an unlimited container; Mesos reports no limit then.
  if (typeof memory.limit === 'number' && memory.limit > 0) out.mem_limit_bytes = memory.limit;
  const m = obj(memory.stats);
  if ('total_rss' in m || 'total_cache' in m) {
    set('mem_rss_bytes', m.total_rss);
    set('mem_anon_bytes', m.total_rss);
    set('mem_cache_bytes', m.total_cache);
    set('mem_file_bytes', m.total_cache);
    set('mem_mapped_file_bytes', m.total_mapped_file);
    set('mem_swap_bytes', m.total_swap);
    set('mem_unevictable_bytes', m.total_unevictable);
  } else {
    set('mem_rss_bytes', m.anon);
    set('mem_anon_bytes', m.anon);
    set('mem_cache_bytes', m.file);
    set('mem_file_bytes', m.file);
    set('mem_mapped_file_bytes', m.file_mapped);
    set('mem_unevictable_bytes', m.unevictable);
  }

  set('processes', obj(stats.pids_stats).current);

  const networks = Object.values(obj(stats.networks)).map(obj);
  if (networks.length > 0) {
    for (const [dockerKey, mesosKey] of [
      ['rx_packets', 'net_rx_packets'],
      ['rx_bytes', 'net_rx_bytes'],
      ['rx_errors', 'net_rx_errors'],
      ['rx_dropped', 'net_rx_dropped'],
      ['tx_packets', 'net_tx_packets'],
      ['tx_bytes', 'net_tx_bytes'],
      ['tx_errors', 'net_tx_errors'],
      ['tx_dropped', 'net_tx_dropped'],
    ] as const) {
      out[mesosKey] = networks.reduce((sum, n) => sum + (typeof n[dockerKey] === 'number' ? n[dockerKey] : 0), 0);
    }
  }
  return out;
}

function obj(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
