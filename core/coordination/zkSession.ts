import type { Disposable } from '../common/lifecycle.js';

/** ZkSessionState is what a ZooKeeper session's owner needs to know: usable, uncertain, or gone for good. */
export type ZkSessionState = 'connected' | 'disconnected' | 'expired';

/** ZkOp is one operation of a ZooKeeper multi: create a persistent node, overwrite one, or delete one. */
export type ZkOp = { create: string; data: string } | { set: string; data: string } | { remove: string };

/** ZkCreateMode mirrors ZooKeeper's node kinds. */
export type ZkCreateMode = 'persistent' | 'ephemeral' | 'persistent_sequential' | 'ephemeral_sequential';

/**
 * ZkSession is the small ZooKeeper surface Plateau's coordination needs, promise-based and watch-once like
 * ZooKeeper itself. It emits `expired` after the server says so *or* after being disconnected longer than the
 * session timeout (clients learn of expiry only on reconnect, so a leader cut off from the ensemble must stop acting
 * on its own clock, as Mesos does); after `expired` the session is dead and its owner makes a new one.
 */
export interface ZkSession extends Disposable {
  readonly sessionTimeoutMs: number;
  state(): ZkSessionState;
  onState(fn: (state: ZkSessionState) => void): Disposable;
  /** ensurePath creates a persistent path and its parents when missing. */
  ensurePath(path: string): Promise<void>;
  /** create returns the created path (with the sequence suffix for sequential modes). */
  create(path: string, data: string, mode: ZkCreateMode): Promise<string>;
  /** getChildren lists children; `watch` fires once on the next change. */
  getChildren(path: string, watch?: () => void): Promise<string[]>;
  /** getData returns the node's data, or undefined when it does not exist. */
  getData(path: string, watch?: () => void): Promise<string | undefined>;
  /** putData writes a node, creating it (persistent, with its parents) when missing. */
  putData(path: string, data: string): Promise<void>;
  /** remove deletes a node when present. */
  remove(path: string): Promise<void>;
  /** exists says whether a node is there. */
  exists(path: string): Promise<boolean>;
  /** multi applies operations atomically (ZooKeeper's multi): all commit, or none does and it rejects. */
  multi(ops: readonly ZkOp[]): Promise<void>;
}
