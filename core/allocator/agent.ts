import type { Resources } from '../common/resources.js';
import { breakdownOf, hasRefinedReservations, isReserved, isRevocable, isShared, reservationsByRole } from './resourceKinds.js';
import type { ScalarBreakdown } from './resourceKinds.js';
import type { ResourceQuantities } from './resourceQuantities.js';
import type { OfferFilter } from './offerFilter.js';
import type { Sorter } from './sorter.js';

/** AllocatableEntry is what an agent can offer to one role right now, with its quantities worked out once. */
export interface AllocatableEntry {
  /** resources is unreserved plus reserved-to-the-role (or its ancestors), without allocation info. */
  readonly resources: Resources;
  readonly breakdown: ScalarBreakdown;
}

/**
 * Agent is the allocator's view of one agent (Mesos's allocator-side `Slave`): its total, what is still
 * available, and what each framework holds on it per role. "Held" means offered or allocated: the
 * allocator does not distinguish an outstanding offer from a running task, the master does.
 *
 * It also keeps the per-role answer to "what could be offered to this role" until the agent changes,
 * because the allocator asks that question for every framework it considers on every cycle.
 */
export class Agent {
  active = true;
  total!: Resources;
  /** available is total minus everything held, without allocation info. */
  available!: Resources;
  totalBreakdown!: ScalarBreakdown;
  /** availableUnreserved is the unreserved non-revocable scalar part of `available` (quota headroom). */
  availableUnreserved!: ResourceQuantities;
  /** reservations are the reserved scalar quantities of `total` by reservation role. */
  reservations = new Map<string, ResourceQuantities>();
  hasReservations = false;
  /** hasGpus keeps GPU agents for GPU-capable frameworks (Mesos `--filter_gpu_resources`). */
  hasGpus = false;
  /** needsStripping says some resources need a framework capability (revocable, shared, refined). */
  needsStripping = false;
  /** held maps framework id to role to the resources held, without allocation info. */
  readonly held = new Map<string, Map<string, Resources>>();
  /** filters maps role to framework id to that framework's live filter(s) naming this agent. */
  readonly filters = new Map<string, Map<string, OfferFilter | OfferFilter[]>>();
  private readonly allocatable = new Map<string, AllocatableEntry>();
  private unreservedEntry: AllocatableEntry | undefined;
  /**
   * filterEpoch increases whenever a filter on this agent goes away, which is the only filter change that
   * can turn a refusal into an offer.
   */
  filterEpoch = 0;
  /** refusedAll remembers, per role, that every framework wanting the role refused this offer (see `allRefused`). */
  private readonly refusedAll = new Map<string, { offer: Resources; sorter: Sorter; membership: number; epoch: number }>();
  private verdictOffer: Resources | undefined;
  private readonly verdicts = new Map<OfferFilter, boolean>();

  constructor(
    readonly id: string,
    public hostname: string,
    total: Resources,
  ) {
    this.setTotal(total);
  }

  /** setTotal records a new total and what kinds of resources it has; the caller recomputes `available`. */
  setTotal(total: Resources): void {
    this.total = total;
    this.totalBreakdown = breakdownOf(total);
    this.reservations = reservationsByRole(total);
    let reserved = false;
    let gpus = false;
    let strip = false;
    for (const r of total.list) {
      if (isReserved(r)) reserved = true;
      if (r.name === 'gpus' && r.type === 'SCALAR' && (r.scalar?.value ?? 0) > 0) gpus = true;
      if (isRevocable(r) || isShared(r) || hasRefinedReservations(r)) strip = true;
    }
    this.hasReservations = reserved;
    this.hasGpus = gpus;
    this.needsStripping = strip;
  }

  /** setAvailable replaces `available` (with its breakdown when the caller knows it) and forgets answers computed from the old value. */
  setAvailable(available: Resources, known?: ScalarBreakdown): void {
    this.available = available;
    if (this.allocatable.size > 0) this.allocatable.clear();
    if (this.refusedAll.size > 0) this.refusedAll.clear();
    this.forgetVerdicts();
    const breakdown = known ?? breakdownOf(available);
    this.availableUnreserved = breakdown.unreserved;
    this.unreservedEntry = this.hasReservations ? undefined : { resources: available, breakdown };
  }

  /**
   * allocatableTo is what this agent can offer to `role` now (Mesos `allocatableTo`). Without reservations
   * on the agent it is `available` itself for every role, which saves building a copy per role.
   */
  allocatableTo(role: string): AllocatableEntry {
    if (this.unreservedEntry !== undefined) return this.unreservedEntry;
    let entry = this.allocatable.get(role);
    if (entry === undefined) {
      const resources = this.available.allocatableTo(role);
      entry = { resources, breakdown: breakdownOf(resources) };
      this.allocatable.set(role, entry);
    }
    return entry;
  }

  /**
   * refuses says whether `frameworkId`'s filters for `role` on this agent refuse an offer of `offer`. The
   * allocator asks this for each framework it walks past on each cycle, and `offer` is usually the very
   * object a filter was made from, or the one asked about last time (the agent did not change), so the
   * containment answers are remembered until the offer object changes.
   */
  refuses(byFramework: ReadonlyMap<string, OfferFilter | OfferFilter[]>, frameworkId: string, offer: Resources): boolean {
    const found = byFramework.get(frameworkId);
    if (found === undefined) return false;
    if (!Array.isArray(found)) return this.refusedBy(found, offer);
    for (const filter of found) if (this.refusedBy(filter, offer)) return true;
    return false;
  }

  /**
   * allRefused says whether, last time `offer` was walked past `sorter`'s frameworks for `role`, each of
   * them refused it, with nothing changed since: same offer object, same active frameworks, no filter
   * gone. Then the walk can be skipped, which is what keeps a cycle cheap when filters pile up on agents
   * that nobody wants (Mesos walks every framework on every agent each cycle).
   */
  allRefused(role: string, offer: Resources, sorter: Sorter): boolean {
    const memo = this.refusedAll.get(role);
    return memo !== undefined && memo.offer === offer && memo.sorter === sorter && memo.membership === sorter.membership && memo.epoch === this.filterEpoch;
  }

  /** rememberAllRefused records that every framework of `sorter` refused `offer` for `role`. */
  rememberAllRefused(role: string, offer: Resources, sorter: Sorter): void {
    this.refusedAll.set(role, { offer, sorter, membership: sorter.membership, epoch: this.filterEpoch });
  }

  /** forgetVerdicts drops remembered filter answers (a filter's refused resources changed). */
  forgetVerdicts(): void {
    if (this.verdictOffer === undefined) return;
    this.verdictOffer = undefined;
    this.verdicts.clear();
  }

  private refusedBy(filter: OfferFilter, offer: Resources): boolean {
    const refused = filter.refused.get(this.id);
    if (refused === undefined) return false;
    if (refused === offer) return true;
    if (this.verdictOffer !== offer) {
      this.verdictOffer = offer;
      this.verdicts.clear();
    }
    let verdict = this.verdicts.get(filter);
    if (verdict === undefined) {
      verdict = refused.contains(offer);
      this.verdicts.set(filter, verdict);
    }
    return verdict;
  }

  /** heldBy returns what `frameworkId` holds here for `role`. */
  heldBy(frameworkId: string, role: string): Resources | undefined {
    return this.held.get(frameworkId)?.get(role);
  }
}
