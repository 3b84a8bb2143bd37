/**
 * The environment Marathon gives every task (`mesos/TaskBuilder.scala` `commandInfo`/`taskContextEnv`,
 * `mesos/EnvironmentHelper.scala`): identity (`MESOS_TASK_ID`, `MARATHON_APP_ID`, ...), resources, labels, ports
 * (`PORT0..n`, `PORT_<port>`, `PORT_<NAME>`, `PORT`, `PORTS`) and `HOST`, then the app's own `env`, which wins.
 * Programs written for Marathon read these, so names, formats and precedence follow Marathon exactly.
 */
import type { Rng } from '../common/rng.js';
import type { AppDefinition } from '../protocol/marathon/appDefinition.js';

/** MAX_ENVIRONMENT_VAR_LENGTH bounds label values (and, minus the prefix, label names) that become variables. */
export const MAX_ENVIRONMENT_VAR_LENGTH = 512;

/** LABEL_ENVIRONMENT_KEY_PREFIX starts the variable each label becomes. */
export const LABEL_ENVIRONMENT_KEY_PREFIX = 'MARATHON_APP_LABEL_';

const MAX_LABEL_NAME_LENGTH = MAX_ENVIRONMENT_VAR_LENGTH - LABEL_ENVIRONMENT_KEY_PREFIX.length;

/** PortRequest is a declared port: a container port (with port mappings) or a host port (port definitions), maybe 0. */
export interface PortRequest {
  name?: string;
  port: number;
}

/**
 * javaDoubleString prints a number as Java's `Double.toString` does, the form of `MARATHON_APP_RESOURCE_CPUS`
 * and friends: `1.0`, `0.5`, `128.0`, `1.0E7`, `1.0E-4`.
 */
export function javaDoubleString(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(n);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa = '', exponent = ''] = n.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}

/**
 * portsEnv computes the port variables (`EnvironmentHelper.portsEnv`). `requested` are the declared ports,
 * `hostPorts` the host port allocated for each (undefined where a mapping asked for none). A mapping without a
 * host port and with container port 0 gets a random container port above 1024 drawn from `rng`, unique within
 * the task. Returns nothing when the task has no ports.
 */
export function portsEnv(requested: readonly PortRequest[], hostPorts: ReadonlyArray<number | undefined>, rng: Rng): Record<string, string> {
  if (hostPorts.length === 0) return {};
  const env: Record<string, string> = {};
  const generated = new Map<number, number>();
  const consumed = new Set<number>([...requested.map((r) => r.port), ...hostPorts.filter((p): p is number => p !== undefined)]);
  hostPorts.forEach((hostPort, i) => {
    if (hostPort !== undefined) env[`PORT${i}`] = String(hostPort);
    else {
      const req = requested[i];
      if (req === undefined) return;
      if (req.port === 0) {
        const p = nextContainerPort(consumed, rng);
        generated.set(i, p);
        env[`PORT${i}`] = String(p);
      } else env[`PORT${i}`] = String(req.port);
    }
  });
  const pairs = requested.slice(0, hostPorts.length).map((req, i) => ({ req, host: hostPorts[i], i }));
  for (const { req, host, i } of pairs) {
    if (host !== undefined) {
      const key = req.port !== 0 ? req.port : host;
      env[`PORT_${key}`] = String(host);
    } else if (req.port !== 0) env[`PORT_${req.port}`] = String(req.port);
    else {
      const g = generated.get(i) as number;
      env[`PORT_${g}`] = String(g);
    }
  }
  for (const { req, host, i } of pairs) {
    if (req.name === undefined) continue;
    const value = host ?? (req.port !== 0 ? req.port : generated.get(i));
    env[`PORT_${req.name.toUpperCase()}`] = String(value);
  }
  const assigned = [...hostPorts.filter((p): p is number => p !== undefined), ...generated.values()];
  if (assigned.length > 0) env.PORT = String(assigned[0]);
  env.PORTS = assigned.join(',');
  return env;
}

/** nextContainerPort draws a random container port above 1024 not in `consumed`, and adds it there. */
function nextContainerPort(consumed: Set<number>, rng: Rng): number {
  for (;;) {
    const p = Math.floor(rng.next() * (65535 - 1024)) + 1025;
    if (!consumed.has(p)) {
      consumed.add(p);
      return p;
    }
  }
}

/**
 * labelsEnv turns labels into `MARATHON_APP_LABELS` (the escaped names, space separated) and one
 * `MARATHON_APP_LABEL_<NAME>` each: runs of characters outside `[a-zA-Z0-9_]` become `_` and the name is
 * uppercased. A label is left out unless its name is shorter than 493 characters and its value shorter than 512.
 */
