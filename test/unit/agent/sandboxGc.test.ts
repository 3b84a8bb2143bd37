import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FakeClock } from '../../../core/common/clock.js';
import { CoreError } from '../../../core/common/errors.js';
import {
  Sandboxes,
  executorVirtualPath,
  latestRunLink,
  sandboxDir,
  validateSandboxId,
  type SandboxFs,
} from '../../../core/agent/sandbox.js';
import { DEFAULT_GC_DELAY_MS, SandboxGc, gcDelayForDiskUsage } from '../../../core/agent/sandboxGc.js';
import { NodeSandboxFs } from '../../../core/node/nodeSandboxFs.js';

const HOUR = 60 * 60 * 1000;

/** RecordingFs removes nothing; it records what it was asked to remove and can be told to fail. */
class RecordingFs implements Pick<SandboxFs, 'removeTree'> {
  readonly removed: string[] = [];
  failing = new Set<string>();

  async removeTree(path: string): Promise<void> {
    if (this.failing.has(path)) throw new Error(`EBUSY: ${path}`);
    this.removed.push(path);
  }
}

describe('sandbox layout', () => {
  const key = { agentId: 'a-S0', frameworkId: 'f-0000', executorId: 'web.1', containerId: 'c-1' };

  it('places sandboxes where Mesos does', () => {
    assert.equal(sandboxDir('/var/lib/plateau/', key), '/var/lib/plateau/slaves/a-S0/frameworks/f-0000/executors/web.1/runs/c-1');
    assert.equal(latestRunLink('/w', key), '/w/slaves/a-S0/frameworks/f-0000/executors/web.1/runs/latest');
    assert.equal(executorVirtualPath('f-0000', 'web.1'), '/frameworks/f-0000/executors/web.1/runs/latest');
  });

  it('rejects ids that would escape the work directory, as Mesos validates them', () => {
    for (const bad of ['', '.', '..', 'a/b', 'a\\b', 'tab\there', 'x'.repeat(256)]) {
      assert.throws(
        () => validateSandboxId('Executor ID', bad),
        (err: unknown) => err instanceof CoreError && err.code === 'INVALID',
        JSON.stringify(bad),
      );
      assert.throws(() => sandboxDir('/w', { ...key, executorId: bad }));
    }
    assert.doesNotThrow(() => validateSandboxId('Executor ID', 'my-app_1.2:3@x'));
  });

  describe('on a real file system', () => {
    let workDir: string;
    beforeEach(async () => {
      workDir = await mkdtemp(join(tmpdir(), 'plateau-sandbox-'));
    });
    afterEach(async () => {
      await rm(workDir, { recursive: true, force: true });
    });

    it('creates private sandboxes and keeps runs/latest pointing at the newest run', async () => {
      const fs = new NodeSandboxFs();
      const clock = new FakeClock();
      const gc = new SandboxGc({ clock, fs, gcDelayMs: HOUR });
      const sandboxes = new Sandboxes(workDir, fs, gc);
      const first = await sandboxes.create(key);
      assert.equal(first, sandboxes.pathOf(key));
      assert.equal((await stat(first)).mode & 0o777, 0o750);
      assert.equal(await readlink(latestRunLink(workDir, key)), first);
      const second = await sandboxes.create({ ...key, containerId: 'c-2' });
      assert.equal(await readlink(latestRunLink(workDir, key)), second);

      await writeFile(join(first, 'stdout'), 'old output');
      sandboxes.scheduleGc(first);
      clock.advance(HOUR);
      await gc.whenIdle();
      assert.equal(existsSync(first), false, 'the finished sandbox was collected');
      assert.equal(existsSync(second), true, 'the other run is untouched');

      await sandboxes.linkLatestAgent(key.agentId);
      assert.equal(await readlink(join(workDir, 'slaves', 'latest')), join(workDir, 'slaves', key.agentId));
      await sandboxes.removeExecutor(key);
      assert.equal(existsSync(join(workDir, 'slaves', key.agentId, 'frameworks', key.frameworkId, 'executors', key.executorId)), false);
      await gc.dispose();
      assert.equal(clock.pendingTimers(), 0);
    });

    it('creates several runs of one executor at once, as a task group launched task by task does', async () => {
      const sandboxes = new Sandboxes(workDir, new NodeSandboxFs());
      for (let round = 0; round < 10; round++) {
        const runs = [1, 2, 3].map((n) => ({ ...key, containerId: `c-${round}-${n}` }));
        const made = await Promise.allSettled(runs.map((run) => sandboxes.create(run)));
        assert.deepEqual(
          made.map((m) => (m.status === 'rejected' ? String(m.reason) : 'created')),
          ['created', 'created', 'created'],
          `round ${round}: every sandbox is created`,
        );
        assert.ok(runs.map((run) => sandboxes.pathOf(run)).includes(await readlink(latestRunLink(workDir, key))), 'runs/latest points at one of them');
      }
      assert.deepEqual((await readdir(dirname(latestRunLink(workDir, key)))).filter((name) => name.startsWith('latest.')), [], 'no temporary link is left behind');
    });
  });
});

