import type { MaintenanceState } from '../master/maintenance.js';
import type { Registry, RegistryState } from '../master/registry.js';
import { mapBounded } from '../common/concurrency.js';
import { SessionKeeper } from './sessionKeeper.js';
import { zkChild } from './zkUrl.js';
import type { ZkSession } from './zkSession.js';

/** RECOVERY_READS is how many registry reads recovery keeps in flight. */
const RECOVERY_READS = 256;
/**
 * MAX_WRITES is how many registry writes are handed to the ZooKeeper client at once; later ones wait their turn, in
 * order. node-zookeeper-client sends every request it holds and handles every answer that arrives in the same turn of
 * the master's main thread, where it also pings: with 10,000 agents registering, a queue of about 10,000 writes took
 * 2.5 s in one turn, near the 4 s session timeout that ends a leader (bench/results/masterFailover.md).
 */
export const MAX_WRITES = 64;

/**
 * ZkRegistry keeps the master's registry in ZooKeeper under `<path>/registry`: one znode per agent, framework and
 * quota role, and one for the weights, so no node nears ZooKeeper's 1 MB limit. Every write is a ZooKeeper write,
 * committed by a quorum of the ensemble before it resolves; without a quorum it fails, and the master acts on
 * nothing it could not make durable. Names avoid `x_<digits>`, which Mesos's group readers would take for members.
 */
export class ZkRegistry implements Registry {
  private readonly sessions: SessionKeeper;
  private writing = 0;
  /** waiting are writes queued for a slot, oldest first; a finishing write hands its slot to the head. */
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly path: string,
    newSession: () => Promise<ZkSession>,
  ) {
    this.sessions = new SessionKeeper(newSession);
  }

  private get root(): string {
    return zkChild(this.path, 'registry');
  }

  private live(): Promise<ZkSession> {
    return this.sessions.live();
  }

  async recover(): Promise<RegistryState> {
    const s = await this.live();
    const state: RegistryState = { agents: [], frameworks: [], weights: [], quotas: [] };
    for (const kind of ['agents', 'frameworks', 'quotas'] as const) {
      const dir = zkChild(this.root, kind);
      await s.ensurePath(dir);
      // Reads are pipelined on the session (a bounded number in flight): after a failover the new leader reads every
      // agent's node before it serves, and one round trip at a time would cost seconds at a thousand agents.
      const children = (await s.getChildren(dir)).sort();
      for (const data of await mapBounded(children, RECOVERY_READS, (child) => s.getData(zkChild(dir, child)))) {
        if (data) (state[kind] as unknown[]).push(JSON.parse(data));
      }
    }
    const weights = await s.getData(zkChild(this.root, 'weights'));
    if (weights) state.weights = JSON.parse(weights) as RegistryState['weights'];
    const maintenance = await s.getData(zkChild(this.root, 'maintenance'));
    if (maintenance) state.maintenance = JSON.parse(maintenance) as MaintenanceState;
    return state;
  }

  /** bounded runs a write once fewer than MAX_WRITES are in flight, in the order the writes were asked for. */
  private async bounded(write: () => Promise<void>): Promise<void> {
    if (this.writing >= MAX_WRITES) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.writing++;
    try {
      await write();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.writing--;
    }
  }

  private put(kind: string, id: string, value: unknown): Promise<void> {
    const data = JSON.stringify(value);
    return this.bounded(async () => (await this.live()).putData(zkChild(zkChild(this.root, kind), encodeURIComponent(id)), data));
  }

  private drop(kind: string, id: string): Promise<void> {
    return this.bounded(async () => (await this.live()).remove(zkChild(zkChild(this.root, kind), encodeURIComponent(id))));
  }

  putAgent(agent: RegistryState['agents'][number]): Promise<void> {
    return this.put('agents', agent.info.id.value, agent);
  }
  removeAgent(agentId: string): Promise<void> {
    return this.drop('agents', agentId);
  }
  putFramework(info: RegistryState['frameworks'][number]): Promise<void> {
    return this.put('frameworks', info.id.value, info);
  }
  removeFramework(frameworkId: string): Promise<void> {
    return this.drop('frameworks', frameworkId);
  }
  async putWeights(weights: RegistryState['weights']): Promise<void> {
    await this.bounded(() => this.writeWeights(weights));
  }
  private async writeWeights(weights: RegistryState['weights']): Promise<void> {
    const s = await this.live();
    const path = zkChild(this.root, 'weights');
    const current = JSON.parse((await s.getData(path)) || '[]') as RegistryState['weights'];
    const byRole = new Map(current.map((w) => [w.role, w]));
    for (const w of weights) byRole.set(w.role, w);
    await s.putData(path, JSON.stringify([...byRole.values()]));
  }
  async putQuota(quota: RegistryState['quotas'][number]): Promise<void> {
    if (Object.keys(quota.guarantees).length + Object.keys(quota.limits).length === 0) return this.drop('quotas', quota.role);
    return this.put('quotas', quota.role, quota);
  }

  /** putMaintenance writes the schedule and the down machines as one node, so they change together. */
  async putMaintenance(state: MaintenanceState): Promise<void> {
    const data = JSON.stringify(state);
    await this.bounded(async () => (await this.live()).putData(zkChild(this.root, 'maintenance'), data));
  }

  /** close ends the registry's session. */
  close(): void {
    this.sessions.close();
  }
}
