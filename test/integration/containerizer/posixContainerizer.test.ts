import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FakeClock, type Clock } from '../../../core/common/clock.js';
import { CoreError } from '../../../core/common/errors.js';
import type { ContainerStatus, LaunchSpec } from '../../../core/containerizer/containerizer.js';
import { EXITED_WHILE_AGENT_DOWN_MESSAGE } from '../../../core/containerizer/containerizer.js';
import { PosixContainerizer, exitStatusPath } from '../../../core/containerizer/posixContainerizer.js';
import { ChildProcessLauncher } from '../../../core/node/childProcessLauncher.js';

// Real time for these tests: they drive real processes. Escalation is also tested under a FakeClock below.
const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
  setInterval: (fn, ms) => {
    const t = setInterval(fn, ms);
    return { cancel: () => clearInterval(t) };
  },
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Every task of a test carries `PLATEAU_TEST_MARKER=<uuid>` in its environment, so we can find all of its processes
 * through `/proc/<pid>/environ` — even ones that left the session — and prove none is left running. Zombies are not
 * running (this sandbox's pid 1 may never reap orphans), so they do not count.
 */
async function runningWithMarker(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const environ = await readFile(`/proc/${name}/environ`, 'utf8');
      if (environ.split('\0').includes(`PLATEAU_TEST_MARKER=${marker}`)) found.push(Number(name));
    } catch {
      continue; // the process ended while we looked
    }
  }
  return found;
}

