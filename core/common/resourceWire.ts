// Wire formats of resources: the `--resources` text grammar, v1 JSON validation in both reservation formats
// (src/common/resources.cpp `Resources::validate`), and the JSON and text writers. Used by resources.ts.
import { invalid } from './errors.js';
import {
  type Entry,
  type Kind,
  type Labels,
  type Meta,
  UNRESERVED,
  deepFreeze,
  isEmptyEntry,
  isRecord,
  makeEntry,
  makeMeta,
  normalize,
  staticMeta,
  NO_ITEMS,
  NO_NUMBERS,
} from './resourceEntries.js';
import type { Range, ReservationInfo, Resource } from './resourceTypes.js';
import {
  type FlatRanges,
  checkRangePairs,
  coalescePairs,
  formatDouble,
  formatItems,
  formatRanges,
  fromMilli,
  parseValue,
  toMilli,
} from './resourceValues.js';
import { isStrictSubroleOf, validateRole } from './roles.js';

// Scalars are kept as integer thousandths, exact only below 2^53 (about 9e12 units); Mesos's own fixed-point
// conversion overflows somewhat later, so nothing real is lost.
const TOO_LARGE = 'Invalid scalar resource: value is too large';

/** parseText reads the Mesos text form of `--resources` into canonical entries, with Mesos's errors. */
export function parseText(text: string, defaultRole: string): Entry[] {
  const metas = new Map<string, Meta>();
  const entries: Entry[] = [];
  for (const token of text.split(';')) {
    if (token.trim() === '') continue;
    const pair = token.split(':');
    if (pair.length !== 2) throw invalid(`Bad value for resources, missing or extra ':' in ${token}`);
    const key = pair[0] as string;
    const valueText = pair[1] as string;
    let name: string;
    let role: string;
    const open = key.indexOf('(');
    if (open < 0) {
      name = key.trim();
      role = defaultRole;
    } else {
      const close = key.indexOf(')');
      if (close < open || key.slice(close + 1).trim() !== '' || key.indexOf('(', open + 1) >= 0) {
        throw invalid(`Bad value for resources, mismatched parentheses in ${token}`);
      }
      name = key.slice(0, open).trim();
      role = key.slice(open + 1, close).trim();
    }
    const value = parseValue(valueText);
    if (typeof value === 'string') throw invalid(`Failed to parse resource ${name} value ${valueText} error ${value}`);
    if (value.type === 'TEXT') throw invalid(`Bad type for resource ${name} value ${valueText} type TEXT`);
    if (name === '') throw invalid('Empty resource name');
    let meta = metas.get(role);
    if (meta === undefined) {
      const roleError = validateRole(role);
      if (roleError !== undefined) throw invalid(roleError);
      meta = staticMeta(role);
      metas.set(role, meta);
    }
    if (value.type === 'SCALAR') {
      const milli = toMilli(value.value);
      if (value.value !== 0 && milli <= 0) throw invalid('Invalid scalar resource: value <= 0');
      if (!Number.isSafeInteger(milli)) throw invalid(TOO_LARGE);
      entries.push(makeEntry(name, 'SCALAR', meta, milli, NO_NUMBERS, NO_ITEMS));
    } else if (value.type === 'RANGES') {
      const error = checkRangePairs(value.pairs);
      if (error !== undefined) throw invalid(error);
      entries.push(makeEntry(name, 'RANGES', meta, 0, coalescePairs(value.pairs), NO_ITEMS));
    } else {
      const items = [...value.items].sort();
      if (hasDuplicates(items)) throw invalid('Invalid set resource: duplicated elements');
      entries.push(makeEntry(name, 'SET', meta, 0, NO_NUMBERS, items));
    }
  }
  return normalize(entries);
}

/** checkCommandLine rejects what Mesos refuses in a flag: persistent volumes, revocable or dynamically reserved resources, one name with two types. */
export function checkCommandLine(entries: readonly Entry[]): void {
  const types = new Map<string, Kind>();
  for (const e of entries) {
    if (e.meta.persistent) throw invalid('Persistent volumes cannot be specified at the command line');
    if (e.meta.revocable) {
      throw invalid("Revocable resources cannot be specified at the command line; do not include a 'revocable' key in the resources JSON");
    }
    if (e.meta.dynamic) {
      throw invalid(
        'Dynamic reservations cannot be specified at the command line; do not include a reservation with DYNAMIC type in the resources JSON',
      );
    }
    const seen = types.get(e.name);
    if (seen !== undefined && seen !== e.type) {
      throw invalid(`Resources with the same name ('${e.name}') but different types are not allowed`);
    }
    types.set(e.name, e.type);
  }
}

