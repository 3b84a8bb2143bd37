import type { ReactNode } from 'react';
import { StreamBadges } from '../../components/StreamBadges.js';
import { formatMem, formatNumber } from '../../model/format.js';

/** Tone picks a pill's colour from the theme. */
export type Tone = 'ok' | 'warn' | 'bad' | 'accent' | 'offered' | 'muted';

/** TonePill is a small coloured label (a state, an outcome); `testId` lets tests find it. */
export function TonePill({ tone, children, title, testId }: { tone: Tone; children: ReactNode; title?: string; testId?: string }) {
  return (
    <span className={`pill tone-${tone}`} title={title} data-testid={testId}>
      {children}
    </span>
  );
}

/** clockTime renders a time of day (`14:03:07`) for tables and chart axes, where the date is obvious. */
export function clockTime(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '–';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** fullTime renders a full local date and time, for tooltips. */
export function fullTime(ms: number | undefined): string | undefined {
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) return undefined;
  return new Date(ms).toLocaleString();
}

/** resourceText formats a resource amount by name: memory and disk (MB) in binary units, the rest as numbers. */
export function resourceText(name: string, value: number): string {
  return name === 'mem' || name === 'disk' ? formatMem(value) : formatNumber(value);
}

/**
 * UsageCell shows "used / total" with a small bar (used, then offered), so a glance down a column finds the full
 * agents. The text says the numbers, for screen readers and for anyone who cannot tell the colours apart.
 */
export function UsageCell({ name, used, offered = 0, total }: { name: string; used: number; offered?: number; total: number }) {
  const pct = (v: number) => (total > 0 ? Math.min(100, (v / total) * 100) : 0);
  const u = pct(used);
  const o = Math.min(100 - u, pct(offered));
  const text = `${resourceText(name, used)} / ${resourceText(name, total)}`;
  const title = `${name}: ${resourceText(name, used)} used${offered > 0 ? `, ${resourceText(name, offered)} offered` : ''} of ${resourceText(name, total)} (${u.toFixed(0)}% used)`;
  return (
    <span className="cluster-usage" title={title}>
      <span className="bar" aria-hidden="true">
        <span className="used" style={{ width: `${u}%` }} />
        <span className="offered" style={{ width: `${o}%` }} />
      </span>
      <span className="text">{text}</span>
    </span>
  );
}

/** errorText is an error's message, for banners. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** ErrorBanner says what could not be loaded and why (the poll keeps retrying, so it also says that). */
export function ErrorBanner({ what, error, retrying = true }: { what: string; error: unknown; retrying?: boolean }) {
  return (
    <div className="banner error" role="alert">
      Could not load {what}: {errorText(error)}
      {retrying ? ' — retrying.' : ''}
    </div>
  );
}

/** Connecting is what a feed-driven view shows until the master's event stream has delivered the cluster state. */
export function Connecting({ title }: { title: string }) {
  return (
    <section>
      <h1>{title}</h1>
      <div className="empty" role="status">
        Connecting to the master's event stream…
      </div>
      <StreamBadges />
    </section>
  );
}
