// The agent's URI fetcher and Mesos-run health checks, through a real master and agent (real task processes,
// real HTTP on loopback), first with a bare framework and then with Marathon's `fetch` and MESOS_HTTP checks.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { Resources } from '../../core/common/resources.js';
import { createAgent, type RunningAgent } from '../../core/runtime/createAgent.js';
import { createMarathon, type RunningMarathon } from '../../core/runtime/createMarathon.js';
import { createMaster, type RunningMaster } from '../../core/runtime/createMaster.js';
import { assertNothingRunning, tempDir } from '../harness/plateauProcess.js';
import { SchedulerClient, waitFor } from '../harness/schedulerClient.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const dir = tempDir('fetch');
const files = join(dir.path, 'files');
let master: RunningMaster;
let agent: RunningAgent;
let server: http.Server;
let serverUrl = '';
let fw: SchedulerClient;

const script = '#!/bin/sh\necho ran > ran.txt\nexec sleep 600\n';

function task(id: string, command: Record<string, unknown>, agentId: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: id,
    task_id: { value: id },
    agent_id: agentId,
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 }, allocation_info: { role: '*' } },
      { name: 'mem', type: 'SCALAR', scalar: { value: 32 }, allocation_info: { role: '*' } },
    ],
    command,
    ...extra,
  };
}

/** launch accepts the next offer not yet used with `tasks` (declining nothing: the rest comes back at once). */
let offersFrom = 0;
async function launch(tasks: Array<Record<string, unknown>>): Promise<void> {
  const found = await fw.next((e) => e.type === 'OFFERS', 15_000, offersFrom);
  offersFrom = fw.events.indexOf(found) + 1;
  const offer = found.offers.offers[0];
  const res = await fw.call({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: tasks } }], filters: { refuse_seconds: 0 } } });
  assert.equal(res.status, 202, `ACCEPT answered ${res.status}: ${res.body}`);
}

function updates(taskId: string): Array<Record<string, any>> {
  return fw.events.filter((e) => e.type === 'UPDATE' && e.update.status.task_id.value === taskId).map((e) => e.update.status);
}

function finalOf(taskId: string, timeoutMs = 20_000): Promise<Record<string, any>> {
  return fw.next((e) => e.type === 'UPDATE' && e.update.status.task_id.value === taskId && ['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_LOST'].includes(e.update.status.state), timeoutMs).then((e) => e.update.status);
}

/** sandboxOf finds a task's sandbox on the agent (a finished task moves to `completed` once acknowledged). */
function sandboxOf(taskId: string): Promise<string> {
  return waitFor(() => [...agent.agent.runs.values(), ...agent.agent.completed].find((r) => r.task.task_id.value === taskId)?.sandboxDir, 5_000, `the agent knows task ${taskId}`);
}

