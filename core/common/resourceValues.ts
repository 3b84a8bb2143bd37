// Value arithmetic shared by resources and attributes: fixed-point scalars, interval sets and string sets,
// plus the text value grammar of Mesos flags (src/common/values.cpp). Ranges are kept as flat arrays
// [b0, e0, b1, e1, ...] and sets as sorted arrays, so the hot paths allocate little.

/** FlatRanges is an interval list as a flat array `[b0, e0, b1, e1, ...]`; canonical when sorted, disjoint and non-adjacent. */
export type FlatRanges = readonly number[];

/**
 * toMilli converts a scalar to integer thousandths, rounding half away from zero like Mesos's fixed-point
 * conversion, so sums and differences are exact and never drift.
 */
export function toMilli(value: number): number {
  const m = value >= 0 ? Math.round(value * 1000) : -Math.round(-value * 1000);
  return m === 0 ? 0 : m;
}

/** fromMilli turns integer thousandths back into the nearest double, so 300 becomes exactly the literal 0.3. */
export function fromMilli(milli: number): number {
  return milli === 0 ? 0 : milli / 1000;
}

/**
 * roundScalar rounds a quantity to Mesos's three decimal places (0.1 + 0.2 gives exactly 0.3), so every
 * scalar Plateau stores, compares or reports agrees with what Mesos would hold.
 */
export function roundScalar(value: number): number {
  return fromMilli(toMilli(value));
}

/**
 * formatDouble prints a number as C++ streams do with 15 significant digits (`%.15g`), the way Mesos prints
 * scalars in resource strings ("4", "0.5", "1e+20").
 */
export function formatDouble(value: number): string {
  if (value === 0) return '0';
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const exp = Number(value.toExponential(14).split('e')[1]);
  if (exp < -4 || exp >= 15) {
    const [mantissa = '', e = ''] = value.toExponential(14).split('e');
    const digits = e.replace(/^[+-]/, '');
    return `${trimZeros(mantissa)}e${e.startsWith('-') ? '-' : '+'}${digits.padStart(2, '0')}`;
  }
  return trimZeros(value.toFixed(Math.max(0, 14 - exp)));
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** formatScalar prints a scalar as Mesos does: rounded to three decimals, then `%.15g`. */
export function formatScalar(value: number): string {
  return formatDouble(roundScalar(value));
}

/** ParsedValue is one value of the Mesos text grammar; ranges are the raw pairs in input order (not yet checked or merged). */
export type ParsedValue =
  | { type: 'SCALAR'; value: number }
  | { type: 'RANGES'; pairs: number[] }
  | { type: 'SET'; items: string[] }
  | { type: 'TEXT'; value: string };

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const UINT = /^\d+$/;
const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * parseValue reads one value of the Mesos text grammar, ignoring whitespace: `[b-e, ...]` ranges, `{a, b}`
 * sets, a non-negative number as a scalar, and anything else as text. It returns an error message (a string)
 * for text that cannot be a value, with Mesos's wording.
 */
export function parseValue(text: string): ParsedValue | string {
  const s = text.replace(/\s+/g, '');
  if (s.length === 0) return 'Expecting non-empty string';
  if (!bracketsMatch(s, '{', '}') || !bracketsMatch(s, '[', ']') || !bracketsMatch(s, '(', ')')) {
    return 'Mismatched brackets';
  }
  const square = s.indexOf('[');
  if (square === 0) {
    if (!s.endsWith(']') || s.indexOf('[', 1) >= 0) return 'Expecting one or more "ranges"';
    const inner = s.slice(1, -1);
    const pairs: number[] = [];
    if (inner.length > 0) {
      for (const part of inner.split(',')) {
        if (part.length === 0) continue; // Mesos tokenizes, so stray commas are harmless.
        const dash = part.indexOf('-');
        const b = part.slice(0, dash);
        const e = part.slice(dash + 1);
        if (dash < 0 || !UINT.test(b) || !UINT.test(e)) return `Expecting non-negative integers in '${part}'`;
        const begin = Number(b);
        const end = Number(e);
        if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end)) return `Expecting non-negative integers in '${part}'`;
        pairs.push(begin, end);
      }
    }
    return { type: 'RANGES', pairs };
  }
  if (square > 0) return "Unexpected '[' found";
  const curly = s.indexOf('{');
  if (curly === 0) {
    if (!s.endsWith('}') || s.indexOf('{', 1) >= 0) return "Unexpected '{' found";
    const items = s.slice(1, -1).split(',').filter((item) => item.length > 0);
    return { type: 'SET', items };
  }
  if (curly > 0) return "Unexpected '{' found";
  if (DECIMAL.test(s)) {
    const value = Number(s);
    if (value !== 0 && Math.abs(value) < MIN_NORMAL && Number.isFinite(value)) return 'Subnormal values not supported';
    // Infinite and negative numbers are not scalars in Mesos's grammar; they read as text.
    if (Number.isFinite(value) && value >= 0) return { type: 'SCALAR', value: value === 0 ? 0 : value };
  }
  return { type: 'TEXT', value: s };
}

function bracketsMatch(s: string, open: string, close: string): boolean {
  let depth = 0;
  for (const ch of s) {
    if (ch === open) depth++;
    else if (ch === close && --depth < 0) return false;
  }
  return depth === 0;
}

