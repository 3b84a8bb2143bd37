import type { AgentInfo, FrameworkInfo } from '../protocol/mesos/v1.js';
import type { MaintenanceState } from './maintenance.js';

/**
 * RegistryState is what the master must remember across restarts (Mesos's registrar): the agents it
 * admitted, where to find them, and the frameworks it gave ids to. Tasks are not stored: agents report
 * them when they re-register, which is also how Mesos recovers them.
 */
export interface RegistryState {
  agents: Array<{ info: AgentInfo & { id: { value: string } }; ip: string; unreachable?: boolean }>;
  frameworks: Array<FrameworkInfo & { id: { value: string } }>;
  weights: Array<{ role: string; weight: number }>;
  quotas: Array<{ role: string; guarantees: Record<string, number>; limits: Record<string, number> }>;
  /** maintenance is the maintenance schedule and the machines that are down; absent when none was ever posted. */
  maintenance?: MaintenanceState;
}

/**
 * Registry persists `RegistryState`; each mutation resolves only once it is durable, so the master
 * acknowledges an agent or a framework only after the fact survives a crash.
 */
export interface Registry {
  recover(): Promise<RegistryState>;
  putAgent(agent: RegistryState['agents'][number]): Promise<void>;
  removeAgent(agentId: string): Promise<void>;
  putFramework(info: FrameworkInfo & { id: { value: string } }): Promise<void>;
  removeFramework(frameworkId: string): Promise<void>;
  putWeights(weights: RegistryState['weights']): Promise<void>;
  putQuota(quota: RegistryState['quotas'][number]): Promise<void>;
  putMaintenance(state: MaintenanceState): Promise<void>;
}

/** MemoryRegistry keeps the registry in memory, for tests and for `--registry=in_memory` as in Mesos. */
export class MemoryRegistry implements Registry {
  private readonly state: RegistryState = { agents: [], frameworks: [], weights: [], quotas: [] };

  async recover(): Promise<RegistryState> {
    return structuredClone(this.state);
  }
  async putAgent(agent: RegistryState['agents'][number]): Promise<void> {
    this.state.agents = this.state.agents.filter((a) => a.info.id.value !== agent.info.id.value);
    this.state.agents.push(structuredClone(agent));
  }
  async removeAgent(agentId: string): Promise<void> {
    this.state.agents = this.state.agents.filter((a) => a.info.id.value !== agentId);
  }
  async putFramework(info: FrameworkInfo & { id: { value: string } }): Promise<void> {
    this.state.frameworks = this.state.frameworks.filter((f) => f.id.value !== info.id.value);
    this.state.frameworks.push(structuredClone(info));
  }
  async removeFramework(frameworkId: string): Promise<void> {
    this.state.frameworks = this.state.frameworks.filter((f) => f.id.value !== frameworkId);
  }
  async putWeights(weights: RegistryState['weights']): Promise<void> {
    const byRole = new Map(this.state.weights.map((w) => [w.role, w]));
    for (const w of weights) byRole.set(w.role, { ...w });
    this.state.weights = [...byRole.values()];
  }
  async putQuota(quota: RegistryState['quotas'][number]): Promise<void> {
    this.state.quotas = this.state.quotas.filter((q) => q.role !== quota.role);
    if (Object.keys(quota.guarantees).length + Object.keys(quota.limits).length > 0) this.state.quotas.push(structuredClone(quota));
  }
  async putMaintenance(state: MaintenanceState): Promise<void> {
    this.state.maintenance = structuredClone(state);
  }
}
