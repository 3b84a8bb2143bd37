/**
 * Building the Mesos `TaskInfo` for an app instance from a matched offer (`mesos/TaskBuilder.scala`,
 * `api/serialization/ContainerSerializer.scala`, `mesos/PortDiscovery.scala`, `core/health/HealthCheck.scala`).
 * The task is named after the app's path reversed (`/prod/web` gives `web.prod`, which Mesos-DNS serves as
 * `web-prod.marathon.mesos`), carries the environment of `taskEnvironment.ts`, a DiscoveryInfo with the port
 * names, the container with bound port mappings, at most one Mesos health check and the kill policy.
 */
import type { Rng } from '../common/rng.js';
import type { Resource } from '../common/resourceTypes.js';
import type { AppDefinition, Container, HealthCheck, PortMapping } from '../protocol/marathon/appDefinition.js';
import { hasHostNetworking } from '../protocol/marathon/appDefinition.js';
import { toHostname } from '../protocol/marathon/pathId.js';
import type { CommandInfo, ContainerInfo, Labels, Offer, TaskInfo } from '../protocol/mesos/v1.js';
import { legacyExecutorId } from './taskIds.js';
import { taskEnvironment } from './taskEnvironment.js';

/** TaskBuildInput is everything a TaskInfo depends on. */
export interface TaskBuildInput {
  app: AppDefinition;
  taskId: string;
  offer: Offer;
  /** resources and hostPorts come from a successful `matchOffer`. */
  resources: readonly Resource[];
  hostPorts: ReadonlyArray<number | undefined>;
  rng: Rng;
  envPrefix?: string;
  enforceRole?: boolean;
  /** mesosBridgeName is `--mesos_bridge_name` (default `mesos-bridge`), the CNI network of `container/bridge`. */
  mesosBridgeName?: string;
}

/** PortAssignment is where a declared port ended up for this task (`core/task/state/PortAssignment`). */
export interface PortAssignment {
  portName?: string;
  hostPort?: number;
  containerPort?: number;
  /** effectivePort is the port to reach the task on; undefined when it is only reachable by container IP. */
  effectivePort?: number;
}

function toLabels(labels: Readonly<Record<string, string>>): Labels {
  return { labels: Object.entries(labels).map(([key, value]) => ({ key, value })) };
}

/**
 * portAssignments aligns the allocated host ports with the declared ports (`NetworkInfo.portAssignments` with
 * unresolved entries): a mapping with container port 0 uses its host port inside the container too.
 */
export function portAssignments(app: AppDefinition, hostPorts: ReadonlyArray<number | undefined>): PortAssignment[] {
  const mappings = app.container?.portMappings;
  if (!hasHostNetworking(app) && mappings !== undefined) {
    return mappings.map((m, i) => {
      if (m.hostPort !== undefined) {
        const hostPort = hostPorts[i];
        return strip({ portName: m.name, hostPort, containerPort: m.containerPort === 0 ? hostPort : m.containerPort, effectivePort: hostPort });
      }
      return strip({ portName: m.name, containerPort: m.containerPort });
    });
  }
  return (app.portDefinitions ?? []).map((d, i) => strip({ portName: d.name, hostPort: hostPorts[i], effectivePort: hostPorts[i] }));
}

function strip<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** discoveryPort adds one port to a task's discovery info. */
function discoveryPort(ports: Array<Record<string, unknown>>, name: string | undefined, labels: Record<string, string>, protocol: string, number: number): void {
  ports.push(strip({ number, name, protocol, labels: Object.keys(labels).length > 0 ? toLabels(labels) : undefined }));
}

/** discoveryInfo describes the task's ports for service discovery (`PortDiscovery.generateForApp`). */
export function discoveryInfo(app: AppDefinition, hostPorts: ReadonlyArray<number | undefined>): Record<string, unknown> {
  const ports: Array<Record<string, unknown>> = [];
  if (!hasHostNetworking(app)) {
    const containerNetworks = app.networks.filter((n) => n.mode === 'container').map((n) => n.name ?? '');
    (app.container?.portMappings ?? []).forEach((m, i) => {
      const host = hostPorts[i];
      for (const protocol of m.protocol.split(',')) {
        if (host !== undefined) discoveryPort(ports, m.name, { ...m.labels, 'network-scope': 'host' }, protocol, host);
        else {
          const names = m.networkNames.length > 0 ? m.networkNames : containerNetworks;
          for (const networkName of names) discoveryPort(ports, m.name, { ...m.labels, 'network-scope': 'container', 'network-name': networkName }, protocol, m.containerPort);
        }
      }
    });
  } else {
    (app.portDefinitions ?? []).forEach((d, i) => {
      const host = hostPorts[i];
      if (host === undefined) return;
      for (const protocol of d.protocol.split(',')) discoveryPort(ports, d.name, d.labels, protocol, host);
    });
  }
  return { visibility: 'FRAMEWORK', name: toHostname(app.id), ports: { ports } };
}

