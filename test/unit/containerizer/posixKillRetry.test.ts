import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../../core/common/clock.js';
import { toDisposable, type Disposable } from '../../../core/common/lifecycle.js';
import { PosixContainerizer, SIGKILL_RETRY_MS } from '../../../core/containerizer/posixContainerizer.js';
import type { ProcessExit, ProcessLauncher, ProcessProbe, ProcessTreeUsage, SpawnedProcess } from '../../../core/containerizer/processLauncher.js';

/**
 * FlakyKillLauncher runs one pretend task that ignores SIGTERM and dies of SIGKILL, except that its first
 * `failingKills` SIGKILLs cannot be sent (EMFILE, as when the agent runs out of descriptors).
 */
class FlakyKillLauncher implements ProcessLauncher {
  readonly signals: string[] = [];
  private exitListener: ((exit: ProcessExit) => void) | undefined;
  private alive = true;

  constructor(private failingKills: number) {}

  async spawn(): Promise<SpawnedProcess> {
    return {
      identity: { pid: 4242 },
      onExit: (listener): Disposable => {
        this.exitListener = listener;
        return toDisposable(() => void (this.exitListener = undefined));
      },
      release: () => undefined,
    };
  }

  async probe(pid: number): Promise<ProcessProbe | undefined> {
    return this.alive ? { pid, state: 'S' } : undefined;
  }

  async signalSession(_leader: unknown, signal: NodeJS.Signals): Promise<number> {
    if (signal === 'SIGKILL' && this.failingKills > 0) {
      this.failingKills--;
      this.signals.push(`${signal} failed`);
      throw Object.assign(new Error("EMFILE: too many open files, open '/proc/1/stat'"), { code: 'EMFILE' });
    }
    this.signals.push(signal);
    if (signal === 'SIGKILL' && this.alive) {
      this.alive = false;
      queueMicrotask(() => this.exitListener?.({ code: null, signal: 'SIGKILL' }));
    }
    return this.alive ? 2 : 0;
  }

  async sessionUsage(): Promise<ProcessTreeUsage> {
    return { processes: 2, threads: 2, userSecs: 0, systemSecs: 0, rssBytes: 0 };
  }

  async readText(): Promise<string | undefined> {
    return undefined;
  }

  async writeText(): Promise<void> {}
}

/** settle lets the containerizer's promise chains run after a timer fired. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('PosixContainerizer kill when a signal cannot be sent', () => {
  it('sends SIGKILL again until it goes through, so kill() ends and the task does not outlive it', async () => {
    const clock = new FakeClock();
    const launcher = new FlakyKillLauncher(2);
    const warnings: string[] = [];
    const c = new PosixContainerizer({ launcher, clock, onWarning: (m, err) => warnings.push(`${m}: ${(err as Error).message}`) });
    await c.launch({ containerId: 'c1', sandboxDir: '/nonexistent/sandbox', command: { shell: true, value: 'sleep 100000' }, env: {} });
    let killed = false;
    const killing = c.kill('c1', 3000).then(() => void (killed = true));
    await settle();
    assert.deepEqual(launcher.signals, ['SIGTERM'], 'SIGTERM goes first');
    clock.advance(3000);
    await settle();
    assert.deepEqual(launcher.signals, ['SIGTERM', 'SIGKILL failed'], 'the grace period over, SIGKILL is tried');
    assert.equal(killed, false, 'kill() waits while the task lives');
    clock.advance(SIGKILL_RETRY_MS);
    await settle();
    assert.deepEqual(launcher.signals, ['SIGTERM', 'SIGKILL failed', 'SIGKILL failed'], 'a failed SIGKILL is tried again after SIGKILL_RETRY_MS');
    clock.advance(SIGKILL_RETRY_MS);
    await settle();
    await killing;
    assert.equal(killed, true, 'kill() ends once a SIGKILL got through');
    assert.deepEqual(await c.wait('c1'), { signal: 'SIGKILL', state: 'TASK_KILLED', message: 'Command terminated with signal Killed' }, 'the task ends as killed by SIGKILL');
    // The last SIGKILL is the one sent when the container's root exits, for anything left in its session.
    assert.deepEqual(launcher.signals, ['SIGTERM', 'SIGKILL failed', 'SIGKILL failed', 'SIGKILL', 'SIGKILL'], 'the third SIGKILL went through');
    assert.equal(warnings.length, 2, `each failed SIGKILL is reported: ${warnings.join(' | ')}`);
    assert.match(warnings[0] ?? '', /Failed to send SIGKILL to container 'c1'; retrying in 1000 ms: EMFILE/, 'the warning names the container, the retry and the cause');
    assert.equal(clock.pendingTimers(), 0, 'no retry is left scheduled after the container ended');
    await c.dispose();
  });

  it('stops retrying when the containerizer is disposed (an agent going down leaves its tasks alone)', async () => {
    const clock = new FakeClock();
    const launcher = new FlakyKillLauncher(Infinity);
    const c = new PosixContainerizer({ launcher, clock });
    await c.launch({ containerId: 'c1', sandboxDir: '/nonexistent/sandbox', command: { shell: true, value: 'sleep 100000' }, env: {} });
    void c.kill('c1', 0);
    await settle();
    clock.advance(0);
    await settle();
    assert.ok(launcher.signals.includes('SIGKILL failed'), `SIGKILL was tried: ${launcher.signals.join(', ')}`);
    assert.equal(clock.pendingTimers(), 1, 'a retry is scheduled');
    await c.dispose();
    assert.equal(clock.pendingTimers(), 0, 'dispose cancels the retry');
  });
});
