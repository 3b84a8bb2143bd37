import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import os from 'node:os';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CoreError, invalid } from '../common/errors.js';
import { formatDuration } from '../common/duration.js';
import type { Master } from '../master/master.js';
import type { OfferEvent } from '../protocol/plateau/offerEvent.js';
import { parseSchedulerCall } from '../protocol/mesos/schedulerCallSchema.js';
import type { SchedulerEvent } from '../protocol/mesos/scheduler.js';
import type { Task } from '../protocol/mesos/v1.js';
import { AGENT_LINK_PATH, AGENT_STREAM_HEADER, type AgentCall, type AgentEvent } from '../protocol/plateau/agentLink.js';
import { BUILD_INFO } from './buildInfo.js';
import { maintenanceOperatorCall, registerMaintenanceRoutes } from './maintenanceRoutes.js';
import { masterMetrics } from './masterMetrics.js';
import { getAgentsJson, getFrameworksJson, getRolesJson, getStateJson, getTasksJson, operatorEventJson } from './masterOperatorJson.js';
import { agentJson, agentUsage, frameworkJson, masterStateJson, masterStateSummaryJson, taskJson } from './masterStateJson.js';
import { checkMesosContentType, parseMesosJson, RecordIoSink, sendJson, statusOf } from './mesosHttp.js';

/** OFFERS_STREAM_PATH is Plateau's offers-stream extension (Server-Sent Events); see `OfferEvent`. */
export const OFFERS_STREAM_PATH = '/plateau/v1/offers';

/**
 * registerMasterRoutes mounts the master's wire APIs on `app`: the v1 scheduler and operator APIs, the
 * legacy JSON endpoints (each under `/master/` and at the root, plus the old `.json` aliases), metrics,
 * the agent link and the offers stream.
 */
export function registerMasterRoutes(app: FastifyInstance, master: Master): void {
  const flagsObject = (): Record<string, string> =>
    Object.fromEntries(
      Object.entries(master.flags)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, durationFlags.has(k) ? formatDuration(v as number) : String(v)]),
    );

  const both = (path: string, handler: (req: FastifyRequest, reply: FastifyReply) => unknown) => {
    for (const p of [`/master${path}`, path]) app.get(p, handler);
  };

  app.post('/api/v1/scheduler', (req, reply) => schedulerApi(master, req, reply));
  app.post('/master/api/v1/scheduler', (req, reply) => schedulerApi(master, req, reply));
  app.post('/api/v1', (req, reply) => operatorApi(master, req, reply, flagsObject));
  app.post('/master/api/v1', (req, reply) => operatorApi(master, req, reply, flagsObject));
  app.post(AGENT_LINK_PATH, (req, reply) => agentLink(master, req, reply));
  registerMaintenanceRoutes(app, master);
  for (const path of ['/api/v1/scheduler', '/master/api/v1/scheduler', '/api/v1', '/master/api/v1']) {
    app.route({ method: ['GET', 'PUT', 'DELETE', 'PATCH'], url: path, handler: (_req, reply) => reply.code(405).header('Allow', 'POST').type('text/plain; charset=utf-8').send(`Expecting 'POST', received '${_req.method}'`) });
  }

  for (const path of ['/state', '/state.json']) both(path, (req, reply) => sendJson(req, reply, masterStateJson(master, flagsObject())));
  both('/state-summary', (req, reply) => sendJson(req, reply, masterStateSummaryJson(master)));
  for (const path of ['/frameworks', '/frameworks.json']) {
    both(path, (req, reply) => {
      const only = (req.query as Record<string, string | undefined>).framework_id;
      const frameworks = [...master.frameworks.values()].filter((f) => !only || f.id === only);
      const completed = master.completedFrameworks.filter((f) => !only || f.id === only);
      return sendJson(req, reply, { frameworks: frameworks.map((f) => frameworkJson(f, true)), completed_frameworks: completed.map((f) => frameworkJson(f, true)), unregistered_frameworks: [] });
    });
  }
  for (const path of ['/slaves', '/slaves.json']) {
    both(path, (req, reply) => {
      const only = (req.query as Record<string, string | undefined>).slave_id;
      const usage = agentUsage(master);
      const slaves = [...master.agents.values()].filter((a) => !only || a.id === only).map((a) => agentJson(a, usage.get(a.id), true));
      return sendJson(req, reply, { slaves, recovered_slaves: [] });
    });
  }
  for (const path of ['/tasks', '/tasks.json']) both(path, (req, reply) => sendJson(req, reply, tasksEndpoint(master, req.query as Record<string, string | undefined>)));
  for (const path of ['/roles', '/roles.json']) both(path, (req, reply) => sendJson(req, reply, rolesEndpoint(master)));
  both('/flags', (req, reply) => sendJson(req, reply, { flags: flagsObject() }));
  both('/health', (_req, reply) => reply.code(200).send());
  both('/redirect', (_req, reply) => reply.code(307).header('Location', `//${master.info.hostname}:${master.info.port}`).send());
  app.get('/version', (req, reply) => sendJson(req, reply, BUILD_INFO));
  app.get('/metrics/snapshot', (req, reply) => sendJson(req, reply, masterMetrics(master, systemMetrics())));
  app.get(OFFERS_STREAM_PATH, (req, reply) => offersStream(master, req, reply));
}

