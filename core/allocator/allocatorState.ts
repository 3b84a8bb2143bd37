import { Resources } from '../common/resources.js';
import type { Rng } from '../common/rng.js';
import type { Agent } from './agent.js';
import { FilterExpiryQueue } from './filterExpiryQueue.js';
import type { Framework } from './framework.js';
import { OfferFilter } from './offerFilter.js';
import type { ScalarBreakdown } from './resourceKinds.js';
import { ResourceQuantities } from './resourceQuantities.js';
import { RoleTree } from './roleTree.js';
import { createSorter } from './sorter.js';
import type { Sorter, SorterKind } from './sorter.js';
import { SorterTotal } from './sorterTotal.js';

/** ResolvedOptions are the allocator options with defaults filled in and units normalised. */
export interface ResolvedOptions {
  readonly sorter: SorterKind;
  readonly rng: Rng;
  readonly shuffleAgents: boolean;
  /** minCpusMilli and minMemMilli: an offer must have at least one of them (Mesos `--min_allocatable_resources`). */
  readonly minCpusMilli: number;
  readonly minMemMilli: number;
  readonly fairnessExcludeResourceNames: readonly string[];
  readonly allocationIntervalMs: number;
  readonly filterGpuResources: boolean;
}

/**
 * OfferMemo remembers, for an `Allocation.resources` object handed to the master, its role and the
 * unallocated resources and quantities behind it, so recovering exactly that object (a decline, a
 * rescind) costs no resource arithmetic.
 */
export interface OfferMemo {
  readonly role: string;
  readonly resources: Resources;
  readonly breakdown: ScalarBreakdown;
}

/**
 * AllocatorState is the allocator's bookkeeping, shared by the public `HierarchicalAllocator` (events) and
 * `runAllocationCycle` (decisions): agents, frameworks, the role tree, the sorters and the offer filters,
 * kept consistent by the few methods here. Everything is incremental: booking or releasing resources
 * updates per-role and per-framework quantities in place, so a cycle never recomputes them from scratch.
 */
export class AllocatorState {
  readonly agents = new Map<string, Agent>();
  readonly frameworks = new Map<string, Framework>();
  readonly roleTree = new RoleTree();
  /** total is the scalar total of all agents, the denominator of every DRF share. */
  readonly total = new SorterTotal();
  /** availableUnreserved sums `Agent.availableUnreserved`: the quota headroom actually on hand. */
  readonly availableUnreserved = new ResourceQuantities();
  readonly roleSorter: Sorter;
  readonly frameworkSorters = new Map<string, Sorter>();
  readonly filterQueue = new FilterExpiryQueue();
  readonly offerMemo = new WeakMap<Resources, OfferMemo>();
  /** orphans maps a framework not (yet) added to the agents that report it holding resources. */
  readonly orphans = new Map<string, Set<string>>();
  private agentList: Agent[] | undefined;

  constructor(readonly options: ResolvedOptions) {
    this.roleSorter = this.newSorter(true);
  }

  /** allAgents lists the agents in the order they were added (cached until one is added or removed). */
  allAgents(): readonly Agent[] {
    this.agentList ??= [...this.agents.values()];
    return this.agentList;
  }

  /** agentsChanged drops the cached agent list. */
  agentsChanged(): void {
    this.agentList = undefined;
  }

  /** setAvailable changes what an agent has available and keeps the cluster headroom sum in step. */
  setAvailable(agent: Agent, available: Resources, known?: ScalarBreakdown): void {
    if (agent.availableUnreserved !== undefined) this.availableUnreserved.subtract(agent.availableUnreserved);
    agent.setAvailable(available, known);
    this.availableUnreserved.add(agent.availableUnreserved);
  }

  /**
   * hold records that `frameworkId` now holds `resources` (unallocated form) for `role` on `agent`. For a
   * framework the allocator knows, the role tree is charged at once and the sorters too unless
   * `bookSorters` is false (the allocation cycle books them after each agent, see `runAllocationCycle`).
   * Resources of a framework not yet added are remembered but charged only when it is added, as in Mesos.
   */
  hold(agent: Agent, frameworkId: string, role: string, resources: Resources, breakdown: ScalarBreakdown, bookSorters: boolean): void {
    let byRole = agent.held.get(frameworkId);
    if (byRole === undefined) {
      byRole = new Map();
      agent.held.set(frameworkId, byRole);
    }
    const previous = byRole.get(role);
    byRole.set(role, previous === undefined ? resources : previous.add(resources));
    const framework = this.frameworks.get(frameworkId);
    if (framework === undefined) {
      let agents = this.orphans.get(frameworkId);
      if (agents === undefined) {
        agents = new Set();
        this.orphans.set(frameworkId, agents);
      }
      agents.add(agent.id);
      return;
    }
    if (previous === undefined) framework.heldRoles.set(role, (framework.heldRoles.get(role) ?? 0) + 1);
    framework.agents.add(agent.id);
    this.charge(framework, role, breakdown, bookSorters);
  }