function boundPortMappings(mappings: readonly PortMapping[], hostPorts: ReadonlyArray<number | undefined>): PortMapping[] {
  const out: PortMapping[] = [];
  mappings.forEach((m, i) => {
    const host = hostPorts[i];
    if (host === undefined) return;
    out.push({ ...m, hostPort: host, containerPort: m.containerPort === 0 ? host : m.containerPort });
  });
  return out;
}

/** containerInfo builds the task's ContainerInfo (`TaskBuilder.computeContainerInfo`, `ContainerSerializer.toMesos`). */
export function containerInfo(app: AppDefinition, taskId: string, hostPorts: ReadonlyArray<number | undefined>, mesosBridgeName = 'mesos-bridge'): ContainerInfo | undefined {
  if (app.container === undefined && hasHostNetworking(app)) return undefined;
  const c: Container = app.container ?? { type: 'MESOS', volumes: [] };
  const bound = boundPortMappings(c.portMappings ?? [], hostPorts);
  const info: ContainerInfo = { type: c.type };
  const volumes = c.volumes.flatMap((v) => ('hostPath' in v ? [{ container_path: v.containerPath, host_path: v.hostPath, mode: v.mode }] : []));
  if (c.type === 'DOCKER' && c.docker !== undefined) {
    const network = app.networks.some((n) => n.mode === 'container') ? 'USER' : app.networks.some((n) => n.mode === 'container/bridge') ? 'BRIDGE' : 'HOST';
    info.docker = strip({
      image: c.docker.image,
      network,
      port_mappings: bound.flatMap((m) => m.protocol.split(',').map((protocol) => ({ host_port: m.hostPort, container_port: m.containerPort, protocol }))),
      privileged: c.docker.privileged ?? false,
      parameters: [...(c.docker.parameters ?? []), { key: 'label', value: `MESOS_TASK_ID=${taskId}` }],
      force_pull_image: c.docker.forcePullImage,
    });
    const named = app.networks.find((n) => n.mode === 'container');
    if (named?.name !== undefined) info.network_infos = [{ name: named.name }];
  } else {
    info.type = 'MESOS';
    if (c.docker !== undefined) info.mesos = { image: { type: 'DOCKER', docker: { name: c.docker.image }, cached: !c.docker.forcePullImage } };
    else info.mesos = {};
    const networkInfos = app.networks
      .filter((n) => n.mode !== 'host')
      .map((n) => {
        const name = n.mode === 'container/bridge' ? mesosBridgeName : (n.name ?? '');
        const qualified = bound.filter((m) => m.networkNames.every((x) => x === name));
        return {
          ip_addresses: [{}],
          labels: toLabels(n.labels ?? {}),
          name,
          port_mappings: qualified.map((m) => ({ host_port: m.hostPort as number, container_port: m.containerPort, protocol: m.protocol })),
        };
      });
    if (networkInfos.length > 0) info.network_infos = networkInfos;
  }
  if (volumes.length > 0) info.volumes = volumes;
  if (app.tty === true) info.tty_info = {};
  return info;
}

/** commandInfo builds the CommandInfo (`TaskBuilder.commandInfo`): environment, cmd or args, fetch URIs, user. */
export function commandInfo(input: TaskBuildInput): CommandInfo {
  const { app } = input;
  const env = taskEnvironment({
    app,
    taskId: input.taskId,
    host: input.offer.hostname,
    hostPorts: input.hostPorts,
    rng: input.rng,
    ...(input.envPrefix !== undefined ? { envPrefix: input.envPrefix } : {}),
    ...(input.enforceRole !== undefined ? { enforceRole: input.enforceRole } : {}),
  });
  const command: CommandInfo = { environment: { variables: Object.entries(env).map(([name, value]) => ({ name, value })) } };
  if (app.cmd !== undefined && app.cmd !== '') command.value = app.cmd;
  else command.shell = false;
  if (app.args.length > 0) {
    command.shell = false;
    command.arguments = [...app.args];
    if (app.container === undefined) command.value = app.args[0] as string;
  }
  if (app.fetch.length > 0) {
    command.uris = app.fetch.map((f) => strip({ value: f.uri, executable: f.executable, extract: f.extract, cache: f.cache, output_file: f.destPath }));
  }
  if (app.user !== undefined) command.user = app.user;
  return command;
}

