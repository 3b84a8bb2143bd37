import type { Clock, TimerHandle } from '../common/clock.js';
import { Emitter } from '../common/emitter.js';
import type { Disposable } from '../common/lifecycle.js';
import { zkChild } from './zkUrl.js';
import type { ZkSession } from './zkSession.js';

/** ZkGroupState is what a member or watcher of a leader group knows. */
export interface ZkGroupState<T> {
  /** leading is true only for a joined process whose node is the group's leader. */
  leading: boolean;
  /** leader is the leading member's data; undefined while no leader is known. */
  leader?: T;
  /** members are the group's members, oldest first. */
  members: T[];
  /** connected is false while the ZooKeeper session is disconnected or being replaced. */
  connected: boolean;
}

/**
 * ZkGroupShape is what differs between the leader groups Plateau speaks: Mesos's masters (`json.info_<seq>`, MasterInfo
 * JSON) and Marathon's Curator leader latch (`_c_<uuid>-latch-<seq>`, `host:port`).
 */
export interface ZkGroupShape<T> {
  /** nodePrefix is the name a joining process creates its ephemeral sequential node with (fresh for each join). */
  nodePrefix(): string;
  /** members picks the member nodes among the group's children, oldest first. */
  members(children: readonly string[]): string[];
  /** leader picks the leading node among the group's children. */
  leader(children: readonly string[]): string | undefined;
  parse(data: string): T | undefined;
  /** key identifies a member, to tell a change of leader from a re-read. */
  key(member: T): string;
}

/** ZkGroupOptions configure a group: where it lives, its shape, and whether this process joins. */
export interface ZkGroupOptions<T> {
  path: string;
  newSession: () => Promise<ZkSession>;
  clock: Clock;
  shape: ZkGroupShape<T>;
  /** join, when given, is the data this process joins the group with; without it the group only watches. */
  join?: string;
  log?: (level: 'info' | 'warn', msg: string) => void;
}

/**
 * ZkGroup is leader election by the oldest ephemeral sequential node, the recipe both Mesos's master contender and
 * Curator's LeaderLatch use: joiners create a node, everyone watches the children, and the oldest member leads. A
 * session that expires (or stays disconnected past its timeout) drops leadership at once and is replaced by a new one,
 * which joins again; a leader cut off from ZooKeeper therefore stops leading on its own clock.
 */
export class ZkGroup<T> implements Disposable {
  private session: ZkSession | undefined;
  private sessionSub: Disposable | undefined;
  private ownNode: string | undefined;
  private current: ZkGroupState<T> = { leading: false, members: [], connected: false };
  private readonly changes = new Emitter<ZkGroupState<T>>();
  private retryTimer: TimerHandle | undefined;
  private generation = 0;
  private disposed = false;

  constructor(private readonly options: ZkGroupOptions<T>) {}

  state(): ZkGroupState<T> {
    return this.current;
  }

  onChange(fn: (state: ZkGroupState<T>) => void): Disposable {
    return this.changes.on(fn);
  }

  /** start opens a session and joins (or watches) the group; failures are retried every second until disposed. */
  start(): void {
    void this.open();
  }

  private async open(): Promise<void> {
    if (this.disposed) return;
    const generation = ++this.generation;
    try {
      const session = await this.options.newSession();
      if (this.disposed || generation !== this.generation) {
        void session.dispose();
        return;
      }
      this.session = session;
      this.sessionSub = session.onState((s) => this.onSession(generation, s));
      await session.ensurePath(this.options.path);
      if (this.options.join !== undefined) {
        const created = await session.create(zkChild(this.options.path, this.options.shape.nodePrefix()), this.options.join, 'ephemeral_sequential');
        this.ownNode = created.slice(created.lastIndexOf('/') + 1);
        this.options.log?.('info', `Joined the group at ${created}`);
      }
      await this.refresh(generation);
    } catch (err) {
      if (this.disposed || generation !== this.generation) return;
      this.options.log?.('warn', `ZooKeeper: ${(err as Error).message}; retrying`);
      this.replaceSession(generation);
    }
  }

  private onSession(generation: number, s: string): void {
    if (generation !== this.generation) return;
    if (s === 'connected') {
      this.publish({ ...this.current, connected: true });
      void this.refresh(generation);
    } else if (s === 'disconnected') {
      // Leadership is uncertain but not lost until the session expires (Mesos and Curator wait the session timeout too).
      this.publish({ ...this.current, connected: false });
    } else if (s === 'expired') {
      this.options.log?.('warn', 'ZooKeeper session expired');
      this.replaceSession(generation);
    }
  }

  /** replaceSession drops the session (and with it any leadership) and opens a new one after a short pause. */
  private replaceSession(generation: number): void {
    if (generation !== this.generation || this.disposed) return;
    this.generation++;
    void this.sessionSub?.dispose();
    void this.session?.dispose();
    this.session = undefined;
    this.ownNode = undefined;
    this.publish({ leading: false, members: [], connected: false });
    this.retryTimer?.cancel();
    this.retryTimer = this.options.clock.setTimeout(() => {
      this.retryTimer = undefined;
      void this.open();
    }, 1000);
  }

  /** refresh reads the group and the leader's data, re-arming the watches. */
  private async refresh(generation: number): Promise<void> {
    const session = this.session;
    if (!session || generation !== this.generation) return;
    const { shape, path } = this.options;
    try {
      const children = await session.getChildren(path, () => void this.refresh(generation));
      const members: T[] = [];
      for (const child of shape.members(children)) {
        const data = await session.getData(zkChild(path, child));
        const member = data === undefined ? undefined : shape.parse(data);
        if (member !== undefined) members.push(member);
      }
      const leaderChild = shape.leader(children);
      if (generation !== this.generation) return;
      if (this.options.join !== undefined && this.ownNode && !children.includes(this.ownNode)) {
        // Our node vanished (deleted by an operator): join again with a fresh session.
        this.options.log?.('warn', `Our group node ${this.ownNode} disappeared`);
        this.replaceSession(generation);
        return;
      }
      const leaderData = leaderChild ? await session.getData(zkChild(path, leaderChild), () => void this.refresh(generation)) : undefined;
      const leader = leaderData === undefined ? undefined : shape.parse(leaderData);
      if (generation !== this.generation) return;
      this.publish({ leading: leaderChild !== undefined && leaderChild === this.ownNode, ...(leader !== undefined ? { leader } : {}), members, connected: true });
    } catch (err) {
      if (generation !== this.generation) return;
      this.options.log?.('warn', `Reading the group at ${path} failed: ${(err as Error).message}`);
      // A connection loss re-arms through the session's state events; anything else, retry shortly.
      this.retryTimer?.cancel();
      this.retryTimer = this.options.clock.setTimeout(() => {
        this.retryTimer = undefined;
        void this.refresh(generation);
      }, 1000);
    }
  }

  private publish(next: ZkGroupState<T>): void {
    const prev = this.current;
    this.current = next;
    const key = (m: T | undefined) => (m === undefined ? undefined : this.options.shape.key(m));
    if (prev.leading !== next.leading || key(prev.leader) !== key(next.leader) || prev.connected !== next.connected || prev.members.length !== next.members.length) this.changes.fire(next);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.generation++;
    this.retryTimer?.cancel();
    void this.sessionSub?.dispose();
    void this.session?.dispose();
    this.session = undefined;
  }
}