const durationFlags = new Set(['allocation_interval', 'offer_timeout', 'agent_ping_timeout', 'agent_reregister_timeout', 'heartbeat_interval']);

/** systemMetrics are the `system/*` keys Mesos reports on every process. */
export function systemMetrics(): Record<string, number> {
  const [l1, l5, l15] = os.loadavg();
  return {
    'system/cpus_total': os.cpus().length,
    'system/load_1min': l1 ?? 0,
    'system/load_5min': l5 ?? 0,
    'system/load_15min': l15 ?? 0,
    'system/mem_total_bytes': os.totalmem(),
    'system/mem_free_bytes': os.freemem(),
  };
}

async function schedulerApi(master: Master, req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  try {
    checkMesosContentType(req);
    const parsed = parseSchedulerCall(parseMesosJson(String(req.body ?? '')));
    if (!parsed.ok) {
      if (parsed.error === 'Received an UNKNOWN call') throw new CoreError('UNSUPPORTED', parsed.error);
      throw invalid(parsed.error);
    }
    const call = parsed.call;
    const streamId = headerValue(req, 'mesos-stream-id');
    if (call.type === 'SUBSCRIBE') {
      if (streamId !== undefined) throw invalid('Subscribe calls should not include the \'Mesos-Stream-Id\' header');
      const newStreamId = randomUUID();
      await serveStream<SchedulerEvent, string>(
        reply,
        { 'Mesos-Stream-Id': newStreamId },
        async (sink) => (await master.subscribe(call, sink, newStreamId)).frameworkId,
        (frameworkId) => master.frameworkStreamClosed(frameworkId, newStreamId),
      );
      return undefined;
    }
    if (call.type === 'UPDATE_FRAMEWORK') {
      await master.schedulerCall(call, streamId);
      return reply.code(200).send();
    }
    await master.schedulerCall(call, streamId);
    return reply.code(202).send();
  } catch (err) {
    return reply.code(statusOf(err)).type('text/plain; charset=utf-8').send((err as Error).message);
  }
}

/**
 * serveStream answers a request with a RecordIO event stream: `open` admits the subscriber (or throws,
 * which becomes a plain-text error instead of a stream), and `closed` runs once the stream ends, from
 * either side, even when that happens before `open` has finished.
 */
