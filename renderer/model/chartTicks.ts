/**
 * Axis ticks a person can read at a glance: byte axes step in powers of two of a binary unit (0, 16, 32, 48, 64 MiB
 * for a 64 MiB container), percentage axes in 25 / 50 / 100 % steps. Pure.
 */

const POWERS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

/**
 * byteTicks returns ticks from 0 to the first multiple of a power-of-two step (in B, KiB, MiB, GiB…) at or above
 * `max`, with about `count` intervals. The last tick is the axis's top.
 */
export function byteTicks(max: number, count = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1024 * 1024];
  const raw = max / count;
  let unit = 1;
  while (raw / unit >= 1024 && unit < 1024 ** 4) unit *= 1024;
  const m = raw / unit;
  const step = (POWERS.find((p) => p >= m) ?? 1024) * unit;
  return stepTicks(max, step);
}

/** percentTicks returns 0 to at least `max` (and at least 100) in steps of 25, 50, 100, 200 or 500. */
export function percentTicks(max: number): number[] {
  const top = Math.max(100, Number.isFinite(max) ? max : 100);
  const step = [25, 50, 100, 200, 500, 1000].find((s) => top / s <= 6) ?? Math.ceil(top / 6 / 1000) * 1000;
  return stepTicks(top, step);
}

function stepTicks(max: number, step: number): number[] {
  const n = Math.max(1, Math.ceil(max / step - 1e-9));
  return Array.from({ length: n + 1 }, (_, i) => i * step);
}

const TIME_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/**
 * timeTicks returns round clock times (every 10 s, 1 min, 5 min…) between `from` and `to` (ms), about `count` of
 * them. Giving the axis its ticks spares the chart library from measuring label widths on every redraw.
 */
export function timeTicks(from: number, to: number, count = 5): number[] {
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) return Number.isFinite(from) ? [from] : [];
  const raw = (to - from) / 1000 / count;
  const step = (TIME_STEPS_S.find((s) => s >= raw) ?? Math.ceil(raw / 86400) * 86400) * 1000;
  const out: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) out.push(t);
  return out;
}
