// core/runtime/marathonApiWorker.ts is the Marathon API thread (started by MarathonApiThread): it keeps a
// MarathonReplica from the service's batches, answers the read routes from it, and forwards every other request
// to the service's thread. With `--zk` it also stands in front as Marathon's LeaderProxyFilter does: while this
// Marathon does not lead, every request goes to the leader (MarathonLeaderProxy). Its parent owns it: on `close` it
// stops listening, drops its connections and ends.
import http from 'node:http';
import { monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MarathonLeaderProxy } from '../api/marathonLeaderProxy.js';
import { registerMarathonReadRoutes } from '../api/marathonReadRoutes.js';
import { MarathonReplica } from '../marathon/service/marathonReplica.js';
import { SystemClock } from '../node/systemClock.js';
import { createHttpServer } from './httpServer.js';
import type { ApiThreadData, ForwardedResponse, FromApiThread, ToApiThread } from './marathonApiThread.js';

const port = parentPort;
if (!port) throw new Error('marathonApiWorker runs as a worker thread');
const data = workerData as ApiThreadData;
const post = (m: FromApiThread) => port.postMessage(m);

const clock = new SystemClock();
const replica = new MarathonReplica(data.config, clock, (wanted) => post({ t: 'events', wanted }));
// leading: the replica holds a leading service's state (always, without --zk); leader is the elected one's host:port.
let leading = data.snapshot !== undefined;
let leader = data.leader;
if (data.snapshot) replica.apply(data.snapshot);

let nextId = 0;
const pending = new Map<number, (res: ForwardedResponse) => void>();

/** forward sends a request to the service's thread and writes its answer as it came. */
function forward(req: http.IncomingMessage, res: http.ServerResponse, body: Uint8Array): void {
  const id = ++nextId;
  pending.set(id, (answer) => {
    res.writeHead(answer.statusCode, answer.headers as http.OutgoingHttpHeaders);
    res.end(Buffer.from(answer.body));
  });
  post({ t: 'request', id, method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body, remoteAddress: req.socket.remoteAddress ?? '' });
}

function forwardWithBody(req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => forward(req, res, Buffer.concat(chunks)));
}

/** beyond forwards a GET that the routes matched but the replica cannot answer (stored versions), or no route matched. */
function beyond(req: FastifyRequest, reply: FastifyReply): void {
  reply.hijack();
  forward(req.raw, reply.raw, new Uint8Array(0));
}

let handle: http.RequestListener | undefined;
let proxy: MarathonLeaderProxy | undefined;

/** serveHere answers as the leading Marathon: reads from the replica, the rest by the service. */
function serveHere(req: http.IncomingMessage, res: http.ServerResponse): void {
  if (req.method === 'GET' || req.method === 'HEAD') (handle as http.RequestListener)(req, res);
  else forwardWithBody(req, res);
}

const app = createHttpServer({
  serverFactory: (handler) => {
    handle = handler;
    // Only reads go through fastify here: any other method goes to the service's routes untouched, body and all.
    // With --zk the leader proxy decides first (it is attached once the port, part of this Marathon's id, is known).
    const server = http.createServer((req, res) => (proxy ? proxy.handle(req, res) : serveHere(req, res)));
    // fastify's own keep-alive timeout (it sets it only on servers it makes): with Node's 5 s, a client reusing an
    // idle connection just as the server closes it sees a reset (the benchmark's probe saw 25 in a 50,000 launch).
    server.keepAliveTimeout = 72_000;
    return server;
  },
});
registerMarathonReadRoutes(app, replica, { ...(data.ha ? { ha: data.ha } : {}), beyond });
app.setNotFoundHandler(beyond);

// The thread's own health, for whoever supervises it (`MarathonApiThread.figures`): its loop's delay and its GC pauses.
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
const gc = { count: 0, ms: 0, maxMs: 0 };
const countGc = (entries: PerformanceEntry[]) => {
  for (const e of entries) {
    gc.count++;
    gc.ms += e.duration;
    gc.maxMs = Math.max(gc.maxMs, e.duration);
  }
};
const gcObserver = new PerformanceObserver((list) => countGc(list.getEntries()));
gcObserver.observe({ entryTypes: ['gc'] });

port.on('message', (m: ToApiThread) => {
  if (m.t === 'delta') replica.apply(m.delta);
  else if (m.t === 'lead') {
    replica.clear();
    replica.apply(m.snapshot);
    leading = true;
  } else if (m.t === 'standby') {
    leading = false;
    replica.clear();
  } else if (m.t === 'leader') leader = m.leader;
  else if (m.t === 'figures') {
    countGc(gcObserver.takeRecords());
    post({ t: 'figures', id: m.id, figures: { loopP50Ms: loop.percentile(50) / 1e6, loopP99Ms: loop.percentile(99) / 1e6, loopMaxMs: loop.max / 1e6, gcCount: gc.count, gcMs: gc.ms, gcMaxMs: gc.maxMs, heapMb: process.memoryUsage().heapUsed / 2 ** 20 } });
    if (m.reset) {
      loop.reset();
      gc.count = gc.ms = gc.maxMs = 0;
    }
  } else if (m.t === 'response') {
    const answer = pending.get(m.id);
    pending.delete(m.id);
    answer?.(m);
  } else if (m.t === 'close') {
    loop.disable();
    gcObserver.disconnect();
    proxy?.dispose();
    void app.close().finally(() => port.close());
  }
});

try {
  await app.listen({ host: data.host, port: data.port });
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : data.port;
  replica.config = { ...replica.config, http_port: bound };
  if (data.ha) {
    proxy = new MarathonLeaderProxy({
      self: `${replica.config.hostname}:${bound}`,
      leadership: { isLeader: () => leading, leaderHostPort: () => leader },
      serve: serveHere,
      clock,
    });
  }
  post({ t: 'listening', port: bound });
} catch (err) {
  post({ t: 'error', message: (err as Error).message });
  port.close();
}
