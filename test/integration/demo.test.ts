// `plateau demo` (the cluster alone, `npx plateau demo` in the README) starts a master, three agents and
// Marathon in one process, prints where they are, and stops everything on SIGTERM.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { killAll, processesMatching, startPlateau, tempDir } from '../harness/plateauProcess.js';
import { getJson, waitFor } from '../harness/schedulerClient.js';

const dir = tempDir('demo');

describe('plateau demo', { timeout: 60_000 }, () => {
  after(async () => {
    await killAll();
    dir.remove();
  });

  it('runs a master with three agents and Marathon, runs an app, and shuts down cleanly', async () => {
    const demo = await startPlateau(['demo', '--port=0', `--work_dir=${dir.path}`, '--quiet']);
    await waitFor(() => demo.output().includes('Plateau demo cluster is running'), 20_000, 'the demo banner');
    const slaves = (await getJson(`${demo.url}/master/slaves`)).slaves;
    assert.deepEqual(slaves.map((s: any) => s.hostname).sort(), ['127.0.0.2', '127.0.0.3', '127.0.0.4']);
    assert.deepEqual(slaves.map((s: any) => s.attributes.zone).sort(), ['zone-1', 'zone-2', 'zone-3']);
    const ports = slaves.map((s: any) => s.resources.ports).sort();
    assert.deepEqual(ports, ['[31000-31999]', '[32000-32999]', '[33000-33999]']);
    for (const line of ['Mesos master', 'Marathon', 'agent-1', 'agent-2', 'agent-3', 'offers stream']) assert.ok(demo.output().includes(line), line);
    // The demo's Marathon is a framework on the demo master: an app posted to it runs on the demo agents.
    const marathonUrl = /Marathon\s+(http:\/\/[\d.]+:\d+)/.exec(demo.output())?.[1];
    assert.ok(marathonUrl, 'Marathon URL printed');
    const created = await fetch(`${marathonUrl}/v2/apps`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ id: '/demo-sleep', cmd: 'sleep 600', cpus: 0.1, mem: 16 }) });
    assert.equal(created.status, 201, 'app created');
    await waitFor(async () => (await getJson(`${marathonUrl}/v2/apps/demo-sleep`)).app.tasksRunning === 1, 20_000, 'the demo app running');
    const framework = (await getJson(`${demo.url}/master/frameworks`)).frameworks.find((f: any) => f.name === 'marathon');
    assert.ok(framework?.active, 'Marathon is an active framework on the demo master');
    await demo.kill('SIGTERM');
    assert.equal(demo.proc.exitCode, 0);
    assert.deepEqual(await processesMatching(dir.path), []);
  });
});
