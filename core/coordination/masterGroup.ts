import type { Clock, TimerHandle } from '../common/clock.js';
import { Emitter } from '../common/emitter.js';
import type { Disposable } from '../common/lifecycle.js';
import type { MasterInfo } from '../protocol/mesos/v1.js';
import { leadingChild, MASTER_INFO_PREFIX, masterInfoJson, parseMasterInfoJson } from './masterInfoJson.js';
import { zkChild } from './zkUrl.js';
import type { ZkSession } from './zkSession.js';

/** MasterGroupState is what a master, agent or framework knows about the leading master. */
export interface MasterGroupState {
  /** leading is true only for a contending master whose node is the oldest in the group. */
  leading: boolean;
  /** leader is the leading master's MasterInfo; undefined while no leader is known. */
  leader?: MasterInfo;
  /** members are the masters in the group (contending), oldest first. */
  members: MasterInfo[];
  /** connected is false while the ZooKeeper session is disconnected or being replaced. */
  connected: boolean;
}

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
 * MasterGroup is Mesos's master contention and detection on ZooKeeper: a contending master joins with an
 * ephemeral sequential `json.info_` node holding its MasterInfo JSON; everyone watches the children, and the
 * oldest `json.info_` node leads. A session that expires (or stays disconnected past its timeout) drops leadership
 * at once and is replaced by a new one, which contends again; tools that find Mesos masters this way find ours.
 */
export class MasterGroup implements Disposable {
  private session: ZkSession | undefined;
  private sessionSub: Disposable | undefined;
  private ownNode: string | undefined;
  private current: MasterGroupState = { leading: false, members: [], connected: false };
  private readonly changes = new Emitter<MasterGroupState>();
  private retryTimer: TimerHandle | undefined;
  private generation = 0;
  private disposed = false;

  constructor(private readonly options: MasterGroupOptions) {}

  state(): MasterGroupState {
    return this.current;
  }

  onChange(fn: (state: MasterGroupState) => void): Disposable {
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
      if (this.options.contend) {
        const created = await session.create(zkChild(this.options.path, MASTER_INFO_PREFIX), masterInfoJson(this.options.contend), 'ephemeral_sequential');
        this.ownNode = created.slice(created.lastIndexOf('/') + 1);
        this.options.log?.('info', `Joined the master group at ${created}`);
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
      // Leadership is uncertain but not lost until the session expires (Mesos waits the session timeout too).
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

  /** refresh reads the group and the leader's info, re-arming the watches. */
  private async refresh(generation: number): Promise<void> {
    const session = this.session;
    if (!session || generation !== this.generation) return;
    try {
      const children = await session.getChildren(this.options.path, () => void this.refresh(generation));
      const members = children.filter((c) => c.startsWith(MASTER_INFO_PREFIX)).sort();
      const infos: MasterInfo[] = [];
      for (const child of members) {
        const data = await session.getData(zkChild(this.options.path, child));
        const info = data === undefined ? undefined : parseMasterInfoJson(data);
        if (info) infos.push(info);
      }
      const leaderChild = leadingChild(children);
      if (generation !== this.generation) return;
      if (this.options.contend && this.ownNode && !children.includes(this.ownNode)) {
        // Our node vanished (deleted by an operator): contend again with a fresh session.
        this.options.log?.('warn', `Our group node ${this.ownNode} disappeared`);
        this.replaceSession(generation);
        return;
      }
      const leaderInfo = leaderChild ? parseMasterInfoJson((await session.getData(zkChild(this.options.path, leaderChild), () => void this.refresh(generation))) ?? '') : undefined;
      if (generation !== this.generation) return;
      this.publish({ leading: leaderChild !== undefined && leaderChild === this.ownNode, ...(leaderInfo ? { leader: leaderInfo } : {}), members: infos, connected: true });
    } catch (err) {
      if (generation !== this.generation) return;
      this.options.log?.('warn', `Reading the master group failed: ${(err as Error).message}`);
      // A connection loss re-arms through the session's state events; anything else, retry shortly.
      this.retryTimer?.cancel();
      this.retryTimer = this.options.clock.setTimeout(() => {
        this.retryTimer = undefined;
        void this.refresh(generation);
      }, 1000);
    }
  }

  private publish(next: MasterGroupState): void {
    const prev = this.current;
    this.current = next;
    if (prev.leading !== next.leading || prev.leader?.id !== next.leader?.id || prev.connected !== next.connected || prev.members.length !== next.members.length) this.changes.fire(next);
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