async function serveStream<E, Id>(reply: FastifyReply, headers: Record<string, string>, open: (sink: RecordIoSink<E>) => Promise<Id>, closed: (id: Id) => void): Promise<void> {
  reply.hijack();
  let id: { value: Id } | undefined;
  const sink = new RecordIoSink<E>(reply.raw, headers, () => {
    if (id) closed(id.value);
  });
  try {
    id = { value: await open(sink) };
    if (sink.closed) closed(id.value);
  } catch (err) {
    sink.fail(statusOf(err), (err as Error).message);
  }
}

function headerValue(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

type OperatorCall = { type: string; [k: string]: unknown };

async function operatorApi(master: Master, req: FastifyRequest, reply: FastifyReply, flags: () => Record<string, string>): Promise<unknown> {
  try {
    checkMesosContentType(req);
    const body = parseMesosJson(String(req.body ?? '')) as OperatorCall;
    if (typeof body !== 'object' || body === null || typeof body.type !== 'string') throw invalid("Failed to convert JSON into Call protobuf: missing required field 'type'");
    const answer = (type: string, payload: unknown) => sendJson(req, reply, { type, [type.toLowerCase()]: payload });
    switch (body.type) {
      case 'GET_HEALTH':
        return answer('GET_HEALTH', { healthy: true });
      case 'GET_FLAGS':
        return answer('GET_FLAGS', { flags: Object.entries(flags()).map(([name, value]) => ({ name, value })) });
      case 'GET_VERSION':
        return answer('GET_VERSION', { version_info: BUILD_INFO });
      case 'GET_METRICS':
        return answer('GET_METRICS', { metrics: Object.entries(masterMetrics(master, systemMetrics())).map(([name, value]) => ({ name, value })) });
      case 'GET_LOGGING_LEVEL':
        return answer('GET_LOGGING_LEVEL', { level: 0 });
      case 'GET_STATE':
        return answer('GET_STATE', getStateJson(master));
      case 'GET_AGENTS':
        return answer('GET_AGENTS', getAgentsJson(master));
      case 'GET_FRAMEWORKS':
        return answer('GET_FRAMEWORKS', getFrameworksJson(master));
      case 'GET_EXECUTORS':
        return answer('GET_EXECUTORS', {});
      case 'GET_TASKS':
        return answer('GET_TASKS', getTasksJson(master));
      case 'GET_ROLES':
        return answer('GET_ROLES', getRolesJson(master));
      case 'GET_WEIGHTS':
        return answer('GET_WEIGHTS', { weight_infos: master.allocator.roles().filter((r) => r.weight !== 1).map((r) => ({ role: r.name, weight: r.weight })) });
      case 'GET_MASTER':
        return answer('GET_MASTER', { master_info: master.info, start_time: master.startTime / 1000, elected_time: (master.electedTime ?? master.startTime) / 1000 });
      case 'GET_QUOTA':
        return answer('GET_QUOTA', {
          status: {
            configs: master.allocator
              .roles()
              .filter((r) => r.quota)
              .map((r) => ({ role: r.name, guarantees: quantities(r.quota?.guarantees ?? {}), limits: quantities(r.quota?.limits ?? {}) })),
          },
        });
      case 'UPDATE_WEIGHTS': {
        const infos = ((body.update_weights as { weight_infos?: Array<{ role: string; weight: number | string }> } | undefined)?.weight_infos ?? []).map((w) => ({ role: w.role, weight: Number(w.weight) }));
        await master.updateWeights(infos);
        return reply.code(200).send();
      }
      case 'UPDATE_QUOTA': {
        const configs = (body.update_quota as { quota_configs?: Array<{ role: string; guarantees?: Record<string, { value: number }>; limits?: Record<string, { value: number }> }> } | undefined)?.quota_configs ?? [];
        for (const c of configs) await master.updateQuota(c.role, { guarantees: unquantities(c.guarantees), limits: unquantities(c.limits) });
        return reply.code(200).send();
      }
      case 'TEARDOWN': {
        const id = (body.teardown as { framework_id?: { value: string } } | undefined)?.framework_id?.value;
        if (!id) throw invalid("Expecting 'teardown.framework_id' to be present");
        await master.teardown(id);
        return reply.code(200).send();
      }
      case 'SUBSCRIBE':
        return operatorSubscribe(master, reply);
      default: {
        const maintenance = await maintenanceOperatorCall(master, body);
        if (maintenance === null) return reply.code(200).send();
        if (maintenance) return answer(...maintenance);
        if (/^[A-Z_]+$/.test(body.type)) throw new CoreError('UNSUPPORTED', `Operator call ${body.type} is not implemented by Plateau`);
        throw invalid(`Failed to convert JSON into Call protobuf: unknown call type '${body.type}'`);
      }
    }
  } catch (err) {
    return reply.code(statusOf(err)).type('text/plain; charset=utf-8').send((err as Error).message);
  }
}

function quantities(q: Record<string, number>): Record<string, { value: number }> {
  return Object.fromEntries(Object.entries(q).map(([k, v]) => [k, { value: v }]));
}

function unquantities(q: Record<string, { value: number }> | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(q ?? {}).map(([k, v]) => [k, Number(v.value)]));
}

