/**
 * Marathon's app validation (`api/v2/validation/AppValidation.scala`, `SchedulingValidation.scala`,
 * `NetworkValidation.scala`, `EnvVarValidation.scala`, `state/ResourceRole.scala`): the rules on deprecated
 * fields that run before normalisation, and the canonical rules that run after it, with Marathon's messages
 * and paths. Each returns a `Violations` collector; an empty one means valid.
 */
import type { ResolvedConfig } from './appConfig.js';
import { Violations, scalaDouble } from './errors.js';
import { parsePathId, pathIdErrors } from './pathId.js';
import type { RamlApp, RamlHealthCheck, RamlNetwork, RamlPortMapping } from './appSchema.js';

const NETWORK_NAME_REQUIRED_FOR_MULTIPLE =
  'networkNames must be a single item list when hostPort is specified and more than 1 container network is defined';
const DOCKER_SINGLE_CONTAINER_NETWORK = 'may only specify a single container network when using the Docker container engine';
const HEALTH_CHECK_IP_PROTOCOL = 'IPv6 can only be used for container type DOCKER and Mesos http/https/tcp health checks';
const CONSTRAINT_OPERATOR_INVALID = 'operator must be one of the following UNIQUE, CLUSTER, GROUP_BY, LIKE, MAX_PER, UNLIKE or IS';
const IS_ONLY_SUPPORTS_TEXT = 'IS only supports Mesos text and float values (see http://mesos.apache.org/documentation/latest/attributes-resources/)';
const OPERATORS = ['UNIQUE', 'CLUSTER', 'GROUP_BY', 'LIKE', 'UNLIKE', 'MAX_PER', 'IS'];

/** featureMessage is Marathon's text for a rule that needs a disabled `--enable_features` feature (its typo included). */
export function featureMessage(feature: string): string {
  return `Feature ${feature} is not enabled. Enable with --enable_features ${feature})`;
}

/**
 * isValidJavaRegex says whether `pattern` would compile as a `java.util.regex.Pattern`, approximated by
 * JavaScript's parser with the `u`-less syntax both share for the patterns constraints use.
 */
