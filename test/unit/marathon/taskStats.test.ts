import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { taskStatsByVersion, type StatsTask } from '../../../core/marathon/taskStats.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const ms = (s: number) => Date.UTC(2026, 0, 1, 0, 0, s);
const versionInfo = { lastScalingAt: at(20), lastConfigChangeAt: at(10) };

function task(version: number, state: string, startedAt?: number, health: boolean[] = []): StatsTask {
  return { runSpecVersion: at(version), state, health: health.map((alive) => ({ alive })), ...(startedAt !== undefined ? { startedAtMs: ms(startedAt) } : {}) };
}

describe('taskStatsByVersion', () => {
  it('has no entry for a category without tasks', () => {
    assert.deepEqual(taskStatsByVersion([], versionInfo, ms(100)), {});
  });

  it('sorts tasks by the version they run against the last scaling and the last configuration change', () => {
    const tasks = [
      task(5, 'TASK_RUNNING', 30, [true]), // outdated configuration
      task(10, 'TASK_RUNNING', 40, [false, true]), // latest configuration, before the last scaling
      task(20, 'TASK_STAGING'), // started after the last scaling
      task(20, 'TASK_RUNNING', 60, [true, true]),
    ];
    const stats = taskStatsByVersion(tasks, versionInfo, ms(100));
    assert.deepEqual(stats.totalSummary, { stats: { counts: { staged: 1, running: 3, healthy: 2, unhealthy: 1 }, lifeTime: { averageSeconds: 170 / 3, medianSeconds: 60 } } });
    assert.deepEqual(stats.withOutdatedConfig, { stats: { counts: { staged: 0, running: 1, healthy: 1, unhealthy: 0 }, lifeTime: { averageSeconds: 70, medianSeconds: 70 } } });
    assert.deepEqual(stats.withLatestConfig?.stats.counts, { staged: 1, running: 2, healthy: 1, unhealthy: 1 });
    assert.deepEqual(stats.startedAfterLastScaling, { stats: { counts: { staged: 1, running: 1, healthy: 1, unhealthy: 0 }, lifeTime: { averageSeconds: 40, medianSeconds: 40 } } }, 'a task that never ran has no life time');
  });

  it('gives only the total without version info, and no life time when nothing has run', () => {
    assert.deepEqual(taskStatsByVersion([task(5, 'TASK_STAGING')], undefined, ms(100)), { totalSummary: { stats: { counts: { staged: 1, running: 0, healthy: 0, unhealthy: 0 } } } });
  });
});
