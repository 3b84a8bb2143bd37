import type { Disposable } from '../../common/lifecycle.js';

/**
 * The Docker Engine API calls the Docker containerizer needs, behind one small interface (the role Mesos's
 * `Docker` class plays for its containerizer), so the containerizer's policy — what to create, when to stop, how to
 * recover — stays apart from the socket plumbing in `core/node/dockerodeClient.ts`. Field names in the bodies below
 * are the Engine API's own (PascalCase), so they can be sent as they are.
 */

/** DockerVersion is what `GET /version` says about the daemon. */
export interface DockerVersion {
  version: string;
  apiVersion: string;
}

/** PortBinding is one host side of a published port (`HostConfig.PortBindings["80/tcp"][i]`). */
export interface PortBinding {
  HostIp?: string;
  HostPort: string;
}

/** ContainerHostConfig is the subset of the Engine API's `HostConfig` the containerizer sets. */
export interface ContainerHostConfig {
  Binds?: string[];
  NetworkMode?: string;
  PortBindings?: Record<string, PortBinding[]>;
  Privileged?: boolean;
  CpuShares?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  Memory?: number;
  MemorySwap?: number;
  MemoryReservation?: number;
  OomKillDisable?: boolean;
  OomScoreAdj?: number;
  PidsLimit?: number;
  ShmSize?: number;
  BlkioWeight?: number;
  Links?: string[];
  ExtraHosts?: string[];
  Dns?: string[];
  DnsSearch?: string[];
  DnsOptions?: string[];
  CapAdd?: string[];
  CapDrop?: string[];
  SecurityOpt?: string[];
  Sysctls?: Record<string, string>;
  Tmpfs?: Record<string, string>;
  Ulimits?: Array<{ Name: string; Soft: number; Hard: number }>;
  Devices?: Array<{ PathOnHost: string; PathInContainer: string; CgroupPermissions: string }>;
  GroupAdd?: string[];
  VolumesFrom?: string[];
  VolumeDriver?: string;
  ReadonlyRootfs?: boolean;
  Init?: boolean;
  IpcMode?: string;
  PidMode?: string;
  UTSMode?: string;
  LogConfig?: { Type: string; Config?: Record<string, string> };
}

/** ContainerCreateBody is the body of `POST /containers/create` (plus `name`, sent as a query parameter). */
export interface ContainerCreateBody {
  name: string;
  Image: string;
  Cmd?: string[];
  Entrypoint?: string[];
  Env?: string[];
  Labels?: Record<string, string>;
  Hostname?: string;
  Domainname?: string;
  User?: string;
  WorkingDir?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  StopSignal?: string;
  StopTimeout?: number;
  MacAddress?: string;
  HostConfig: ContainerHostConfig;
  NetworkingConfig?: { EndpointsConfig: Record<string, { Aliases?: string[]; IPAMConfig?: { IPv4Address?: string; IPv6Address?: string } }> };
}

/** ContainerState is `State` of `GET /containers/{id}/json`. */
export interface ContainerState {
  /** status is `created`, `running`, `paused`, `restarting`, `removing`, `exited` or `dead`. */
  status: string;
  running: boolean;
  pid: number;
  exitCode: number;
  oomKilled: boolean;
  error: string;
  /** startedAt and finishedAt are milliseconds since the epoch, or undefined when Docker reports its zero time. */
  startedAt?: number;
  finishedAt?: number;
}

/** ContainerDetails is what the containerizer reads from `GET /containers/{id}/json`. */
export interface ContainerDetails {
  id: string;
  name: string;
  labels: Record<string, string>;
  state: ContainerState;
  /** ipAddress is the address on the bridge network, if any. */
  ipAddress?: string;
}

/** ContainerSummary is one entry of `GET /containers/json?all=1`. */
export interface ContainerSummary {
  id: string;
  names: string[];
  labels: Record<string, string>;
  /** state is `created`, `running`, `exited`, ... as in `ContainerState.status`. */
  state: string;
}

/** LogRecord is one log message of a container: which stream, Docker's RFC 3339 timestamp, and the bytes. */
export interface LogRecord {
  stream: 'stdout' | 'stderr';
  /** timestamp is Docker's RFC 3339 nano timestamp of the message, e.g. `2026-11-22T22:38:30.824761001Z`. */
  timestamp: string;
  data: Uint8Array;
}

/** LogFollowOptions says where to resume: `since` is a Docker timestamp (`seconds.nanoseconds`), inclusive. */
export interface LogFollowOptions {
  since?: string;
  onRecord(record: LogRecord): void;
  /** onEnd is called once when the stream ends: the container stopped and its logs are drained, or it failed (`err`). */
  onEnd(err?: Error): void;
}

/** ContainerWait is a pending `POST /containers/{id}/wait`; disposing it abandons the wait (the container runs on). */
export interface ContainerWait extends Disposable {
  /** exited resolves with the exit code once the container is not running. */
  readonly exited: Promise<number>;
}

/**
 * DockerStats is the raw `GET /containers/{id}/stats?stream=false` document (cgroup v1 or v2 shape); the
 * containerizer maps it to Mesos `ResourceStatistics` in `dockerStatistics.ts`.
 */
export type DockerStats = Record<string, unknown>;

/** DockerClient is the Docker containerizer's window onto one Docker daemon. */
export interface DockerClient extends Disposable {
  /** endpoint names the daemon for messages, e.g. `unix:///var/run/docker.sock`. */
  readonly endpoint: string;
  /** version answers `GET /version`; it rejects when the daemon is not reachable. */
  version(): Promise<DockerVersion>;
  /** hasImage says whether `image` is present locally. */
  hasImage(image: string): Promise<boolean>;
  /** pullImage pulls `image` and resolves when the pull completed; it rejects with the daemon's error otherwise. */
  pullImage(image: string): Promise<void>;
  /** createContainer creates (does not start) a container and resolves with its Docker id. */
  createContainer(body: ContainerCreateBody): Promise<string>;
  /** startContainer starts a created container. */
  startContainer(id: string): Promise<void>;
  /** inspectContainer resolves undefined when no such container exists. */
  inspectContainer(idOrName: string): Promise<ContainerDetails | undefined>;
  /** listContainers lists all containers (running or not) carrying every label in `labels` (`true`: any value). */
  listContainers(labels: Record<string, string | true>): Promise<ContainerSummary[]>;
  /** waitContainer waits until the container is not running (`condition=not-running`). */
  waitContainer(id: string): ContainerWait;
  /**
   * stopContainer is `docker stop -t timeoutSecs`: the image's stop signal (SIGTERM by default), then SIGKILL after
   * the timeout. It resolves when the container has stopped; an already stopped or missing container is no error.
   */
  stopContainer(id: string, timeoutSecs: number): Promise<void>;
  /** removeContainer removes a container and its anonymous volumes (`force` also kills a running one); a missing container is no error. */
  removeContainer(id: string, force?: boolean): Promise<void>;
  /** followLogs streams the container's stdout and stderr with timestamps until it stops; dispose to stop early. */
  followLogs(id: string, options: LogFollowOptions): Disposable;
  /** stats reads one statistics sample without waiting for a second one (`one-shot`). */
  stats(id: string): Promise<DockerStats>;
}

/** isNotFound says whether `err` is the daemon's 404 answer. */
export function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { statusCode?: number }).statusCode === 404;
}