export function isValidJavaRegex(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** isValidUri approximates `java.net.URI` syntax checking: no spaces or characters URIs forbid, well-formed escapes. */
export function isValidUri(uri: string): boolean {
  if (/[\s<>"{}|\\^`]/.test(uri)) return false;
  if (/%(?![0-9A-Fa-f]{2})/.test(uri)) return false;
  const scheme = /^([^:/?#]+):/.exec(uri);
  return scheme === null || /^[A-Za-z][A-Za-z0-9+.-]*$/.test(scheme[1] as string);
}

function parsesAsInt(value: string): boolean {
  return /^[-+]?\d+$/.test(value) && Math.abs(Number(value)) <= 2147483647;
}

function unique<T>(items: readonly T[]): boolean {
  return new Set(items).size === items.length;
}

/**
 * constraintViolations checks one `[field, OP, value?]` constraint as `complyWithAppConstraintRules` does and
 * returns the messages (empty when valid).
 */
export function constraintViolations(c: readonly string[]): string[] {
  if (c.length < 2 || c.length > 3) return ['Each constraint must have either 2 or 3 fields'];
  const [field, op, value] = c as [string, string, string | undefined];
  if (field === '') return ['illegal constraint specification'];
  const operator = op.toUpperCase();
  if (!OPERATORS.includes(operator)) return [CONSTRAINT_OPERATOR_INVALID];
  switch (operator) {
    case 'UNIQUE':
      return value === undefined ? [] : ['UNIQUE does not accept a value'];
    case 'CLUSTER':
      return [];
    case 'GROUP_BY':
      return value === undefined || parsesAsInt(value) ? [] : ['GROUP BY must define an integer value or else no value at all'];
    case 'MAX_PER':
      return value !== undefined && parsesAsInt(value) ? [] : ['MAX_PER requires an integer value'];
    case 'LIKE':
    case 'UNLIKE':
      if (value === undefined) return ['LIKE and UNLIKE require a non-empty, regular expression value'];
      return isValidJavaRegex(value) ? [] : ['is not a valid regular expression'];
    default:
      return /^[a-zA-Z0-9_/.-]*$/.test(value ?? '') ? [] : [IS_ONLY_SUPPORTS_TEXT];
  }
}

/** roleNameViolations checks a name in `acceptedResourceRoles` (`ResourceRole.validResourceRole`). */
function roleNameViolations(role: string): string[] {
  const out: string[] = [];
  if (role === '') out.push('A role name must not be "".');
  if (role === '.') out.push('A role name must not be ".".');
  if (role === '..') out.push('A role name must not be "..".');
  if (role.startsWith('-')) out.push("A role name must not start with a '-'.");
  const chars: Array<[string, string]> = [
    ['\t', 'horizontal tab (\\x09)'],
    ['\n', 'line feed (\\x0a)'],
    ['\v', 'vertical tab (\\x0b)'],
    ['\f', 'form feed (\\x0c)'],
    ['\r', 'carriage return (\\x0d)'],
    [' ', 'space (\\x20)'],
    ['/', 'slash (\\x2f)'],
    ['\x7f', 'backspace (\\x7f)'],
  ];
  for (const [ch, label] of chars) if (role.includes(ch)) out.push(`A role name must not include a ${label} character.`);
  return out;
}

function portMappingViolations(v: Violations, path: string, mappings: readonly RamlPortMapping[], networks: readonly RamlNetwork[]): void {
  const names = mappings.map((m) => m.name).filter((n): n is string => n !== undefined);
  v.check(unique(names), path, 'Port names must be unique.');
  // Plateau extension: Marathon 1.10 accepts duplicate fixed host ports in an app's port mappings, but such a task
  // can never launch (Mesos refuses the same port twice), so it is refused here, in the words used for ports.
  const fixedHostPorts = mappings.map((m) => m.hostPort).filter((p): p is number => p !== undefined && p !== 0);
  v.check(unique(fixedHostPorts), path, 'Host ports must be unique.');
  const containerNetworks = networks.filter((n) => n.mode === 'container' || n.mode === undefined);
  const networkNames = networks.map((n) => n.name).filter((n): n is string => n !== undefined);
  mappings.forEach((m, i) => {
    if (containerNetworks.length > 1) {
      v.check(m.hostPort === undefined || (m.networkNames ?? []).length === 1, `${path}(${i})`, NETWORK_NAME_REQUIRED_FOR_MULTIPLE);
    }
    (m.networkNames ?? []).forEach((n, j) => {
      v.check(networkNames.includes(n), `${path}(${i})/networkNames(${j})`, `is not one of (${networkNames.join(',')})`);
    });
  });
}

/**
 * validateOldAppApi applies the rules on deprecated fields (`validateOldAppAPI`) to an app as read, before
 * they are translated.
 */
export function validateOldAppApi(app: RamlApp): Violations {
  const v = new Violations();
  const c = app.container;
  if (c?.docker !== undefined) {
    v.check(c.docker.credential === undefined, '/container/docker/credential', 'must be empty');
    if (c.type === 'MESOS') {
      v.check(c.docker.network === undefined, '/container/docker/network', 'must be empty');
      v.check((c.docker.parameters ?? []).length === 0, '/container/docker/parameters', 'must be empty');
      v.check(c.docker.portMappings === undefined || c.docker.portMappings.length === 0, '/container/docker/portMappings', 'must be empty');
    }
  }
  const dockerMappings = c?.docker?.portMappings;
  if (dockerMappings !== undefined) {
    const names = dockerMappings.map((m) => m.name).filter((n): n is string => n !== undefined);
    v.check(unique(names), '/container/docker/portMappings', 'Port names must be unique.');
  }
  if (app.ipAddress !== undefined) {
    v.check(!(c?.type !== 'MESOS' && c !== undefined && app.ipAddress.discovery !== undefined), '/ipAddress', 'ipAddress/discovery is not allowed for Docker containers');
  }
  if (app.uris !== undefined) {
    app.uris.forEach((u, i) => v.check(isValidUri(u), `/uris(${i})`, 'URI has invalid syntax.'));
    v.check(!(app.uris.length > 0 && (app.fetch ?? []).length > 0), '/uris', 'may not be set in conjunction with fetch');
  }
  v.check(!(c?.docker?.network !== undefined && (app.networks ?? []).length > 0), '/', 'must not specify both container.docker.network and networks');
  v.check(!(app.ipAddress !== undefined && (app.networks ?? []).length > 0), '/', 'must not specify both networks and ipAddress');
  const fixedPorts = (app.ports ?? []).filter((p) => p !== 0);
  v.check(unique(fixedPorts), '/', 'ports must be unique');
  const withoutPorts = !((app.ports ?? []).length > 0 || (app.portDefinitions ?? []).length > 0);
  v.check(app.ipAddress === undefined || withoutPorts, '/', 'cannot specify both an IP address and port');
  const equivalent =
    app.portDefinitions !== undefined &&
    app.ports !== undefined &&
    app.portDefinitions.length === app.ports.length &&
    app.portDefinitions.every((d, i) => (d.port ?? 0) === app.ports?.[i]);
  v.check(app.ports === undefined || app.portDefinitions === undefined || equivalent, '/', 'cannot specify both ports and port definitions');
  return v;
}

function portIndexCount(app: RamlApp): number {
  const mappings = app.container?.portMappings;
  if (mappings !== undefined && mappings.length > 0) return mappings.length;
  return (app.portDefinitions ?? []).length;
}

function healthCheckViolations(v: Violations, app: RamlApp, hc: RamlHealthCheck, i: number): void {
  const protocol = hc.protocol ?? 'HTTP';
  const count = portIndexCount(app);
  if (hc.command === undefined && (protocol === 'HTTP' || protocol === 'HTTPS' || protocol === 'TCP')) {
    const ok = hc.portIndex !== undefined ? hc.portIndex < count : hc.port !== undefined || count === 1;
    v.check(ok, `/healthChecks(${i})`, 'Health check port indices must address an element of the ports array or container port mappings.');
  }
  const mesosNetworkCheck = protocol === 'MESOS_HTTP' || protocol === 'MESOS_HTTPS' || protocol === 'MESOS_TCP';
  const ok = (hc.ipProtocol ?? 'IPv4') === 'IPv4' || (mesosNetworkCheck && app.container?.type !== 'MESOS' && app.container !== undefined);
  v.check(ok, `/healthChecks(${i})`, HEALTH_CHECK_IP_PROTOCOL);
}

function containerViolations(v: Violations, app: RamlApp, config: ResolvedConfig): void {
  const c = app.container;
  if (c === undefined) return;
  const type = c.type ?? 'DOCKER';
  const networks = app.networks ?? [];
  if (c.portMappings !== undefined) portMappingViolations(v, '/container/portMappings', c.portMappings, networks);
  const volumes = c.volumes ?? [];
  const externalNames = volumes
    .map((vol) => (vol.external as Record<string, unknown> | undefined)?.name)
    .filter((n): n is string => typeof n === 'string');
  v.check(unique(externalNames), '/container/volumes', 'Volume names must be unique');
  volumes.forEach((vol, i) => {
    const path = `/container/volumes(${i})`;
    if ('persistent' in vol) {
      const containerPath = String(vol.containerPath ?? '');
      v.check(containerPath !== '' && containerPath !== '.' && containerPath !== '..', `${path}/containerPath`, 'can not be one of (.,..)');
      v.check(!containerPath.includes('/'), `${path}/containerPath`, 'value must not contain "/"');
      const persistent = vol.persistent as { size: number; maxSize?: number; type?: string; constraints?: string[][] };
      v.check(persistent.size > 0, `${path}/persistent/size`, `got ${persistent.size}, expected more than 0`);
      v.check(persistent.type === 'mount' || persistent.maxSize === undefined, `${path}/persistent`, 'Only mount volumes can have maxSize');
      v.check(persistent.maxSize === undefined || persistent.maxSize > persistent.size, `${path}/persistent`, 'Max size must be larger than size');
      v.check((vol.mode ?? 'RW') === 'RW', `${path}/mode`, `got ${String(vol.mode)}, expected RW`);
    } else if ('external' in vol) {
      v.check(config.enabledFeatures.includes('external_volumes'), path, featureMessage('external_volumes'));
    } else if ('secret' in vol) {
      v.check((app.secrets ?? {})[String(vol.secret)] !== undefined, path, 'volume.secret must refer to an existing secret');
    }
  });
  if (volumes.some((vol) => 'secret' in vol)) v.check(config.enabledFeatures.includes('secrets'), '/container', featureMessage('secrets'));
  if (type === 'DOCKER') {
    if (c.docker === undefined) v.add('/container/docker', 'not defined');
    else {
      v.check(c.docker.image !== '', '/container/docker/image', 'must not be empty');
      v.check(c.docker.pullConfig === undefined, '/container/docker/pullConfig', 'pullConfig is not supported with Docker containerizer');
      if (c.docker.portMappings !== undefined) portMappingViolations(v, '/container/docker/portMappings', c.docker.portMappings, networks);
    }
  } else if (c.docker !== undefined) {
    v.check(c.docker.image !== '', '/container/docker/image', 'must not be empty');
    if (c.docker.pullConfig !== undefined) {
      v.check(config.enabledFeatures.includes('secrets'), '/container/docker/pullConfig', featureMessage('secrets'));
      v.check((app.secrets ?? {})[c.docker.pullConfig.secret] !== undefined, '/container/docker/pullConfig', 'pullConfig.secret must refer to an existing secret');
    }
  }
}

function networkViolations(v: Violations, networks: readonly RamlNetwork[], config: ResolvedConfig): void {
  const mode = (n: RamlNetwork): string => n.mode ?? 'container';
  v.check(!networks.some((n) => mode(n) === 'host' && ((n.name ?? '') !== '' || Object.keys(n.labels ?? {}).length > 0)), '/networks', 'Host networks may not have names or labels');
  v.check(!networks.some((n) => mode(n) === 'container/bridge' && (n.name ?? '') !== ''), '/networks', 'Bridge networks may not have names');
  const unnamed = networks.filter((n) => n.name === undefined && mode(n) === 'container').length;
  const names = networks.map((n) => n.name).filter((n): n is string => n !== undefined);
  v.check(unnamed < 2 && unique(names), '/networks', 'Duplicate networks are not allowed');
  const host = networks.filter((n) => mode(n) === 'host').length;
  const bridge = networks.filter((n) => mode(n) === 'container/bridge').length;
  const container = networks.filter((n) => mode(n) === 'container').length;
  const shapeOk = (host <= 1 && bridge === 0 && container === 0) || (host === 0 && bridge <= 1 && container === 0) || (host === 0 && bridge === 0 && container > 0);
  v.check(shapeOk, '/networks', 'May specify a single host network, single bridge network, or else 1-to-n container networks');
  v.check(
    networks.every((n) => mode(n) !== 'container' || n.name !== undefined || config.defaultNetworkName !== undefined),
    '/networks',
    'Network name must be specified when container network is selected.',
  );
}

/**
 * validateCanonicalApp applies `validateCanonicalAppAPI` to an app whose deprecated fields have been translated
 * and whose role has been defaulted: ids, containers, ports, health and readiness checks, constraints,
 * networks, roles, environment and feature-gated fields.
 */
export function validateCanonicalApp(app: RamlApp, config: ResolvedConfig): Violations {
  const v = new Violations();
  containerViolations(v, app, config);
  if (app.portDefinitions !== undefined) {
    const names = app.portDefinitions.map((p) => p.name).filter((n): n is string => n !== undefined);
    v.check(unique(names), '/portDefinitions', 'Port names must be unique.');
    const fixed = app.portDefinitions.map((p) => p.port ?? 0).filter((p) => p !== 0);
    v.check(unique(fixed), '/portDefinitions', 'Ports must be unique.');
  }
  const hasCmd = app.cmd !== undefined;
  const hasArgs = (app.args ?? []).length > 0;
  const c = app.container;
  const hasContainer = c !== undefined && (c.docker !== undefined || (c.type ?? 'DOCKER') === 'MESOS');
  v.check(hasCmd !== hasArgs || (!(hasCmd && hasArgs) && hasContainer), '/', "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'.");
  const checks = app.healthChecks ?? [];
  checks.forEach((hc, i) => healthCheckViolations(v, app, hc, i));
  const mesosKinds = ['COMMAND', 'MESOS_HTTP', 'MESOS_HTTPS', 'MESOS_TCP'];
  const commandChecks = checks.filter((hc) => hc.command !== undefined).length;
  const mesosChecks = checks.filter((hc) => hc.command !== undefined || mesosKinds.includes(hc.protocol ?? 'HTTP')).length;
  v.check(mesosChecks - commandChecks <= 1, '/', 'AppDefinition can contain at most one Mesos health check');
  (app.fetch ?? []).forEach((f, i) => v.check(isValidUri(f.uri), `/fetch(${i})/uri`, 'URI has invalid syntax.'));
  resourceLimitViolations(v, app);
  const secrets = app.secrets ?? {};
  if (Object.keys(secrets).length > 0) v.check(config.enabledFeatures.includes('secrets'), '/secrets', featureMessage('secrets'));
  envViolations(v, app, config);
  if (app.acceptedResourceRoles !== undefined) {
    const roles = [...new Set(app.acceptedResourceRoles)];
    v.check(roles.length > 0, '/acceptedResourceRoles', 'must not be empty');
    roles.forEach((r, i) => roleNameViolations(r).forEach((m) => v.add(`/acceptedResourceRoles(${i})`, m)));
    if (app.residency !== undefined) {
      v.check(roles.length === 1 && roles[0] === '*', '/acceptedResourceRoles', 'A resident app must have `acceptedResourceRoles = ["*"]`.');
    }
  }
  if ((app.gpus ?? 0) > 0) {
    v.check(c?.type === 'MESOS' || c === undefined, '/', 'GPU resources only work with the Mesos containerizer');
    v.check(config.enabledFeatures.includes('gpu_resources'), '/', featureMessage('gpu_resources'));
  }
  migrationApiViolations(v, app.labels ?? {});
  readinessViolations(v, app);
  const singleInstance = (app.labels ?? {}).MARATHON_SINGLE_INSTANCE_APP === 'true';
  v.check(!singleInstance || (app.instances ?? 1) <= 1, '/', 'Single instance app may only have one instance');
  upgradeStrategyViolations(v, app, singleInstance);
  if ((c?.type ?? 'DOCKER') === 'DOCKER' && c !== undefined) {
    v.check((app.networks ?? []).filter((n) => (n.mode ?? 'container') === 'container').length <= 1, '/', DOCKER_SINGLE_CONTAINER_NETWORK);
  }
  if (app.residency !== undefined && app.unreachableStrategy !== undefined) {
    v.check(app.unreachableStrategy === 'disabled', '/', 'unreachableStrategy must be disabled for resident tasks');
  }
  (app.constraints ?? []).forEach((cons, i) => constraintViolations(cons).forEach((m) => v.add(`/constraints(${i})`, m)));
  networkViolations(v, app.networks ?? [], config);
  roleViolations(v, app, config);
  idViolations(v, app);
  v.check(app.cmd === undefined || app.cmd.length > 1, '/', 'must not be an empty string');
  const networks = app.networks ?? [];
  v.check(!(networks.some((n) => n.mode === 'host') && (c?.portMappings ?? []).length > 0), '/', 'portMappings are not allowed with host-networking');
  v.check(!(networks.some((n) => (n.mode ?? 'container') !== 'host') && (app.portDefinitions ?? []).length > 0), '/', 'portDefinitions are only allowed with host-networking');
  return v;
}

function resourceLimitViolations(v: Violations, app: RamlApp): void {
  const limits = app.resourceLimits;
  if (limits === undefined) return;
  const check = (name: 'cpus' | 'mem', requested: number): void => {
    const limit = limits[name];
    if (limit === undefined) return;
    if (typeof limit === 'string') v.check(limit === 'unlimited', `/resourceLimits/${name}`, `'${limit}' is an invalid resource limit. It must be 'unlimited' or a number`);
    else v.check(limit >= requested, `/resourceLimits/${name}`, `resource limit must be greater than or equal to requested resource (${scalaDouble(requested)})`);
  };
  check('cpus', app.cpus ?? 1);
  check('mem', app.mem ?? 128);
}

function envViolations(v: Violations, app: RamlApp, config: ResolvedConfig): void {
  const env = app.env ?? {};
  Object.keys(env).forEach((k, i) => v.check(k !== '', `/env/keys(${i})`, 'must not be empty'));
  const refs = Object.entries(env).filter(([, value]) => typeof value !== 'string');
  if (!config.enabledFeatures.includes('secrets')) {
    v.check(refs.length === 0, '/env', 'use of secret-references in the environment requires the secrets feature to be enabled');
  }
  const secrets = app.secrets ?? {};
  for (const [name, value] of refs) {
    if (typeof value !== 'string') v.check(secrets[value.secret] !== undefined, `/env/${name}/secret`, 'references an undefined secret');
  }
}

function migrationApiViolations(v: Violations, labels: Record<string, string>): void {
  const version = labels.DCOS_MIGRATION_API_VERSION;
  if (version === undefined || version === '') return;
  const ok = version === 'v1' && (labels.DCOS_PACKAGE_FRAMEWORK_NAME ?? '') !== '' && (labels.DCOS_MIGRATION_API_PATH ?? '') !== '';
  v.check(ok, '/', 'DCOS_PACKAGE_FRAMEWORK_NAME and DCOS_MIGRATION_API_PATH must be defined when using DCOS_MIGRATION_API_VERSION');
}

function readinessViolations(v: Violations, app: RamlApp): void {
  const checks = app.readinessChecks ?? [];
  v.check(checks.length <= 1, '/readinessChecks', `got ${checks.length}, expected 1 or less`);
  const mappings = app.container?.portMappings;
  const names = (mappings !== undefined ? mappings.map((m) => m.name) : (app.portDefinitions ?? []).map((p) => p.name)).filter((n): n is string => n !== undefined);
  checks.forEach((rc, i) => {
    const portName = rc.portName ?? 'http-api';
    v.check(names.includes(portName), `/readinessChecks(${i})/portName`, `No port definition reference for portName ${portName}`);
    const timeout = rc.timeoutSeconds ?? 10;
    const interval = rc.intervalSeconds ?? 30;
    v.check(timeout < interval, `/readinessChecks(${i})/timeoutSeconds`, `got ${timeout}, expected less than ${interval}`);
  });
}

function upgradeStrategyViolations(v: Violations, app: RamlApp, singleInstance: boolean): void {
  const us = app.upgradeStrategy;
  if (us === undefined) return;
  if (singleInstance) {
    v.check(us.minimumHealthCapacity === 0, '/upgradeStrategy/minimumHealthCapacity', `got ${scalaDouble(us.minimumHealthCapacity)}, expected 0.0`);
    v.check(us.maximumOverCapacity === 0, '/upgradeStrategy/maximumOverCapacity', `got ${scalaDouble(us.maximumOverCapacity)}, expected 0.0`);
  }
  if (app.residency !== undefined) {
    v.check(us.maximumOverCapacity === 0, '/upgradeStrategy/maximumOverCapacity', `got ${scalaDouble(us.maximumOverCapacity)}, expected 0.0`);
  }
}

function roleViolations(v: Violations, app: RamlApp, config: ResolvedConfig): void {
  const role = app.role ?? config.defaultRole;
  v.check(config.validRoles.includes(role), '/role', `got ${role}, expected one of: [${config.validRoles.join(', ')}]`);
  if (app.acceptedResourceRoles !== undefined) {
    const allowed = [...new Set(['*', role])].sort();
    const roles = new Set(app.acceptedResourceRoles);
    const ok = roles.size === 0 || (roles.size <= 2 && [...roles].every((r) => allowed.includes(r)));
    v.check(ok, '/acceptedResourceRoles', `acceptedResourceRoles can only contain ${allowed.join(' and ')}`);
  }
}

function idViolations(v: Violations, app: RamlApp): void {
  const id = parsePathId(app.id ?? '');
  for (const m of pathIdErrors(id)) v.add('/id', m);
  v.check(id.absolute, '/id', 'Path needs to be absolute');
  v.check(id.segments.length > 0, '/id', 'Path must contain at least one path element');
  (app.dependencies ?? []).forEach((d, i) => pathIdErrors(parsePathId(d)).forEach((m) => v.add(`/dependencies(${i})`, m)));
  v.check(!(id.absolute && id.segments.length === 0), '/', 'must not be root');
}
