import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DrfSorter } from '../../../core/allocator/drfSorter.js';
import { RandomSorter } from '../../../core/allocator/randomSorter.js';
import { ResourceQuantities } from '../../../core/allocator/resourceQuantities.js';
import { SorterTotal } from '../../../core/allocator/sorterTotal.js';
import { SeededRng } from '../../../core/common/rng.js';

function q(record: Record<string, number>): ResourceQuantities {
  return ResourceQuantities.fromRecord(record);
}

function sorterWith(total: Record<string, number>, options: { hierarchical?: boolean; exclude?: string[] } = {}): { sorter: DrfSorter; total: SorterTotal } {
  const t = new SorterTotal();
  t.add(q(total));
  return { sorter: new DrfSorter({ total: t, hierarchical: options.hierarchical, fairnessExcludeResourceNames: options.exclude }), total: t };
}

function addActive(sorter: DrfSorter, client: string, allocation?: Record<string, number>): void {
  sorter.add(client);
  sorter.activate(client);
  if (allocation !== undefined) sorter.allocated(client, q(allocation));
}

describe('DrfSorter', () => {
  it('orders clients by dominant share and keeps the order as allocations change', () => {
    const { sorter, total } = sorterWith({ cpus: 200, mem: 400 });
    assert.deepEqual(sorter.sort(), []);

    addActive(sorter, 'a', { cpus: 20, mem: 20 });
    addActive(sorter, 'b', { cpus: 10, mem: 60 });
    // shares: a = max(.10, .05) = .10, b = max(.05, .15) = .15
    assert.deepEqual(sorter.sort(), ['a', 'b']);
    assert.equal(sorter.share('a'), 0.1);
    assert.equal(sorter.share('b'), 0.15);

    addActive(sorter, 'c', { cpus: 4, mem: 8 });
    addActive(sorter, 'd', { cpus: 2, mem: 48 });
    // shares: a = .10, b = .15, c = .02, d = .12
    assert.deepEqual(sorter.sort(), ['c', 'a', 'd', 'b']);

    sorter.remove('a');
    sorter.unallocated('b', q({ cpus: 6, mem: 40 }));
    // shares: b = max(.02, .05) = .05, c = .02, d = .12
    assert.deepEqual(sorter.sort(), ['c', 'b', 'd']);

    addActive(sorter, 'e', { cpus: 30, mem: 4 });
    // shares: b = .05, c = .02, d = .12, e = .15
    assert.deepEqual(sorter.sort(), ['c', 'b', 'd', 'e']);

    total.subtract(q({ cpus: 100 }));
    // total cpus:100;mem:400 — shares: b = .05, c = .04, d = .12, e = .30
    assert.deepEqual(sorter.sort(), ['c', 'b', 'd', 'e']);

    sorter.allocated('c', q({ mem: 60 }));
    // shares: b = .05, c = max(.04, .17) = .17, d = .12, e = .30
    assert.deepEqual(sorter.sort(), ['b', 'd', 'c', 'e']);

    assert.equal(sorter.count(), 4);
    assert.equal(sorter.contains('a'), false);

    sorter.deactivate('d');
    assert.equal(sorter.contains('d'), true);
    assert.deepEqual(sorter.sort(), ['b', 'c', 'e']);
    sorter.activate('d');
    assert.deepEqual(sorter.sort(), ['b', 'd', 'c', 'e']);
  });

  it('keeps the same order when updated incrementally as when sorted from scratch', () => {
    const { sorter } = sorterWith({ cpus: 100, mem: 1000 });
    const reference = sorterWith({ cpus: 100, mem: 1000 }).sorter;
    const clients = ['p', 'q', 'r', 's', 't'];
    for (const c of clients) {
      addActive(sorter, c);
      addActive(reference, c);
    }
    sorter.sort(); // the tree is clean from here on, so allocations reposition nodes one by one
    const steps: Array<[string, Record<string, number>]> = [
      ['p', { cpus: 3 }],
      ['q', { mem: 50 }],
      ['r', { cpus: 1, mem: 5 }],
      ['p', { mem: 10 }],
      ['s', { cpus: 2 }],
      ['t', { cpus: 2 }],
    ];
    for (const [client, amount] of steps) {
      sorter.allocated(client, q(amount));
      reference.allocated(client, q(amount));
    }
    sorter.unallocated('p', q({ cpus: 3 }));
    reference.unallocated('p', q({ cpus: 3 }));
    // shares: p = .01, q = .05, r = .01, s = .02, t = .02; ties broken by allocation count, then name
    assert.deepEqual(sorter.sort(), reference.sort());
    assert.deepEqual(sorter.sort(), ['r', 'p', 's', 't', 'q']);
  });

  it('divides shares by weight (weighted DRF)', () => {
    const { sorter } = sorterWith({ cpus: 100, mem: 100 });
    addActive(sorter, 'light', { cpus: 10, mem: 10 });
    addActive(sorter, 'heavy', { cpus: 15, mem: 15 });
    // shares: light = .10, heavy = .15
    assert.deepEqual(sorter.sort(), ['light', 'heavy']);

    sorter.updateWeight('heavy', 2);
    // weighted shares: light = .10, heavy = .15 / 2 = .075
    assert.deepEqual(sorter.sort(), ['heavy', 'light']);
    assert.equal(sorter.share('heavy'), 0.075);

    sorter.allocated('heavy', q({ cpus: 10 }));
    // weighted shares: light = .10, heavy = .25 / 2 = .125
    assert.deepEqual(sorter.sort(), ['light', 'heavy']);
  });

  it('breaks share ties by how often a client was allocated to, then by name', () => {
    const { sorter } = sorterWith({ cpus: 10 });
    addActive(sorter, 'x');
    addActive(sorter, 'y');
    // shares: x = 0, y = 0; counts: x = 0, y = 0
    assert.deepEqual(sorter.sort(), ['x', 'y']);
    sorter.allocated('x', q({ cpus: 1 }));
    sorter.unallocated('x', q({ cpus: 1 }));
    // shares: x = 0, y = 0; counts: x = 1, y = 0
    assert.deepEqual(sorter.sort(), ['y', 'x']);
  });

  it('ignores resources excluded from fair sharing', () => {
    const { sorter } = sorterWith({ cpus: 100, gpus: 4 }, { exclude: ['gpus'] });
    addActive(sorter, 'gpu-user', { cpus: 5, gpus: 4 });
    addActive(sorter, 'cpu-user', { cpus: 10 });
    // shares (gpus ignored): gpu-user = .05, cpu-user = .10
    assert.deepEqual(sorter.sort(), ['gpu-user', 'cpu-user']);
  });

  it('sorts a role tree level by level, with subtree shares', () => {
    const { sorter } = sorterWith({ cpus: 100, mem: 100 });
    addActive(sorter, 'eng/web', { cpus: 10 });
    addActive(sorter, 'eng/db', { cpus: 2 });
    addActive(sorter, 'ops', { cpus: 8 });
    // shares: eng = .12 (web .10 + db .02), ops = .08; inside eng: db = .02, web = .10
    assert.deepEqual(sorter.sort(), ['ops', 'eng/db', 'eng/web']);

    sorter.updateWeight('eng', 2);
    // weighted: eng = .12 / 2 = .06, ops = .08
    assert.deepEqual(sorter.sort(), ['eng/db', 'eng/web', 'ops']);

    // A client whose name is also an inner node ("eng" beside "eng/web") sits in a virtual leaf.
    addActive(sorter, 'eng', { cpus: 1 });
    // inside eng: eng(.) = .01, db = .02, web = .10; eng = .13 / 2 = .065 < ops .08
    assert.deepEqual(sorter.sort(), ['eng', 'eng/db', 'eng/web', 'ops']);
    assert.equal(sorter.allocation('eng').get('cpus'), 1);

    sorter.remove('eng/web');
    sorter.remove('eng/db');
    // eng folds back into a plain leaf and keeps its weight: eng = .01 / 2
    assert.deepEqual(sorter.sort(), ['eng', 'ops']);
    assert.equal(sorter.share('eng'), 0.005);
  });

  it('turns a leaf into an inner node when a child is added under it', () => {
    const { sorter } = sorterWith({ cpus: 10 });
    addActive(sorter, 'a', { cpus: 3 });
    addActive(sorter, 'b', { cpus: 2 });
    // shares: a = .3, b = .2
    assert.deepEqual(sorter.sort(), ['b', 'a']);
    addActive(sorter, 'a/x');
    // a's own allocation moves to its virtual leaf; subtree a is still .3
    assert.deepEqual(sorter.sort(), ['b', 'a/x', 'a']);
    assert.equal(sorter.allocation('a').get('cpus'), 3);
    sorter.deactivate('a');
    assert.deepEqual(sorter.sort(), ['b', 'a/x']);
  });

  it('flattens nothing for framework sorters: ids with slashes are plain names', () => {
    const { sorter } = sorterWith({ cpus: 10 }, { hierarchical: false });
    addActive(sorter, 'x/1', { cpus: 2 });
    addActive(sorter, 'x', { cpus: 1 });
    assert.deepEqual(sorter.sort(), ['x', 'x/1']);
  });

  it('stops a visit early and refuses changes while visiting', () => {
    const { sorter } = sorterWith({ cpus: 10 });
    for (const c of ['a', 'b', 'c']) addActive(sorter, c);
    const seen: string[] = [];
    sorter.forEach((c) => {
      seen.push(c);
      return c !== 'b';
    });
    assert.deepEqual(seen, ['a', 'b']);
    assert.throws(() => sorter.forEach(() => void sorter.allocated('a', q({ cpus: 1 }))), /changed while/);
  });
  it('agrees with a from-scratch sort after many random changes on hundreds of clients', () => {
    const { sorter, total } = sorterWith({ cpus: 1000, mem: 100_000 });
    const rng = new SeededRng(11);
    const pick = (n: number): number => Math.floor(rng.next() * n);
    const model = new Map<string, { cpus: number; mem: number; count: number; active: boolean }>();
    for (let i = 0; i < 300; i++) {
      const c = `c${String(i).padStart(3, '0')}`;
      addActive(sorter, c);
      model.set(c, { cpus: 0, mem: 0, count: 0, active: true });
    }
    const names = [...model.keys()];
    for (let step = 0; step < 3000; step++) {
      const c = names[pick(names.length)] as string;
      const m = model.get(c) as { cpus: number; mem: number; count: number; active: boolean };
      const r = pick(10);
      if (r < 6) {
        const cpus = pick(4);
        const mem = pick(3) * 100;
        sorter.allocated(c, q({ cpus, mem }));
        m.cpus += cpus;
        m.mem += mem;
        m.count++;
      } else if (r < 8) {
        const cpus = Math.min(m.cpus, pick(4));
        sorter.unallocated(c, q({ cpus }));
        m.cpus -= cpus;
      } else if (r < 9) {
        if (m.active) sorter.deactivate(c);
        else sorter.activate(c);
        m.active = !m.active;
      } else if (step % 500 === 0) {
        total.add(q({ cpus: 10 }));
      }
      if (step % 100 === 0) {
        const t = total.quantities;
        const share = (x: { cpus: number; mem: number }): number => Math.max((x.cpus * 1000) / t.getMilli('cpus'), (x.mem * 1000) / t.getMilli('mem'));
        const expected = names
          .filter((n) => model.get(n)?.active)
          .sort((a, b) => {
            const x = model.get(a) as { cpus: number; mem: number; count: number };
            const y = model.get(b) as { cpus: number; mem: number; count: number };
            return share(x) - share(y) || x.count - y.count || (a < b ? -1 : 1);
          });
        assert.deepEqual(sorter.sort(), expected, `order differs at step ${step}`);
      }
    }
  });
});

