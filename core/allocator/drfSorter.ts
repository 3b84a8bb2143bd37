import { CoreError } from '../common/errors.js';
import { ResourceQuantities } from './resourceQuantities.js';
import { SortedBlocks } from './sortedBlocks.js';
import type { BlockMember } from './sortedBlocks.js';
import type { Sorter } from './sorter.js';
import type { SorterTotal } from './sorterTotal.js';

const ACTIVE_LEAF = 0;
const INACTIVE_LEAF = 1;
const INTERNAL = 2;
type Kind = typeof ACTIVE_LEAF | typeof INACTIVE_LEAF | typeof INTERNAL;

/** VIRTUAL is the name of the leaf that stands for a client whose path is also an inner node ("eng" beside "eng/web"). */
const VIRTUAL = '.';

class DrfNode implements BlockMember {
  /** active holds the active leaves and inner nodes below this one, in DRF order when the tree is clean. */
  readonly active = new SortedBlocks<DrfNode>(before);
  /** inactive holds the inactive leaves below this one, unordered. */
  readonly inactive: DrfNode[] = [];
  readonly byName = new Map<string, DrfNode>();
  block: BlockMember[] | undefined = undefined;
  readonly allocation = new ResourceQuantities();
  readonly path: string;
  /** client is the name the allocator knows this leaf by (a virtual leaf answers for its parent). */
  readonly client: string;
  share = 0;
  count = 0;

  constructor(
    readonly name: string,
    public kind: Kind,
    public parent: DrfNode | null,
    public weight: number,
  ) {
    if (parent === null) this.path = '';
    else if (parent.parent === null) this.path = name;
    else this.path = `${parent.path}/${name}`;
    this.client = name === VIRTUAL && parent !== null ? parent.path : this.path;
  }

  get childCount(): number {
    return this.active.size + this.inactive.length;
  }

  onlyChild(): DrfNode | undefined {
    return this.childCount === 1 ? (this.active.first() ?? this.inactive[0]) : undefined;
  }
}

/** before is the DRF order: lower weighted share first, then fewer allocations, then path. */
function before(a: DrfNode, b: DrfNode): boolean {
  if (a.share !== b.share) return a.share < b.share;
  if (a.count !== b.count) return a.count < b.count;
  return a.path < b.path;
}

function compare(a: DrfNode, b: DrfNode): number {
  return before(a, b) ? -1 : before(b, a) ? 1 : 0;
}

/** DrfSorterOptions configures a `DrfSorter`. */
export interface DrfSorterOptions {
  readonly total: SorterTotal;
  /** hierarchical splits client names on `/`; defaults to true. */
  readonly hierarchical?: boolean;
  readonly fairnessExcludeResourceNames?: readonly string[];
}

/**
 * DrfSorter orders clients by weighted dominant resource share (Ghodsi et al., "Dominant Resource
 * Fairness", NSDI'11), as Mesos's `DRFSorter` does: a client's share is its largest fraction of any
 * cluster resource, divided by its weight. Hierarchical clients form a tree; siblings are ordered by the
 * share of their whole subtree, so "eng" (with "eng/web" and "eng/db" under it) competes with "ops" as one.
 *
 * The order is kept up to date incrementally: booking an allocation recomputes the shares on the client's
 * path and moves only those nodes (binary search and one splice per level). A full re-sort happens only
 * when the cluster total, a weight or the set of clients changed, which is why the allocator can afford
 * to ask for the order once per agent, as Mesos does.
 */
export class DrfSorter implements Sorter {
  private readonly root: DrfNode;
  private readonly clients = new Map<string, DrfNode>();
  private readonly inner = new Map<string, DrfNode>();
  private readonly weights = new Map<string, number>();
  private readonly total: SorterTotal;
  private readonly hierarchical: boolean;
  private readonly excluded: ReadonlySet<string>;
  private dirty = false;
  private totalVersion = -1;
  membership = 0;
  private walking = 0;

  constructor(options: DrfSorterOptions) {
    this.total = options.total;
    this.hierarchical = options.hierarchical ?? true;
    this.excluded = new Set(options.fairnessExcludeResourceNames ?? []);
    this.root = new DrfNode('', INTERNAL, null, 1);
  }

