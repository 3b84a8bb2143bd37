import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { appJson } from '../protocol/marathon/appJson.js';
import type { AppDefinition } from '../protocol/marathon/appDefinition.js';
import { isoTimestamp } from '../protocol/marathon/appConfig.js';
import { appNotFound, INVALID_JSON, type Rejection } from '../protocol/marathon/errors.js';
import { canonicalId } from '../protocol/marathon/pathId.js';
import { actionJson } from '../marathon/deploymentPlan.js';
import { queueDelay } from '../marathon/backoff.js';
import { taskJson } from '../marathon/service/instanceRecord.js';
import { rejectionOf, type ChangeResult, type MarathonService, type RequestOrigin } from '../marathon/service/marathonService.js';
import { appInfo, embeds, flag, launched, parseAppsPath, registerMarathonReadRoutes, type MarathonZkInfo, type Query } from './marathonReadRoutes.js';

export { MARATHON_VERSION } from './marathonReadRoutes.js';

/** MarathonHa is what the API says and does about high availability when Marathon runs with `--zk`. */
export interface MarathonHa extends MarathonZkInfo {
  /** abdicate gives up leadership (after Marathon's 500 ms, so the answer gets out first). */
  abdicate(): void;
}

/**
 * registerMarathonRoutes mounts Marathon's whole `/v2` REST API over the service: the reads
 * (`registerMarathonReadRoutes` over `service.readModel()`) and the changes, with field names, defaults, status
 * codes and error bodies as Marathon 1.10 has them, so marathon-lb, the Marathon CLI and python clients work.
 */
export function registerMarathonRoutes(app: FastifyInstance, marathon: MarathonService, ha?: MarathonHa): void {
  const view = marathon.readModel();
  registerMarathonReadRoutes(app, view, { ...(ha ? { ha } : {}), beyond: (req, reply) => versions(marathon, req, reply) });

  app.delete('/v2/leader', (_req, reply) => {
    // Only an elected Marathon answers here (a standby's proxy sends the request on to the leader). Without --zk
    // there is nobody to hand leadership to, and abdicating would only stop the one Marathon.
    if (!ha) return reply.code(400).send({ message: 'Leadership can only be abdicated when Marathon runs with --zk (high availability)' });
    ha.abdicate();
    return reply.send({ message: 'Leadership abdicated' });
  });

  app.post('/v2/apps', (req, reply) =>
    change(reply, async () => {
      const result = await marathon.createApp(parseBody(req), flag(req.query as Query, 'force'), originOf(req));
      const created = result.app as AppDefinition;
      reply.code(201).header('Location', `/v2/apps${created.id}`).header('Marathon-Deployment-Id', result.deploymentId);
      return { ...appInfo(view, created, new Set()), deployments: [{ id: result.deploymentId }] };
    }),
  );
  app.put('/v2/apps/*', (req, reply) => appsChange(marathon, req, reply, 'PUT'));
  app.patch('/v2/apps/*', (req, reply) => appsChange(marathon, req, reply, 'PATCH'));
  app.delete('/v2/apps/*', (req, reply) => appsChange(marathon, req, reply, 'DELETE'));
  app.post('/v2/apps/*', (req, reply) => appsChange(marathon, req, reply, 'POST'));

  app.post('/v2/tasks/delete', (req, reply) =>
    change(reply, async () => {
      const body = parseBody(req) as { ids?: string[] };
      const ids = Array.isArray(body?.ids) ? body.ids : [];
      const known = new Set(launched(marathon.scheduler.instances.values()).map((i) => i.taskId));
      const unknown = ids.filter((id) => !known.has(id));
      if (unknown.length > 0) throw rejection(400, `Invalid task ids: ${unknown.join(', ')}`);
      const q = req.query as Query;
      const result = await marathon.killTasks(undefined, ids, { scale: flag(q, 'scale'), wipe: flag(q, 'wipe'), force: flag(q, 'force') });
      return Array.isArray(result) ? { tasks: result.map(taskJson) } : deploymentResult(reply, result);
    }),
  );

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
}

/** versions answers the stored versions of an app (`/v2/apps/{id}/versions[/{v}]`) or a group (`/v2/groups/{id}/versions`). */
async function versions(marathon: MarathonService, req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const raw = (req.params as { '*': string })['*'];
  if (req.url.startsWith('/v2/groups')) {
    const segments = raw.split('/').filter((x) => x !== '');
    const id = canonicalId(segments.slice(0, -1).join('/'));
    const list = await marathon.groupVersions(id);
    if (!list) return reply.code(404).send({ message: `Group '${id}' does not exist` });
    return reply.send(list);
  }
  const path = parseAppsPath(raw);
  const app = marathon.app(path.appId);
  if (!app) return reply.code(404).send(appNotFound(path.appId).body);
  const all = (await marathon.repository.appVersions(app.id)).sort().reverse();
  if (!path.rest) return reply.send({ versions: all });
  const version = await marathon.repository.appVersion(app.id, path.rest);
  if (!version) return reply.code(404).send({ message: `App '${app.id}' does not exist in version ${path.rest}` });
  return reply.send(appJson(version));
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

async function appsChange(marathon: MarathonService, req: FastifyRequest, reply: FastifyReply, method: 'PUT' | 'PATCH' | 'DELETE' | 'POST'): Promise<unknown> {
  const { appId, suffix, rest } = parseAppsPath((req.params as { '*': string })['*']);
  const q = req.query as Query;
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
  if (method === 'DELETE' && suffix === undefined) return change(reply, async () => deploymentResult(reply, await marathon.deleteApp(appId, flag(q, 'force', true))));
  if (method === 'POST' && suffix === 'restart') return change(reply, async () => deploymentResult(reply, await marathon.restartApp(appId, flag(q, 'force'))));
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
