import type { OfferFilter } from './offerFilter.js';

/**
 * Framework is the allocator's view of one framework (Mesos's allocator-side `Framework`): the roles it
 * subscribes to, which of them are suppressed, whether it is connected, and where it holds resources.
 * Whether it may receive offers for a role is `active && roles.has(role) && !suppressedRoles.has(role)`;
 * the framework sorter of each role mirrors exactly that.
 */
export class Framework {
  roles: Set<string>;
  suppressedRoles: Set<string>;
  capabilities: Set<string>;
  /** agents are the agents where the framework holds something (for O(held) removal). */
  readonly agents = new Set<string>();
  /** heldRoles counts, per role, the agents where the framework holds something for that role. */
  readonly heldRoles = new Map<string, number>();
  /** filters are the framework's live offer filters by `OfferFilter.key`, so revive touches only those. */
  readonly filters = new Map<string, OfferFilter>();
  /** lastFilter is the filter most recently added to, which a batch of declines at one instant keeps joining. */
  lastFilter: OfferFilter | undefined;

  constructor(
    readonly id: string,
    roles: Iterable<string>,
    suppressedRoles: Iterable<string>,
    capabilities: Iterable<string>,
    public active: boolean,
  ) {
    this.roles = new Set(roles);
    this.suppressedRoles = new Set([...suppressedRoles].filter((r) => this.roles.has(r)));
    this.capabilities = new Set(capabilities);
  }

  /** wantsOffers says whether the framework should be in the order of `role`'s framework sorter. */
  wantsOffers(role: string): boolean {
    return this.active && this.roles.has(role) && !this.suppressedRoles.has(role);
  }

  /** holds says whether the framework holds anything for `role` on any agent. */
  holds(role: string): boolean {
    return (this.heldRoles.get(role) ?? 0) > 0;
  }
}
