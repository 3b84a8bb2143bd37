import { Resources } from '../common/resources.js';
import type { Resource } from '../common/resourceTypes.js';
import { fromMilli, toMilli } from '../common/resourceValues.js';
import type { ResourceQuantities } from './resourceQuantities.js';

/** ShrinkTarget gives the amount (thousandths) allowed per resource name; unlike `ResourceQuantities` it can say "zero". */
export type ShrinkTarget = ReadonlyMap<string, number> | ResourceQuantities;

/**
 * AbsentMeans says how `shrinkResources` treats a name missing from its target: `zero` for quantities
 * (a guarantee of nothing) and `unlimited` for limits (no limit set), the two cases Mesos distinguishes
 * with `ResourceQuantities` and `ResourceLimits`.
 */
export type AbsentMeans = 'zero' | 'unlimited';

/**
 * shrinkResources returns the largest part of `resources` whose scalar quantities fit in `target`, cutting
 * a scalar down when only part of it fits (Mesos's `shrinkResources`). Quota and headroom are quantities,
 * so this is how the allocator turns "at most 10 cpus more" into an actual offer. Non-scalar and shared
 * resources cannot be cut and are kept whole when they are kept at all. Returns `resources` itself when
 * nothing had to be cut, so callers can detect the common no-op case by identity.
 */
export function shrinkResources(resources: Resources, target: ShrinkTarget, absent: AbsentMeans): Resources {
  const remaining = new Map<string, number>(target instanceof Map ? target : (target as ResourceQuantities).entriesMilli());
  const kept: Resource[] = [];
  let changed = false;
  for (const r of resources.list) {
    if (r.type !== 'SCALAR' || r.scalar === undefined) {
      kept.push(r);
      continue;
    }
    const cap = remaining.get(r.name);
    if (cap === undefined) {
      if (absent === 'unlimited') kept.push(r);
      else changed = true;
      continue;
    }
    const amount = toMilli(r.scalar.value);
    const take = r.shared !== undefined ? (amount <= cap ? amount : 0) : Math.min(amount, cap);
    if (take <= 0) {
      changed = true;
      continue;
    }
    remaining.set(r.name, cap - take);
    if (take === amount) {
      kept.push(r);
    } else {
      kept.push({ ...r, scalar: { value: fromMilli(take) } });
      changed = true;
    }
  }
  return changed ? Resources.fromJSON(kept) : resources;
}
