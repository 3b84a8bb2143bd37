import { CoreError } from '../common/errors.js';

/** Helpers shared by the cgroup v1 and v2 file systems for emptying and removing a cgroup. */

/** sleep waits `ms` milliseconds; callers await it, so the timer never outlives the operation that owns it. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * killPidsUntilEmpty SIGKILLs the processes `list` returns, round after round, until none is left or `timeoutMs`
 * passes. `round` wraps each round's kill, so a caller can freeze the cgroup around later rounds.
 */
export async function killPidsUntilEmpty(
  list: () => Promise<number[]>,
  timeoutMs: number,
  round: (n: number, kill: () => Promise<void>) => Promise<void> = (_n, kill) => kill(),
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let n = 0; ; n++) {
    const pids = await list();
    if (pids.length === 0) return;
    if (Date.now() > deadline) throw new CoreError('INTERNAL', `Processes ${pids.join(', ')} survived SIGKILL for ${timeoutMs} ms`);
    await round(n, async () => {
      for (const pid of await list()) killPid(pid);
    });
    // A SIGKILLed process leaves its cgroup only once it has finished exiting; give the kernel a moment.
    await sleep(n < 5 ? 1 : 10);
  }
}

/**
 * retryWhileBusy runs `remove` until it stops failing with EBUSY (a cgroup whose last processes are still exiting),
 * treating ENOENT as done.
 */
export async function retryWhileBusy(what: string, remove: () => Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let n = 0; ; n++) {
    try {
      await remove();
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' || Date.now() > deadline) throw new CoreError('INTERNAL', `Failed to remove cgroup '${what}': ${(err as Error).message}`, { cause: err });
    }
    await sleep(n < 5 ? 1 : 10);
  }
}

/** signalPids sends `signal` to each pid, ignoring those already gone. */
export function signalPids(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) killPid(pid, signal);
}

function killPid(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
