import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Resources } from '../common/resources.js';
import { attributesSummary } from '../common/attributes.js';
import { mapBounded } from '../common/concurrency.js';
import { invalid, CoreError } from '../common/errors.js';
import type { Agent } from '../agent/agent.js';
import type { HistorySample } from '../containerizer/containerHistory.js';
import type { ContainerView } from '../containerizer/containerView.js';
import type { Task } from '../protocol/mesos/v1.js';
import { isTerminalState } from '../protocol/mesos/v1.js';
import { BUILD_INFO } from './buildInfo.js';
import { systemMetrics } from './masterRoutes.js';
import { checkMesosContentType, parseMesosJson, sendJson, statusOf } from './mesosHttp.js';

/**
 * registerAgentRoutes mounts the agent's endpoints: legacy `/state` (also under `/slave(1)/`), the v1
 * operator API basics, `/monitor/statistics`, metrics, version and health. `/files/*` is mounted
 * separately by `registerFilesRoutes`.
 */
export function registerAgentRoutes(app: FastifyInstance, agent: Agent, flags: () => Record<string, string>): void {
  const both = (path: string, handler: (req: FastifyRequest, reply: FastifyReply) => unknown) => {
    for (const p of [`/slave(1)${path}`, path]) app.get(p, handler);
  };
  for (const path of ['/state', '/state.json']) both(path, (req, reply) => sendJson(req, reply, agentStateJson(agent, flags())));
  both('/health', (_req, reply) => reply.code(200).send());
  both('/flags', (req, reply) => sendJson(req, reply, { flags: flags() }));
  for (const path of ['/monitor/statistics', '/monitor/statistics.json']) {
    app.get(path, async (req, reply) => sendJson(req, reply, await monitorStatistics(agent)));
  }
  app.get('/version', (req, reply) => sendJson(req, reply, BUILD_INFO));
  app.get('/metrics/snapshot', (req, reply) => sendJson(req, reply, agentMetrics(agent)));
  for (const p of ['/api/v1', '/slave(1)/api/v1']) app.post(p, (req, reply) => agentOperatorApi(agent, req, reply, flags));
  registerContainerViewRoutes(app, agent);
}

/**
 * registerContainerViewRoutes mounts the container view extension (documented in core/containerizer/README.md):
 * `GET /plateau/v1/containers` lists the live containers with their current view, and
 * `GET /plateau/v1/containers/{containerId}/samples?since=<ms>` returns a container's bounded ring of sampled views.
 * The list takes `framework_id`, `executor_id` and `container_id` filters and `statistics=true` (each container's
 * ResourceStatistics as `/monitor/statistics` has them), so a console charting one container reads that container
 * alone every poll instead of every container on the agent.
 */
function registerContainerViewRoutes(app: FastifyInstance, agent: Agent): void {
  app.get<{ Querystring: { framework_id?: string; executor_id?: string; container_id?: string; statistics?: string } }>('/plateau/v1/containers', async (req, reply) => {
    const q = req.query;
    const withStatistics = q.statistics === undefined ? false : BOOLEAN_PARAM.get(q.statistics);
    if (withStatistics === undefined) return reply.code(400).type('text/plain; charset=utf-8').send(`Invalid 'statistics': expected true or false, got '${q.statistics}'`);
    for (const name of ['framework_id', 'executor_id', 'container_id'] as const) {
      if (q[name] === '' || Array.isArray(q[name])) return reply.code(400).type('text/plain; charset=utf-8').send(`Invalid '${name}': expected one non-empty id`);
    }
    const selected = liveContainers(agent).filter(
      ({ run, containerId }) => (q.framework_id === undefined || run.frameworkId === q.framework_id) && (q.executor_id === undefined || run.executorId === q.executor_id) && (q.container_id === undefined || containerId === q.container_id),
    );
    const containers = await mapBounded(selected, USAGE_READS_IN_FLIGHT, async ({ run, containerId }) => {
      let statistics: Record<string, number> | undefined;
      if (withStatistics) {
        try {
          statistics = await agent.containerUsage(containerId);
        } catch {
          return undefined; // the container ended between listing and reading, as `/monitor/statistics` skips it
        }
      }
      const view = await safeView(agent, containerId);
      return {
        container_id: containerId,
        framework_id: run.frameworkId,
        executor_id: run.executorId,
        task_id: run.task.task_id.value,
        ...(statistics ? { statistics } : {}),
        ...(view ? { view: containerViewJson(view) } : {}),
      };
    });
    return sendJson(req, reply, { containers: containers.filter((c) => c !== undefined) });
  });
  app.get<{ Params: { containerId: string }; Querystring: { since?: string } }>('/plateau/v1/containers/:containerId/samples', (req, reply) => {
    const { containerId } = req.params;
    const since = req.query.since;
    if (since !== undefined && (since.trim() === '' || !Number.isFinite(Number(since)))) {
      return reply.code(400).type('text/plain; charset=utf-8').send(`Invalid 'since': expected milliseconds since the epoch, got '${since}'`);
    }
    const run = [...agent.runs.values(), ...agent.completed].find((r) => r.container?.containerId === containerId);
    if (!run) return reply.code(404).type('text/plain; charset=utf-8').send(`Unknown container '${containerId}'`);
    const samples = agent.containerSamples(containerId, since === undefined ? undefined : Number(since)) ?? [];
    return sendJson(req, reply, {
      container_id: containerId,
      framework_id: run.frameworkId,
      executor_id: run.executorId,
      task_id: run.task.task_id.value,
      samples: samples.map(sampleJson),
    });
  });
}

