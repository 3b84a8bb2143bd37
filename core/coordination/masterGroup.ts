import type { Clock } from '../common/clock.js';
import type { MasterInfo } from '../protocol/mesos/v1.js';
import { leadingChild, MASTER_INFO_PREFIX, masterInfoJson, parseMasterInfoJson } from './masterInfoJson.js';
import { ZkGroup, type ZkGroupShape, type ZkGroupState } from './zkGroup.js';
import type { ZkSession } from './zkSession.js';

/** MasterGroupState is what a master, agent or framework knows about the leading master. */
export type MasterGroupState = ZkGroupState<MasterInfo>;

/** MasterGroupOptions configure a group: where it lives, and whether this process contends. */
export interface MasterGroupOptions {
  path: string;
  newSession: () => Promise<ZkSession>;
  clock: Clock;
  /** contend, when given, joins the group with this MasterInfo (a master); without it the group only detects. */
  contend?: MasterInfo;
  log?: (level: 'info' | 'warn', msg: string) => void;
}

/**
 * MASTER_GROUP_SHAPE is Mesos's layout: `json.info_<seq>` nodes holding MasterInfo JSON; the lowest sequence among
 * any labelled member leads, as Mesos's detector decides (so `log_replicas` is skipped).
 */
const MASTER_GROUP_SHAPE: ZkGroupShape<MasterInfo> = {
  nodePrefix: () => MASTER_INFO_PREFIX,
  members: (children) => children.filter((c) => c.startsWith(MASTER_INFO_PREFIX)).sort(),
  leader: leadingChild,
  parse: parseMasterInfoJson,
  key: (m) => m.id,
};

/**
 * MasterGroup is Mesos's master contention and detection on ZooKeeper: a contending master joins with an
 * ephemeral sequential `json.info_` node holding its MasterInfo JSON, and the oldest such node leads; tools that
 * find Mesos masters this way find ours.
 */
export class MasterGroup extends ZkGroup<MasterInfo> {
  constructor(options: MasterGroupOptions) {
    const { contend, ...rest } = options;
    super({ ...rest, shape: MASTER_GROUP_SHAPE, ...(contend ? { join: masterInfoJson(contend) } : {}) });
  }
}
