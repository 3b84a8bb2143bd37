import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { appJson } from '../protocol/marathon/appJson.js';
import { printJsonYielding } from './yieldingJson.js';
import type { AppDefinition } from '../protocol/marathon/appDefinition.js';
import { isoTimestamp } from '../protocol/marathon/appConfig.js';
import { appNotFound, INVALID_JSON, type Rejection } from '../protocol/marathon/errors.js';
import { canonicalId } from '../protocol/marathon/pathId.js';
import { findGroup, type Group } from '../protocol/marathon/group.js';
import { actionJson, deploymentJson } from '../marathon/deploymentPlan.js';
import { queueDelay } from '../marathon/backoff.js';
import type { MarathonEvent } from '../marathon/service/marathonEvents.js';
import { isActive, isHealthy, isMesosRunCheck, taskJson, type InstanceRecord } from '../marathon/service/instanceRecord.js';
import { rejectionOf, type ChangeResult, type MarathonService, type RequestOrigin } from '../marathon/service/marathonService.js';

/** MARATHON_VERSION is the Marathon release whose REST API Plateau's Marathon answers as. */
export const MARATHON_VERSION = '1.10.17';

type Query = Record<string, string | string[] | undefined>;

const SUFFIXES = ['restart', 'tasks', 'versions'] as const;

/** MarathonHa is what the API says about high availability when Marathon runs with `--zk`. */
export interface MarathonHa {
  /** zk is the `--zk` URL with its credentials redacted, as `/v2/info` shows it. */
  zk: string;
  zkSessionTimeoutMs: number;
  /** abdicate gives up leadership (after Marathon's 500 ms, so the answer gets out first). */
  abdicate(): void;
}

/**
 * registerMarathonRoutes mounts Marathon's `/v2` REST API: field names, defaults, status codes and
 * error bodies as Marathon 1.10 has them, so marathon-lb, the Marathon CLI and python clients work.
 */