/** safeView reads a container's view, or undefined when there is none or the container ended meanwhile. */
async function safeView(agent: Agent, containerId: string): Promise<ContainerView | undefined> {
  try {
    return await agent.containerView(containerId);
  } catch {
    return undefined;
  }
}

/** containerViewJson renders a `ContainerView` with snake_case field names, its timestamp in milliseconds. */
export function containerViewJson(v: ContainerView): Record<string, unknown> {
  const m = v.memory;
  const c = v.cpu;
  return {
    timestamp_ms: v.timestamp,
    memory: {
      total_bytes: m.totalBytes,
      free_bytes: m.freeBytes,
      available_bytes: m.availableBytes,
      used_bytes: m.usedBytes,
      cache_bytes: m.cacheBytes,
      buffers_bytes: m.buffersBytes,
      buff_cache_bytes: m.buffCacheBytes,
      shared_bytes: m.sharedBytes,
    },
    cpu: {
      count: c.count,
      limit: c.limit,
      ...(c.utilisation !== undefined ? { utilisation: c.utilisation } : {}),
      ...(c.userFraction !== undefined ? { user_fraction: c.userFraction } : {}),
      ...(c.systemFraction !== undefined ? { system_fraction: c.systemFraction } : {}),
    },
  };
}

function sampleJson(s: HistorySample<ContainerView>): Record<string, unknown> {
  return { at_ms: s.at, view: containerViewJson(s.value) };
}

/** agentTasks groups the agent's tasks by framework, live and completed, as `/state` nests them. */
function agentTasks(agent: Agent): Map<string, { live: Task[]; completed: Task[] }> {
  const out = new Map<string, { live: Task[]; completed: Task[] }>();
  const slot = (id: string) => {
    let s = out.get(id);
    if (!s) out.set(id, (s = { live: [], completed: [] }));
    return s;
  };
  for (const run of agent.runs.values()) {
    const t = agent.taskJson(run);
    (isTerminalState(t.state) ? slot(run.frameworkId).completed : slot(run.frameworkId).live).push(t);
  }
  for (const run of agent.completed) slot(run.frameworkId).completed.push(agent.taskJson(run));
  return out;
}

/** agentStateJson renders `/slave(1)/state` in Mesos's shape (§3.7 of the wire reference). */
export function agentStateJson(agent: Agent, flags: Record<string, string>): Record<string, unknown> {
  const s = agent.settings;
  const byFramework = agentTasks(agent);
  const frameworkIds = new Set([...agent.frameworks.keys(), ...byFramework.keys()]);
  let allocated = Resources.empty();
  for (const run of agent.runs.values()) if (!isTerminalState(run.state)) allocated = allocated.add(Resources.fromJSON(run.task.resources ?? []));
  const frameworks: Array<Record<string, unknown>> = [];
  const completedFrameworks: Array<Record<string, unknown>> = [];
  for (const id of frameworkIds) {
    const info = agent.frameworks.get(id);
    const tasks = byFramework.get(id) ?? { live: [], completed: [] };
    const executors = new Map<string, { tasks: Task[]; completed: Task[]; dir: string }>();
    for (const [list, kind] of [[tasks.live, 'tasks'], [tasks.completed, 'completed']] as const) {
      for (const t of list) {
        const exId = t.executor_id?.value ?? t.task_id.value;
        let e = executors.get(exId);
        if (!e) executors.set(exId, (e = { tasks: [], completed: [], dir: sandboxOf(agent, id, t.task_id.value) }));
        e[kind].push(t);
      }
    }
    const executorJson = [...executors].map(([exId, e]) => ({
      id: exId,
      name: `Command Executor (Task: ${exId})`,
      source: exId,
      container: '',
      directory: e.dir,
      resources: Resources.fromJSON(e.tasks.flatMap((t) => t.resources)).summary(),
      tasks: e.tasks.map(legacyAgentTask),
      queued_tasks: [],
      completed_tasks: e.completed.map(legacyAgentTask),
    }));
    const entry = {
      id,
      name: info?.name ?? '',
      user: info?.user ?? '',
      failover_timeout: info?.failover_timeout ?? 0,
      checkpoint: info?.checkpoint ?? false,
      hostname: info?.hostname ?? '',
      ...(info?.principal ? { principal: info.principal } : {}),
      ...((info?.capabilities ?? []).some((c) => c.type === 'MULTI_ROLE') ? { roles: info?.roles ?? [] } : { role: info?.role ?? '*' }),
      executors: executorJson.filter((e) => e.tasks.length > 0),
      completed_executors: executorJson.filter((e) => e.tasks.length === 0),
    };
    (agent.frameworks.has(id) ? frameworks : completedFrameworks).push(entry);
  }
  return {
    version: BUILD_INFO.version,
    build_date: BUILD_INFO.build_date,
    build_time: BUILD_INFO.build_time,
    build_user: BUILD_INFO.build_user,
    git_sha: BUILD_INFO.git_sha,
    start_time: agent.startTime / 1000,
    id: agent.agentId ?? '',
    pid: `slave(1)@${s.ip}:${s.port}`,
    hostname: s.hostname,
    capabilities: s.capabilities,
    resources: s.resources.summary(),
    reserved_resources: {},
    unreserved_resources: s.resources.unreserved().summary(),
    reserved_resources_full: {},
    unreserved_resources_full: s.resources.unreserved().toJSON(),
    reserved_resources_allocated: {},
    unreserved_resources_allocated: allocated.unallocate().toJSON(),
    attributes: attributesSummary(s.attributes),
    master_hostname: agent.masterInfo?.hostname ?? '',
    flags,
    frameworks,
    completed_frameworks: completedFrameworks,
  };
}

