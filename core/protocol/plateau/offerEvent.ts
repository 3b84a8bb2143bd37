import type { Offer } from '../mesos/v1.js';

/**
 * OfferEvent is Plateau's offers-stream extension: every offer made, accepted (with what launched),
 * declined (with its filter), rescinded or expired. Real Mesos has no such stream; the console uses it
 * to show resource offers flowing, and clients that do not know it never see it.
 */
export type OfferEvent =
  | { type: 'OFFER_MADE'; at: number; offer: Offer; role: string }
  | {
      type: 'OFFER_ACCEPTED';
      at: number;
      offerIds: string[];
      frameworkId: string;
      agentId: string;
      launched: Array<{ taskId: string; name: string; resources: Record<string, number | string> }>;
      refuseSeconds: number;
    }
  | { type: 'OFFER_DECLINED'; at: number; offerId: string; frameworkId: string; agentId: string; refuseSeconds: number }
  | { type: 'OFFER_RESCINDED' | 'OFFER_EXPIRED'; at: number; offerId: string; frameworkId: string; agentId: string; reason: string };
