import { invalid } from '../../common/errors.js';
import type { LaunchSpec } from '../containerizer.js';
import type { ContainerCreateBody } from './dockerClient.js';
import type { DockerInfo } from './dockerInfo.js';
import { applyDockerParameters, networkParameter } from './dockerParameters.js';

/** CPU_SHARES_PER_CPU is Mesos's `CPU_SHARES_PER_CPU`: `cpus: 1` is 1024 cgroup CPU shares. */
export const CPU_SHARES_PER_CPU = 1024;
/** MIN_CPU_SHARES is Mesos's floor for shares (the kernel's own minimum). */
export const MIN_CPU_SHARES = 2;
/** CPU_CFS_PERIOD_US is Mesos's CFS period, 100 ms; the quota is `cpus` periods' worth. */
export const CPU_CFS_PERIOD_US = 100_000;
/** MIN_CPU_CFS_QUOTA_US is Mesos's floor for the CFS quota, 1 ms (the kernel refuses less). */
export const MIN_CPU_CFS_QUOTA_US = 1_000;
/** MIN_MEMORY_BYTES is Mesos's `MIN_MEMORY`, 32 MB: smaller limits would kill the container before it starts. */
export const MIN_MEMORY_BYTES = 32 * 1024 * 1024;

/** DEFAULT_SANDBOX_MOUNT is where the sandbox appears inside the container (Mesos's `--sandbox_directory`). */
export const DEFAULT_SANDBOX_MOUNT = '/mnt/mesos/sandbox';

/** HOST_DEFAULT_PATH is the `PATH` the agent gives every task; inside an image the image's own `PATH` should win. */
const HOST_DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** CreateBodyContext is what the containerizer adds to a launch: labels, where the sandbox goes, lxcfs files. */
export interface CreateBodyContext {
  labels: Record<string, string>;
  /** sandboxMount is the container path of the sandbox; default `/mnt/mesos/sandbox`. */
  sandboxMount?: string;
  /** lxcfsProcFiles are host files (e.g. `/var/lib/lxcfs/proc/meminfo`) bind-mounted read-only over `/proc/<name>`. */
  lxcfsProcFiles?: string[];
}

/** containerName is the Docker name of a container, `mesos-<container id>` as Mesos names them. */
export function containerName(containerId: string): string {
  return `mesos-${containerId}`;
}

/**
 * dockerCreateBody translates a launch into the Engine API's create body, the way Mesos's `Docker::RunOptions::create`
 * builds `docker run` arguments: CPU shares and CFS quota from `cpus`, a memory limit from `mem` (swap disabled, so
 * the limit is what the task gets), the environment with `MESOS_SANDBOX` pointing at the mounted sandbox, volumes,
 * network and port mappings (host ports must come from the task's `ports`), and finally the free-form `parameters`,
 * which may override any of it, as extra `docker run` flags would. Throws `INVALID` for what Docker or Mesos refuses.
 */
