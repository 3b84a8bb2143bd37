import { invalid } from '../common/errors.js';

/**
 * Sandbox layout, as on a Mesos agent (docs/sandbox.md), so operators and tools find task output where they
 * expect it:
 *
 * ```
 * <work_dir>/slaves/latest -> <work_dir>/slaves/<agentId>
 * <work_dir>/slaves/<agentId>/frameworks/<frameworkId>/executors/<executorId>/runs/latest -> .../runs/<containerId>
 * <work_dir>/slaves/<agentId>/frameworks/<frameworkId>/executors/<executorId>/runs/<containerId>   (the sandbox)
 * ```
 */

/** ExecutorKey names an executor on an agent; its runs (one per container) live under one directory. */
export interface ExecutorKey {
  agentId: string;
  frameworkId: string;
  executorId: string;
}

/** SandboxKey names one run of an executor, i.e. one sandbox. */
export interface SandboxKey extends ExecutorKey {
  containerId: string;
}

/** LATEST_SYMLINK is the name Mesos gives the link to the newest run (and to the current agent directory). */
export const LATEST_SYMLINK = 'latest';

/** SandboxFs is the file-system access sandboxes need; `core/node/nodeSandboxFs.ts` implements it. */
export interface SandboxFs {
  /** makeDirectory creates `path` and missing parents; `mode` applies to `path` itself. */
  makeDirectory(path: string, mode: number): Promise<void>;
  /** replaceSymlink makes `linkPath` point at `target`, replacing whatever link was there. */
  replaceSymlink(target: string, linkPath: string): Promise<void>;
  /** removeTree deletes `path` recursively; a missing path is not an error. */
  removeTree(path: string): Promise<void>;
  /** setOwner hands `path` to `user` (and that user's primary group). */
  setOwner(path: string, user: string): Promise<void>;
}

/**
 * validateSandboxId applies Mesos's id rules (`common/validation.cpp`) to every id that becomes a path component,
 * so a hostile id like `..` or `a/b` cannot place a sandbox outside the work directory.
 */
export function validateSandboxId(kind: string, id: string): void {
  if (id.length === 0) throw invalid(`${kind} must not be empty`);
  if (id.length > 255) throw invalid(`${kind} must not be greater than 255 characters`);
  if (id === '.' || id === '..') throw invalid(`'${id}' is disallowed`);
  // Control characters and both path separators are rejected, as Mesos does.
  if (/[\u0000-\u001f\u007f/\\]/.test(id)) throw invalid(`'${id}' contains invalid characters`);
}

/** agentDir is `<work_dir>/slaves/<agentId>`. */
export function agentDir(workDir: string, agentId: string): string {
  validateSandboxId('Agent ID', agentId);
  return `${trimSlash(workDir)}/slaves/${agentId}`;
}

/** executorDir is the directory holding all runs of an executor. */
export function executorDir(workDir: string, key: ExecutorKey): string {
  validateSandboxId('Framework ID', key.frameworkId);
  validateSandboxId('Executor ID', key.executorId);
  return `${agentDir(workDir, key.agentId)}/frameworks/${key.frameworkId}/executors/${key.executorId}`;
}

/** sandboxDir is the sandbox of one run: `.../executors/<executorId>/runs/<containerId>`. */
export function sandboxDir(workDir: string, key: SandboxKey): string {
  validateSandboxId('Container ID', key.containerId);
  return `${executorDir(workDir, key)}/runs/${key.containerId}`;
}

/** latestRunLink is the `runs/latest` symlink that always points at the executor's newest sandbox. */
export function latestRunLink(workDir: string, key: ExecutorKey): string {
  return `${executorDir(workDir, key)}/runs/${LATEST_SYMLINK}`;
}

/**
 * executorVirtualPath is the path under which `/files` serves an executor's latest sandbox without exposing the
 * agent's work directory (Mesos's `getExecutorVirtualPath`): `/frameworks/<fid>/executors/<eid>/runs/latest`.
 */
export function executorVirtualPath(frameworkId: string, executorId: string): string {
  return `/frameworks/${frameworkId}/executors/${executorId}/runs/${LATEST_SYMLINK}`;
}

/** SANDBOX_MODE keeps private task data away from other users, as Mesos's `createSandboxDirectory` does (0750). */
export const SANDBOX_MODE = 0o750;

/** SandboxCollector is the part of `SandboxGc` that `Sandboxes` hands finished sandboxes to. */
export interface SandboxCollector {
  schedule(path: string): unknown;
}

/**
 * Sandboxes creates and removes sandboxes under one agent work directory. With a collector it also satisfies the
 * agent's `SandboxManager` (`create` + `scheduleGc`).
 */
export class Sandboxes {
  constructor(
    readonly workDir: string,
    private readonly fs: SandboxFs,
    private readonly collector?: SandboxCollector,
  ) {}

  /** pathOf returns where the sandbox for `key` lives (without touching the disk). */
  pathOf(key: SandboxKey): string {
    return sandboxDir(this.workDir, key);
  }

  /**
   * create makes the sandbox (mode 0750, owned by `user` when given) and points `runs/latest` at it, then returns its
   * path. The link is replaced after the directory exists, so `latest` never dangles.
   */
  async create(key: SandboxKey, user?: string): Promise<string> {
    const dir = this.pathOf(key);
    await this.fs.makeDirectory(dir, SANDBOX_MODE);
    if (user !== undefined) await this.fs.setOwner(dir, user);
    await this.fs.replaceSymlink(dir, latestRunLink(this.workDir, key));
    return dir;
  }

  /** linkLatestAgent points `<work_dir>/slaves/latest` at this agent's directory (done once an agent id is known). */
  async linkLatestAgent(agentId: string): Promise<void> {
    const dir = agentDir(this.workDir, agentId);
    await this.fs.makeDirectory(dir, 0o755);
    await this.fs.replaceSymlink(dir, `${trimSlash(this.workDir)}/slaves/${LATEST_SYMLINK}`);
  }

  /** scheduleGc hands a finished sandbox to the collector (a no-op without one), to be removed after `gc_delay`. */
  scheduleGc(dir: string): void {
    this.collector?.schedule(dir);
  }

  /** remove deletes one sandbox now (garbage collection normally does this later; see `SandboxGc`). */
  async remove(key: SandboxKey): Promise<void> {
    await this.fs.removeTree(this.pathOf(key));
  }

  /** removeExecutor deletes every run of an executor, including the `latest` link. */
  async removeExecutor(key: ExecutorKey): Promise<void> {
    await this.fs.removeTree(executorDir(this.workDir, key));
  }
}

function trimSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}