export function registerMarathonRoutes(app: FastifyInstance, marathon: MarathonService, ha?: MarathonHa): void {
  const leader = () => `${marathon.config.hostname}:${marathon.config.http_port}`;
  // With HA, MarathonLeaderProxy stamps the leader header in front of these routes.
  if (!ha) {
    // A callback hook rather than an async one: it runs for every answer, and a promise each is pure overhead.
    app.addHook('onSend', (_req, reply, payload, done) => {
      reply.header('X-Marathon-Leader', `http://${leader()}`);
      done(null, payload);
    });
  }

  app.get('/ping', (_req, reply) => reply.type('text/plain').send('pong'));
  app.get('/v2/info', (_req, reply) =>
    reply.send({
      name: 'marathon',
      version: MARATHON_VERSION,
      buildref: 'plateau',
      elected: true,
      leader: leader(),
      frameworkId: marathon.scheduler.frameworkId,
      marathon_config: {
        master: marathon.config.master,
        failover_timeout: marathon.config.failover_timeout,
        framework_name: marathon.config.framework_name,
        hostname: marathon.config.hostname,
        local_port_min: 10000,
        local_port_max: 20000,
        mesos_role: marathon.config.mesos_role,
        mesos_user: marathon.config.mesos_user,
      },
      zookeeper_config: ha ? { zk: ha.zk, zk_connection_timeout: 10_000, zk_max_versions: 50, zk_session_timeout: ha.zkSessionTimeoutMs, zk_timeout: 10_000 } : {},
      http_config: { http_port: marathon.config.http_port },
    }),
  );
  app.get('/v2/leader', (_req, reply) => reply.send({ leader: leader() }));
  app.delete('/v2/leader', (_req, reply) => {
    // Only an elected Marathon answers here (a standby's proxy sends the request on to the leader). Without --zk
    // there is nobody to hand leadership to, and abdicating would only stop the one Marathon.
    if (!ha) return reply.code(400).send({ message: 'Leadership can only be abdicated when Marathon runs with --zk (high availability)' });
    ha.abdicate();
    return reply.send({ message: 'Leadership abdicated' });
  });
  app.get('/metrics', (_req, reply) => reply.send(metricsJson(marathon)));

  app.get('/v2/apps', (req, reply) => {
    const apps = filterApps(marathon.apps(), req.query as Query).map((a) => appInfo(marathon, a, embeds(req.query as Query, 'apps.')));
    return sendTasks(reply, { apps }, taskCount(apps));
  });
  app.post('/v2/apps', (req, reply) =>
    change(reply, async () => {
      const result = await marathon.createApp(parseBody(req), flag(req.query as Query, 'force'), originOf(req));
      const created = result.app as AppDefinition;
      reply.code(201).header('Location', `/v2/apps${created.id}`).header('Marathon-Deployment-Id', result.deploymentId);
      return { ...appInfo(marathon, created, new Set()), deployments: [{ id: result.deploymentId }] };
    }),
  );
  app.get('/v2/apps/*', (req, reply) => appsWildcard(marathon, req, reply, 'GET'));
  app.put('/v2/apps/*', (req, reply) => appsWildcard(marathon, req, reply, 'PUT'));
  app.patch('/v2/apps/*', (req, reply) => appsWildcard(marathon, req, reply, 'PATCH'));
  app.delete('/v2/apps/*', (req, reply) => appsWildcard(marathon, req, reply, 'DELETE'));
  app.post('/v2/apps/*', (req, reply) => appsWildcard(marathon, req, reply, 'POST'));

  app.get('/v2/tasks', (req, reply) => {
    const status = ([] as string[]).concat((req.query as Query).status ?? [], (req.query as Query)['status[]'] ?? []);
    const tasks = launched(marathon).filter((i) => status.length === 0 || status.some((s) => i.state === `TASK_${s.toUpperCase()}`));
    return sendTasks(reply, { tasks: tasks.map(taskJson) }, tasks.length);
  });
  app.post('/v2/tasks/delete', (req, reply) =>
    change(reply, async () => {
      const body = parseBody(req) as { ids?: string[] };
      const ids = Array.isArray(body?.ids) ? body.ids : [];
      const known = new Set(launched(marathon).map((i) => i.taskId));
      const unknown = ids.filter((id) => !known.has(id));
      if (unknown.length > 0) throw rejection(400, `Invalid task ids: ${unknown.join(', ')}`);
      const q = req.query as Query;
      const result = await marathon.killTasks(undefined, ids, { scale: flag(q, 'scale'), wipe: flag(q, 'wipe'), force: flag(q, 'force') });
      return Array.isArray(result) ? { tasks: result.map(taskJson) } : deploymentResult(reply, result);
    }),
  );

  app.get('/v2/deployments', (_req, reply) => reply.send([...marathon.deployments.running.values()].map((d) => deploymentJson(d.plan, d.currentStep + 1, marathon.deployments.readinessOf(d)))));
  app.delete('/v2/deployments/:id', (req, reply) =>
    change(reply, async () => {
      const id = (req.params as { id: string }).id;
      const force = flag(req.query as Query, 'force');
      const result = await marathon.cancelDeployment(id, force);
      if (!result) throw rejection(404, `DeploymentPlan ${id} does not exist`);
      if (force) {
        reply.code(202);
        return '';
      }
      return deploymentResult(reply, result);
    }),
  );

  app.get('/v2/queue', (req, reply) => reply.send({ queue: queueJson(marathon, embeds(req.query as Query, '').has('lastUnusedOffers')) }));
  app.delete('/v2/queue/*', (req, reply) => {
    const path = (req.params as { '*': string })['*'];
    if (!path.endsWith('/delay')) return reply.code(404).send({ message: 'URI not found' });
    const appId = canonicalId(path.slice(0, -'/delay'.length));
    if (!marathon.resetDelay(appId)) return reply.code(404).send(appNotFound(appId).body);
    return reply.code(204).send();
  });

  app.get('/v2/groups', (req, reply) => {
    const json = groupJson(marathon, marathon.root, embeds(req.query as Query, 'group.'));
    return sendTasks(reply, json, groupTaskCount(json));
  });
  app.get('/v2/groups/*', async (req, reply) => {
    const path = (req.params as { '*': string })['*'];
    const segments = path.split('/').filter((x) => x !== '');
    if (segments.at(-1) === 'versions') {
      const id = canonicalId(segments.slice(0, -1).join('/'));
      const versions = await marathon.groupVersions(id);
      if (!versions) return reply.code(404).send({ message: `Group '${id}' does not exist` });
      return reply.send(versions);
    }
    const id = canonicalId(path);
    const group = findGroup(marathon.root, id);
    if (!group) return reply.code(404).send({ message: `Group '${id}' does not exist` });
    const json = groupJson(marathon, group, embeds(req.query as Query, 'group.'));
    return sendTasks(reply, json, groupTaskCount(json));
  });
  const createGroup = (req: FastifyRequest, reply: FastifyReply, base: string) =>
    change(reply, async () => {
      const body = parseBody(req);
      const result = await marathon.createGroup(base, body, flag(req.query as Query, 'force'), originOf(req));
      reply.code(201).header('Location', `/v2/groups${result.groupId}`);
      return deploymentResult(reply, result);
    });
  const updateGroup = (req: FastifyRequest, reply: FastifyReply, id: string) =>
    change(reply, async () => {
      const q = req.query as Query;
      const body = parseBody(req);
      const result = await marathon.updateGroup(id, body, { force: flag(q, 'force'), dryRun: flag(q, 'dryRun'), origin: originOf(req) });
      if ('steps' in result) return { steps: result.steps.map((s) => ({ actions: s.actions.map(actionJson) })) };
      return deploymentResult(reply, result);
    });
  const deleteGroup = (req: FastifyRequest, reply: FastifyReply, id: string) => change(reply, async () => deploymentResult(reply, await marathon.deleteGroup(id, flag(req.query as Query, 'force'))));
  app.post('/v2/groups', (req, reply) => createGroup(req, reply, '/'));
  app.post('/v2/groups/*', (req, reply) => createGroup(req, reply, (req.params as { '*': string })['*']));
  app.put('/v2/groups', (req, reply) => updateGroup(req, reply, '/'));
  app.put('/v2/groups/*', (req, reply) => updateGroup(req, reply, (req.params as { '*': string })['*']));
  app.delete('/v2/groups', (req, reply) => deleteGroup(req, reply, '/'));
  app.delete('/v2/groups/*', (req, reply) => deleteGroup(req, reply, (req.params as { '*': string })['*']));

  app.get('/v2/events', (req, reply) => eventStream(marathon, req, reply));
}

