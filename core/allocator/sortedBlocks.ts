/** BlockMember is an element of a `SortedBlocks`; the container keeps `block` pointing at the block holding it. */
export interface BlockMember {
  block: BlockMember[] | undefined;
}

const MAX_BLOCK = 64;
const FILL = 32;

/**
 * SortedBlocks is a list kept in order by a `before` relation, stored as a run of small sorted blocks
 * (a one-level B-tree). Moving one element after its key changed costs two binary searches and two
 * splices of at most 64 elements, whatever the length, where a flat sorted array shifts up to all of
 * them: with a thousand frameworks of equal share in one role, every offer moves one framework from the
 * front to the back. Walking the list in order stays a plain nested loop.
 */
export class SortedBlocks<T extends BlockMember> {
  private blocks: T[][] = [];
  private count = 0;

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  /** size is the number of elements. */
  get size(): number {
    return this.count;
  }

  /** insert adds `item` at its place in the order. */
  insert(item: T): void {
    const blocks = this.blocks;
    if (blocks.length === 0) {
      const block = [item];
      item.block = block as BlockMember[];
      blocks.push(block);
      this.count++;
      return;
    }
    // The first block whose last element does not come before `item` (or the last block).
    let lo = 0;
    let hi = blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const b = blocks[mid] as T[];
      if (this.before(b[b.length - 1] as T, item)) lo = mid + 1;
      else hi = mid;
    }
    const block = blocks[lo] as T[];
    let i = 0;
    let j = block.length;
    while (i < j) {
      const mid = (i + j) >>> 1;
      if (this.before(block[mid] as T, item)) i = mid + 1;
      else j = mid;
    }
    block.splice(i, 0, item);
    item.block = block as BlockMember[];
    this.count++;
    if (block.length > MAX_BLOCK) {
      const upper = block.splice(FILL);
      for (const moved of upper) moved.block = upper as BlockMember[];
      blocks.splice(lo + 1, 0, upper);
    }
  }

  /** remove takes `item` out. */
  remove(item: T): void {
    const block = item.block as T[] | undefined;
    if (block === undefined) return;
    block.splice(block.indexOf(item), 1);
    item.block = undefined;
    this.count--;
    if (block.length === 0) this.blocks.splice(this.blocks.indexOf(block), 1);
  }

  /** reposition moves `item` to its place after its key changed; a no-op when it is still in order. */
  reposition(item: T): void {
    const block = item.block as T[] | undefined;
    if (block === undefined) return;
    const i = block.indexOf(item);
    const prev = i > 0 ? block[i - 1] : this.neighbour(block, -1);
    const next = i + 1 < block.length ? block[i + 1] : this.neighbour(block, 1);
    if ((prev === undefined || this.before(prev, item)) && (next === undefined || this.before(item, next))) return;
    this.remove(item);
    this.insert(item);
  }

  /** reset replaces the contents with `items`, which must already be in order. */
  reset(items: readonly T[]): void {
    this.blocks = [];
    for (let i = 0; i < items.length; i += FILL) {
      const block = items.slice(i, i + FILL);
      for (const item of block) item.block = block as BlockMember[];
      this.blocks.push(block);
    }
    this.count = items.length;
  }

  /** toArray lists the elements in order. */
  toArray(): T[] {
    const out: T[] = [];
    for (const block of this.blocks) for (const item of block) out.push(item);
    return out;
  }

  /** first is the first element in order, if any. */
  first(): T | undefined {
    return this.blocks[0]?.[0];
  }

  /** blocksInOrder exposes the blocks for tight loops; do not modify them. */
  blocksInOrder(): ReadonlyArray<readonly T[]> {
    return this.blocks;
  }

  /** every visits the elements in order until `visit` returns false; returns false if it stopped early. */
  every(visit: (item: T) => boolean): boolean {
    const blocks = this.blocks;
    for (let b = 0; b < blocks.length; b++) {
      const block = blocks[b] as T[];
      for (let i = 0; i < block.length; i++) if (!visit(block[i] as T)) return false;
    }
    return true;
  }

  private neighbour(block: T[], direction: -1 | 1): T | undefined {
    const b = this.blocks.indexOf(block) + direction;
    const other = this.blocks[b];
    if (other === undefined) return undefined;
    return direction < 0 ? other[other.length - 1] : other[0];
  }
}
