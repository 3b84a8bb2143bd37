// bench/loadAverage.ts: the machine's load, which benchmarks print beside CPU figures taken on a shared machine.
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';

/** load is the machine's load average as `uptime` prints it: the bench shares its machine, and load inflates CPU figures. */
export function load(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim().replace(/^.*?load average:\s*/, '');
  } catch {
    return loadavg()
      .map((l) => l.toFixed(2))
      .join(', ');
  }
}
