import { CoreError, invalid } from '../common/errors.js';
import { Resources } from '../common/resources.js';
import { SeededRng } from '../common/rng.js';
import type { Rng } from '../common/rng.js';
import { validateRole } from '../common/roles.js';
import { toMilli } from '../common/resourceValues.js';
import { Agent } from './agent.js';
import { runAllocationCycle } from './allocationCycle.js';
import { AllocatorState } from './allocatorState.js';
import { Framework } from './framework.js';
import { allocationRole, breakdownOf } from './resourceKinds.js';
import type { ScalarBreakdown } from './resourceKinds.js';
import type { Quota } from './roleTree.js';

/** Allocation is one offer to make: what `frameworkId` gets on `agentId` for `role` (with `allocation_info.role` set). */
export interface Allocation {
  readonly frameworkId: string;
  readonly agentId: string;
  readonly role: string;
  readonly resources: Resources;
}

/** AllocatorOptions configures a `HierarchicalAllocator`; every field has the Mesos default. */
export interface AllocatorOptions {
  /** sorter orders roles and frameworks: `drf` (default) or `random` (Mesos `--role_sorter`/`--framework_sorter`). */
  sorter?: 'drf' | 'random';
  /** rng shuffles agents each cycle and drives the random sorter; defaults to a fixed seed. */
  rng?: Rng;
  /** minAllocatable: offers need at least this many cpus or this much mem (default cpus 0.01 or mem 32). */
  minAllocatable?: { cpus: number; mem: number };
  /** fairnessExcludeResourceNames are ignored in DRF shares (Mesos `--fair_sharing_excluded_resource_names`). */
  fairnessExcludeResourceNames?: string[];
  /** shuffleAgents visits agents in a fresh random order each cycle as Mesos does (default true); false keeps the order agents were added in. */
  shuffleAgents?: boolean;
  /** allocationInterval (ms, default 1000) is the shortest filter: a refusal outlives at least one cycle (MESOS-4302). */
  allocationInterval?: number;
  /** filterGpuResources offers GPU agents only to GPU-capable frameworks (default true, as Mesos). */
  filterGpuResources?: boolean;
}

/** FrameworkAllocationInfo is the part of a `FrameworkInfo` the allocator uses. */
export interface FrameworkAllocationInfo {
  roles: string[];
  suppressedRoles?: string[];
  /** capabilities are `FrameworkInfo.Capability` types (`GPU_RESOURCES`, `REVOCABLE_RESOURCES`, ...). */
  capabilities?: string[];
}

/** RoleSummary describes one role for GET_ROLES and the console. */
export interface RoleSummary {
  name: string;
  weight: number;
  /** frameworks are the frameworks subscribed to the role or still holding its resources, sorted. */
  frameworks: string[];
  /** allocated is what is offered or allocated to exactly this role, with `allocation_info.role` set. */
  allocated: Resources;
  quota?: { guarantees: Record<string, number>; limits: Record<string, number> };
}

/** MAX_REFUSE_SECONDS caps offer filters at 365 days, as Mesos does. */
const MAX_REFUSE_SECONDS = 365 * 24 * 60 * 60;

/**
 * HierarchicalAllocator decides which framework is offered which agent's resources, following Mesos's
 * hierarchical DRF allocator (`src/master/allocator/mesos/hierarchical.cpp`): roles form a tree and
 * share the cluster by weighted DRF, frameworks share their role by DRF, quota guarantees are met first
 * and quota limits are never exceeded, and frameworks can filter or suppress offers.
 *
 * It is pure: the master reports events (frameworks, agents, resources coming back) and calls
 * `allocate(now)` on its own schedule; the allocator returns the offers to make and never calls out.
 * Time arrives as `now`, randomness from the `Rng`, so the same calls give the same offers.
 *
 * Errors: adding something twice throws `CONFLICT`; naming an unknown framework or agent throws
 * `NOT_FOUND`, except `recoverResources`, which ignores them because the master may recover resources
 * of something it has just removed (as in Mesos); bad input throws `INVALID`.
 */
export class HierarchicalAllocator {
  private readonly state: AllocatorState;

