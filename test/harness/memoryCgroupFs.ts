import type { CgroupController, CgroupFs, CgroupVersion } from '../../core/containerizer/cgroups/cgroupFs.js';

/**
 * MemoryCgroupFs is an in-memory `CgroupFs` for unit tests of what the isolators write and read (the real kernel
 * behaviour is covered by the integration tests): files are a map per cgroup, a v1 cgroup keeps one file namespace
 * per controller, and `writes` records every write in order.
 */
export class MemoryCgroupFs implements CgroupFs {
  readonly controllers: ReadonlySet<CgroupController>;
  readonly files = new Map<string, string>();
  readonly writes: Array<{ cgroup: string; file: string; value: string }> = [];
  readonly cgroups = new Set<string>();

  constructor(
    readonly version: CgroupVersion,
    controllers: readonly CgroupController[] = ['cpu', 'cpuacct', 'cpuset', 'memory', 'pids', 'freezer'],
  ) {
    this.controllers = new Set(controllers);
  }

  /** set seeds a control file, as the kernel would have it. */
  set(cgroup: string, file: string, value: string): void {
    this.files.set(`${cgroup}/${file}`, value);
  }

  create(cgroup: string): Promise<void> {
    this.cgroups.add(cgroup);
    return Promise.resolve();
  }

  write(cgroup: string, _controller: CgroupController, file: string, value: string): Promise<void> {
    this.writes.push({ cgroup, file, value });
    this.files.set(`${cgroup}/${file}`, value);
    return Promise.resolve();
  }

  read(cgroup: string, _controller: CgroupController, file: string): Promise<string | undefined> {
    return Promise.resolve(this.files.get(`${cgroup}/${file}`));
  }

  pids(): Promise<number[]> {
    return Promise.resolve([]);
  }

  signal(): Promise<void> {
    return Promise.resolve();
  }

  kill(): Promise<void> {
    return Promise.resolve();
  }

  remove(cgroup: string): Promise<void> {
    this.cgroups.delete(cgroup);
    return Promise.resolve();
  }

  children(parent: string): Promise<string[]> {
    return Promise.resolve([...this.cgroups].filter((c) => c.startsWith(`${parent}/`)).map((c) => c.slice(parent.length + 1)));
  }

  procsFiles(cgroup: string): string[] {
    return [`/fake/${cgroup}/cgroup.procs`];
  }
}
