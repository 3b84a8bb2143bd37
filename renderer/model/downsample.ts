/** Point is one sample of a time series. */
export interface Point {
  t: number;
  v: number;
}

/**
 * downsample keeps a chart's cost bounded however long it runs: at most `maxPoints` points, chosen by
 * Largest-Triangle-Three-Buckets (Steinarsson 2013), which keeps the peaks an operator looks for (a memory spike
 * must not vanish because it fell between two kept samples). First and last points are always kept.
 */
export function downsample(points: readonly Point[], maxPoints: number): Point[] {
  const n = points.length;
  if (maxPoints >= n || maxPoints < 3) return points.slice();
  const out: Point[] = [points[0] as Point];
  const every = (n - 2) / (maxPoints - 2);
  let a = 0;
  for (let i = 0; i < maxPoints - 2; i++) {
    const nextStart = Math.floor((i + 1) * every) + 1;
    const nextEnd = Math.min(n, Math.floor((i + 2) * every) + 1);
    let avgT = 0;
    let avgV = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      avgT += (points[j] as Point).t;
      avgV += (points[j] as Point).v;
    }
    const count = Math.max(1, nextEnd - nextStart);
    avgT /= count;
    avgV /= count;
    const start = Math.floor(i * every) + 1;
    const end = Math.floor((i + 1) * every) + 1;
    const pa = points[a] as Point;
    let best = start;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const p = points[j] as Point;
      const area = Math.abs((pa.t - avgT) * (p.v - pa.v) - (pa.t - p.t) * (avgV - pa.v));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    out.push(points[best] as Point);
    a = best;
  }
  out.push(points[n - 1] as Point);
  return out;
}

/** Series is a bounded ring of samples: charts keep at most `capacity` raw points per series. */
export class Series {
  private readonly points: Point[] = [];

  constructor(private readonly capacity = 3600) {}

  push(p: Point): void {
    const last = this.points[this.points.length - 1];
    if (last && p.t <= last.t) return;
    this.points.push(p);
    if (this.points.length > this.capacity) this.points.splice(0, this.points.length - this.capacity);
  }

  get length(): number {
    return this.points.length;
  }

  /** view returns at most `maxPoints` points for drawing. */
  view(maxPoints: number): Point[] {
    return downsample(this.points, maxPoints);
  }
}
