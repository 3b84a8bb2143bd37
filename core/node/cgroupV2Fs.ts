import { existsSync } from 'node:fs';
import { mkdir, readdir, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreError } from '../common/errors.js';
import type { CgroupController, CgroupFs } from '../containerizer/cgroups/cgroupFs.js';
import { killPidsUntilEmpty, retryWhileBusy, signalPids } from './cgroupKill.js';
import { isMissing, parsePids, readOptional, segments } from './cgroupV1Fs.js';

// v1 controller name -> the v2 controller that serves it (undefined: a core feature of every v2 cgroup).
const V2_NAME: Record<CgroupController, string | undefined> = { cpu: 'cpu', cpuacct: 'cpu', cpuset: 'cpuset', memory: 'memory', pids: 'pids', freezer: undefined };

/**
 * CgroupV2Fs is `CgroupFs` over the unified cgroup v2 hierarchy (normally `/sys/fs/cgroup`): one directory per
 * cgroup, with controllers switched on for it in each ancestor's `cgroup.subtree_control`; CPU time comes from the
 * core `cpu.stat`, killing from `cgroup.kill` (Linux 5.14+).
 */
export class CgroupV2Fs implements CgroupFs {
  readonly version = 2 as const;
  readonly controllers: ReadonlySet<CgroupController>;
  private readonly ensured = new Set<string>();

  /** `available` are the v2 controllers listed in the root's `cgroup.controllers` (see `detectCgroupFs`). */
  constructor(
    private readonly root: string,
    available: readonly string[],
  ) {
    const out = new Set<CgroupController>(['freezer']);
    for (const [v1, v2] of Object.entries(V2_NAME) as Array<[CgroupController, string | undefined]>) {
      if (v2 !== undefined && available.includes(v2)) out.add(v1);
    }
    this.controllers = out;
  }

  async create(cgroup: string, controllers: readonly CgroupController[]): Promise<void> {
    try {
      await this.createOnce(cgroup, controllers);
    } catch (err) {
      // An ancestor we made earlier was removed behind our back (e.g. the whole root by an operator): start over.
      if (this.ensured.size === 0 || !isMissing(err)) throw err;
      this.ensured.clear();
      await this.createOnce(cgroup, controllers);
    }
  }

  private async createOnce(cgroup: string, controllers: readonly CgroupController[]): Promise<void> {
    const wanted = [...new Set(controllers.map((c) => V2_NAME[c]).filter((c): c is string => c !== undefined && this.controllers.has(c as CgroupController)))];
    const parts = segments(cgroup);
    // Every ancestor, the root included, must delegate the controllers to its children; v2's "no internal processes"
    // rule is respected because only leaves (containers) ever hold processes.
    for (let i = 0; i < parts.length; i++) {
      const dir = join(this.root, ...parts.slice(0, i));
      const key = `${dir}\u0000${wanted.join(',')}`;
      if (i > 0) await mkdirIfMissing(dir);
      if (this.ensured.has(key)) continue;
      const enabled = ((await readOptional(join(dir, 'cgroup.subtree_control'))) ?? '').trim().split(/\s+/);
      const missing = wanted.filter((c) => !enabled.includes(c));
      if (missing.length > 0) {
        const value = missing.map((c) => `+${c}`).join(' ');
        try {
          await writeFile(join(dir, 'cgroup.subtree_control'), value);
        } catch (err) {
          throw new CoreError('INTERNAL', `Failed to enable '${value}' in '${dir}/cgroup.subtree_control': ${(err as Error).message}`, { cause: err });
        }
      }
      this.ensured.add(key);
    }
    await mkdirIfMissing(join(this.root, ...parts));
  }

  async write(cgroup: string, _controller: CgroupController, file: string, value: string): Promise<void> {
    const path = join(this.root, ...segments(cgroup), file);
    try {
      await writeFile(path, value);
    } catch (err) {
      throw new CoreError('INTERNAL', `Failed to write '${value}' to '${path}': ${(err as Error).message}`, { cause: err });
    }
  }

  read(cgroup: string, _controller: CgroupController, file: string): Promise<string | undefined> {
    return readOptional(join(this.root, ...segments(cgroup), file));
  }

  async pids(cgroup: string): Promise<number[]> {
    return parsePids(await readOptional(join(this.root, ...segments(cgroup), 'cgroup.procs')));
  }

  async signal(cgroup: string, signal: NodeJS.Signals): Promise<void> {
    signalPids(await this.pids(cgroup), signal);
  }

  async kill(cgroup: string, timeoutMs = 5000): Promise<void> {
    const dir = join(this.root, ...segments(cgroup));
    const killFile = join(dir, 'cgroup.kill');
    const hasKill = existsSync(killFile);
    await killPidsUntilEmpty(() => this.pids(cgroup), timeoutMs, async (_n, kill) => {
      // cgroup.kill SIGKILLs every process in the subtree atomically with respect to fork.
      if (hasKill) await writeFile(killFile, '1').catch(() => kill());
      else await kill();
    });
  }

  async remove(cgroup: string): Promise<void> {
    const dir = join(this.root, ...segments(cgroup));
    await retryWhileBusy(dir, () => rmdir(dir));
  }

  async children(parent: string): Promise<string[]> {
    try {
      const entries = await readdir(join(this.root, ...segments(parent)), { withFileTypes: true });
      return entries
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  procsFiles(cgroup: string): string[] {
    return [join(this.root, ...segments(cgroup), 'cgroup.procs')];
  }
}

async function mkdirIfMissing(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new CoreError('INTERNAL', `Failed to create cgroup '${dir}': ${(err as Error).message}`, { cause: err });
    }
  }
}
