// Resource arithmetic with Mesos's semantics (src/common/resources.cpp): the allocator and the master add,
// subtract and compare these millions of times, so a `Resources` is an immutable, sorted array of small
// entries with precomputed identity keys, integer-thousandth scalars and flat range arrays; wire objects are
// built only when asked for.
import { invalid } from './errors.js';
import {
  type Kind,
  type Meta,
  Entry,
  NO_ITEMS,
  NO_NUMBERS,
  addEntries,
  allocatedMeta,
  entryContains,
  entryEquals,
  makeEntry,
  makeMeta,
  normalize,
  specOf,
  staticMeta,
  subtractEntries,
  unallocatedMeta,
  withMeta,
} from './resourceEntries.js';
import type { Range, ReservationInfo, Resource } from './resourceTypes.js';
import { type FlatRanges, coalescePairs, formatItems, formatRanges, fromMilli, rangesSize, toMilli, unionItems, unionRanges } from './resourceValues.js';
import { canonical, checkCommandLine, checkReservations, entryFromJSON, describeRaw, formatEntry, parseText, readReservation, toRangeObjects, toWire } from './resourceWire.js';
import { isStrictSubroleOf, validateRole } from './roles.js';

// Re-exported so one import serves callers of resources, roles and attributes.
export { roundScalar, formatScalar } from './resourceValues.js';
export { validateRole, isStrictSubroleOf, roleAncestors } from './roles.js';
export { parseAttributes, attributesSummary, attributeText } from './attributes.js';
export type { Attribute, Range, ReservationInfo, Resource, AllocationInfo, ValueType } from './resourceTypes.js';