  constructor(options: AllocatorOptions = {}) {
    const min = options.minAllocatable ?? { cpus: 0.01, mem: 32 };
    this.state = new AllocatorState({
      sorter: options.sorter ?? 'drf',
      rng: options.rng ?? new SeededRng(0x5eed),
      shuffleAgents: options.shuffleAgents ?? true,
      minCpusMilli: toMilli(min.cpus),
      minMemMilli: toMilli(min.mem),
      fairnessExcludeResourceNames: options.fairnessExcludeResourceNames ?? [],
      allocationIntervalMs: Math.max(0, options.allocationInterval ?? 1000),
      filterGpuResources: options.filterGpuResources ?? true,
    });
  }

  /**
   * addFramework registers a framework. `used` is what it already holds per agent (after a master
   * failover); agents that reported its resources when they were added are the source of truth for those.
   */
  addFramework(id: string, info: FrameworkAllocationInfo, used: ReadonlyMap<string, Resources>, active: boolean): void {
    const { state } = this;
    if (state.frameworks.has(id)) throw new CoreError('CONFLICT', `framework '${id}' is already added`);
    checkRoles(info.roles);
    const framework = new Framework(id, info.roles, info.suppressedRoles ?? [], info.capabilities ?? [], active);
    const fresh: Array<[Agent, string, Resources]> = [];
    for (const [agentId, resources] of used) {
      const agent = state.agents.get(agentId);
      if (agent === undefined || agent.held.has(id) || resources.isEmpty()) continue;
      for (const [role, part] of splitByAllocationRole(resources, soleRole(framework.roles))) fresh.push([agent, role, part]);
    }
    checkFits(fresh);
    state.frameworks.set(id, framework);
    for (const role of framework.roles) state.trackFrameworkUnderRole(framework, role);
    // Resources the agents reported before the framework was added are charged now.
    for (const agentId of state.orphans.get(id) ?? []) {
      const agent = state.agents.get(agentId);
      for (const [role, held] of agent?.held.get(id) ?? []) {
        framework.heldRoles.set(role, (framework.heldRoles.get(role) ?? 0) + 1);
        framework.agents.add(agentId);
        state.charge(framework, role, breakdownOf(held), true);
      }
    }
    state.orphans.delete(id);
    for (const [agent, role, part] of fresh) {
      state.setAvailable(agent, agent.available.subtract(part));
      state.hold(agent, id, role, part, breakdownOf(part), true);
    }
  }

  /** updateFramework applies new roles, suppressed roles and capabilities (Mesos `UPDATE_FRAMEWORK`). */
  updateFramework(id: string, info: { roles: string[]; suppressedRoles?: string[]; capabilities?: string[] }): void {
    const { state } = this;
    const framework = this.framework(id);
    checkRoles(info.roles);
    const next = new Set(info.roles);
    const oldSuppressed = framework.suppressedRoles;
    for (const role of [...framework.roles]) {
      if (next.has(role)) continue;
      framework.roles.delete(role);
      state.syncActivity(framework, role);
      state.clearFilters(framework, new Set([role]));
      state.tryUntrackFrameworkUnderRole(framework, role);
    }
    framework.suppressedRoles = new Set((info.suppressedRoles ?? []).filter((r) => next.has(r)));
    if (info.capabilities !== undefined) framework.capabilities = new Set(info.capabilities);
    // Unsuppressing a role is a revive: its filters go too.
    const revived = new Set([...oldSuppressed].filter((r) => next.has(r) && !framework.suppressedRoles.has(r)));
    if (revived.size > 0) state.clearFilters(framework, revived);
    for (const role of next) {
      framework.roles.add(role);
      state.trackFrameworkUnderRole(framework, role);
      state.syncActivity(framework, role);
    }
  }

  /** activateFramework lets a (re)connected framework receive offers again for its unsuppressed roles. */
  activateFramework(id: string): void {
    const framework = this.framework(id);
    framework.active = true;
    for (const role of framework.roles) this.state.syncActivity(framework, role);
  }

  /** deactivateFramework stops offers to a disconnected framework; it keeps what it holds, loses its filters. */
  deactivateFramework(id: string): void {
    const framework = this.framework(id);
    framework.active = false;
    for (const role of new Set([...framework.roles, ...framework.heldRoles.keys()])) this.state.syncActivity(framework, role);
    this.state.clearFilters(framework);
  }

