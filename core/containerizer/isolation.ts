import { invalid } from '../common/errors.js';

/**
 * Reading Mesos's `--isolation` flag. Mesos fails to start on an isolator name it does not know; Plateau does too,
 * and merely warns about the Mesos isolators it knows but does not implement, so an agent configured for a real Mesos
 * cluster still starts.
 */

/** CgroupIsolatorName names the cgroup isolators Plateau implements. */
export type CgroupIsolatorName = 'cgroups/cpu' | 'cgroups/mem' | 'cgroups/pids';

/** DEFAULT_ISOLATION is Mesos's default `--isolation`: no resource isolation at all. */
export const DEFAULT_ISOLATION = 'posix/cpu,posix/mem';

/** IMPLEMENTED_ISOLATORS are the names that change what Plateau does. */
export const IMPLEMENTED_ISOLATORS: readonly string[] = ['cgroups/cpu', 'cgroups/mem', 'cgroups/pids', 'cgroups/all', 'posix/cpu', 'posix/mem', 'namespaces/pid', 'namespaces/ipc', 'filesystem/posix'];

// Mesos 1.11's other isolator names: accepted with a warning, so a Mesos agent's flags work unchanged.
const KNOWN_UNIMPLEMENTED = new Set([
  'appc/runtime',
  'cgroups/blkio',
  'cgroups/cpuset',
  'cgroups/devices',
  'cgroups/hugetlb',
  'cgroups/net_cls',
  'cgroups/net_prio',
  'cgroups/perf_event',
  'disk/du',
  'disk/xfs',
  'docker/runtime',
  'docker/volume',
  'environment_secret',
  'filesystem/linux',
  'filesystem/shared',
  'gpu/nvidia',
  'linux/capabilities',
  'linux/devices',
  'linux/nnp',
  'linux/seccomp',
  'network/cni',
  'network/port_mapping',
  'network/ports',
  'posix/disk',
  'posix/rlimits',
  'volume/host_path',
  'volume/image',
  'volume/sandbox_path',
  'volume/secret',
]);

/** Isolation is what an `--isolation` flag asks for. */
export interface Isolation {
  /** cgroups are the cgroup isolators to run, in a fixed order (cpu, mem, pids). */
  cgroups: CgroupIsolatorName[];
  /** ignored are known Mesos isolators Plateau does not implement (worth a warning). */
  ignored: string[];
}

/**
 * parseIsolation reads a comma-separated `--isolation` value. `cgroups/all` means every cgroup isolator Plateau has.
 * Unknown names throw `INVALID`, as Mesos refuses to start with them.
 */
export function parseIsolation(flag: string): Isolation {
  const names = flag
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const cgroups = new Set<CgroupIsolatorName>();
  const ignored: string[] = [];
  for (const name of names) {
    if (name === 'cgroups/all') {
      for (const n of ['cgroups/cpu', 'cgroups/mem', 'cgroups/pids'] as const) cgroups.add(n);
    } else if (name === 'cgroups/cpu' || name === 'cgroups/mem' || name === 'cgroups/pids') {
      cgroups.add(name);
    } else if (KNOWN_UNIMPLEMENTED.has(name)) {
      ignored.push(name);
    } else if (!IMPLEMENTED_ISOLATORS.includes(name)) {
      throw invalid(`Unknown or unsupported isolator '${name}'`);
    }
  }
  const order: CgroupIsolatorName[] = ['cgroups/cpu', 'cgroups/mem', 'cgroups/pids'];
  return { cgroups: order.filter((n) => cgroups.has(n)), ignored };
}
