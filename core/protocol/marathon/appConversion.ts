/**
 * The conversions between a normalised app body and the stored `AppDefinition` (`raml/AppConversion.scala`,
 * `ContainerConversion`, `HealthCheckConversion`, `NetworkConversion`): every default filled, deprecated
 * leftovers dropped, health checks in the form Marathon prints them; plus the field-by-field merge of a partial
 * update onto an existing app (`appUpdateRamlReader`).
 */
import type {
  AppDefinition,
  AppVolume,
  Check,
  Constraint,
  Container,
  HealthCheck,
  Network,
  PortDefinition,
  PortMapping,
  ReadinessCheck,
  UnreachableStrategy,
} from './appDefinition.js';
import { APP_DEFAULTS } from './appDefinition.js';
import type { RamlApp, RamlContainer, RamlHealthCheck, RamlNetwork, RamlPortMapping } from './appSchema.js';
import { Violations } from './errors.js';
import { strip } from './appNormalization.js';

/** SerializationError is Marathon's `SerializationFailedException`: a body that passed validation but cannot be stored. */
export class SerializationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SerializationError';
  }
}

const OPERATORS = new Set(['UNIQUE', 'CLUSTER', 'GROUP_BY', 'LIKE', 'UNLIKE', 'MAX_PER', 'IS']);
const HC = APP_DEFAULTS.healthCheck;

/** toHealthCheck converts a health check as `appHealthCheckRamlReader` and back as `appHealthCheckWrites` do. */
export function toHealthCheck(hc: RamlHealthCheck): HealthCheck {
  const protocol = hc.protocol ?? 'HTTP';
  const common = {
    gracePeriodSeconds: hc.gracePeriodSeconds ?? HC.gracePeriodSeconds,
    intervalSeconds: hc.intervalSeconds ?? HC.intervalSeconds,
    timeoutSeconds: hc.timeoutSeconds ?? HC.timeoutSeconds,
    maxConsecutiveFailures: hc.maxConsecutiveFailures ?? HC.maxConsecutiveFailures,
  };
  const ports = strip({ port: hc.port, portIndex: hc.portIndex });
  if (hc.command !== undefined) {
    if (hc.path !== undefined || hc.port !== undefined) throw new SerializationError('Invalid combination of HealthCheck parameters');
    if (protocol !== 'COMMAND') throw new SerializationError(`illegal protocol ${protocol} specified with command`);
    return { protocol, command: { value: hc.command.value }, ...common, delaySeconds: hc.delaySeconds ?? HC.delaySeconds, ipProtocol: 'IPv4' };
  }
  switch (protocol) {
    case 'MESOS_HTTP':
    case 'MESOS_HTTPS':
      return strip({ protocol, path: hc.path, ...ports, ...common, delaySeconds: hc.delaySeconds ?? HC.delaySeconds, ipProtocol: hc.ipProtocol ?? 'IPv4' });
    case 'MESOS_TCP':
      return { protocol, ...ports, ...common, delaySeconds: hc.delaySeconds ?? HC.delaySeconds, ipProtocol: hc.ipProtocol ?? 'IPv4' };
    case 'HTTP':
    case 'HTTPS':
      // Marathon-run checks keep no delay or IP protocol, so they print the defaults.
      return strip({ protocol, path: hc.path, ...ports, ...common, delaySeconds: HC.delaySeconds, ignoreHttp1xx: hc.ignoreHttp1xx ?? false, ipProtocol: 'IPv4' as const });
    case 'TCP':
      return { protocol, ...ports, ...common, delaySeconds: HC.delaySeconds, ipProtocol: 'IPv4' };
    default:
      throw new SerializationError(`illegal protocol ${protocol} for non-command health check`);
  }
}

function toPortMapping(m: RamlPortMapping): PortMapping {
  return strip({
    containerPort: m.containerPort ?? 0,
    hostPort: m.hostPort,
    servicePort: m.servicePort ?? 0,
    protocol: m.protocol ?? 'tcp',
    name: m.name,
    labels: m.labels ?? {},
    networkNames: m.networkNames ?? [],
  });
}

