// Marathon's API thread (core/runtime/marathonApiThread.ts) on a real master: reads are answered from the replica
// in the API thread even while the service's own thread is busy, changes go to the service and a client reads
// its own writes at once, and disposing Marathon ends the thread.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Worker } from 'node:worker_threads';
import type { RunningMarathon } from '../../core/runtime/createMarathon.js';
import { createMaster, type RunningMaster } from '../../core/runtime/createMaster.js';
import { quietLog, startMarathon, stopCluster } from '../harness/marathonCluster.js';
import { tempDir } from '../harness/plateauProcess.js';
import { waitFor } from '../harness/schedulerClient.js';

const dir = tempDir('marathon-api-thread');
let master: RunningMaster;
let marathon: RunningMarathon;
let stopped = false;

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${marathon.url}${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

describe("Marathon's API thread", { timeout: 120_000 }, () => {
  before(async () => {
    master = await createMaster({ ip: '127.0.0.1', port: 0, hostname: '127.0.0.1', registry: 'in_memory', work_dir: '', allocation_interval: 100 }, { log: quietLog });
    marathon = await startMarathon(master.url, dir.path);
  });

  after(async () => {
    if (!stopped) await stopCluster({ marathon, agents: [], master, workDir: dir.path });
  });

  it("answers a read while the service's thread is blocked", async () => {
    // No agent: the app waits for offers, but it exists, and that is what the read shows.
    assert.equal((await api('POST', '/v2/apps', { id: '/probe', cmd: 'sleep 100', cpus: 0.1, mem: 16, instances: 2 })).status, 201);
    const out = join(dir.path, 'probe.json');
    // Another process reads the app while this thread (the service's) spins without turning its event loop.
    const child = spawn(process.execPath, ['-e', `fetch(${JSON.stringify(`${marathon.url}/v2/apps/probe`)}).then((r) => r.text()).then((t) => require('fs').writeFileSync(${JSON.stringify(out)}, t))`], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let answer: any;
    const deadline = Date.now() + 20_000;
    while (answer === undefined && Date.now() < deadline) {
      try {
        answer = JSON.parse(readFileSync(out, 'utf8'));
      } catch {
        answer = undefined;
      }
    }
    await exited;
    assert.ok(answer, 'the read was answered before this thread turned its event loop again');
    assert.equal(answer.app.id, '/probe');
    assert.equal(answer.app.instances, 2);
    assert.deepEqual(answer.app.tasks, [], 'no task launched without an agent');
    assert.equal(answer.app.deployments.length, 1, 'the deployment that starts it is shown');
  });

  it('shows each change in the next read, and forwards what the replica cannot answer', async () => {
    for (let n = 1; n <= 15; n++) {
      const put = await api('PUT', '/v2/apps/probe?force=true', { instances: n, cmd: `sleep ${100 + n}` });
      assert.equal(put.status, 200, JSON.stringify(put.json));
      const got = await api('GET', '/v2/apps/probe');
      assert.equal(got.json.app.instances, n, 'the read after the write shows it');
      assert.equal(got.json.app.cmd, `sleep ${100 + n}`);
      assert.ok(got.json.app.deployments.some((d: any) => d.id === put.json.deploymentId), 'with its deployment');
    }
    const versions = await api('GET', '/v2/apps/probe/versions');
    assert.equal(versions.status, 200);
    assert.equal(versions.json.versions.length, 16, 'stored versions come from the service');
    const queue = await api('GET', '/v2/queue');
    assert.equal(queue.json.queue[0]?.app.id, '/probe', 'the launch queue comes from the service');
    const bad = await fetch(`${marathon.url}/v2/apps`, { method: 'POST', body: '{"id": ', headers: { 'Content-Type': 'application/json' } });
    assert.equal(bad.status, 400, 'a malformed body reaches the service untouched and is refused in its words');
    assert.equal(bad.headers.get('x-marathon-leader'), `http://${marathon.url.slice('http://'.length)}`);
    assert.equal((await api('GET', '/v2/nothing-here')).status, 404);
    assert.equal((await api('DELETE', '/v2/apps/probe?force=true')).status, 200);
    assert.equal((await api('GET', '/v2/apps/probe')).status, 404, 'a deleted app is gone from the next read');
  });

  it("keeps an idle keep-alive connection open past Node's 5 s default, as fastify does", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const req = http.get(`${marathon.url}/ping`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
        });
        req.on('error', reject);
      });
    try {
      assert.equal((await get()).status, 200);
      await new Promise((r) => setTimeout(r, 6_000));
      const again = await get();
      assert.equal(again.status, 200);
      assert.ok(again.reused, 'the second request went over the connection left idle for 6 s');
    } finally {
      agent.destroy();
    }
  });

  it('brings the API back on the same port with the state so far when its thread dies', async () => {
    assert.equal((await api('POST', '/v2/apps', { id: '/survivor', cmd: 'sleep 100', cpus: 0.1, mem: 16, instances: 3 })).status, 201);
    // Fault injection: end the thread as an uncaught error would.
    await (marathon.api as unknown as { worker: Worker }).worker.terminate();
    await waitFor(async () => (await fetch(`${marathon.url}/ping`).catch(() => undefined))?.status === 200, 10_000, 'the API answering again');
    const got = await api('GET', '/v2/apps/survivor');
    assert.equal(got.json.app.instances, 3, 'the new thread started from the state so far');
    const put = await api('PUT', '/v2/apps/survivor?force=true', { instances: 1 });
    assert.equal(put.status, 200);
    assert.equal((await api('GET', '/v2/apps/survivor')).json.app.instances, 1, 'and follows changes made after it started');
    assert.equal((await api('DELETE', '/v2/apps/survivor?force=true')).status, 200);
  });

  it('ends the thread and its server with Marathon', async () => {
    const url = marathon.url;
    stopped = true;
    await stopCluster({ marathon, agents: [], master, workDir: dir.path });
    await assert.rejects(fetch(`${url}/ping`), 'nothing listens once Marathon is disposed');
  });
});
