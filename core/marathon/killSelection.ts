/**
 * Choosing what to kill and how many to start when an app is scaled (`core/deployment/ScalingProposition.scala`,
 * `state/KillSelection.scala`): instances named by the user go first, then those GROUP_BY constraints want gone,
 * then the rest ordered unreachable, staging, starting, running, and within a condition by `killSelection`
 * (YOUNGEST_FIRST kills the most recently started, OLDEST_FIRST the earliest).
 */
import type { Constraint, KillSelection } from '../protocol/marathon/appDefinition.js';
import { selectInstancesToKill } from './constraints.js';
import type { InstanceView } from './instance.js';

/** ScalingProposition is the outcome: instances to decommission and the number of new instances to start. */
export interface ScalingProposition<T extends InstanceView = InstanceView> {
  toDecommission: T[];
  toStart: number;
}

function weight(i: InstanceView): number {
  switch (i.condition) {
    case 'Unreachable':
      return 1;
    case 'Staging':
      return 2;
    case 'Starting':
      return 3;
    case 'Running':
      return 4;
    default:
      return 5;
  }
}

/**
 * killOrder compares two instances for killing (`sortByConditionAndDate`): negative when `a` should die
 * before `b`. Equal conditions compare by staging time (Staging; a missing one counts as now), condition time
 * (Starting) or start time (others; an instance that never started goes first), in the direction `select` gives.
 */
export function killOrder(select: KillSelection): (a: InstanceView, b: InstanceView) => number {
  const byTime = (x: string, y: string): number => {
    if (x === y) return 0;
    const xFirst = select === 'YOUNGEST_FIRST' ? x > y : x < y;
    return xFirst ? -1 : 1;
  };
  return (a, b) => {
    const wa = weight(a);
    const wb = weight(b);
    if (wa !== wb) return wa - wb;
    if (a.condition === 'Staging' && b.condition === 'Staging') return byTime(a.stagedAt ?? '\uffff', b.stagedAt ?? '\uffff');
    if (a.condition === 'Starting' && b.condition === 'Starting') return byTime(a.since ?? '', b.since ?? '');
    if (a.startedAt === undefined || b.startedAt === undefined) {
      if (a.startedAt === b.startedAt) return 0;
      return a.startedAt === undefined ? -1 : 1;
    }
    return byTime(a.startedAt, b.startedAt);
  };
}

/** ScalingInput is what a scale decision looks at. */
export interface ScalingInput<T extends InstanceView> {
  instances: readonly T[];
  scaleTo: number;
  killSelection: KillSelection;
  /** toDecommission names instances the user asked to kill (`DELETE /v2/apps/{id}/tasks?scale=true`). */
  toDecommission?: readonly string[];
  /** constraints are the app's constraints; GROUP_BY ones steer which instances go. */
  constraints?: readonly Constraint[];
}

/**
 * proposeScaling is `ScalingProposition.propose`: among instances that should be running (and are not
 * unreachable-inactive), kill enough to reach `scaleTo` (at least the named ones), choosing in the order above,
 * and start as many as are missing.
 */
export function proposeScaling<T extends InstanceView>(input: ScalingInput<T>): ScalingProposition<T> {
  const running = input.instances.filter((i) => i.goal === 'Running' && i.condition !== 'UnreachableInactive');
  const named = new Set(input.toDecommission ?? []);
  const sentenced = running.filter((i) => named.has(i.instanceId));
  const others = running.filter((i) => !named.has(i.instanceId));
  const decommissionCount = Math.max(running.length - input.scaleTo, sentenced.length);
  const forConstraints = selectInstancesToKill(input.constraints ?? [], others, Math.max(0, decommissionCount - sentenced.length));
  const chosen = new Set(forConstraints.map((i) => i.instanceId));
  // The ordered rest is only needed when the sentenced and constraint-chosen instances fall short; sorting
  // every instance on each scaling tick (every second, per app) is what a steady large app would pay otherwise.
  const rest = sentenced.length + forConstraints.length >= decommissionCount ? [] : others
    .filter((i) => !chosen.has(i.instanceId))
    .sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0))
    .sort(killOrder(input.killSelection));
  const toDecommission = [...sentenced, ...forConstraints, ...rest].slice(0, decommissionCount);
  return { toDecommission, toStart: input.scaleTo - running.length + decommissionCount };
}