  /** removeFramework forgets a framework; everything it held becomes available again. */
  removeFramework(id: string): void {
    const { state } = this;
    const framework = this.framework(id);
    framework.active = false;
    for (const agentId of [...framework.agents]) {
      const agent = state.agents.get(agentId);
      for (const [role, held] of [...(agent?.held.get(id) ?? [])]) {
        if (agent === undefined) continue;
        state.release(agent, id, role, held, breakdownOf(held));
        state.setAvailable(agent, agent.available.isEmpty() ? held : agent.available.add(held));
      }
    }
    state.clearFilters(framework);
    for (const role of [...framework.roles]) {
      framework.roles.delete(role);
      state.tryUntrackFrameworkUnderRole(framework, role);
    }
    state.frameworks.delete(id);
  }

  /**
   * addAgent registers an agent with its total. `used` is what frameworks already hold on it (with
   * `allocation_info`), e.g. after a master failover; it is never offered until recovered.
   */
  addAgent(id: string, info: { hostname: string }, total: Resources, used: ReadonlyMap<string, Resources>): void {
    const { state } = this;
    if (state.agents.has(id)) throw new CoreError('CONFLICT', `agent '${id}' is already added`);
    const parts: Array<[string, string, Resources]> = [];
    let usedSum = Resources.empty();
    for (const [frameworkId, resources] of used) {
      if (resources.isEmpty()) continue;
      const known = state.frameworks.get(frameworkId);
      for (const [role, part] of splitByAllocationRole(resources, known === undefined ? undefined : soleRole(known.roles))) {
        parts.push([frameworkId, role, part]);
        usedSum = usedSum.add(part);
      }
    }
    const agent = new Agent(id, info.hostname, total);
    state.agents.set(id, agent);
    state.agentsChanged();
    state.setAvailable(agent, usedSum.isEmpty() ? total : total.subtract(usedSum));
    state.total.add(agent.totalBreakdown.all);
    for (const [role, q] of agent.reservations) state.roleTree.addReservations(role, q);
    for (const [frameworkId, role, part] of parts) state.hold(agent, frameworkId, role, part, breakdownOf(part), true);
  }

  /** updateAgent sets a new total (reservations changed, agent resized); held resources stay held. */
  updateAgent(id: string, total: Resources): void {
    const { state } = this;
    const agent = this.agent(id);
    if (total.equals(agent.total)) return;
    state.total.subtract(agent.totalBreakdown.all);
    for (const [role, q] of agent.reservations) state.roleTree.removeReservations(role, q);
    agent.setTotal(total);
    state.total.add(agent.totalBreakdown.all);
    for (const [role, q] of agent.reservations) state.roleTree.addReservations(role, q);
    let held = Resources.empty();
    for (const byRole of agent.held.values()) for (const part of byRole.values()) held = held.add(part);
    state.setAvailable(agent, held.isEmpty() ? total : total.subtract(held));
  }

  /** activateAgent makes an agent's resources offerable again. */
  activateAgent(id: string): void {
    this.agent(id).active = true;
  }

  /** deactivateAgent stops offers from an agent (e.g. it is disconnected); what is held stays held. */
  deactivateAgent(id: string): void {
    this.agent(id).active = false;
  }

  /** removeAgent forgets an agent and everything held on it, and the filters that named it. */
  removeAgent(id: string): void {
    const { state } = this;
    const agent = this.agent(id);
    for (const [frameworkId, byRole] of [...agent.held]) {
      for (const [role, held] of [...byRole]) state.release(agent, frameworkId, role, held, breakdownOf(held));
      state.forgetOrphan(frameworkId, id);
    }
    state.clearAgentFilters(agent);
    state.total.subtract(agent.totalBreakdown.all);
    for (const [role, q] of agent.reservations) state.roleTree.removeReservations(role, q);
    state.availableUnreserved.subtract(agent.availableUnreserved);
    state.agents.delete(id);
    state.agentsChanged();
  }

