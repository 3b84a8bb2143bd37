import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, open, readFile, writeFile, type FileHandle } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import { CoreError } from '../common/errors.js';
import { toDisposable, type Disposable } from '../common/lifecycle.js';
import type {
  ProcessExit,
  ProcessIdentity,
  ProcessLauncher,
  ProcessProbe,
  ProcessTreeUsage,
  SpawnedProcess,
  SpawnRequest,
} from '../containerizer/processLauncher.js';
import { CLOCK_TICKS_PER_SECOND, hasProcfs, listProcStats, readBootId, readProcStat, readRssBytes, type ProcStat } from './procfs.js';

/**
 * ChildProcessLauncher is the real `ProcessLauncher`: `node:child_process` for spawning detached sessions, `/proc`
 * for identities and usage, and `process.kill` on process groups for signals.
 */
export class ChildProcessLauncher implements ProcessLauncher {
  /** scan is the `/proc` scan under way, if any (see `processTable`). */
  private scan: Promise<ProcStat[]> | undefined;

  async spawn(request: SpawnRequest): Promise<SpawnedProcess> {
    const ids = request.user === undefined ? {} : await resolveUser(request.user);
    const handles: FileHandle[] = [];
    let started: Promise<ChildProcess>;
    let exits: ExitTracker;
    try {
      handles.push(await open(request.stdoutPath, 'a'));
      handles.push(await open(request.stderrPath, 'a'));
      // `detached` makes the child call setsid(): it leads a new session and process group, so signals for the
      // agent's own group (Ctrl-C, a supervisor stopping the agent) do not reach tasks, and we can signal the whole
      // task tree at once. The files are handed over as descriptors, so no pipe ties the task's life to ours.
      const child = spawn(request.file, request.args, {
        argv0: request.argv0,
        cwd: request.cwd,
        env: request.env,
        detached: true,
        stdio: ['ignore', handles[0]?.fd, handles[1]?.fd],
        ...ids,
      });
      // 'spawn', 'error' and even 'exit' can come as soon as we yield, so listen before awaiting anything else.
      exits = new ExitTracker(child);
      started = new Promise<ChildProcess>((resolve, reject) => {
        const onError = (err: Error): void => {
          child.off('spawn', onSpawn);
          reject(new CoreError('INTERNAL', `Failed to launch '${request.file}': ${err.message}`, { cause: err }));
        };
        const onSpawn = (): void => {
          child.off('error', onError);
          resolve(child);
        };
        child.once('error', onError);
        child.once('spawn', onSpawn);
      });
    } finally {
      // uv_spawn has duplicated the descriptors into the child by the time spawn() returns.
      await Promise.all(handles.map((h) => h.close()));
    }
    const child = await started;
    const pid = child.pid as number;
    const [stat, bootId] = await Promise.all([hasProcfs() ? readProcStat(pid) : undefined, readBootId()]);
    const identity: ProcessIdentity = { pid };
    if (stat) identity.startTicks = stat.startTicks;
    if (bootId !== undefined) identity.bootId = bootId;
    return new NodeSpawnedProcess(child, exits, identity);
  }

  async probe(pid: number): Promise<ProcessProbe | undefined> {
    if (!hasProcfs()) return isAlive(pid) ? { pid, state: '?' } : undefined;
    const stat = await readProcStat(pid);
    if (!stat) return undefined;
    const probe: ProcessProbe = { pid, state: stat.state, startTicks: stat.startTicks };
    const bootId = await readBootId();
    if (bootId !== undefined) probe.bootId = bootId;
    return probe;
  }

  async signalSession(leader: ProcessIdentity, signal: NodeJS.Signals): Promise<number> {
    if (!hasProcfs()) return signalGroup(leader.pid, signal) ? 1 : 0;
    if (await this.leaderReused(leader)) return 0;
    // The group signal is atomic with respect to fork(), so children forked while we signal are not missed. It needs
    // no scan of /proc, so it goes first: the task gets its signal even if the scan below fails (say, with EMFILE).
    signalGroup(leader.pid, signal);
    // Members that moved to their own process group (but stayed in the session) are signalled one by one.
    const members = await this.sessionMembers(leader);
    if (members === undefined) return 0;
    for (const m of members) {
      if (m.pgrp !== leader.pid) signalPid(m.pid, signal);
    }
    return members.length;
  }

  async sessionUsage(leader: ProcessIdentity): Promise<ProcessTreeUsage> {
    const usage: ProcessTreeUsage = { processes: 0, threads: 0, userSecs: 0, systemSecs: 0, rssBytes: 0 };
    if (!hasProcfs()) {
      if (isAlive(leader.pid)) usage.processes = 1;
      return usage;
    }
    const members = (await this.sessionMembers(leader)) ?? [];
    const rss = await Promise.all(members.map((m) => readRssBytes(m.pid)));
    members.forEach((m, i) => {
      usage.processes += 1;
      usage.threads += m.numThreads;
      // Children's times (cutime/cstime) count too: they are the CPU time of descendants already reaped, which left
      // the tree and would otherwise vanish from the container's totals.
      usage.userSecs += (m.utime + m.cutime) / CLOCK_TICKS_PER_SECOND;
      usage.systemSecs += (m.stime + m.cstime) / CLOCK_TICKS_PER_SECOND;
      usage.rssBytes += rss[i] ?? 0;
    });
    return usage;
  }

