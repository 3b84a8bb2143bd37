import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { containerStatisticsPath, monitorEntries, MONITOR_PATH, StatisticsSource, type WireContainerList, type WireMonitorEntry } from '../../../renderer/model/containerUsage.js';
import { ContainerTrack } from '../../../renderer/model/containerTrack.js';

const MiB = 1024 * 1024;
const statistics = (t: number) => ({ timestamp: t, cpus_limit: 0.5, cpus_user_time_secs: t / 4, cpus_system_time_secs: 0, mem_limit_bytes: 64 * MiB, mem_rss_bytes: 8 * MiB });
const view = { timestamp_ms: 0, memory: { total_bytes: 64 * MiB, used_bytes: 6 * MiB, available_bytes: 58 * MiB, cache_bytes: MiB, free_bytes: 58 * MiB }, cpu: { count: 1, limit: 0.5 } };
const filtered = (t: number): WireContainerList => ({ containers: [{ container_id: 'c-1', framework_id: 'F', executor_id: 'E', task_id: 'web.1', statistics: statistics(t), view }] });
const monitor = (t: number): WireMonitorEntry[] => [
  { framework_id: 'F', executor_id: 'OTHER', statistics: statistics(t) },
  { framework_id: 'F', executor_id: 'E', source: 'web.1', statistics: statistics(t) },
];

/** agentAnswering is a stand-in agent: `answer` maps a path to a body or an error, and every path asked is kept. */
function agentAnswering(answer: (path: string) => unknown) {
  const asked: string[] = [];
  const get = async (path: string) => {
    asked.push(path);
    const a = answer(path);
    if (a instanceof Error) throw a;
    return a;
  };
  return { asked, get };
}
const httpError = (status: number) => Object.assign(new Error(`HTTP ${status}`), { answer: { status, headers: {}, body: '' } });

describe('the per-container statistics query', () => {
  it('asks a Plateau agent for one container, with its statistics', () => {
    const url = new URL(containerStatisticsPath('F 1', 'web.1'), 'http://agent');
    assert.equal(url.pathname, '/plateau/v1/containers', 'the container view extension');
    assert.equal(url.searchParams.get('framework_id'), 'F 1', 'the framework, encoded');
    assert.equal(url.searchParams.get('executor_id'), 'web.1', 'the executor');
    assert.equal(url.searchParams.get('statistics'), 'true', 'with statistics');
  });

  it('reads the answer as /monitor/statistics entries, and says when the agent ignored the filter', () => {
    const entries = monitorEntries(filtered(100));
    assert.equal(entries?.length, 1, 'one entry');
    assert.equal(entries?.[0]?.source, 'web.1', 'the task id as source');
    assert.equal(entries?.[0]?.statistics.timestamp, 100, 'the statistics');
    assert.equal(entries?.[0]?.plateau_container_view?.memory.used_bytes, 6 * MiB, 'the view as plateau_container_view');
    assert.deepEqual(monitorEntries({ containers: [] }), [], 'no container: an empty poll (it ended), not a fallback');
    assert.deepEqual(monitorEntries(null), [], 'an empty body is an empty poll');
    assert.equal(monitorEntries({ containers: [{ container_id: 'c-1', framework_id: 'F', executor_id: 'E', view }] }), undefined, 'entries without statistics: the agent predates the filter');
  });

  it('feeds a ContainerTrack the same as /monitor/statistics does', () => {
    const a = new ContainerTrack('F', 'E');
    const b = new ContainerTrack('F', 'E');
    for (const t of [100, 102, 104]) {
      a.observe(monitorEntries(filtered(t)) ?? []);
      b.observe(monitor(t).map((e) => ({ ...e, plateau_container_view: view })));
    }
    assert.deepEqual(a.current, b.current, 'same current usage either way');
    assert.deepEqual(a.chartData(150), b.chartData(150), 'same chart points either way');
  });
});

describe('StatisticsSource', () => {
  it("polls only the container on a Plateau agent that filters", async () => {
    let t = 100;
    const agent = agentAnswering((path) => (path.startsWith('/plateau/') ? filtered((t += 2)) : monitor(t)));
    const source = new StatisticsSource(agent.get, 'F', 'E', true);
    assert.equal((await source.read()).length, 1, 'one entry');
    await source.read();
    assert.ok(
      agent.asked.every((p) => p === containerStatisticsPath('F', 'E')),
      `never the whole /monitor/statistics: ${agent.asked.join(', ')}`,
    );
    assert.equal(source.path, '/plateau/v1/containers', 'named in messages');
  });

  it('falls back to /monitor/statistics for good when the agent has no such route', async () => {
    const agent = agentAnswering((path) => (path.startsWith('/plateau/') ? httpError(404) : monitor(100)));
    const source = new StatisticsSource(agent.get, 'F', 'E', true);
    assert.equal((await source.read()).length, 2, 'the whole list, from the fallback');
    await source.read();
    assert.deepEqual(agent.asked, [containerStatisticsPath('F', 'E'), MONITOR_PATH, MONITOR_PATH], 'asked the extension once, then only the standard endpoint');
    assert.equal(source.path, MONITOR_PATH, 'messages name the endpoint in use');
  });

  it('falls back when the agent ignores the filter, and starts there for an Apache Mesos cluster', async () => {
    const old = agentAnswering((path) => (path.startsWith('/plateau/') ? { containers: [{ container_id: 'c', framework_id: 'F', executor_id: 'E', view }] } : monitor(100)));
    const fromOld = new StatisticsSource(old.get, 'F', 'E', true);
    assert.equal((await fromOld.read()).length, 2, 'entries from /monitor/statistics');
    assert.equal(fromOld.path, MONITOR_PATH, 'switched');
    const mesos = agentAnswering(() => monitor(100));
    await new StatisticsSource(mesos.get, 'F', 'E', false).read();
    assert.deepEqual(mesos.asked, [MONITOR_PATH], 'a Mesos agent is asked the standard endpoint only');
  });

  it('keeps the per-container query through network errors', async () => {
    let fail = true;
    const agent = agentAnswering((path) => (fail ? new Error('socket hang up') : path.startsWith('/plateau/') ? filtered(100) : monitor(100)));
    const source = new StatisticsSource(agent.get, 'F', 'E', true);
    await assert.rejects(source.read(), /socket hang up/, 'the error reaches the page');
    fail = false;
    await source.read();
    assert.deepEqual(agent.asked, [containerStatisticsPath('F', 'E'), containerStatisticsPath('F', 'E')], 'no fallback after a network error');
  });
});