  add(client: string): void {
    this.assertNotWalking();
    if (this.clients.has(client)) throw new CoreError('CONFLICT', `sorter already has client '${client}'`);
    const tokens = this.hierarchical ? client.split('/') : [client];
    let current = this.root;
    let i = 0;
    for (;;) {
      if (i === tokens.length) {
        // The path is already an inner node: the client lives in a virtual leaf beneath it.
        const leaf = new DrfNode(VIRTUAL, INACTIVE_LEAF, current, 1);
        this.attach(current, leaf);
        current = leaf;
        break;
      }
      if (current.kind !== INTERNAL) {
        // A leaf gains children: it becomes an inner node and its own client moves to a virtual leaf.
        const parent = current.parent as DrfNode;
        const oldKind = current.kind;
        this.detach(parent, current);
        current.kind = INTERNAL;
        this.attach(parent, current);
        this.inner.set(current.path, current);
        const leaf = new DrfNode(VIRTUAL, oldKind, current, 1);
        leaf.allocation.add(current.allocation);
        leaf.count = current.count;
        this.attach(current, leaf);
        this.clients.set(leaf.client, leaf);
        break;
      }
      const child = current.byName.get(tokens[i] as string);
      if (child === undefined) break;
      current = child;
      i++;
    }
    for (; i < tokens.length; i++) {
      const last = i === tokens.length - 1;
      const node = new DrfNode(tokens[i] as string, last ? INACTIVE_LEAF : INTERNAL, current, 1);
      node.weight = this.weights.get(node.path) ?? 1;
      this.attach(current, node);
      if (!last) this.inner.set(node.path, node);
      current = node;
    }
    this.clients.set(client, current);
    this.dirty = true;
    this.membership++;
  }

  remove(client: string): void {
    this.assertNotWalking();
    let current: DrfNode = this.leaf(client);
    this.clients.delete(client);
    const released = current.allocation.clone();
    while (current !== this.root) {
      const parent = current.parent as DrfNode;
      parent.allocation.subtract(released);
      const only = current.onlyChild();
      if (current.childCount === 0) {
        this.detach(parent, current);
        if (current.kind === INTERNAL) this.inner.delete(current.path);
      } else if (only !== undefined && only.name === VIRTUAL) {
        // Only the virtual leaf is left: fold it back into a plain leaf.
        const leaf = only;
        this.detach(current, leaf);
        this.detach(parent, current);
        current.kind = leaf.kind;
        this.attach(parent, current);
        this.inner.delete(current.path);
        this.clients.set(current.path, current);
      }
      current = parent;
    }
    this.dirty = true;
    this.membership++;
  }

  activate(client: string): void {
    this.assertNotWalking();
    const node = this.leaf(client);
    if (node.kind !== INACTIVE_LEAF) return;
    const parent = node.parent as DrfNode;
    this.detach(parent, node);
    node.kind = ACTIVE_LEAF;
    this.attach(parent, node);
    this.dirty = true;
    this.membership++;
  }

  deactivate(client: string): void {
    this.assertNotWalking();
    const node = this.leaf(client);
    if (node.kind !== ACTIVE_LEAF) return;
    const parent = node.parent as DrfNode;
    this.detach(parent, node);
    node.kind = INACTIVE_LEAF;
    this.attach(parent, node);
    this.membership++;
  }

  isActive(client: string): boolean {
    return this.clients.get(client)?.kind === ACTIVE_LEAF;
  }

  contains(client: string): boolean {
    return this.clients.has(client);
  }

  count(): number {
    return this.clients.size;
  }

  updateWeight(path: string, weight: number): void {
    this.assertNotWalking();
    this.weights.set(path, weight);
    const inner = this.inner.get(path);
    const node = inner ?? this.clients.get(path);
    if (node !== undefined && node.name !== VIRTUAL) node.weight = weight;
    this.dirty = true;
  }

