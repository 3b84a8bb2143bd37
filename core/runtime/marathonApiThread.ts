import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { FastifyInstance } from 'fastify';
import type { MarathonConfig, MarathonService } from '../marathon/service/marathonService.js';
import type { MarathonZkInfo } from '../api/marathonReadRoutes.js';
import { MarathonReplicaFeed, type ReplicaSource } from '../marathon/service/marathonReplicaFeed.js';
import type { ReplicaDelta } from '../marathon/service/marathonReplica.js';
import type { Logger } from './logger.js';

/** ForwardedRequest is an HTTP request the API thread cannot answer from its replica, sent to the service's thread. */
export interface ForwardedRequest {
  t: 'request';
  id: number;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
  remoteAddress: string;
}

/** ForwardedResponse is the service's answer to a `ForwardedRequest`. */
export interface ForwardedResponse {
  t: 'response';
  id: number;
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: Uint8Array;
}

/** ToApiThread are the messages the service's thread sends the API thread, in order. */
export type ToApiThread =
  | { t: 'delta'; delta: ReplicaDelta }
  | ForwardedResponse
  | { t: 'figures'; id: number; reset: boolean }
  | { t: 'lead'; snapshot: ReplicaDelta }
  | { t: 'standby' }
  | { t: 'leader'; leader: string | undefined }
  | { t: 'close' };

/** ApiThreadFigures are the API thread's own health since it started or was last reset: its loop's delay and its GC pauses. */
export interface ApiThreadFigures {
  loopP50Ms: number;
  loopP99Ms: number;
  loopMaxMs: number;
  gcCount: number;
  gcMs: number;
  gcMaxMs: number;
  heapMb: number;
}

/** FromApiThread are the messages the API thread sends back. */
export type FromApiThread =
  | { t: 'listening'; port: number }
  | ForwardedRequest
  | { t: 'events'; wanted: boolean }
  | { t: 'figures'; id: number; figures: ApiThreadFigures }
  | { t: 'error'; message: string };

/** ApiThreadData is what the API thread starts with. */
export interface ApiThreadData {
  host: string;
  port: number;
  config: MarathonConfig;
  /** snapshot is the leading service's state; a Marathon that does not lead (yet) starts without. */
  snapshot?: ReplicaDelta;
  ha?: MarathonZkInfo;
  /** leader is the elected Marathon's `host:port` (with `ha`). */
  leader?: string;
}

// The worker loads the TypeScript sources through tsx, as bin/plateau.js does for the main thread.
const BOOT = `const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((tsx) => { tsx.register(); return import(workerData.entry); }).catch((err) => { console.error(err); process.exit(1); });`;

/** HOP_BY_HOP are the headers of one connection, not of the message: neither the replayed request nor its answer keeps them. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade']);
/** REQUEST_DROP adds what `inject` sets again for the payload it is given. */
const REQUEST_DROP = new Set([...HOP_BY_HOP, 'content-length']);
/** ANSWER_DROP adds the date, which the API thread's server stamps when it writes the answer. */
const ANSWER_DROP = new Set([...HOP_BY_HOP, 'date']);

/** ApiThreadOptions say what the API thread serves and where. */
export interface ApiThreadOptions {
  host: string;
  port: number;
  config: MarathonConfig;
  log: Logger;
  /** ha runs the thread for a Marathon with `--zk`: it proxies to the leader until `lead` makes it serve. */
  ha?: MarathonZkInfo;
}

/** Leading is the service the thread serves while this Marathon leads. */
interface Leading {
  service: MarathonService;
  /** routes is a ready fastify instance with every Marathon route on the service: forwarded requests are answered there. */
  routes: FastifyInstance;
  feed: MarathonReplicaFeed;
}

/** MAX_RESTARTS is how many failed starts in a row end the attempts to bring a dead API thread back. */
const MAX_RESTARTS = 10;

/**
 * MarathonApiThread serves Marathon's `/v2` API from a worker thread, as Marathon's JVM serves its API on threads of
 * their own: the reads answer from a `MarathonReplica` there, so a probe's latency does not depend on the scheduler's
 * turns or its garbage collection (a launch of 50,000 instances keeps the service's thread busy and its heap
 * large); everything else (changes, the launch queue, stored versions) is forwarded byte for byte to the service's
 * routes on this thread (`inject`), and the replica is brought up to date before the answer goes back, so a client
 * reads its own writes. The feed follows the repository's writes (`MarathonReplicaFeed`). A thread that dies is
 * replaced by a new one on the same port with a fresh snapshot. With `--zk` the thread serves from the start and
 * proxies to the elected leader (`setLeader`) until `lead` hands it this Marathon's service; `standby` takes it back.
 */