function toVolume(v: Record<string, unknown>): AppVolume {
  if ('persistent' in v) return strip({ containerPath: String(v.containerPath), persistent: v.persistent, mode: (v.mode ?? 'RW') }) as AppVolume;
  if ('external' in v) return strip({ containerPath: String(v.containerPath), external: v.external, mode: (v.mode ?? 'RW') }) as AppVolume;
  if ('secret' in v) return { containerPath: String(v.containerPath), secret: String(v.secret) };
  return { containerPath: String(v.containerPath), hostPath: String(v.hostPath), mode: (v.mode ?? 'RW') } as AppVolume;
}

/** toContainer converts `container` as `appContainerRamlReader` then `containerWrites` do. */
export function toContainer(c: RamlContainer, hostNetworking: boolean): Container {
  const type = c.type ?? 'DOCKER';
  const volumes = (c.volumes ?? []).map(toVolume);
  const portMappings = hostNetworking ? undefined : (c.portMappings ?? []).map(toPortMapping);
  const d = c.docker;
  if (type === 'DOCKER') {
    if (d === undefined) throw new SerializationError('illegal container specification (DOCKER,None)');
    const docker = { image: d.image, forcePullImage: d.forcePullImage ?? false, privileged: d.privileged ?? false, parameters: d.parameters ?? [] };
    return strip({ type, docker, volumes, portMappings });
  }
  const docker = d === undefined ? undefined : strip({ image: d.image, forcePullImage: d.forcePullImage ?? false, credential: d.credential, pullConfig: d.pullConfig });
  return strip({ type, docker, volumes, portMappings, linuxInfo: c.linuxInfo });
}

function toNetwork(n: RamlNetwork): Network {
  const mode = n.mode ?? 'container';
  const labels = n.labels !== undefined && Object.keys(n.labels).length > 0 ? n.labels : undefined;
  if (mode === 'host') return { mode };
  if (mode === 'container/bridge') return strip({ mode, labels });
  return strip({ name: n.name, mode, labels });
}

function toConstraint(raw: readonly string[]): Constraint {
  const [field, op, value] = raw;
  if (field === undefined || op === undefined || !OPERATORS.has(op) || raw.length > 3) {
    throw new SerializationError(`illegal constraint specification ${raw.join(',')}`);
  }
  return value === undefined ? [field, op] : [field, op, value];
}