describe('agent fetcher and health checks', { timeout: 300_000 }, () => {
  before(async () => {
    mkdirSync(join(files, 'bundle', 'dir'), { recursive: true });
    writeFileSync(join(files, 'data.txt'), 'hello');
    writeFileSync(join(files, 'bundle', 'dir', 'inner.txt'), 'inner');
    execFileSync('tar', ['-czf', join(files, 'bundle.tar.gz'), '-C', join(files, 'bundle'), 'dir']);
    writeFileSync(join(files, 'note.txt.gz'), gzipSync('zipped'));
    writeFileSync(join(files, 'run.sh'), script);
    chmodSync(join(files, 'run.sh'), 0o644);
    server = http.createServer((req, res) => {
      if (req.url === '/remote.txt') res.end('remote');
      else if (req.url === '/x.sh') res.end(script);
      else {
        res.statusCode = 404;
        res.end('no');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    master = await createMaster({ ip: '127.0.0.1', port: 0, hostname: '127.0.0.1', registry: 'in_memory', work_dir: '', allocation_interval: 100 }, { log: quiet });
    agent = await createAgent(
      { master: master.url, ip: '127.0.0.1', port: 0, hostname: '127.0.0.1', work_dir: join(dir.path, 'agent'), resources: Resources.parse('cpus:4;mem:2048;disk:1024;ports:[36500-36599]'), attributes: [], gc_delay: 3_600_000, registration_backoff_factor: 100, containerizers: 'mesos', flags: {} },
      { log: quiet },
    );
    await waitFor(() => master.master.agents.size === 1, 10_000, 'agent registered');
    fw = new SchedulerClient(master.url);
    await fw.subscribe({ user: 'root', name: 'fetch-fw', roles: ['*'], capabilities: [{ type: 'MULTI_ROLE' }] });
    fw.acknowledgeUpdates();
  });

  after(async () => {
    fw?.close();
    await agent?.destroy();
    await master?.dispose();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    dir.remove();
    await assertNothingRunning();
  });

  describe('with a bare framework', () => {
    it('fetches local files, file:// URIs, archives, executables and http URIs into the sandbox', async () => {
      const first = await fw.next((e) => e.type === 'OFFERS');
      const agentId = first.offers.offers[0].agent_id;
      await launch([
        task('local', { value: 'test "$(cat data.txt)" = hello', uris: [{ value: join(files, 'data.txt') }] }, agentId),
        task('file-uri', { value: 'test "$(cat renamed.txt)" = hello', uris: [{ value: `file://${join(files, 'data.txt')}`, output_file: 'renamed.txt' }] }, agentId),
        task('tarball', { value: 'test "$(cat dir/inner.txt)" = inner && test -f bundle.tar.gz', uris: [{ value: join(files, 'bundle.tar.gz') }] }, agentId),
        task('not-extracted', { value: 'test ! -e dir && test -f bundle.tar.gz', uris: [{ value: join(files, 'bundle.tar.gz'), extract: false }] }, agentId),
        task('gzip', { value: 'test "$(cat note.txt)" = zipped', uris: [{ value: join(files, 'note.txt.gz') }] }, agentId),
        task('executable', { value: 'test -x run.sh && sed -i s/sleep/true/ run.sh && ./run.sh && test "$(cat ran.txt)" = ran', uris: [{ value: join(files, 'run.sh'), executable: true }] }, agentId),
        task('http', { value: 'test "$(cat remote.txt)" = remote', uris: [{ value: `${serverUrl}/remote.txt` }] }, agentId),
        task('missing', { value: 'true', uris: [{ value: `${serverUrl}/missing.txt` }] }, agentId),
        task('no-file', { value: 'true', uris: [{ value: join(files, 'absent.txt') }] }, agentId),
      ]);
      for (const id of ['local', 'file-uri', 'tarball', 'not-extracted', 'gzip', 'executable', 'http']) {
        const status = await finalOf(id);
        assert.equal(status.state, 'TASK_FINISHED', `${id} finished: ${JSON.stringify(status)}`);
      }
      const stderr = readFileSync(join(await sandboxOf('http'), 'stderr'), 'utf8');
      assert.match(stderr, new RegExp(`Fetching URI '${serverUrl}/remote.txt'`), `fetch logged to stderr: ${stderr}`);
      for (const [id, uri] of [['missing', `${serverUrl}/missing.txt`], ['no-file', join(files, 'absent.txt')]] as const) {
        const status = await finalOf(id);
        assert.equal(status.state, 'TASK_FAILED', `${id} failed: ${JSON.stringify(status)}`);
        assert.equal(status.reason, 'REASON_CONTAINER_LAUNCH_FAILED', `${id} reason`);
        assert.ok(String(status.message).includes(uri), `${id} message names the URI: ${status.message}`);
        assert.ok(!updates(id).some((s) => s.state === 'TASK_RUNNING'), `${id} never ran`);
      }
  });

  it('runs an HTTP health check: healthy, then unhealthy, then killed', async () => {
    const agentId = { value: master.master.agents.keys().next().value as string };
    const port = 36550;
    // The task serves its sandbox; `ok` exists for 3 s, so the check passes and then fails.
    const cmd = `touch ok && (sleep 3; rm -f ok) & exec python3 -m http.server ${port} --bind 127.0.0.1`;
    const health_check = { type: 'HTTP', http: { port, path: '/ok' }, delay_seconds: 0, interval_seconds: 0.5, timeout_seconds: 1, consecutive_failures: 2, grace_period_seconds: 10 };
    await launch([task('checked', { value: cmd }, agentId, { health_check })]);
    const final = await finalOf('checked', 30_000);
    const seen = updates('checked');
    const healthy = seen.filter((s) => s.healthy !== undefined).map((s) => `${s.state}:${String(s.healthy)}`);
    assert.equal(final.state, 'TASK_KILLED', `killed for failing health checks: ${JSON.stringify(final)}`);
    assert.equal(final.healthy, false, 'the kill update says unhealthy');
    assert.deepEqual(healthy.slice(0, 2), ['TASK_RUNNING:true', 'TASK_RUNNING:false'], `health changes reported: ${JSON.stringify(healthy)}`);
    const change = seen.find((s) => s.healthy === true);
    assert.equal(change?.reason, 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED', 'health updates carry their reason');
  });
  });

  describe('through Marathon', () => {
    let marathon: RunningMarathon;

    async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
      const res = await fetch(`${marathon.url}${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}) });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : undefined };
    }

    before(async () => {
      // Tear the bare framework down so its held offers go back to the allocator for Marathon.
      await fw.call({ type: 'TEARDOWN' });
      fw.close();
      marathon = await createMarathon({ master: master.url, ip: '127.0.0.1', hostname: '127.0.0.1', http_port: 0, work_dir: join(dir.path, 'marathon'), framework_name: 'marathon', mesos_role: '*', mesos_user: 'root', failover_timeout: 3600 }, { log: quiet });
      await waitFor(() => marathon.service.scheduler.frameworkId, 10_000, 'Marathon registered');
    });

    after(async () => {
      await marathon?.dispose();
    });

    it('runs an app whose cmd runs a script from `fetch`', async () => {
      const res = await api('POST', '/v2/apps', { id: 'fetched', cmd: './x.sh', cpus: 0.1, mem: 32, instances: 1, fetch: [{ uri: `${serverUrl}/x.sh`, executable: true }] });
      assert.equal(res.status, 201, JSON.stringify(res.json));
      const tasks = await waitFor(async () => {
        const t = (await api('GET', '/v2/apps/fetched/tasks')).json.tasks as any[];
        return t.length === 1 && t[0].state === 'TASK_RUNNING' ? t : undefined;
      }, 20_000, 'fetched app running');
      const sandbox = await sandboxOf(tasks[0].id);
      await waitFor(() => {
        try {
          return readFileSync(join(sandbox, 'ran.txt'), 'utf8').trim() === 'ran';
        } catch {
          return false;
        }
      }, 10_000, 'x.sh ran in the sandbox');
      assert.equal((await api('DELETE', '/v2/apps/fetched')).status, 200, 'app deleted');
    });

    it('counts a task passing its MESOS_HTTP health check in tasksHealthy', async () => {
      const healthCheck = { protocol: 'MESOS_HTTP', path: '/healthy', portIndex: 0, gracePeriodSeconds: 10, intervalSeconds: 1, timeoutSeconds: 2, delaySeconds: 0, maxConsecutiveFailures: 3 };
      const res = await api('POST', '/v2/apps', { id: 'mesos-checked', cmd: 'touch healthy && exec python3 -m http.server $PORT0 --bind 127.0.0.1', cpus: 0.1, mem: 64, instances: 1, healthChecks: [healthCheck] });
      assert.equal(res.status, 201, JSON.stringify(res.json));
      const app = await waitFor(async () => {
        const a = (await api('GET', '/v2/apps/mesos-checked')).json.app;
        return a.tasksHealthy === 1 ? a : undefined;
      }, 30_000, 'tasksHealthy 1');
      assert.equal(app.tasksUnhealthy, 0, 'no unhealthy tasks');
      await waitFor(async () => (await api('GET', '/v2/deployments')).json.length === 0, 30_000, 'deployment finished');
      assert.equal((await api('DELETE', '/v2/apps/mesos-checked')).status, 200, 'app deleted');
      await waitFor(async () => (await api('GET', '/v2/apps')).json.apps.length === 0, 20_000, 'apps removed');
    });

    it('keeps a deployment open while its task has not passed its MESOS_HTTP health check', async () => {
      const healthCheck = { protocol: 'MESOS_HTTP', path: '/never', portIndex: 0, gracePeriodSeconds: 60, intervalSeconds: 1, timeoutSeconds: 2, delaySeconds: 0, maxConsecutiveFailures: 3 };
      const res = await api('POST', '/v2/apps', { id: 'never-healthy', cmd: 'exec python3 -m http.server $PORT0 --bind 127.0.0.1', cpus: 0.1, mem: 64, instances: 1, healthChecks: [healthCheck] });
      assert.equal(res.status, 201, JSON.stringify(res.json));
      await waitFor(async () => (await api('GET', '/v2/apps/never-healthy')).json.app.tasksRunning === 1, 20_000, 'task running');
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const app = (await api('GET', '/v2/apps/never-healthy')).json.app;
      assert.equal(app.tasksHealthy, 0, 'not healthy');
      assert.equal(app.deployments.length, 1, `the deployment waits for health: ${JSON.stringify(app.deployments)}`);
      assert.equal((await api('DELETE', '/v2/apps/never-healthy?force=true')).status, 200, 'app deleted');
      await waitFor(async () => (await api('GET', '/v2/apps')).json.apps.length === 0, 20_000, 'apps removed');
    });
  });
});
