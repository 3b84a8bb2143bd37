/**
 * Pure readers for the text of cgroup control files, shared by the isolators (which read them) and the container
 * view (which is computed from them); no I/O here, so every format is unit-tested from fixtures.
 */

/**
 * UNLIMITED_V1_THRESHOLD: cgroup v1 reports "no limit" as the largest page-aligned signed 64-bit value
 * (9223372036854771712); anything this large is treated as unlimited.
 */
export const UNLIMITED_V1_THRESHOLD = 2 ** 62;

/** USER_HZ is the unit of `cpuacct.stat` (and `/proc/stat`): clock ticks of 10 ms on every Linux we run on. */
export const USER_HZ = 100;

/**
 * parseKeyedFile reads "key value" lines (`memory.stat`, `cpu.stat`, `cpuacct.stat`, `memory.events`,
 * `memory.oom_control`, `pids.events`) into a map; lines whose value is not a number are skipped.
 */
export function parseKeyedFile(text: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of (text ?? '').split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key === undefined || key === '' || value === undefined) continue;
    const n = Number(value);
    if (Number.isFinite(n)) out.set(key, n);
  }
  return out;
}

/**
 * parseLimit reads a single-number limit file (`memory.limit_in_bytes`, `memory.max`, `pids.max`,
 * `cpu.cfs_quota_us`): undefined for "max", a negative number (v1's -1) or v1's huge "unlimited" value.
 */
export function parseLimit(text: string | undefined): number | undefined {
  const t = (text ?? '').trim();
  if (t === '' || t === 'max') return undefined;
  const n = Number(t);
  if (!Number.isFinite(n) || n < 0 || n >= UNLIMITED_V1_THRESHOLD) return undefined;
  return n;
}

/** CpuMax is a CFS bandwidth setting: `quotaUs` of CPU time per `periodUs`; no quota means unlimited. */
export interface CpuMax {
  quotaUs?: number;
  periodUs: number;
}

/** parseCpuMax reads v2's `cpu.max` ("max 100000" or "25000 100000"). */
export function parseCpuMax(text: string | undefined): CpuMax | undefined {
  const [quota, period] = (text ?? '').trim().split(/\s+/);
  const periodUs = Number(period);
  if (quota === undefined || !Number.isFinite(periodUs) || periodUs <= 0) return undefined;
  const q = parseLimit(quota);
  return q === undefined ? { periodUs } : { quotaUs: q, periodUs };
}

/**
 * sharesToWeight maps v1 `cpu.shares` (2..262144) onto v2 `cpu.weight` (1..10000) with the linear mapping runc,
 * crun and systemd use, so 1024 shares (one Mesos CPU) is weight 39 and the relative order is kept.
 */
export function sharesToWeight(shares: number): number {
  const clamped = Math.min(262144, Math.max(2, Math.round(shares)));
  return 1 + Math.floor(((clamped - 2) * 9999) / 262142);
}

/** weightToShares inverts `sharesToWeight` (up to its rounding). */
export function weightToShares(weight: number): number {
  return Math.round(2 + ((weight - 1) * 262142) / 9999);
}

/** countLines counts the non-empty lines of a file such as `cgroup.procs` or `tasks`. */
export function countLines(text: string | undefined): number {
  let n = 0;
  for (const line of (text ?? '').split('\n')) if (line.trim() !== '') n++;
  return n;
}

/** parseCpuList counts the CPUs in a cpuset list such as `0-3,6,8-9` (`cpuset.cpus`); 0 for an empty list. */
export function parseCpuList(text: string | undefined): number[] {
  const cpus: number[] = [];
  for (const part of (text ?? '').trim().split(',')) {
    if (part === '') continue;
    const [a, b] = part.split('-').map(Number);
    if (a === undefined || !Number.isInteger(a)) continue;
    const end = b === undefined ? a : b;
    if (!Number.isInteger(end)) continue;
    for (let i = a; i <= end; i++) cpus.push(i);
  }
  return cpus;
}

/**
 * formatBytes words a byte count the way Mesos's stout `Bytes` prints it, raising the unit only when nothing is lost
 * (`67108864` → "64MB", `1000` → "1000B"), so limitation messages read like a real Mesos agent's.
 */
export function formatBytes(bytes: number): string {
  const units: Array<[number, string]> = [
    [1024 ** 4, 'TB'],
    [1024 ** 3, 'GB'],
    [1024 ** 2, 'MB'],
    [1024, 'KB'],
  ];
  if (bytes === 0) return '0B';
  for (const [size, unit] of units) {
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}