function hasDuplicates(sorted: readonly string[]): boolean {
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) return true;
  return false;
}

/** jsonNumber reads a JSON number that may arrive as a string (protobuf JSON allows both); NaN when it is neither. */
function jsonNumber(x: unknown): number {
  if (typeof x === 'number') return x;
  if (typeof x === 'string' && x.trim() !== '') return Number(x);
  return NaN;
}

/** describeRaw shortens a JSON value for an error message. */
export function describeRaw(raw: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(raw) ?? String(raw);
  } catch {
    text = String(raw);
  }
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

function readLabels(x: unknown): Labels | string {
  if (!isRecord(x)) return 'Invalid labels: must be an object';
  const list = x['labels'] ?? [];
  if (!Array.isArray(list)) return "Invalid labels: 'labels' must be an array";
  const labels: Array<{ key: string; value?: string }> = [];
  for (const l of list) {
    if (!isRecord(l) || typeof l['key'] !== 'string') return "Invalid labels: every label needs a string 'key'";
    const v = l['value'];
    if (v !== undefined && typeof v !== 'string') return "Invalid labels: 'value' must be a string";
    labels.push(v === undefined ? { key: l['key'] } : { key: l['key'], value: v });
  }
  return { labels };
}

/** readReservation reads one post-refinement `ReservationInfo`, checking the fields Mesos requires. */
export function readReservation(x: unknown): ReservationInfo | string {
  if (!isRecord(x)) return 'Invalid reservation: must be an object';
  const type = x['type'];
  if (type !== 'STATIC' && type !== 'DYNAMIC') return "Invalid reservation: 'Resource.ReservationInfo.type' field must be set.";
  const role = x['role'];
  if (typeof role !== 'string') return "Invalid reservation: 'Resource.ReservationInfo.role' field must be set.";
  const out: ReservationInfo = { type, role };
  const principal = x['principal'];
  if (principal !== undefined) {
    if (typeof principal !== 'string') return "Invalid reservation: 'principal' must be a string";
    out.principal = principal;
  }
  if (x['labels'] !== undefined) {
    const labels = readLabels(x['labels']);
    if (typeof labels === 'string') return labels;
    out.labels = labels;
  }
  return out;
}

/** checkReservations applies Mesos's rules to a post-refinement reservation stack. */
export function checkReservations(reservations: readonly ReservationInfo[]): string | undefined {
  for (const r of reservations) {
    const role = r.role ?? '';
    const error = validateRole(role);
    if (error !== undefined) return error;
    if (role === '*') return 'Invalid reservation: role "*" cannot be reserved';
  }
  let ancestor = (reservations[0] as ReservationInfo).role ?? '';
  for (let i = 1; i < reservations.length; i++) {
    const r = reservations[i] as ReservationInfo;
    if (r.type === 'STATIC') return 'Invalid refined reservation: A refined reservation cannot be STATIC';
    const descendant = r.role ?? '';
    if (!isStrictSubroleOf(descendant, ancestor)) {
      return `Invalid refined reservation: role '${descendant}' is not a refinement of '${ancestor}'`;
    }
    ancestor = descendant;
  }
  return undefined;
}

function sameLabels(a: Labels | undefined, b: Labels | undefined): boolean {
  return JSON.stringify(a?.labels ?? []) === JSON.stringify(b?.labels ?? []);
}

