import zookeeper from 'node-zookeeper-client';
import type { Clock, TimerHandle } from '../common/clock.js';
import { Emitter } from '../common/emitter.js';
import { CoreError } from '../common/errors.js';
import type { Disposable } from '../common/lifecycle.js';
import type { ZkUrl } from '../coordination/zkUrl.js';
import type { ZkCreateMode, ZkOp, ZkSession, ZkSessionState } from '../coordination/zkSession.js';

const MODES: Record<ZkCreateMode, number> = {
  persistent: zookeeper.CreateMode.PERSISTENT,
  ephemeral: zookeeper.CreateMode.EPHEMERAL,
  persistent_sequential: zookeeper.CreateMode.PERSISTENT_SEQUENTIAL,
  ephemeral_sequential: zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL,
};

/**
 * NodeZkSession is a ZkSession over node-zookeeper-client (pure JavaScript, no native build). It adds what that
 * client lacks: a local expiry timer started on disconnect, so `expired` fires even while no server answers, and a
 * bounded wait for the first connection.
 */
export class NodeZkSession implements ZkSession {
  private readonly client: zookeeper.Client;
  private current: ZkSessionState = 'disconnected';
  private readonly states = new Emitter<ZkSessionState>();
  private expiryTimer: TimerHandle | undefined;
  private closed = false;

  private constructor(
    url: ZkUrl,
    readonly sessionTimeoutMs: number,
    private readonly clock: Clock,
  ) {
    // Paths are absolute (under url.path), so no chroot is given to the client.
    this.client = zookeeper.createClient(url.servers.join(','), { sessionTimeout: sessionTimeoutMs, spinDelay: 500, retries: 0 });
    if (url.auth) this.client.addAuthInfo('digest', Buffer.from(`${url.auth.user}:${url.auth.password}`));
    this.client.on('state', (s: zookeeper.State) => this.onClientState(s));
    // Start counting towards expiry from the first attempt: a session that never connects is as good as expired.
    this.armExpiry();
  }

  /** connect opens a session and resolves once it is connected (or rejects after the session timeout). */
  static async connect(url: ZkUrl, sessionTimeoutMs: number, clock: Clock): Promise<NodeZkSession> {
    const s = new NodeZkSession(url, sessionTimeoutMs, clock);
    s.client.connect();
    await new Promise<void>((resolve, reject) => {
      const sub = s.onState((state) => {
        void sub.dispose();
        if (state === 'connected') resolve();
        else reject(new CoreError('UNAVAILABLE', `ZooKeeper at ${url.servers.join(',')} did not answer within ${sessionTimeoutMs} ms`));
      });
    }).catch((err: unknown) => {
      s.dispose();
      throw err;
    });
    return s;
  }

  state(): ZkSessionState {
    return this.current;
  }

  onState(fn: (state: ZkSessionState) => void): Disposable {
    return this.states.on(fn);
  }

  private onClientState(s: zookeeper.State): void {
    if (this.closed || this.current === 'expired') return;
    if (s === zookeeper.State.SYNC_CONNECTED || s === zookeeper.State.CONNECTED_READ_ONLY) {
      this.expiryTimer?.cancel();
      this.expiryTimer = undefined;
      this.set('connected');
    } else if (s === zookeeper.State.EXPIRED) {
      this.expire();
    } else if (s === zookeeper.State.DISCONNECTED) {
      this.set('disconnected');
      this.armExpiry();
    }
  }

  private armExpiry(): void {
    this.expiryTimer ??= this.clock.setTimeout(() => this.expire(), this.sessionTimeoutMs);
  }

  private expire(): void {
    if (this.current === 'expired') return;
    this.expiryTimer?.cancel();
    this.expiryTimer = undefined;
    this.set('expired');
    this.close();
  }

  private set(state: ZkSessionState): void {
    if (this.current === state) return;
    this.current = state;
    this.states.fire(state);
  }

  private call<T>(fn: (cb: (err: Error | zookeeper.Exception | null, value?: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      fn((err, value) => (err ? reject(err) : resolve(value as T)));
    });
  }

  async ensurePath(path: string): Promise<void> {
    if (path === '/') return;
    await this.call<string>((cb) => this.client.mkdirp(path, (err, p) => cb(err, p)));
  }

  async create(path: string, data: string, mode: ZkCreateMode): Promise<string> {
    return this.call<string>((cb) => this.client.create(path, Buffer.from(data), MODES[mode], (err, p) => cb(err, p)));
  }

  async getChildren(path: string, watch?: () => void): Promise<string[]> {
    return this.call<string[]>((cb) =>
      watch ? this.client.getChildren(path, () => watch(), (err, children) => cb(err, children)) : this.client.getChildren(path, (err, children) => cb(err, children)),
    );
  }

  async getData(path: string, watch?: () => void): Promise<string | undefined> {
    try {
      const data = await this.call<Buffer | undefined>((cb) => (watch ? this.client.getData(path, () => watch(), (err, d) => cb(err, d)) : this.client.getData(path, (err, d) => cb(err, d))));
      return data ? data.toString('utf8') : '';
    } catch (err) {
      if (isNoNode(err)) return undefined;
      throw err;
    }
  }

  async putData(path: string, data: string): Promise<void> {
    try {
      await this.call<unknown>((cb) => this.client.setData(path, Buffer.from(data), -1, (err, stat) => cb(err, stat)));
    } catch (err) {
      if (!isNoNode(err)) throw err;
      const parent = path.slice(0, path.lastIndexOf('/')) || '/';
      await this.ensurePath(parent);
      await this.create(path, data, 'persistent');
    }
  }

  async remove(path: string): Promise<void> {
    try {
      await this.call<unknown>((cb) => this.client.remove(path, -1, (err) => cb(err)));
    } catch (err) {
      if (!isNoNode(err)) throw err;
    }
  }

  async exists(path: string): Promise<boolean> {
    const stat = await this.call<zookeeper.Stat | null>((cb) => this.client.exists(path, (err, st) => cb(err, st)));
    return stat !== null && stat !== undefined;
  }

  async multi(ops: readonly ZkOp[]): Promise<void> {
    if (ops.length === 0) return;
    const tx = this.client.transaction();
    for (const op of ops) {
      if ('create' in op) tx.create(op.create, Buffer.from(op.data), zookeeper.CreateMode.PERSISTENT);
      else if ('set' in op) tx.setData(op.set, Buffer.from(op.data), -1);
      else tx.remove(op.remove, -1);
    }
    await this.call<unknown>((cb) => tx.commit((err, results) => cb(err, results)));
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.close();
  }

  dispose(): void {
    this.expiryTimer?.cancel();
    this.expiryTimer = undefined;
    this.close();
  }
}

function isNoNode(err: unknown): boolean {
  return err instanceof zookeeper.Exception && err.getCode() === zookeeper.Exception.NO_NODE;
}
