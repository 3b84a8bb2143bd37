import type { Clock, TimerHandle } from '../common/clock.js';
import type { Disposable } from '../common/lifecycle.js';
import type { Rng } from '../common/rng.js';
import { LeaderLatch, type LeaderLatchState } from '../coordination/leaderLatch.js';
import { ZkStore } from '../coordination/zkStore.js';
import { parseZkUrl, zkChild, type ZkUrl } from '../coordination/zkUrl.js';
import { registerMarathonRoutes } from '../api/marathonRoutes.js';
import { MarathonService, type MarathonConfig } from '../marathon/service/marathonService.js';
import { CryptoRng } from '../node/cryptoRng.js';
import { HttpSchedulerDriver } from '../node/httpSchedulerDriver.js';
import { NodeZkSession } from '../node/nodeZkSession.js';
import { SystemClock } from '../node/systemClock.js';
import { createHttpServer } from './httpServer.js';
import { MarathonApiThread } from './marathonApiThread.js';
import type { Logger } from './logger.js';
import { detectMasters, leaderUrl } from './masterDetector.js';

/** HaMarathonConfig is Marathon's configuration with `--zk`: its ZooKeeper URL and session timeout. */
export type HaMarathonConfig = Omit<MarathonConfig, 'http_port'> & { http_port: number; ip: string; zk: string; zk_session_timeout: number };

/** RunningHaMarathon is one Marathon of an HA group: a standby until elected, then the leader. */
export interface RunningHaMarathon {
  url: string;
  port: number;
  /** hostPort is this Marathon's id in the election, `host:port`. */
  hostPort: string;
  election(): LeaderLatchState;
  /** service is the running Marathon while this one leads and serves; undefined on a standby. */
  service(): MarathonService | undefined;
  dispose(): Promise<void>;
}

/** redactZk hides a ZooKeeper URL's credentials, as Marathon's `/v2/info` does. */
export function redactZk(url: string): string {
  return url.replace(/^zk:\/\/[^@/]*@/, 'zk://xxxxxxxx:xxxxxxxx@');
}

/**
 * createHaMarathon runs Marathon with `--zk`, as Marathon 1.10 does in HA mode: it serves HTTP at once (a standby
 * proxies to the leader), joins the Curator leader latch at `<zk path>/leader-curator` with its `host:port`, and only
 * when elected loads its state from `<zk path>/state`, subscribes to the leading Mesos master with the stored framework
 * id (so the master sees a framework failover, not a new framework) and reconciles its tasks. Losing leadership (the
 * ZooKeeper session expired, or `DELETE /v2/leader`) stops this Marathon acting at once and calls `onLostLeadership`:
 * Marathon exits there and a supervisor restarts it as a standby, so no stale state ever leads again; without the
 * callback it rejoins the election as a standby itself.
 */
