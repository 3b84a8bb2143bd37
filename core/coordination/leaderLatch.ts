import type { Clock } from '../common/clock.js';
import { uuidV4 } from '../common/ids.js';
import type { Rng } from '../common/rng.js';
import { ZkGroup, type ZkGroupShape, type ZkGroupState } from './zkGroup.js';
import type { ZkSession } from './zkSession.js';

/** LATCH_NAME is the lock name Curator's LeaderLatch puts in every participant's node name. */
const LATCH_NAME = 'latch-';

/** LeaderLatchState is what a Marathon knows about the election: whether it leads and who does (`host:port`). */
export type LeaderLatchState = ZkGroupState<string>;

/** LeaderLatchOptions configure a latch: its znode (Marathon's `<zk path>/leader-curator`) and this participant's id. */
export interface LeaderLatchOptions {
  path: string;
  /** id is this participant's id, Marathon's `host:port`; without it the latch only watches. */
  id?: string;
  newSession: () => Promise<ZkSession>;
  clock: Clock;
  rng: Rng;
  log?: (level: 'info' | 'warn', msg: string) => void;
}

/** latchSequence is the number after `latch-` in a participant node's name, as Curator sorts them. */
export function latchSequence(child: string): number | undefined {
  const at = child.lastIndexOf(LATCH_NAME);
  const digits = at >= 0 ? child.slice(at + LATCH_NAME.length) : '';
  return /^\d+$/.test(digits) ? Number(digits) : undefined;
}

/** latchParticipants orders a latch's children the way Curator does: by sequence, oldest (the leader) first. */
export function latchParticipants(children: readonly string[]): string[] {
  return children
    .map((child) => ({ child, seq: latchSequence(child) }))
    .filter((c): c is { child: string; seq: number } => c.seq !== undefined)
    .sort((a, b) => a.seq - b.seq)
    .map((c) => c.child);
}

/**
 * LeaderLatch is Curator's LeaderLatch recipe, which Marathon elects its leader with: each participant creates an
 * ephemeral sequential, "protected" node `_c_<uuid>-latch-<seq>` holding its id, and the lowest sequence leads. Marathon's
 * own standbys, and tools that read `/marathon/leader-curator`, see Plateau's Marathons exactly as they see Marathon.
 */
export class LeaderLatch extends ZkGroup<string> {
  constructor(options: LeaderLatchOptions) {
    const { id, rng, ...rest } = options;
    const shape: ZkGroupShape<string> = {
      // Curator's protection prefix: a fresh UUID per attempt lets a client recognise its own node after a connection loss.
      nodePrefix: () => `_c_${uuidV4(rng)}-${LATCH_NAME}`,
      members: latchParticipants,
      leader: (children) => latchParticipants(children)[0],
      parse: (data) => (data === '' ? undefined : data),
      key: (id) => id,
    };
    super({ ...rest, shape, ...(id !== undefined ? { join: id } : {}) });
  }
}
