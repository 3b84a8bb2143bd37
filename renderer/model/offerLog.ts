import type { OfferEvent } from '../../core/protocol/plateau/offerEvent.js';

/** OfferRow is one line of the offers view: an offer and what became of it. */
export interface OfferRow {
  offerId: string;
  at: number;
  agentId: string;
  hostname: string;
  frameworkId: string;
  role: string;
  resources: { cpus: number; mem: number; disk: number; ports: number };
  outcome: 'outstanding' | 'accepted' | 'declined' | 'rescinded' | 'expired';
  outcomeAt?: number;
  /** launched names the tasks an accepted offer launched. */
  launched?: string[];
  refuseSeconds?: number;
  reason?: string;
}

/** OfferCounts tallies outcomes over the log. */
export type OfferCounts = Record<OfferRow['outcome'], number>;

/**
 * OfferLog folds Plateau's offers stream into a bounded, newest-first list of offers with their outcome: what the
 * console's Offers view shows live. Older rows fall off past `capacity`, so memory stays flat however long it runs.
 */
export class OfferLog {
  private readonly rows = new Map<string, OfferRow>();
  version = 0;

  constructor(private readonly capacity = 500) {}

  apply(e: OfferEvent): void {
    switch (e.type) {
      case 'OFFER_MADE': {
        const o = e.offer;
        const res = { cpus: 0, mem: 0, disk: 0, ports: 0 };
        for (const r of o.resources) {
          if (r.name === 'cpus' || r.name === 'mem' || r.name === 'disk') res[r.name] += r.scalar?.value ?? 0;
          if (r.name === 'ports') for (const range of r.ranges?.range ?? []) res.ports += range.end - range.begin + 1;
        }
        this.rows.set(o.id.value, { offerId: o.id.value, at: e.at, agentId: o.agent_id.value, hostname: o.hostname, frameworkId: o.framework_id.value, role: e.role, resources: res, outcome: 'outstanding' });
        while (this.rows.size > this.capacity) this.rows.delete(this.rows.keys().next().value as string);
        break;
      }
      case 'OFFER_ACCEPTED':
        for (const id of e.offerIds) this.settle(id, { outcome: 'accepted', outcomeAt: e.at, launched: e.launched.map((l) => l.name || l.taskId), refuseSeconds: e.refuseSeconds });
        break;
      case 'OFFER_DECLINED':
        this.settle(e.offerId, { outcome: 'declined', outcomeAt: e.at, refuseSeconds: e.refuseSeconds });
        break;
      case 'OFFER_RESCINDED':
      case 'OFFER_EXPIRED':
        this.settle(e.offerId, { outcome: e.type === 'OFFER_EXPIRED' ? 'expired' : 'rescinded', outcomeAt: e.at, reason: e.reason });
        break;
    }
    this.version++;
  }

  private settle(id: string, patch: Partial<OfferRow>): void {
    const row = this.rows.get(id);
    if (row) this.rows.set(id, { ...row, ...patch });
  }

  /** list returns the rows, newest first. */
  list(): OfferRow[] {
    return [...this.rows.values()].reverse();
  }

  counts(): OfferCounts {
    const c: OfferCounts = { outstanding: 0, accepted: 0, declined: 0, rescinded: 0, expired: 0 };
    for (const r of this.rows.values()) c[r.outcome]++;
    return c;
  }
}
