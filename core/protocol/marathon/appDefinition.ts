/**
 * Wire types of Marathon 1.10's app definition (`docs/docs/rest-api/public/api/v2/types/app.raml` and the
 * types it uses), in the canonical form Marathon stores and prints after normalisation: deprecated fields
 * (`ports`, `uris`, `ipAddress`, `container.docker.network`, `container.docker.portMappings`) are translated
 * away, defaults are filled, ids are absolute. Field names are the JSON names.
 */

/** NetworkProtocol is a port's layer-4 protocol. */
export type NetworkProtocol = 'tcp' | 'udp' | 'udp,tcp';

/** PortDefinition is a host port an app with host networking asks for (`port` 0 means "any"). */
export interface PortDefinition {
  port: number;
  protocol: NetworkProtocol;
  name?: string;
  labels: Record<string, string>;
}

/**
 * PortMapping maps a container port to a host port (bridge and container networking). `hostPort` 0 means any
 * offered port; an absent `hostPort` (container networks only) asks for none. `containerPort` 0 means "the
 * same as the host port". `servicePort` 0 means "assign one".
 */
export interface PortMapping {
  containerPort: number;
  hostPort?: number;
  servicePort: number;
  protocol: NetworkProtocol;
  name?: string;
  labels: Record<string, string>;
  networkNames: string[];
}

/** DockerParameter is one `docker run` option (`{"key":"link","value":"db"}`). */
export interface DockerParameter {
  key: string;
  value: string;
}

/** DockerContainer is `container.docker`: the image and, for the Docker containerizer, its run options. */
export interface DockerContainer {
  image: string;
  forcePullImage: boolean;
  /** privileged and parameters apply only to the Docker containerizer (`container.type` DOCKER). */
  privileged?: boolean;
  parameters?: DockerParameter[];
  credential?: { principal: string; secret?: string };
  pullConfig?: { secret: string };
}

/** ReadMode is a volume's access mode. */
export type ReadMode = 'RO' | 'RW';

/** AppHostVolume mounts an agent path into the container. */
export interface AppHostVolume {
  containerPath: string;
  hostPath: string;
  mode: ReadMode;
}

/** AppPersistentVolume is a local persistent volume (which makes the app resident). */
export interface AppPersistentVolume {
  containerPath: string;
  persistent: { type?: 'root' | 'path' | 'mount'; size: number; maxSize?: number; profileName?: string; constraints?: string[][] };
  mode: ReadMode;
}

/** AppExternalVolume is a volume provided by an external storage driver (DVDI or CSI). */
export interface AppExternalVolume {
  containerPath: string;
  external: Record<string, unknown>;
  mode: ReadMode;
}

/** AppSecretVolume exposes a secret as a file. */
export interface AppSecretVolume {
  containerPath: string;
  secret: string;
}

/** AppVolume is any volume of `container.volumes`. */
export type AppVolume = AppHostVolume | AppPersistentVolume | AppExternalVolume | AppSecretVolume;

/** EngineType names the containerizer: DOCKER (the Docker containerizer) or MESOS (the Mesos containerizer). */
export type EngineType = 'DOCKER' | 'MESOS';

/** Container is `container`; `portMappings` is present only with non-host networking. */
export interface Container {
  type: EngineType;
  docker?: DockerContainer;
  volumes: AppVolume[];
  portMappings?: PortMapping[];
  linuxInfo?: Record<string, unknown>;
}

/** NetworkMode is how an app is networked: the agent's namespace, the Mesos bridge, or a named container network. */
export type NetworkMode = 'host' | 'container/bridge' | 'container';

/** Network is one entry of `networks`. */
export interface Network {
  mode: NetworkMode;
  name?: string;
  labels?: Record<string, string>;
}

/** HealthCheckProtocol lists the kinds of health check: Marathon-run (HTTP, HTTPS, TCP) or Mesos-run (the rest). */
export type HealthCheckProtocol = 'HTTP' | 'HTTPS' | 'TCP' | 'COMMAND' | 'MESOS_HTTP' | 'MESOS_HTTPS' | 'MESOS_TCP';

