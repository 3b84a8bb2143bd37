import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MaintenanceState } from '../master/maintenance.js';
import type { Registry, RegistryState } from '../master/registry.js';
import type { FrameworkInfo } from '../protocol/mesos/v1.js';

/**
 * SqliteRegistry is the standalone master's durable registry: one SQLite file under `--work_dir`
 * (`<work_dir>/master/registry.db`), in WAL mode with synchronous commits, so an admitted agent or
 * framework id survives `kill -9`.
 */
export class SqliteRegistry implements Registry {
  private readonly db: Database.Database;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS entries (kind TEXT NOT NULL, id TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, id))`);
  }

  async recover(): Promise<RegistryState> {
    const rows = this.db.prepare('SELECT kind, value FROM entries ORDER BY kind, id').all() as Array<{ kind: string; value: string }>;
    const state: RegistryState = { agents: [], frameworks: [], weights: [], quotas: [] };
    for (const row of rows) {
      const value = JSON.parse(row.value) as never;
      if (row.kind === 'agent') state.agents.push(value);
      else if (row.kind === 'framework') state.frameworks.push(value);
      else if (row.kind === 'weight') state.weights.push(value);
      else if (row.kind === 'quota') state.quotas.push(value);
      else if (row.kind === 'maintenance') state.maintenance = value;
    }
    return state;
  }

  async putAgent(agent: RegistryState['agents'][number]): Promise<void> {
    this.put('agent', agent.info.id.value, agent);
  }
  async removeAgent(agentId: string): Promise<void> {
    this.db.prepare('DELETE FROM entries WHERE kind = ? AND id = ?').run('agent', agentId);
  }
  async putFramework(info: FrameworkInfo & { id: { value: string } }): Promise<void> {
    this.put('framework', info.id.value, info);
  }
  async removeFramework(frameworkId: string): Promise<void> {
    this.db.prepare('DELETE FROM entries WHERE kind = ? AND id = ?').run('framework', frameworkId);
  }
  async putWeights(weights: RegistryState['weights']): Promise<void> {
    const tx = this.db.transaction(() => {
      for (const w of weights) this.put('weight', w.role, w);
    });
    tx();
  }
  async putQuota(quota: RegistryState['quotas'][number]): Promise<void> {
    if (Object.keys(quota.guarantees).length + Object.keys(quota.limits).length === 0) {
      this.db.prepare('DELETE FROM entries WHERE kind = ? AND id = ?').run('quota', quota.role);
    } else this.put('quota', quota.role, quota);
  }

  async putMaintenance(state: MaintenanceState): Promise<void> {
    this.put('maintenance', 'state', state);
  }

  close(): void {
    this.db.close();
  }

  private put(kind: string, id: string, value: unknown): void {
    this.db.prepare('INSERT INTO entries (kind, id, value) VALUES (?, ?, ?) ON CONFLICT(kind, id) DO UPDATE SET value = excluded.value').run(kind, id, JSON.stringify(value));
  }
}