function sandboxOf(agent: Agent, frameworkId: string, taskId: string): string {
  for (const run of [...agent.runs.values(), ...agent.completed]) {
    if (run.frameworkId === frameworkId && run.task.task_id.value === taskId) return run.sandboxDir;
  }
  return '';
}

function legacyAgentTask(t: Task): Record<string, unknown> {
  return {
    id: t.task_id.value,
    name: t.name,
    framework_id: t.framework_id.value,
    executor_id: '',
    slave_id: t.agent_id.value,
    state: t.state,
    resources: Resources.fromJSON(t.resources).summary(),
    statuses: t.statuses.map((s) => ({ state: s.state, timestamp: s.timestamp ?? 0, ...(s.container_status ? { container_status: s.container_status } : {}) })),
    ...(t.labels?.labels?.length ? { labels: t.labels.labels } : {}),
    ...(t.discovery ? { discovery: t.discovery } : {}),
  };
}

/** BOOLEAN_PARAM reads a boolean query parameter the way Mesos's endpoints spell them. */
const BOOLEAN_PARAM = new Map<string, boolean>([
  ['true', true],
  ['1', true],
  ['false', false],
  ['0', false],
]);

/**
 * USAGE_READS_IN_FLIGHT bounds how many containers' usage `/monitor/statistics` and GET_CONTAINERS read at once. They
 * read concurrently so a containerizer can serve reads that overlap together (the posix one answers them from one
 * scan of `/proc`; read one after another, 70 containers cost 70 scans and an answer took 10 s and more), and with a
 * bound so a Docker agent does not ask its daemon for hundreds of containers' stats at once.
 */
const USAGE_READS_IN_FLIGHT = 32;

/** liveContainers lists the agent's task runs whose container is running, with the container's id. */
function liveContainers(agent: Agent) {
  return [...agent.runs.values()].flatMap((run) => (run.container && !isTerminalState(run.state) ? [{ run, containerId: run.container.containerId, pid: run.container.pid }] : []));
}

/** monitorStatistics answers `/monitor/statistics`: one entry per live executor with its container's usage. */
export async function monitorStatistics(agent: Agent): Promise<unknown[]> {
  const entries = await mapBounded(liveContainers(agent), USAGE_READS_IN_FLIGHT, async ({ run, containerId }) => {
    let statistics: Record<string, number>;
    try {
      statistics = await agent.containerUsage(containerId);
    } catch {
      return undefined; // the container ended between listing and reading; Mesos skips it too
    }
    const view = await safeView(agent, containerId);
    return {
      framework_id: run.frameworkId,
      executor_id: run.executorId,
      executor_name: `Command Executor (Task: ${run.task.task_id.value})`,
      source: run.task.task_id.value,
      statistics,
      ...(view ? { plateau_container_view: containerViewJson(view) } : {}),
    };
  });
  return entries.filter((e) => e !== undefined);
}