/** exited says whether `pid` is gone or a zombie, i.e. no longer running. */
async function exited(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

/**
 * lowerDescriptorLimit sets this process's soft RLIMIT_NOFILE to `soft` (with util-linux's `prlimit`: Node has no
 * setrlimit) and resolves to a function that puts the old soft limit back.
 */
async function lowerDescriptorLimit(soft: number): Promise<() => Promise<void>> {
  const limits = await readFile('/proc/self/limits', 'utf8');
  const old = /^Max open files\s+(\d+|unlimited)/m.exec(limits)?.[1];
  assert.ok(old !== undefined, `/proc/self/limits has a "Max open files" line: ${limits}`);
  const set = (value: string) => promisify(execFile)('prlimit', ['--pid', String(process.pid), `--nofile=${value}:`]);
  await set(String(soft));
  return async () => void (await set(old));
}

describe('PosixContainerizer', () => {
  let root: string;
  let marker: string;
  const owned: PosixContainerizer[] = [];

  const make = (clock: Clock = systemClock): PosixContainerizer => {
    const c = new PosixContainerizer({ launcher: new ChildProcessLauncher(), clock, pollIntervalMs: 25 });
    owned.push(c);
    return c;
  };

  const spec = async (command: LaunchSpec['command'], env: Record<string, string> = {}): Promise<LaunchSpec> => {
    const containerId = randomUUID();
    const sandboxDir = join(root, containerId);
    await mkdir(sandboxDir);
    return { containerId, sandboxDir, command, env: { ...env, PLATEAU_TEST_MARKER: marker } };
  };

  const shell = (value: string, env?: Record<string, string>): Promise<LaunchSpec> => spec({ shell: true, value }, env);

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'plateau-posix-'));
    marker = randomUUID();
  });

  afterEach(async () => {
    // Clean up even after a failed assertion (each test asserts that nothing was left behind).
    for (const pid of await runningWithMarker(marker)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        continue;
      }
    }
    for (const c of owned.splice(0)) await c.dispose();
    await rm(root, { recursive: true, force: true });
  });

  const assertNothingRunning = async (): Promise<void> => {
    await eventually(async () => (await runningWithMarker(marker)).length === 0, 3000).catch(async () => {
      assert.deepEqual(await runningWithMarker(marker), [], 'no task process may outlive its container');
    });
  };

  it('runs a shell command with the given environment and appends its output to the sandbox files', { timeout: 20_000 }, async () => {
    const c = make();
    const s = await shell('echo "out $GREETING"; echo "err $GREETING" >&2; pwd', { GREETING: 'hello world' });
    const status = await c.launch(s);
    assert.equal(status.containerId, s.containerId);
    assert.ok(status.pid > 0);
    const t = await c.wait(s.containerId);
    assert.deepEqual(t, { exitStatus: 0, state: 'TASK_FINISHED', message: 'Command exited with status 0' });
    assert.equal(await readFile(join(s.sandboxDir, 'stdout'), 'utf8'), `out hello world\n${s.sandboxDir}\n`);
    assert.equal(await readFile(join(s.sandboxDir, 'stderr'), 'utf8'), 'err hello world\n');
    assert.deepEqual(c.containers(), []);
    await assertNothingRunning();
  });

  it('execs a non-shell command with its arguments verbatim (no shell expansion)', { timeout: 20_000 }, async () => {
    const c = make();
    const s = await spec({ shell: false, value: '/bin/echo', arguments: ['echo', 'a  b', '$HOME', '*'] });
    await c.launch(s);
    assert.equal((await c.wait(s.containerId)).state, 'TASK_FINISHED');
    assert.equal(await readFile(join(s.sandboxDir, 'stdout'), 'utf8'), 'a  b $HOME *\n');
    await assertNothingRunning();
  });

  it('passes the environment through unchanged and supplies a default PATH only when none is given', { timeout: 20_000 }, async () => {
    const c = make();
    const s = await spec({ shell: false, value: '/usr/bin/env', arguments: ['env'] }, { ONE: '1', SPACES: ' x  y ', MESOS_SANDBOX: '/sb' });
    await c.launch(s);
    await c.wait(s.containerId);
    const lines = (await readFile(join(s.sandboxDir, 'stdout'), 'utf8')).trim().split('\n').sort();
    assert.deepEqual(lines, ['MESOS_SANDBOX=/sb', 'ONE=1', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', `PLATEAU_TEST_MARKER=${marker}`, 'SPACES= x  y ']);
    await assertNothingRunning();
  });

  it('reports a nonzero exit as TASK_FAILED with the Mesos command executor message', { timeout: 20_000 }, async () => {
    const c = make();
    const s = await shell('exit 3');
    await c.launch(s);
    assert.deepEqual(await c.wait(s.containerId), { exitStatus: 3, state: 'TASK_FAILED', message: 'Command exited with status 3' });
    assert.equal((await readFile(exitStatusPath(s.sandboxDir), 'utf8')).trim(), '3');
    // wait() still answers after the container is gone.
    assert.equal((await c.wait(s.containerId)).exitStatus, 3);
  });

  it('reports a task that died of a signal nobody asked for as TASK_FAILED with the signal', { timeout: 20_000 }, async () => {
    const c = make();
    const s = await shell('kill -USR1 $$');
    await c.launch(s);
    assert.deepEqual(await c.wait(s.containerId), { signal: 'SIGUSR1', state: 'TASK_FAILED', message: 'Command terminated with signal User defined signal 1' });
  });

  it('reports a missing program as exit status 127', { timeout: 20_000 }, async () => {
    const c = make();
    const s = await spec({ shell: false, value: '/nonexistent/program', arguments: ['program'] });
    await c.launch(s);
    const t = await c.wait(s.containerId);
    assert.equal(t.state, 'TASK_FAILED');
    assert.equal(t.exitStatus, 127);
    assert.match(await readFile(join(s.sandboxDir, 'stderr'), 'utf8'), /not found/);
  });

  it('kills with SIGTERM first: a task that honours it ends before the grace period as TASK_KILLED', { timeout: 20_000 }, async () => {
    const c = make();
    const s = await shell('sleep 30');
    await c.launch(s);
    const started = Date.now();
    await c.kill(s.containerId, 10_000);
    assert.ok(Date.now() - started < 5000, 'SIGTERM alone should have ended the task');
    assert.deepEqual(await c.wait(s.containerId), { signal: 'SIGTERM', state: 'TASK_KILLED', message: 'Command terminated with signal Terminated' });
    assert.deepEqual(c.containers(), []);
    await assertNothingRunning();
  });

  it('escalates to SIGKILL after the grace period when the task ignores SIGTERM', { timeout: 20_000 }, async () => {
    const c = make();
    const s = await shell('trap "" TERM; echo ready; sleep 30; echo survived');
    await c.launch(s);
    await eventually(async () => (await readFile(join(s.sandboxDir, 'stdout'), 'utf8')).includes('ready'));
    const started = Date.now();
    await c.kill(s.containerId, 400);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 350, `SIGKILL came after ${elapsed} ms, before the grace period`);
    assert.deepEqual(await c.wait(s.containerId), { signal: 'SIGKILL', state: 'TASK_KILLED', message: 'Command terminated with signal Killed' });
    assert.equal(await readFile(join(s.sandboxDir, 'stdout'), 'utf8'), 'ready\n');
    await assertNothingRunning();
  });

  it('sends SIGKILL exactly when the clock says the grace period is over', { timeout: 20_000 }, async () => {
    const clock = new FakeClock();
    const c = make(clock);
    const s = await shell('trap "" TERM; echo ready; sleep 30');
    await c.launch(s);
    await eventually(async () => (await readFile(join(s.sandboxDir, 'stdout'), 'utf8')).includes('ready'));
    let killed = false;
    const killing = c.kill(s.containerId, 60_000).then(() => void (killed = true));
    await sleep(300);
    clock.advance(59_999);
    await sleep(300);
    assert.equal(killed, false, 'nothing may happen before the grace period has passed');
    assert.equal(c.containers().length, 1);
    clock.advance(1);
    await killing;
    assert.equal((await c.wait(s.containerId)).signal, 'SIGKILL');
    assert.equal(clock.pendingTimers(), 0);
    await assertNothingRunning();
  });

  it('kills the whole process tree, including grandchildren and processes in other process groups of the session', { timeout: 20_000 }, async () => {
    const c = make();
    // A background pipeline, a nested shell with its own children, and a process moved into its own process group.
    const s = await shell('sleep 30 | sleep 31 & sh -c "sleep 32 & sleep 33" & perl -e "setpgrp(0, 0); sleep 34" & echo ready; wait');
    await c.launch(s);
    await eventually(async () => (await runningWithMarker(marker)).length >= 7);
    const usage = await c.usage(s.containerId);
    assert.ok(usage.processes !== undefined && usage.processes >= 7, `usage sees the tree (${usage.processes} processes)`);
    await c.kill(s.containerId, 1000);
    assert.equal((await c.wait(s.containerId)).state, 'TASK_KILLED');
    await assertNothingRunning();
  });

  it('kills what a finished task left behind in its session, as Mesos destroys the container', { timeout: 20_000 }, async () => {
    const c = make();
    const s = await shell('sleep 30 & echo started');
    await c.launch(s);
    assert.equal((await c.wait(s.containerId)).state, 'TASK_FINISHED');
    await assertNothingRunning();
  });

  it('reports usage from /proc with limits from the launch resources', { timeout: 20_000 }, async () => {
    const c = make();
    const s = { ...(await shell('sleep 30')), resources: { cpus: 0.5, mem: 64 } };
    await c.launch(s);
    await eventually(async () => (await runningWithMarker(marker)).length >= 2);
    const u = await c.usage(s.containerId);
    for (const key of ['timestamp', 'cpus_user_time_secs', 'cpus_system_time_secs', 'mem_rss_bytes', 'processes', 'threads']) {
      assert.equal(typeof u[key], 'number', key);
    }
    assert.ok((u.mem_rss_bytes ?? 0) > 0);
    assert.ok((u.processes ?? 0) >= 2, 'wrapper and task');
    assert.equal(u.cpus_limit, 0.5);
    assert.equal(u.mem_limit_bytes, 64 * 1024 * 1024);
    await c.destroyAll(1000);
    await assert.rejects(c.usage(s.containerId), (err: unknown) => err instanceof CoreError && err.code === 'NOT_FOUND');
    await assertNothingRunning();
  });

  it('rejects bad requests with coded errors', { timeout: 20_000 }, async () => {
    const c = make();
    const isCode = (code: string) => (err: unknown) => err instanceof CoreError && err.code === code;
    await assert.rejects(c.wait('nope'), isCode('NOT_FOUND'));
    await assert.rejects(c.kill('nope', 0), isCode('NOT_FOUND'));
    await assert.rejects(c.usage('nope'), isCode('NOT_FOUND'));
    await assert.rejects(c.launch(await spec({ shell: true })), isCode('INVALID'));
    await assert.rejects(c.launch({ ...(await shell('true')), sandboxDir: join(root, 'missing') }), isCode('INTERNAL'));
    assert.equal(existsSync(join(root, 'missing')), false, 'launch must not create the sandbox');
    const s = await shell('sleep 30');
    await c.launch(s);
    await assert.rejects(c.launch(s), isCode('CONFLICT'));
    await c.destroyAll(1000);
    await assertNothingRunning();
  });

  it('destroyAll kills every live container', { timeout: 20_000 }, async () => {
    const c = make();
    const a = await shell('sleep 30');
    const b = await shell('trap "" TERM; echo ready; sleep 30');
    await c.launch(a);
    await c.launch(b);
    await eventually(async () => (await readFile(join(b.sandboxDir, 'stdout'), 'utf8')).includes('ready'));
    assert.deepEqual(c.containers().sort(), [a.containerId, b.containerId].sort());
    await c.destroyAll(300);
    assert.equal((await c.wait(a.containerId)).state, 'TASK_KILLED');
    assert.equal((await c.wait(b.containerId)).signal, 'SIGKILL');
    await assertNothingRunning();
  });

  it('reads the usage of, then kills, 40 containers at once within 256 file descriptors', { timeout: 60_000 }, async () => {
    // An agent with 70 tasks on a host of 700 processes: each usage read and each kill scanned all of /proc with a
    // descriptor per process at once, so killing them all together failed with EMFILE ("Failed to send SIGTERM/SIGKILL
    // to container"), the tasks kept running, and destroyAll waited for them for ever.
    const warnings: string[] = [];
    const c = new PosixContainerizer({ launcher: new ChildProcessLauncher(), clock: systemClock, pollIntervalMs: 25, onWarning: (m, err) => warnings.push(`${m}: ${String(err)}`) });
    owned.push(c);
    const specs: LaunchSpec[] = [];
    for (let i = 0; i < 40; i++) {
      const s = await shell('sleep 30');
      await c.launch(s);
      specs.push(s);
    }
    await eventually(async () => (await runningWithMarker(marker)).length >= 80, 10_000);
    const restore = await lowerDescriptorLimit(256);
    let usages: Array<PromiseSettledResult<Record<string, number>>>;
    let destroyed: boolean;
    try {
      usages = await Promise.allSettled(specs.map((s) => c.usage(s.containerId)));
      destroyed = await Promise.race([c.destroyAll(500).then(() => true), sleep(20_000).then(() => false)]);
    } finally {
      await restore();
    }
    const failedReads = usages.filter((u) => u.status === 'rejected');
    assert.equal(failedReads.length, 0, `every usage read succeeds; the first failure: ${String(failedReads[0]?.reason)}`);
    assert.ok(
      usages.every((u) => u.status === 'fulfilled' && (u.value.processes ?? 0) >= 1),
      'every usage read sees the container\'s processes',
    );
    assert.equal(destroyed, true, `destroyAll ends within 20 s; warnings: ${warnings.slice(0, 3).join(' | ')}`);
    for (const s of specs) assert.equal((await c.wait(s.containerId)).state, 'TASK_KILLED', `container ${s.containerId} ends as killed`);
    assert.deepEqual(warnings, [], 'every signal is sent');
    await assertNothingRunning();
  });

  describe('across an agent restart', () => {
    // dispose() is what an agent does on the way down: it must stop watching and leave the tasks running.
    const restart = async (before: PosixContainerizer): Promise<PosixContainerizer> => {
      await before.dispose();
      return make();
    };
    const checkpoint = (status: ContainerStatus, s: LaunchSpec) => ({ ...status, sandboxDir: s.sandboxDir });

    it('re-adopts a running task, which can then be killed', { timeout: 20_000 }, async () => {
      const first = make();
      const s = await shell('sleep 30');
      const status = await first.launch(s);
      const pending = first.wait(s.containerId);
      let settled = false;
      void pending.then(
        () => void (settled = true),
        () => void (settled = true),
      );
      const second = await restart(first);
      // An agent going down must not learn that its tasks "ended": the old wait() stays pending, new calls are refused.
      await assert.rejects(first.wait(s.containerId), (err: unknown) => err instanceof CoreError && err.code === 'UNAVAILABLE');
      // The wrapper and the task are running although their agent is gone.
      await eventually(async () => (await runningWithMarker(marker)).length >= 2);
      assert.deepEqual(await second.recover([checkpoint(status, s)]), [s.containerId]);
      assert.deepEqual(second.containers(), [s.containerId]);
      assert.ok(((await second.usage(s.containerId)).processes ?? 0) >= 2);
      await second.kill(s.containerId, 5000);
      assert.deepEqual(await second.wait(s.containerId), { signal: 'SIGTERM', state: 'TASK_KILLED', message: 'Command terminated with signal Terminated' });
      assert.equal(settled, false, "the disposed containerizer's wait() never settles");
      await assertNothingRunning();
    });

    it('re-adopts a running task and reports its real exit status when it finishes', { timeout: 20_000 }, async () => {
      const first = make();
      const s = await shell('sleep 0.7; exit 4');
      const status = await first.launch(s);
      const second = await restart(first);
      assert.deepEqual(await second.recover([checkpoint(status, s)]), [s.containerId]);
      assert.deepEqual(await second.wait(s.containerId), { exitStatus: 4, state: 'TASK_FAILED', message: 'Command exited with status 4' });
      assert.deepEqual(second.containers(), []);
      await assertNothingRunning();
    });

    it('escalates to SIGKILL for a re-adopted task that ignores SIGTERM', { timeout: 20_000 }, async () => {
      const first = make();
      const s = await shell('trap "" TERM; echo ready; sleep 30');
      const status = await first.launch(s);
      await eventually(async () => (await readFile(join(s.sandboxDir, 'stdout'), 'utf8')).includes('ready'));
      const second = await restart(first);
      await second.recover([checkpoint(status, s)]);
      await second.kill(s.containerId, 300);
      assert.deepEqual(await second.wait(s.containerId), { signal: 'SIGKILL', state: 'TASK_KILLED', message: 'Command terminated with signal Killed' });
      await assertNothingRunning();
    });

    it('reports the recorded exit status of a task that finished while the agent was down', { timeout: 20_000 }, async () => {
      const first = make();
      const s = await shell('exit 7');
      const status = await first.launch(s);
      await first.dispose();
      await eventually(async () => existsSync(exitStatusPath(s.sandboxDir)) && (await runningWithMarker(marker)).length === 0);
      await eventually(() => exited(status.pid));
      const second = make();
      // The agent may have checkpointed only the required fields; the sandbox record fills in the rest.
      assert.deepEqual(await second.recover([{ containerId: status.containerId, pid: status.pid, startedAt: status.startedAt, sandboxDir: s.sandboxDir }]), []);
      assert.deepEqual(await second.wait(s.containerId), { exitStatus: 7, state: 'TASK_FAILED', message: 'Command exited with status 7' });
      assert.deepEqual(second.containers(), []);
    });

    it('reports TASK_FINISHED for a task that succeeded while the agent was down', { timeout: 20_000 }, async () => {
      const first = make();
      const s = await shell('echo done');
      const status = await first.launch(s);
      await first.dispose();
      await eventually(async () => existsSync(exitStatusPath(s.sandboxDir)));
      await eventually(() => exited(status.pid));
      const second = make();
      assert.deepEqual(await second.recover([checkpoint(status, s)]), []);
      assert.equal((await second.wait(s.containerId)).state, 'TASK_FINISHED');
    });

    it('treats a reused pid as a container that exited unobserved', { timeout: 20_000 }, async () => {
      const c = make();
      const sandboxDir = join(root, 'gone');
      await mkdir(sandboxDir);
      // Our own pid is alive, but with a different start time it is not the process that was checkpointed.
      const ids = await c.recover([{ containerId: 'gone', pid: process.pid, startedAt: 0, pidStartTicks: 1, sandboxDir }]);
      assert.deepEqual(ids, []);
      assert.deepEqual(await c.wait('gone'), { state: 'TASK_FAILED', reason: 'REASON_EXECUTOR_TERMINATED', message: EXITED_WHILE_AGENT_DOWN_MESSAGE });
    });
  });
});
