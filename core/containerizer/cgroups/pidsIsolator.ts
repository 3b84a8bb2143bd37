import type { ResourceStatistics } from '../resourceStatistics.js';
import type { CgroupController, CgroupFs } from './cgroupFs.js';
import type { CgroupIsolator } from './cgroupIsolator.js';

/** DEFAULT_PIDS_LIMIT is the default `--cgroups_pids_limit`: plenty for a service, a wall for a fork bomb. */
export const DEFAULT_PIDS_LIMIT = 4096;

/**
 * PidsIsolator is `cgroups/pids`: a cap on the number of processes and threads in the container (`pids.max`), so a
 * fork bomb exhausts its own budget instead of the host's pid space. Mesos's `cgroups/pids` only accounts; the limit
 * is Plateau's (`--cgroups_pids_limit`).
 */
export class PidsIsolator implements CgroupIsolator {
  readonly name = 'cgroups/pids';
  readonly controllers: readonly CgroupController[] = ['pids'];

  constructor(
    private readonly fs: CgroupFs,
    private readonly limit: number = DEFAULT_PIDS_LIMIT,
  ) {}

  async prepare(cgroup: string): Promise<void> {
    if (this.limit > 0) await this.fs.write(cgroup, 'pids', 'pids.max', String(Math.floor(this.limit)));
  }

  usage(): Promise<Partial<ResourceStatistics>> {
    // Processes and threads are counted for every container by the containerizer, from the cgroup's own lists.
    return Promise.resolve({});
  }
}
