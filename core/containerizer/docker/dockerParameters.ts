import { invalid } from '../../common/errors.js';
import type { ContainerCreateBody, ContainerHostConfig } from './dockerClient.js';

/**
 * `DockerInfo.parameters` are arbitrary `docker run` flags (`{key: "label", value: "a=b"}` is `--label=a=b`). Mesos
 * hands them to the docker CLI; Plateau talks to the Engine API, so each supported flag is translated to the
 * create-body field the CLI would have set, and any other flag fails the launch with a message naming it (a silently
 * ignored flag would be worse: the task would run without what it asked for).
 */

type Apply = (body: ContainerCreateBody, value: string, key: string) => void;

const MANAGED: Record<string, string> = {
  name: 'the container is named mesos-<container id> by the docker containerizer',
  rm: 'the docker containerizer removes exited containers after --docker_remove_delay',
  detach: 'the docker containerizer always runs containers detached',
  restart: 'restarts are the scheduler\'s job (a restarted container would outlive its task)',
  'restart-policy': 'restarts are the scheduler\'s job (a restarted container would outlive its task)',
  tty: 'the task\'s output is streamed to the sandbox without a TTY',
  interactive: 'tasks get no stdin',
  attach: 'tasks get no stdin',
  cidfile: 'the docker containerizer tracks containers by name and labels',
};

/** FOLLOWABLE_LOG_DRIVERS are the log drivers whose logs the daemon can stream back (so the sandbox gets them). */
const FOLLOWABLE_LOG_DRIVERS = ['json-file', 'local', 'journald'];