export class MarathonApiThread {
  private readonly figureRequests = new Map<number, { resolve: (f: ApiThreadFigures) => void; reject: (err: Error) => void }>();
  private nextFigures = 0;
  private worker: Worker | undefined;
  private leading: Leading | undefined;
  private leader: string | undefined;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private failedRestarts = 0;
  private disposed = false;
  /** port is where the API listens: chosen by the first thread when asked for 0, and kept by any that replaces it. */
  port: number;

  private constructor(private readonly opts: ApiThreadOptions) {
    this.port = opts.port;
  }

  /**
   * start spawns the API thread listening on `host:port` (0 for any free port). Without `ha` it serves `lead`'s
   * service at once; with `ha` it proxies to the elected leader until this Marathon leads.
   */
  static async start(opts: ApiThreadOptions, lead?: { service: MarathonService; routes: FastifyInstance }): Promise<MarathonApiThread> {
    const thread = new MarathonApiThread(opts);
    if (lead) thread.leading = thread.follow(lead.service, lead.routes);
    try {
      await thread.spawn();
    } catch (err) {
      thread.unfollow();
      throw err;
    }
    return thread;
  }

  /** follow starts a feed of the service's changes to the thread. */
  private follow(service: MarathonService, routes: FastifyInstance): Leading {
    // The feed sends only from a later turn (it defers its batches), when a thread is up.
    const feed = new MarathonReplicaFeed(replicaSource(service), (delta) => this.worker?.postMessage({ t: 'delta', delta } satisfies ToApiThread), setImmediate);
    service.repository.observe(feed);
    return { service, routes, feed };
  }

  private unfollow(): void {
    const was = this.leading;
    this.leading = undefined;
    if (!was) return;
    was.service.repository.observe(undefined);
    was.feed.dispose();
  }

  /** lead makes the thread serve `service` (this Marathon was elected and its service is ready). */
  lead(service: MarathonService, routes: FastifyInstance): void {
    this.unfollow();
    this.leading = this.follow(service, routes);
    this.worker?.postMessage({ t: 'lead', snapshot: this.leading.feed.snapshot() } satisfies ToApiThread);
  }

  /** standby stops serving the service (leadership is gone): requests go to the elected leader again. */
  standby(): void {
    this.unfollow();
    this.worker?.postMessage({ t: 'standby' } satisfies ToApiThread);
  }

  /** setLeader tells the thread which Marathon leads (`host:port`), for a standby to proxy to. */
  setLeader(leader: string | undefined): void {
    if (leader === this.leader) return;
    this.leader = leader;
    this.worker?.postMessage({ t: 'leader', leader } satisfies ToApiThread);
  }

  /** spawn starts a thread with a snapshot of the service's state and resolves once it listens. */
  private async spawn(): Promise<void> {
    const { log } = this.opts;
    // A new thread has no stream open: events flow again when it asks for them.
    this.leading?.feed.forwardEvents(false);
    const data: ApiThreadData = {
      host: this.opts.host,
      port: this.port,
      config: this.opts.config,
      ...(this.leading ? { snapshot: this.leading.feed.snapshot() } : {}),
      ...(this.opts.ha ? { ha: this.opts.ha } : {}),
      ...(this.leader !== undefined ? { leader: this.leader } : {}),
    };
    const w = new Worker(BOOT, {
      eval: true,
      workerData: { ...data, tsx: import.meta.resolve('tsx/esm/api'), entry: new URL('./marathonApiWorker.ts', import.meta.url).href },
    });
    const listening = new Promise<number>((resolve, reject) => {
      w.once('error', reject);
      w.once('exit', (code) => reject(new Error(`the Marathon API thread exited with ${code} before it listened`)));
      w.on('message', (m: FromApiThread) => {
        if (m.t === 'listening') resolve(m.port);
        else if (m.t === 'error') reject(new Error(m.message));
      });
    });
    try {
      this.port = await listening;
    } catch (err) {
      await w.terminate();
      throw err;
    }
    w.removeAllListeners('error');
    w.removeAllListeners('exit');
    w.removeAllListeners('message');
    this.worker = w;
    w.on('message', (m: FromApiThread) => {
      if (m.t === 'request') this.answer(m);
      else if (m.t === 'events') this.leading?.feed.forwardEvents(m.wanted);
      else if (m.t === 'figures') {
        this.figureRequests.get(m.id)?.resolve(m.figures);
        this.figureRequests.delete(m.id);
      } else if (m.t === 'error') log.error(`Marathon API thread: ${m.message}`);
    });
    w.on('error', (err) => log.error(`Marathon API thread failed: ${err.message}`));
    w.once('exit', (code) => {
      if (this.disposed || this.worker !== w) return;
      // The thread died (an uncaught error, or it was terminated): Marathon keeps running, so its API must come back.
      this.worker = undefined;
      for (const r of this.figureRequests.values()) r.reject(new Error(`the Marathon API thread exited with ${code}`));
      this.figureRequests.clear();
      log.error(`The Marathon API thread exited with ${code}; starting another on port ${this.port}`);
      this.scheduleRestart(0);
    });
  }