  /** charge books resources held by a known framework in the role tree and (optionally) the sorters. */
  charge(framework: Framework, role: string, breakdown: ScalarBreakdown, bookSorters: boolean): void {
    this.trackFrameworkUnderRole(framework, role);
    this.roleTree.addUnreservedAllocated(role, breakdown.unreserved);
    if (bookSorters) this.bookSorters(framework.id, role, breakdown.all);
  }

  /** bookSorters charges `quantities` to `role` in the role sorter and to the framework in the role's sorter. */
  bookSorters(frameworkId: string, role: string, quantities: ResourceQuantities): void {
    if (quantities.isEmpty()) return;
    this.roleSorter.allocated(role, quantities);
    this.frameworkSorters.get(role)?.allocated(frameworkId, quantities);
  }

  /**
   * release undoes `hold` for `resources`, which the caller has checked are held. It does not touch
   * `available`; the caller decides where the resources go.
   */
  release(agent: Agent, frameworkId: string, role: string, resources: Resources, breakdown: ScalarBreakdown): void {
    const byRole = agent.held.get(frameworkId);
    const previous = byRole?.get(role);
    if (byRole === undefined || previous === undefined) return;
    const rest = previous === resources ? Resources.empty() : previous.subtract(resources);
    const roleGone = rest.isEmpty();
    if (roleGone) byRole.delete(role);
    else byRole.set(role, rest);
    if (byRole.size === 0) agent.held.delete(frameworkId);
    const framework = this.frameworks.get(frameworkId);
    if (framework === undefined) {
      if (!agent.held.has(frameworkId)) this.forgetOrphan(frameworkId, agent.id);
      return;
    }
    if (roleGone) {
      const n = (framework.heldRoles.get(role) ?? 1) - 1;
      if (n > 0) framework.heldRoles.set(role, n);
      else framework.heldRoles.delete(role);
    }
    if (!agent.held.has(frameworkId)) framework.agents.delete(agent.id);
    this.roleTree.removeUnreservedAllocated(role, breakdown.unreserved);
    if (!breakdown.all.isEmpty()) {
      if (this.roleSorter.contains(role)) this.roleSorter.unallocated(role, breakdown.all);
      const sorter = this.frameworkSorters.get(role);
      if (sorter?.contains(frameworkId)) sorter.unallocated(frameworkId, breakdown.all);
    }
    if (!framework.roles.has(role)) this.tryUntrackFrameworkUnderRole(framework, role);
  }

  /** forgetOrphan drops `agentId` from the agents holding resources of the unknown `frameworkId`. */
  forgetOrphan(frameworkId: string, agentId: string): void {
    const agents = this.orphans.get(frameworkId);
    agents?.delete(agentId);
    if (agents?.size === 0) this.orphans.delete(frameworkId);
  }

  /**
   * trackFrameworkUnderRole puts the framework into the role's sorter (creating the sorter, and adding the
   * role to the role sorter, for the role's first framework), as Mesos does when a framework subscribes
   * to a role or still holds resources of it.
   */
  trackFrameworkUnderRole(framework: Framework, role: string): void {
    let sorter = this.frameworkSorters.get(role);
    if (sorter === undefined) {
      this.roleSorter.add(role);
      this.roleSorter.activate(role);
      sorter = this.newSorter(false);
      this.frameworkSorters.set(role, sorter);
    }
    if (sorter.contains(framework.id)) return;
    this.roleTree.trackFramework(role, framework.id);
    sorter.add(framework.id);
    if (framework.wantsOffers(role)) sorter.activate(framework.id);
  }

  /** tryUntrackFrameworkUnderRole takes the framework out of the role unless it still holds resources there. */
  tryUntrackFrameworkUnderRole(framework: Framework, role: string): boolean {
    if (framework.holds(role)) return false;
    const sorter = this.frameworkSorters.get(role);
    if (sorter === undefined || !sorter.contains(framework.id)) return true;
    sorter.remove(framework.id);
    this.roleTree.untrackFramework(role, framework.id);
    if (sorter.count() === 0) {
      this.roleSorter.remove(role);
      this.frameworkSorters.delete(role);
    }
    return true;
  }