function rejection(status: Rejection['status'], message: string): { rejection: Rejection } {
  return { rejection: { status, body: { message } } };
}

/** originOf names the request for `api_post_event`: the client's address and the request path, as Marathon sends them. */
function originOf(req: FastifyRequest): RequestOrigin {
  return { clientIp: req.ip, uri: req.url.split('?')[0] as string };
}

function parseBody(req: FastifyRequest): unknown {
  const text = String(req.body ?? '');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    throw { rejection: { status: 400, body: { message: INVALID_JSON, details: [{ path: '/', errors: [(err as Error).message] }] } } };
  }
}

async function change(reply: FastifyReply, fn: () => Promise<unknown>): Promise<unknown> {
  try {
    const body = await fn();
    return reply.send(body);
  } catch (err) {
    const r = (err as { rejection?: Rejection }).rejection ?? rejectionOf(err);
    return reply.code(r.status).send(r.body);
  }
}

function deploymentResult(reply: FastifyReply, result: ChangeResult): { deploymentId: string; version: string } {
  reply.header('Marathon-Deployment-Id', result.deploymentId);
  return { deploymentId: result.deploymentId, version: result.version };
}

function flag(q: Query, name: string, fallback = false): boolean {
  const v = q[name];
  const text = Array.isArray(v) ? v[0] : v;
  if (text === undefined) return fallback;
  return text === '' || text.toLowerCase() === 'true';
}

function embeds(q: Query, prefix: string): Set<string> {
  const list = ([] as string[]).concat(q.embed ?? []);
  return new Set(list.map((e) => (e.startsWith(prefix) ? e.slice(prefix.length) : e)));
}

function launched(marathon: MarathonService): InstanceRecord[] {
  return [...marathon.scheduler.instances.values()].filter((i) => i.condition !== 'Scheduled' && i.condition !== 'Provisioned');
}

function filterApps(apps: AppDefinition[], q: Query): AppDefinition[] {
  const id = typeof q.id === 'string' ? q.id.toLowerCase() : undefined;
  const cmd = typeof q.cmd === 'string' ? q.cmd : undefined;
  const label = typeof q.label === 'string' ? q.label : undefined;
  return apps.filter((a) => (!id || a.id.includes(id)) && (!cmd || (a.cmd ?? '').includes(cmd)) && (!label || matchesLabels(a.labels, label)));
}

