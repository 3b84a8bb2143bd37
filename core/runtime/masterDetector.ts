import type { Clock } from '../common/clock.js';
import { MasterGroup } from '../coordination/masterGroup.js';
import { masterUrlOf } from '../coordination/masterInfoJson.js';
import { parseZkUrl } from '../coordination/zkUrl.js';
import { NodeZkSession } from '../node/nodeZkSession.js';
import type { Logger } from './logger.js';

/**
 * detectMasters watches a ZooKeeper master group without contending, as Mesos agents and schedulers given
 * `--master=zk://...` do, so they can follow whichever master leads.
 */
export function detectMasters(zkUrl: string, clock: Clock, log: Logger, sessionTimeoutMs = 10_000): MasterGroup {
  const zk = parseZkUrl(zkUrl);
  const group = new MasterGroup({ path: zk.path, clock, newSession: () => NodeZkSession.connect(zk, sessionTimeoutMs, clock), log: (level, msg) => log[level](msg) });
  group.start();
  return group;
}

/** leaderUrl is where the detected leading master serves HTTP; undefined while none is known. */
export function leaderUrl(group: MasterGroup): string | undefined {
  const leader = group.state().leader;
  return leader ? masterUrlOf(leader) : undefined;
}
