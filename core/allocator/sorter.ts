import type { Rng } from '../common/rng.js';
import { DrfSorter } from './drfSorter.js';
import { RandomSorter } from './randomSorter.js';
import type { ResourceQuantities } from './resourceQuantities.js';
import type { SorterTotal } from './sorterTotal.js';

/**
 * Sorter orders the clients of one level of allocation (roles, or the frameworks of one role) so the
 * allocator knows who gets the next agent, after Mesos's `sorter/sorter.hpp`. It is pure bookkeeping:
 * the allocator tells it what each client was allocated or gave back, and asks for the order.
 *
 * Clients may be hierarchical paths ("eng/web"); a hierarchical sorter orders siblings first and then
 * descends, so a subtree competes as one unit with its own weight (Mesos 1.5+ role trees). Inactive
 * clients keep their allocation but are left out of the order (suppressed roles, inactive frameworks).
 */
export interface Sorter {
  /** add registers an inactive client with no allocation. */
  add(client: string): void;
  /** remove forgets a client and its allocation. */
  remove(client: string): void;
  /** activate includes the client in the order. */
  activate(client: string): void;
  /** deactivate leaves the client out of the order but keeps its allocation. */
  deactivate(client: string): void;
  /** isActive says whether the client is in the order. */
  isActive(client: string): boolean;
  /** contains says whether the client is known. */
  contains(client: string): boolean;
  /** count is the number of known clients, active or not. */
  count(): number;
  /**
   * membership changes whenever a client is added, removed, activated or deactivated (not when
   * allocations change), so a caller can tell that the set of active clients is the one it saw before.
   */
  readonly membership: number;
  /** updateWeight sets the weight of a client or of an inner path ("eng" above "eng/web"). */
  updateWeight(path: string, weight: number): void;
  /** allocated books `quantities` to the client (and its ancestors). */
  allocated(client: string, quantities: ResourceQuantities): void;
  /** unallocated takes `quantities` back from the client (and its ancestors). */
  unallocated(client: string, quantities: ResourceQuantities): void;
  /** allocation is the client's booked quantities; treat it as read-only. */
  allocation(client: string): ResourceQuantities;
  /** sort returns the active clients in allocation order, as a fresh array. */
  sort(): string[];
  /**
   * forEach visits the active clients in allocation order and stops when `visit` returns false. It does
   * not build an array, so an allocator that stops at the first taker pays for one client, not all of
   * them. `visit` must not change the sorter.
   */
  forEach(visit: (client: string) => boolean | void): void;
}

/** SorterKind names the two orders Mesos ships: dominant resource fairness and weighted random. */
export type SorterKind = 'drf' | 'random';

/** SorterOptions configures `createSorter`. */
export interface SorterOptions {
  readonly kind: SorterKind;
  /** total is the cluster total that DRF shares are fractions of. */
  readonly total: SorterTotal;
  /** hierarchical splits client names on `/` (roles); framework sorters use flat names. */
  readonly hierarchical: boolean;
  /** rng drives the random sorter. */
  readonly rng: Rng;
  /** fairnessExcludeResourceNames are left out of DRF shares (Mesos `--fair_sharing_excluded_resource_names`). */
  readonly fairnessExcludeResourceNames?: readonly string[];
}

/** createSorter builds the sorter the allocator options ask for. */
export function createSorter(options: SorterOptions): Sorter {
  if (options.kind === 'random') {
    return new RandomSorter({ rng: options.rng, hierarchical: options.hierarchical });
  }
  return new DrfSorter({
    total: options.total,
    hierarchical: options.hierarchical,
    fairnessExcludeResourceNames: options.fairnessExcludeResourceNames,
  });
}
