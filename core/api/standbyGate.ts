import type { FastifyInstance } from 'fastify';

/** LeadershipView is what the gate needs to know about this master's place in the group. */
export interface LeadershipView {
  /** leading is true once this master leads; `recovered` once it has loaded the registry and serves. */
  leading(): boolean;
  recovered(): boolean;
  /** leader is where the leading master serves (hostname and port), when one is known. */
  leader(): { hostname: string; port: number } | undefined;
}

/**
 * REDIRECTED are the routes a non-leading Mesos master answers with a 307 to the leader (503 with no leader):
 * the APIs and the state endpoints. Health, flags, metrics, version and files are served by every master.
 */
const REDIRECTED = [
  /^\/(master\/)?api\/v1(\/scheduler|\/plateau\/agent)?\/?$/,
  /^\/(master\/)?(state|state\.json|state-summary|frameworks|frameworks\.json|slaves|slaves\.json|tasks|tasks\.json|roles|roles\.json|teardown|quota|weights|reserve|unreserve|create-volumes|destroy-volumes)$/,
  /^\/(master\/)?(maintenance\/schedule|maintenance\/status|machine\/down|machine\/up)$/,
  /^\/plateau\/v1\/offers$/,
];

/**
 * registerStandbyGate makes a master in a ZooKeeper group answer as Mesos's standbys do: 307 to
 * `//<leader hostname>:<port><path>` on the routes above, 503 `No leader elected` when none is known, and, on the
 * newly elected leader, 503 `Master has not finished recovery` from its APIs until the registry is loaded.
 * `/master/redirect` always points at the leader, itself included.
 */
export function registerStandbyGate(app: FastifyInstance, view: LeadershipView): void {
  app.addHook('onRequest', async (req, reply) => {
    const answer = standbyAnswer(view, req.url);
    if (!answer) return undefined;
    if (answer.location !== undefined) reply.header('Location', answer.location);
    if (answer.status === 307) return reply.code(307).send();
    return reply.code(answer.status).type('text/plain; charset=utf-8').send(answer.message);
  });
}

/**
 * standbyAnswer is the gate's decision for a request to `url`: the 307 or 503 to answer with, or undefined when this
 * master serves it. The agent link, served without fastify (`agentLinkListener`), asks it directly.
 */
export function standbyAnswer(view: LeadershipView, url: string): { status: number; message: string; location?: string } | undefined {
  const path = (url.split('?')[0] ?? '').replace(/\/+$/, '') || '/';
  const isRedirectRoute = path === '/master/redirect' || path === '/redirect';
  if (isRedirectRoute) {
    const leader = view.leader();
    if (!leader) return { status: 503, message: 'No leader elected' };
    return { status: 307, message: '', location: `//${leader.hostname}:${leader.port}` };
  }
  if (!REDIRECTED.some((r) => r.test(path))) return undefined;
  if (view.leading()) {
    if (!view.recovered() && /api\/v1/.test(path)) return { status: 503, message: 'Master has not finished recovery' };
    return undefined;
  }
  const leader = view.leader();
  if (!leader) return { status: 503, message: 'No leader elected' };
  return { status: 307, message: '', location: `//${leader.hostname}:${leader.port}${url}` };
}
