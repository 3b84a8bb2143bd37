/**
 * How the views write numbers, sizes, times and errors, so the Marathon views and the cluster views say the same
 * thing the same way. Pure, apart from the locale the time helpers read.
 */

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

/** resourceText formats a resource amount by name: memory and disk (MB) in binary units, the rest as numbers. */
export function resourceText(name: string, value: number): string {
  return name === 'mem' || name === 'disk' ? formatMem(value) : formatNumber(value);
}

/** plural counts things in words (`1 offer`, `3 offers`), so no sentence says "1 offers". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** shownCount is a filtered list's count (`12 apps`, or `3 of 12 apps`), so a filter never hides how much it hides. */
export function shownCount(shown: number, total: number, noun: string): string {
  return shown === total ? `${total} ${noun}` : `${shown} of ${total} ${noun}`;
}

/** formatAge renders how long ago `ms` was, compactly (`4s`, `3m`, `2h`, `5d`). */
export function formatAge(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** formatDuration renders seconds with a second unit where it says more (`45s`, `3m 20s`, `2h 5m`, `1d 1h`), for waits and delays. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? ` ${s % 60}s` : ''}`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)}m` : ''}`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600) ? ` ${Math.floor((s % 86400) / 3600)}h` : ''}`;
}

/** clockTime renders a time of day (`14:03:07`) for tables and chart axes, where the date is obvious. */
export function clockTime(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '–';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** fullTime renders a full local date and time, for tooltips; undefined when there is no time to show. */
export function fullTime(ms: number | undefined): string | undefined {
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) return undefined;
  return new Date(ms).toLocaleString();
}

/** formatTime renders an ISO timestamp (Marathon's) in full local time, a dash when there is none, as given when it does not parse. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const t = Date.parse(iso);
  return Number.isFinite(t) ? new Date(t).toLocaleString() : iso;
}

/** formatShortTime renders an ISO timestamp compactly, for narrow columns: the time today, else the date and time. */
export function formatShortTime(iso: string | null | undefined, now: number): string {
  if (!iso) return '–';
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  const d = new Date(t);
  const sameDay = new Date(now).toDateString() === d.toDateString();
  return sameDay ? d.toLocaleTimeString() : d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** shortState drops Mesos's `TASK_` prefix for tables. */
export function shortState(state: string): string {
  return state.replace(/^TASK_/, '');
}

/** errorText is an error's message, for banners (an HttpError's already carries the cluster's own message). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
