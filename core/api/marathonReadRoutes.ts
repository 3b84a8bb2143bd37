import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { appJson } from '../protocol/marathon/appJson.js';
import type { AppDefinition } from '../protocol/marathon/appDefinition.js';
import { isoTimestamp } from '../protocol/marathon/appConfig.js';
import { appNotFound } from '../protocol/marathon/errors.js';
import { canonicalId } from '../protocol/marathon/pathId.js';
import { findGroup, type Group } from '../protocol/marathon/group.js';
import { deploymentJson } from '../marathon/deploymentPlan.js';
import { taskStatsByVersion } from '../marathon/taskStats.js';
import type { ReadinessCheckResult } from '../protocol/marathon/outputs.js';
import type { MarathonEvent } from '../marathon/service/marathonEvents.js';
import { isActive, isHealthy, isMesosRunCheck, taskJson, type InstanceRecord } from '../marathon/service/instanceRecord.js';
import { deploymentsLocking, stepReadiness, type MarathonReadModel } from '../marathon/service/marathonReadModel.js';
import { printJsonYielding } from './yieldingJson.js';

/** MARATHON_VERSION is the Marathon release whose REST API Plateau's Marathon answers as. */
export const MARATHON_VERSION = '1.10.17';

/** Query is a parsed query string, repeated keys as arrays. */
export type Query = Record<string, string | string[] | undefined>;

/** MarathonZkInfo is what `/v2/info` says of ZooKeeper when Marathon runs with `--zk`. */
export interface MarathonZkInfo {
  /** zk is the `--zk` URL with its credentials redacted, as `/v2/info` shows it. */
  zk: string;
  zkSessionTimeoutMs: number;
}

/** ReadRouteOptions tell the read routes who they answer for. */
export interface ReadRouteOptions {
  /** ha is set with `--zk`: MarathonLeaderProxy then stamps the leader header, and `/v2/info` shows the ZooKeeper settings. */
  ha?: MarathonZkInfo;
  /**
   * beyond answers the GETs under these routes that need more than the read model (stored versions:
   * `/v2/apps/{id}/versions`, `/v2/groups/{id}/versions`): the service's own handler, or a forward to it.
   */
  beyond(req: FastifyRequest, reply: FastifyReply): unknown;
}

const SUFFIXES = ['restart', 'tasks', 'versions'] as const;

/** AppsPath is a `/v2/apps/...` path taken apart: the app id and the suffix after it (`/tasks/{taskId}`, `/versions/{v}`, `/restart`). */
export interface AppsPath {
  appId: string;
  segments: string[];
  suffix?: (typeof SUFFIXES)[number];
  rest?: string;
}

/** parseAppsPath finds the last suffix keyword of a `/v2/apps/*` path, as Marathon's routes do for ids with slashes. */
export function parseAppsPath(raw: string): AppsPath {
  const segments = raw.split('/').filter((s) => s !== '');
  for (let k = segments.length - 1; k >= 1; k--) {
    if ((SUFFIXES as readonly string[]).includes(segments[k] as string) && segments.length - k <= 2) {
      const suffix = segments[k] as (typeof SUFFIXES)[number];
      const rest = segments.slice(k + 1).join('/') || undefined;
      segments.length = k;
      return { appId: canonicalId(segments.join('/')), segments, suffix, ...(rest ? { rest } : {}) };
    }
  }
  return { appId: canonicalId(segments.join('/')), segments };
}

/**
 * registerMarathonReadRoutes mounts the reads of Marathon's `/v2` API over a read model: field names, defaults and
 * status codes as Marathon 1.10 has them. The same routes serve from the service in process and from the API
 * thread's replica (core/runtime/marathonApiThread.ts).
 */