/** entryFromJSON validates one v1 `Resource` as Mesos does and returns its entry, undefined when it is empty, or an error message. */
export function entryFromJSON(raw: unknown, defaultRole: string): Entry | undefined | string {
  if (!isRecord(raw)) return 'Resource must be a JSON object';
  const name = raw['name'];
  if (name !== undefined && typeof name !== 'string') return "'name' must be a string";
  if (name === undefined || name === '') return 'Empty resource name';
  const type = raw['type'];
  if (type === 'TEXT') return 'Unsupported resource type';
  if (type !== 'SCALAR' && type !== 'RANGES' && type !== 'SET') return 'Invalid resource type';
  const hasScalar = raw['scalar'] !== undefined;
  const hasRanges = raw['ranges'] !== undefined;
  const hasSet = raw['set'] !== undefined;

  let milli = 0;
  let ranges: FlatRanges = NO_NUMBERS;
  let items: readonly string[] = NO_ITEMS;
  if (type === 'SCALAR') {
    const scalar = raw['scalar'];
    if (!isRecord(scalar) || scalar['value'] === undefined || hasRanges || hasSet) return 'Invalid scalar resource';
    const value = jsonNumber(scalar['value']);
    if (Number.isNaN(value)) return 'Invalid scalar resource: value is not a number';
    if (!Number.isFinite(value)) return 'Invalid scalar resource: value must be finite';
    milli = toMilli(value);
    if (value !== 0 && milli <= 0) return 'Invalid scalar resource: value <= 0';
    if (!Number.isSafeInteger(milli)) return TOO_LARGE;
  } else if (type === 'RANGES') {
    const r = raw['ranges'];
    if (!isRecord(r) || hasScalar || hasSet) return 'Invalid ranges resource';
    const list = r['range'] ?? [];
    if (!Array.isArray(list)) return 'Invalid ranges resource';
    const pairs: number[] = [];
    for (const range of list) {
      if (!isRecord(range)) return 'Invalid ranges resource';
      const begin = jsonNumber(range['begin']);
      const end = jsonNumber(range['end']);
      if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || begin < 0 || end < 0) {
        return 'Invalid ranges resource: begin and end must be non-negative integers';
      }
      pairs.push(begin, end);
    }
    const error = checkRangePairs(pairs);
    if (error !== undefined) return error;
    ranges = coalescePairs(pairs);
  } else {
    const s = raw['set'];
    if (!isRecord(s) || hasScalar || hasRanges) return 'Invalid set resource';
    const list = s['item'] ?? [];
    if (!Array.isArray(list) || !list.every((i) => typeof i === 'string')) return 'Invalid set resource';
    const sorted = [...(list as string[])].sort();
    if (hasDuplicates(sorted)) return 'Invalid set resource: duplicated elements';
    items = sorted;
  }

  // DiskInfo: only for `disk`; persistent volumes and exclusive (MOUNT, BLOCK, identified RAW) disks never merge.
  const disk = raw['disk'];
  let diskKey = '';
  let persistent = false;
  let exclusiveDisk = false;
  if (disk !== undefined) {
    if (name !== 'disk') return `DiskInfo should not be set for ${name} resource`;
    if (!isRecord(disk)) return 'Invalid disk info';
    const source = disk['source'];
    if (source !== undefined) {
      if (!isRecord(source)) return 'Invalid disk source';
      const st = source['type'];
      if (st !== 'PATH' && st !== 'MOUNT' && st !== 'BLOCK' && st !== 'RAW') {
        return `Unsupported 'DiskInfo.Source.Type' in '${describeRaw(source)}'`;
      }
      if ((st === 'BLOCK' || st === 'RAW') && source['mount'] !== undefined) return `Mount should not be set for ${st} disk source`;
      if ((st === 'BLOCK' || st === 'RAW') && source['path'] !== undefined) return `Path should not be set for ${st} disk source`;
      exclusiveDisk = st === 'MOUNT' || st === 'BLOCK' || (st === 'RAW' && source['id'] !== undefined);
    }
    const persistence = disk['persistence'];
    if (persistence !== undefined) {
      if (!isRecord(persistence) || typeof persistence['id'] !== 'string') return 'Invalid persistence: id must be a string';
      persistent = true;
    }
    // Like Mesos, `volume` (how a task mounts the disk) is not part of the disk's identity.
    diskKey = stableStringify({ source, persistence: isRecord(persistence) ? persistence['id'] : undefined });
  }

  // Reservations, in either format.
  let reservations: ReservationInfo[];
  const rawReservations = raw['reservations'] ?? [];
  if (!Array.isArray(rawReservations)) return "'reservations' must be an array";
  const rawRole = raw['role'];
  if (rawRole !== undefined && typeof rawRole !== 'string') return "'role' must be a string";
  const rawReservation = raw['reservation'];
  if (rawReservation !== undefined && !isRecord(rawReservation)) return "'reservation' must be an object";
  if (rawReservations.length === 0) {
    const role = rawRole ?? defaultRole;
    const roleError = validateRole(role);
    if (roleError !== undefined) return roleError;
    if (rawReservation !== undefined) {
      if (rawReservation['type'] !== undefined) return "'Resource.ReservationInfo.type' must not be set for the 'Resource.reservation' field";
      if (rawReservation['role'] !== undefined) return "'Resource.ReservationInfo.role' must not be set for the 'Resource.reservation' field";
      if (role === '*') return 'Invalid reservation: role "*" cannot be dynamically reserved';
      const dyn = readReservation({ ...rawReservation, type: 'DYNAMIC', role });
      if (typeof dyn === 'string') return dyn;
      reservations = [dyn];
    } else {
      reservations = role === '*' ? [] : [{ type: 'STATIC', role }];
    }
  } else {
    reservations = [];
    for (const r of rawReservations) {
      const info = readReservation(r);
      if (typeof info === 'string') return info;
      reservations.push(info);
    }
    const error = checkReservations(reservations);
    if (error !== undefined) return error;
    const only = reservations.length === 1 ? (reservations[0] as ReservationInfo) : undefined;
    if (only === undefined) {
      if (rawRole !== undefined) return "Invalid resource format: 'Resource.role' must not be set if there is more than one reservation in 'Resource.reservations'";
      if (rawReservation !== undefined) {
        return "Invalid resource format: 'Resource.reservation' must not be set if there is more than one reservation in 'Resource.reservations'";
      }
    } else {
      if (rawRole !== undefined && rawRole !== only.role) {
        return `Invalid resource format: 'Resource.role' field with '${rawRole}' does not match the role '${only.role ?? ''}' in 'Resource.reservations'`;
      }
      if (only.type === 'STATIC' && rawReservation !== undefined) {
        return "Invalid resource format: 'Resource.reservation' must not be set if the single reservation in 'Resource.reservations' is STATIC";
      }
      if (only.type === 'DYNAMIC') {
        if ((rawRole !== undefined) !== (rawReservation !== undefined)) {
          return "Invalid resource format: 'Resource.role' and 'Resource.reservation' must either be both set or both not set if the single reservation in 'Resource.reservations' is DYNAMIC";
        }
        if (rawReservation !== undefined) {
          const p = rawReservation['principal'];
          if ((p ?? '') !== (only.principal ?? '')) {
            return `Invalid resource format: 'Resource.reservation.principal' field with '${String(p ?? '')}' does not match the principal '${only.principal ?? ''}' in 'Resource.reservations'`;
          }
          const labels = rawReservation['labels'] === undefined ? undefined : readLabels(rawReservation['labels']);
          if (typeof labels === 'string') return labels;
          if (!sameLabels(labels, only.labels)) {
            return "Invalid resource format: 'Resource.reservation.labels' does not match the labels in 'Resource.reservations'";
          }
        }
      }
    }
  }

  const shared = raw['shared'] !== undefined;
  if (shared) {
    if (name !== 'disk') return `Resource ${name} cannot be shared`;
    if (!persistent) return 'Only persistent volumes can be shared';
  }
  let allocRole: string | undefined;
  const alloc = raw['allocation_info'];
  if (alloc !== undefined) {
    if (!isRecord(alloc)) return "'allocation_info' must be an object";
    const role = alloc['role'] ?? '';
    if (typeof role !== 'string') return "'allocation_info.role' must be a string";
    allocRole = role;
  }
  let providerId: string | undefined;
  const provider = raw['provider_id'];
  if (provider !== undefined) {
    if (!isRecord(provider) || typeof provider['value'] !== 'string') return "'provider_id.value' must be a string";
    providerId = provider['value'];
  }
  const revocable = raw['revocable'] !== undefined;

  const plain = reservations.length === 0 && allocRole === undefined && !revocable && !shared && disk === undefined && providerId === undefined;
  const meta = plain
    ? UNRESERVED
    : makeMeta({
        reservations,
        allocRole,
        revocable,
        shared,
        disk: disk === undefined ? undefined : JSON.parse(JSON.stringify(disk)),
        diskKey,
        persistent,
        exclusiveDisk,
        providerId,
      });
  const e = makeEntry(name, type, meta, milli, ranges, items);
  return isEmptyEntry(e) ? undefined : e;
}

