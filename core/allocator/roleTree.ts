import { toMilli } from '../common/resourceValues.js';
import { ResourceQuantities } from './resourceQuantities.js';

/**
 * Quota is what an operator sets for a role (Mesos 1.9+ `QuotaConfig`): `guarantees` the role gets before
 * anyone's fair share, and `limits` it never exceeds, both as scalar amounts by resource name. A name
 * missing from `limits` is unlimited.
 */
export interface Quota {
  readonly guarantees: Readonly<Record<string, number>>;
  readonly limits: Readonly<Record<string, number>>;
}

/**
 * RoleNode is one role of the tree ("eng/web" below "eng"). It carries the operator's settings (weight,
 * quota) and the sums the allocator charges quota against, aggregated over its whole subtree so a
 * parent's quota sees its children's use without a walk.
 */
export class RoleNode {
  readonly children = new Map<string, RoleNode>();
  /** frameworks are the frameworks tracked under exactly this role (subscribed, or still holding resources). */
  readonly frameworks = new Set<string>();
  /** reservations is the reserved scalar total of this subtree on all agents, allocated or not. */
  readonly reservations = new ResourceQuantities();
  /** unreservedAllocated is the unreserved non-revocable scalar total offered or allocated to this subtree. */
  readonly unreservedAllocated = new ResourceQuantities();
  weight = 1;
  quota: Quota | undefined;
  /** guarantees is `quota.guarantees` as quantities (empty without quota). */
  guarantees = new ResourceQuantities();
  /** limits is `quota.limits` in thousandths (zero allowed), or undefined when no limit is set. */
  limits: ReadonlyMap<string, number> | undefined;

  constructor(
    readonly name: string,
    readonly parent: RoleNode | null,
  ) {}

  /**
   * consumedMilli is how much of `resource` this subtree charges against quota, in thousandths: its
   * reservations (allocated or not, because they are bound to it) plus its unreserved allocations.
   */
  consumedMilli(resource: string): number {
    return this.reservations.getMilli(resource) + this.unreservedAllocated.getMilli(resource);
  }

  /** consumed is `consumedMilli` for every resource, as a new bag. */
  consumed(): ResourceQuantities {
    return this.reservations.plus(this.unreservedAllocated);
  }

  /** unsatisfiedGuarantees is what the guarantees still lack: `guarantees - consumed`, floored at zero. */
  unsatisfiedGuarantees(): ResourceQuantities {
    const out = new ResourceQuantities();
    for (const [name, amount] of this.guarantees.entriesMilli()) out.addMilli(name, amount - this.consumedMilli(name));
    return out;
  }

  /** isEmpty says whether nothing keeps this node alive: no frameworks, children, settings or use. */
  isEmpty(): boolean {
    return (
      this.frameworks.size === 0 &&
      this.children.size === 0 &&
      this.weight === 1 &&
      this.quota === undefined &&
      this.reservations.isEmpty() &&
      this.unreservedAllocated.isEmpty()
    );
  }
}

/**
 * RoleTree holds every role the allocator knows, as Mesos's `RoleTree` does: a node exists while it has
 * frameworks, children, a non-default weight, quota, reservations or allocations, and disappears
 * (with empty ancestors) when the last of those goes.
 */
export class RoleTree {
  readonly root = new RoleNode('', null);
  private readonly nodes = new Map<string, RoleNode>();
  private limitChains = new Map<string, readonly RoleNode[]>();
  private quotaRootsCache: readonly RoleNode[] | undefined;

  /** get returns the node of `role`, if it exists. */
  get(role: string): RoleNode | undefined {
    return this.nodes.get(role);
  }

  /** ensure returns the node of `role`, creating it and any missing ancestors. */
  ensure(role: string): RoleNode {
    const found = this.nodes.get(role);
    if (found !== undefined) return found;
    let current = this.root;
    for (const token of role.split('/')) {
      let child = current.children.get(token);
      if (child === undefined) {
        child = new RoleNode(current === this.root ? token : `${current.name}/${token}`, current);
        current.children.set(token, child);
        this.nodes.set(child.name, child);
        this.limitChains.clear();
      }
      current = child;
    }
    return current;
  }

  /** tryRemove drops `role` and its empty ancestors if nothing keeps them alive. */
  tryRemove(role: string): void {
    let node = this.nodes.get(role);
    while (node !== undefined && node !== this.root && node.isEmpty()) {
      const parent = node.parent as RoleNode;
      parent.children.delete(node.name.slice(node.name.lastIndexOf('/') + 1));
      this.nodes.delete(node.name);
      this.limitChains.clear();
      node = parent;
    }
  }