function uniqueBy<T>(items: readonly T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => {
    const k = key(t);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function toCheck(c: NonNullable<RamlApp['check']>): Check {
  return strip({ http: c.http, tcp: c.tcp, exec: c.exec, intervalSeconds: c.intervalSeconds ?? 60, timeoutSeconds: c.timeoutSeconds ?? 20, delaySeconds: c.delaySeconds ?? 15 });
}

function toReadinessCheck(rc: NonNullable<RamlApp['readinessChecks']>[number]): ReadinessCheck {
  const d = APP_DEFAULTS.readinessCheck;
  return {
    name: rc.name ?? d.name,
    protocol: rc.protocol ?? 'HTTP',
    path: rc.path ?? d.path,
    portName: rc.portName ?? d.portName,
    intervalSeconds: rc.intervalSeconds ?? d.intervalSeconds,
    timeoutSeconds: rc.timeoutSeconds ?? d.timeoutSeconds,
    httpStatusCodesForReady: rc.httpStatusCodesForReady ?? [...d.httpStatusCodesForReady],
    preserveLastResponse: rc.preserveLastResponse ?? false,
  };
}

function toUnreachable(u: RamlApp['unreachableStrategy'], resident: boolean): UnreachableStrategy {
  if (u === 'disabled') return 'disabled';
  if (u === undefined) return resident ? 'disabled' : { ...APP_DEFAULTS.unreachableStrategy };
  return { inactiveAfterSeconds: u.inactiveAfterSeconds ?? 0, expungeAfterSeconds: u.expungeAfterSeconds ?? 0 };
}

/**
 * toAppDefinition converts a normalised, validated app body into the stored app with every default, the way
 * `Raml.fromRaml` then `Raml.toRaml` do. `version` is the app's version (the request time for new apps).
 * Throws `SerializationError` for combinations Marathon cannot store.
 */
export function toAppDefinition(app: RamlApp, version: string, versionInfo?: AppDefinition['versionInfo']): AppDefinition {
  const networks = (app.networks ?? []).map(toNetwork);
  const hostNetworking = networks.length === 0 || networks.some((n) => n.mode === 'host');
  const container = app.container === undefined ? undefined : toContainer(app.container, hostNetworking);
  const resident = (container?.volumes ?? []).some((v) => 'persistent' in v);
  const external = (container?.volumes ?? []).some((v) => 'external' in v);
  const acceptedResourceRoles = app.acceptedResourceRoles !== undefined && app.acceptedResourceRoles.length > 0 ? [...new Set(app.acceptedResourceRoles)] : undefined;
  const portDefinitions: PortDefinition[] | undefined = hostNetworking
    ? (app.portDefinitions ?? []).map((p) => strip({ port: p.port ?? 0, protocol: p.protocol ?? 'tcp', name: p.name, labels: p.labels ?? {} }))
    : undefined;
  const upgradeStrategy = app.upgradeStrategy ?? (resident || external ? { ...APP_DEFAULTS.residentUpgradeStrategy } : { ...APP_DEFAULTS.upgradeStrategy });
  const residency = resident
    ? { relaunchEscalationTimeoutSeconds: app.residency?.relaunchEscalationTimeoutSeconds ?? 3600, taskLostBehavior: app.residency?.taskLostBehavior ?? 'WAIT_FOREVER' }
    : undefined;
  const executorResources =
    app.executorResources === undefined ? undefined : { cpus: app.executorResources.cpus ?? 0.1, mem: app.executorResources.mem ?? 32, disk: app.executorResources.disk ?? 10 };
  if (app.role === undefined) throw new SerializationError('Failed to convert raml.App, no role provided. This is a bug in AppNormalization.');
  return strip({
    id: app.id ?? '/',
    acceptedResourceRoles,
    args: app.args ?? [],
    backoffFactor: app.backoffFactor ?? APP_DEFAULTS.backoffFactor,
    backoffSeconds: app.backoffSeconds ?? APP_DEFAULTS.backoffSeconds,
    cmd: app.cmd,
    constraints: uniqueBy((app.constraints ?? []).map(toConstraint), (c) => JSON.stringify(c)),
    container,
    cpus: app.cpus ?? APP_DEFAULTS.cpus,
    dependencies: [...new Set(app.dependencies ?? [])],
    disk: app.disk ?? APP_DEFAULTS.disk,
    env: app.env ?? {},
    executor: app.executor ?? APP_DEFAULTS.executor,
    executorResources,
    fetch: (app.fetch ?? []).map((f) => strip({ uri: f.uri, extract: f.extract ?? true, executable: f.executable ?? false, cache: f.cache ?? false, destPath: f.destPath })),
    healthChecks: uniqueBy((app.healthChecks ?? []).map(toHealthCheck), (h) => JSON.stringify(h)),
    check: app.check === undefined ? undefined : toCheck(app.check),
    instances: app.instances ?? APP_DEFAULTS.instances,
    labels: app.labels ?? {},
    maxLaunchDelaySeconds: app.maxLaunchDelaySeconds ?? APP_DEFAULTS.maxLaunchDelaySeconds,
    mem: app.mem ?? APP_DEFAULTS.mem,
    gpus: app.gpus ?? APP_DEFAULTS.gpus,
    networks: networks.length > 0 ? networks : [{ mode: 'host' }],
    portDefinitions,
    readinessChecks: (app.readinessChecks ?? []).map(toReadinessCheck),
    residency,
    resourceLimits: app.resourceLimits,
    requirePorts: app.requirePorts ?? APP_DEFAULTS.requirePorts,
    secrets: app.secrets ?? {},
    taskKillGracePeriodSeconds: app.taskKillGracePeriodSeconds,
    upgradeStrategy,
    user: app.user,
    version,
    versionInfo: versionInfo ?? { lastScalingAt: version, lastConfigChangeAt: version },
    killSelection: app.killSelection ?? APP_DEFAULTS.killSelection,
    unreachableStrategy: toUnreachable(app.unreachableStrategy, resident),
    tty: app.tty,
    role: app.role,
  }) as AppDefinition;
}

/**
 * validateAppDefinition applies the rules Marathon checks on the stored form (`AppDefinition.validAppDefinition`)
 * that the body rules do not already cover.
 */
export function validateAppDefinition(app: AppDefinition): Violations {
  const v = new Violations();
  const u = app.unreachableStrategy;
  if (u !== 'disabled') {
    v.check(
      u.inactiveAfterSeconds <= u.expungeAfterSeconds,
      '/unreachableStrategy/inactiveAfterSeconds',
      `inactiveAfterSeconds (${u.inactiveAfterSeconds}) must be less or equal to expungeAfterSeconds, which is ${u.expungeAfterSeconds}`,
    );
  }
  if (app.residency !== undefined) v.check(app.role !== '*', '/role', 'Resident apps cannot have the role *');
  if (app.networks.some((n) => n.mode === 'container/bridge')) {
    (app.container?.portMappings ?? []).forEach((m, i) => v.check(m.hostPort !== undefined, `/container/portMappings(${i})`, 'hostPort is required for BRIDGE mode.'));
  }
  return v;
}

/** appAsRaml views a stored app as a body again, so a partial update can be merged onto it and re-normalised. */
export function appAsRaml(app: AppDefinition): RamlApp {
  return { ...app, container: app.container as RamlContainer | undefined } as unknown as RamlApp;
}

/**
 * mergeAppUpdate applies an update to an existing app field by field, as `appUpdateRamlReader` does: a field
 * the update names replaces the app's, the rest is kept; `executorResources` and `resourceLimits` are taken from
 * the update only (absent there means removed), and the id never changes.
 */
export function mergeAppUpdate(existing: AppDefinition, update: RamlApp): RamlApp {
  const app = appAsRaml(existing);
  const pick = <K extends keyof RamlApp>(key: K): RamlApp[K] => (update[key] !== undefined ? update[key] : app[key]);
  return strip({
    ...app,
    cmd: pick('cmd'),
    args: pick('args'),
    user: pick('user'),
    env: pick('env'),
    instances: pick('instances'),
    cpus: pick('cpus'),
    mem: pick('mem'),
    disk: pick('disk'),
    gpus: pick('gpus'),
    executor: pick('executor'),
    constraints: pick('constraints'),
    fetch: pick('fetch'),
    portDefinitions: pick('portDefinitions'),
    requirePorts: pick('requirePorts'),
    backoffFactor: pick('backoffFactor'),
    backoffSeconds: pick('backoffSeconds'),
    maxLaunchDelaySeconds: pick('maxLaunchDelaySeconds'),
    container: pick('container'),
    healthChecks: pick('healthChecks'),
    check: pick('check'),
    readinessChecks: pick('readinessChecks'),
    dependencies: pick('dependencies'),
    upgradeStrategy: pick('upgradeStrategy'),
    labels: pick('labels'),
    acceptedResourceRoles: pick('acceptedResourceRoles'),
    networks: pick('networks'),
    residency: pick('residency'),
    secrets: pick('secrets'),
    taskKillGracePeriodSeconds: pick('taskKillGracePeriodSeconds'),
    unreachableStrategy: pick('unreachableStrategy'),
    killSelection: pick('killSelection'),
    tty: pick('tty'),
    executorResources: update.executorResources,
    role: pick('role'),
    resourceLimits: update.resourceLimits,
  });
}
