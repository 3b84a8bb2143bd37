import { join } from 'node:path';
import http from 'node:http';
import type { Clock } from '../common/clock.js';
import type { Rng } from '../common/rng.js';
import { agentLinkListener, registerMasterRoutes } from '../api/masterRoutes.js';
import { Master } from '../master/master.js';
import { DEFAULT_MASTER_FLAGS, type MasterFlags } from '../master/masterFlags.js';
import { MemoryRegistry, type Registry } from '../master/registry.js';
import { SqliteRegistry } from '../node/sqliteRegistry.js';
import { SystemClock } from '../node/systemClock.js';
import { CryptoRng } from '../node/cryptoRng.js';
import { registerQuorumRoutes } from '../api/quorumRoutes.js';
import { registerStandbyGate, standbyAnswer, type LeadershipView } from '../api/standbyGate.js';
import { AGENT_LINK_PATH } from '../protocol/plateau/agentLink.js';
import { fourLetterWord } from '../node/fourLetterWord.js';
import { MasterGroup } from '../coordination/masterGroup.js';
import { ZkRegistry } from '../coordination/zkRegistry.js';
import { parseZkUrl } from '../coordination/zkUrl.js';
import { NodeZkSession } from '../node/nodeZkSession.js';
import { createHttpServer } from './httpServer.js';
import type { Logger } from './logger.js';

/**
 * PROMPT_ALLOCATION_GAP_MS spaces the master's prompt allocation cycles (at most 20 a second; see
 * `MasterOptions.promptAllocationGapMs`), far below Mesos's 1 s `--allocation_interval`.
 */
const PROMPT_ALLOCATION_GAP_MS = 50;

/** RunningMaster is a started master with its HTTP server; `dispose` stops both and leaves nothing running. */
export interface RunningMaster {
  master: Master;
  url: string;
  port: number;
  dispose(): Promise<void>;
}

/**
 * createMaster is the master's composition root: registry (SQLite under `work_dir`, or in memory),
 * clock, randomness, the `Master` and its HTTP routes, listening on `flags.ip:flags.port`.
 */
export async function createMaster(flags: Partial<MasterFlags>, deps: { log: Logger; clock?: Clock; rng?: Rng; onLostLeadership?: () => void }): Promise<RunningMaster> {
  const all: MasterFlags = { ...DEFAULT_MASTER_FLAGS, ...stripUndefined(flags) };
  const clock = deps.clock ?? new SystemClock();
  const zk = typeof all.zk === 'string' && all.zk !== '' ? parseZkUrl(all.zk) : undefined;
  const sessionTimeout = Number(all.zk_session_timeout ?? 10_000);
  const newSession = zk ? () => NodeZkSession.connect(zk, sessionTimeout, clock) : undefined;
  const registry: Registry & { close?: () => void } =
    zk && newSession && all.registry !== 'in_memory' ? new ZkRegistry(zk.path, newSession) : all.registry === 'in_memory' ? new MemoryRegistry() : new SqliteRegistry(join(all.work_dir, 'registry.db'));
  const master = new Master({
    flags: all,
    address: { hostname: all.hostname, ip: all.ip, port: all.port },
    clock,
    rng: deps.rng ?? new CryptoRng(),
    registry,
    log: (level, msg) => deps.log[level](msg),
    infoLogged: deps.log.infoEnabled !== false,
    // As Mesos's master aborts when its registrar fails: this master's memory no longer matches the registry.
    onRegistryFailure: () => deps.onLostLeadership?.(),
    promptAllocationGapMs: PROMPT_ALLOCATION_GAP_MS,
  });
  let group: MasterGroup | undefined;
  let recovered = false;
  const leadership: LeadershipView = {
    leading: () => group?.state().leading === true,
    recovered: () => recovered,
    leader: () => {
      const l = group?.state().leader;
      return l ? { hostname: l.address?.hostname ?? l.hostname ?? l.address?.ip ?? '', port: l.address?.port ?? l.port } : undefined;
    },
  };
  // The agent link is served before fastify sees the request (agentLinkListener says why); everything else goes to fastify.
  const agentLink = agentLinkListener(master, zk ? (url) => standbyAnswer(leadership, url) : undefined);
  const app = createHttpServer({
    serverFactory: (handler) =>
      http.createServer((req, res) => {
        if (req.method === 'POST' && req.url === AGENT_LINK_PATH) agentLink(req, res);
        else handler(req, res);
      }),
  });
  if (zk) registerStandbyGate(app, leadership);
  registerMasterRoutes(app, master);
  registerQuorumRoutes(app, {
    servers: zk?.servers ?? [],
    ...(zk ? { zkPath: zk.path } : {}),
    quorum: Number(all.quorum ?? 1),
    self: master.info,
    electedTime: () => master.electedTime,
    group: () => group?.state(),
    fourLetterWord: (server, word) => fourLetterWord(server, word),
    now: () => clock.now(),
    schedulers: () => [...master.frameworks.values()].map((f) => ({ id: f.id, name: f.info.name, ...(f.info.webui_url ? { webui_url: f.info.webui_url } : {}), connected: f.connected })),
  });
  await app.listen({ host: all.ip, port: all.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : all.port;
  // With `--port=0` the real port is known only now; the master's identity (pid, MasterInfo) must carry it.
  master.bindPort(port);
  if (zk && newSession) {
    const quorum = Number(all.quorum ?? 1);
    let started: Promise<void> | undefined;
    group = new MasterGroup({ path: zk.path, newSession, clock, contend: master.info, log: (level, msg) => deps.log[level](msg) });
    group.onChange((state) => {
      if (state.leading && !started) {
        if (state.members.length < quorum) {
          deps.log.warn(`Elected, but only ${state.members.length} of the --quorum=${quorum} masters are in the group; waiting for more before recovering`);
          return;
        }
        if (quorum <= state.members.length / 2) deps.log.warn(`--quorum=${quorum} is not a majority of the ${state.members.length} masters; it should be greater than half of them`);
        deps.log.info(`Elected as the leading master; recovering the registry from ZooKeeper`);
        started = master.start().then(
          () => {
            recovered = true;
          },
          (err: Error) => {
            deps.log.error(`Recovery failed: ${err.message}`);
            deps.onLostLeadership?.();
          },
        );
      } else if (!state.leading && started) {
        // Mesos's master exits when it loses leadership, and a supervisor restarts it as a standby: its in-memory
        // state may be stale and a new leader is taking over.
        deps.log.error('Lost leadership (ZooKeeper session expired or our group node went away)');
        deps.onLostLeadership?.();
      }
    });
    group.start();
  } else {
    await master.start();
    recovered = true;
  }
  const url = `http://${all.ip}:${port}`;
  return {
    master,
    url,
    port,
    async dispose() {
      group?.dispose();
      await master.dispose();
      await app.close();
      registry.close?.();
    },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