function stableStringify(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(stableStringify).join(',')}]`;
  if (isRecord(x)) {
    const keys = Object.keys(x)
      .filter((k) => x[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(x[k])}`).join(',')}}`;
  }
  return x === undefined ? 'null' : JSON.stringify(x);
}

function copyReservation(r: ReservationInfo): ReservationInfo {
  const out: ReservationInfo = { type: r.type ?? 'STATIC', role: r.role ?? '' };
  if (r.principal !== undefined) out.principal = r.principal;
  if (r.labels !== undefined) out.labels = copyLabels(r.labels);
  return out;
}

function copyLabels(labels: Labels): Labels {
  return { labels: labels.labels.map((l) => ({ ...l })) };
}

/** toRangeObjects turns flat ranges into wire `Range` objects. */
export function toRangeObjects(ranges: FlatRanges): Range[] {
  const out: Range[] = [];
  for (let i = 0; i < ranges.length; i += 2) out.push({ begin: ranges[i] as number, end: ranges[i + 1] as number });
  return out;
}

/** canonical is an entry's frozen `Resource`, built once and cached on the entry. */
export function canonical(e: Entry): Resource {
  if (e.res !== undefined) return e.res;
  const m = e.meta;
  const r: Resource = { name: e.name, type: e.type };
  if (e.type === 'SCALAR') r.scalar = { value: fromMilli(e.milli) };
  else if (e.type === 'RANGES') r.ranges = { range: toRangeObjects(e.ranges) };
  else r.set = { item: [...e.items] };
  if (m.reservations.length > 0) r.reservations = m.reservations as ReservationInfo[];
  if (m.allocationInfo !== undefined) r.allocation_info = m.allocationInfo;
  if (m.disk !== undefined) r.disk = m.disk;
  if (m.revocable) r.revocable = {};
  if (m.shared) r.shared = {};
  if (m.providerId !== undefined) r.provider_id = { value: m.providerId };
  e.res = deepFreeze(r);
  return e.res;
}

/** toWire builds a fresh wire `Resource` for an entry in one of the three JSON forms Mesos writes. */
export function toWire(e: Entry, form: 'post' | 'legacy' | 'endpoint', stripAllocation: boolean): Resource {
  const m = e.meta;
  const r: Resource = { name: e.name, type: e.type };
  if (e.type === 'SCALAR') r.scalar = { value: fromMilli(e.milli) };
  else if (e.type === 'RANGES') r.ranges = { range: toRangeObjects(e.ranges) };
  else r.set = { item: [...e.items] };
  if (form !== 'post' && m.reservations.length <= 1) {
    r.role = m.role;
    const top = m.reservations[0];
    if (top !== undefined && top.type === 'DYNAMIC') {
      const reservation: ReservationInfo = {};
      if (top.principal !== undefined) reservation.principal = top.principal;
      if (top.labels !== undefined) reservation.labels = copyLabels(top.labels);
      r.reservation = reservation;
    }
  }
  if (m.allocationInfo !== undefined && !stripAllocation) r.allocation_info = { ...m.allocationInfo };
  if (form !== 'legacy' && m.reservations.length > 0) r.reservations = m.reservations.map(copyReservation);
  if (m.disk !== undefined) r.disk = JSON.parse(JSON.stringify(m.disk));
  if (m.revocable) r.revocable = {};
  if (m.shared) r.shared = {};
  if (m.providerId !== undefined) r.provider_id = { value: m.providerId };
  return r;
}

/** formatEntry prints one entry in Mesos's text form. */
export function formatEntry(e: Entry): string {
  const m = e.meta;
  let s = `${e.name}(${m.role}`;
  const top = m.reservations[m.reservations.length - 1];
  if (top?.type === 'DYNAMIC' && top.principal !== undefined) s += `, ${top.principal}`;
  s += ')';
  if (m.allocRole !== undefined) s += `(allocated: ${m.allocRole})`;
  if (m.disk !== undefined && isRecord(m.disk)) {
    const p = m.disk['persistence'];
    const src = m.disk['source'];
    const parts: string[] = [];
    if (isRecord(src) && typeof src['type'] === 'string') parts.push(src['type']);
    if (isRecord(p) && typeof p['id'] === 'string') parts.push(p['id']);
    s += `[${parts.join(',')}]`;
  }
  if (m.revocable) s += '{REV}';
  if (m.shared) s += '<SHARED>';
  s += ':';
  if (e.type === 'SCALAR') s += formatDouble(fromMilli(e.milli));
  else if (e.type === 'RANGES') s += formatRanges(e.ranges);
  else s += formatItems(e.items);
  return s;
}