export function dockerCreateBody(spec: LaunchSpec, info: DockerInfo, ctx: CreateBodyContext): ContainerCreateBody {
  const sandboxMount = ctx.sandboxMount ?? DEFAULT_SANDBOX_MOUNT;
  const name = containerName(spec.containerId);
  const env: Record<string, string> = { ...spec.env };
  if (env.PATH === HOST_DEFAULT_PATH) delete env.PATH;
  env.MESOS_SANDBOX = sandboxMount;
  env.MESOS_CONTAINER_NAME = name;
  const body: ContainerCreateBody = {
    name,
    Image: info.image,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: { ...ctx.labels },
    HostConfig: { Privileged: info.privileged },
  };

  const command = spec.command;
  if (command.shell) {
    // As in Mesos (MESOS-1770): a shell command runs in `/bin/sh`, not through the image's entrypoint.
    if (command.value === undefined || command.value === '') throw invalid('Shell specified but no command value provided');
    body.Entrypoint = ['/bin/sh'];
    body.Cmd = ['-c', command.value];
  } else {
    // As in Mesos's docker containerizer: `value` and then every argument become the image entrypoint's arguments;
    // with neither, the image's own entrypoint and command run.
    const argv = [...(command.value !== undefined && command.value !== '' ? [command.value] : []), ...(command.arguments ?? [])];
    if (argv.length > 0) body.Cmd = argv;
  }

  const override = networkParameter(info.parameters);
  const mode = override ?? { HOST: 'host', BRIDGE: 'bridge', NONE: 'none', USER: info.networkName ?? '' }[info.network];
  body.HostConfig.NetworkMode = mode;
  if (info.hostname !== undefined) {
    if (mode === 'host') throw invalid('Unable to set hostname with host network mode');
    body.Hostname = info.hostname;
  }
  if (info.portMappings.length > 0) {
    if (mode === 'host' || mode === 'none') throw invalid('Port mappings are only supported for bridge and user-defined networks');
    const ranges = spec.hostPorts ?? [];
    if (ranges.length === 0) throw invalid('Port mappings require port resources');
    body.HostConfig.PortBindings = {};
    body.ExposedPorts = {};
    for (const m of info.portMappings) {
      if (!ranges.some((r) => m.hostPort >= r.begin && m.hostPort <= r.end)) throw invalid(`Port [${m.hostPort}] not included in resources`);
      const port = `${m.containerPort}/${m.protocol ?? 'tcp'}`;
      body.HostConfig.PortBindings[port] = [...(body.HostConfig.PortBindings[port] ?? []), { HostPort: String(m.hostPort) }];
      body.ExposedPorts[port] = {};
    }
  }

  const cpus = spec.resources?.cpus;
  if (cpus !== undefined && cpus > 0) {
    body.HostConfig.CpuShares = Math.max(Math.floor(CPU_SHARES_PER_CPU * cpus), MIN_CPU_SHARES);
    body.HostConfig.CpuPeriod = CPU_CFS_PERIOD_US;
    body.HostConfig.CpuQuota = Math.max(Math.floor(CPU_CFS_PERIOD_US * cpus), MIN_CPU_CFS_QUOTA_US);
  }
  const mem = spec.resources?.mem;
  if (mem !== undefined && mem > 0) {
    body.HostConfig.Memory = Math.max(Math.floor(mem * 1024 * 1024), MIN_MEMORY_BYTES);
    body.HostConfig.MemorySwap = body.HostConfig.Memory;
  }

  const binds: string[] = [];
  let volumeDriver: string | undefined;
  for (const v of info.volumes) {
    const target = v.containerPath.startsWith('/') ? v.containerPath : `${sandboxMount}/${v.containerPath}`;
    const mode = v.mode === 'RO' ? 'ro' : 'rw';
    if (v.hostPath !== undefined) {
      if (!v.hostPath.startsWith('/') && !v.containerPath.startsWith('/')) {
        throw invalid(`Both host_path '${v.hostPath}' and container_path '${v.containerPath}' of a volume are relative`);
      }
      const source = v.hostPath.startsWith('/') ? v.hostPath : `${spec.sandboxDir}/${v.hostPath}`;
      binds.push(`${source}:${target}:${mode}`);
    } else if (v.dockerVolume) {
      if (v.dockerVolume.driver !== undefined) {
        if (volumeDriver !== undefined && volumeDriver !== v.dockerVolume.driver) throw invalid('Only one volume driver is supported');
        volumeDriver = v.dockerVolume.driver;
      }
      binds.push(`${v.dockerVolume.name}:${target}:${mode}`);
    }
  }
  binds.push(`${spec.sandboxDir}:${sandboxMount}:rw`);
  for (const file of ctx.lxcfsProcFiles ?? []) binds.push(`${file}:/proc/${file.slice(file.lastIndexOf('/') + 1)}:ro`);
  body.HostConfig.Binds = binds;
  if (volumeDriver !== undefined) body.HostConfig.VolumeDriver = volumeDriver;

  applyDockerParameters(body, info.parameters);
  // A `label` parameter may add labels but never replace ours: recovery finds containers by them.
  body.Labels = { ...body.Labels, ...ctx.labels };
  return body;
}
