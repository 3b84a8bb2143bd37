import type { Disposable } from '../common/lifecycle.js';

/**
 * The operating-system operations the posix containerizer needs, kept behind one small interface (Mesos's
 * `Launcher` plus the bits of `os::` it uses) so the containerizer's policy — wrapping, killing, recovering — is
 * separate from Node's child-process and `/proc` plumbing in `core/node/childProcessLauncher.ts`.
 */

/** SpawnRequest describes one detached process: it gets its own session and process group, and no pipes to us. */
export interface SpawnRequest {
  file: string;
  /** args excludes argv0. */
  args: string[];
  argv0?: string;
  env: Record<string, string>;
  cwd: string;
  /** stdoutPath and stderrPath are opened for append and given to the process directly, so it outlives us. */
  stdoutPath: string;
  stderrPath: string;
  /** user, when set, is the account to run as (requires root unless it is the current user). */
  user?: string;
}

/** ProcessIdentity names one process instance: a pid plus what tells it apart from a later process with the same pid. */
export interface ProcessIdentity {
  pid: number;
  /** startTicks is field 22 of `/proc/<pid>/stat` (start time in clock ticks after boot); absent without procfs. */
  startTicks?: number;
  /** bootId is `/proc/sys/kernel/random/boot_id`; absent without procfs. */
  bootId?: string;
}

/** ProcessProbe is what `probe` saw of a live pid. */
export interface ProcessProbe extends ProcessIdentity {
  /** state is the one-letter state from `/proc/<pid>/stat` (`Z` for a zombie), or `?` without procfs. */
  state: string;
}

/** ProcessExit is how a child we spawned ended, as Node's `exit` event reports it. */
export interface ProcessExit {
  code: number | null;
  signal: string | null;
}

/** SpawnedProcess is the handle on a process we are the parent of. */
export interface SpawnedProcess {
  readonly identity: ProcessIdentity;
  /** onExit calls `listener` once when the process ends; dispose the result to stop listening. */
  onExit(listener: (exit: ProcessExit) => void): Disposable;
  /** release stops watching the process (drops listeners, lets Node exit without it); the process keeps running. */
  release(): void;
}

/** ProcessTreeUsage sums the resource use of every process in a session. */
export interface ProcessTreeUsage {
  processes: number;
  threads: number;
  userSecs: number;
  systemSecs: number;
  rssBytes: number;
}

/** ProcessLauncher is the posix containerizer's window onto the operating system. */
export interface ProcessLauncher {
  /** spawn starts a detached process in a new session and resolves once it exists (rejects if it could not start). */
  spawn(request: SpawnRequest): Promise<SpawnedProcess>;
  /** probe reports a pid that currently exists (zombies included, with state `Z`), or undefined. */
  probe(pid: number): Promise<ProcessProbe | undefined>;
  /**
   * signalSession sends `signal` to every process in the session and process group led by `leader`, unless the
   * leader's pid now belongs to a different process (then the old session is necessarily empty). Resolves to the
   * number of processes signalled (approximate without procfs).
   */
  signalSession(leader: ProcessIdentity, signal: NodeJS.Signals): Promise<number>;
  /** sessionUsage sums the usage of the live processes in the session led by `leader`. */
  sessionUsage(leader: ProcessIdentity): Promise<ProcessTreeUsage>;
  /** readText reads a small file, or resolves undefined when it does not exist. */
  readText(path: string): Promise<string | undefined>;
  /** writeText writes a small file, creating its parent directory (but not further ancestors, so a missing sandbox is an error). */
  writeText(path: string, text: string): Promise<void>;
}
