import { join } from 'node:path';
import type { Clock } from '../common/clock.js';
import type { Rng } from '../common/rng.js';
import { registerMasterRoutes } from '../api/masterRoutes.js';
import { Master } from '../master/master.js';
import { DEFAULT_MASTER_FLAGS, type MasterFlags } from '../master/masterFlags.js';
import { MemoryRegistry, type Registry } from '../master/registry.js';
import { SqliteRegistry } from '../node/sqliteRegistry.js';
import { SystemClock } from '../node/systemClock.js';
import { CryptoRng } from '../node/cryptoRng.js';
import { createHttpServer } from './httpServer.js';
import type { Logger } from './logger.js';

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
export async function createMaster(flags: Partial<MasterFlags>, deps: { log: Logger; clock?: Clock; rng?: Rng }): Promise<RunningMaster> {
  const all: MasterFlags = { ...DEFAULT_MASTER_FLAGS, ...stripUndefined(flags) };
  const registry: Registry & { close?: () => void } = all.registry === 'in_memory' ? new MemoryRegistry() : new SqliteRegistry(join(all.work_dir, 'registry.db'));
  const app = createHttpServer();
  const master = new Master({
    flags: all,
    address: { hostname: all.hostname, ip: all.ip, port: all.port },
    clock: deps.clock ?? new SystemClock(),
    rng: deps.rng ?? new CryptoRng(),
    registry,
    log: (level, msg) => deps.log[level](msg),
  });
  registerMasterRoutes(app, master);
  await app.listen({ host: all.ip, port: all.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : all.port;
  // With `--port=0` the real port is known only now; the master's identity (pid, MasterInfo) must carry it.
  master.bindPort(port);
  await master.start();
  const url = `http://${all.ip}:${port}`;
  return {
    master,
    url,
    port,
    async dispose() {
      await master.dispose();
      await app.close();
      registry.close?.();
    },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