/** HealthCheck is one entry of `healthChecks`. */
export interface HealthCheck {
  protocol: HealthCheckProtocol;
  command?: { value: string };
  path?: string;
  port?: number;
  portIndex?: number;
  gracePeriodSeconds: number;
  intervalSeconds: number;
  timeoutSeconds: number;
  maxConsecutiveFailures: number;
  delaySeconds: number;
  ignoreHttp1xx?: boolean;
  ipProtocol: 'IPv4' | 'IPv6';
}

/** Check is `check`, a Mesos check (status, not health) run next to the task. */
export interface Check {
  http?: { portIndex?: number; port?: number; path?: string; scheme?: 'HTTP' | 'HTTPS' };
  tcp?: { portIndex?: number; port?: number };
  exec?: { command: Record<string, unknown> };
  intervalSeconds: number;
  timeoutSeconds: number;
  delaySeconds: number;
}

/** ReadinessCheck is one entry of `readinessChecks`: when a new task may take traffic during a deployment. */
export interface ReadinessCheck {
  name: string;
  protocol: 'HTTP' | 'HTTPS';
  path: string;
  portName: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  httpStatusCodesForReady: number[];
  preserveLastResponse: boolean;
}

/** UpgradeStrategy bounds a rolling restart: keep at least minimumHealthCapacity, exceed by at most maximumOverCapacity. */
export interface UpgradeStrategy {
  minimumHealthCapacity: number;
  maximumOverCapacity: number;
}

/** UnreachableStrategy says when to replace, and when to forget, the tasks of an unreachable agent; or "disabled". */
export type UnreachableStrategy = 'disabled' | { inactiveAfterSeconds: number; expungeAfterSeconds: number };

/** KillSelection picks which instances a scale-down kills first. */
export type KillSelection = 'YOUNGEST_FIRST' | 'OLDEST_FIRST';

/** Artifact is one entry of `fetch`: a URI the Mesos fetcher puts in the sandbox. */
export interface Artifact {
  uri: string;
  extract: boolean;
  executable: boolean;
  cache: boolean;
  destPath?: string;
}

/** EnvVarValue is an environment value: a string, or a reference to a secret. */
export type EnvVarValue = string | { secret: string };

/** Constraint is `[field, OPERATOR]` or `[field, OPERATOR, value]`. */
export type Constraint = [string, string] | [string, string, string];

/** ConstraintOperator lists Marathon's placement operators. */
export type ConstraintOperator = 'UNIQUE' | 'CLUSTER' | 'GROUP_BY' | 'LIKE' | 'UNLIKE' | 'MAX_PER' | 'IS';

/** VersionInfo records when the app's instance count and configuration last changed. */
export interface VersionInfo {
  lastScalingAt: string;
  lastConfigChangeAt: string;
}

/** ResourceLimit is a resource cap above the request: a number or "unlimited". */
export type ResourceLimit = number | 'unlimited';

/**
 * AppDefinition is a normalised app, with every default filled in, as `GET /v2/apps/{id}` prints it (before the
 * AppInfo counters are added). `portDefinitions` is present only with host networking and
 * `container.portMappings` only without it.
 */
export interface AppDefinition {
  id: string;
  acceptedResourceRoles?: string[];
  args: string[];
  backoffFactor: number;
  backoffSeconds: number;
  cmd?: string;
  constraints: Constraint[];
  container?: Container;
  cpus: number;
  dependencies: string[];
  disk: number;
  env: Record<string, EnvVarValue>;
  executor: string;
  executorResources?: { cpus: number; mem: number; disk: number };
  fetch: Artifact[];
  healthChecks: HealthCheck[];
  check?: Check;
  instances: number;
  labels: Record<string, string>;
  maxLaunchDelaySeconds: number;
  mem: number;
  gpus: number;
  networks: Network[];
  portDefinitions?: PortDefinition[];
  readinessChecks: ReadinessCheck[];
  residency?: { relaunchEscalationTimeoutSeconds: number; taskLostBehavior: 'WAIT_FOREVER' | 'RELAUNCH_AFTER_TIMEOUT' };
  resourceLimits?: { cpus?: ResourceLimit; mem?: ResourceLimit };
  requirePorts: boolean;
  secrets: Record<string, { source: string }>;
  taskKillGracePeriodSeconds?: number;
  upgradeStrategy: UpgradeStrategy;
  user?: string;
  version: string;
  versionInfo?: VersionInfo;
  killSelection: KillSelection;
  unreachableStrategy: UnreachableStrategy;
  tty?: boolean;
  role: string;
}