  /** scheduleRestart starts a new thread after `delayMs`, retrying every second while it cannot listen, up to MAX_RESTARTS in a row. */
  private scheduleRestart(delayMs: number): void {
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.disposed) return;
      this.spawn().then(
        () => (this.failedRestarts = 0),
        (err: Error) => {
          if (++this.failedRestarts >= MAX_RESTARTS) return this.opts.log.error(`Marathon's API could not be started again: ${err.message}`);
          this.opts.log.error(`Starting the Marathon API thread failed: ${err.message}; trying again in 1 s`);
          this.scheduleRestart(1_000);
        },
      );
    }, delayMs);
  }

  /** answer runs a forwarded request through the service's routes and sends the answer back after the replica's update. */
  private answer(m: ForwardedRequest): void {
    const leading = this.leading;
    if (!leading) {
      // Leadership went while the request was on its way: the client may retry, and will reach the new leader.
      const body = Buffer.from(JSON.stringify({ message: 'Marathon is not the leader any more' }));
      this.worker?.postMessage({ t: 'response', id: m.id, statusCode: 503, headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length }, body } satisfies ToApiThread);
      return;
    }
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(m.headers)) if (v !== undefined && !REQUEST_DROP.has(k)) headers[k] = v;
    leading.routes
      .inject({ method: m.method as 'GET', url: m.url, headers, ...(m.body.length > 0 ? { payload: Buffer.from(m.body) } : {}), remoteAddress: m.remoteAddress })
      .then(
        (res) => {
          const out: ForwardedResponse['headers'] = {};
          for (const [k, v] of Object.entries(res.headers)) if (!ANSWER_DROP.has(k)) out[k] = v;
          return { statusCode: res.statusCode, headers: out, body: res.rawPayload };
        },
        (err: Error) => ({ statusCode: 500, headers: { 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from(JSON.stringify({ message: err.message })) }),
      )
      .then((res) => {
        leading.feed.flush();
        this.worker?.postMessage({ t: 'response', id: m.id, ...res } satisfies ToApiThread);
      })
      .catch(() => undefined);
  }

  /** figures asks the API thread how it has been doing (since it started, or since the last `reset`). */
  figures(reset = false): Promise<ApiThreadFigures> {
    const id = ++this.nextFigures;
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('the Marathon API thread is not running'));
    return new Promise((resolve, reject) => {
      this.figureRequests.set(id, { resolve, reject });
      worker.postMessage({ t: 'figures', id, reset } satisfies ToApiThread);
    });
  }

  /** dispose closes the API thread's server (and its connections) and ends the thread. */
  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.unfollow();
    const w = this.worker;
    this.worker = undefined;
    if (!w) return;
    const exited = once(w, 'exit');
    w.postMessage({ t: 'close' } satisfies ToApiThread);
    const timer = setTimeout(() => void w.terminate(), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

/** replicaSource is the service's state as the feed reads it. */
function replicaSource(service: MarathonService): ReplicaSource {
  const view = service.readModel();
  const scheduler = service.scheduler;
  return {
    config: view.config,
    get frameworkId() {
      return view.frameworkId;
    },
    get root() {
      return view.root;
    },
    instance: (id) => scheduler.instances.get(id),
    instances: () => view.instances(),
    deployments: () => view.deployments(),
    failures: () => scheduler.lastFailures.entries(),
    onEvent: (listener) => view.onEvent(listener),
  };
}