/** ScalarTotals is the read-only map `Resources.scalars()` returns; it is cached, so writes throw instead of corrupting it. */
class ScalarTotals extends Map<string, number> {
  #sealed = false;
  constructor(totals: Map<string, number>) {
    super();
    for (const [name, milli] of totals) super.set(name, fromMilli(milli));
    this.#sealed = true;
  }
  override set(key: string, value: number): this {
    if (this.#sealed) throw new TypeError('Resources.scalars() is read-only; copy it with new Map(...) to change it');
    return super.set(key, value);
  }
  override delete(key: string): boolean {
    if (this.#sealed) throw new TypeError('Resources.scalars() is read-only');
    return super.delete(key);
  }
  override clear(): void {
    if (this.#sealed) throw new TypeError('Resources.scalars() is read-only');
    super.clear();
  }
}

/** fromEntries builds a `Resources` from canonical entries (sorted, merged, non-empty); set by the class's static block. */
let fromEntries: (entries: readonly Entry[]) => Resources;

/**
 * Resources is an immutable multiset of Mesos resources with Mesos's arithmetic: resources with the same
 * name, type, reservations, allocation role and flags merge, scalars are exact to three decimals, ranges and
 * sets are unions. Every method returns a new value (or `this` when nothing changes), so sharing is safe.
 */
export class Resources {
  private static readonly EMPTY = new Resources([]);
  private scalarCache: ScalarTotals | undefined = undefined;
  private listCache: readonly Resource[] | undefined = undefined;

  private constructor(private readonly entries: readonly Entry[]) {}

  static {
    fromEntries = (entries) => (entries.length === 0 ? Resources.EMPTY : new Resources(entries));
  }

  /** empty returns the shared empty `Resources`. */
  static empty(): Resources {
    return Resources.EMPTY;
  }

  /**
   * parse reads an agent's `--resources` flag: Mesos text ("cpus:4;mem:2048;ports(*):[31000-32000];bugs(debug):{a,b,c}",
   * spaces ignored, a role in parentheses is a static reservation and `*` means unreserved) or a JSON array of
   * v1 `Resource` objects (text starting with `[`). Resources without a role get `defaultRole`; a default other
   * than `*` statically reserves them. Like Mesos it rejects what cannot come from a command line (dynamic
   * reservations, revocable resources, persistent volumes, one name with two types). Throws
   * `CoreError('INVALID')` with Mesos's wording.
   */
  static parse(text: string, defaultRole = '*'): Resources {
    const roleError = validateRole(defaultRole);
    if (roleError !== undefined) throw invalid(roleError);
    const trimmed = text.trim();
    if (trimmed === '{}') return Resources.EMPTY; // What `toString` prints for nothing.
    let result: Resources;
    if (trimmed.startsWith('[')) {
      let json: unknown;
      try {
        json = JSON.parse(trimmed);
      } catch (err) {
        throw invalid(`Failed to parse resources as JSON: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (!Array.isArray(json)) throw invalid('Resources JSON must be an array');
      result = Resources.fromJSON(json, defaultRole);
    } else {
      result = fromEntries(parseText(trimmed, defaultRole));
    }
    checkCommandLine(result.entries);
    return result;
  }

  /**
   * fromJSON reads v1 `Resource` JSON in either reservation format (post-refinement `reservations[]`, or
   * pre-refinement `role` + `reservation`), with numbers possibly as strings, validates each resource as
   * Mesos does and normalises (merges identical resources, drops zero scalars and empty ranges or sets).
   * Resources with neither `role` nor `reservations` get `defaultRole`. Throws `CoreError('INVALID')`.
   */
  static fromJSON(list: readonly unknown[], defaultRole = '*'): Resources {
    if (!Array.isArray(list)) throw invalid('Resources must be a JSON array');
    const entries: Entry[] = [];
    for (const raw of list) {
      const e = entryFromJSON(raw, defaultRole);
      if (typeof e === 'string') throw invalid(`Resource '${describeRaw(raw)}' is invalid: ${e}`);
      if (e !== undefined) entries.push(e);
    }
    return fromEntries(normalize(entries));
  }

  /**
   * toJSON writes v1 JSON in the post-refinement form (`reservations` omitted when unreserved,
   * `allocation_info` when allocated), ordered by name, then reservation, then allocation role. The objects
   * are fresh, so callers may change them.
   */
  toJSON(): Resource[] {
    const out: Resource[] = [];
    for (const e of this.entries) {
      const copies = e.meta.counted && !e.meta.shared ? e.count : 1;
      for (let i = 0; i < copies; i++) out.push(toWire(e, 'post', false));
    }
    return out;
  }

  /**
   * toLegacyJSON writes the pre-refinement form for frameworks without RESERVATION_REFINEMENT: `role` (`*`
   * when unreserved) and `reservation{principal, labels}` for a dynamic reservation; with
   * `stripAllocationInfo` it also drops `allocation_info` (frameworks without MULTI_ROLE). Refined
   * reservations cannot be written this way, so, like Mesos, it throws `CoreError('INVALID')` for them.
   */
  toLegacyJSON(stripAllocationInfo = false): Resource[] {
    const out: Resource[] = [];
    for (const e of this.entries) {
      if (e.meta.reservations.length > 1) throw invalid('Cannot downgrade resources containing refined reservations');
      const copies = e.meta.counted && !e.meta.shared ? e.count : 1;
      for (let i = 0; i < copies; i++) out.push(toWire(e, 'legacy', stripAllocationInfo));
    }
    return out;
  }

  /**
   * toEndpointJSON writes the form Mesos's legacy HTTP endpoints use (`reserved_resources_full` and friends):
   * the post-refinement `reservations` plus `role` (and `reservation` when dynamic) when there is at most one
   * reservation, so old and new readers both understand it.
   */
  toEndpointJSON(): Resource[] {
    const out: Resource[] = [];
    for (const e of this.entries) {
      const copies = e.meta.counted && !e.meta.shared ? e.count : 1;
      for (let i = 0; i < copies; i++) out.push(toWire(e, 'endpoint', false));
    }
    return out;
  }

  /**
   * toString prints the resources in Mesos's text form, e.g. "cpus(*):4; mem(*):2048; ports(*):[31000-32000]"
   * ("{}" when empty). Unreserved and statically reserved, unallocated resources print so that `parse` reads
   * them back; dynamic reservations show `(role, principal)`, allocations `(allocated: role)`, revocable
   * resources `{REV}`.
   */
  toString(): string {
    if (this.entries.length === 0) return '{}';
    const parts: string[] = [];
    for (const e of this.entries) {
      const text = formatEntry(e);
      const copies = e.meta.counted && !e.meta.shared ? e.count : 1;
      for (let i = 0; i < copies; i++) parts.push(text);
    }
    return parts.join('; ');
  }

  /** add returns the sum; resources of the same identity merge (scalars add, ranges and sets unite). */
  add(other: Resources): Resources {
    const a = this.entries;
    const b = other.entries;
    if (b.length === 0) return this;
    if (a.length === 0) return other;
    const out: Entry[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const x = a[i] as Entry;
      const y = b[j] as Entry;
      if (x.key === y.key) {
        out.push(addEntries(x, y));
        i++;
        j++;
      } else if (x.key < y.key) {
        out.push(x);
        i++;
      } else {
        out.push(y);
        j++;
      }
    }
    while (i < a.length) out.push(a[i++] as Entry);
    while (j < b.length) out.push(b[j++] as Entry);
    return new Resources(out);
  }

  /**
   * subtract removes what it can: quantities never go negative (a resource that would is dropped), and ranges
   * or set items that are not present are ignored, as in Mesos.
   */
  subtract(other: Resources): Resources {
    const a = this.entries;
    const b = other.entries;
    if (a.length === 0 || b.length === 0) return this;
    const out: Entry[] = [];
    let changed = false;
    let j = 0;
    for (let i = 0; i < a.length; i++) {
      const x = a[i] as Entry;
      while (j < b.length && (b[j] as Entry).key !== x.key && (b[j] as Entry).key < x.key) j++;
      const y = b[j];
      if (y !== undefined && y.key === x.key) {
        const r = subtractEntries(x, y);
        if (r !== x) changed = true;
        if (r !== undefined) out.push(r);
        j++;
      } else {
        out.push(x);
      }
    }
    return changed ? fromEntries(out) : this;
  }

  /** contains says whether every resource of `other` (same name, type, reservations, allocation role and flags) is covered by this. */
  contains(other: Resources): boolean {
    const a = this.entries;
    const b = other.entries;
    if (b.length === 0) return true;
    if (b.length > a.length) return false;
    let i = 0;
    for (let j = 0; j < b.length; j++) {
      const y = b[j] as Entry;
      let x = a[i];
      while (x !== undefined && x.key !== y.key && x.key < y.key) x = a[++i];
      if (x === undefined || x.key !== y.key || !entryContains(x, y)) return false;
      i++;
    }
    return true;
  }

  /** equals says whether both hold exactly the same resources. */
  equals(other: Resources): boolean {
    if (this === other) return true;
    const a = this.entries;
    const b = other.entries;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!entryEquals(a[i] as Entry, b[i] as Entry)) return false;
    return true;
  }

  /** isEmpty says whether there is nothing at all. */
  isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /** scalar is the total quantity of scalar resource `name` across all reservations and allocations (0 if absent). */
  scalar(name: string): number {
    if (this.scalarCache !== undefined) return this.scalarCache.get(name) ?? 0;
    // A short scan beats building the whole map for a Resources asked about one name.
    let milli = 0;
    for (const e of this.entries) {
      if (e.name === name && e.type === 'SCALAR') milli += e.meta.counted && !e.meta.shared ? e.milli * e.count : e.milli;
    }
    return fromMilli(milli);
  }

  /**
   * scalars maps every scalar resource name to its total quantity (Mesos's "quantities", used for DRF shares).
   * The map is cached and shared: it is read-only and throws on writes.
   */
  scalars(): Map<string, number> {
    if (this.scalarCache === undefined) {
      const totals = new Map<string, number>();
      for (const e of this.entries) {
        if (e.type !== 'SCALAR') continue;
        const milli = e.meta.counted && !e.meta.shared ? e.milli * e.count : e.milli;
        totals.set(e.name, (totals.get(e.name) ?? 0) + milli);
      }
      this.scalarCache = new ScalarTotals(totals);
    }
    return this.scalarCache;
  }

  /** ranges returns all ranges of the RANGES resource `name` (e.g. `ports`) across reservations, merged and sorted. */
  ranges(name: string): Range[] {
    let total: FlatRanges = NO_NUMBERS;
    for (const e of this.entries) {
      if (e.name === name && e.type === 'RANGES') total = unionRanges(total, e.ranges);
    }
    return toRangeObjects(total);
  }

  /** set returns the items of the SET resource `name` across reservations, sorted. */
  set(name: string): string[] {
    let total: readonly string[] = NO_ITEMS;
    for (const e of this.entries) {
      if (e.name === name && e.type === 'SET') total = unionItems(total, e.items);
    }
    return [...total];
  }

  /** names lists the distinct resource names, sorted. */
  names(): string[] {
    const out: string[] = [];
    for (const e of this.entries) if (out[out.length - 1] !== e.name) out.push(e.name);
    return out;
  }

  /** filter keeps the resources `pred` accepts; `pred` sees the canonical (frozen) `Resource` objects. */
  filter(pred: (r: Resource) => boolean): Resources {
    return this.keep((e) => pred(canonical(e)));
  }

  /** named keeps only the resources called `name`. */
  named(name: string): Resources {
    return this.keep((e) => e.name === name);
  }

  /** unreserved keeps only unreserved resources (no reservations, role `*`). */
  unreserved(): Resources {
    return this.keep((e) => e.meta.reservations.length === 0);
  }

  /** reserved keeps resources whose innermost reservation role is `role`, or every reserved resource when `role` is omitted. */
  reserved(role?: string): Resources {
    if (role === undefined) return this.keep((e) => e.meta.reservations.length > 0);
    return this.keep((e) => e.meta.reservations.length > 0 && e.meta.role === role);
  }

  /**
   * allocatableTo keeps what a framework in `role` may be offered: unreserved resources and those reserved to
   * `role` or to any ancestor of it in the role tree ("a" and "a/b" for "a/b/c").
   */
  allocatableTo(role: string): Resources {
    return this.keep((e) => {
      const m = e.meta;
      return m.reservations.length === 0 || m.role === role || isStrictSubroleOf(role, m.role);
    });
  }

  /** reservations groups the reserved resources by innermost reservation role. */
  reservations(): Map<string, Resources> {
    return this.groupBy((e) => (e.meta.reservations.length === 0 ? undefined : e.meta.role));
  }

  /** revocable keeps only revocable resources. */
  revocable(): Resources {
    return this.keep((e) => e.meta.revocable);
  }

  /** nonRevocable keeps only non-revocable resources. */
  nonRevocable(): Resources {
    return this.keep((e) => !e.meta.revocable);
  }

  /** allocate returns a copy with `allocation_info.role = role` on every resource, as the allocator does before offering. */
  allocate(role: string): Resources {
    const entries = this.entries;
    const out: Entry[] = new Array<Entry>(entries.length);
    let changed = false;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i] as Entry;
      if (e.meta.allocRole === role) {
        out[i] = e;
      } else {
        out[i] = withMeta(e, allocatedMeta(e.meta, role));
        changed = true;
      }
    }
    return changed ? fromEntries(normalize(out)) : this;
  }

  /** unallocate returns a copy without `allocation_info`, as resources are when they go back to an agent's free pool. */
  unallocate(): Resources {
    const entries = this.entries;
    const out: Entry[] = new Array<Entry>(entries.length);
    let changed = false;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i] as Entry;
      if (e.meta.allocRole === undefined) {
        out[i] = e;
      } else {
        out[i] = withMeta(e, unallocatedMeta(e.meta));
        changed = true;
      }
    }
    return changed ? fromEntries(normalize(out)) : this;
  }

  /** allocations groups the resources by `allocation_info.role`; resources without allocation info are grouped under ''. */
  allocations(): Map<string, Resources> {
    return this.groupBy((e) => e.meta.allocRole ?? '');
  }

  /** toUnreserved returns a copy with every reservation removed (what an UNRESERVE of everything would leave). */
  toUnreserved(): Resources {
    return this.remeta((m) => (m.reservations.length === 0 ? m : makeMeta({ ...specOf(m), reservations: [] })));
  }

  /**
   * pushReservation adds `reservation` as the new innermost reservation of every resource (a RESERVE
   * operation); it must refine the current one (a DYNAMIC reservation to a strict sub-role). Throws
   * `CoreError('INVALID')` otherwise.
   */
  pushReservation(reservation: ReservationInfo): Resources {
    const info = readReservation(reservation);
    if (typeof info === 'string') throw invalid(info);
    return this.remeta((m) => {
      const reservations = [...m.reservations, info];
      const error = checkReservations(reservations);
      if (error !== undefined) throw invalid(error);
      return makeMeta({ ...specOf(m), reservations });
    });
  }

  /** popReservation removes the innermost reservation of every resource (an UNRESERVE); throws `CoreError('INVALID')` for unreserved ones. */
  popReservation(): Resources {
    return this.remeta((m) => {
      if (m.reservations.length === 0) throw invalid('Cannot unreserve resources that are not reserved');
      return makeMeta({ ...specOf(m), reservations: m.reservations.slice(0, -1) });
    });
  }

  /**
   * summary writes the legacy JSON summary used by /master/state and friends: cpus, gpus, mem and disk always
   * (0 when absent), other scalars by name, ranges as "[31000-31005, 31007-32000]", sets as "{a, b}", and
   * revocable resources with a "_revocable" suffix.
   */
  summary(): Record<string, number | string> {
    const out: Record<string, number | string> = { cpus: 0, gpus: 0, mem: 0, disk: 0 };
    for (const revocable of [false, true]) {
      const byName = new Map<string, { type: Kind; milli: number; ranges: FlatRanges; items: readonly string[] }>();
      for (const e of this.entries) {
        if (e.meta.revocable !== revocable) continue;
        let acc = byName.get(e.name);
        if (acc === undefined || acc.type !== e.type) {
          acc = { type: e.type, milli: 0, ranges: NO_NUMBERS, items: NO_ITEMS };
          byName.set(e.name, acc);
        }
        if (e.type === 'SCALAR') acc.milli += e.meta.counted && !e.meta.shared ? e.milli * e.count : e.milli;
        else if (e.type === 'RANGES') acc.ranges = unionRanges(acc.ranges, e.ranges);
        else acc.items = unionItems(acc.items, e.items);
      }
      for (const name of [...byName.keys()].sort()) {
        const acc = byName.get(name) as { type: Kind; milli: number; ranges: FlatRanges; items: readonly string[] };
        const key = revocable ? `${name}_revocable` : name;
        out[key] = acc.type === 'SCALAR' ? fromMilli(acc.milli) : acc.type === 'RANGES' ? formatRanges(acc.ranges) : formatItems(acc.items);
      }
    }
    return out;
  }

  /**
   * takePorts picks the `count` lowest ports of the `ports` RANGES resources, keeping each port's reservation
   * and allocation, for schedulers assigning host ports. Throws `CoreError('INVALID')` when fewer are available.
   */
  takePorts(count: number): Resources {
    if (!Number.isSafeInteger(count) || count < 0) throw invalid(`Invalid port count ${count}`);
    if (count === 0) return Resources.EMPTY;
    const pieces: Array<{ begin: number; end: number; entry: Entry }> = [];
    for (const e of this.entries) {
      if (e.name !== 'ports' || e.type !== 'RANGES' || e.meta.counted) continue;
      for (let i = 0; i < e.ranges.length; i += 2) pieces.push({ begin: e.ranges[i] as number, end: e.ranges[i + 1] as number, entry: e });
    }
    pieces.sort((x, y) => x.begin - y.begin);
    const taken = new Map<Entry, number[]>();
    let remaining = count;
    for (const p of pieces) {
      if (remaining === 0) break;
      const n = Math.min(remaining, p.end - p.begin + 1);
      let list = taken.get(p.entry);
      if (list === undefined) {
        list = [];
        taken.set(p.entry, list);
      }
      list.push(p.begin, p.begin + n - 1);
      remaining -= n;
    }
    if (remaining > 0) {
      const available = pieces.reduce((n, p) => n + p.end - p.begin + 1, 0);
      throw invalid(`Not enough ports: ${count} requested but only ${available} available`);
    }
    const out: Entry[] = [];
    for (const [e, pairs] of taken) out.push(new Entry(e.key, e.name, e.type, e.meta, 0, coalescePairs(pairs), NO_ITEMS, 1));
    return fromEntries(normalize(out));
  }

  /** portCount counts the ports in the `ports` resources, so callers can check before `takePorts`. */
  portCount(): number {
    let n = 0;
    for (const e of this.entries) if (e.name === 'ports' && e.type === 'RANGES') n += rangesSize(e.ranges);
    return n;
  }

  /** list is the resources as canonical, frozen `Resource` objects in `toJSON` order; do not mutate. */
  get list(): readonly Resource[] {
    if (this.listCache === undefined) {
      const out: Resource[] = [];
      for (const e of this.entries) {
        const r = canonical(e);
        const copies = e.meta.counted && !e.meta.shared ? e.count : 1;
        for (let i = 0; i < copies; i++) out.push(r);
      }
      this.listCache = Object.freeze(out);
    }
    return this.listCache;
  }

  private keep(pred: (e: Entry) => boolean): Resources {
    const out: Entry[] = [];
    for (const e of this.entries) if (pred(e)) out.push(e);
    return out.length === this.entries.length ? this : fromEntries(out);
  }

  private groupBy(keyOf: (e: Entry) => string | undefined): Map<string, Resources> {
    const groups = new Map<string, Entry[]>();
    for (const e of this.entries) {
      const k = keyOf(e);
      if (k === undefined) continue;
      const g = groups.get(k);
      if (g === undefined) groups.set(k, [e]);
      else g.push(e);
    }
    const out = new Map<string, Resources>();
    for (const [k, g] of groups) out.set(k, g.length === this.entries.length ? this : new Resources(g));
    return out;
  }

  private remeta(fn: (m: Meta) => Meta): Resources {
    const cache = new Map<Meta, Meta>();
    const out = this.entries.map((e) => {
      let m = cache.get(e.meta);
      if (m === undefined) {
        m = fn(e.meta);
        cache.set(e.meta, m);
      }
      return m === e.meta ? e : withMeta(e, m);
    });
    return fromEntries(normalize(out));
  }
}

/** withAgentDefaults fills in what an agent's `--resources` leaves out, as Mesos's `Containerizer::resources` does, from detected hardware. */
export function withAgentDefaults(
  configured: Resources,
  hw: { cpus: number; memMB: number; diskMB: number },
  defaultRole = '*',
): Resources {
  const have = new Set(configured.names());
  const meta = staticMeta(defaultRole);
  const extra: Entry[] = [];
  const scalar = (name: string, value: number): void => {
    if (!have.has(name)) extra.push(makeEntry(name, 'SCALAR', meta, toMilli(value), NO_NUMBERS, NO_ITEMS));
  };
  scalar('cpus', Number.isFinite(hw.cpus) && hw.cpus > 0 ? hw.cpus : 1);
  // Mesos keeps 1 GiB of memory and 5 GiB of disk for the host, or half of a small machine; it assumes
  // 1 GiB and 10 GiB when detection fails (reported here as a non-positive total).
  const mem = Number.isFinite(hw.memMB) && hw.memMB > 0 ? hw.memMB : 1024;
  scalar('mem', mem >= 2048 ? mem - 1024 : mem / 2);
  const disk = Number.isFinite(hw.diskMB) && hw.diskMB > 0 ? hw.diskMB : 10240;
  scalar('disk', disk >= 10240 ? disk - 5120 : disk / 2);
  if (!have.has('ports')) extra.push(makeEntry('ports', 'RANGES', meta, 0, [31000, 32000], NO_ITEMS));
  return configured.add(fromEntries(normalize(extra)));
}
