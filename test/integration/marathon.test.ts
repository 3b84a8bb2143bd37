// Marathon on a real cluster: a master and two agents in this process (real task processes), and
// Marathon reaching the master over HTTP as `plateau marathon` does, driven through its /v2 API.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Resources } from '../../core/common/resources.js';
import { createAgent, type RunningAgent } from '../../core/runtime/createAgent.js';
import { createMarathon, type RunningMarathon } from '../../core/runtime/createMarathon.js';
import { createMaster, type RunningMaster } from '../../core/runtime/createMaster.js';
import { assertNothingRunning, processesMatching, tempDir } from '../harness/plateauProcess.js';
import { waitFor } from '../harness/schedulerClient.js';

const run = promisify(execFile);
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const dir = tempDir('marathon');
let master: RunningMaster;
const agents: RunningAgent[] = [];
let marathon: RunningMarathon;

const marathonConfig = () => ({ master: master.url, ip: '127.0.0.1', hostname: '127.0.0.1', http_port: 0, work_dir: join(dir.path, 'marathon'), framework_name: 'marathon', mesos_role: '*', mesos_user: 'root', failover_timeout: 3600 });

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(`${marathon.url}${path}`, { method, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

async function tasksOf(id: string): Promise<any[]> {
  return (await api('GET', `/v2/apps${id}/tasks`)).json.tasks;
}

async function runningTasks(id: string, n: number, timeoutMs = 20_000): Promise<any[]> {
  return waitFor(async () => {
    const tasks = await tasksOf(id);
    return tasks.length === n && tasks.every((t) => t.state === 'TASK_RUNNING') ? tasks : undefined;
  }, timeoutMs, `${n} running task(s) of ${id}`);
}

async function noDeploymentsNow(): Promise<boolean> {
  return (await api('GET', '/v2/deployments')).json.length === 0;
}

async function noDeployments(): Promise<void> {
  await waitFor(async () => (await api('GET', '/v2/deployments')).json.length === 0, 30_000, 'deployments finished');
}

// A small web server task: serves its sandbox, where it wrote its HOST and PORT0.
const webCmd = 'echo "$HOST $PORT0 $MARATHON_APP_ID" > env.txt && touch healthy && exec python3 -m http.server $PORT0';

describe('Marathon /v2 on a real cluster', { timeout: 240_000 }, () => {
  before(async () => {
    master = await createMaster({ ip: '127.0.0.1', port: 0, hostname: '127.0.0.1', registry: 'in_memory', work_dir: '', allocation_interval: 100 }, { log: quiet });
    for (const [i, ip] of ['127.0.0.2', '127.0.0.3'].entries()) {
      agents.push(
        await createAgent(
          { master: master.url, ip, port: 0, hostname: ip, work_dir: join(dir.path, `agent-${i}`), resources: Resources.parse(`cpus:4;mem:2048;disk:1024;ports:[${35000 + i * 100}-${35099 + i * 100}]`), attributes: [{ name: 'rack', type: 'TEXT', text: { value: `r${i}` } }], gc_delay: 3_600_000, registration_backoff_factor: 100, containerizers: 'mesos', flags: {} },
          { log: quiet },
        ),
      );
    }
    marathon = await createMarathon(marathonConfig(), { log: quiet });
    await waitFor(() => marathon.service.scheduler.frameworkId, 10_000, 'Marathon registered');
  });

  after(async () => {
    await marathon?.dispose();
    for (const a of agents) await a.destroy();
    await master?.dispose();
    rmSync(dir.path, { recursive: true, force: true });
    await assertNothingRunning();
  });

  it('creates an app (201), runs its tasks with HOST and PORT0, and reports them', async () => {
    const res = await api('POST', '/v2/apps', { id: 'web', cmd: webCmd, cpus: 0.1, mem: 64, instances: 2, constraints: [['hostname', 'UNIQUE']] });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    assert.equal(res.headers.get('location'), '/v2/apps/web');
    assert.ok(res.headers.get('marathon-deployment-id'), 'deployment id header');
    assert.equal(res.json.id, '/web');
    assert.equal(res.json.deployments.length, 1);
    const tasks = await runningTasks('/web', 2);
    assert.notEqual(tasks[0].host, tasks[1].host, 'UNIQUE hostname spreads the instances');
    assert.match(tasks[0].id, /^web\.instance-[0-9a-f-]{36}\._app\.1$/);
    for (const t of tasks) {
      const env = await waitFor(async () => (await fetch(`http://${t.host}:${t.ports[0]}/env.txt`)).text(), 10_000, 'the task serves HTTP');
      assert.equal(env.trim(), `${t.host} ${t.ports[0]} /web`);
    }
    await noDeployments();
    const info = (await api('GET', '/v2/apps/web')).json.app;
    assert.equal(info.tasksRunning, 2);
    assert.equal(info.tasks.length, 2);
  });

  it('scales down and up without restarting the tasks it keeps', async () => {
    const before = (await tasksOf('/web')).map((t) => t.id).sort();
    const down = await api('PUT', '/v2/apps/web', { instances: 1 });
    assert.equal(down.status, 200, JSON.stringify(down.json));
    assert.ok(down.json.deploymentId && down.json.version, 'deployment result');
    const one = await runningTasks('/web', 1);
    assert.ok(before.includes(one[0].id), 'scaling down kept an existing task');
    await noDeployments();
    const up = await api('PUT', '/v2/apps/web', { instances: 2 });
    assert.equal(up.status, 200);
    const two = await runningTasks('/web', 2);
    assert.ok(two.some((t) => t.id === one[0].id), 'scaling up kept the running task');
    await noDeployments();
    // Both run the latest configuration; only the one launched by the scale-up started after the last scaling.
    const stats = (await api('GET', '/v2/apps/web?embed=app.taskStats')).json.app.taskStats;
    assert.equal(stats.totalSummary.stats.counts.running, 2, JSON.stringify(stats));
    assert.equal(stats.withLatestConfig.stats.counts.running, 2);
    assert.equal(stats.withOutdatedConfig, undefined, 'no task runs an outdated configuration');
    assert.ok(stats.totalSummary.stats.lifeTime.medianSeconds >= 0, 'life times of running tasks');
    await api('PUT', '/v2/apps/web', { instances: 1 });
    await runningTasks('/web', 1);
    await noDeployments();
  });

  it('replaces a killed task, and kills and scales with scale=true', async () => {
    const [task] = await tasksOf('/web');
    const killed = await api('DELETE', `/v2/apps/web/tasks/${task.id}`);
    assert.equal(killed.status, 200);
    assert.equal(killed.json.task.id, task.id);
    const replaced = await waitFor(async () => {
      const tasks = await tasksOf('/web');
      return tasks.length === 1 && tasks[0].id !== task.id && tasks[0].state === 'TASK_RUNNING' ? tasks[0] : undefined;
    }, 20_000, 'a replacement task');
    assert.notEqual(replaced.id, task.id);
    const scaled = await api('DELETE', `/v2/apps/web/tasks/${replaced.id}?scale=true`);
    assert.ok(scaled.json.deploymentId, 'scale=true answers with a deployment');
    await waitFor(async () => (await api('GET', '/v2/apps/web')).json.app.instances === 0 && (await tasksOf('/web')).length === 0, 20_000, 'scaled to zero');
    await noDeployments();
  });

  it('replaces a task whose HTTP health check starts failing', async () => {
    const res = await api('POST', '/v2/apps', {
      id: '/checked',
      cmd: webCmd,
      cpus: 0.1,
      mem: 64,
      healthChecks: [{ protocol: 'HTTP', path: '/healthy', portIndex: 0, gracePeriodSeconds: 10, intervalSeconds: 1, timeoutSeconds: 1, maxConsecutiveFailures: 2 }],
    });
    assert.equal(res.status, 201);
    const [task] = await runningTasks('/checked', 1);
    await waitFor(async () => (await api('GET', '/v2/apps/checked')).json.app.tasksHealthy === 1, 20_000, 'healthy');
    // Remove the file the health check asks for, in the task's sandbox.
    const sandbox = agents.flatMap((a) => [...a.agent.runs.values()]).find((r) => r.task.task_id.value === task.id)?.sandboxDir;
    assert.ok(sandbox, 'found the sandbox');
    rmSync(join(sandbox, 'healthy'));
    const replacement = await waitFor(async () => {
      const tasks = await tasksOf('/checked');
      return tasks.find((t) => t.id !== task.id && t.state === 'TASK_RUNNING');
    }, 30_000, 'the unhealthy task replaced');
    assert.ok(replacement, 'replacement running');
    await api('DELETE', '/v2/apps/checked');
    await noDeployments();
  });

  it('restarts rolling, never below minimumHealthCapacity', async () => {
    await api('POST', '/v2/apps', {
      id: '/rolling',
      cmd: webCmd,
      cpus: 0.1,
      mem: 32,
      instances: 3,
      upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 0.34 },
      healthChecks: [{ protocol: 'HTTP', path: '/healthy', portIndex: 0, gracePeriodSeconds: 10, intervalSeconds: 1, timeoutSeconds: 1 }],
    });
    const first = await runningTasks('/rolling', 3);
    await waitFor(async () => (await api('GET', '/v2/apps/rolling')).json.app.tasksHealthy === 3, 20_000, 'all healthy');
    await noDeployments();
    const restart = await api('POST', '/v2/apps/rolling/restart');
    assert.ok(restart.json.deploymentId, 'restart starts a deployment');
    let minHealthy = Infinity;
    let maxTasks = 0;
    await waitFor(async () => {
      const app = (await api('GET', '/v2/apps/rolling')).json.app;
      minHealthy = Math.min(minHealthy, app.tasksHealthy);
      maxTasks = Math.max(maxTasks, app.tasks.length);
      const ids = app.tasks.map((t: any) => t.id);
      return app.deployments.length === 0 && ids.length === 3 && ids.every((id: string) => !first.some((f) => f.id === id));
    }, 60_000, 'all instances replaced');
    assert.ok(minHealthy >= 3, `healthy instances never dropped below 3 (min ${minHealthy})`);
    assert.ok(maxTasks <= 4, `at most one instance over capacity (max ${maxTasks})`);
    await api('DELETE', '/v2/apps/rolling');
    await noDeployments();
  });

  it('rolls an app back to an earlier version', async () => {
    await api('POST', '/v2/apps', { id: '/versioned', cmd: 'sleep 1001', cpus: 0.1, mem: 16 });
    const [v1task] = await runningTasks('/versioned', 1);
    await noDeployments();
    await api('PUT', '/v2/apps/versioned', { cmd: 'sleep 1002' });
    await waitFor(async () => (await tasksOf('/versioned')).some((t) => t.id !== v1task.id && t.state === 'TASK_RUNNING'), 20_000, 'the new version running');
    await noDeployments();
    const versions = (await api('GET', '/v2/apps/versioned/versions')).json.versions as string[];
    assert.equal(versions.length, 2, `two versions: ${versions.join(', ')}`);
    const oldest = [...versions].sort()[0] as string;
    assert.equal((await api('GET', `/v2/apps/versioned/versions/${oldest}`)).json.cmd, 'sleep 1001');
    const back = await api('PUT', '/v2/apps/versioned', { version: oldest });
    assert.equal(back.status, 200, JSON.stringify(back.json));
    await waitFor(async () => (await api('GET', '/v2/apps/versioned')).json.app.cmd === 'sleep 1001' && (await noDeploymentsNow()), 20_000, 'rolled back');
    const missing = await api('PUT', '/v2/apps/versioned', { version: '2001-01-01T00:00:00.000Z' });
    assert.equal(missing.status, 404);
    await api('DELETE', '/v2/apps/versioned');
    await noDeployments();
  });

  it('waits for readiness checks before a deployment finishes', async () => {
    const res = await api('POST', '/v2/apps', {
      id: '/ready',
      cmd: webCmd,
      cpus: 0.1,
      mem: 32,
      portDefinitions: [{ port: 0, name: 'http' }],
      readinessChecks: [{ name: 'ready', protocol: 'HTTP', path: '/ready.txt', portName: 'http', intervalSeconds: 2, timeoutSeconds: 1, httpStatusCodesForReady: [200], preserveLastResponse: false }],
    });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    const [task] = await runningTasks('/ready', 1);
    const pending = await waitFor(async () => {
      const d = (await api('GET', '/v2/deployments')).json.find((x: any) => x.affectedApps.includes('/ready'));
      return d?.currentActions.some((a: any) => a.readinessCheckResults.some((r: any) => r.taskId === task.id && r.ready === false)) ? d : undefined;
    }, 15_000, 'a deployment waiting on readiness');
    assert.ok(pending, 'deployment shows the not-ready result');
    const app = (await api('GET', '/v2/apps/ready?embed=app.readiness')).json.app;
    assert.ok(app.readinessCheckResults.some((r: any) => r.taskId === task.id && r.ready === false), `the app shows it with embed=app.readiness: ${JSON.stringify(app.readinessCheckResults)}`);
    const sandbox = agents.flatMap((a) => [...a.agent.runs.values()]).find((r) => r.task.task_id.value === task.id)?.sandboxDir;
    assert.ok(sandbox, 'found the sandbox');
    writeFileSync(join(sandbox, 'ready.txt'), 'ok');
    await waitFor(async () => !(await api('GET', '/v2/deployments')).json.some((x: any) => x.affectedApps.includes('/ready')), 15_000, 'deployment finished once ready');
    await api('DELETE', '/v2/apps/ready');
    await noDeployments();
  });

  it('rolls a stuck deployment back with DELETE /v2/deployments/{id}', async () => {
    await api('POST', '/v2/apps', { id: '/stuck', cmd: 'sleep 1000', cpus: 0.1, mem: 16, instances: 1 });
    await runningTasks('/stuck', 1);
    await noDeployments();
    const big = await api('PUT', '/v2/apps/stuck', { instances: 1000 });
    const id = big.json.deploymentId;
    await waitFor(async () => (await api('GET', '/v2/queue')).json.queue.some((q: any) => q.app.id === '/stuck' && q.processedOffersSummary.processedOffersCount > 0), 20_000, 'waiting in the queue with offers processed');
    const locked = await api('PUT', '/v2/apps/stuck', { instances: 2 });
    assert.equal(locked.status, 409);
    assert.deepEqual(locked.json.deployments, [{ id }]);
    const rollback = await api('DELETE', `/v2/deployments/${id}`);
    assert.equal(rollback.status, 200);
    assert.ok(rollback.json.deploymentId !== id, 'a new, rollback deployment');
    await waitFor(async () => (await api('GET', '/v2/apps/stuck')).json.app.instances === 1 && (await tasksOf('/stuck')).length === 1, 20_000, 'back to one instance');
    await noDeployments();
  });

  it('keeps every app and task across a Marathon restart', async () => {
    // A launch accepted just before the rollback can still report in (and then be killed as surplus): take the tasks
    // once the app has held one and the same task for a second.
    const before = await waitFor(async () => {
      const first = (await tasksOf('/stuck')).map((t) => t.id);
      await new Promise((r) => setTimeout(r, 1000));
      const second = (await tasksOf('/stuck')).map((t) => t.id);
      return first.length === 1 && second.join() === first.join() ? second : undefined;
    }, 30_000, 'one settled task');
    const frameworkId = marathon.service.scheduler.frameworkId;
    await marathon.dispose();
    marathon = await createMarathon(marathonConfig(), { log: quiet });
    await waitFor(() => marathon.service.scheduler.frameworkId === frameworkId && master.master.frameworks.get(frameworkId ?? '')?.connected, 10_000, 're-subscribed with the same framework id');
    assert.ok((await api('GET', '/v2/apps')).json.apps.some((a: any) => a.id === '/stuck'), 'app kept');
    assert.deepEqual((await runningTasks('/stuck', 1)).map((t) => t.id), before, 'same task, still running');
  });

  it('works with an unmodified third-party client (Debian\'s python3-marathon)', async () => {
    const { stdout } = await run('/usr/bin/python3', [join(import.meta.dirname, 'python', 'marathon_client.py'), marathon.url], { timeout: 90_000 });
    const seen = JSON.parse(stdout) as Record<string, any>;
    assert.equal(seen.created_id, '/py-sleep');
    assert.ok(seen.listed.includes('/py-sleep'), 'listed');
    assert.equal(seen.scaled_tasks, 2);
    assert.equal(seen.instances, 2);
    assert.deepEqual(seen.labels, { owner: 'python' });
    assert.ok(seen.versions >= 2, 'a version per change');
    assert.equal(seen.info_name, 'marathon');
    assert.equal(seen.deleted, true);
  });

  it('answers bad requests in Marathon\'s format', async () => {
    // Marathon 1.10 checks ids and ranges while reading the JSON, so these are "Invalid JSON" with paths.
    const invalid = await api('POST', '/v2/apps', { id: '/Bad_Id', cmd: 'x', cpus: -1 });
    assert.equal(invalid.status, 422);
    assert.equal(invalid.json.message, 'Invalid JSON');
    assert.ok(invalid.json.details.some((d: any) => d.path === '/id'), JSON.stringify(invalid.json));
    assert.ok(invalid.json.details.some((d: any) => d.path === '/cpus'), JSON.stringify(invalid.json));
    const both = await api('POST', '/v2/apps', { id: '/both', cmd: 'x', args: ['y'] });
    assert.equal(both.status, 422);
    assert.equal(both.json.message, 'Object is not valid');
    const json = await api('POST', '/v2/apps', '{"id": ');
    assert.equal(json.status, 400);
    assert.equal(json.json.message, 'Invalid JSON');
    const dup = await api('POST', '/v2/apps', { id: '/stuck', cmd: 'sleep 1' });
    assert.equal(dup.status, 409);
    assert.equal(dup.json.message, 'An app with id [/stuck] already exists.');
    const missing = await api('GET', '/v2/apps/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.json.message, "App '/nope' does not exist");
    const badTask = await api('POST', '/v2/tasks/delete', { ids: ['no-such-task'] });
    assert.equal(badTask.status, 400);
    const events = await fetch(`${marathon.url}/v2/events`);
    assert.equal(events.status, 405);
    await events.text();
    assert.equal(await (await fetch(`${marathon.url}/ping`)).text(), 'pong');
    const info = (await api('GET', '/v2/info')).json;
    assert.equal(info.name, 'marathon');
    assert.equal(info.frameworkId, marathon.service.scheduler.frameworkId);
    await api('DELETE', '/v2/apps/stuck');
    await noDeployments();
    await waitFor(async () => (await processesMatching('sleep 1000')).filter((p) => p.cmd === 'sleep 1000').length === 0, 15_000, 'tasks gone');
  });
});