  /**
   * recoverResources takes back resources a framework was offered or allocated (declined, unused part of
   * an accept, task finished, offer rescinded). With `refuseSeconds > 0` the framework also filters this
   * agent for the role: it is not offered resources there that the refused ones contain until the filter
   * expires (capped at 365 days, and never shorter than one allocation interval, as in Mesos).
   * `refuseSeconds` of zero, negative or undefined installs no filter.
   */
  recoverResources(frameworkId: string, agentId: string, resources: Resources, refuseSeconds: number | undefined, now: number): void {
    const { state } = this;
    if (resources.isEmpty()) return;
    const agent = state.agents.get(agentId);
    if (agent === undefined) return;
    const byRole = agent.held.get(frameworkId);
    if (byRole === undefined) {
      if (!state.frameworks.has(frameworkId)) return;
      throw invalid(`framework '${frameworkId}' holds nothing on agent '${agentId}' to recover`);
    }
    const parts: Array<{ role: string; resources: Resources; breakdown: ScalarBreakdown }> = [];
    const memo = state.offerMemo.get(resources);
    if (memo !== undefined) {
      parts.push(memo);
    } else {
      for (const [role, part] of splitByAllocationRole(resources, byRole.size === 1 ? [...byRole.keys()][0] : undefined)) {
        parts.push({ role, resources: part, breakdown: breakdownOf(part) });
      }
    }
    for (const part of parts) {
      const held = byRole.get(part.role);
      if (held === undefined || (held !== part.resources && !held.contains(part.resources))) {
        throw invalid(`framework '${frameworkId}' does not hold ${part.resources.toString()} for role '${part.role}' on agent '${agentId}'`);
      }
    }
    const framework = state.frameworks.get(frameworkId);
    for (const part of parts) {
      state.release(agent, frameworkId, part.role, part.resources, part.breakdown);
      if (agent.available.isEmpty()) state.setAvailable(agent, part.resources, part.breakdown);
      else state.setAvailable(agent, agent.available.add(part.resources));
      if (framework === undefined || refuseSeconds === undefined || !(refuseSeconds > 0)) continue;
      const timeout = Math.max(Math.min(refuseSeconds, MAX_REFUSE_SECONDS) * 1000, state.options.allocationIntervalMs);
      state.addFilter(framework, agent, part.role, part.resources, now + timeout);
    }
  }

  /** suppressOffers stops offers to the framework for `roles` (all its roles when empty or undefined). */
  suppressOffers(frameworkId: string, roles?: string[]): void {
    const framework = this.framework(frameworkId);
    for (const role of targetRoles(framework, roles)) {
      framework.suppressedRoles.add(role);
      this.state.syncActivity(framework, role);
    }
  }

  /** reviveOffers unsuppresses `roles` (all when empty or undefined) and drops the framework's filters for them. */
  reviveOffers(frameworkId: string, roles?: string[]): void {
    const framework = this.framework(frameworkId);
    const target = new Set(targetRoles(framework, roles));
    this.state.clearFilters(framework, target);
    for (const role of target) {
      framework.suppressedRoles.delete(role);
      this.state.syncActivity(framework, role);
    }
  }

  /** updateWeights sets role weights (default 1): a role with weight 2 is entitled to twice the share. */
  updateWeights(weights: ReadonlyArray<{ role: string; weight: number }>): void {
    for (const { role, weight } of weights) {
      checkRoles([role]);
      if (!(weight > 0) || !Number.isFinite(weight)) throw invalid(`weight of role '${role}' must be a positive number`);
    }
    for (const { role, weight } of weights) {
      this.state.roleTree.setWeight(role, weight);
      this.state.roleSorter.updateWeight(role, weight);
    }
  }

  /** updateQuota sets a role's quota; empty guarantees and limits remove it. */
  updateQuota(role: string, quota: { guarantees: Record<string, number>; limits: Record<string, number> }): void {
    checkRoles([role]);
    for (const [name, value] of [...Object.entries(quota.guarantees), ...Object.entries(quota.limits)]) {
      if (!(value >= 0) || !Number.isFinite(value)) throw invalid(`quota of role '${role}' has a bad amount for '${name}'`);
    }
    for (const [name, guarantee] of Object.entries(quota.guarantees)) {
      const limit = quota.limits[name];
      if (limit !== undefined && toMilli(limit) < toMilli(guarantee)) {
        throw invalid(`quota of role '${role}' guarantees more '${name}' than its limit`);
      }
    }
    const empty = Object.keys(quota.guarantees).length === 0 && Object.keys(quota.limits).length === 0;
    const copy: Quota = { guarantees: { ...quota.guarantees }, limits: { ...quota.limits } };
    this.state.roleTree.setQuota(role, empty ? undefined : copy);
  }