export function labelsEnv(labels: Readonly<Record<string, string>>): Record<string, string> {
  const valid = Object.entries(labels)
    .filter(([key, value]) => key.length < MAX_LABEL_NAME_LENGTH && value.length < MAX_ENVIRONMENT_VAR_LENGTH)
    .map(([key, value]) => [key.replace(/[^a-zA-Z0-9_]+/g, '_').toUpperCase(), value] as const);
  const env: Record<string, string> = { MARATHON_APP_LABELS: valid.map(([k]) => k).join(' ') };
  for (const [key, value] of valid) env[`${LABEL_ENVIRONMENT_KEY_PREFIX}${key}`] = value;
  return env;
}

/**
 * taskContextEnv is the identity and resource part (`TaskBuilder.taskContextEnv`): `MESOS_TASK_ID`,
 * `MARATHON_APP_ID`, `MARATHON_APP_VERSION`, `MARATHON_APP_DOCKER_IMAGE` (Docker containerizer only),
 * `MARATHON_APP_RESOURCE_{CPUS,MEM,DISK,GPUS}`, `MARATHON_APP_ENFORCE_GROUP_ROLE` (when known), then the labels.
 */
export function taskContextEnv(app: AppDefinition, taskId: string, enforceRole?: boolean): Record<string, string> {
  const env: Record<string, string> = {
    MESOS_TASK_ID: taskId,
    MARATHON_APP_ID: app.id,
    MARATHON_APP_VERSION: app.version,
  };
  if (app.container?.type === 'DOCKER' && app.container.docker !== undefined) env.MARATHON_APP_DOCKER_IMAGE = app.container.docker.image;
  env.MARATHON_APP_RESOURCE_CPUS = javaDoubleString(app.cpus);
  env.MARATHON_APP_RESOURCE_MEM = javaDoubleString(app.mem);
  env.MARATHON_APP_RESOURCE_DISK = javaDoubleString(app.disk);
  env.MARATHON_APP_RESOURCE_GPUS = String(app.gpus);
  if (enforceRole !== undefined) env.MARATHON_APP_ENFORCE_GROUP_ROLE = enforceRole ? 'TRUE' : 'FALSE';
  // Assigned rather than spread into a copy: every task launched builds this.
  return Object.assign(env, labelsEnv(app.labels));
}

/** declaredPorts lists the app's port requests: its port mappings' container ports, or its port definitions. */
export function declaredPorts(app: AppDefinition): PortRequest[] {
  const mappings = app.container?.portMappings;
  const list = mappings !== undefined && mappings.length > 0 ? mappings.map((m) => ({ name: m.name, port: m.containerPort })) : (app.portDefinitions ?? []).map((p) => ({ name: p.name, port: p.port }));
  return list.map((p) => (p.name === undefined ? { port: p.port } : { name: p.name, port: p.port }));
}

/** TaskEnvironmentInput is what a task's environment depends on. */
export interface TaskEnvironmentInput {
  app: AppDefinition;
  taskId: string;
  /** host is the agent's hostname (`HOST`). */
  host: string;
  /** hostPorts are the host ports allocated per port index (undefined where none was asked for). */
  hostPorts: ReadonlyArray<number | undefined>;
  /** rng draws container ports for mappings that declare neither a host nor a container port. */
  rng: Rng;
  /** envPrefix is `--env_vars_prefix`, put before the port variables and `HOST`. */
  envPrefix?: string;
  /** enforceRole is the enforceRole of the app's top-level group, when known. */
  enforceRole?: boolean;
}

/**
 * taskEnvironment is the task's whole environment in Marathon's precedence: the task context, then the ports
 * and `HOST` (with `envPrefix`), then the app's `env` string values, which override anything before them
 * (secret references are resolved elsewhere and left out here).
 */
export function taskEnvironment(input: TaskEnvironmentInput): Record<string, string> {
  const env: Record<string, string> = taskContextEnv(input.app, input.taskId, input.enforceRole);
  const prefix = input.envPrefix ?? '';
  const ports = portsEnv(declaredPorts(input.app), input.hostPorts, input.rng);
  // Keys are walked in place rather than through copies and entry arrays: every task launched builds this.
  for (const k of Object.keys(ports)) env[`${prefix}${k}`] = ports[k] as string;
  env[`${prefix}HOST`] = input.host;
  const own = input.app.env;
  for (const k of Object.keys(own)) {
    const v = own[k];
    if (typeof v === 'string') env[k] = v;
  }
  return env;
}
