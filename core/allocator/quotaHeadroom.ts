import type { AllocatorState } from './allocatorState.js';
import { ResourceQuantities } from './resourceQuantities.js';

/**
 * QuotaHeadroom tracks, during one allocation cycle, the unreserved resources that must stay unoffered
 * so every quota guarantee not yet met can still be met (Mesos's "required headroom"), against what is
 * actually unoffered (the "available headroom"). Without it, fair-share offers to roles without quota
 * could eat the capacity a guaranteed role is entitled to, and the guarantee would be a promise only.
 *
 *   required  = sum over outermost guaranteed roles of (guarantees - consumed quota), per resource
 *   available = unreserved non-revocable resources not offered or allocated, on all agents
 *   surplus   = available - required: what a role may take beyond its own guarantee
 */
export class QuotaHeadroom {
  /** required is the headroom still owed to unmet guarantees. */
  readonly required = new ResourceQuantities();
  private readonly available: ResourceQuantities;

  constructor(private readonly state: AllocatorState) {
    for (const root of state.roleTree.quotaRoots()) this.required.add(root.unsatisfiedGuarantees());
    this.available = state.availableUnreserved.clone();
  }

  /** surplus is what may be offered beyond guarantees without eating anyone's headroom. */
  surplus(): ResourceQuantities {
    return this.available.minus(this.required);
  }

  /**
   * consume records that `unreserved` is about to be offered to `role`: it leaves the available headroom,
   * and whatever part of it moves the role's guaranteed ancestor towards its guarantee is no longer owed.
   * Call it before the role tree is charged.
   */
  consume(role: string, unreserved: ResourceQuantities): void {
    if (unreserved.isEmpty()) return;
    const root = this.state.roleTree.guaranteeRootOf(role);
    if (root !== undefined) {
      for (const [name, guarantee] of root.guarantees.entriesMilli()) {
        const deficit = guarantee - root.consumedMilli(name);
        if (deficit > 0) this.required.addMilli(name, -Math.min(deficit, unreserved.getMilli(name)));
      }
    }
    this.available.subtract(unreserved);
  }
}
