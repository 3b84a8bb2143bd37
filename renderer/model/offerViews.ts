/**
 * What the Offers view derives from the offer log: filtering, outcome counts, per-agent and per-framework tallies,
 * and, for masters without Plateau's offers stream, the outstanding offers read from the legacy `/master/state`.
 * Pure: no DOM, no I/O.
 */
import type { OfferCounts, OfferRow } from './offerLog.js';

/** OUTCOMES lists offer outcomes in the order the view shows them. */
export const OUTCOMES: ReadonlyArray<OfferRow['outcome']> = ['outstanding', 'accepted', 'declined', 'rescinded', 'expired'];

/** OfferFilter is the Offers view's filter bar: empty strings mean "any". */
export interface OfferFilter {
  outcome: OfferRow['outcome'] | '';
  agentId: string;
  frameworkId: string;
  text: string;
}

/** filterOffers keeps the rows the filter bar asks for; `frameworkName` lets the text search match names too. */
export function filterOffers(rows: readonly OfferRow[], filter: OfferFilter, frameworkName: (id: string) => string | undefined): OfferRow[] {
  const terms = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter((r) => {
    if (filter.outcome && r.outcome !== filter.outcome) return false;
    if (filter.agentId && r.agentId !== filter.agentId) return false;
    if (filter.frameworkId && r.frameworkId !== filter.frameworkId) return false;
    if (terms.length === 0) return true;
    const text = [r.offerId, r.hostname, r.agentId, r.frameworkId, frameworkName(r.frameworkId), r.role, r.outcome, r.reason, ...(r.launched ?? [])].filter(Boolean).join(' ').toLowerCase();
    return terms.every((t) => text.includes(t));
  });
}

/** countOutcomes tallies rows by outcome (every outcome present, zero when none). */
export function countOutcomes(rows: readonly OfferRow[]): OfferCounts {
  const c: OfferCounts = { outstanding: 0, accepted: 0, declined: 0, rescinded: 0, expired: 0 };
  for (const r of rows) c[r.outcome]++;
  return c;
}

/** OfferTally is one line of the per-agent or per-framework summary. */
export interface OfferTally extends OfferCounts {
  key: string;
  label: string;
  made: number;
  /** acceptRate is accepted ÷ settled (accepted + declined + rescinded + expired), or undefined before any settled. */
  acceptRate?: number;
}

/**
 * tallyOffers groups rows by agent or framework and counts what happened to each group's offers, most offers first:
 * an agent whose offers are all declined, or a framework that accepts nothing, stands out at the top.
 */
export function tallyOffers(rows: readonly OfferRow[], by: 'agent' | 'framework', label: (key: string, row: OfferRow) => string): OfferTally[] {
  const out = new Map<string, OfferTally>();
  for (const r of rows) {
    const key = by === 'agent' ? r.agentId : r.frameworkId;
    let t = out.get(key);
    if (!t) out.set(key, (t = { key, label: label(key, r), made: 0, outstanding: 0, accepted: 0, declined: 0, rescinded: 0, expired: 0 }));
    t.made++;
    t[r.outcome]++;
  }
  for (const t of out.values()) {
    const settled = t.made - t.outstanding;
    if (settled > 0) t.acceptRate = t.accepted / settled;
  }
  return [...out.values()].sort((a, b) => b.made - a.made || a.label.localeCompare(b.label));
}

/**
 * launchedText says what an accepted offer launched, grouping repeated names (Marathon names every instance of an app
 * alike): `launched 3 tasks: web ×2, db`.
 */
export function launchedText(names: readonly string[] | undefined): string {
  const list = names ?? [];
  if (list.length === 0) return 'accepted without launching a task';
  const counts = new Map<string, number>();
  for (const n of list) counts.set(n, (counts.get(n) ?? 0) + 1);
  const parts = [...counts].map(([n, c]) => (c > 1 ? `${n} ×${c}` : n));
  return list.length === 1 ? `launched ${parts[0]}` : `launched ${list.length} tasks: ${parts.join(', ')}`;
}

/** rangesCount counts the values in a legacy ranges string such as `[31000-31005, 31010-31010]`. */
export function rangesCount(text: string | undefined): number {
  let n = 0;
  for (const m of (text ?? '').matchAll(/(\d+)\s*-\s*(\d+)/g)) n += Number(m[2]) - Number(m[1]) + 1;
  return n;
}

/** LegacyResourceSummary is the legacy JSON's resource summary object (§3.3 of the wire reference). */
export interface LegacyResourceSummary {
  cpus?: number;
  mem?: number;
  disk?: number;
  gpus?: number;
  ports?: string;
}

/** LegacyMasterState is the part of `/master/state` the outstanding-offers fallback reads. */
export interface LegacyMasterState {
  slaves?: Array<{ id: string; hostname: string }>;
  frameworks?: Array<{
    id: string;
    name?: string;
    role?: string;
    roles?: string[];
    offers?: Array<{ id: string; framework_id?: string; slave_id: string; allocation_info?: { role?: string }; resources?: LegacyResourceSummary }>;
  }>;
}

/**
 * outstandingOffers lists the offers `/master/state` says are outstanding, as offer rows: what an Apache Mesos master
 * (which has no offers stream) can tell about offers. Their age is unknown, so `at` is 0.
 */
export function outstandingOffers(state: LegacyMasterState): OfferRow[] {
  const hosts = new Map((state.slaves ?? []).map((s) => [s.id, s.hostname]));
  const rows: OfferRow[] = [];
  for (const f of state.frameworks ?? []) {
    for (const o of f.offers ?? []) {
      const r = o.resources ?? {};
      rows.push({
        offerId: o.id,
        at: 0,
        agentId: o.slave_id,
        hostname: hosts.get(o.slave_id) ?? o.slave_id,
        frameworkId: o.framework_id ?? f.id,
        role: o.allocation_info?.role ?? f.role ?? f.roles?.[0] ?? '*',
        resources: { cpus: r.cpus ?? 0, mem: r.mem ?? 0, disk: r.disk ?? 0, ports: rangesCount(r.ports) },
        outcome: 'outstanding',
      });
    }
  }
  return rows.sort((a, b) => b.offerId.localeCompare(a.offerId, undefined, { numeric: true }));
}
