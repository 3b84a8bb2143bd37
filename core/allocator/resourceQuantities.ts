import { fromMilli, toMilli } from '../common/resourceValues.js';

// Resource names are interned into small integer slots shared by every bag, so the arithmetic below is a
// loop over a short number array instead of hashing names. The table only grows (clusters have a handful
// of resource names) and its order never shows outside this file.
const slotNames: string[] = [];
const slotIndex = new Map<string, number>();

function slotOf(name: string): number {
  let slot = slotIndex.get(name);
  if (slot === undefined) {
    slot = slotNames.length;
    slotNames.push(name);
    slotIndex.set(name, slot);
  }
  return slot;
}

/**
 * ResourceQuantities is a mutable bag of scalar amounts by resource name (`cpus: 2, mem: 1024`), Mesos's
 * `ResourceQuantities`. The allocator keeps shares, quota consumption and headroom as quantities rather
 * than `Resources` because they are summed and compared on every offer: amounts are held as integer
 * thousandths, so adding and subtracting never drifts and `cpus: 0.1 + 0.2` really equals `0.3`.
 * Absent names and zero are the same thing; subtraction floors at zero, as in Mesos.
 */
export class ResourceQuantities {
  /**
   * milli holds the amount per name slot, in thousandths; it may be shorter than the slot table. A typed
   * array keeps every bag the same shape for the JIT, whatever the magnitudes (sums over thousands of
   * agents outgrow small integers).
   */
  private milli: Float64Array;
  private nonZero = 0;

  constructor() {
    this.milli = new Float64Array(Math.max(8, slotNames.length));
  }

  /** slotOf is the slot of `name`, for callers that loop over slots (`milliAt`). */
  static slotOf(name: string): number {
    return slotOf(name);
  }

  /** slotName is the resource name of a slot. */
  static slotName(slot: number): string {
    return slotNames[slot] as string;
  }

  /** fromRecord reads `{ cpus: 2, mem: 1024 }`; non-positive and non-finite amounts are dropped. */
  static fromRecord(record: Readonly<Record<string, number>>): ResourceQuantities {
    const q = new ResourceQuantities();
    for (const [name, value] of Object.entries(record)) q.addMilli(name, toMilli(value));
    return q;
  }

  /** get returns the amount of `name` in its natural unit (0 when absent). */
  get(name: string): number {
    return fromMilli(this.getMilli(name));
  }

  /** getMilli returns the amount of `name` in thousandths, the unit every comparison uses. */
  getMilli(name: string): number {
    const slot = slotIndex.get(name);
    return slot === undefined ? 0 : this.milliAt(slot);
  }

  /** slots is one past the highest slot this bag may hold; loop `0 <= s < slots` with `milliAt`. */
  get slots(): number {
    return this.milli.length;
  }

  /** milliAt is the amount at `slot`, in thousandths. */
  milliAt(slot: number): number {
    return slot < this.milli.length ? (this.milli[slot] as number) : 0;
  }

  /** has says whether `name` has a positive amount. */
  has(name: string): boolean {
    return this.getMilli(name) > 0;
  }

  /** isEmpty says whether every amount is zero. */
  isEmpty(): boolean {
    return this.nonZero === 0;
  }

  /** size is the number of names with a positive amount. */
  get size(): number {
    return this.nonZero;
  }

  /** entriesMilli lists `[name, thousandths]` for every positive amount. */
  entriesMilli(): Array<[string, number]> {
    const out: Array<[string, number]> = [];
    for (let s = 0; s < this.milli.length; s++) {
      const amount = this.milli[s] as number;
      if (amount > 0) out.push([slotNames[s] as string, amount]);
    }
    return out;
  }

  /** addMilli adds `amount` thousandths of `name` in place; a negative amount subtracts (flooring at zero). */
  addMilli(name: string, amount: number): this {
    if (amount !== 0 && Number.isFinite(amount)) this.addAt(slotOf(name), amount);
    return this;
  }

  /** add adds `other` in place and returns `this`. */
  add(other: ResourceQuantities): this {
    const m = other.milli;
    for (let s = 0; s < m.length; s++) {
      const amount = m[s] as number;
      if (amount !== 0) this.addAt(s, amount);
    }
    return this;
  }

  /** subtract removes `other` in place, flooring every amount at zero, and returns `this`. */
  subtract(other: ResourceQuantities): this {
    const m = other.milli;
    for (let s = 0; s < m.length; s++) {
      const amount = m[s] as number;
      if (amount !== 0) this.addAt(s, -amount);
    }
    return this;
  }

  /** plus returns a new bag `this + other`. */
  plus(other: ResourceQuantities): ResourceQuantities {
    return this.clone().add(other);
  }

  /** minus returns a new bag `this - other`, floored at zero per name. */
  minus(other: ResourceQuantities): ResourceQuantities {
    return this.clone().subtract(other);
  }

  /** clone returns an independent copy. */
  clone(): ResourceQuantities {
    const q = new ResourceQuantities();
    if (q.milli.length < this.milli.length) q.milli = new Float64Array(this.milli.length);
    q.milli.set(this.milli);
    q.nonZero = this.nonZero;
    return q;
  }

  /** clear empties the bag in place. */
  clear(): this {
    this.milli.fill(0);
    this.nonZero = 0;
    return this;
  }

  /** contains says whether every amount of `other` is at most the amount here. */
  contains(other: ResourceQuantities): boolean {
    const m = other.milli;
    for (let s = 0; s < m.length; s++) {
      if ((m[s] as number) > this.milliAt(s)) return false;
    }
    return true;
  }

  /** equals compares amounts name by name. */
  equals(other: ResourceQuantities): boolean {
    return this.nonZero === other.nonZero && this.contains(other);
  }

  /** toRecord returns `{ name: amount }` in natural units, names sorted, for reports and tests. */
  toRecord(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, amount] of this.entriesMilli().sort((a, b) => (a[0] < b[0] ? -1 : 1))) out[name] = fromMilli(amount);
    return out;
  }

  /** toString prints `cpus:2; mem:1024` like Mesos's resource strings, for log lines. */
  toString(): string {
    return Object.entries(this.toRecord())
      .map(([name, value]) => `${name}:${value}`)
      .join('; ');
  }

  private addAt(slot: number, amount: number): void {
    if (slot >= this.milli.length) {
      const grown = new Float64Array(Math.max(slot + 1, this.milli.length * 2));
      grown.set(this.milli);
      this.milli = grown;
    }
    const m = this.milli;
    const old = m[slot] as number;
    const next = old + amount > 0 ? old + amount : 0;
    m[slot] = next;
    if (old === 0 && next > 0) this.nonZero++;
    else if (old > 0 && next === 0) this.nonZero--;
  }
}