  /** syncActivity makes the role's framework sorter agree with `Framework.wantsOffers(role)`. */
  syncActivity(framework: Framework, role: string): void {
    const sorter = this.frameworkSorters.get(role);
    if (sorter === undefined || !sorter.contains(framework.id)) return;
    if (framework.wantsOffers(role)) sorter.activate(framework.id);
    else sorter.deactivate(framework.id);
  }

  /**
   * addFilter installs a refusal by `framework` of `refused` for `role` on `agent` until `expiresAt`,
   * joining the framework's filter with the same role and expiry if there is one.
   */
  addFilter(framework: Framework, agent: Agent, role: string, refused: Resources, expiresAt: number): void {
    let filter = framework.lastFilter;
    if (filter === undefined || filter.role !== role || filter.expiresAt !== expiresAt || filter.heapIndex < 0) {
      const key = OfferFilter.key(role, expiresAt);
      filter = framework.filters.get(key);
      if (filter === undefined) {
        filter = new OfferFilter(framework.id, role, expiresAt);
        framework.filters.set(key, filter);
        this.filterQueue.push(filter);
      }
      framework.lastFilter = filter;
    }
    const previous = filter.refused.get(agent.id);
    if (previous !== undefined) {
      // Two refusals at the same instant on the same agent refuse their union.
      filter.refused.set(agent.id, previous.add(refused));
      agent.forgetVerdicts();
      agent.filterEpoch++;
      return;
    }
    filter.refused.set(agent.id, refused);
    let byFramework = agent.filters.get(role);
    if (byFramework === undefined) {
      byFramework = new Map();
      agent.filters.set(role, byFramework);
    }
    const existing = byFramework.get(framework.id);
    if (existing === undefined) byFramework.set(framework.id, filter);
    else if (Array.isArray(existing)) existing.push(filter);
    else byFramework.set(framework.id, [existing, filter]);
  }

  /** clearFilters drops the framework's filters, for the given roles or all of them. */
  clearFilters(framework: Framework, roles?: ReadonlySet<string>): void {
    for (const filter of [...framework.filters.values()]) {
      if (roles === undefined || roles.has(filter.role)) this.dropFilter(filter);
    }
  }

  /** clearAgentFilters drops every filter's hold on `agent` (the agent is going away). */
  clearAgentFilters(agent: Agent): void {
    for (const byFramework of agent.filters.values()) {
      for (const found of byFramework.values()) {
        for (const filter of Array.isArray(found) ? found : [found]) {
          agent.filterEpoch++;
          filter.refused.delete(agent.id);
          if (filter.refused.size === 0) this.forgetFilter(filter);
        }
      }
    }
    agent.filters.clear();
  }

  /** expireFilters drops every filter whose time is up at `now`. */
  expireFilters(now: number): void {
    for (const filter of this.filterQueue.popExpired(now)) this.dropFilter(filter);
  }

  /** dropFilter removes a filter from every agent it names, its framework and the expiry queue. */
  private dropFilter(filter: OfferFilter): void {
    for (const agentId of filter.refused.keys()) {
      const agent = this.agents.get(agentId);
      const byFramework = agent?.filters.get(filter.role);
      const found = byFramework?.get(filter.frameworkId);
      if (agent === undefined || byFramework === undefined || found === undefined) continue;
      agent.filterEpoch++;
      if (found === filter) {
        byFramework.delete(filter.frameworkId);
      } else if (Array.isArray(found)) {
        const rest = found.filter((f) => f !== filter);
        if (rest.length === 0) byFramework.delete(filter.frameworkId);
        else byFramework.set(filter.frameworkId, rest.length === 1 ? (rest[0] as OfferFilter) : rest);
      }
      if (byFramework.size === 0) agent.filters.delete(filter.role);
    }
    this.forgetFilter(filter);
  }

  private forgetFilter(filter: OfferFilter): void {
    this.filterQueue.remove(filter);
    const framework = this.frameworks.get(filter.frameworkId);
    const key = OfferFilter.key(filter.role, filter.expiresAt);
    if (framework?.filters.get(key) === filter) framework.filters.delete(key);
    if (framework?.lastFilter === filter) framework.lastFilter = undefined;
  }

  private newSorter(hierarchical: boolean): Sorter {
    return createSorter({
      kind: this.options.sorter,
      total: this.total,
      hierarchical,
      rng: this.options.rng,
      fairnessExcludeResourceNames: this.options.fairnessExcludeResourceNames,
    });
  }
}