/** matchesLabels applies Marathon's label selector (`k`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, comma = and). */
function matchesLabels(labels: Record<string, string>, selector: string): boolean {
  return selector.split(/,(?![^(]*\))/).every((term) => {
    const t = term.trim();
    let m: RegExpExecArray | null;
    if ((m = /^(\S+)\s+(in|notin)\s+\((.*)\)$/.exec(t))) {
      const values = (m[3] as string).split(',').map((v) => v.trim());
      const has = labels[m[1] as string] !== undefined && values.includes(labels[m[1] as string] as string);
      return m[2] === 'in' ? has : !has;
    }
    if ((m = /^(\S+?)\s*(==|!=)\s*(.*)$/.exec(t))) return m[2] === '==' ? labels[m[1] as string] === m[3] : labels[m[1] as string] !== m[3];
    return labels[t] !== undefined;
  });
}

// An app definition never changes (a change is a new definition), so its JSON is written once.
const appJsonOf = new WeakMap<AppDefinition, Record<string, unknown>>();

function cachedAppJson(app: AppDefinition): Record<string, unknown> {
  let json = appJsonOf.get(app);
  if (!json) appJsonOf.set(app, (json = appJson(app)));
  return json;
}

/** appInfo renders an app with its task counts and, when embedded, its tasks and last failure. */
function appInfo(marathon: MarathonService, app: AppDefinition, embed: Set<string>, always = false): Record<string, unknown> {
  let hc = 0;
  for (const h of app.healthChecks) if (h.protocol === 'HTTP' || h.protocol === 'HTTPS' || h.protocol === 'TCP') hc++;
  const mesosCheck = app.healthChecks.some(isMesosRunCheck);
  const checked = hc > 0 || mesosCheck;
  // One pass over the app's instances counts what the answer reports and keeps the launched, active ones.
  const live: InstanceRecord[] = [];
  let staged = 0;
  let running = 0;
  let healthy = 0;
  let unhealthy = 0;
  for (const i of marathon.scheduler.eachInstanceOf(app.id)) {
    if (i.condition === 'Scheduled' || i.condition === 'Provisioned' || !isActive(i)) continue;
    live.push(i);
    if (i.state === 'TASK_STAGING' || i.state === 'TASK_STARTING') staged++;
    else if (i.state === 'TASK_RUNNING') running++;
    if (checked) {
      if (isHealthy(i, hc, mesosCheck)) healthy++;
      else if (i.condition === 'Running') unhealthy++;
    }
  }
  const failure = marathon.scheduler.lastFailures.get(app.id);
  // The app's fields are copied one by one: spreading an object of this many keys costs several times more.
  const info: Record<string, unknown> = {};
  const json = cachedAppJson(app);
  for (const key in json) info[key] = json[key];
  info.tasksStaged = staged;
  info.tasksRunning = running;
  info.tasksHealthy = healthy;
  info.tasksUnhealthy = unhealthy;
  info.deployments = marathon.deployments.lockedBy(app.id).map((id) => ({ id }));
  if (always || embed.has('tasks')) info.tasks = live.map(taskJson);
  if ((always || embed.has('lastTaskFailure')) && failure) info.lastTaskFailure = failure;
  return info;
}

/** LARGE_ANSWER is the number of tasks from which an answer is printed in slices (`printJsonYielding`). */
const LARGE_ANSWER = 1000;

/**
 * sendTasks answers `body`, which embeds `tasks` tasks: a small answer goes out as any other; a large one is
 * printed in slices between which the event loop serves other requests, and written chunk by chunk as the
 * connection takes them, with the same status, headers (Content-Length included) and bytes.
 */
async function sendTasks(reply: FastifyReply, body: object, tasks: number): Promise<FastifyReply> {
  if (tasks < LARGE_ANSWER) return reply.send(body);
  const chunks = await printJsonYielding(body);
  let length = 0;
  for (const c of chunks) length += c.length;
  return reply.type('application/json; charset=utf-8').header('Content-Length', length).send(Readable.from(chunks));
}

/** groupTaskCount counts the tasks embedded in a group answer (`groupJson` with `apps.tasks`). */
function groupTaskCount(group: Record<string, unknown>): number {
  let n = taskCount(group.apps as Array<Record<string, unknown>>);
  for (const g of group.groups as Array<Record<string, unknown>>) n += groupTaskCount(g);
  return n;
}

