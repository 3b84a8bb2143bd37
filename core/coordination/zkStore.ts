import { CoreError, invalid } from '../common/errors.js';
import { SessionKeeper } from './sessionKeeper.js';
import type { Store } from './store.js';
import { zkChild } from './zkUrl.js';
import type { ZkOp, ZkSession } from './zkSession.js';

/** BUCKETS is how many buckets each category is spread over, as Marathon's ZooKeeper store does. */
const BUCKETS = 16;
/** WRITE_ATTEMPTS bounds how often a write is sent again after a connection loss. */
const WRITE_ATTEMPTS = 3;
/** MAX_NODE_BYTES keeps a value under ZooKeeper's default 1 MiB packet limit (jute.maxbuffer) with room for the path. */
const MAX_NODE_BYTES = 1_000 * 1024;

/** javaStringHash is Java's `String.hashCode`, which Marathon buckets ids with. */
function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** zkBucket is the bucket (`0`-`f`) an id's first segment falls in: Marathon's `|hashCode % 16|` in hex. */
export function zkBucket(firstSegment: string): string {
  return Math.abs(javaStringHash(firstSegment) % BUCKETS).toString(16);
}

/**
 * ZkStore is the `Store` Marathon keeps its state in with `--zk`: under `<zk path>/state`, laid out as Marathon's own
 * ZooKeeper store is, `/<category>/<bucket>/<id>` with the bucket taken from the id so that no node has tens of thousands
 * of children (an instance per znode for 50,000 instances). Keys are the repository's `/marathon/<category>/<id>`; the
 * id is one znode name (URI-encoded), so listing a prefix reads one bucket (or all sixteen) and never walks a tree.
 * Every write is committed by a quorum of the ensemble before it resolves; `batch` is one ZooKeeper multi.
 */
