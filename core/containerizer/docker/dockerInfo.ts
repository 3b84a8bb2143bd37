import { invalid } from '../../common/errors.js';
import type { ContainerInfo } from '../../protocol/mesos/v1.js';

/** DockerNetwork is `ContainerInfo.DockerInfo.Network`. */
export type DockerNetwork = 'HOST' | 'BRIDGE' | 'USER' | 'NONE';

/** DockerPortMapping is one `DockerInfo.port_mappings` entry. */
export interface DockerPortMapping {
  hostPort: number;
  containerPort: number;
  /** protocol is lower-cased (`tcp`, `udp`); Docker's default is `tcp`. */
  protocol?: string;
}

/** DockerVolume is one `ContainerInfo.volumes` entry the docker containerizer can mount. */
export interface DockerVolume {
  containerPath: string;
  /** hostPath is a host directory (or a path relative to the sandbox); absent for a named Docker volume. */
  hostPath?: string;
  /** dockerVolume is `source.docker_volume` (a named volume, optionally of a volume driver). */
  dockerVolume?: { name: string; driver?: string };
  mode: 'RW' | 'RO';
}

/** DockerInfo is `ContainerInfo.DockerInfo` plus the container-level fields docker honours, validated and typed. */
export interface DockerInfo {
  image: string;
  network: DockerNetwork;
  /** networkName is `network_infos[0].name`, required for `USER` networks. */
  networkName?: string;
  portMappings: DockerPortMapping[];
  privileged: boolean;
  parameters: Array<{ key: string; value: string }>;
  forcePullImage: boolean;
  volumes: DockerVolume[];
  hostname?: string;
}

const NETWORKS: readonly DockerNetwork[] = ['HOST', 'BRIDGE', 'USER', 'NONE'];

/**
 * parseDockerInfo reads the wire `ContainerInfo` of a DOCKER task. Mesos's JSON-to-protobuf conversion accepts numbers
 * and booleans as strings, so this does too; anything it cannot make sense of is an `INVALID` error that the agent
 * reports as the task's launch failure.
 */
export function parseDockerInfo(container: ContainerInfo | undefined): DockerInfo {
  if (!container || container.type !== 'DOCKER') throw invalid('Not a DOCKER container: ContainerInfo.type must be DOCKER');
  const docker = asObject(container.docker, 'ContainerInfo.docker');
  if (!docker) throw invalid('No docker info found in container info');
  const image = docker.image;
  if (typeof image !== 'string' || image.trim() === '') throw invalid('DockerInfo.image is required');
  const network = docker.network === undefined || docker.network === null ? 'HOST' : String(docker.network);
  if (!NETWORKS.includes(network as DockerNetwork)) throw invalid(`Unsupported Docker network '${network}': expected HOST, BRIDGE, USER or NONE`);
  const info: DockerInfo = {
    image,
    network: network as DockerNetwork,
    portMappings: asArray(docker.port_mappings, 'DockerInfo.port_mappings').map((m, i) => portMapping(m, i)),
    privileged: asBoolean(docker.privileged, 'DockerInfo.privileged'),
    parameters: asArray(docker.parameters, 'DockerInfo.parameters').map((p, i) => {
      const o = asObject(p, `DockerInfo.parameters[${i}]`);
      if (!o || typeof o.key !== 'string' || o.key === '') throw invalid(`DockerInfo.parameters[${i}] needs a key`);
      return { key: o.key, value: o.value === undefined || o.value === null ? '' : String(o.value) };
    }),
    forcePullImage: asBoolean(docker.force_pull_image, 'DockerInfo.force_pull_image'),
    volumes: asArray(container.volumes, 'ContainerInfo.volumes').map((v, i) => volume(v, i)),
  };
  if (info.network === 'USER') {
    const networks = asArray(container.network_infos, 'ContainerInfo.network_infos');
    if (networks.length === 0) throw invalid('No network info found in container info (USER networks need network_infos[0].name)');
    if (networks.length > 1) throw invalid('Only a single network can be defined in Docker run');
    const name = asObject(networks[0], 'ContainerInfo.network_infos[0]')?.name;
    if (typeof name !== 'string' || name === '') throw invalid('No network name found in network info');
    info.networkName = name;
  }
  if (typeof container.hostname === 'string' && container.hostname !== '') info.hostname = container.hostname;
  return info;
}

function portMapping(value: unknown, i: number): DockerPortMapping {
  const o = asObject(value, `DockerInfo.port_mappings[${i}]`);
  const hostPort = Number(o?.host_port);
  const containerPort = Number(o?.container_port);
  if (!o || !isPort(hostPort) || !isPort(containerPort)) throw invalid(`DockerInfo.port_mappings[${i}] needs host_port and container_port in 1-65535`);
  const mapping: DockerPortMapping = { hostPort, containerPort };
  if (o.protocol !== undefined && o.protocol !== null && o.protocol !== '') mapping.protocol = String(o.protocol).toLowerCase();
  return mapping;
}

function volume(value: unknown, i: number): DockerVolume {
  const o = asObject(value, `ContainerInfo.volumes[${i}]`);
  if (!o || typeof o.container_path !== 'string' || o.container_path === '') throw invalid(`ContainerInfo.volumes[${i}].container_path is required`);
  const mode = o.mode === undefined || o.mode === null ? 'RW' : String(o.mode);
  if (mode !== 'RW' && mode !== 'RO') throw invalid(`Unsupported volume mode '${mode}' in ContainerInfo.volumes[${i}]`);
  const v: DockerVolume = { containerPath: o.container_path, mode };
  if (typeof o.host_path === 'string' && o.host_path !== '') {
    v.hostPath = o.host_path;
    return v;
  }
  const source = asObject(o.source, `ContainerInfo.volumes[${i}].source`);
  const dockerVolume = asObject(source?.docker_volume, `ContainerInfo.volumes[${i}].source.docker_volume`);
  if (source && source.type === 'DOCKER_VOLUME' && dockerVolume && typeof dockerVolume.name === 'string' && dockerVolume.name !== '') {
    v.dockerVolume = { name: dockerVolume.name };
    if (typeof dockerVolume.driver === 'string' && dockerVolume.driver !== '') v.dockerVolume.driver = dockerVolume.driver;
    return v;
  }
  throw invalid(`ContainerInfo.volumes[${i}] needs a host_path or a DOCKER_VOLUME source (the docker containerizer supports no other kind)`);
}

function isPort(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

function asObject(value: unknown, what: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`${what} must be an object`);
  return value as Record<string, unknown>;
}

function asArray(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(`${what} must be an array`);
  return value;
}

function asBoolean(value: unknown, what: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalid(`${what} must be a boolean`);
}