function agentMetrics(agent: Agent): Record<string, number> {
  const states = new Map<string, number>();
  for (const run of agent.runs.values()) states.set(run.state, (states.get(run.state) ?? 0) + 1);
  for (const run of agent.completed) states.set(run.state, (states.get(run.state) ?? 0) + 1);
  let used = Resources.empty();
  for (const run of agent.runs.values()) if (!isTerminalState(run.state)) used = used.add(Resources.fromJSON(run.task.resources ?? []));
  const out: Record<string, number> = {
    'slave/registered': agent.connected ? 1 : 0,
    'slave/uptime_secs': (agent.clock.now() - agent.startTime) / 1000,
    'slave/frameworks_active': agent.frameworks.size,
    'slave/executors_running': [...agent.runs.values()].filter((r) => !isTerminalState(r.state)).length,
  };
  for (const name of ['cpus', 'gpus', 'mem', 'disk']) {
    const total = agent.settings.resources.scalar(name);
    out[`slave/${name}_total`] = total;
    out[`slave/${name}_used`] = used.scalar(name);
    out[`slave/${name}_percent`] = total > 0 ? used.scalar(name) / total : 0;
  }
  for (const s of ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_LOST']) {
    out[`slave/${s.toLowerCase().replace('task_', 'tasks_')}`] = states.get(s) ?? 0;
  }
  return { ...out, ...systemMetrics() };
}

async function agentOperatorApi(agent: Agent, req: FastifyRequest, reply: FastifyReply, flags: () => Record<string, string>): Promise<unknown> {
  try {
    checkMesosContentType(req);
    const body = parseMesosJson(String(req.body ?? '')) as { type?: string };
    if (typeof body?.type !== 'string') throw invalid("Failed to convert JSON into Call protobuf: missing required field 'type'");
    const answer = (type: string, payload: unknown) => sendJson(req, reply, { type, [type.toLowerCase()]: payload });
    const byFramework = agentTasks(agent);
    switch (body.type) {
      case 'GET_HEALTH':
        return answer('GET_HEALTH', { healthy: true });
      case 'GET_VERSION':
        return answer('GET_VERSION', { version_info: BUILD_INFO });
      case 'GET_FLAGS':
        return answer('GET_FLAGS', { flags: Object.entries(flags()).map(([name, value]) => ({ name, value })) });
      case 'GET_METRICS':
        return answer('GET_METRICS', { metrics: Object.entries(agentMetrics(agent)).map(([name, value]) => ({ name, value })) });
      case 'GET_AGENT':
        return answer('GET_AGENT', { agent_info: { id: { value: agent.agentId ?? '' }, hostname: agent.settings.hostname, port: agent.settings.port, resources: agent.settings.resources.toJSON(), attributes: agent.settings.attributes } });
      case 'GET_FRAMEWORKS':
        return answer('GET_FRAMEWORKS', { frameworks: [...agent.frameworks.values()].map((framework_info) => ({ framework_info })) });
      case 'GET_TASKS':
        return answer('GET_TASKS', tasksV1(byFramework));
      case 'GET_STATE':
        return answer('GET_STATE', {
          get_tasks: tasksV1(byFramework),
          get_executors: {},
          get_frameworks: { frameworks: [...agent.frameworks.values()].map((framework_info) => ({ framework_info })) },
        });
      case 'GET_CONTAINERS': {
        const containers = await mapBounded(liveContainers(agent), USAGE_READS_IN_FLIGHT, async ({ run, containerId, pid }) => {
          let resource_statistics: Record<string, number> | undefined;
          try {
            resource_statistics = await agent.containerUsage(containerId);
          } catch {
            resource_statistics = undefined;
          }
          const view = await safeView(agent, containerId);
          return {
            framework_id: { value: run.frameworkId },
            executor_id: { value: run.executorId },
            executor_name: `Command Executor (Task: ${run.task.task_id.value})`,
            container_id: { value: containerId },
            container_status: { container_id: { value: containerId }, executor_pid: pid },
            ...(resource_statistics ? { resource_statistics } : {}),
            ...(view ? { plateau_container_view: containerViewJson(view) } : {}),
          };
        });
        return answer('GET_CONTAINERS', { containers });
      }
      default:
        if (/^[A-Z_]+$/.test(body.type)) throw new CoreError('UNSUPPORTED', `Agent call ${body.type} is not implemented by Plateau`);
        throw invalid(`Failed to convert JSON into Call protobuf: unknown call type '${body.type}'`);
    }
  } catch (err) {
    return reply.code(statusOf(err)).type('text/plain; charset=utf-8').send((err as Error).message);
  }
}

function tasksV1(byFramework: Map<string, { live: Task[]; completed: Task[] }>): Record<string, unknown> {
  const launched = [...byFramework.values()].flatMap((f) => f.live);
  const terminated = [...byFramework.values()].flatMap((f) => f.completed);
  return { ...(launched.length ? { launched_tasks: launched } : {}), ...(terminated.length ? { completed_tasks: terminated } : {}) };
}
