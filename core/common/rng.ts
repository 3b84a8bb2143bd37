/**
 * Rng is the only source of randomness for pure modules, so a seed reproduces a decision exactly
 * (Nomad seeds its node shuffle for post-mortem debugging for the same reason).
 */
export interface Rng {
  /** next returns a float in [0, 1). */
  next(): number;
}

/** SeededRng is a small, fast deterministic `Rng` (mulberry32). */
export class SeededRng implements Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** shuffle returns a new array in an order drawn from `rng` (Fisher–Yates). */
export function shuffle<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}
