/**
 * One container's usage over time, for the container page: `/monitor/statistics` polls (and, on Plateau agents, the
 * agent's recorded history) folded into bounded series of memory used, CPU % of the limit and throttling, plus
 * whether the container is running, ended, or was never seen. Pure: the page owns the polling.
 */
import { Series, type Point } from './downsample.js';
import { containerKey, usageSample, type UsageSample, type WireContainerView, type WireMonitorEntry } from './containerUsage.js';

/** WireHistorySample is one element of `GET /plateau/v1/containers/<id>/samples`'s `samples`. */
export interface WireHistorySample {
  at_ms: number;
  view: WireContainerView;
}

/** historySample turns a recorded container view into a chart point (CPU % is its utilisation of the limit). */
export function historySample(s: WireHistorySample): UsageSample {
  const v = s.view;
  const out: UsageSample = { at: s.at_ms, memUsedBytes: v.memory.used_bytes, memLimitBytes: v.memory.total_bytes, memCacheBytes: v.memory.cache_bytes, cpusLimit: v.cpu.limit };
  if (v.cpu.utilisation !== undefined) {
    out.cpuPercent = v.cpu.utilisation * 100;
    out.cpusUsed = v.cpu.utilisation * v.cpu.limit;
  }
  return out;
}

/** TrackState: `loading` before the first poll, `live` while the agent reports it, `ended` once it stopped, `absent` if never seen. */
export type TrackState = 'loading' | 'live' | 'ended' | 'absent';

/** CurrentUsage is the newest known value of each number the page prints above its charts. */
export interface CurrentUsage {
  at?: number;
  memUsedBytes?: number;
  memLimitBytes?: number;
  memCacheBytes?: number;
  cpuPercent?: number;
  cpusUsed?: number;
  cpusLimit?: number;
  throttledPercent?: number;
}

/** ChartData is what the page draws: at most `maxPoints` points per series. */
export interface ChartData {
  memory: Point[];
  cpu: Point[];
  throttled: Point[];
}

/**
 * ContainerTrack follows the container `frameworkId`/`executorId` through successive `/monitor/statistics` answers.
 * `version` grows only when something the page shows changed, so the page re-renders (and re-downsamples) only then.
 */
export class ContainerTrack {
  private memory: Series;
  private cpu: Series;
  private throttled: Series;
  private previous?: WireMonitorEntry;
  state: TrackState = 'loading';
  current: CurrentUsage = {};
  /** entry is the newest statistics entry seen (executor name, source). */
  entry?: WireMonitorEntry;
  version = 0;

  constructor(
    readonly frameworkId: string,
    readonly executorId: string,
    private readonly capacity = 1800,
  ) {
    this.memory = new Series(capacity);
    this.cpu = new Series(capacity);
    this.throttled = new Series(capacity);
  }

  /** observe folds one poll's entries in and says whether anything the page shows changed. */
  observe(entries: readonly WireMonitorEntry[]): boolean {
    const entry = entries.find((e) => e.framework_id === this.frameworkId && e.executor_id === this.executorId);
    if (!entry) {
      const next: TrackState = this.state === 'live' || this.state === 'ended' ? 'ended' : 'absent';
      if (next === this.state) return false;
      this.state = next;
      this.previous = undefined;
      this.version++;
      return true;
    }
    const wasLive = this.state === 'live';
    this.state = 'live';
    this.entry = entry;
    const prev = this.previous;
    if (prev && entry.statistics.timestamp <= prev.statistics.timestamp) {
      if (wasLive) return false;
      this.version++;
      return true;
    }
    this.previous = entry;
    this.add(usageSample(entry, prev));
    this.version++;
    return true;
  }

  /** addHistory merges recorded samples (e.g. from before the page opened) under the live ones. */
  addHistory(samples: readonly UsageSample[]): boolean {
    if (samples.length === 0) return false;
    const merge = (series: Series, pick: (s: UsageSample) => number | undefined): Series => {
      const points = new Map<number, number>();
      for (const s of samples) {
        const v = pick(s);
        if (v !== undefined && Number.isFinite(v)) points.set(s.at, v);
      }
      for (const p of series.view(Number.POSITIVE_INFINITY)) points.set(p.t, p.v);
      const out = new Series(this.capacity);
      for (const t of [...points.keys()].sort((a, b) => a - b)) out.push({ t, v: points.get(t) as number });
      return out;
    };
    this.memory = merge(this.memory, (s) => s.memUsedBytes);
    this.cpu = merge(this.cpu, (s) => s.cpuPercent);
    this.throttled = merge(this.throttled, (s) => s.throttledPercent);
    if (this.current.at === undefined) {
      const last = samples[samples.length - 1] as UsageSample;
      this.current = { ...last };
    } else {
      // Limits from history fill in what the live samples lack (e.g. the first poll has no CPU rate yet).
      const last = samples[samples.length - 1] as UsageSample;
      for (const k of ['memLimitBytes', 'cpusLimit', 'cpuPercent', 'cpusUsed'] as const) if (this.current[k] === undefined && last[k] !== undefined) this.current[k] = last[k];
    }
    this.version++;
    return true;
  }

