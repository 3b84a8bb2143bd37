/**
 * Offer matching for one app instance (`mesos/ResourceMatcher.scala`, `RunSpecOfferMatcher.scala`,
 * `NoOfferMatchReason.scala`): does the offer have the cpus, memory, disk, GPUs and ports, in roles the app
 * accepts, on an agent its constraints allow? A match returns the exact resources to launch with and the host
 * port per port index; a miss returns Marathon's reasons, which feed `/v2/queue`'s processed-offers summary.
 */
import type { Rng } from '../common/rng.js';
import type { Resource } from '../common/resourceTypes.js';
import { fromMilli, toMilli } from '../common/resourceValues.js';
import type { AppDefinition } from '../protocol/marathon/appDefinition.js';
import type { Offer } from '../protocol/mesos/v1.js';
import { type PlacedInstance, REGION_FIELD, ZONE_FIELD, offerRegion, unmetConstraints } from './constraints.js';
import { matchPorts } from './portsMatcher.js';

/** NoOfferMatchReason names why an offer was not used, in Marathon's words. */
export type NoOfferMatchReason =
  | 'UnfulfilledRole'
  | 'UnfulfilledConstraint'
  | 'NoCorrespondingReservationFound'
  | 'AgentMaintenance'
  | 'InsufficientCpus'
  | 'InsufficientMemory'
  | 'InsufficientDisk'
  | 'InsufficientGpus'
  | 'InsufficientPorts'
  | 'DeclinedScarceResources';

/**
 * REASON_FUNNEL orders the reasons as Marathon's queue summary does: an unused offer counts once, under the
 * first of its reasons in this order.
 */
export const REASON_FUNNEL: readonly NoOfferMatchReason[] = [
  'UnfulfilledRole',
  'UnfulfilledConstraint',
  'NoCorrespondingReservationFound',
  'AgentMaintenance',
  'InsufficientCpus',
  'InsufficientMemory',
  'InsufficientDisk',
  'InsufficientGpus',
  'InsufficientPorts',
  'DeclinedScarceResources',
];

/** funnelReason is the single reason an unused offer is counted under (undefined for an empty list). */
export function funnelReason(reasons: readonly NoOfferMatchReason[]): NoOfferMatchReason | undefined {
  return REASON_FUNNEL.find((r) => reasons.includes(r));
}

/** AcceptedResourceRolesDefault is `--accepted_resource_roles_default_behavior` for apps without `acceptedResourceRoles`. */
export type AcceptedResourceRolesDefault = 'any' | 'unreserved' | 'reserved';

/** OfferMatchOptions is the context of a match. */
export interface OfferMatchOptions {
  /** instances are the app's placed instances; only those of its current configuration count for constraints. */
  instances: ReadonlyArray<PlacedInstance & { runSpecVersion?: string }>;
  rng: Rng;
  acceptedResourceRolesDefault?: AcceptedResourceRolesDefault;
  /** localRegion is the master's region: without region or zone constraints, offers from other regions are not used. */
  localRegion?: string;
  /** gpuSchedulingBehavior is `--gpu_scheduling_behavior` (default restricted: GPU agents are kept for GPU apps). */
  gpuSchedulingBehavior?: 'restricted' | 'unrestricted';
}

/** OfferMatch is the outcome: the resources and host ports to launch with, or why not. */
export type OfferMatch = { matched: true; resources: Resource[]; hostPorts: Array<number | undefined> } | { matched: false; reasons: NoOfferMatchReason[] };

const RESERVATION_LABELS = new Set(['marathon_framework_id', 'marathon_task_id']);

/** resourceRole is a resource's (innermost) reservation role, or `*` when unreserved, as Marathon's `getRole`. */
export function resourceRole(r: Resource): string {
  const reservations = r.reservations ?? [];
  return reservations[reservations.length - 1]?.role ?? r.role ?? '*';
}

function reservationLabels(r: Resource): string[] {
  const labels = r.reservation?.labels?.labels ?? r.reservations?.[r.reservations.length - 1]?.labels?.labels ?? [];
  return labels.map((l) => l.key);
}

/** acceptedRoles is the set of roles the app takes resources from (`RunSpecOfferMatcher`, `defaultAcceptedResourceRolesSet`). */
export function acceptedRoles(app: Pick<AppDefinition, 'acceptedResourceRoles' | 'role'>, behavior: AcceptedResourceRolesDefault = 'any'): Set<string> {
  if (app.acceptedResourceRoles !== undefined && app.acceptedResourceRoles.length > 0) return new Set(app.acceptedResourceRoles);
  if (behavior === 'unreserved') return new Set(['*']);
  if (behavior === 'reserved') return new Set([app.role]);
  return new Set([app.role, '*']);
}

