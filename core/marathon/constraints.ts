/**
 * Placement constraints (`mesos/Constraints.scala`): whether an offer's agent may take one more instance of an
 * app given where its instances already run, and which instances to kill first so a GROUP_BY spread stays
 * even. Fields are `hostname`/`@hostname`, `@region`, `@zone` or an agent attribute; attributes compare as text
 * (`attributeText`), so scalars, ranges and sets match as Marathon prints them. A missing value fails every
 * operator except UNLIKE.
 */
import { attributeText } from '../common/attributes.js';
import type { Attribute } from '../common/resourceTypes.js';
import type { Offer } from '../protocol/mesos/v1.js';
import type { Constraint } from '../protocol/marathon/appDefinition.js';
import type { InstanceView } from './instance.js';

/** HOSTNAME_FIELD names the agent's hostname in constraints (plain `hostname` works too). */
export const HOSTNAME_FIELD = '@hostname';
/** REGION_FIELD names the agent's fault-domain region in constraints. */
export const REGION_FIELD = '@region';
/** ZONE_FIELD names the agent's fault-domain zone in constraints. */
export const ZONE_FIELD = '@zone';

/** PlacedInstance is the part of an instance constraints read: where it runs. */
export type PlacedInstance = Pick<InstanceView, 'hostname' | 'attributes' | 'region' | 'zone'> & { instanceId?: string };

interface OfferDomain {
  domain?: { fault_domain?: { region?: { name?: string }; zone?: { name?: string } } };
}

/** offerRegion is the fault-domain region of the offer's agent, if it has one (`OfferUtil.region`). */
export function offerRegion(offer: Offer): string | undefined {
  return (offer as Offer & OfferDomain).domain?.fault_domain?.region?.name;
}

/** offerZone is the fault-domain zone of the offer's agent, if it has one (`OfferUtil.zone`). */
export function offerZone(offer: Offer): string | undefined {
  return (offer as Offer & OfferDomain).domain?.fault_domain?.zone?.name;
}

/**
 * decimalText formats a number as Marathon 1.10's constraint code does (`DecimalFormat("0.###")`: at most three
 * decimals, half-even rounding, no grouping). `attributeText` uses Java's `NumberFormat` with grouping
 * commas (what older Marathons used); the commas are the only difference, so they are removed.
 */
export function decimalText(value: number): string {
  return attributeText({ name: '', type: 'SCALAR', scalar: { value } }).replace(/,/g, '');
}

/** attributeValueText is the text an attribute compares as in constraints (`Constraints.getValueString`). */
export function attributeValueText(attr: Attribute): string {
  return attr.type === 'SCALAR' ? decimalText(Number(attr.scalar?.value ?? 0)) : attributeText(attr);
}

function attributeOf(attrs: readonly Attribute[] | undefined, field: string): string | undefined {
  const found = (attrs ?? []).find((a) => a.name === field);
  return found === undefined ? undefined : attributeValueText(found);
}

/** offerValue reads a constraint field from an offer. */
export function offerValue(offer: Offer, field: string): string | undefined {
  switch (field) {
    case 'hostname':
    case HOSTNAME_FIELD:
      return offer.hostname;
    case REGION_FIELD:
      return offerRegion(offer);
    case ZONE_FIELD:
      return offerZone(offer);
    default:
      return attributeOf(offer.attributes, field);
  }
}

/** placedValue reads a constraint field from a placed instance. */
export function placedValue(instance: PlacedInstance, field: string): string | undefined {
  switch (field) {
    case 'hostname':
    case HOSTNAME_FIELD:
      return instance.hostname;
    case REGION_FIELD:
      return instance.region;
    case ZONE_FIELD:
      return instance.zone;
    default:
      return attributeOf(instance.attributes, field);
  }
}

function intValue(text: string, fallback: number): number {
  if (text === 'inf') return 2147483647;
  return /^[-+]?\d+$/.test(text) && Math.abs(Number(text)) <= 2147483647 ? Number(text) : fallback;
}

function fullMatch(value: string, regex: string): boolean {
  try {
    return new RegExp(`^(?:${regex})$`).test(value);
  } catch {
    return false;
  }
}

