import { Resources } from '../common/resources.js';
import { shuffle } from '../common/rng.js';
import type { Agent } from './agent.js';
import type { AllocatorState } from './allocatorState.js';
import type { Framework } from './framework.js';
import type { Allocation } from './hierarchicalAllocator.js';
import { QuotaHeadroom } from './quotaHeadroom.js';
import { EMPTY_BREAKDOWN, breakdownOf, hasRefinedReservations, isQuotaScalar, isRevocable, isShared } from './resourceKinds.js';
import type { ScalarBreakdown } from './resourceKinds.js';
import type { ResourceQuantities } from './resourceQuantities.js';
import type { RoleNode } from './roleTree.js';
import { shrinkResources } from './shrinkResources.js';

interface PendingOffer {
  readonly frameworkId: string;
  readonly agentId: string;
  readonly role: string;
  resources: Resources;
  breakdown: ScalarBreakdown;
  /** nextOnAgent links the offers made on the same agent this cycle (usually there is one). */
  readonly nextOnAgent: PendingOffer | undefined;
}

/** offerTo finds the offer made to `frameworkId` in an agent's list, if any. */
function offerTo(head: PendingOffer | undefined, frameworkId: string): PendingOffer | undefined {
  for (let p = head; p !== undefined; p = p.nextOnAgent) if (p.frameworkId === frameworkId) return p;
  return undefined;
}

interface Candidate {
  readonly resources: Resources;
  readonly breakdown: ScalarBreakdown;
}

/**
 * runAllocationCycle performs one Mesos allocation cycle over `state` and returns the offers to make.
 * Filters that are due at `now` expire first. The resources offered are booked as held at once, so the
 * same resources are never offered twice, and an agent never offers more than it has available.
 */
export function runAllocationCycle(state: AllocatorState, now: number, agentIds?: ReadonlySet<string>): Allocation[] {
  state.expireFilters(now);
  return new AllocationCycle(state, agentIds).run();
}

/**
 * AllocationCycle is one run of Mesos's two-stage loop (`HierarchicalAllocatorProcess::__generateOffers`):
 *
 *   stage 1: for each agent, roles in DRF order, frameworks in DRF order: give roles below their quota
 *            guarantee what brings them towards it (plus, within limits and headroom, the rest);
 *   stage 2: for each agent (reshuffled), the same order: give every role its fair share, keeping back
 *            enough unreserved resources that the guarantees still unmet stay satisfiable (headroom),
 *            and never beyond a role's quota limits.
 *
 * Every framework considered is offered everything the agent can give its role, so an agent usually
 * goes to a single framework per cycle. As in Mesos the order is taken once per agent: what is offered on
 * an agent is booked in the sorters only after that agent is done (`flush`), which also means the sorter
 * is never changed while it is being walked.
 */
class AllocationCycle {
  /** offers maps agent id to the newest offer made on it this cycle (older ones follow `nextOnAgent`). */
  private readonly offers = new Map<string, PendingOffer>();
  private readonly ordered: PendingOffer[] = [];
  /** bookings are the sorter charges of the current agent, flat: framework id, role, quantities, ... */
  private readonly bookings: Array<string | ResourceQuantities> = [];
  private readonly headroom: QuotaHeadroom | undefined;
  private readonly noMinimum: boolean;

  constructor(
    private readonly state: AllocatorState,
    private readonly agentIds?: ReadonlySet<string>,
  ) {
    this.headroom = state.roleTree.quotaRoots().length > 0 ? new QuotaHeadroom(state) : undefined;
    this.noMinimum = state.options.minCpusMilli <= 0 && state.options.minMemMilli <= 0;
  }

