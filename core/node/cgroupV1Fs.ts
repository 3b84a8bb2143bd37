import { mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreError } from '../common/errors.js';
import type { CgroupController, CgroupFs } from '../containerizer/cgroups/cgroupFs.js';
import { killPidsUntilEmpty, retryWhileBusy, signalPids, sleep } from './cgroupKill.js';

/**
 * CgroupV1Fs is `CgroupFs` over cgroup v1: one hierarchy per controller (or per group of co-mounted controllers,
 * such as `cpu,cpuacct`), each mounted somewhere under `/sys/fs/cgroup`; a cgroup is one directory in each.
 */
export class CgroupV1Fs implements CgroupFs {
  readonly version = 1 as const;
  readonly controllers: ReadonlySet<CgroupController>;
  /** ensured are the ancestor directories already created and (for cpuset) given CPUs and memory nodes. */
  private readonly ensured = new Set<string>();

  /** `mounts` maps each controller to its hierarchy's mount point (see `detectCgroupFs`). */
  constructor(private readonly mounts: ReadonlyMap<CgroupController, string>) {
    this.controllers = new Set(mounts.keys());
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
    const parts = segments(cgroup);
    // One hierarchy does not depend on another, so they are made side by side.
    await Promise.all(this.mountsOf(controllers).map((mount) => this.createIn(mount, parts)));
  }

  private async createIn(mount: string, parts: string[]): Promise<void> {
    const cpuset = this.mounts.get('cpuset') === mount;
    // Ancestors first: a cpuset cgroup accepts no process until it has CPUs and memory nodes, which it copies from
    // its parent at creation only when the parent has `cgroup.clone_children` set (as every ancestor made here has).
    for (let i = 1; i < parts.length; i++) {
      const dir = join(mount, ...parts.slice(0, i));
      if (this.ensured.has(dir)) continue;
      await mkdirIfMissing(dir);
      if (cpuset) await prepareCpusetParent(dir);
      this.ensured.add(dir);
    }
    await mkdirIfMissing(join(mount, ...parts));
  }

  async write(cgroup: string, controller: CgroupController, file: string, value: string): Promise<void> {
    const mount = this.mounts.get(controller);
    if (mount === undefined) throw new CoreError('UNAVAILABLE', `The cgroup controller '${controller}' is not mounted`);
    const path = join(mount, ...segments(cgroup), file);
    try {
      await writeFile(path, value);
    } catch (err) {
      throw new CoreError('INTERNAL', `Failed to write '${value}' to '${path}': ${(err as Error).message}`, { cause: err });
    }
  }

  async read(cgroup: string, controller: CgroupController, file: string): Promise<string | undefined> {
    const mount = this.mounts.get(controller);
    if (mount === undefined) return undefined;
    return readOptional(join(mount, ...segments(cgroup), file));
  }

  async pids(cgroup: string): Promise<number[]> {
    const all = new Set<number>();
    const lists = await Promise.all(this.allMounts().map((m) => readOptional(join(m, ...segments(cgroup), 'cgroup.procs'))));
    for (const text of lists) for (const pid of parsePids(text)) all.add(pid);
    return [...all];
  }

  async signal(cgroup: string, signal: NodeJS.Signals): Promise<void> {
    signalPids(await this.pids(cgroup), signal);
  }

  async kill(cgroup: string, timeoutMs = 5000): Promise<void> {
    const freezer = this.mounts.get('freezer');
    const state = freezer === undefined ? undefined : join(freezer, ...segments(cgroup), 'freezer.state');
    await killPidsUntilEmpty(() => this.pids(cgroup), timeoutMs, async (round, kill) => {
      // The processes are in a PID namespace, so killing its init takes the rest down atomically; the freezer is only
      // needed for a cgroup that keeps forking past two rounds of SIGKILL (as Mesos's LinuxLauncher freezes first).
      if (round < 2 || state === undefined || (await readOptional(state)) === undefined) return kill();
      await writeFile(state, 'FROZEN').catch(() => undefined);
      for (let i = 0; i < 100 && (await readOptional(state))?.trim() === 'FREEZING'; i++) await sleep(1);
      await kill();
      await writeFile(state, 'THAWED').catch(() => undefined);
    });
  }

  async remove(cgroup: string): Promise<void> {
    for (const mount of this.allMounts()) {
      const dir = join(mount, ...segments(cgroup));
      await retryWhileBusy(dir, () => rmdir(dir));
    }
  }

  async children(parent: string): Promise<string[]> {
    const names = new Set<string>();
    for (const mount of this.allMounts()) {
      try {
        for (const entry of await readdir(join(mount, ...segments(parent)), { withFileTypes: true })) if (entry.isDirectory()) names.add(entry.name);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    return [...names].sort();
  }

  procsFiles(cgroup: string, controllers: readonly CgroupController[]): string[] {
    return this.mountsOf(controllers).map((m) => join(m, ...segments(cgroup), 'cgroup.procs'));
  }

  private mountsOf(controllers: readonly CgroupController[]): string[] {
    const out: string[] = [];
    for (const c of controllers) {
      const m = this.mounts.get(c);
      if (m !== undefined && !out.includes(m)) out.push(m);
    }
    return out;
  }

  private allMounts(): string[] {
    return [...new Set(this.mounts.values())];
  }
}

async function prepareCpusetParent(dir: string): Promise<void> {
  if ((await readOptional(join(dir, 'cpuset.cpus')))?.trim() === '') await copyCpuset(join(dir, '..'), dir);
  await writeFile(join(dir, 'cgroup.clone_children'), '1');
}

async function copyCpuset(from: string, to: string): Promise<void> {
  for (const file of ['cpuset.cpus', 'cpuset.mems']) {
    const value = (await readOptional(join(from, file)))?.trim() ?? '';
    if (value !== '') await writeFile(join(to, file), value);
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

/** readOptional reads a control file, or undefined when it (or its cgroup) does not exist. */
export async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENODEV') return undefined;
    throw err;
  }
}

/** isMissing says whether `err` (or its cause) is ENOENT. */
export function isMissing(err: unknown): boolean {
  const e = err as (NodeJS.ErrnoException & { cause?: unknown }) | undefined;
  return e?.code === 'ENOENT' || (e?.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** parsePids reads a `cgroup.procs` listing. */
export function parsePids(text: string | undefined): number[] {
  const out: number[] = [];
  for (const line of (text ?? '').split('\n')) {
    const n = Number(line.trim());
    if (line.trim() !== '' && Number.isInteger(n) && n > 0) out.push(n);
  }
  return out;
}

/** segments splits a relative cgroup path, refusing anything that could climb out of the hierarchy. */
export function segments(cgroup: string): string[] {
  const parts = cgroup.split('/').filter((p) => p !== '');
  if (parts.length === 0 || parts.some((p) => p === '.' || p === '..')) throw new CoreError('INVALID', `Invalid cgroup path '${cgroup}'`);
  return parts;
}