/** taskCount counts the tasks embedded in app answers (`appInfo`). */
function taskCount(apps: Array<Record<string, unknown>>): number {
  let n = 0;
  for (const a of apps) n += (a.tasks as unknown[] | undefined)?.length ?? 0;
  return n;
}

async function appsWildcard(marathon: MarathonService, req: FastifyRequest, reply: FastifyReply, method: string): Promise<unknown> {
  const raw = (req.params as { '*': string })['*'];
  const q = req.query as Query;
  const segments = raw.split('/').filter((s) => s !== '');
  // `/v2/apps/{id}/tasks/{taskId}` and `/versions/{v}`: find the last suffix keyword.
  let suffix: (typeof SUFFIXES)[number] | undefined;
  let rest: string | undefined;
  for (let k = segments.length - 1; k >= 1; k--) {
    if ((SUFFIXES as readonly string[]).includes(segments[k] as string) && segments.length - k <= 2) {
      suffix = segments[k] as (typeof SUFFIXES)[number];
      rest = segments.slice(k + 1).join('/') || undefined;
      segments.length = k;
      break;
    }
  }
  const appId = canonicalId(segments.join('/'));
  if (method === 'GET' && segments.at(-1) === '*') {
    const groupId = canonicalId(segments.slice(0, -1).join('/'));
    const apps = marathon.apps().filter((a) => a.id.startsWith(`${groupId === '/' ? '' : groupId}/`)).map((a) => appInfo(marathon, a, new Set(), true));
    return sendTasks(reply, { '*': apps }, taskCount(apps));
  }
  const app = marathon.app(appId);
  if (method === 'PUT' && suffix === undefined) {
    return change(reply, async () => {
      const result = await marathon.updateApp(appId, parseBody(req), { force: flag(q, 'force'), partial: flag(q, 'partialUpdate', true), origin: originOf(req) });
      if (result.created) reply.code(201);
      return deploymentResult(reply, result);
    });
  }
  if (method === 'PATCH' && suffix === undefined) {
    if (!app) return reply.code(404).send(appNotFound(appId).body);
    return change(reply, async () => deploymentResult(reply, await marathon.updateApp(appId, parseBody(req), { force: flag(q, 'force'), partial: true, origin: originOf(req) })));
  }
  if (!app) return reply.code(404).send(appNotFound(appId).body);
  if (method === 'GET' && suffix === undefined) {
    const info = appInfo(marathon, app, embeds(q, 'app.'), true);
    return sendTasks(reply, { app: info }, taskCount([info]));
  }
  if (method === 'DELETE' && suffix === undefined) return change(reply, async () => deploymentResult(reply, await marathon.deleteApp(appId, flag(q, 'force', true))));
  if (method === 'POST' && suffix === 'restart') return change(reply, async () => deploymentResult(reply, await marathon.restartApp(appId, flag(q, 'force'))));
  if (method === 'GET' && suffix === 'tasks') {
    const tasks = launched(marathon).filter((i) => i.appId === app.id);
    return sendTasks(reply, { tasks: tasks.map(taskJson) }, tasks.length);
  }
  if (method === 'DELETE' && suffix === 'tasks') {
    return change(reply, async () => {
      const result = await marathon.killTasks(app.id, rest ? [rest] : undefined, { scale: flag(q, 'scale'), wipe: flag(q, 'wipe'), force: flag(q, 'force'), ...(typeof q.host === 'string' ? { host: q.host } : {}) });
      if (!Array.isArray(result)) return deploymentResult(reply, result);
      if (rest) {
        if (!result[0]) throw rejection(404, `Task '${rest}' does not exist`);
        return { task: taskJson(result[0]) };
      }
      return { tasks: result.map(taskJson) };
    });
  }
  if (method === 'GET' && suffix === 'versions') {
    const versions = (await marathon.repository.appVersions(app.id)).sort().reverse();
    if (!rest) return reply.send({ versions });
    const version = await marathon.repository.appVersion(app.id, rest);
    if (!version) return reply.code(404).send({ message: `App '${app.id}' does not exist in version ${rest}` });
    return reply.send(appJson(version));
  }
  return reply.code(404).send({ message: 'URI not found' });
}

