import { CoreError } from '../common/errors.js';
import type { Rng } from '../common/rng.js';
import { ResourceQuantities } from './resourceQuantities.js';
import type { Sorter } from './sorter.js';

interface RandomClient {
  active: boolean;
  readonly allocation: ResourceQuantities;
}

interface Level {
  readonly children: Map<string, Level>;
  path: string;
  client: string | undefined;
}

/** RandomSorterOptions configures a `RandomSorter`. */
export interface RandomSorterOptions {
  readonly rng: Rng;
  /** hierarchical splits client names on `/`; defaults to true. */
  readonly hierarchical?: boolean;
}

/**
 * RandomSorter orders clients by a weighted random draw, Mesos's `RandomSorter`: a client with weight 2 is
 * twice as likely to come first as one with weight 1, and every call draws afresh. Hierarchical clients
 * are drawn level by level, so a subtree's weight covers everything beneath it. Allocations are booked
 * only so `allocation()` can answer; they do not influence the order. The draw comes from the injected
 * `Rng`, so a seed reproduces a cycle exactly.
 *
 * Each call costs O(n log n) in the number of active clients; it has no incremental state to keep.
 */
export class RandomSorter implements Sorter {
  private readonly clients = new Map<string, RandomClient>();
  private readonly weights = new Map<string, number>();
  private readonly rng: Rng;
  private readonly hierarchical: boolean;
  membership = 0;

  constructor(options: RandomSorterOptions) {
    this.rng = options.rng;
    this.hierarchical = options.hierarchical ?? true;
  }

  add(client: string): void {
    if (this.clients.has(client)) throw new CoreError('CONFLICT', `sorter already has client '${client}'`);
    this.clients.set(client, { active: false, allocation: new ResourceQuantities() });
    this.membership++;
  }

  remove(client: string): void {
    this.get(client);
    this.clients.delete(client);
    this.membership++;
  }

  activate(client: string): void {
    this.get(client).active = true;
    this.membership++;
  }

  deactivate(client: string): void {
    this.get(client).active = false;
    this.membership++;
  }

  isActive(client: string): boolean {
    return this.clients.get(client)?.active === true;
  }

  contains(client: string): boolean {
    return this.clients.has(client);
  }

  count(): number {
    return this.clients.size;
  }

  updateWeight(path: string, weight: number): void {
    this.weights.set(path, weight);
  }

  allocated(client: string, quantities: ResourceQuantities): void {
    this.get(client).allocation.add(quantities);
  }

  unallocated(client: string, quantities: ResourceQuantities): void {
    this.get(client).allocation.subtract(quantities);
  }

  allocation(client: string): ResourceQuantities {
    return this.get(client).allocation;
  }

  sort(): string[] {
    const active: string[] = [];
    for (const [name, c] of this.clients) if (c.active) active.push(name);
    if (!this.hierarchical) return this.draw(active, (name) => this.weights.get(name) ?? 1);
    const root: Level = { children: new Map(), path: '', client: undefined };
    for (const name of active) {
      let level = root;
      for (const token of name.split('/')) {
        let next = level.children.get(token);
        if (next === undefined) {
          next = { children: new Map(), path: level.path === '' ? token : `${level.path}/${token}`, client: undefined };
          level.children.set(token, next);
        }
        level = next;
      }
      level.client = name;
    }
    const out: string[] = [];
    this.emit(root, out);
    return out;
  }

  forEach(visit: (client: string) => boolean | void): void {
    for (const client of this.sort()) if (visit(client) === false) return;
  }

  /** emit draws the order of `level`'s children (and its own client, as a weight-1 sibling) and descends. */
  private emit(level: Level, out: string[]): void {
    const items: Array<Level | string> = [...level.children.values()];
    if (level.client !== undefined && level.children.size > 0) items.push(level.client);
    const weightOf = (item: Level | string): number => (typeof item === 'string' ? 1 : (this.weights.get(item.path) ?? 1));
    for (const item of this.draw(items, weightOf)) {
      if (typeof item === 'string') out.push(item);
      else if (item.children.size === 0) out.push(item.client as string);
      else this.emit(item, out);
    }
  }

  /** draw is a weighted random permutation (Efraimidis–Spirakis: sort by `u^(1/w)` descending). */
  private draw<T>(items: readonly T[], weightOf: (item: T) => number): T[] {
    const keyed = items.map((item) => ({ item, key: Math.pow(this.rng.next(), 1 / Math.max(weightOf(item), 1e-9)) }));
    keyed.sort((a, b) => b.key - a.key);
    return keyed.map((k) => k.item);
  }

  private get(client: string): RandomClient {
    const c = this.clients.get(client);
    if (c === undefined) throw new CoreError('NOT_FOUND', `sorter has no client '${client}'`);
    return c;
  }
}