export class ZkStore implements Store {
  private readonly sessions: SessionKeeper;
  /** dirs are bucket and category nodes known to exist, so writes do not re-create them. */
  private readonly dirs = new Set<string>();
  /**
   * writes chains this store's writes one behind another. A batch asks which of its nodes exist and then commits
   * creates or sets; another write of the same keys in between (the leader issues several at once) would make a
   * create fail with NODE_EXISTS, and writes would land in no particular order.
   */
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly root: string,
    newSession: () => Promise<ZkSession>,
    private readonly namespace = '/marathon/',
  ) {
    this.sessions = new SessionKeeper(newSession);
  }

  /** locate maps a key to its category, id and znode (a category without an id is a single node: `framework-id`). */
  private locate(key: string): { category: string; id: string; dir: string; node: string } {
    if (!key.startsWith(this.namespace)) throw invalid(`Key '${key}' is outside the store's namespace '${this.namespace}'`);
    const rest = key.slice(this.namespace.length);
    const slash = rest.indexOf('/');
    const category = slash < 0 ? rest : rest.slice(0, slash);
    const id = slash < 0 ? '' : rest.slice(slash + 1);
    if (category === '' || category === '.' || category === '..') throw invalid(`Key '${key}' names no category`);
    const categoryNode = zkChild(this.root, encodeURIComponent(category));
    if (id === '') return { category, id, dir: this.root, node: categoryNode };
    const dir = zkChild(categoryNode, zkBucket(id.split('/')[0] as string));
    return { category, id, dir, node: zkChild(dir, encodeURIComponent(id)) };
  }

  private encode(key: string, value: unknown): string {
    const text = JSON.stringify(value);
    if (text.length > MAX_NODE_BYTES) throw new CoreError('INVALID', `Value for '${key}' is ${text.length} bytes, over ZooKeeper's node limit of ${MAX_NODE_BYTES}`);
    return text;
  }

  /**
   * writable is a session to write through, refused while disconnected: a request sent then waits in the client for a
   * reconnect, and a write that times out there may still be committed later. Refusing up front keeps an unacknowledged
   * change an unapplied one (ZooKeeper cannot promise that for a write already sent when the connection drops).
   */
  private async writable(): Promise<ZkSession> {
    const s = await this.sessions.live();
    if (s.state() !== 'connected') throw new CoreError('UNAVAILABLE', 'ZooKeeper is unavailable: the session is disconnected');
    return s;
  }

  /**
   * write runs an idempotent write (every write here sets whole values and deletes only what it saw), and runs it again
   * when the connection dropped under it but the session came back: a connection loss leaves the outcome unknown, and
   * writing the same values again settles it. A session that expires instead fails the write.
   */
  private write(fn: (s: ZkSession) => Promise<void>): Promise<void> {
    const run = this.writes.then(() => this.retrying(() => this.writable(), fn));
    this.writes = run.catch(() => undefined);
    return run;
  }

  /** read is `write` for reads, which may be sent while disconnected (the client holds them until it reconnects). */
  private read<T>(fn: (s: ZkSession) => Promise<T>): Promise<T> {
    return this.retrying(() => this.sessions.live(), fn);
  }

  private retrying<T>(session: () => Promise<ZkSession>, fn: (s: ZkSession) => Promise<T>): Promise<T> {
    return unavailable(async () => {
      for (let attempt = 1; ; attempt++) {
        const s = await session();
        try {
          return await fn(s);
        } catch (err) {
          if (attempt >= WRITE_ATTEMPTS || !isConnectionLoss(err) || !(await reconnected(s))) throw err;
        }
      }
    });
  }

  async get<T>(key: string): Promise<T | undefined> {
    const { node } = this.locate(key);
    const data = await this.read((z) => z.getData(node));
    return data === undefined || data === '' ? undefined : (JSON.parse(data) as T);
  }

  async put(key: string, value: unknown): Promise<void> {
    const text = this.encode(key, value);
    const { node } = this.locate(key);
    await this.write((z) => z.putData(node, text));
  }

  async delete(key: string): Promise<void> {
    const { node } = this.locate(key);
    await this.write((z) => z.remove(node));
  }

  list(prefix: string): Promise<string[]> {
    return this.read((z) => this.listKeys(z, prefix));
  }

  private async listKeys(s: ZkSession, prefix: string): Promise<string[]> {
    if (!prefix.endsWith('/')) throw invalid(`List prefix '${prefix}' must end in '/'`);
    const { category, id: idPrefix } = this.locate(`${prefix}x`);
    const want = idPrefix.slice(0, -1);
    const categoryNode = zkChild(this.root, encodeURIComponent(category));
    const buckets = want.includes('/') ? [zkBucket(want.split('/')[0] as string)] : Array.from({ length: BUCKETS }, (_, i) => i.toString(16));
    const keys: string[] = [];
    await Promise.all(
      buckets.map(async (bucket) => {
        let children: string[];
        try {
          children = await s.getChildren(zkChild(categoryNode, bucket));
        } catch (err) {
          if (isNoNode(err)) return;
          throw err;
        }
        for (const child of children) {
          const id = decodeURIComponent(child);
          if (id.startsWith(want)) keys.push(`${this.namespace}${category}/${id}`);
        }
      }),
    );
    return keys.sort();
  }

  async batch(ops: Array<{ put: string; value: unknown } | { delete: string }>): Promise<void> {
    const located = ops.map((op) => ('put' in op ? { op, at: this.locate(op.put), data: this.encode(op.put, op.value) } : { op, at: this.locate(op.delete), data: '' }));
    await this.write((z) => this.commit(z, located));
  }

  private async commit(s: ZkSession, located: Array<{ op: { put: string; value: unknown } | { delete: string }; at: { dir: string; node: string }; data: string }>): Promise<void> {
    for (const dir of new Set(located.map((l) => l.at.dir))) {
      if (this.dirs.has(dir)) continue;
      await s.ensurePath(dir);
      this.dirs.add(dir);
    }
    // A multi fails as a whole on a create of an existing node or a delete of a missing one, so ask first; only the
    // leading Marathon writes, and its writes run one at a time (`writes`), so nothing changes the answer in between.
    const present = await Promise.all(located.map((l) => s.exists(l.at.node)));
    const zkOps: ZkOp[] = [];
    located.forEach((l, i) => {
      if ('put' in l.op) zkOps.push(present[i] ? { set: l.at.node, data: l.data } : { create: l.at.node, data: l.data });
      else if (present[i]) zkOps.push({ remove: l.at.node });
    });
    await s.multi(zkOps);
  }

  /** close ends the store's session. */
  close(): void {
    this.sessions.close();
  }
}

/** unavailable reports ZooKeeper's own failures (no quorum, connection loss) as the store being unavailable. */
async function unavailable<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CoreError) throw err;
    throw new CoreError('UNAVAILABLE', `ZooKeeper is unavailable: ${(err as Error).message}`);
  }
}

/** reconnected waits for a session to leave `disconnected`: true once connected again, false once expired. */
function reconnected(s: ZkSession): Promise<boolean> {
  if (s.state() !== 'disconnected') return Promise.resolve(s.state() === 'connected');
  return new Promise((resolve) => {
    const sub = s.onState((state) => {
      if (state === 'disconnected') return;
      void sub.dispose();
      resolve(state === 'connected');
    });
  });
}

function isConnectionLoss(err: unknown): boolean {
  // node-zookeeper-client's Exception carries the code; -4 is CONNECTION_LOSS.
  return typeof err === 'object' && err !== null && 'code' in err && (err as { code: unknown }).code === -4;
}

function isNoNode(err: unknown): boolean {
  // node-zookeeper-client's Exception carries the code; -101 is NO_NODE.
  return typeof err === 'object' && err !== null && 'code' in err && (err as { code: unknown }).code === -101;
}