export function registerMarathonReadRoutes(app: FastifyInstance, view: MarathonReadModel, options: ReadRouteOptions): void {
  const leader = () => `${view.config.hostname}:${view.config.http_port}`;
  // With HA, MarathonLeaderProxy stamps the leader header in front of these routes.
  if (!options.ha) {
    // A callback hook rather than an async one: it runs for every answer, and a promise each is pure overhead.
    app.addHook('onSend', (_req, reply, payload, done) => {
      reply.header('X-Marathon-Leader', `http://${leader()}`);
      done(null, payload);
    });
  }
  const ha = options.ha;

  app.get('/ping', (_req, reply) => reply.type('text/plain').send('pong'));
  app.get('/v2/info', (_req, reply) =>
    reply.send({
      name: 'marathon',
      version: MARATHON_VERSION,
      buildref: 'plateau',
      elected: true,
      leader: leader(),
      frameworkId: view.frameworkId,
      marathon_config: {
        master: view.config.master,
        failover_timeout: view.config.failover_timeout,
        framework_name: view.config.framework_name,
        hostname: view.config.hostname,
        local_port_min: 10000,
        local_port_max: 20000,
        mesos_role: view.config.mesos_role,
        mesos_user: view.config.mesos_user,
      },
      zookeeper_config: ha ? { zk: ha.zk, zk_connection_timeout: 10_000, zk_max_versions: 50, zk_session_timeout: ha.zkSessionTimeoutMs, zk_timeout: 10_000 } : {},
      http_config: { http_port: view.config.http_port },
    }),
  );
  app.get('/v2/leader', (_req, reply) => reply.send({ leader: leader() }));
  app.get('/metrics', (_req, reply) => reply.send(metricsJson(view)));

  app.get('/v2/apps', (req, reply) => {
    const apps = filterApps(view.apps(), req.query as Query).map((a) => appInfo(view, a, embeds(req.query as Query, 'apps.')));
    return sendTasks(reply, { apps }, taskCount(apps));
  });
  app.get('/v2/apps/*', (req, reply) => {
    const path = parseAppsPath((req.params as { '*': string })['*']);
    const q = req.query as Query;
    if (path.segments.at(-1) === '*') {
      const groupId = canonicalId(path.segments.slice(0, -1).join('/'));
      const apps = view
        .apps()
        .filter((a) => a.id.startsWith(`${groupId === '/' ? '' : groupId}/`))
        .map((a) => appInfo(view, a, new Set(), true));
      return sendTasks(reply, { '*': apps }, taskCount(apps));
    }
    const app = view.app(path.appId);
    if (!app) return reply.code(404).send(appNotFound(path.appId).body);
    if (path.suffix === undefined) {
      const info = appInfo(view, app, embeds(q, 'app.'), true);
      return sendTasks(reply, { app: info }, taskCount([info]));
    }
    if (path.suffix === 'tasks') {
      const tasks = launched(view.eachInstanceOf(app.id));
      return sendTasks(reply, { tasks: tasks.map(taskJson) }, tasks.length);
    }
    if (path.suffix === 'versions') return options.beyond(req, reply);
    return reply.code(404).send({ message: 'URI not found' });
  });

  app.get('/v2/tasks', (req, reply) => {
    const status = ([] as string[]).concat((req.query as Query).status ?? [], (req.query as Query)['status[]'] ?? []);
    const tasks = launched(view.instances()).filter((i) => status.length === 0 || status.some((s) => i.state === `TASK_${s.toUpperCase()}`));
    return sendTasks(reply, { tasks: tasks.map(taskJson) }, tasks.length);
  });

  app.get('/v2/deployments', (_req, reply) =>
    reply.send([...view.deployments()].map((d) => deploymentJson(d.plan, d.currentStep + 1, stepReadiness(d, (id) => view.eachInstanceOf(id))))),
  );

  app.get('/v2/groups', (req, reply) => {
    const json = groupJson(view, view.root, embeds(req.query as Query, 'group.'));
    return sendTasks(reply, json, groupTaskCount(json));
  });
  app.get('/v2/groups/*', (req, reply) => {
    const path = (req.params as { '*': string })['*'];
    const segments = path.split('/').filter((x) => x !== '');
    if (segments.at(-1) === 'versions') return options.beyond(req, reply);
    const id = canonicalId(path);
    const group = findGroup(view.root, id);
    if (!group) return reply.code(404).send({ message: `Group '${id}' does not exist` });
    const json = groupJson(view, group, embeds(req.query as Query, 'group.'));
    return sendTasks(reply, json, groupTaskCount(json));
  });

  app.get('/v2/events', (req, reply) => eventStream(view, req, reply));
}

/** flag reads a boolean query parameter as Marathon does: present and empty, or `true` in any case. */
export function flag(q: Query, name: string, fallback = false): boolean {
  const v = q[name];
  const text = Array.isArray(v) ? v[0] : v;
  if (text === undefined) return fallback;
  return text === '' || text.toLowerCase() === 'true';
}

/** embeds reads the repeated `embed` parameter, with the route's prefix (`apps.`, `app.`, `group.`) taken off. */
export function embeds(q: Query, prefix: string): Set<string> {
  const list = ([] as string[]).concat(q.embed ?? []);
  return new Set(list.map((e) => (e.startsWith(prefix) ? e.slice(prefix.length) : e)));
}