const HANDLERS: Record<string, Apply> = {
  'add-host': (b, v) => add(host(b), 'ExtraHosts', v),
  'blkio-weight': (b, v, k) => (host(b).BlkioWeight = integer(v, k)),
  'cap-add': (b, v) => add(host(b), 'CapAdd', v),
  'cap-drop': (b, v) => add(host(b), 'CapDrop', v),
  'cpu-period': (b, v, k) => (host(b).CpuPeriod = integer(v, k)),
  'cpu-quota': (b, v, k) => (host(b).CpuQuota = integer(v, k)),
  'cpu-shares': (b, v, k) => (host(b).CpuShares = integer(v, k)),
  cpus: (b, v, k) => {
    const cpus = Number(v);
    if (!Number.isFinite(cpus) || cpus <= 0) throw badValue(k, v, 'a positive number');
    host(b).CpuPeriod = 100_000;
    host(b).CpuQuota = Math.round(cpus * 100_000);
  },
  'cpuset-cpus': (b, v) => (host(b).CpusetCpus = v),
  'cpuset-mems': (b, v) => (host(b).CpusetMems = v),
  device: (b, v, k) => {
    const [onHost, inContainer, perms] = v.split(':');
    if (!onHost) throw badValue(k, v, 'HOST[:CONTAINER[:PERMISSIONS]]');
    add(host(b), 'Devices', { PathOnHost: onHost, PathInContainer: inContainer || onHost, CgroupPermissions: perms || 'rwm' });
  },
  dns: (b, v) => add(host(b), 'Dns', v),
  'dns-search': (b, v) => add(host(b), 'DnsSearch', v),
  'dns-opt': (b, v) => add(host(b), 'DnsOptions', v),
  'dns-option': (b, v) => add(host(b), 'DnsOptions', v),
  domainname: (b, v) => (b.Domainname = v),
  entrypoint: (b, v) => (b.Entrypoint = [v]),
  env: (b, v, k) => {
    if (!v.includes('=')) throw badValue(k, v, 'NAME=VALUE');
    b.Env = [...(b.Env ?? []).filter((e) => !e.startsWith(`${v.slice(0, v.indexOf('='))}=`)), v];
  },
  expose: (b, v) => {
    b.ExposedPorts ??= {};
    b.ExposedPorts[v.includes('/') ? v : `${v}/tcp`] = {};
  },
  'group-add': (b, v) => add(host(b), 'GroupAdd', v),
  hostname: (b, v) => (b.Hostname = v),
  init: (b, v, k) => (host(b).Init = flag(v, k)),
  ip: (b, v) => (endpoint(b).IPAMConfig = { ...endpoint(b).IPAMConfig, IPv4Address: v }),
  ip6: (b, v) => (endpoint(b).IPAMConfig = { ...endpoint(b).IPAMConfig, IPv6Address: v }),
  ipc: (b, v) => (host(b).IpcMode = v),
  label: (b, v) => {
    const i = v.indexOf('=');
    b.Labels = { ...b.Labels, [i < 0 ? v : v.slice(0, i)]: i < 0 ? '' : v.slice(i + 1) };
  },
  link: (b, v) => add(host(b), 'Links', v.includes(':') ? v : `${v}:${v}`),
  'log-driver': (b, v, k) => {
    if (!FOLLOWABLE_LOG_DRIVERS.includes(v)) throw badValue(k, v, `one of ${FOLLOWABLE_LOG_DRIVERS.join(', ')} (the sandbox's stdout/stderr are read back from the log driver)`);
    host(b).LogConfig = { ...host(b).LogConfig, Type: v };
  },
  'log-opt': (b, v, k) => {
    const i = v.indexOf('=');
    if (i <= 0) throw badValue(k, v, 'KEY=VALUE');
    const current = host(b).LogConfig ?? { Type: 'json-file' };
    host(b).LogConfig = { ...current, Config: { ...current.Config, [v.slice(0, i)]: v.slice(i + 1) } };
  },
  'mac-address': (b, v) => (b.MacAddress = v),
  memory: (b, v, k) => (host(b).Memory = bytes(v, k)),
  'memory-reservation': (b, v, k) => (host(b).MemoryReservation = bytes(v, k)),
  'memory-swap': (b, v, k) => (host(b).MemorySwap = v === '-1' ? -1 : bytes(v, k)),
  'network-alias': (b, v) => (endpoint(b).Aliases = [...(endpoint(b).Aliases ?? []), v]),
  'net-alias': (b, v) => (endpoint(b).Aliases = [...(endpoint(b).Aliases ?? []), v]),
  'oom-kill-disable': (b, v, k) => (host(b).OomKillDisable = flag(v, k)),
  'oom-score-adj': (b, v, k) => (host(b).OomScoreAdj = integer(v, k)),
  pid: (b, v) => (host(b).PidMode = v),
  'pids-limit': (b, v, k) => (host(b).PidsLimit = integer(v, k)),
  privileged: (b, v, k) => (host(b).Privileged = flag(v, k)),
  publish: (b, v, k) => {
    const m = /^(?:(\[[^\]]+\]|[^:]*):)?(\d*):(\d+)(?:\/(tcp|udp|sctp))?$/.exec(v);
    if (!m) throw badValue(k, v, '[IP:]HOST_PORT:CONTAINER_PORT[/PROTOCOL]');
    const port = `${m[3] as string}/${m[4] ?? 'tcp'}`;
    const binding = { ...(m[1] ? { HostIp: m[1].replace(/^\[|\]$/g, '') } : {}), HostPort: m[2] ?? '' };
    const bindings = (host(b).PortBindings ??= {});
    bindings[port] = [...(bindings[port] ?? []), binding];
    b.ExposedPorts = { ...b.ExposedPorts, [port]: {} };
  },
  'read-only': (b, v, k) => (host(b).ReadonlyRootfs = flag(v, k)),
  'security-opt': (b, v) => add(host(b), 'SecurityOpt', v),
  'shm-size': (b, v, k) => (host(b).ShmSize = bytes(v, k)),
  'stop-signal': (b, v) => (b.StopSignal = v),
  'stop-timeout': (b, v, k) => (b.StopTimeout = integer(v, k)),
  sysctl: (b, v, k) => {
    const i = v.indexOf('=');
    if (i <= 0) throw badValue(k, v, 'NAME=VALUE');
    host(b).Sysctls = { ...host(b).Sysctls, [v.slice(0, i)]: v.slice(i + 1) };
  },
  tmpfs: (b, v) => {
    const i = v.indexOf(':');
    host(b).Tmpfs = { ...host(b).Tmpfs, [i < 0 ? v : v.slice(0, i)]: i < 0 ? '' : v.slice(i + 1) };
  },
  ulimit: (b, v, k) => {
    const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(v);
    if (!m) throw badValue(k, v, 'NAME=SOFT[:HARD]');
    const soft = Number(m[2]);
    add(host(b), 'Ulimits', { Name: m[1] as string, Soft: soft, Hard: m[3] === undefined ? soft : Number(m[3]) });
  },
  user: (b, v) => (b.User = v),
  uts: (b, v) => (host(b).UTSMode = v),
  volume: (b, v) => add(host(b), 'Binds', v),
  'volume-driver': (b, v) => (host(b).VolumeDriver = v),
  'volumes-from': (b, v) => add(host(b), 'VolumesFrom', v),
  workdir: (b, v) => (b.WorkingDir = v),
};

