import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreError } from '../common/errors.js';
import type { CgroupController, CgroupFs } from '../containerizer/cgroups/cgroupFs.js';
import { CgroupV1Fs } from './cgroupV1Fs.js';
import { CgroupV2Fs } from './cgroupV2Fs.js';

const V1_CONTROLLERS: readonly CgroupController[] = ['cpu', 'cpuacct', 'cpuset', 'memory', 'pids', 'freezer'];

/** CgroupMount is one cgroup file system mount from `/proc/self/mountinfo`. */
export interface CgroupMount {
  mountPoint: string;
  /** root is the path of the hierarchy mounted there (`/` unless a sub-tree is bind-mounted, as in some containers). */
  root: string;
  fsType: 'cgroup' | 'cgroup2';
  /** options are the super-block options; for cgroup v1 they name the hierarchy's controllers. */
  options: string[];
}

/** parseCgroupMounts reads the cgroup and cgroup2 mounts of a `/proc/self/mountinfo` text. */
export function parseCgroupMounts(mountinfo: string): CgroupMount[] {
  const out: CgroupMount[] = [];
  for (const line of mountinfo.split('\n')) {
    const dash = line.indexOf(' - ');
    if (dash < 0) continue;
    const left = line.slice(0, dash).split(' ');
    const [fsType, , superOptions] = line.slice(dash + 3).split(' ');
    if (fsType !== 'cgroup' && fsType !== 'cgroup2') continue;
    const root = left[3];
    const mountPoint = left[4];
    if (root === undefined || mountPoint === undefined) continue;
    out.push({ mountPoint: unescapeOctal(mountPoint), root: unescapeOctal(root), fsType, options: (superOptions ?? '').split(',') });
  }
  return out;
}

/**
 * v1ControllerMounts maps each v1 controller to the mount point of its hierarchy, preferring mounts of the whole
 * hierarchy (root `/`), e.g. `cpu` and `cpuacct` both to `/sys/fs/cgroup/cpu,cpuacct` when they are co-mounted.
 */
export function v1ControllerMounts(mounts: readonly CgroupMount[]): Map<CgroupController, string> {
  const out = new Map<CgroupController, string>();
  for (const m of mounts) {
    if (m.fsType !== 'cgroup' || m.root !== '/') continue;
    for (const c of V1_CONTROLLERS) if (m.options.includes(c) && !out.has(c)) out.set(c, m.mountPoint);
  }
  return out;
}

/** DetectOptions points detection somewhere other than the host's `/sys/fs/cgroup` (used by tests). */
export interface DetectOptions {
  /** unifiedRoot is where the v2 hierarchy is looked for; default `/sys/fs/cgroup`. */
  unifiedRoot?: string;
  /** mountinfo is the text of `/proc/self/mountinfo` (read when absent). */
  mountinfo?: string;
}

/**
 * detectCgroupFs picks the host's cgroup layout: v2 when `/sys/fs/cgroup` is the unified hierarchy (it has
 * `cgroup.controllers`), else v1 from the mounted controller hierarchies. Throws `UNAVAILABLE` without either.
 */
export async function detectCgroupFs(options: DetectOptions = {}): Promise<CgroupFs> {
  const unifiedRoot = options.unifiedRoot ?? '/sys/fs/cgroup';
  let controllers: string | undefined;
  try {
    controllers = await readFile(join(unifiedRoot, 'cgroup.controllers'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (controllers !== undefined) return new CgroupV2Fs(unifiedRoot, controllers.trim().split(/\s+/).filter(Boolean));
  const mountinfo = options.mountinfo ?? (await readFile('/proc/self/mountinfo', 'utf8'));
  const mounts = v1ControllerMounts(parseCgroupMounts(mountinfo));
  if (mounts.size === 0) throw new CoreError('UNAVAILABLE', 'No cgroup hierarchy is mounted (neither a cgroup v2 /sys/fs/cgroup nor cgroup v1 controllers)');
  return new CgroupV1Fs(mounts);
}

function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}
