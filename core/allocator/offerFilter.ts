import type { Resources } from '../common/resources.js';

/**
 * OfferFilter is a framework's "don't offer me this again for a while" (Mesos `RefusedOfferFilter`): after
 * declining resources on an agent with `refuse_seconds`, the framework is not offered resources of that
 * agent for that role while the filter lives, as long as what would be offered is contained in what it
 * refused. Offering more than was refused (a task finished, the agent grew) gets through.
 *
 * One `OfferFilter` covers every agent a framework refused for one role with the same expiry, which is
 * what a framework declining a batch of offers produces. Mesos keeps one object (and one timer) per agent;
 * here filters can number in the millions (the DeclineOffers benchmark installs one per offer and keeps
 * them for a year), and a garbage collector pays for every live object on each full collection, so the
 * per-agent part is just a map entry.
 */
export class OfferFilter {
  /** refused maps each agent id to the resources refused there, without allocation info. */
  readonly refused = new Map<string, Resources>();
  /** heapIndex is the filter's slot in the expiry queue, maintained by the queue. */
  heapIndex = -1;

  constructor(
    readonly frameworkId: string,
    readonly role: string,
    /** expiresAt is the time (ms) from which the filter no longer applies. */
    readonly expiresAt: number,
  ) {}

  /** key identifies the filter a new refusal by the same framework, role and expiry joins. */
  static key(role: string, expiresAt: number): string {
    return `${role}\u0000${expiresAt}`;
  }
}