function selectable(r: Resource, roles: ReadonlySet<string>): boolean {
  const disk = r.disk as { persistence?: unknown; volume?: unknown } | undefined;
  const hasVolume = disk?.volume !== undefined || disk?.persistence !== undefined;
  return !hasVolume && roles.has(resourceRole(r)) && !reservationLabels(r).some((k) => RESERVATION_LABELS.has(k));
}

function isRootDisk(r: Resource): boolean {
  const source = (r.disk as { source?: unknown } | undefined)?.source;
  return source === undefined;
}

/**
 * consumeScalar takes `required` of the scalar resource `name` from `resources` in offer order, returning what
 * to use (one resource per source, same role and reservation), or undefined when there is not enough.
 */
function consumeScalar(resources: readonly Resource[], required: number): Resource[] | undefined {
  let left = toMilli(required);
  const used: Resource[] = [];
  for (const r of resources) {
    if (left <= 0) break;
    const available = toMilli(Number(r.scalar?.value ?? 0));
    const take = Math.min(left, available);
    if (take <= 0) continue;
    const part: Resource = { ...r, scalar: { value: fromMilli(take) } };
    delete part.ranges;
    delete part.set;
    used.push(part);
    left -= take;
  }
  return left <= 0 ? used : undefined;
}

const SCALAR_REASONS: ReadonlyArray<['cpus' | 'mem' | 'gpus' | 'disk', NoOfferMatchReason]> = [
  ['cpus', 'InsufficientCpus'],
  ['mem', 'InsufficientMemory'],
  ['gpus', 'InsufficientGpus'],
  ['disk', 'InsufficientDisk'],
];

/**
 * matchOffer decides whether `offer` can run one more instance of `app` (`ResourceMatcher.matchResources` for a
 * non-resident app). Reasons accumulate in Marathon's order: missing scalars, no resource in an accepted role,
 * unmet constraints, scarce GPUs; ports are only tried (and `InsufficientPorts` only reported) when everything
 * else fits.
 */
export function matchOffer(app: AppDefinition, offer: Offer, options: OfferMatchOptions): OfferMatch {
  const roles = acceptedRoles(app, options.acceptedResourceRolesDefault);
  const usable = offer.resources.filter((r) => selectable(r, roles));
  const reasons: NoOfferMatchReason[] = [];
  const consumed: Resource[] = [];
  let scalarsFit = true;
  for (const [name, reason] of SCALAR_REASONS) {
    const required = app[name];
    if (required === 0) continue;
    const candidates = usable.filter((r) => r.name === name && r.type === 'SCALAR' && (name !== 'disk' || isRootDisk(r)));
    const used = consumeScalar(candidates, required);
    if (used === undefined) {
      reasons.push(reason);
      scalarsFit = false;
    } else consumed.push(...used);
  }
  if (usable.length === 0) reasons.push('UnfulfilledRole');

  const faultDomainFields = new Set([REGION_FIELD, ZONE_FIELD]);
  const region = offerRegion(offer);
  const faultDomainOk = app.constraints.some((c) => faultDomainFields.has(c[0])) || region === undefined || region === options.localRegion;

  const current = options.instances.filter((i) => i.runSpecVersion === undefined || i.runSpecVersion >= (app.versionInfo?.lastConfigChangeAt ?? app.version));
  const constraintsOk = unmetConstraints(app.constraints, current, offer, app.instances).length === 0;
  if (!constraintsOk) reasons.push('UnfulfilledConstraint');

  const offeredGpus = offer.resources.filter((r) => r.name === 'gpus').reduce((n, r) => n + Number(r.scalar?.value ?? 0), 0);
  const gpusWasted = offeredGpus > 0 && app.gpus === 0;
  const gpuOk = (options.gpuSchedulingBehavior ?? 'restricted') === 'unrestricted' || !gpusWasted;
  if (!gpuOk) reasons.push('DeclinedScarceResources');

  if (!(scalarsFit && faultDomainOk && constraintsOk && gpuOk)) return { matched: false, reasons };
  const ports = matchPorts(
    app,
    usable.filter((r) => r.name === 'ports' && r.type === 'RANGES'),
    options.rng,
  );
  if (ports === undefined) return { matched: false, reasons: [...reasons, 'InsufficientPorts'] };
  return { matched: true, resources: [...consumed, ...ports.resources], hostPorts: ports.hostPorts };
}