/**
 * mesosHealthCheck converts the first Mesos-run health check (COMMAND, MESOS_HTTP, MESOS_HTTPS, MESOS_TCP) to a
 * Mesos HealthCheck; Mesos runs at most one. Its port is `port`, or the port at `portIndex` (the container port
 * when there is one, since Mesos probes from inside the container's network). A check whose port cannot be
 * resolved is left out, as in Marathon.
 */
export function mesosHealthCheck(app: AppDefinition, assignments: readonly PortAssignment[]): Record<string, unknown> | undefined {
  const checks = app.healthChecks.filter((hc) => hc.protocol === 'COMMAND' || hc.protocol.startsWith('MESOS_'));
  for (const hc of checks) {
    const built = buildHealthCheck(hc, assignments);
    if (built !== undefined) return built;
  }
  return undefined;
}

function buildHealthCheck(hc: HealthCheck, assignments: readonly PortAssignment[]): Record<string, unknown> | undefined {
  const common = {
    interval_seconds: hc.intervalSeconds,
    timeout_seconds: hc.timeoutSeconds,
    consecutive_failures: hc.maxConsecutiveFailures,
    grace_period_seconds: hc.gracePeriodSeconds,
    delay_seconds: hc.delaySeconds,
  };
  if (hc.protocol === 'COMMAND') return { type: 'COMMAND', ...common, command: { value: hc.command?.value ?? '' } };
  const assignment = hc.portIndex === undefined ? undefined : assignments[hc.portIndex];
  const port = hc.port ?? assignment?.containerPort ?? assignment?.hostPort;
  if (port === undefined) return undefined;
  if (hc.protocol === 'MESOS_TCP') return { type: 'TCP', ...common, tcp: { port, protocol: hc.ipProtocol } };
  const http = strip({ scheme: hc.protocol === 'MESOS_HTTP' ? 'http' : 'https', port, path: hc.path, protocol: hc.ipProtocol });
  return { type: 'HTTP', ...common, http };
}

/**
 * buildTaskInfo turns an app and a matched offer into the TaskInfo Marathon would launch. With the default
 * executor (`executor` "" or `//cmd`) the task carries the command; with a custom executor path the command
 * runs the executor (`chmod ug+rx '<path>' && exec '<path>' <cmd>`) under ExecutorInfo `marathon-<taskId>`.
 */
export function buildTaskInfo(input: TaskBuildInput): TaskInfo {
  const { app, offer } = input;
  const task: TaskInfo = {
    name: toHostname(app.id),
    task_id: { value: input.taskId },
    agent_id: { value: offer.agent_id.value },
    resources: [...input.resources],
  };
  const limits: Record<string, unknown> = {};
  for (const name of ['cpus', 'mem'] as const) {
    const limit = app.resourceLimits?.[name];
    if (limit !== undefined) limits[name] = { value: limit === 'unlimited' ? 'Infinity' : limit };
  }
  if (Object.keys(limits).length > 0) task.limits = limits;
  task.discovery = discoveryInfo(app, input.hostPorts);
  if (Object.keys(app.labels).length > 0) task.labels = toLabels(app.labels);
  const container = containerInfo(app, input.taskId, input.hostPorts, input.mesosBridgeName);
  const command = commandInfo(input);
  if (app.executor === '' || app.executor === '//cmd') {
    if (container !== undefined) task.container = container;
    task.command = command;
  } else {
    const path = `'${app.executor}'`;
    const cmd = app.cmd ?? app.args.join(' ');
    task.executor = strip({
      executor_id: { value: legacyExecutorId(input.taskId) },
      container,
      resources: app.executorResources === undefined ? undefined : scalarResources(app.executorResources),
      command: { ...command, value: `chmod ug+rx ${path} && exec ${path} ${cmd}` },
    });
  }
  if (app.taskKillGracePeriodSeconds !== undefined) task.kill_policy = { grace_period: { nanoseconds: app.taskKillGracePeriodSeconds * 1_000_000_000 } };
  const health = mesosHealthCheck(app, portAssignments(app, input.hostPorts));
  if (health !== undefined) task.health_check = health;
  return task;
}

function scalarResources(r: { cpus: number; mem: number; disk: number }): Resource[] {
  return [
    { name: 'cpus', type: 'SCALAR', scalar: { value: r.cpus } },
    { name: 'mem', type: 'SCALAR', scalar: { value: r.mem } },
    { name: 'disk', type: 'SCALAR', scalar: { value: r.disk } },
  ];
}