describe('RandomSorter', () => {
  it('draws the same order for the same seed and only lists active clients', () => {
    const make = (): RandomSorter => {
      const s = new RandomSorter({ rng: new SeededRng(9) });
      for (const c of ['a', 'b', 'c', 'd', 'e']) {
        s.add(c);
        s.activate(c);
      }
      s.deactivate('c');
      return s;
    };
    const first = make().sort();
    assert.deepEqual(make().sort(), first);
    assert.deepEqual([...first].sort(), ['a', 'b', 'd', 'e']);
  });

  it('puts heavier clients first more often, in proportion to weight', () => {
    const s = new RandomSorter({ rng: new SeededRng(1) });
    for (const c of ['one', 'three']) {
      s.add(c);
      s.activate(c);
    }
    s.updateWeight('three', 3);
    let threeFirst = 0;
    const draws = 4000;
    for (let i = 0; i < draws; i++) if (s.sort()[0] === 'three') threeFirst++;
    // P(three first) = 3 / (1 + 3) = .75
    assert.ok(Math.abs(threeFirst / draws - 0.75) < 0.03, `three first ${threeFirst} of ${draws}`);
  });

  it('keeps a subtree together', () => {
    const s = new RandomSorter({ rng: new SeededRng(3) });
    for (const c of ['eng/web', 'ops', 'eng/db', 'eng']) {
      s.add(c);
      s.activate(c);
    }
    for (let i = 0; i < 50; i++) {
      const order = s.sort();
      const positions = order.map((c, idx) => (c.startsWith('eng') ? idx : -1)).filter((x) => x >= 0);
      assert.equal(positions.length, 3);
      assert.equal(Math.max(...positions) - Math.min(...positions), 2, order.join(','));
    }
  });
});