  async readText(path: string): Promise<string | undefined> {
    try {
      return await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async writeText(path: string, text: string): Promise<void> {
    await mkdir(dirname(path)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    await writeFile(path, text);
  }

  /**
   * sessionMembers lists the live (non-zombie) processes in the leader's session or process group, or undefined when
   * the leader's pid is now another process: the kernel does not reuse a pid while a session or group still carries
   * it, so a reused pid proves the old session is empty and anything found now belongs to someone else.
   */
  private async sessionMembers(leader: ProcessIdentity): Promise<ProcStat[] | undefined> {
    const bootId = await readBootId();
    if (leader.bootId !== undefined && bootId !== undefined && leader.bootId !== bootId) return undefined;
    const all = await this.processTable();
    const current = all.find((s) => s.pid === leader.pid);
    if (current && leader.startTicks !== undefined && current.startTicks !== leader.startTicks) return undefined;
    return all.filter((s) => (s.session === leader.pid || s.pgrp === leader.pid) && s.state !== 'Z');
  }

  /**
   * leaderReused tells, from the leader's own `/proc/<pid>/stat` (no scan of the whole table), whether its pid now
   * belongs to another process or another boot: then its old session and group are empty and must not be signalled.
   */
  private async leaderReused(leader: ProcessIdentity): Promise<boolean> {
    const bootId = await readBootId();
    if (leader.bootId !== undefined && bootId !== undefined && leader.bootId !== bootId) return true;
    const current = await readProcStat(leader.pid);
    return current !== undefined && leader.startTicks !== undefined && current.startTicks !== leader.startTicks;
  }

  /**
   * processTable is one scan of `/proc`, shared by every caller that asks while it runs. Killing every container at
   * once (an agent's `destroyAll`, a framework's shutdown) or reading every container's usage for
   * `/monitor/statistics` then costs one scan, not one per container: 70 containers on a host of 700 processes read
   * 49,000 files per statistics answer (10 s and more) and, for a kill of them all, ran out of descriptors. A caller
   * may get a scan that began just before it asked; a process that left its group during that instant is caught by
   * the SIGKILL that follows the grace period or the one sent when the container's root exits.
   */
  private processTable(): Promise<ProcStat[]> {
    this.scan ??= listProcStats().finally(() => {
      this.scan = undefined;
    });
    return this.scan;
  }
}

/** ExitTracker records a child's exit from the moment it is spawned, so a very short-lived task is not missed. */
class ExitTracker {
  exit: ProcessExit | undefined;
  readonly listeners = new Set<(exit: ProcessExit) => void>();

  constructor(private readonly child: ChildProcess) {
    child.once('exit', this.onChildExit);
    // process.kill is used for signals, so the child emits no 'error' after a successful spawn; a listener still
    // keeps an unexpected one from crashing the agent.
    child.on('error', noteChildError);
  }

  stop(): void {
    this.listeners.clear();
    this.child.off('exit', this.onChildExit);
    this.child.off('error', noteChildError);
  }

  private readonly onChildExit = (code: number | null, signal: NodeJS.Signals | null): void => {
    const exit = { code, signal };
    this.exit = exit;
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const l of listeners) l(exit);
  };
}

class NodeSpawnedProcess implements SpawnedProcess {
  constructor(
    private readonly child: ChildProcess,
    private readonly exits: ExitTracker,
    readonly identity: ProcessIdentity,
  ) {}

  onExit(listener: (exit: ProcessExit) => void): Disposable {
    const exit = this.exits.exit;
    if (exit) {
      let cancelled = false;
      queueMicrotask(() => {
        if (!cancelled) listener(exit);
      });
      return toDisposable(() => void (cancelled = true));
    }
    this.exits.listeners.add(listener);
    return toDisposable(() => void this.exits.listeners.delete(listener));
  }

  release(): void {
    this.exits.stop();
    // Node keeps reaping the child (no zombie is left behind) but no longer waits for it before exiting.
    this.child.unref();
  }
}

function noteChildError(err: Error): void {
  process.emitWarning(`child process error: ${err.message}`);
}

async function resolveUser(name: string): Promise<{ uid?: number; gid?: number }> {
  if (typeof process.getuid !== 'function') return {};
  if (name === userInfo().username) return {};
  if (process.getuid() !== 0) {
    throw new CoreError('FORBIDDEN', `Failed to switch to user '${name}': the agent is not running as root`);
  }
  const passwd = await readFile('/etc/passwd', 'utf8');
  for (const line of passwd.split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined) return { uid: Number(uid), gid: Number(gid) };
  }
  throw new CoreError('INVALID', `Failed to switch to user '${name}': no such user`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  return signalPid(-pgid, signal);
}

function signalPid(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (err) {
    // ESRCH: already gone. EPERM: not ours (a process that switched user); nothing more we can do.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH' || code === 'EPERM') return false;
    throw err;
  }
}
