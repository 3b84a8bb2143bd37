import { ResourceQuantities } from './resourceQuantities.js';

/**
 * SorterTotal is the cluster's total scalar quantities, shared by the role sorter and every framework
 * sorter. DRF shares are fractions of this total, so when an agent joins, leaves or changes size every
 * share changes; bumping one `version` lets each sorter notice at its next sort, instead of the allocator
 * visiting hundreds of sorters per agent the way Mesos's `addSlave` does.
 */
export class SorterTotal {
  /** quantities is the current total; mutate it only through `add` and `subtract`. */
  readonly quantities = new ResourceQuantities();
  /** version increases on every change, so sorters can tell their cached shares are stale. */
  version = 0;

  /** add grows the total by `q`. */
  add(q: ResourceQuantities): void {
    if (q.isEmpty()) return;
    this.quantities.add(q);
    this.version++;
  }

  /** subtract shrinks the total by `q` (flooring at zero). */
  subtract(q: ResourceQuantities): void {
    if (q.isEmpty()) return;
    this.quantities.subtract(q);
    this.version++;
  }
}