/** launched keeps the instances whose task was launched (not still waiting for an offer). */
export function launched(instances: Iterable<InstanceRecord>): InstanceRecord[] {
  const out: InstanceRecord[] = [];
  for (const i of instances) if (i.condition !== 'Scheduled' && i.condition !== 'Provisioned') out.push(i);
  return out;
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
export function appInfo(view: MarathonReadModel, app: AppDefinition, embed: Set<string>, always = false): Record<string, unknown> {
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
  for (const i of view.eachInstanceOf(app.id)) {
    if (i.condition === 'Scheduled' || i.condition === 'Provisioned' || !isActive(i)) continue;
    live.push(i);
    if (i.state === 'TASK_STAGING' || i.state === 'TASK_STARTING') staged++;
    else if (i.state === 'TASK_RUNNING') running++;
    if (checked) {
      if (isHealthy(i, hc, mesosCheck)) healthy++;
      else if (i.condition === 'Running') unhealthy++;
    }
  }
  const failure = view.lastFailure(app.id);
  // The app's fields are copied one by one: spreading an object of this many keys costs several times more.
  const info: Record<string, unknown> = {};
  const json = cachedAppJson(app);
  for (const key in json) info[key] = json[key];
  info.tasksStaged = staged;
  info.tasksRunning = running;
  info.tasksHealthy = healthy;
  info.tasksUnhealthy = unhealthy;
  info.deployments = deploymentsLocking(view.deployments(), app.id).map((id) => ({ id }));
  // `failures` is Marathon's shorthand for tasks with the last failure.
  if (always || embed.has('tasks') || embed.has('failures')) info.tasks = live.map(taskJson);
  if ((always || embed.has('lastTaskFailure') || embed.has('failures')) && failure) info.lastTaskFailure = failure;
  if (embed.has('readiness')) info.readinessCheckResults = appReadiness(view, app.id);
  if (embed.has('taskStats')) {
    const tasks = live.map((i) => ({ runSpecVersion: i.runSpecVersion, state: i.state, health: i.health, ...(i.startedAt ? { startedAtMs: Date.parse(i.startedAt) } : {}) }));
    info.taskStats = taskStatsByVersion(tasks, app.versionInfo, view.now());
  }
  return info;
}

/** appReadiness is `readinessCheckResults`: the results of the app's instances while a deployment's current step deploys it. */
function appReadiness(view: MarathonReadModel, appId: string): ReadinessCheckResult[] {
  for (const d of view.deployments()) {
    const results = stepReadiness(d, (id) => view.eachInstanceOf(id))[appId];
    if (results) return results;
  }
  return [];
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

function groupJson(view: MarathonReadModel, group: Group, embed: Set<string>): Record<string, unknown> {
  return {
    id: group.id,
    apps: group.apps.map((a) => (embed.has('apps.tasks') ? appInfo(view, a, new Set(['tasks'])) : appJson(a))),
    groups: group.groups.map((g) => groupJson(view, g, embed)),
    pods: [],
    dependencies: group.dependencies,
    version: group.version,
    ...(group.enforceRole !== undefined ? { enforceRole: group.enforceRole } : {}),
  };
}

function metricsJson(view: MarathonReadModel): Record<string, unknown> {
  let running = 0;
  let staged = 0;
  let queued = 0;
  for (const i of view.instances()) {
    if (i.condition === 'Running') running++;
    else if (i.condition === 'Staging' || i.condition === 'Starting') staged++;
    else if (i.condition === 'Scheduled') queued++;
  }
  const deployments = [...view.deployments()].length;
  return {
    version: '4.0.0',
    counters: {},
    gauges: {
      'marathon.apps.active.gauge': { value: view.apps().length },
      'marathon.deployments.active.gauge': { value: deployments },
      'marathon.instances.running.gauge': { value: running },
      'marathon.instances.staged.gauge': { value: staged },
      'marathon.instances.launch-queue.gauge': { value: queued },
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
function eventStream(view: MarathonReadModel, req: FastifyRequest, reply: FastifyReply): unknown {
  if (!String(req.headers.accept ?? '').includes('text/event-stream')) return reply.code(405).send({ message: 'HTTP 405 Method Not Allowed' });
  const types = new Set(([] as string[]).concat((req.query as Query).event_type ?? []));
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache, no-store, must-revalidate', Connection: 'keep-alive' });
  const write = (e: MarathonEvent) => {
    if (types.size === 0 || types.has(e.eventType)) res.write(`event: ${e.eventType}\r\ndata: ${JSON.stringify(e)}\r\n\r\n`);
  };
  const remoteAddress = req.ip;
  write({ eventType: 'event_stream_attached', timestamp: isoTimestamp(view.now()), remoteAddress });
  const subscription = view.onEvent(write, () => res.end());
  const keepAlive = setInterval(() => res.write('\r\n'), 10_000);
  req.raw.on('close', () => {
    void subscription.dispose();
    clearInterval(keepAlive);
  });
  return undefined;
}
