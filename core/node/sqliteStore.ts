import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Store } from '../coordination/store.js';

/**
 * SqliteStore is the standalone `Store`: one SQLite file in WAL mode with synchronous commits, so a
 * write that resolved survives `kill -9`, and `batch` is one transaction.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly getStmt;
  private readonly putStmt;
  private readonly deleteStmt;
  private readonly listStmt;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec('CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    this.getStmt = this.db.prepare<[string], { value: string }>('SELECT value FROM kv WHERE key = ?');
    this.putStmt = this.db.prepare('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    this.deleteStmt = this.db.prepare('DELETE FROM kv WHERE key = ?');
    this.listStmt = this.db.prepare<[string, string], { key: string }>('SELECT key FROM kv WHERE key >= ? AND key < ? ORDER BY key');
  }

  async get<T>(key: string): Promise<T | undefined> {
    const row = this.getStmt.get(key);
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async put(key: string, value: unknown): Promise<void> {
    this.putStmt.run(key, JSON.stringify(value));
  }

  async delete(key: string): Promise<void> {
    this.deleteStmt.run(key);
  }

  async list(prefix: string): Promise<string[]> {
    // Every key starting with `prefix` sorts between it and the prefix followed by U+FFFF.
    return this.listStmt.all(prefix, `${prefix}\uffff`).map((r) => r.key);
  }

  async batch(ops: Array<{ put: string; value: unknown } | { delete: string }>): Promise<void> {
    this.db.transaction(() => {
      for (const op of ops) {
        if ('put' in op) this.putStmt.run(op.put, JSON.stringify(op.value));
        else this.deleteStmt.run(op.delete);
      }
    })();
  }

  close(): void {
    this.db.close();
  }
}