  run(): Allocation[] {
    const { state } = this;
    if (state.roleSorter.count() === 0) return [];
    const only = this.agentIds;
    let agents = state.allAgents().filter((a) => a.active && (only === undefined || only.has(a.id)));
    if (agents.length === 0) return [];
    const shuffling = state.options.shuffleAgents;
    if (shuffling) agents = shuffle(agents, state.options.rng);

    if (this.anyRoleBelowGuarantee()) {
      for (const agent of agents) {
        this.visitAgent(agent, 1);
        this.flush();
      }
      // Stage 1 favours the front of the list; reshuffle so stage 2 spreads out (as Mesos does).
      if (shuffling) agents = shuffle(agents, state.options.rng);
    }
    for (const agent of agents) {
      this.visitAgent(agent, 2);
      this.flush();
    }
    return this.build();
  }

  /** anyRoleBelowGuarantee says whether stage 1 has anything to do. */
  private anyRoleBelowGuarantee(): boolean {
    if (this.headroom === undefined) return false;
    for (const role of this.state.frameworkSorters.keys()) {
      const node = this.state.roleTree.get(role);
      if (node !== undefined && !node.guarantees.isEmpty() && !node.unsatisfiedGuarantees().isEmpty()) return true;
    }
    return false;
  }

  private visitAgent(agent: Agent, stage: 1 | 2): void {
    if (agent.available.isEmpty()) return;
    this.state.roleSorter.forEach((role) => {
      if (agent.available.isEmpty()) return false;
      if (stage === 1) {
        const node = this.state.roleTree.get(role);
        if (node === undefined || node.guarantees.isEmpty() || node.frameworks.size === 0) return true;
        this.visitRole(agent, role, node);
      } else {
        this.visitRole(agent, role, undefined);
      }
      return true;
    });
  }

  /** visitRole walks the role's frameworks in DRF order until one takes what the agent has for the role. */
  private visitRole(agent: Agent, role: string, quotaNode: RoleNode | undefined): void {
    const { state } = this;
    const sorter = state.frameworkSorters.get(role);
    if (sorter === undefined) return;
    let entry = agent.allocatableTo(role);
    if (!this.allocatable(entry.resources, entry.breakdown.all)) return;
    if (quotaNode !== undefined && quotaNode.unsatisfiedGuarantees().isEmpty()) return;
    const filters = agent.filters.get(role);
    const limitChain = state.roleTree.limitChain(role);
    // The plain case (no quota involved, nothing to strip) offers the cached entry as it is, so the walk
    // past frameworks that filtered this agent costs a few map lookups each.
    const plain = quotaNode === undefined && limitChain.length === 0 && !this.enforcingHeadroom() && !agent.needsStripping;
    // In the plain case the offer does not depend on the framework, so "everyone refused it" can be
    // remembered across cycles (see `Agent.allRefused`).
    const memoable = plain && !agent.hasGpus && filters !== undefined;
    if (memoable && agent.allRefused(role, entry.resources, sorter)) return;
    let allRefused = memoable;
    let agentOffers = this.offers.get(agent.id);
    let shared: Candidate | undefined | null = null;
    sorter.forEach((frameworkId) => {
      // One offer per agent per framework per cycle: a framework that already has one here for another
      // role waits for the next cycle; for the same role, stage 2 tops up the stage-1 offer.
      const prior = offerTo(agentOffers, frameworkId);
      if (prior !== undefined && prior.role !== role) {
        allRefused = false;
        return true;
      }
      let framework: Framework | undefined;
      if (agent.hasGpus) {
        framework = state.frameworks.get(frameworkId);
        if (framework === undefined) return true;
        if (state.options.filterGpuResources && !framework.capabilities.has('GPU_RESOURCES')) return true;
      }
      let candidate: Candidate | undefined;
      if (agent.needsStripping) {
        framework ??= state.frameworks.get(frameworkId);
        if (framework === undefined) return true;
        candidate = this.candidate(stripIncapable(entry, framework), entry, quotaNode, limitChain);
      } else {
        // Without stripping, the candidate is the same for every framework: work it out once per offer made.
        if (shared === null) shared = plain ? entry : this.candidate(entry, entry, quotaNode, limitChain);
        candidate = shared;
        if (candidate === undefined) {
          allRefused = false;
          return false;
        }
      }
      if (candidate === undefined) return true;
      if (filters !== undefined && agent.refuses(filters, frameworkId, candidate.resources)) return true;
      allRefused = false;
      framework ??= state.frameworks.get(frameworkId);
      if (framework === undefined) return true;
      this.offer(agent, framework, role, candidate);
      agentOffers = this.offers.get(agent.id);
      shared = null;
      // Whatever is left on the agent for this role decides whether the next framework gets a look.
      entry = agent.allocatableTo(role);
      if (!this.allocatable(entry.resources, entry.breakdown.all)) return false;
      return quotaNode === undefined || !quotaNode.unsatisfiedGuarantees().isEmpty();
    });
    if (allRefused) agent.rememberAllRefused(role, entry.resources, sorter);
  }