  /**
   * allocate runs one allocation cycle at `now` and returns the offers to make. `agentIds` limits the cycle to those
   * agents, as Mesos's event-triggered allocations do (`allocate(slaveId)` after an agent is added or resources on it
   * come back): a thousand agents re-registering after a failover then cost a thousand one-agent cycles, not a thousand
   * cycles over every agent. The periodic cycle visits all agents.
   */
  allocate(now: number, agentIds?: ReadonlySet<string>): Allocation[] {
    return runAllocationCycle(this.state, now, agentIds);
  }

  /** roles describes every known role (subscribed, weighted, with quota, reservations or allocations). */
  roles(): RoleSummary[] {
    const allocated = new Map<string, Resources>();
    for (const agent of this.state.agents.values()) {
      for (const byRole of agent.held.values()) {
        for (const [role, part] of byRole) allocated.set(role, (allocated.get(role) ?? Resources.empty()).add(part));
      }
    }
    const out: RoleSummary[] = [];
    for (const node of this.state.roleTree.roles()) {
      const summary: RoleSummary = {
        name: node.name,
        weight: node.weight,
        frameworks: [...node.frameworks].sort(),
        allocated: (allocated.get(node.name) ?? Resources.empty()).allocate(node.name),
      };
      if (node.quota !== undefined) summary.quota = { guarantees: { ...node.quota.guarantees }, limits: { ...node.quota.limits } };
      out.push(summary);
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** nextFilterExpiry is the earliest time (ms) an offer filter expires, so the master can allocate promptly then. */
  nextFilterExpiry(): number | undefined {
    return this.state.filterQueue.nextExpiry();
  }

  /** available is what an agent has not offered or allocated (for tests and the console); undefined if unknown. */
  available(agentId: string): Resources | undefined {
    return this.state.agents.get(agentId)?.available;
  }

  private framework(id: string): Framework {
    const framework = this.state.frameworks.get(id);
    if (framework === undefined) throw new CoreError('NOT_FOUND', `framework '${id}' is not known to the allocator`);
    return framework;
  }

  private agent(id: string): Agent {
    const agent = this.state.agents.get(id);
    if (agent === undefined) throw new CoreError('NOT_FOUND', `agent '${id}' is not known to the allocator`);
    return agent;
  }
}

function checkRoles(roles: readonly string[]): void {
  for (const role of roles) {
    const error = validateRole(role);
    if (error !== undefined) throw invalid(error);
  }
}

/** checkFits rejects held resources that the agent does not have available. */
function checkFits(parts: ReadonlyArray<readonly [Agent, string, Resources]>): void {
  const need = new Map<Agent, Resources>();
  for (const [agent, , part] of parts) need.set(agent, (need.get(agent) ?? Resources.empty()).add(part));
  for (const [agent, resources] of need) {
    if (!agent.available.contains(resources)) {
      throw invalid(`agent '${agent.id}' does not have ${resources.toString()} available to account as used`);
    }
  }
}

function soleRole(roles: ReadonlySet<string>): string | undefined {
  return roles.size === 1 ? [...roles][0] : undefined;
}

function targetRoles(framework: Framework, roles: readonly string[] | undefined): string[] {
  if (roles === undefined || roles.length === 0) return [...framework.roles];
  return roles.filter((r) => framework.roles.has(r));
}

/**
 * splitByAllocationRole groups `resources` by `allocation_info.role` and strips that info. Resources
 * without one belong to `fallback` (the only role that can be meant); without a fallback they are rejected.
 */
function splitByAllocationRole(resources: Resources, fallback: string | undefined): Array<[string, Resources]> {
  const roles = new Set<string | undefined>();
  for (const r of resources.list) roles.add(allocationRole(r));
  const out: Array<[string, Resources]> = [];
  for (const role of roles) {
    const target = role ?? fallback;
    if (target === undefined) throw invalid(`resources ${resources.toString()} carry no allocation role`);
    const part = roles.size === 1 ? resources : resources.filter((r) => allocationRole(r) === role);
    out.push([target, part.unallocate()]);
  }
  return out;
}
