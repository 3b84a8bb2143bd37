// The internal representation behind `Resources` (resources.ts): interned identity keys, shared metas and
// immutable entries with integer-thousandth scalars, flat ranges and sorted sets. Only resources.ts and
// resourceWire.ts should use this module.
import type { AllocationInfo, ReservationInfo, Resource } from './resourceTypes.js';
import {
  type FlatRanges,
  itemsContain,
  rangesContain,
  sameArray,
  subtractItems,
  subtractRanges,
  unionItems,
  unionRanges,
} from './resourceValues.js';

/** Kind is the value type of a resource (Mesos resources are never TEXT). */
export type Kind = 'SCALAR' | 'RANGES' | 'SET';
/** Labels is the `labels` field of a reservation. */
export type Labels = NonNullable<ReservationInfo['labels']>;

/** Meta is everything about a resource except its name, type and quantity; entries with equal metas share one object. */
export interface Meta {
  /** key orders and identifies the meta: reservations, then allocation role, then flags. */
  readonly key: string;
  readonly reservations: readonly ReservationInfo[];
  /** role is the innermost reservation role, or `*` when unreserved. */
  readonly role: string;
  readonly dynamic: boolean;
  readonly allocRole: string | undefined;
  readonly allocationInfo: AllocationInfo | undefined;
  readonly revocable: boolean;
  readonly shared: boolean;
  readonly disk: unknown;
  readonly diskKey: string;
  readonly persistent: boolean;
  readonly providerId: string | undefined;
  /** counted metas (persistent volumes, exclusive disks, shared resources) never merge quantities: equal copies are counted instead. */
  readonly counted: boolean;
  allocated: Map<string, Meta> | undefined;
  unallocated: Meta | undefined;
  /** rekeyed maps the key of an entry moved into this meta (by allocate or unallocate) to its new key. */
  rekeyed: Map<string, string> | undefined;
}

/** MetaSpec is what `makeMeta` needs to describe a resource's non-quantity fields. */
export interface MetaSpec {
  reservations: readonly ReservationInfo[];
  allocRole: string | undefined;
  revocable: boolean;
  shared: boolean;
  disk: unknown;
  diskKey: string;
  persistent: boolean;
  exclusiveDisk: boolean;
  providerId: string | undefined;
}

// Metas without disk info are fully described by their key, so equal ones are shared through this table; then
// the allocate() memo on a meta serves every Resources with that meta, not just one parse's worth. Sharing is
// only an optimisation, so the table is dropped when it grows large.
const META_LIMIT = 50_000;
let metaTable = new Map<string, Meta>();

/** makeMeta builds (or reuses) the shared `Meta` for `spec`, with its precomputed ordering key. */
export function makeMeta(spec: MetaSpec): Meta {
  let resKey = '';
  for (let i = 0; i < spec.reservations.length; i++) {
    const r = spec.reservations[i] as ReservationInfo;
    if (i > 0) resKey += '\u0002';
    resKey += `${r.role ?? ''}\u0001${(r.type ?? 'STATIC') === 'STATIC' ? 'S' : 'D'}\u0001`;
    if (r.principal !== undefined) resKey += `p${r.principal}`;
    if (r.labels !== undefined) resKey += `\u0001${JSON.stringify(r.labels.labels)}`;
  }
  const allocKey = spec.allocRole === undefined ? '' : `\u0001${spec.allocRole}`;
  let flags = '';
  if (spec.revocable) flags += 'R';
  if (spec.shared) flags += 'S';
  if (spec.providerId !== undefined) flags += `P${spec.providerId}\u0001`;
  if (spec.disk !== undefined) flags += `D${spec.diskKey}`;
  const key = [resKey, allocKey, flags].join('\u0000');
  const shareable = spec.disk === undefined;
  if (shareable) {
    const known = metaTable.get(key);
    if (known !== undefined) return known;
  }
  const reservations = Object.freeze(spec.reservations.map(freezeReservation));
  const top = reservations[reservations.length - 1];
  const meta: Meta = {
    key,
    reservations,
    role: top?.role ?? '*',
    dynamic: top?.type === 'DYNAMIC',
    allocRole: spec.allocRole,
    allocationInfo: spec.allocRole === undefined ? undefined : Object.freeze(spec.allocRole === '' ? {} : { role: spec.allocRole }),
    revocable: spec.revocable,
    shared: spec.shared,
    disk: spec.disk === undefined ? undefined : deepFreeze(spec.disk),
    diskKey: spec.diskKey,
    persistent: spec.persistent,
    providerId: spec.providerId,
    counted: spec.shared || spec.persistent || spec.exclusiveDisk,
    allocated: undefined,
    unallocated: undefined,
    rekeyed: undefined,
  };
  if (shareable) {
    if (metaTable.size >= META_LIMIT) metaTable = new Map();
    metaTable.set(key, meta);
  }
  return meta;
}

