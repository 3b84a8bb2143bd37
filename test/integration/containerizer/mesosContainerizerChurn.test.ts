// Launch/destroy churn and cgroup v2 for the Mesos containerizer, against the real kernel. The churn proves nothing
// is leaked — processes, mounts, cgroups, timers — after many cycles (1,000 by default; PLATEAU_CHURN_CYCLES
// overrides). The v2 test mounts a cgroup2 file system of its own, so it runs on v1 hosts too.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CgroupFs } from '../../../core/containerizer/cgroups/cgroupFs.js';
import type { LaunchSpec } from '../../../core/containerizer/containerizer.js';
import { MesosContainerizer } from '../../../core/containerizer/mesosContainerizer.js';
import { DEFAULT_PATH } from '../../../core/containerizer/posixContainerizer.js';
import { CgroupV2Fs } from '../../../core/node/cgroupV2Fs.js';
import { ChildProcessLauncher } from '../../../core/node/childProcessLauncher.js';
import { SystemClock } from '../../../core/node/systemClock.js';
import { assertNothingRunning } from '../../harness/plateauProcess.js';
import { eventually, hostMounts, IN_CI, killMarked, linuxContainerProblem, runningWithMarker } from '../../harness/linuxContainers.js';

const env = await linuxContainerProblem();
const skip = env.problem !== undefined && !IN_CI ? `cannot run real containers here: ${env.problem}` : false;
const CYCLES = Number(process.env.PLATEAU_CHURN_CYCLES ?? 1000);

describe('MesosContainerizer churn and cgroup v2', { skip, timeout: 600_000 }, () => {
  let root: string;
  const marker = randomUUID();

  before(async () => {
    if (env.problem) throw new Error(`CI=true but real containers cannot run here: ${env.problem}`);
    root = await mkdtemp(join(tmpdir(), 'plateau-churn-'));
  });

  after(async () => {
    await killMarked(marker);
    await rm(root, { recursive: true, force: true });
  });

  const spec = async (value: string): Promise<LaunchSpec> => {
    const containerId = randomUUID();
    const sandboxDir = join(root, containerId);
    await mkdir(sandboxDir);
    return { containerId, sandboxDir, command: { shell: true, value }, env: { PATH: DEFAULT_PATH, PLATEAU_TEST_MARKER: marker }, resources: { cpus: 0.1, mem: 32 } };
  };

  it(`leaves no process, mount, cgroup or timer behind after ${CYCLES} launch/destroy cycles`, async (t) => {
    const fs = env.fs as CgroupFs;
    const cgroupsRoot = `plateau-churn-${process.pid}`;
    const mountsBefore = await hostMounts();
    const c = new MesosContainerizer({ launcher: new ChildProcessLauncher(), cgroups: fs, clock: new SystemClock(), cgroupsRoot, lxcfsDir: '', sampleIntervalMs: 50, limitationPollIntervalMs: 50 });
    const started = performance.now();
    try {
      for (let i = 0; i < CYCLES; i++) {
        // Alternate a task that is killed while running with one that ends by itself.
        const killed = i % 2 === 0;
        const s = await spec(killed ? 'sleep 1000' : 'true');
        await c.launch(s);
        if (killed) await c.kill(s.containerId, 0);
        const end = await c.wait(s.containerId);
        assert.equal(end.state, killed ? 'TASK_KILLED' : 'TASK_FINISHED', `cycle ${i}: ${end.message}`);
        await rm(s.sandboxDir, { recursive: true });
      }
      const seconds = (performance.now() - started) / 1000;
      t.diagnostic(`${CYCLES} cycles in ${seconds.toFixed(1)} s (${(CYCLES / seconds).toFixed(0)} cycles/s)`);
      assert.deepEqual(c.containers(), []);
      await eventually(async () => (await runningWithMarker(marker)).length === 0, 'no task process left', 3000);
      assert.deepEqual(await fs.children(cgroupsRoot), [], 'no container cgroup left');
      assert.deepEqual(await hostMounts(), mountsBefore, 'no mount left on the host');
    } finally {
      await c.dispose();
      await fs.remove(cgroupsRoot);
    }
    await assertNothingRunning();
  });

  it('runs containers on cgroup v2 (a cgroup2 mount of its own): joins, measures, kills and removes', async () => {
    const mnt = await mkdtemp(join(tmpdir(), 'plateau-cgroup2-'));
    const mounted = spawnSync('mount', ['-t', 'cgroup2', 'none', mnt], { encoding: 'utf8' });
    assert.equal(mounted.status, 0, `mount -t cgroup2: ${mounted.stderr}`);
    const cgroupsRoot = `plateau-v2-${process.pid}`;
    try {
      const available = (await readFile(join(mnt, 'cgroup.controllers'), 'utf8')).trim().split(/\s+/).filter(Boolean);
      const fs = new CgroupV2Fs(mnt, available);
      // Enforce whatever this host delegates to v2 (everything on a v2 host; nothing on a v1 one, where the
      // unified hierarchy still places, counts and kills processes).
      const isolators = (
        [
          ['cgroups/cpu', 'cpu'],
          ['cgroups/mem', 'memory'],
          ['cgroups/pids', 'pids'],
        ] as const
      )
        .filter(([, controller]) => available.includes(controller))
        .map(([name]) => name);
      const c = new MesosContainerizer({ launcher: new ChildProcessLauncher(), cgroups: fs, clock: new SystemClock(), cgroupsRoot, isolators, lxcfsDir: '', sampleIntervalMs: 0 });
      try {
        const s = await spec('cat /proc/self/cgroup; sh -c "sleep 1000 & wait" & sleep 1000');
        await c.launch(s);
        await eventually(async () => (await fs.pids(`${cgroupsRoot}/${s.containerId}`)).length >= 4, 'the task tree is in its v2 cgroup');
        const lines = (await readFile(join(s.sandboxDir, 'stdout'), 'utf8')).trim().split('\n');
        assert.ok(lines.includes(`0::/${cgroupsRoot}/${s.containerId}`), `the task's v2 cgroup (${lines.join(' | ')})`);
        const usage = await c.usage(s.containerId);
        assert.ok((usage.processes ?? 0) >= 4, `usage counts the processes (${usage.processes})`);
        assert.equal(typeof usage.cpus_user_time_secs, 'number', 'CPU time from the core cpu.stat');
        await c.kill(s.containerId, 0);
        assert.equal((await c.wait(s.containerId)).state, 'TASK_KILLED');
        assert.deepEqual(await fs.children(cgroupsRoot), []);
        await eventually(async () => (await runningWithMarker(marker)).length === 0, 'no task process left', 3000);
      } finally {
        await c.dispose();
        await fs.remove(cgroupsRoot);
      }
    } finally {
      spawnSync('umount', [mnt]);
      await rm(mnt, { recursive: true, force: true });
    }
  });
});
