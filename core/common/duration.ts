import { invalid } from './errors.js';

const UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  ms: 1,
  secs: 1000,
  mins: 60_000,
  hrs: 3_600_000,
  days: 86_400_000,
  weeks: 604_800_000,
};

/**
 * parseDuration reads a Mesos duration flag (`15secs`, `500ms`, `1mins`, `1weeks`) into milliseconds,
 * so Plateau's flags take the values operators already write for Mesos.
 */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ns|us|ms|secs|mins|hrs|days|weeks)\s*$/.exec(text);
  if (!m) throw invalid(`Failed to parse duration '${text}': expected a number followed by ns, us, ms, secs, mins, hrs, days or weeks`);
  return Number(m[1]) * (UNITS[m[2] as string] as number);
}

/** formatDuration prints milliseconds the way Mesos prints a Duration (`15secs`, `1mins`, `500ms`). */
export function formatDuration(ms: number): string {
  for (const unit of ['weeks', 'days', 'hrs', 'mins', 'secs', 'ms'] as const) {
    const size = UNITS[unit] as number;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  if (ms >= 1000) return `${ms / 1000}secs`;
  return `${ms}ms`;
}
