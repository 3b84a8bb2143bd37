// Marathon's /v2/groups on a real cluster: a master and two agents in this process, Marathon over HTTP. A group
// whose web app depends on its db app deploys db first (web waits for db's health), scales with scaleBy, rolls
// back to a version, answers dry runs with the plan, and DELETE stops both.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Resources } from '../../core/common/resources.js';
import { createAgent, type RunningAgent } from '../../core/runtime/createAgent.js';
import type { RunningMarathon } from '../../core/runtime/createMarathon.js';
import { startMarathon, stopCluster } from '../harness/marathonCluster.js';
import { createMaster, type RunningMaster } from '../../core/runtime/createMaster.js';
import { tempDir } from '../harness/plateauProcess.js';
import { waitFor } from '../harness/schedulerClient.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const dir = tempDir('marathon-groups');
let master: RunningMaster;
const agents: RunningAgent[] = [];
let marathon: RunningMarathon;

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(`${marathon.url}${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const tasksOf = async (id: string): Promise<any[]> => (await api('GET', `/v2/apps${id}/tasks`)).json.tasks;
const runningTasks = (id: string, n: number) =>
  waitFor(async () => {
    const tasks = await tasksOf(id);
    return tasks.length === n && tasks.every((t) => t.state === 'TASK_RUNNING') ? tasks : undefined;
  }, 30_000, `${n} running task(s) of ${id}`);
const noDeployments = () => waitFor(async () => (await api('GET', '/v2/deployments')).json.length === 0, 40_000, 'deployments finished');

// db becomes healthy only after a few seconds, so web visibly waits for it.
const dbCmd = 'sleep 3 && touch healthy && exec python3 -m http.server $PORT0';
const webCmd = 'exec python3 -m http.server $PORT0';
const group = {
  id: '/g',
  apps: [
    { id: 'web', cmd: webCmd, cpus: 0.1, mem: 32, instances: 1, dependencies: ['/g/db'] },
    { id: 'db', cmd: dbCmd, cpus: 0.1, mem: 32, instances: 1, healthChecks: [{ protocol: 'HTTP', path: '/healthy', portIndex: 0, gracePeriodSeconds: 30, intervalSeconds: 1, timeoutSeconds: 1, maxConsecutiveFailures: 30 }] },
  ],
};

describe('Marathon /v2/groups on a real cluster', { timeout: 180_000 }, () => {
  before(async () => {
    master = await createMaster({ ip: '127.0.0.1', port: 0, hostname: '127.0.0.1', registry: 'in_memory', work_dir: '', allocation_interval: 100 }, { log: quiet });
    for (const [i, ip] of ['127.0.0.2', '127.0.0.3'].entries()) {
      agents.push(
        await createAgent(
          { master: master.url, ip, port: 0, hostname: ip, work_dir: join(dir.path, `agent-${i}`), resources: Resources.parse(`cpus:4;mem:2048;disk:1024;ports:[${36000 + i * 100}-${36099 + i * 100}]`), attributes: [], gc_delay: 3_600_000, registration_backoff_factor: 100, containerizers: 'mesos', flags: {} },
          { log: quiet },
        ),
      );
    }
    marathon = await startMarathon(master.url, dir.path);
  });

  after(async () => {
    await stopCluster({ marathon, agents, master, workDir: dir.path });
  });

  it('creates a group whose apps start in dependency order (db healthy before web starts)', async () => {
    const res = await api('POST', '/v2/groups', group);
    assert.equal(res.status, 201, JSON.stringify(res.json));
    assert.ok(res.json.deploymentId && res.json.version, 'deployment result');
    assert.equal(res.headers.get('marathon-deployment-id'), res.json.deploymentId, 'deployment id header');
    const deployments = (await api('GET', '/v2/deployments')).json;
    const d = deployments.find((x: any) => x.id === res.json.deploymentId);
    assert.ok(d, 'the deployment is listed');
    assert.deepEqual(
      d.steps.map((s: any) => s.actions.map((a: any) => `${a.action} ${a.app}`)),
      [['StartApplication /g/db', 'StartApplication /g/web'], ['ScaleApplication /g/db'], ['ScaleApplication /g/web']],
      'db is scaled before web',
    );
    const again = await api('POST', '/v2/groups', group);
    assert.equal(again.status, 409, 'an existing group conflicts');
    const [db] = await runningTasks('/g/db', 1);
    const [web] = await runningTasks('/g/web', 1);
    await noDeployments();
    const dbHealthyAt = Date.parse(db.startedAt) + 3000;
    assert.ok(Date.parse(web.stagedAt) >= dbHealthyAt, `web staged (${web.stagedAt}) after db got healthy (db started ${db.startedAt} + 3 s)`);
    const got = (await api('GET', '/v2/groups/g')).json;
    assert.deepEqual(got.apps.map((a: any) => a.id), ['/g/db', '/g/web'], 'GET /v2/groups/g lists both apps');
  });

  it('answers 422 for invalid bodies and cycles, and 409 while locked', async () => {
    const bad = await api('PUT', '/v2/groups/g', { scaleBy: 2, apps: [] });
    assert.equal(bad.status, 422, JSON.stringify(bad.json));
    assert.ok(bad.json.details.some((x: any) => x.path === '/scaleBy'), JSON.stringify(bad.json));
    const cyc = await api('PUT', '/v2/groups/g', { apps: [{ id: 'a', cmd: 'sleep 1', dependencies: ['/g/b'] }, { id: 'b', cmd: 'sleep 1', dependencies: ['/g/a'] }] });
    assert.equal(cyc.status, 422, JSON.stringify(cyc.json));
    assert.equal(cyc.json.message, 'Dependency graph has cyclic dependencies.');
    const big = await api('PUT', '/v2/groups/g', { scaleBy: 1000 });
    assert.equal(big.status, 200, JSON.stringify(big.json));
    const locked = await api('PUT', '/v2/groups/g', { scaleBy: 0.5 });
    assert.equal(locked.status, 409, JSON.stringify(locked.json));
    const forced = await api('PUT', '/v2/groups/g?force=true', { version: (await api('GET', '/v2/groups/g/versions')).json.at(-1) });
    assert.equal(forced.status, 200, `force rolls back to the first version: ${JSON.stringify(forced.json)}`);
    await waitFor(async () => (await api('GET', '/v2/apps/g/db')).json.app.instances === 1, 10_000, 'rolled back to one db');
    await noDeployments();
  });

  it('answers a dry run with the steps only, then scales with scaleBy', async () => {
    const dry = await api('PUT', '/v2/groups/g?dryRun=true', { scaleBy: 2 });
    assert.equal(dry.status, 200, JSON.stringify(dry.json));
    assert.deepEqual(dry.json.steps.map((s: any) => s.actions.map((a: any) => `${a.action} ${a.app}`)), [['ScaleApplication /g/db'], ['ScaleApplication /g/web']], 'dry-run steps');
    assert.equal((await api('GET', '/v2/apps/g/db')).json.app.instances, 1, 'a dry run changes nothing');
    const res = await api('PUT', '/v2/groups/g', { scaleBy: 2 });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.headers.get('marathon-deployment-id'), res.json.deploymentId, 'deployment id header');
    await runningTasks('/g/db', 2);
    await runningTasks('/g/web', 2);
    await noDeployments();
    const versions = (await api('GET', '/v2/groups/g/versions')).json;
    assert.ok(Array.isArray(versions) && versions.length >= 3, `versions listed: ${JSON.stringify(versions)}`);
    assert.ok(versions[0] > versions[versions.length - 1], 'newest first');
  });

  it('DELETE /v2/groups/{id} stops both apps', async () => {
    const res = await api('DELETE', '/v2/groups/g');
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.ok(res.json.deploymentId, 'deployment result');
    await noDeployments();
    assert.equal((await api('GET', '/v2/groups/g')).status, 404, 'group gone');
    assert.equal((await api('GET', '/v2/apps')).json.apps.length, 0, 'no apps left');
    await waitFor(() => [...marathon.service.scheduler.instances.values()].length === 0, 20_000, 'no instances left');
    assert.equal((await api('DELETE', '/v2/groups/g')).status, 404, 'unknown group');
  });
});
