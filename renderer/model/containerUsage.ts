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

/** WireContainerEntry is one element of a Plateau agent's `GET /plateau/v1/containers` answer. */
export interface WireContainerEntry {
  container_id: string;
  framework_id: string;
  executor_id: string;
  task_id?: string;
  /** statistics is there when asked for with `statistics=true`: the entry `/monitor/statistics` would carry. */
  statistics?: WireStatistics;
  view?: WireContainerView;
}

/** WireContainerList is a Plateau agent's `GET /plateau/v1/containers` answer. */
export interface WireContainerList {
  containers?: WireContainerEntry[];
}

/**
 * containerStatisticsPath asks a Plateau agent for one container's statistics and view: what the container page
 * polls instead of `/monitor/statistics`, whose answer (and the page's cost to carry and parse it) grows with every
 * container on the agent, 65 to 70 of them with 200 tasks on three agents.
 */
export function containerStatisticsPath(frameworkId: string, executorId: string): string {
  return `/plateau/v1/containers?${new URLSearchParams({ framework_id: frameworkId, executor_id: executorId, statistics: 'true' }).toString()}`;
}

/**
 * monitorEntries turns a `/plateau/v1/containers?statistics=true` answer into `/monitor/statistics` entries, so one
 * ContainerTrack reads either. It gives undefined when an entry has no statistics: an agent that predates the filter
 * ignores it and lists every container without them, and the page must fall back to `/monitor/statistics`.
 */
export function monitorEntries(answer: WireContainerList | null | undefined): WireMonitorEntry[] | undefined {
  const out: WireMonitorEntry[] = [];
  for (const c of answer?.containers ?? []) {
    if (!c.statistics) return undefined;
    out.push({ framework_id: c.framework_id, executor_id: c.executor_id, ...(c.task_id !== undefined ? { source: c.task_id } : {}), statistics: c.statistics, ...(c.view ? { plateau_container_view: c.view } : {}) });
  }
  return out;
}

/** MONITOR_PATH is the standard endpoint every Mesos agent serves: all its containers' statistics. */
export const MONITOR_PATH = '/monitor/statistics';

/**
 * StatisticsSource reads one container's statistics for the container page, as cheaply as the agent allows: from a
 * Plateau agent, that container alone (`containerStatisticsPath`); from an Apache Mesos agent, or a Plateau agent
 * without the filter (it answers 404 or 400, or ignores the filter), the whole `/monitor/statistics`. The switch is
 * made once and kept; network errors do not cause it. `get` fetches JSON from the agent.
 */
export class StatisticsSource {
  private perContainer: boolean;

  constructor(
    private readonly get: (path: string) => Promise<unknown>,
    readonly frameworkId: string,
    readonly executorId: string,
    plateauAgent: boolean,
  ) {
    this.perContainer = plateauAgent;
  }

  /** path is the endpoint the next read uses, for messages. */
  get path(): string {
    return this.perContainer ? '/plateau/v1/containers' : MONITOR_PATH;
  }

  /** read fetches the newest entries (only this container's, where the agent can filter). */
  async read(): Promise<WireMonitorEntry[]> {
    if (this.perContainer) {
      try {
        const entries = monitorEntries((await this.get(containerStatisticsPath(this.frameworkId, this.executorId))) as WireContainerList | null);
        if (entries) return entries;
      } catch (err) {
        if (!isUnsupported(err)) throw err;
      }
      this.perContainer = false;
    }
    return ((await this.get(MONITOR_PATH)) as WireMonitorEntry[] | null) ?? [];
  }
}

/** isUnsupported says whether an error is the agent answering that it has no such route or parameter. */
function isUnsupported(err: unknown): boolean {
  const status = (err as { answer?: { status?: unknown } } | null)?.answer?.status;
  return status === 400 || status === 404 || status === 405;
}