  private add(s: UsageSample): void {
    if (s.memUsedBytes !== undefined) this.memory.push({ t: s.at, v: s.memUsedBytes });
    if (s.cpuPercent !== undefined) this.cpu.push({ t: s.at, v: s.cpuPercent });
    if (s.throttledPercent !== undefined) this.throttled.push({ t: s.at, v: s.throttledPercent });
    const c: CurrentUsage = { ...this.current, at: s.at };
    for (const k of ['memUsedBytes', 'memLimitBytes', 'memCacheBytes', 'cpuPercent', 'cpusUsed', 'cpusLimit', 'throttledPercent'] as const) if (s[k] !== undefined) c[k] = s[k];
    this.current = c;
  }

  /** samples says how many raw points each series holds. */
  get samples(): { memory: number; cpu: number; throttled: number } {
    return { memory: this.memory.length, cpu: this.cpu.length, throttled: this.throttled.length };
  }

  /** chartData downsamples each series to at most `maxPoints` points. */
  chartData(maxPoints: number): ChartData {
    return { memory: this.memory.view(maxPoints), cpu: this.cpu.view(maxPoints), throttled: this.throttled.view(maxPoints) };
  }
}

/** WireAgentState is the part of an agent's `/state` the container page reads. */
export interface WireAgentState {
  frameworks?: WireAgentFramework[];
  completed_frameworks?: WireAgentFramework[];
}

interface WireAgentExecutor {
  id: string;
  directory?: string;
  tasks?: Array<{ id: string; statuses?: Array<{ container_status?: { container_id?: { value: string } } }> }>;
  completed_tasks?: Array<{ id: string; statuses?: Array<{ container_status?: { container_id?: { value: string } } }> }>;
}

interface WireAgentFramework {
  id: string;
  executors?: WireAgentExecutor[];
  completed_executors?: WireAgentExecutor[];
}

/** SandboxInfo is where an executor's sandbox is on its agent, and the container id its tasks reported. */
export interface SandboxInfo {
  directory?: string;
  containerId?: string;
}

/** findSandbox looks an executor up in an agent's `/state`: live and completed frameworks and executors. */
export function findSandbox(state: WireAgentState, frameworkId: string, executorId: string): SandboxInfo | undefined {
  for (const f of [...(state.frameworks ?? []), ...(state.completed_frameworks ?? [])]) {
    if (f.id !== frameworkId) continue;
    for (const e of [...(f.executors ?? []), ...(f.completed_executors ?? [])]) {
      if (e.id !== executorId) continue;
      let containerId: string | undefined;
      for (const t of [...(e.tasks ?? []), ...(e.completed_tasks ?? [])]) {
        for (const s of t.statuses ?? []) containerId = s.container_status?.container_id?.value ?? containerId;
      }
      return { directory: e.directory || undefined, containerId };
    }
  }
  return undefined;
}

/** ContainerRow is one container of an agent's `/monitor/statistics`, with its usage sample. */
export interface ContainerRow {
  key: string;
  entry: WireMonitorEntry;
  sample: UsageSample;
}

/**
 * ContainerTable follows every container of one agent across `/monitor/statistics` polls: CPU % is a rate, so each
 * entry is paired with the previous reading of the same container; a reading that did not advance keeps the last
 * sample. Containers that disappear are forgotten. Rows are listed by framework, then executor id.
 */
export class ContainerTable {
  private last = new Map<string, ContainerRow>();

  /** update folds one poll in and returns the rows to show. */
  update(entries: readonly WireMonitorEntry[]): ContainerRow[] {
    const next = new Map<string, ContainerRow>();
    for (const entry of entries) {
      const key = containerKey(entry);
      const old = this.last.get(key);
      const row = old && entry.statistics.timestamp <= old.entry.statistics.timestamp ? old : { key, entry, sample: usageSample(entry, old?.entry) };
      next.set(key, row);
    }
    this.last = next;
    return [...next.values()].sort((a, b) => a.key.localeCompare(b.key));
  }
}
