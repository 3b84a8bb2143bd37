// Marathon's unreachableStrategy on a real cluster: an agent goes away without a word (its process
// gone, its task still running), the master marks it unreachable after missed pings, and Marathon
// replaces the instance on another agent.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Resources } from '../../core/common/resources.js';
import { createAgent, type RunningAgent } from '../../core/runtime/createAgent.js';
import type { RunningMarathon } from '../../core/runtime/createMarathon.js';
import { startMarathon, stopCluster } from '../harness/marathonCluster.js';
import { createMaster, type RunningMaster } from '../../core/runtime/createMaster.js';
import { processesMatching, tempDir } from '../harness/plateauProcess.js';
import { waitFor } from '../harness/schedulerClient.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const dir = tempDir('unreachable');
const MARKER = `${7000 + Math.floor(Math.random() * 999)}`;
let master: RunningMaster;
const agents: RunningAgent[] = [];
let marathon: RunningMarathon;

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${marathon.url}${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}) });
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

describe('Marathon unreachableStrategy', { timeout: 90_000 }, () => {
  before(async () => {
    master = await createMaster({ ip: '127.0.0.1', port: 0, hostname: '127.0.0.1', registry: 'in_memory', work_dir: '', allocation_interval: 100, agent_ping_timeout: 300, max_agent_ping_timeouts: 2 }, { log: quiet });
    for (const [i, ip] of ['127.0.0.2', '127.0.0.3'].entries()) {
      agents.push(await createAgent({ master: master.url, ip, port: 0, hostname: ip, work_dir: join(dir.path, `agent-${i}`), resources: Resources.parse('cpus:2;mem:512;disk:100;ports:[36000-36010]'), attributes: [], gc_delay: 3_600_000, registration_backoff_factor: 100, containerizers: 'mesos', flags: {} }, { log: quiet }));
    }
    marathon = await startMarathon(master.url, dir.path);
  });

  after(async () => {
    await stopCluster({ marathon, agents, master, workDir: dir.path }, async () => {
      for (const p of await processesMatching(`sleep ${MARKER}`)) if (p.cmd === `sleep ${MARKER}`) process.kill(p.pid, 'SIGKILL');
    });
  });

  it('replaces an instance whose agent became unreachable, then expunges the old one', async () => {
    await api('POST', '/v2/apps', { id: '/far', cmd: `sleep ${MARKER}`, cpus: 0.1, mem: 16, unreachableStrategy: { inactiveAfterSeconds: 1, expungeAfterSeconds: 3 } });
    const first = await waitFor(async () => (await api('GET', '/v2/apps/far/tasks')).tasks.find((t: any) => t.state === 'TASK_RUNNING'), 15_000, 'a running task');
    const gone = agents.findIndex((a) => a.agent.settings.hostname === first.host);
    assert.ok(gone >= 0, 'found the agent running the task');
    // The agent process "dies": its link closes, its task keeps running, and it never comes back.
    await agents[gone]!.dispose();
    agents.splice(gone, 1);
    const unreachable = await waitFor(async () => (await api('GET', '/v2/apps/far/tasks')).tasks.find((t: any) => t.id === first.id && t.state === 'TASK_UNREACHABLE'), 15_000, 'the task reported unreachable');
    assert.ok(unreachable, 'unreachable');
    const replacement = await waitFor(async () => (await api('GET', '/v2/apps/far/tasks')).tasks.find((t: any) => t.id !== first.id && t.state === 'TASK_RUNNING'), 15_000, 'a replacement running elsewhere');
    assert.notEqual(replacement.host, first.host, 'the replacement runs on the other agent');
    await waitFor(async () => !(await api('GET', '/v2/apps/far/tasks')).tasks.some((t: any) => t.id === first.id), 15_000, 'the unreachable instance expunged');
    const app = (await api('GET', '/v2/apps/far')).app;
    assert.equal(app.instances, 1, 'still one instance wanted');
    assert.equal(app.tasksRunning, 1, 'one running');
  });
});
