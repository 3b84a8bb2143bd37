// The README's run command: `plateau demo` starts a master and three agents in one process, prints
// where they are, and stops everything on SIGTERM.
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

  it('runs a master with three agents and shuts down cleanly', async () => {
    const demo = await startPlateau(['demo', '--port=0', `--work_dir=${dir.path}`, '--quiet']);
    await waitFor(() => demo.output().includes('Plateau demo cluster is running'), 20_000, 'the demo banner');
    const slaves = (await getJson(`${demo.url}/master/slaves`)).slaves;
    assert.deepEqual(slaves.map((s: any) => s.hostname).sort(), ['127.0.0.2', '127.0.0.3', '127.0.0.4']);
    assert.deepEqual(slaves.map((s: any) => s.attributes.zone).sort(), ['zone-1', 'zone-2', 'zone-3']);
    const ports = slaves.map((s: any) => s.resources.ports).sort();
    assert.deepEqual(ports, ['[31000-31999]', '[32000-32999]', '[33000-33999]']);
    for (const line of ['Mesos master', 'agent-1', 'agent-2', 'agent-3', 'offers stream']) assert.ok(demo.output().includes(line), line);
    await demo.kill('SIGTERM');
    assert.equal(demo.proc.exitCode, 0);
    assert.deepEqual(await processesMatching(dir.path), []);
  });
});
