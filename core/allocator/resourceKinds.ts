// Predicates on single wire `Resource`s that the allocator needs on its hot path. They read the proto fields
// directly instead of building `Resources` values, because they run for every offer and every recovery.

import type { Resources } from '../common/resources.js';
import type { Resource } from '../common/resourceTypes.js';
import { toMilli } from '../common/resourceValues.js';
import { ResourceQuantities } from './resourceQuantities.js';

/** isReserved says whether `r` is reserved to some role (refined or not, static or dynamic). */
export function isReserved(r: Resource): boolean {
  if (r.reservations !== undefined && r.reservations.length > 0) return true;
  return r.role !== undefined && r.role !== '*';
}

/** reservationRole is the role `r` is reserved to (the innermost refinement), or undefined when unreserved. */
export function reservationRole(r: Resource): string | undefined {
  const stack = r.reservations;
  if (stack !== undefined && stack.length > 0) return stack[stack.length - 1]?.role;
  if (r.role !== undefined && r.role !== '*') return r.role;
  return undefined;
}

/** isRevocable says whether `r` is revocable (oversubscribed), which only capable frameworks may receive. */
export function isRevocable(r: Resource): boolean {
  return r.revocable !== undefined;
}

/** isShared says whether `r` is a shared persistent volume, which only capable frameworks may receive. */
export function isShared(r: Resource): boolean {
  return r.shared !== undefined;
}

/** hasRefinedReservations says whether `r` carries more than one reservation level. */
export function hasRefinedReservations(r: Resource): boolean {
  return r.reservations !== undefined && r.reservations.length > 1;
}

/** isQuotaScalar says whether `r` counts towards quota and headroom: an unreserved, non-revocable scalar. */
export function isQuotaScalar(r: Resource): boolean {
  return r.type === 'SCALAR' && !isReserved(r) && !isRevocable(r);
}

/** allocationRole is the role `r` was offered or allocated to, or undefined when it carries no allocation info. */
export function allocationRole(r: Resource): string | undefined {
  return r.allocation_info?.role;
}

/**
 * ScalarBreakdown is what the allocator books for one set of resources: all scalar quantities (for DRF
 * shares) and the unreserved non-revocable part (for quota consumption and headroom). Breakdowns are
 * shared between caches and bookings, so nobody mutates one after it is made (the two fields may even be
 * the same object when everything is unreserved).
 */
export interface ScalarBreakdown {
  readonly all: ResourceQuantities;
  readonly unreserved: ResourceQuantities;
}

/** EMPTY_BREAKDOWN is the breakdown of nothing, shared; like every breakdown it must not be mutated. */
export const EMPTY_BREAKDOWN: ScalarBreakdown = { all: new ResourceQuantities(), unreserved: new ResourceQuantities() };

/**
 * breakdownOf computes the `ScalarBreakdown` of `resources` from the scalar totals `Resources` caches, so
 * ranges and sets are never turned into wire objects on this hot path.
 */
export function breakdownOf(resources: Resources): ScalarBreakdown {
  if (resources.isEmpty()) return EMPTY_BREAKDOWN;
  const all = quantitiesOf(resources);
  const quota = resources.unreserved().nonRevocable();
  return { all, unreserved: quota === resources ? all : quantitiesOf(quota) };
}

/** quantitiesOf is the scalar quantities of `resources`, all reservations and allocations together. */
export function quantitiesOf(resources: Resources): ResourceQuantities {
  const q = new ResourceQuantities();
  for (const [name, value] of resources.scalars()) q.addMilli(name, toMilli(value));
  return q;
}

/** reservationsByRole sums the reserved scalar quantities of `resources` per reservation role. */
export function reservationsByRole(resources: Resources): Map<string, ResourceQuantities> {
  const out = new Map<string, ResourceQuantities>();
  for (const [role, reserved] of resources.reservations()) {
    const q = quantitiesOf(reserved);
    if (!q.isEmpty()) out.set(role, q);
  }
  return out;
}