  /** candidate is what a framework would be offered from `available`, or undefined if nothing worth offering. */
  private candidate(available: Candidate, entry: Candidate, quotaNode: RoleNode | undefined, limitChain: readonly RoleNode[]): Candidate | undefined {
    const c = quotaNode !== undefined ? this.guaranteeCandidate(available, quotaNode, limitChain) : this.fairShareCandidate(available, limitChain);
    if (c === undefined || (c !== entry && !this.allocatable(c.resources, c.breakdown.all))) return undefined;
    return c;
  }

  private enforcingHeadroom(): boolean {
    return this.headroom !== undefined && !this.headroom.required.isEmpty();
  }

  /**
   * fairShareCandidate is stage 2's offer: everything available, except that unreserved scalars are cut
   * to the role's (and its ancestors') quota limits and to the headroom other roles' guarantees need.
   */
  private fairShareCandidate(available: Candidate, limitChain: readonly RoleNode[]): Candidate {
    const headroom = this.headroom;
    const enforceHeadroom = this.enforcingHeadroom();
    if (limitChain.length === 0 && !enforceHeadroom) return available;
    const fixed = available.resources.filter((r) => !isQuotaScalar(r));
    const scalars = available.resources.filter(isQuotaScalar);
    let additional = scalars;
    for (const node of limitChain) additional = shrinkResources(additional, limitRoom(node, undefined), 'unlimited');
    if (enforceHeadroom && headroom !== undefined && !additional.isEmpty()) {
      additional = shrinkResources(additional, headroom.surplus(), 'zero');
    }
    if (additional === scalars) return available;
    const resources = additional.isEmpty() ? fixed : fixed.add(additional);
    return { resources, breakdown: breakdownOf(resources) };
  }

  /**
   * guaranteeCandidate is stage 1's offer: unreserved scalars up to the unmet guarantee, always; plus the
   * role's reservations and non-scalar resources; plus further unreserved scalars within limits and
   * headroom (Mesos lets a role burst past its guarantee here to keep offers whole). Undefined when the
   * agent has nothing that moves the role towards its guarantee.
   */
  private guaranteeCandidate(available: Candidate, node: RoleNode, limitChain: readonly RoleNode[]): Candidate | undefined {
    const scalars = available.resources.filter(isQuotaScalar);
    const towardsGuarantee = shrinkResources(scalars, node.unsatisfiedGuarantees(), 'zero');
    if (towardsGuarantee.isEmpty()) return undefined;
    const fixed = available.resources.filter((r) => !isQuotaScalar(r));
    let additional = towardsGuarantee === scalars ? Resources.empty() : scalars.subtract(towardsGuarantee);
    if (!additional.isEmpty()) {
      const guaranteed = breakdownOf(towardsGuarantee).unreserved;
      for (const n of limitChain) additional = shrinkResources(additional, limitRoom(n, guaranteed), 'unlimited');
      const headroom = this.headroom;
      if (headroom !== undefined && !headroom.required.isEmpty() && !additional.isEmpty()) {
        additional = shrinkResources(additional, headroom.surplus(), 'zero');
      }
    }
    const resources = fixed.add(towardsGuarantee).add(additional);
    return { resources, breakdown: breakdownOf(resources) };
  }