function queueJson(marathon: MarathonService, withOffers: boolean): unknown[] {
  const now = marathon.scheduler.clock.now();
  const out = [];
  for (const app of marathon.apps()) {
    const waiting = marathon.scheduler.instancesOf(app.id).filter((i) => i.condition === 'Scheduled');
    if (waiting.length === 0) continue;
    const stats = marathon.scheduler.statsOf(app.id);
    const since = waiting.map((i) => i.since ?? '').sort()[0] ?? isoTimestamp(now);
    out.push({
      app: appJson(app),
      count: waiting.length,
      role: app.role,
      delay: queueDelay(marathon.scheduler.delays.get(app.id), now),
      since,
      processedOffersSummary: {
        processedOffersCount: stats.processed,
        unusedOffersCount: stats.unused,
        ...(stats.lastUnusedAt ? { lastUnusedOfferAt: isoTimestamp(stats.lastUnusedAt) } : {}),
        ...(stats.lastUsedAt ? { lastUsedOfferAt: isoTimestamp(stats.lastUsedAt) } : {}),
        rejectSummaryLastOffers: [...stats.reasons].map(([reason, declined]) => ({ reason, declined, processed: stats.processed })),
      },
      ...(withOffers
        ? {
            lastUnusedOffers: stats.lastUnused.map((u) => ({
              offer: { id: u.offer.id.value, agentId: u.offer.agent_id.value, hostname: u.offer.hostname, resources: u.offer.resources, attributes: u.offer.attributes ?? [] },
              reason: u.reasons,
              timestamp: isoTimestamp(u.at),
            })),
          }
        : {}),
    });
  }
  return out;
}

function groupJson(marathon: MarathonService, group: Group, embed: Set<string>): Record<string, unknown> {
  return {
    id: group.id,
    apps: group.apps.map((a) => (embed.has('apps.tasks') ? appInfo(marathon, a, new Set(['tasks'])) : appJson(a))),
    groups: group.groups.map((g) => groupJson(marathon, g, embed)),
    pods: [],
    dependencies: group.dependencies,
    version: group.version,
    ...(group.enforceRole !== undefined ? { enforceRole: group.enforceRole } : {}),
  };
}

function metricsJson(marathon: MarathonService): Record<string, unknown> {
  const instances = [...marathon.scheduler.instances.values()];
  return {
    version: '4.0.0',
    counters: {},
    gauges: {
      'marathon.apps.active.gauge': { value: marathon.apps().length },
      'marathon.deployments.active.gauge': { value: marathon.deployments.running.size },
      'marathon.instances.running.gauge': { value: instances.filter((i) => i.condition === 'Running').length },
      'marathon.instances.staged.gauge': { value: instances.filter((i) => i.condition === 'Staging' || i.condition === 'Starting').length },
      'marathon.instances.launch-queue.gauge': { value: instances.filter((i) => i.condition === 'Scheduled').length },
    },
    histograms: {},
    meters: {},
    timers: {},
  };
}

/**
 * eventStream serves `/v2/events` as Server-Sent Events (`event:` and single-line `data:`), filtered
 * by repeated `event_type`; it answers 405 unless the client accepts `text/event-stream`, as Marathon.
 */
function eventStream(marathon: MarathonService, req: FastifyRequest, reply: FastifyReply): unknown {
  if (!String(req.headers.accept ?? '').includes('text/event-stream')) return reply.code(405).send({ message: 'HTTP 405 Method Not Allowed' });
  const types = new Set(([] as string[]).concat((req.query as Query).event_type ?? []));
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache, no-store, must-revalidate', Connection: 'keep-alive' });
  const write = (e: MarathonEvent) => {
    if (types.size === 0 || types.has(e.eventType)) res.write(`event: ${e.eventType}\r\ndata: ${JSON.stringify(e)}\r\n\r\n`);
  };
  const remoteAddress = req.ip;
  write({ eventType: 'event_stream_attached', timestamp: isoTimestamp(marathon.scheduler.clock.now()), remoteAddress });
  const subscription = marathon.scheduler.events.on(write);
  const keepAlive = setInterval(() => res.write('\r\n'), 10_000);
  req.raw.on('close', () => {
    void subscription.dispose();
    clearInterval(keepAlive);
  });
  return undefined;
}