  /** roles lists every known role node (not the root), in creation order. */
  roles(): IterableIterator<RoleNode> {
    return this.nodes.values();
  }

  /** trackFramework records `frameworkId` under `role`. */
  trackFramework(role: string, frameworkId: string): void {
    this.ensure(role).frameworks.add(frameworkId);
  }

  /** untrackFramework forgets `frameworkId` under `role`. */
  untrackFramework(role: string, frameworkId: string): void {
    this.nodes.get(role)?.frameworks.delete(frameworkId);
    this.tryRemove(role);
  }

  /** addReservations charges reserved quantities to `role` and its ancestors. */
  addReservations(role: string, q: ResourceQuantities): void {
    for (let n: RoleNode | null = this.ensure(role); n !== null; n = n.parent) n.reservations.add(q);
  }

  /** removeReservations undoes `addReservations`. */
  removeReservations(role: string, q: ResourceQuantities): void {
    for (let n: RoleNode | null = this.nodes.get(role) ?? null; n !== null; n = n.parent) n.reservations.subtract(q);
    this.tryRemove(role);
  }

  /** addUnreservedAllocated charges unreserved allocations to `role` and its ancestors. */
  addUnreservedAllocated(role: string, q: ResourceQuantities): void {
    if (q.isEmpty()) return;
    for (let n: RoleNode | null = this.ensure(role); n !== null; n = n.parent) n.unreservedAllocated.add(q);
  }

  /** removeUnreservedAllocated undoes `addUnreservedAllocated`. */
  removeUnreservedAllocated(role: string, q: ResourceQuantities): void {
    if (q.isEmpty()) return;
    for (let n: RoleNode | null = this.nodes.get(role) ?? null; n !== null; n = n.parent) n.unreservedAllocated.subtract(q);
    this.tryRemove(role);
  }

  /** setWeight sets the weight of `role` (1 is the default and lets the node go when otherwise empty). */
  setWeight(role: string, weight: number): void {
    this.ensure(role).weight = weight;
    this.tryRemove(role);
  }

  /** setQuota sets or (with undefined) clears the quota of `role`. */
  setQuota(role: string, quota: Quota | undefined): void {
    const node = this.ensure(role);
    node.quota = quota;
    node.guarantees = quota === undefined ? new ResourceQuantities() : ResourceQuantities.fromRecord(quota.guarantees);
    const limits = new Map(Object.entries(quota?.limits ?? {}).map(([name, value]) => [name, toMilli(value)] as const));
    node.limits = limits.size === 0 ? undefined : limits;
    this.limitChains.clear();
    this.quotaRootsCache = undefined;
    this.tryRemove(role);
  }

  /**
   * quotaRoots are the outermost roles with guarantees. Headroom is held back for them only: a child's
   * guarantee lies inside its parent's, so counting both would hold back twice.
   */
  quotaRoots(): readonly RoleNode[] {
    if (this.quotaRootsCache === undefined) {
      const roots: RoleNode[] = [];
      const visit = (node: RoleNode): void => {
        for (const child of node.children.values()) {
          if (!child.guarantees.isEmpty()) roots.push(child);
          else visit(child);
        }
      };
      visit(this.root);
      this.quotaRootsCache = roots;
    }
    return this.quotaRootsCache;
  }

  /** guaranteeRootOf is the outermost role on the path of `role` (itself included) with guarantees. */
  guaranteeRootOf(role: string): RoleNode | undefined {
    let found: RoleNode | undefined;
    for (let n: RoleNode | null = this.nodes.get(role) ?? null; n !== null && n !== this.root; n = n.parent) {
      if (!n.guarantees.isEmpty()) found = n;
    }
    return found;
  }

  /** limitChain lists `role` and its ancestors that have quota limits, innermost first (cached). */
  limitChain(role: string): readonly RoleNode[] {
    let chain = this.limitChains.get(role);
    if (chain === undefined) {
      const out: RoleNode[] = [];
      for (let n: RoleNode | null = this.nodes.get(role) ?? null; n !== null && n !== this.root; n = n.parent) {
        if (n.limits !== undefined) out.push(n);
      }
      chain = out;
      this.limitChains.set(role, chain);
    }
    return chain;
  }
}