describe('SandboxGc', () => {
  let clock: FakeClock;
  let fs: RecordingFs;
  let gc: SandboxGc;
  const events: Array<{ path: string; error?: unknown }> = [];

  beforeEach(() => {
    clock = new FakeClock();
    fs = new RecordingFs();
    events.length = 0;
    gc = new SandboxGc({ clock, fs, onRemoved: (path, error) => events.push(error === undefined ? { path } : { path, error }) });
  });

  afterEach(async () => {
    await gc.dispose();
    assert.equal(clock.pendingTimers(), 0, 'a disposed collector leaves no timer behind');
  });

  it('keeps a finished sandbox for gc_delay (a week by default) and then removes it', async () => {
    const at = gc.schedule('/w/run1');
    assert.equal(at, clock.now() + DEFAULT_GC_DELAY_MS);
    clock.advance(DEFAULT_GC_DELAY_MS - 1);
    await gc.whenIdle();
    assert.deepEqual(fs.removed, []);
    clock.advance(1);
    await gc.whenIdle();
    assert.deepEqual(fs.removed, ['/w/run1']);
    assert.deepEqual(events, [{ path: '/w/run1' }]);
    assert.deepEqual(gc.metrics(), { 'gc/path_removals_succeeded': 1, 'gc/path_removals_failed': 0, 'gc/path_removals_pending': 0 });
  });

  it('removes paths in due order with a single timer', async () => {
    gc.schedule('/w/c', { delayMs: 3 * HOUR });
    gc.schedule('/w/a', { delayMs: 1 * HOUR });
    gc.schedule('/w/b', { delayMs: 2 * HOUR });
    assert.equal(clock.pendingTimers(), 1);
    assert.deepEqual(gc.scheduled().map((s) => s.path), ['/w/a', '/w/b', '/w/c']);
    clock.advance(1 * HOUR);
    await gc.whenIdle();
    assert.deepEqual(fs.removed, ['/w/a']);
    clock.advance(2 * HOUR);
    await gc.whenIdle();
    assert.deepEqual(fs.removed, ['/w/a', '/w/b', '/w/c']);
    assert.equal(clock.pendingTimers(), 0);
  });

  it('replaces an earlier schedule of the same path and can unschedule', async () => {
    gc.schedule('/w/x', { delayMs: HOUR });
    gc.schedule('/w/x', { delayMs: 5 * HOUR });
    clock.advance(2 * HOUR);
    await gc.whenIdle();
    assert.deepEqual(fs.removed, []);
    assert.equal(gc.unschedule('/w/x'), true);
    assert.equal(gc.unschedule('/w/x'), false);
    assert.equal(clock.pendingTimers(), 0);
    clock.advance(10 * HOUR);
    await gc.whenIdle();
    assert.deepEqual(fs.removed, []);
  });

  it('counts the week from when the sandbox finished, so a restarted agent does not start it over', async () => {
    const finishedAt = clock.now() - DEFAULT_GC_DELAY_MS + HOUR;
    assert.equal(gc.schedule('/w/old', { finishedAt }), clock.now() + HOUR);
    gc.schedule('/w/ancient', { finishedAt: clock.now() - 2 * DEFAULT_GC_DELAY_MS });
    clock.advance(0);
    await gc.whenIdle();
    assert.deepEqual(fs.removed, ['/w/ancient']);
    clock.advance(HOUR);
    await gc.whenIdle();
    assert.deepEqual(fs.removed, ['/w/ancient', '/w/old']);
  });

  it('prunes early what is due soon, for when the disk fills up', async () => {
    gc.schedule('/w/soon', { delayMs: HOUR });
    gc.schedule('/w/later', { delayMs: 10 * HOUR });
    gc.prune(gcDelayForDiskUsage(10 * HOUR, 0.8));
    await gc.whenIdle();
    assert.deepEqual(fs.removed, ['/w/soon']);
    assert.deepEqual(gc.scheduled().map((s) => s.path), ['/w/later']);
  });

  it('counts failed removals and carries on with the others', async () => {
    fs.failing.add('/w/busy');
    gc.schedule('/w/busy', { delayMs: HOUR });
    gc.schedule('/w/free', { delayMs: HOUR });
    clock.advance(HOUR);
    await gc.whenIdle();
    assert.deepEqual(fs.removed, ['/w/free']);
    assert.equal(events.find((e) => e.path === '/w/busy')?.error instanceof Error, true);
    assert.equal(gc.metrics()['gc/path_removals_failed'], 1);
  });

  it('forgets pending removals on dispose and accepts no new ones', async () => {
    gc.schedule('/w/x', { delayMs: HOUR });
    await gc.dispose();
    assert.equal(clock.pendingTimers(), 0);
    assert.equal(gc.schedule('/w/y'), Infinity);
    clock.advance(DEFAULT_GC_DELAY_MS * 2);
    await gc.whenIdle();
    assert.deepEqual(fs.removed, []);
  });

  it('shrinks the delay as the disk fills, never below zero', () => {
    assert.equal(gcDelayForDiskUsage(100, 0), 90);
    assert.equal(gcDelayForDiskUsage(100, 0.5), 40);
    assert.equal(gcDelayForDiskUsage(100, 0.95), 0);
  });
});