  allocated(client: string, quantities: ResourceQuantities): void {
    this.assertNotWalking();
    this.syncTotal();
    let node: DrfNode | null = this.leaf(client);
    while (node !== null) {
      node.allocation.add(quantities);
      node.count++;
      if (node !== this.root && !this.dirty && node.kind !== INACTIVE_LEAF) this.reposition(node);
      node = node.parent;
    }
  }

  unallocated(client: string, quantities: ResourceQuantities): void {
    this.assertNotWalking();
    this.syncTotal();
    let node: DrfNode | null = this.leaf(client);
    while (node !== null) {
      node.allocation.subtract(quantities);
      if (node !== this.root && !this.dirty && node.kind !== INACTIVE_LEAF) this.reposition(node);
      node = node.parent;
    }
  }

  allocation(client: string): ResourceQuantities {
    return this.leaf(client).allocation;
  }

  /** share is the client's current weighted dominant share, for tests and the console. */
  share(client: string): number {
    return this.computeShare(this.leaf(client));
  }

  sort(): string[] {
    const out: string[] = [];
    this.forEach((client) => {
      out.push(client);
    });
    return out;
  }

  forEach(visit: (client: string) => boolean | void): void {
    this.ensureSorted();
    this.walking++;
    try {
      this.walk(this.root, visit);
    } finally {
      this.walking--;
    }
  }

  private walk(node: DrfNode, visit: (client: string) => boolean | void): boolean {
    const blocks = node.active.blocksInOrder();
    for (let b = 0; b < blocks.length; b++) {
      const block = blocks[b] as readonly DrfNode[];
      for (let i = 0; i < block.length; i++) {
        const child = block[i] as DrfNode;
        if (child.kind === ACTIVE_LEAF) {
          if (visit(child.client) === false) return false;
        } else if (!this.walk(child, visit)) {
          return false;
        }
      }
    }
    return true;
  }

  private leaf(client: string): DrfNode {
    const node = this.clients.get(client);
    if (node === undefined) throw new CoreError('NOT_FOUND', `sorter has no client '${client}'`);
    return node;
  }

  /** attach files `child` under `parent`: in the ordered set when active or inner, else with the inactive leaves. */
  private attach(parent: DrfNode, child: DrfNode): void {
    child.parent = parent;
    parent.byName.set(child.name, child);
    if (child.kind === INACTIVE_LEAF) parent.inactive.push(child);
    else parent.active.insert(child);
  }

  private detach(parent: DrfNode, child: DrfNode): void {
    if (child.block !== undefined) {
      parent.active.remove(child);
    } else {
      const i = parent.inactive.indexOf(child);
      if (i >= 0) parent.inactive.splice(i, 1);
    }
    parent.byName.delete(child.name);
  }

  private syncTotal(): void {
    if (this.totalVersion !== this.total.version) this.dirty = true;
  }

  private ensureSorted(): void {
    this.syncTotal();
    if (!this.dirty) return;
    this.sortSubtree(this.root);
    this.dirty = false;
    this.totalVersion = this.total.version;
  }

  private sortSubtree(node: DrfNode): void {
    const children = node.active.toArray();
    for (const child of children) child.share = this.computeShare(child);
    children.sort(compare);
    node.active.reset(children);
    for (const child of children) if (child.kind === INTERNAL) this.sortSubtree(child);
  }

  /** reposition moves `node` to its DRF place among its siblings after its share changed. */
  private reposition(node: DrfNode): void {
    node.share = this.computeShare(node);
    (node.parent as DrfNode).active.reposition(node);
  }

  private computeShare(node: DrfNode): number {
    const total = this.total.quantities;
    const allocation = node.allocation;
    let share = 0;
    for (let s = 0; s < total.slots; s++) {
      const amount = total.milliAt(s);
      if (amount <= 0 || (this.excluded.size > 0 && this.excluded.has(ResourceQuantities.slotName(s)))) continue;
      const ratio = allocation.milliAt(s) / amount;
      if (ratio > share) share = ratio;
    }
    return share / node.weight;
  }

  private assertNotWalking(): void {
    if (this.walking > 0) throw new CoreError('INTERNAL', 'sorter changed while its order was being visited');
  }
}
