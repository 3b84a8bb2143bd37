import type { OfferFilter } from './offerFilter.js';

/**
 * FilterExpiryQueue is a binary min-heap of offer filters by expiry time. Mesos arms one timer per filter;
 * a pure allocator has no timers, so it keeps the filters in expiry order, drops the expired ones at the
 * start of each cycle in O(log n) each, and tells the master the next expiry so it can schedule a cycle.
 */
export class FilterExpiryQueue {
  private readonly heap: OfferFilter[] = [];

  /** size is the number of live filters. */
  get size(): number {
    return this.heap.length;
  }

  /** push adds a filter. */
  push(filter: OfferFilter): void {
    filter.heapIndex = this.heap.length;
    this.heap.push(filter);
    this.up(filter.heapIndex);
  }

  /** remove takes a filter out before it expires (revive, framework or agent removal). */
  remove(filter: OfferFilter): void {
    const i = filter.heapIndex;
    if (i < 0 || this.heap[i] !== filter) return;
    const last = this.heap.pop() as OfferFilter;
    filter.heapIndex = -1;
    if (last === filter) return;
    this.heap[i] = last;
    last.heapIndex = i;
    this.down(i);
    this.up(last.heapIndex);
  }

  /** nextExpiry is the earliest expiry time, or undefined when there are no filters. */
  nextExpiry(): number | undefined {
    return this.heap[0]?.expiresAt;
  }

  /** popExpired removes and returns every filter with `expiresAt <= now`, earliest first. */
  popExpired(now: number): OfferFilter[] {
    const out: OfferFilter[] = [];
    for (let top = this.heap[0]; top !== undefined && top.expiresAt <= now; top = this.heap[0]) {
      this.remove(top);
      out.push(top);
    }
    return out;
  }

  private less(i: number, j: number): boolean {
    return (this.heap[i] as OfferFilter).expiresAt < (this.heap[j] as OfferFilter).expiresAt;
  }

  private swap(i: number, j: number): void {
    const a = this.heap[i] as OfferFilter;
    const b = this.heap[j] as OfferFilter;
    this.heap[i] = b;
    this.heap[j] = a;
    a.heapIndex = j;
    b.heapIndex = i;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.heap.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
