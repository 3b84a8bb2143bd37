/** formatBytes renders a byte count in binary units, as `free -h` does. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** formatMem renders Mesos `mem` (MB) in binary units. */
export function formatMem(mb: number): string {
  return formatBytes(mb * 1024 * 1024);
}

/** formatNumber trims a resource quantity to at most three decimals. */
export function formatNumber(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '–';
  return String(Math.round(n * 1000) / 1000);
}

/** formatAge renders how long ago `ms` was, compactly (`4s`, `3m`, `2h`, `5d`). */
export function formatAge(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** shortState drops Mesos's `TASK_` prefix for tables. */
export function shortState(state: string): string {
  return state.replace(/^TASK_/, '');
}
