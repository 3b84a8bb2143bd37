/**
 * Store is the durable key/value state a framework keeps (Marathon's apps, versions, instances and
 * framework id). Keys are `/`-separated paths; values are JSON. The standalone implementation is
 * SQLite under the work directory; a ZooKeeper implementation takes its place with `--zk`, so the
 * services above never know which one holds their state.
 */
export interface Store {
  get<T>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /** list returns the keys directly or indirectly under `prefix` (which ends in `/`), sorted. */
  list(prefix: string): Promise<string[]>;
  /** batch applies several writes atomically: all or none survive a crash. */
  batch(ops: Array<{ put: string; value: unknown } | { delete: string }>): Promise<void>;
}

/** MemoryStore is a `Store` in memory, for tests and `--internal_store_backend=mem`-style runs. */
export class MemoryStore implements Store {
  private readonly data = new Map<string, string>();

  async get<T>(key: string): Promise<T | undefined> {
    const v = this.data.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }
  async put(key: string, value: unknown): Promise<void> {
    this.data.set(key, JSON.stringify(value));
  }
  async delete(key: string): Promise<void> {
    this.data.delete(key);
  }
  async list(prefix: string): Promise<string[]> {
    return [...this.data.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
  async batch(ops: Array<{ put: string; value: unknown } | { delete: string }>): Promise<void> {
    for (const op of ops) {
      if ('put' in op) this.data.set(op.put, JSON.stringify(op.value));
      else this.data.delete(op.delete);
    }
  }
}