export async function createHaMarathon(config: HaMarathonConfig, deps: { log: Logger; clock?: Clock; rng?: Rng; onLostLeadership?: () => void }): Promise<RunningHaMarathon> {
  const clock = deps.clock ?? new SystemClock();
  const rng = deps.rng ?? new CryptoRng();
  const zk: ZkUrl = parseZkUrl(config.zk);
  const newSession = () => NodeZkSession.connect(zk, config.zk_session_timeout, clock);
  const masters = config.master.startsWith('zk://') ? detectMasters(config.master, clock, deps.log, config.zk_session_timeout) : undefined;

  let leading: { service: MarathonService; store: ZkStore; app: ReturnType<typeof createHttpServer> } | undefined;
  let becoming: Promise<void> | undefined;
  let latch: LeaderLatch | undefined;
  let latchSub: Disposable | undefined;
  let masterSub: Disposable | undefined;
  let disposed = false;

  let abdication: TimerHandle | undefined;
  const serviceConfig: MarathonConfig = { ...config };
  const ha = { zk: redactZk(config.zk), zkSessionTimeoutMs: config.zk_session_timeout };
  // The API thread serves at once: as a standby it proxies every request to the elected leader (MarathonLeaderProxy
  // in the thread), and once this Marathon leads it answers from the leading service's replica.
  const api = await MarathonApiThread.start({ host: config.ip, port: config.http_port, config: serviceConfig, log: deps.log, ha });
  const port = api.port;
  serviceConfig.http_port = port;
  const hostPort = `${config.hostname}:${port}`;

  const stopLeading = async (): Promise<void> => {
    const was = leading;
    leading = undefined;
    if (!was) return;
    // Requests go to the elected leader from now on; then each part is released even when one before it fails.
    api.standby();
    try {
      await was.service.dispose();
    } finally {
      try {
        await was.app.close();
      } finally {
        was.store.close();
      }
    }
  };

  const becomeLeader = async (): Promise<void> => {
    deps.log.info(`Elected as the leading Marathon (${hostPort}); loading state from ZooKeeper`);
    const store = new ZkStore(zkChild(zk.path, 'state'), newSession);
    const driver = new HttpSchedulerDriver(masters ? () => leaderUrl(masters) : config.master, clock, rng);
    const app = createHttpServer();
    const service = await MarathonService.create({ config: serviceConfig, driver, store, clock, rng, log: (level, msg) => deps.log[level](msg) });
    registerMarathonRoutes(app, service, { ...ha, abdicate: () => {
        abdication ??= clock.setTimeout(() => {
          abdication = undefined;
          void abdicate();
        }, 500);
      },
    });
    await app.ready();
    if (disposed || latch?.state().leading !== true) {
      // Leadership went while we loaded: never start acting on it.
      await service.dispose();
      await app.close();
      store.close();
      return;
    }
    leading = { service, store, app };
    api.lead(service, app);
    masterSub = masters?.onChange(() => driver.followLeader());
    service.start();
    deps.log.info(`Leading Marathon serving at http://${hostPort}`);
  };

  const lost = async (reason: string): Promise<void> => {
    deps.log.error(`Lost leadership: ${reason}`);
    void masterSub?.dispose();
    masterSub = undefined;
    // Callers do not wait for this (an election callback, a timer): a failure to stop cleanly is logged, and
    // leadership is given up all the same.
    await stopLeading().catch((err: Error) => deps.log.error(`Stopping the leading Marathon failed: ${err.message}`));
    if (deps.onLostLeadership) deps.onLostLeadership();
    else if (!disposed) join();
  };

  const onElection = (state: LeaderLatchState): void => {
    api.setLeader(state.leader);
    if (state.leading && !leading && !becoming) {
      becoming = becomeLeader()
        .catch((err: Error) => {
          deps.log.error(`Taking over as leader failed: ${err.message}`);
          void lost('could not load state or start');
        })
        .finally(() => (becoming = undefined));
    } else if (!state.leading && (leading || becoming)) {
      void lost('the ZooKeeper session expired or our latch node went away');
    }
  };

  function join(): void {
    void latchSub?.dispose();
    latch?.dispose();
    latch = new LeaderLatch({ path: zkChild(zk.path, 'leader-curator'), id: hostPort, newSession, clock, rng, log: (level, msg) => deps.log[level](msg) });
    latchSub = latch.onChange(onElection);
    latch.start();
  }

  /** abdicate leaves the election (its node goes with its session) so another Marathon leads. */
  const abdicate = async (): Promise<void> => {
    if (disposed) return;
    void latchSub?.dispose();
    latch?.dispose();
    latch = undefined;
    await lost('abdicated (DELETE /v2/leader)');
  };

  join();
  return {
    url: `http://${config.ip}:${port}`,
    port,
    hostPort,
    election: () => latch?.state() ?? { leading: false, members: [], connected: false },
    service: () => leading?.service,
    async dispose() {
      disposed = true;
      abdication?.cancel();
      void latchSub?.dispose();
      latch?.dispose();
      void masterSub?.dispose();
      await becoming;
      await stopLeading();
      masters?.dispose();
      await api.dispose();
    },
  };
}
