import { join } from 'node:path';
import type { Clock } from '../common/clock.js';
import type { Rng } from '../common/rng.js';
import type { Store } from '../coordination/store.js';
import type { SchedulerDriver } from '../framework/schedulerDriver.js';
import { registerMarathonRoutes } from '../api/marathonRoutes.js';
import { MarathonService, type MarathonConfig } from '../marathon/service/marathonService.js';
import { CryptoRng } from '../node/cryptoRng.js';
import { HttpSchedulerDriver } from '../node/httpSchedulerDriver.js';
import { SqliteStore } from '../node/sqliteStore.js';
import { SystemClock } from '../node/systemClock.js';
import { createHttpServer } from './httpServer.js';
import { MarathonApiThread } from './marathonApiThread.js';
import type { Logger } from './logger.js';
import { detectMasters, leaderUrl } from './masterDetector.js';

/** RunningMarathon is a started Marathon with its REST server. */
export interface RunningMarathon {
  service: MarathonService;
  /** api is the thread serving the `/v2` API. */
  api: MarathonApiThread;
  url: string;
  port: number;
  dispose(): Promise<void>;
}

/**
 * createMarathon is Marathon's composition root: its store (SQLite under `work_dir`), a scheduler
 * driver (HTTP to `--master`, or the in-process one the demo passes), the service and its `/v2` API, served
 * from a thread of its own (`MarathonApiThread`).
 */
export async function createMarathon(
  config: Omit<MarathonConfig, 'http_port'> & { http_port: number; work_dir: string; ip: string },
  deps: { log: Logger; clock?: Clock; rng?: Rng; driver?: SchedulerDriver; store?: Store },
): Promise<RunningMarathon> {
  const clock = deps.clock ?? new SystemClock();
  const rng = deps.rng ?? new CryptoRng();
  const store = deps.store ?? new SqliteStore(join(config.work_dir, 'marathon.db'));
  // With `--master=zk://...` the leading master is followed through ZooKeeper, as Marathon's Mesos driver does.
  const masters = !deps.driver && config.master.startsWith('zk://') ? detectMasters(config.master, clock, deps.log) : undefined;
  const http = deps.driver ? undefined : new HttpSchedulerDriver(masters ? () => leaderUrl(masters) : /^https?:\/\//.test(config.master) ? config.master : `http://${config.master}`, clock, rng);
  const driver = deps.driver ?? (http as HttpSchedulerDriver);
  const masterSub = masters?.onChange(() => http?.followLeader());
  const app = createHttpServer();
  const serviceConfig: MarathonConfig = { ...config };
  const service = await MarathonService.create({ config: serviceConfig, driver, store, clock, rng, log: (level, msg) => deps.log[level](msg) });
  registerMarathonRoutes(app, service);
  // The routes serve through the API thread: reads from its replica, everything else forwarded to `app` here.
  await app.ready();
  const api = await MarathonApiThread.start({ host: config.ip, port: config.http_port, config: serviceConfig, log: deps.log }, { service, routes: app }).catch(async (err: Error) => {
    await service.dispose();
    void masterSub?.dispose();
    masters?.dispose();
    await app.close();
    (store as { close?: () => void }).close?.();
    throw err;
  });
  const port = api.port;
  serviceConfig.http_port = port;
  service.start();
  return {
    service,
    api,
    url: `http://${config.ip}:${port}`,
    port,
    async dispose() {
      await api.dispose();
      await service.dispose();
      void masterSub?.dispose();
      masters?.dispose();
      await app.close();
      (store as { close?: () => void }).close?.();
    },
  };
}