/** checkRangePairs returns Mesos's error for inverted or overlapping raw pairs, or undefined when they are valid. */
export function checkRangePairs(pairs: readonly number[]): string | undefined {
  for (let i = 0; i < pairs.length; i += 2) {
    if ((pairs[i] as number) > (pairs[i + 1] as number)) return 'Invalid ranges resource: begin > end';
  }
  const sorted = sortPairs(pairs);
  for (let i = 2; i < sorted.length; i += 2) {
    if ((sorted[i] as number) <= (sorted[i - 1] as number)) return 'Invalid ranges resource: overlapping ranges';
  }
  return undefined;
}

function sortPairs(pairs: readonly number[]): number[] {
  const idx: number[] = [];
  for (let i = 0; i < pairs.length; i += 2) idx.push(i);
  idx.sort((x, y) => (pairs[x] as number) - (pairs[y] as number) || (pairs[x + 1] as number) - (pairs[y + 1] as number));
  const out: number[] = [];
  for (const i of idx) out.push(pairs[i] as number, pairs[i + 1] as number);
  return out;
}

/** coalescePairs sorts raw pairs and merges overlapping or adjacent ones into canonical `FlatRanges`. */
export function coalescePairs(pairs: readonly number[]): number[] {
  if (pairs.length === 0) return [];
  const sorted = sortPairs(pairs);
  const out: number[] = [sorted[0] as number, sorted[1] as number];
  for (let i = 2; i < sorted.length; i += 2) {
    const b = sorted[i] as number;
    const e = sorted[i + 1] as number;
    const last = out.length - 1;
    if (b <= (out[last] as number) + 1) {
      if (e > (out[last] as number)) out[last] = e;
    } else {
      out.push(b, e);
    }
  }
  return out;
}

/** unionRanges merges two canonical range lists into one canonical list. */
export function unionRanges(a: FlatRanges, b: FlatRanges): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let begin: number;
    let end: number;
    if (j >= b.length || (i < a.length && (a[i] as number) <= (b[j] as number))) {
      begin = a[i] as number;
      end = a[i + 1] as number;
      i += 2;
    } else {
      begin = b[j] as number;
      end = b[j + 1] as number;
      j += 2;
    }
    const last = out.length - 1;
    if (last > 0 && begin <= (out[last] as number) + 1) {
      if (end > (out[last] as number)) out[last] = end;
    } else {
      out.push(begin, end);
    }
  }
  return out;
}

/** subtractRanges removes every number of `b` from `a` (both canonical); numbers of `b` not in `a` are ignored. */
export function subtractRanges(a: FlatRanges, b: FlatRanges): number[] {
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let begin = a[i] as number;
    const end = a[i + 1] as number;
    while (j < b.length && (b[j + 1] as number) < begin) j += 2;
    let k = j;
    while (k < b.length && (b[k] as number) <= end) {
      const rb = b[k] as number;
      const re = b[k + 1] as number;
      if (rb > begin) out.push(begin, rb - 1);
      begin = re + 1;
      if (begin > end) break;
      k += 2;
    }
    if (begin <= end) out.push(begin, end);
  }
  return out;
}

/** rangesContain says whether every number of canonical `b` lies in canonical `a`. */
export function rangesContain(a: FlatRanges, b: FlatRanges): boolean {
  let i = 0;
  for (let j = 0; j < b.length; j += 2) {
    const begin = b[j] as number;
    while (i < a.length && (a[i + 1] as number) < begin) i += 2;
    if (i >= a.length || (a[i] as number) > begin || (a[i + 1] as number) < (b[j + 1] as number)) return false;
  }
  return true;
}

/** rangesSize counts the numbers in a canonical range list (ports, for `takePorts`). */
export function rangesSize(a: FlatRanges): number {
  let n = 0;
  for (let i = 0; i < a.length; i += 2) n += (a[i + 1] as number) - (a[i] as number) + 1;
  return n;
}

/** formatRanges prints a range list as Mesos does: `[31000-31005, 31007-32000]`. */
export function formatRanges(a: FlatRanges, separator = ', '): string {
  const parts: string[] = [];
  for (let i = 0; i < a.length; i += 2) parts.push(`${a[i] as number}-${a[i + 1] as number}`);
  return `[${parts.join(separator)}]`;
}

/** unionItems merges two sorted, duplicate-free item lists. */
export function unionItems(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as string;
    const y = b[j] as string;
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) {
      out.push(x);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  while (i < a.length) out.push(a[i++] as string);
  while (j < b.length) out.push(b[j++] as string);
  return out;
}

/** subtractItems removes the items of sorted `b` from sorted `a`. */
export function subtractItems(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  let j = 0;
  for (const x of a) {
    while (j < b.length && (b[j] as string) < x) j++;
    if (j < b.length && b[j] === x) continue;
    out.push(x);
  }
  return out;
}

/** itemsContain says whether every item of sorted `b` is in sorted `a`. */
export function itemsContain(a: readonly string[], b: readonly string[]): boolean {
  if (b.length > a.length) return false;
  let i = 0;
  for (const y of b) {
    while (i < a.length && (a[i] as string) < y) i++;
    if (i >= a.length || a[i] !== y) return false;
    i++;
  }
  return true;
}

/** sameArray compares two arrays element by element. */
export function sameArray<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** formatItems prints a set as Mesos does: `{a, b}`. */
export function formatItems(items: readonly string[], separator = ', '): string {
  return `{${items.join(separator)}}`;
}