/** operatorSubscribe streams SUBSCRIBED (with the full state) and then every master event, as `/api/v1` SUBSCRIBE does. */
function operatorSubscribe(master: Master, reply: FastifyReply): undefined {
  reply.hijack();
  const sink = new RecordIoSink<unknown>(reply.raw, {}, () => {
    void subscription.dispose();
    clearInterval(heartbeat);
  });
  const subscription = master.operatorEvents.on((event) => sink.send(operatorEventJson(event)));
  const heartbeat = setInterval(() => sink.send({ type: 'HEARTBEAT' }), master.flags.heartbeat_interval);
  sink.send({ type: 'SUBSCRIBED', subscribed: { get_state: getStateJson(master), heartbeat_interval_seconds: master.flags.heartbeat_interval / 1000 } });
  return undefined;
}

/** AGENT_LINK_BODY_LIMIT is the largest agent call taken, as fastify's `bodyLimit` for the other routes (createHttpServer). */
const AGENT_LINK_BODY_LIMIT = 64 * 1024 * 1024;

/** GateAnswer is how a master that may not serve a request answers it instead (see `standbyAnswer`). */
export type GateAnswer = { status: number; message: string; location?: string };

/**
 * agentLinkListener serves the agent link (`POST AGENT_LINK_PATH`) straight from Node's HTTP server, without fastify:
 * after a master failover every agent re-registers at once, and fastify's routing, hooks and body parsing around each
 * call were a sixth of the new leader's CPU (bench/results/masterFailover.md). `gate` answers for a master that may not
 * serve the link (a standby's 307, a recovering leader's 503), as the standby gate's hook does for fastify's routes.
 * createMaster puts it in front of fastify; the fastify route below stays for `inject` and serves the same.
 */
export function agentLinkListener(master: Master, gate: (url: string) => GateAnswer | undefined = () => undefined): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const refused = gate(req.url ?? '/');
    if (refused) {
      req.resume();
      answerText(res, refused.status, refused.message, refused.location ? { Location: refused.location } : {});
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= AGENT_LINK_BODY_LIMIT) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > AGENT_LINK_BODY_LIMIT) return answerText(res, 413, 'Request body is too large');
      const body = chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8');
      void agentCall(master, body, headerOf(req.headers[AGENT_STREAM_HEADER]), res);
    });
  };
}

function agentLink(master: Master, req: FastifyRequest, reply: FastifyReply): undefined {
  reply.hijack();
  void agentCall(master, String(req.body ?? ''), headerValue(req, AGENT_STREAM_HEADER), reply.raw);
  return undefined;
}

