/**
 * An app's task statistics by version (`embed=apps.taskStats`), as Marathon's `TaskStatsByVersion`: counts and life
 * times of the tasks started since the last scaling, of those running the latest configuration, of those running an
 * outdated one, and of all. Dashboards (Marathon's UI, DC/OS's) show them to tell how far a rolling upgrade got.
 */
import type { VersionInfo } from '../protocol/marathon/appDefinition.js';
import type { HealthResult, TaskStats } from '../protocol/marathon/outputs.js';

/** StatsTask is what the statistics read of one launched task. */
export interface StatsTask {
  /** runSpecVersion is the app version the task was launched with (an ISO timestamp). */
  runSpecVersion: string;
  state: string;
  /** startedAtMs is when the task first ran (ms since the epoch), if it has. */
  startedAtMs?: number;
  health: readonly Pick<HealthResult, 'alive'>[];
}

/** TaskStatsByVersion is `taskStats`: an entry only for a category with tasks in it. */
export interface TaskStatsByVersion {
  startedAfterLastScaling?: TaskStats;
  withLatestConfig?: TaskStats;
  withOutdatedConfig?: TaskStats;
  totalSummary?: TaskStats;
}

/**
 * taskStatsByVersion computes `taskStats` at `now` (ms since the epoch). As in Marathon, a task counts as staged until
 * it has a state other than TASK_STAGING, healthy when it has health results and all are alive, unhealthy when any is
 * not, and its life time runs from its first TASK_RUNNING; the version categories need the app's `versionInfo`.
 */
export function taskStatsByVersion(tasks: readonly StatsTask[], versionInfo: VersionInfo | undefined, now: number): TaskStatsByVersion {
  const out: TaskStatsByVersion = {};
  const put = (key: keyof TaskStatsByVersion, some: readonly StatsTask[]) => {
    const stats = statsOf(some, now);
    if (stats) out[key] = stats;
  };
  if (versionInfo) {
    put('startedAfterLastScaling', tasks.filter((t) => t.runSpecVersion >= versionInfo.lastScalingAt));
    put('withLatestConfig', tasks.filter((t) => t.runSpecVersion >= versionInfo.lastConfigChangeAt));
    put('withOutdatedConfig', tasks.filter((t) => t.runSpecVersion < versionInfo.lastConfigChangeAt));
  }
  put('totalSummary', tasks);
  return out;
}

function statsOf(tasks: readonly StatsTask[], now: number): TaskStats | undefined {
  if (tasks.length === 0) return undefined;
  const counts = { staged: 0, running: 0, healthy: 0, unhealthy: 0 };
  const lifeTimes: number[] = [];
  for (const t of tasks) {
    if (t.state === 'TASK_STAGING' || t.state === '') counts.staged++;
    if (t.state === 'TASK_RUNNING') counts.running++;
    if (t.health.length > 0 && t.health.every((h) => h.alive)) counts.healthy++;
    if (t.health.some((h) => !h.alive)) counts.unhealthy++;
    if (t.startedAtMs !== undefined) lifeTimes.push((now - t.startedAtMs) / 1000);
  }
  if (lifeTimes.length === 0) return { stats: { counts } };
  lifeTimes.sort((a, b) => a - b);
  const sum = lifeTimes.reduce((a, b) => a + b, 0);
  return { stats: { counts, lifeTime: { averageSeconds: sum / lifeTimes.length, medianSeconds: lifeTimes[Math.floor(lifeTimes.length / 2)] as number } } };
}
