// The container view extension's list route, `GET /plateau/v1/containers`, on a stand-in agent: its filters
// (framework_id, executor_id, container_id) and `statistics=true`, which let a console poll one container's numbers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Agent } from '../../../core/agent/agent.js';
import { registerAgentRoutes } from '../../../core/api/agentRoutes.js';
import type { ContainerView } from '../../../core/containerizer/containerView.js';

const MiB = 1024 * 1024;

function view(usedBytes: number): ContainerView {
  return {
    timestamp: 1_700_000_000_000,
    memory: { totalBytes: 64 * MiB, freeBytes: 64 * MiB - usedBytes, availableBytes: 64 * MiB - usedBytes, usedBytes, cacheBytes: 0, buffersBytes: 0, buffCacheBytes: 0, sharedBytes: 0 },
    cpu: { count: 1, limit: 0.5, utilisation: 0.25 },
  } as ContainerView;
}

/** fakeAgent has three live containers (two frameworks), one task without a container yet and one finished task. */
function fakeAgent(): { agent: Agent; usageReads: string[] } {
  const usageReads: string[] = [];
  const run = (frameworkId: string, taskId: string, containerId: string | undefined, state = 'TASK_RUNNING') => ({
    frameworkId,
    executorId: taskId,
    state,
    task: { task_id: { value: taskId } },
    ...(containerId ? { container: { containerId, pid: 100 } } : {}),
  });
  const runs = new Map(
    [run('fw-1', 'a', 'c-a'), run('fw-1', 'b', 'c-b'), run('fw-2', 'a', 'c-2a'), run('fw-1', 'staging', undefined, 'TASK_STAGING'), run('fw-1', 'done', 'c-done', 'TASK_FINISHED')].map((r) => [`${r.frameworkId}/${r.executorId}`, r]),
  );
  const agent = {
    runs,
    completed: [],
    frameworks: new Map(),
    containerUsage: async (id: string) => {
      usageReads.push(id);
      return { timestamp: 1_700_000_000, cpus_limit: 0.5, cpus_user_time_secs: 1, cpus_system_time_secs: 0.5, mem_limit_bytes: 64 * MiB, mem_rss_bytes: MiB };
    },
    containerView: async (id: string) => view(id === 'c-a' ? 2 * MiB : MiB),
    containerSamples: () => [],
  } as unknown as Agent;
  return { agent, usageReads };
}

describe('GET /plateau/v1/containers', () => {
  let app: FastifyInstance;
  const stand = fakeAgent();
  const get = async (query: string) => app.inject({ method: 'GET', url: `/plateau/v1/containers${query}` });

  before(async () => {
    app = Fastify();
    registerAgentRoutes(app, stand.agent, () => ({}));
    await app.ready();
  });
  after(async () => {
    await app.close();
  });

  it('lists every live container with its view, and no statistics unless asked', async () => {
    stand.usageReads.length = 0;
    const res = await get('');
    assert.equal(res.statusCode, 200, `status: ${res.body}`);
    const { containers } = res.json() as { containers: Array<Record<string, unknown>> };
    assert.deepEqual(
      containers.map((c) => c.container_id),
      ['c-a', 'c-b', 'c-2a'],
      'live containers only: not the task without a container, not the finished one',
    );
    assert.ok(
      containers.every((c) => c.statistics === undefined),
      'no statistics without statistics=true',
    );
    assert.deepEqual(stand.usageReads, [], 'no container usage is read without statistics=true');
    assert.equal((containers[0]?.view as { memory: { used_bytes: number } }).memory.used_bytes, 2 * MiB, 'the view is rendered');
  });

  it('narrows to one container by framework and executor, reading only its statistics', async () => {
    stand.usageReads.length = 0;
    const res = await get('?framework_id=fw-1&executor_id=a&statistics=true');
    assert.equal(res.statusCode, 200, `status: ${res.body}`);
    const { containers } = res.json() as { containers: Array<Record<string, any>> };
    assert.equal(containers.length, 1, `one container: ${res.body}`);
    const [c] = containers;
    assert.equal(c?.container_id, 'c-a', 'the container of fw-1/a, not fw-2/a');
    assert.equal(c?.task_id, 'a', 'with its task id');
    assert.equal(c?.statistics.cpus_user_time_secs, 1, 'with the statistics /monitor/statistics would carry');
    assert.equal(c?.view.memory.total_bytes, 64 * MiB, 'and its view');
    assert.deepEqual(stand.usageReads, ['c-a'], "only that container's usage is read");
  });

  it('filters by framework alone and by container id', async () => {
    const byFramework = (await get('?framework_id=fw-1')).json() as { containers: Array<{ container_id: string }> };
    assert.deepEqual(
      byFramework.containers.map((c) => c.container_id),
      ['c-a', 'c-b'],
      "fw-1's live containers",
    );
    const byId = (await get('?container_id=c-2a&statistics=1')).json() as { containers: Array<{ container_id: string; statistics?: unknown }> };
    assert.deepEqual(
      byId.containers.map((c) => c.container_id),
      ['c-2a'],
      'the container named',
    );
    assert.ok(byId.containers[0]?.statistics, 'statistics=1 is accepted');
    const none = (await get('?executor_id=nope')).json() as { containers: unknown[] };
    assert.deepEqual(none.containers, [], 'an unknown executor lists nothing (not an error: the container may have ended)');
  });

  it('refuses malformed parameters', async () => {
    assert.equal((await get('?statistics=yes')).statusCode, 400, 'statistics must be true or false');
    assert.equal((await get('?framework_id=')).statusCode, 400, 'an empty id is refused');
    assert.equal((await get('?executor_id=a&executor_id=b')).statusCode, 400, 'a repeated id is refused');
  });
});