/** SUPPORTED_DOCKER_PARAMETERS lists the `docker run` flags `applyDockerParameters` understands (plus `net`/`network`). */
export const SUPPORTED_DOCKER_PARAMETERS: readonly string[] = [...Object.keys(HANDLERS), 'net', 'network'].sort();

/**
 * applyDockerParameters applies `parameters` to `body` in order, as the docker CLI applies repeated flags. `net` and
 * `network` are handled by the caller (they replace the DockerInfo network, as in Mesos) and are skipped here.
 * Throws `INVALID` naming the first flag it does not support or whose value it cannot parse.
 */
export function applyDockerParameters(body: ContainerCreateBody, parameters: ReadonlyArray<{ key: string; value: string }>): void {
  for (const p of parameters) {
    const key = p.key.replace(/^-+/, '');
    if (key === 'net' || key === 'network') continue;
    const reason = MANAGED[key];
    if (reason !== undefined) throw invalid(`Docker parameter '--${key}' is not allowed: ${reason}`);
    const apply = HANDLERS[key];
    if (!apply) throw invalid(`Unsupported docker parameter '--${key}=${p.value}'; supported: ${SUPPORTED_DOCKER_PARAMETERS.join(', ')}`);
    apply(body, p.value, key);
  }
}

/** networkParameter returns the value of the first `net`/`network` parameter, which overrides the DockerInfo network. */
export function networkParameter(parameters: ReadonlyArray<{ key: string; value: string }>): string | undefined {
  return parameters.find((p) => ['net', 'network'].includes(p.key.replace(/^-+/, '')))?.value;
}

/**
 * parseBytes reads a docker size such as `512m`, `1g`, `1.5GiB` or `1048576` (binary units, as `docker run -m`).
 * It returns undefined for anything else.
 */
export function parseBytes(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp])?(?:i?b)?$/i.exec(text.trim());
  if (!m) return undefined;
  const power = m[2] ? 'kmgtp'.indexOf(m[2].toLowerCase()) + 1 : 0;
  return Math.round(Number(m[1]) * 1024 ** power);
}

function host(b: ContainerCreateBody): ContainerCreateBody['HostConfig'] {
  return b.HostConfig;
}

function endpoint(b: ContainerCreateBody): { Aliases?: string[]; IPAMConfig?: { IPv4Address?: string; IPv6Address?: string } } {
  const network = b.HostConfig.NetworkMode ?? 'default';
  b.NetworkingConfig ??= { EndpointsConfig: {} };
  return (b.NetworkingConfig.EndpointsConfig[network] ??= {});
}

type ListKeys = { [K in keyof ContainerHostConfig]-?: NonNullable<ContainerHostConfig[K]> extends unknown[] ? K : never }[keyof ContainerHostConfig];

function add<K extends ListKeys>(target: ContainerHostConfig, key: K, value: NonNullable<ContainerHostConfig[K]>[number]): void {
  target[key] = [...((target[key] ?? []) as unknown[]), value] as ContainerHostConfig[K];
}

function integer(v: string, key: string): number {
  if (!/^-?\d+$/.test(v.trim())) throw badValue(key, v, 'an integer');
  return Number(v);
}

function bytes(v: string, key: string): number {
  const n = parseBytes(v);
  if (n === undefined) throw badValue(key, v, 'a size such as 512m or 1g');
  return n;
}

function flag(v: string, key: string): boolean {
  if (v === '' || v === 'true') return true;
  if (v === 'false') return false;
  throw badValue(key, v, 'true or false');
}

function badValue(key: string, value: string, expected: string) {
  return invalid(`Invalid value '${value}' for docker parameter '--${key}': expected ${expected}`);
}