/** specOf reads a meta back as a spec, so variants (other allocation, extra reservation) can be derived. */
export function specOf(meta: Meta): MetaSpec {
  return {
    reservations: meta.reservations,
    allocRole: meta.allocRole,
    revocable: meta.revocable,
    shared: meta.shared,
    disk: meta.disk,
    diskKey: meta.diskKey,
    persistent: meta.persistent,
    exclusiveDisk: meta.counted && !meta.shared && !meta.persistent,
    providerId: meta.providerId,
  };
}

/** PLAIN_SPEC describes an unreserved, unallocated, plain resource. */
export const PLAIN_SPEC: MetaSpec = {
  reservations: [],
  allocRole: undefined,
  revocable: false,
  shared: false,
  disk: undefined,
  diskKey: '',
  persistent: false,
  exclusiveDisk: false,
  providerId: undefined,
};
/** UNRESERVED is the meta of plain unreserved resources, shared by most entries. */
export const UNRESERVED = makeMeta(PLAIN_SPEC);

/** allocatedMeta is `meta` allocated to `role`, memoised on the meta because the allocator does this constantly. */
export function allocatedMeta(meta: Meta, role: string): Meta {
  if (meta.allocRole === role) return meta;
  meta.allocated ??= new Map();
  let out = meta.allocated.get(role);
  if (!out) {
    out = makeMeta({ ...specOf(meta), allocRole: role });
    meta.allocated.set(role, out);
  }
  return out;
}

/** unallocatedMeta is `meta` without allocation info, memoised likewise. */
export function unallocatedMeta(meta: Meta): Meta {
  if (meta.allocRole === undefined) return meta;
  meta.unallocated ??= makeMeta({ ...specOf(meta), allocRole: undefined });
  return meta.unallocated;
}

/** staticMeta is the meta of resources statically reserved to `role` (`*` is unreserved), as flags set it. */
export function staticMeta(role: string): Meta {
  return role === '*' ? UNRESERVED : makeMeta({ ...PLAIN_SPEC, reservations: [{ type: 'STATIC', role }] });
}

/** NO_NUMBERS is the shared empty range list of scalar and set entries. */
export const NO_NUMBERS: FlatRanges = Object.freeze([]);
/** NO_ITEMS is the shared empty item list of scalar and range entries. */
export const NO_ITEMS: readonly string[] = Object.freeze([]);

/** Entry is one resource identity and its quantity; entries are immutable and shared between `Resources`. */
export class Entry {
  res: Resource | undefined = undefined;
  constructor(
    readonly key: string,
    readonly name: string,
    readonly type: Kind,
    readonly meta: Meta,
    readonly milli: number,
    readonly ranges: FlatRanges,
    readonly items: readonly string[],
    readonly count: number,
  ) {}
}

// Equal identity keys are interned to one string object, so the `===` that add, subtract and contains do on
// every step is a pointer comparison. Interning only speeds things up, so the table is simply dropped when it
// grows large (a long-lived master sees roles and reservations come and go).
const INTERN_LIMIT = 200_000;
let interned = new Map<string, string>();

function intern(key: string): string {
  const known = interned.get(key);
  if (known !== undefined) return known;
  if (interned.size >= INTERN_LIMIT) interned = new Map();
  interned.set(key, key);
  return key;
}

// Keys are built with join(), which makes a flat string: a concatenated (rope) string would be re-walked on
// every comparison, which made the merge loops several times slower.
function entryKey(name: string, type: Kind, meta: Meta, milli: number, ranges: FlatRanges, items: readonly string[]): string {
  if (!meta.counted) return intern([name, meta.key, type].join('\u0000'));
  const value = type === 'SCALAR' ? String(milli) : type === 'RANGES' ? ranges.join(',') : JSON.stringify(items);
  return intern([name, meta.key, type, value].join('\u0000'));
}

/** makeEntry builds an entry and its interned identity key. */
export function makeEntry(name: string, type: Kind, meta: Meta, milli: number, ranges: FlatRanges, items: readonly string[], count = 1): Entry {
  return new Entry(entryKey(name, type, meta, milli, ranges, items), name, type, meta, milli, ranges, items, count);
}

/** withMeta moves an entry to another meta (allocate, unallocate, reservations), caching the new key. */
export function withMeta(e: Entry, meta: Meta): Entry {
  if (meta.counted) return makeEntry(e.name, e.type, meta, e.milli, e.ranges, e.items, e.count);
  // allocate() and unallocate() move the same few identities back and forth; remember their keys.
  meta.rekeyed ??= new Map();
  let key = meta.rekeyed.get(e.key);
  if (key === undefined) {
    key = entryKey(e.name, e.type, meta, e.milli, e.ranges, e.items);
    meta.rekeyed.set(e.key, key);
  }
  return new Entry(key, e.name, e.type, meta, e.milli, e.ranges, e.items, e.count);
}