  private allocatable(resources: Resources, scalars: ResourceQuantities): boolean {
    if (resources.isEmpty()) return false;
    if (this.noMinimum) return true;
    const { minCpusMilli, minMemMilli } = this.state.options;
    return scalars.getMilli('cpus') >= minCpusMilli || scalars.getMilli('mem') >= minMemMilli;
  }

  /** offer books `candidate` as held by the framework and queues it for the master. */
  private offer(agent: Agent, framework: Framework, role: string, candidate: Candidate): void {
    const { state } = this;
    this.headroom?.consume(role, candidate.breakdown.unreserved);
    if (candidate.resources === agent.available) state.setAvailable(agent, Resources.empty(), EMPTY_BREAKDOWN);
    else state.setAvailable(agent, agent.available.subtract(candidate.resources));
    state.hold(agent, framework.id, role, candidate.resources, candidate.breakdown, false);
    this.bookings.push(framework.id, role, candidate.breakdown.all);

    const head = this.offers.get(agent.id);
    const prior = offerTo(head, framework.id);
    if (prior === undefined) {
      const pending: PendingOffer = {
        frameworkId: framework.id,
        agentId: agent.id,
        role,
        resources: candidate.resources,
        breakdown: candidate.breakdown,
        nextOnAgent: head,
      };
      this.offers.set(agent.id, pending);
      this.ordered.push(pending);
    } else {
      prior.resources = prior.resources.add(candidate.resources);
      prior.breakdown = {
        all: prior.breakdown.all.plus(candidate.breakdown.all),
        unreserved: prior.breakdown.unreserved.plus(candidate.breakdown.unreserved),
      };
    }
  }

  /** flush books the offers made on the last agent in the sorters (see the class comment). */
  private flush(): void {
    const b = this.bookings;
    for (let i = 0; i < b.length; i += 3) this.state.bookSorters(b[i] as string, b[i + 1] as string, b[i + 2] as ResourceQuantities);
    b.length = 0;
  }

  private build(): Allocation[] {
    const out: Allocation[] = [];
    for (const p of this.ordered) {
      const resources = p.resources.allocate(p.role);
      this.state.offerMemo.set(resources, { role: p.role, resources: p.resources, breakdown: p.breakdown });
      out.push({ frameworkId: p.frameworkId, agentId: p.agentId, role: p.role, resources });
    }
    return out;
  }
}

/**
 * limitRoom is how much more `node` may consume under its quota limits, per limited resource, after
 * `extra` (thousandths; zero or less means none).
 */
function limitRoom(node: RoleNode, extra: ResourceQuantities | undefined): Map<string, number> {
  const room = new Map<string, number>();
  if (node.limits === undefined) return room;
  for (const [name, limit] of node.limits) {
    room.set(name, limit - node.consumedMilli(name) - (extra?.getMilli(name) ?? 0));
  }
  return room;
}

/**
 * stripIncapable drops what the framework cannot handle (Mesos `stripIncapableResources`): shared
 * volumes, revocable resources and refined reservations each need a framework capability.
 */
function stripIncapable(entry: Candidate, framework: Framework): Candidate {
  const shared = framework.capabilities.has('SHARED_RESOURCES');
  const revocable = framework.capabilities.has('REVOCABLE_RESOURCES');
  const refinement = framework.capabilities.has('RESERVATION_REFINEMENT');
  if (shared && revocable && refinement) return entry;
  const resources = entry.resources.filter(
    (r) => (shared || !isShared(r)) && (revocable || !isRevocable(r)) && (refinement || !hasRefinedReservations(r)),
  );
  return resources.equals(entry.resources) ? entry : { resources, breakdown: breakdownOf(resources) };
}
