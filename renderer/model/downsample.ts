/** Point is one sample of a time series. */
export interface Point {
  t: number;
  v: number;
}

/**
 * lttbIndices picks which of `n` samples (read through `t(i)` and `v(i)`) to draw: at most `maxPoints` of them, by
 * Largest-Triangle-Three-Buckets (Steinarsson 2013), which keeps the peaks an operator looks for (a memory spike must
 * not vanish because it fell between two kept samples). First and last are always kept. Indices, not points, so a
 * series stored in typed arrays is downsampled without making an object per sample.
 */
export function lttbIndices(n: number, t: (i: number) => number, v: (i: number) => number, maxPoints: number): number[] {
  if (maxPoints >= n || maxPoints < 3) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [0];
  const every = (n - 2) / (maxPoints - 2);
  let a = 0;
  for (let i = 0; i < maxPoints - 2; i++) {
    const nextStart = Math.floor((i + 1) * every) + 1;
    const nextEnd = Math.min(n, Math.floor((i + 2) * every) + 1);
    let avgT = 0;
    let avgV = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      avgT += t(j);
      avgV += v(j);
    }
    const count = Math.max(1, nextEnd - nextStart);
    avgT /= count;
    avgV /= count;
    const start = Math.floor(i * every) + 1;
    const end = Math.floor((i + 1) * every) + 1;
    const at = t(a);
    const av = v(a);
    let best = start;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const area = Math.abs((at - avgT) * (v(j) - av) - (at - t(j)) * (avgV - av));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    out.push(best);
    a = best;
  }
  out.push(n - 1);
  return out;
}

/**
 * downsample keeps a chart's cost bounded however long it runs: at most `maxPoints` of `points`, chosen by
 * `lttbIndices`. A series short enough is returned as a copy.
 */
export function downsample(points: readonly Point[], maxPoints: number): Point[] {
  return lttbIndices(
    points.length,
    (i) => (points[i] as Point).t,
    (i) => (points[i] as Point).v,
    maxPoints,
  ).map((i) => points[i] as Point);
}

/**
 * Series is a bounded ring of samples: charts keep at most `capacity` raw points per series. The ring is two typed
 * arrays allocated in full up front, so a page that charts for an hour holds the same memory from its first sample to
 * its last (a ring of objects would grow by an object and a boxed timestamp per sample until it is full), and the
 * garbage collector has no per-sample objects to trace.
 */
export class Series {
  private readonly ts: Float64Array;
  private readonly vs: Float64Array;
  private start = 0;
  private count = 0;

  constructor(private readonly capacity = 3600) {
    this.ts = new Float64Array(capacity);
    this.vs = new Float64Array(capacity);
  }

  /** push appends a sample; one not newer than the last is ignored, and past `capacity` the oldest is dropped. */
  push(p: Point): void {
    if (this.count > 0 && p.t <= this.tAt(this.count - 1)) return;
    let slot: number;
    if (this.count < this.capacity) {
      slot = (this.start + this.count) % this.capacity;
      this.count++;
    } else {
      slot = this.start;
      this.start = (this.start + 1) % this.capacity;
    }
    this.ts[slot] = p.t;
    this.vs[slot] = p.v;
  }

  get length(): number {
    return this.count;
  }

  /** view returns at most `maxPoints` points for drawing (new objects: the ring itself keeps none). */
  view(maxPoints: number): Point[] {
    const t = (i: number) => this.tAt(i);
    const v = (i: number) => this.vs[(this.start + i) % this.capacity] as number;
    return lttbIndices(this.count, t, v, maxPoints).map((i) => ({ t: t(i), v: v(i) }));
  }

  private tAt(i: number): number {
    return this.ts[(this.start + i) % this.capacity] as number;
  }
}