/** APP_DEFAULTS are Marathon 1.10's defaults for an app (app.raml and `AppDefinition.scala`). */
export const APP_DEFAULTS = Object.freeze({
  instances: 1,
  cpus: 1,
  mem: 128,
  disk: 0,
  gpus: 0,
  executor: '',
  backoffSeconds: 1,
  backoffFactor: 1.15,
  maxLaunchDelaySeconds: 300,
  requirePorts: false,
  killSelection: 'YOUNGEST_FIRST' as KillSelection,
  upgradeStrategy: Object.freeze({ minimumHealthCapacity: 1, maximumOverCapacity: 1 }),
  residentUpgradeStrategy: Object.freeze({ minimumHealthCapacity: 0.5, maximumOverCapacity: 0 }),
  unreachableStrategy: Object.freeze({ inactiveAfterSeconds: 0, expungeAfterSeconds: 0 }),
  healthCheck: Object.freeze({ gracePeriodSeconds: 300, intervalSeconds: 60, timeoutSeconds: 20, maxConsecutiveFailures: 3, delaySeconds: 15 }),
  readinessCheck: Object.freeze({ name: 'readinessCheck', protocol: 'HTTP', path: '/', portName: 'http-api', intervalSeconds: 30, timeoutSeconds: 10, httpStatusCodesForReady: Object.freeze([200]), preserveLastResponse: false }),
  portDefinitions: Object.freeze([Object.freeze({ port: 0, protocol: 'tcp', name: 'default', labels: Object.freeze({}) })]),
  portMapping: Object.freeze({ containerPort: 0, servicePort: 0, protocol: 'tcp', name: 'default', labels: Object.freeze({}), networkNames: Object.freeze([]) }),
  networks: Object.freeze([Object.freeze({ mode: 'host' })]),
});

/**
 * hasHostNetworking says whether the app shares the agent's network namespace (no networks, or a `host`
 * network), which decides between `portDefinitions` and `container.portMappings`.
 */
export function hasHostNetworking(app: Pick<AppDefinition, 'networks'>): boolean {
  return app.networks.length === 0 || app.networks.some((n) => n.mode === 'host');
}

/** hasBridgeNetworking says whether the app runs on the Mesos/Docker bridge, where a missing hostPort means 0. */
export function hasBridgeNetworking(app: Pick<AppDefinition, 'networks'>): boolean {
  return app.networks.some((n) => n.mode === 'container/bridge');
}

/** isResident says whether the app has local persistent volumes, which pin its tasks to agents. */
export function isResident(app: Pick<AppDefinition, 'container'>): boolean {
  return (app.container?.volumes ?? []).some((v) => 'persistent' in v);
}

/**
 * portCount counts the ports a task of the app gets: the port mappings with non-host networking, otherwise
 * the port definitions (Marathon's `AppDefinition.portIndices`).
 */
export function portCount(app: Pick<AppDefinition, 'container' | 'portDefinitions'>): number {
  const mappings = app.container?.portMappings;
  if (mappings !== undefined && mappings.length > 0) return mappings.length;
  return app.portDefinitions?.length ?? 0;
}

/** portNames lists the named ports of the app in index order (readiness checks and `PORT_<NAME>` use them). */
export function portNames(app: Pick<AppDefinition, 'container' | 'portDefinitions' | 'networks'>): string[] {
  const names = hasHostNetworking(app) ? (app.portDefinitions ?? []).map((p) => p.name) : (app.container?.portMappings ?? []).map((p) => p.name);
  return names.filter((n): n is string => n !== undefined);
}