/** isEmptyEntry says whether an entry holds nothing, so it must be dropped. */
export function isEmptyEntry(e: Entry): boolean {
  if (e.count <= 0) return true;
  if (e.type === 'SCALAR') return e.milli <= 0;
  if (e.type === 'RANGES') return e.ranges.length === 0;
  return e.items.length === 0;
}

/** addEntries merges two entries of the same key. */
export function addEntries(x: Entry, y: Entry): Entry {
  if (x.meta.counted) return new Entry(x.key, x.name, x.type, x.meta, x.milli, x.ranges, x.items, x.count + y.count);
  if (x.type === 'SCALAR') return new Entry(x.key, x.name, x.type, x.meta, x.milli + y.milli, NO_NUMBERS, NO_ITEMS, 1);
  if (x.type === 'RANGES') return new Entry(x.key, x.name, x.type, x.meta, 0, unionRanges(x.ranges, y.ranges), NO_ITEMS, 1);
  return new Entry(x.key, x.name, x.type, x.meta, 0, NO_NUMBERS, unionItems(x.items, y.items), 1);
}

/** subtractEntries removes `y` from `x` (same key); undefined when nothing is left. */
export function subtractEntries(x: Entry, y: Entry): Entry | undefined {
  if (x.meta.counted) {
    const count = x.count - y.count;
    return count > 0 ? new Entry(x.key, x.name, x.type, x.meta, x.milli, x.ranges, x.items, count) : undefined;
  }
  if (x.type === 'SCALAR') {
    const milli = x.milli - y.milli;
    return milli > 0 ? new Entry(x.key, x.name, x.type, x.meta, milli, NO_NUMBERS, NO_ITEMS, 1) : undefined;
  }
  if (x.type === 'RANGES') {
    const ranges = subtractRanges(x.ranges, y.ranges);
    if (ranges.length === 0) return undefined;
    return sameArray(ranges, x.ranges) ? x : new Entry(x.key, x.name, x.type, x.meta, 0, ranges, NO_ITEMS, 1);
  }
  const items = subtractItems(x.items, y.items);
  if (items.length === 0) return undefined;
  return items.length === x.items.length ? x : new Entry(x.key, x.name, x.type, x.meta, 0, NO_NUMBERS, items, 1);
}

/** entryContains says whether `x` covers `y` (same key). */
export function entryContains(x: Entry, y: Entry): boolean {
  if (x.meta.counted) return x.count >= y.count;
  if (x.type === 'SCALAR') return x.milli >= y.milli;
  if (x.type === 'RANGES') return rangesContain(x.ranges, y.ranges);
  return itemsContain(x.items, y.items);
}

/** entryEquals says whether two entries are the same identity and quantity. */
export function entryEquals(x: Entry, y: Entry): boolean {
  return (
    x === y ||
    (x.key === y.key && x.count === y.count && x.milli === y.milli && sameArray(x.ranges, y.ranges) && sameArray(x.items, y.items))
  );
}

/** normalize sorts entries by key, merges equal identities and drops empty ones (returning `entries` when already canonical). */
export function normalize(entries: Entry[]): Entry[] {
  let sorted = true;
  let clean = true;
  let prev: Entry | undefined;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as Entry;
    if (clean && isEmptyEntry(e)) clean = false;
    if (prev !== undefined && sorted && (prev.key === e.key || prev.key > e.key)) sorted = false;
    prev = e;
  }
  if (sorted && clean) return entries;
  if (!sorted) entries.sort((a, b) => (a.key === b.key ? 0 : a.key < b.key ? -1 : 1));
  const out: Entry[] = [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as Entry;
    if (isEmptyEntry(e)) continue;
    const last = out[out.length - 1];
    if (last !== undefined && last.key === e.key) out[out.length - 1] = addEntries(last, e);
    else out.push(e);
  }
  return out;
}

/** freezeReservation makes the canonical, frozen copy of a reservation that metas share. */
export function freezeReservation(r: ReservationInfo): ReservationInfo {
  if (Object.isFrozen(r)) return r;
  const out: ReservationInfo = { type: r.type ?? 'STATIC', role: r.role ?? '' };
  if (r.principal !== undefined) out.principal = r.principal;
  if (r.labels !== undefined) out.labels = { labels: r.labels.labels.map((l) => Object.freeze({ ...l })) };
  return deepFreeze(out);
}

/** deepFreeze freezes an object graph, so shared canonical objects cannot be changed by accident. */
export function deepFreeze<T>(x: T): T {
  if (typeof x === 'object' && x !== null && !Object.isFrozen(x)) {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}

/** isRecord says whether a JSON value is an object (not null, not an array). */
export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
