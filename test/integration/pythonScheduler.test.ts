// The v1 scheduler API exercised by an independent client: a Python scheduler using only the
// standard library, with its own RecordIO framing, run by Debian's python3.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { killAll, startPlateau, tempDir, type PlateauProcess } from '../harness/plateauProcess.js';
import { getJson, waitFor } from '../harness/schedulerClient.js';

const run = promisify(execFile);
const dir = tempDir('python');
let master: PlateauProcess;

describe('an independent Python v1 scheduler', { timeout: 60_000 }, () => {
  before(async () => {
    master = await startPlateau(['master', '--port=0', '--registry=in_memory', '--allocation_interval=100ms', '--quiet']);
    await startPlateau(['agent', `--master=${master.url}`, '--port=0', `--work_dir=${join(dir.path, 'agent')}`, '--resources=cpus:2;mem:512;disk:100;ports:[33000-33010]', '--quiet']);
    await waitFor(async () => (await getJson(`${master.url}/master/slaves`)).slaves.length === 1, 10_000, 'agent registered');
  });
  after(async () => {
    await killAll();
    dir.remove();
  });

  it('subscribes, launches a task, acknowledges every update and tears down', async () => {
    const { stdout } = await run('/usr/bin/python3', [join(import.meta.dirname, 'python', 'v1_scheduler.py'), master.url], { timeout: 30_000 });
    const summary = JSON.parse(stdout) as Record<string, any>;
    assert.equal(summary.status, 200);
    assert.equal(summary.content_type, 'application/json');
    assert.match(summary.stream_id, /^[0-9a-f-]{36}$/);
    assert.equal(summary.events[0], 'SUBSCRIBED');
    assert.equal(summary.accept_status, 202);
    assert.deepEqual(summary.states, ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
    assert.equal(summary.teardown_status, 202);
    const state = await getJson(`${master.url}/master/state`);
    assert.equal(state.completed_frameworks[0].id, summary.framework_id);
  });
});