/** agentCall serves one agent call on a raw response: REGISTER and REREGISTER open the link's event stream, PONG and STATUS_UPDATE are answered 202. */
async function agentCall(master: Master, body: string, linkHeader: string | undefined, res: ServerResponse): Promise<void> {
  try {
    const call = parseMesosJson(body) as AgentCall;
    if (call.type === 'REGISTER' || call.type === 'REREGISTER') {
      const linkId = randomUUID();
      let agentId: string | undefined;
      const sink = new RecordIoSink<AgentEvent>(res, { [AGENT_STREAM_HEADER]: linkId }, () => {
        if (agentId !== undefined) master.agentLinkClosed(agentId, linkId);
      });
      try {
        agentId = (await master.registerAgent(call, sink, linkId)).agentId;
        if (sink.closed) master.agentLinkClosed(agentId, linkId);
      } catch (err) {
        sink.fail(statusOf(err), (err as Error).message);
      }
      return;
    }
    if (call.type === 'PONG') master.agentPong(call.agent_id.value, linkHeader);
    else if (call.type === 'STATUS_UPDATE') master.agentStatusUpdate(call.agent_id.value, linkHeader, call.status_update);
    else throw invalid(`Unknown agent call type '${(call as { type?: string }).type}'`);
    res.writeHead(202, { 'Content-Length': '0' });
    res.end();
  } catch (err) {
    answerText(res, statusOf(err), (err as Error).message);
  }
}

function answerText(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(message)), ...headers });
  res.end(message);
}

function headerOf(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** tasksEndpoint implements `/master/tasks` with Mesos's `limit`, `offset`, `order`, `framework_id` and `task_id`. */
function tasksEndpoint(master: Master, q: Record<string, string | undefined>): Record<string, unknown> {
  const limit = q.limit !== undefined ? Number(q.limit) : 100;
  const offset = q.offset !== undefined ? Number(q.offset) : 0;
  if (!Number.isInteger(limit) || limit < 0) throw invalid(`Failed to parse limit: '${q.limit}'`);
  if (!Number.isInteger(offset) || offset < 0) throw invalid(`Failed to parse offset: '${q.offset}'`);
  const tasks: Task[] = [];
  for (const f of [...master.frameworks.values(), ...master.completedFrameworks]) {
    if (q.framework_id && f.id !== q.framework_id) continue;
    for (const t of [...f.tasks.values(), ...f.unreachableTasks.values(), ...f.completedTasks]) {
      if (q.task_id && t.task_id.value !== q.task_id) continue;
      tasks.push(t);
    }
  }
  const ts = (t: (typeof tasks)[number]) => t.statuses[0]?.timestamp ?? 0;
  tasks.sort((a, b) => (q.order === 'asc' ? ts(a) - ts(b) : ts(b) - ts(a)));
  return { tasks: tasks.slice(offset, offset + limit).map(taskJson) };
}

/** rolesEndpoint implements `/master/roles`. */
function rolesEndpoint(master: Master): Record<string, unknown> {
  return {
    roles: master.allocator.roles().map((r) => ({
      name: r.name,
      weight: r.weight,
      frameworks: r.frameworks,
      resources: r.allocated.unallocate().summary(),
      allocated: r.allocated.unallocate().summary(),
      ...(r.quota ? { quota: { role: r.name, guarantee: r.quota.guarantees, limit: r.quota.limits } } : {}),
    })),
  };
}

/**
 * offersStream serves the offers-stream extension as Server-Sent Events: recent history first (so a
 * console that attaches sees what just happened), then live `OfferEvent`s, one JSON per `data:` line.
 */
function offersStream(master: Master, req: FastifyRequest, reply: FastifyReply): undefined {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
  const write = (e: OfferEvent) => res.write(`event: ${e.type.toLowerCase()}\ndata: ${JSON.stringify(e)}\n\n`);
  for (const e of master.recentOfferEvents()) write(e);
  const subscription = master.offerEvents.on(write);
  const keepAlive = setInterval(() => res.write(':\n\n'), 15_000);
  req.raw.on('close', () => {
    void subscription.dispose();
    clearInterval(keepAlive);
  });
  return undefined;
}