function countByValue(instances: readonly PlacedInstance[], field: string): Map<string | undefined, number> {
  const counts = new Map<string | undefined, number>();
  for (const i of instances) {
    const v = placedValue(i, field);
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return counts;
}

/**
 * checkGroupBy is Marathon 1.10's GROUP_BY rule: spread `desiredInstances` evenly over `value` groups, letting
 * the remainder go one per group, and open a new group only while fewer than `value` are in use. Without a
 * value, 1.10 divides by zero (the offer match fails with an exception); here the older rule applies instead:
 * an offer may take an instance when its group is new or as small as the smallest group.
 */
function checkGroupBy(offerVal: string, instances: readonly PlacedInstance[], field: string, value: string, desiredInstances: number): boolean {
  const counts = countByValue(instances, field);
  const desiredGroups = Math.max(0, intValue(value, 0));
  const inOffer = counts.get(offerVal);
  if (desiredGroups === 0) {
    const minCount = counts.size === 0 ? 0 : Math.min(...counts.values());
    return inOffer === undefined || inOffer === minCount;
  }
  const perGroup = Math.floor(desiredInstances / desiredGroups);
  const remainder = desiredInstances % desiredGroups;
  let remainderConsumed = 0;
  for (const c of counts.values()) remainderConsumed += Math.max(0, c - perGroup);
  if (inOffer !== undefined) return inOffer < perGroup || (inOffer === perGroup && remainder - remainderConsumed > 0);
  return counts.size < desiredGroups;
}

/**
 * meetsConstraint says whether `offer` satisfies one constraint given the app's placed `instances` (those of its
 * current configuration) and its target instance count (used by GROUP_BY).
 */
export function meetsConstraint(instances: readonly PlacedInstance[], offer: Offer, constraint: Constraint, desiredInstances: number): boolean {
  const [field, operator, rawValue] = constraint;
  const value = rawValue ?? '';
  const offerVal = offerValue(offer, field);
  if (offerVal === undefined) return operator === 'UNLIKE';
  switch (operator) {
    case 'LIKE':
      return value !== '' && fullMatch(offerVal, value);
    case 'UNLIKE':
      return value !== '' && !fullMatch(offerVal, value);
    case 'UNIQUE':
      return instances.every((i) => placedValue(i, field) !== offerVal);
    case 'GROUP_BY':
      return checkGroupBy(offerVal, instances, field, value, desiredInstances);
    case 'MAX_PER': {
      const count = countByValue(instances, field).get(offerVal);
      return count === undefined || count < intValue(value, 0);
    }
    case 'CLUSTER':
      if (value === '') {
        const first = instances[0];
        return first === undefined || placedValue(first, field) === offerVal;
      }
      return offerVal === value;
    case 'IS':
      return offerVal === (/^[0-9]+(?:\.[0-9]+)?$/.test(value) ? decimalText(Number(value)) : value);
    default:
      return false;
  }
}

/** unmetConstraints lists the app's constraints the offer fails (empty when it may take an instance). */
export function unmetConstraints(constraints: readonly Constraint[], instances: readonly PlacedInstance[], offer: Offer, desiredInstances: number): Constraint[] {
  return constraints.filter((c) => !meetsConstraint(instances, offer, c, desiredInstances));
}

interface Distribution {
  groups: Array<Set<string>>;
}

function difference(d: Distribution, without: ReadonlySet<string>): number {
  const sizes = d.groups.map((g) => [...g].filter((id) => !without.has(id)).length);
  return Math.max(...sizes) - Math.min(...sizes);
}

function candidatesFrom(d: Distribution, without: ReadonlySet<string>): string[] {
  const remaining = d.groups.map((g) => [...g].filter((id) => !without.has(id)));
  const sizes = new Set(remaining.map((g) => g.length));
  if (sizes.size === 1) return [];
  const largest = Math.max(...sizes);
  return remaining.filter((g) => g.length === largest).flat();
}

/**
 * selectInstancesToKill picks up to `toKillCount` of the running instances so that every GROUP_BY constraint
 * stays as even as it can (`Constraints.selectInstancesToKill`): repeatedly take an instance from the largest
 * group of the most uneven distribution, as long as doing so keeps every distribution within one of even or
 * makes it more even. Without GROUP_BY constraints it selects nothing (the caller falls back to kill
 * selection); asked for all, it returns all.
 */
export function selectInstancesToKill<T extends PlacedInstance & { instanceId: string }>(constraints: readonly Constraint[], running: readonly T[], toKillCount: number): T[] {
  if (toKillCount >= running.length) return [...running];
  const distributions: Distribution[] = constraints
    .filter((c) => c[1] === 'GROUP_BY')
    .map((c) => {
      const groups = new Map<string | undefined, Set<string>>();
      for (const i of running) {
        const v = placedValue(i, c[0]);
        const set = groups.get(v) ?? new Set<string>();
        set.add(i.instanceId);
        groups.set(v, set);
      }
      return { groups: [...groups.values()] };
    });
  if (distributions.length === 0) return [];
  const selected = new Set<string>();
  for (;;) {
    if (selected.size === toKillCount) break;
    const ordered = distributions.slice().sort((a, b) => difference(b, selected) - difference(a, selected));
    const tried = [...ordered.flatMap((d) => candidatesFrom(d, selected)), ...running.map((i) => i.instanceId).filter((id) => !selected.has(id))];
    const next = tried.find((id) => {
      const withIt = new Set([...selected, id]);
      return distributions.every((d) => {
        const after = difference(d, withIt);
        return after <= 1 || difference(d, new Set()) > after;
      });
    });
    if (next === undefined) break;
    selected.add(next);
  }
  return running.filter((i) => selected.has(i.instanceId));
}
