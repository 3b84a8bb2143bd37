import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HierarchicalAllocator } from '../../../core/allocator/hierarchicalAllocator.js';
import type { Allocation, AllocatorOptions } from '../../../core/allocator/hierarchicalAllocator.js';
import { CoreError } from '../../../core/common/errors.js';
import { Resources } from '../../../core/common/resources.js';
import { SeededRng } from '../../../core/common/rng.js';

const T0 = 1_700_000_000_000;

function res(text: string): Resources {
  return Resources.parse(text);
}

/** reserved builds resources dynamically reserved to `role` (parse only makes static reservations, which is fine here). */
function reserved(text: string, role: string): Resources {
  return Resources.parse(text, role);
}

function allocator(options: AllocatorOptions = {}): HierarchicalAllocator {
  return new HierarchicalAllocator({ shuffleAgents: false, ...options });
}

function agent(a: HierarchicalAllocator, id: string, total: string | Resources = 'cpus:4;mem:1024'): void {
  a.addAgent(id, { hostname: `${id}.example` }, typeof total === 'string' ? res(total) : total, new Map());
}

function framework(a: HierarchicalAllocator, id: string, roles: string[], extra: { capabilities?: string[]; suppressedRoles?: string[] } = {}): void {
  a.addFramework(id, { roles, ...extra }, new Map(), true);
}

/** summary lists offers as "framework@agent/role" in the order returned. */
function summary(offers: readonly Allocation[]): string[] {
  return offers.map((o) => `${o.frameworkId}@${o.agentId}/${o.role}`);
}

function declineAll(a: HierarchicalAllocator, offers: readonly Allocation[], refuseSeconds: number | undefined, now: number): void {
  for (const o of offers) a.recoverResources(o.frameworkId, o.agentId, o.resources, refuseSeconds, now);
}

describe('HierarchicalAllocator', () => {
  it('offers each agent whole to the role, then the framework, with the lowest dominant share', () => {
    const a = allocator();
    for (const id of ['a1', 'a2', 'a3']) agent(a, id);
    framework(a, 'f1', ['web']);
    framework(a, 'f2', ['web']);
    framework(a, 'f3', ['batch']);
    const offers = a.allocate(T0);
    // a1: shares batch = 0, web = 0 -> batch (by name) -> f3
    // a2: batch = 1/3, web = 0 -> web; inside web f1 = f2 = 0 -> f1 (by name)
    // a3: batch = 1/3, web = 1/3, one allocation each -> batch (by name) -> f3
    assert.deepEqual(summary(offers), ['f3@a1/batch', 'f1@a2/web', 'f3@a3/batch']);
    for (const o of offers) {
      assert.ok(o.resources.equals(res('cpus:4;mem:1024').allocate(o.role)), 'the whole agent is offered, allocated to the role');
    }
    // Nothing is left to offer until something comes back.
    assert.deepEqual(a.allocate(T0 + 1000), []);
  });

  it('visits only the named agents when a cycle is limited to them (an event about those agents)', () => {
    const a = allocator();
    for (const id of ['a1', 'a2', 'a3']) agent(a, id);
    framework(a, 'f1', ['web']);
    assert.deepEqual(summary(a.allocate(T0, new Set(['a2']))), ['f1@a2/web'], 'only a2 is offered');
    assert.deepEqual(summary(a.allocate(T0, new Set(['a9']))), [], 'an unknown agent is no error and offers nothing');
    assert.deepEqual(summary(a.allocate(T0)), ['f1@a1/web', 'f1@a3/web'], 'a full cycle offers the rest');
  });

  it('makes at most one offer per agent per framework per cycle', () => {
    const whole = res('cpus:2;mem:512').add(reserved('cpus:2;mem:512', 'x'));
    const a = allocator();
    agent(a, 'a1', whole);
    framework(a, 'f1', ['x']);
    // Everything on a1 is allocatable to x: one offer covers the agent.
    const all = a.allocate(T0);
    assert.deepEqual(summary(all), ['f1@a1/x']);
    assert.ok(all[0]?.resources.equals(whole.allocate('x')));

    const b = allocator();
    agent(b, 'a1', whole);
    framework(b, 'f1', ['web', 'x']);
    const offers = b.allocate(T0);
    // shares web = x = 0 -> web (by name): f1 gets the unreserved half for web. x could take the reserved
    // half, but f1 already has an offer on a1 this cycle, so that waits for a later cycle.
    assert.deepEqual(summary(offers), ['f1@a1/web']);
    assert.ok(offers[0]?.resources.unallocate().equals(res('cpus:2;mem:512')));
    const next = b.allocate(T0 + 1000);
    // A new cycle: f1 may now get the reserved half for x.
    assert.deepEqual(summary(next), ['f1@a1/x']);
    assert.ok(next[0]?.resources.unallocate().equals(reserved('cpus:2;mem:512', 'x')));
  });

  it('offers several agents to one framework in a cycle, one offer each', () => {
    const a = allocator();
    for (const id of ['a1', 'a2', 'a3']) agent(a, id);
    framework(a, 'f1', ['web']);
    assert.deepEqual(summary(a.allocate(T0)), ['f1@a1/web', 'f1@a2/web', 'f1@a3/web']);
  });

  it('gives reserved resources only to frameworks of their role or its subroles', () => {
    const a = allocator();
    agent(a, 'a1', reserved('cpus:4;mem:1024', 'eng'));
    framework(a, 'other', ['ops']);
    assert.deepEqual(a.allocate(T0), []);
    framework(a, 'child', ['eng/web']);
    const offers = a.allocate(T0 + 1000);
    assert.deepEqual(summary(offers), ['child@a1/eng/web']);
    assert.ok(offers[0]?.resources.equals(reserved('cpus:4;mem:1024', 'eng').allocate('eng/web')));
  });

  it('honours offer filters until they expire, and reports the next expiry', () => {
    const a = allocator();
    agent(a, 'a1');
    framework(a, 'f1', ['web']);
    declineAll(a, a.allocate(T0), 5, T0);
    assert.equal(a.nextFilterExpiry(), T0 + 5000);
    assert.deepEqual(a.allocate(T0 + 1000), []);
    assert.deepEqual(a.allocate(T0 + 4999), []);
    const back = a.allocate(T0 + 5000);
    assert.deepEqual(summary(back), ['f1@a1/web']);
    assert.equal(a.nextFilterExpiry(), undefined);
    // refuse_seconds 0 or undefined installs no filter.
    declineAll(a, back, 0, T0 + 5000);
    const again = a.allocate(T0 + 6000);
    assert.deepEqual(summary(again), ['f1@a1/web']);
    declineAll(a, again, undefined, T0 + 6000);
    assert.deepEqual(summary(a.allocate(T0 + 7000)), ['f1@a1/web']);
  });

  it('offers a filtered agent to the next framework in line', () => {
    const a = allocator();
    agent(a, 'a1');
    framework(a, 'f1', ['web']);
    framework(a, 'f2', ['web']);
    const first = a.allocate(T0);
    assert.deepEqual(summary(first), ['f1@a1/web']);
    declineAll(a, first, 60, T0);
    // f2 now sorts first anyway (fewer allocations); after it declines too, f1 is still filtered.
    const second = a.allocate(T0 + 1000);
    assert.deepEqual(summary(second), ['f2@a1/web']);
    declineAll(a, second, undefined, T0 + 1000);
    assert.deepEqual(summary(a.allocate(T0 + 2000)), ['f2@a1/web']);
  });

  it('keeps a filter for at least one allocation interval and at most 365 days', () => {
    const a = allocator({ allocationInterval: 1000 });
    agent(a, 'a1');
    framework(a, 'f1', ['web']);
    declineAll(a, a.allocate(T0), 0.1, T0);
    assert.equal(a.nextFilterExpiry(), T0 + 1000);
    assert.deepEqual(a.allocate(T0 + 999), []);
    const again = a.allocate(T0 + 1000);
    assert.equal(again.length, 1);
    declineAll(a, again, 1e12, T0 + 1000);
    assert.equal(a.nextFilterExpiry(), T0 + 1000 + 365 * 24 * 3600 * 1000);
  });

  it('lets an offer through a filter when it is more than what was refused', () => {
    const a = allocator();
    agent(a, 'a1', 'cpus:4;mem:1024');
    framework(a, 'f1', ['web']);
    declineAll(a, a.allocate(T0), 60, T0);
    assert.deepEqual(a.allocate(T0 + 1000), []);
    a.updateAgent('a1', res('cpus:8;mem:2048'));
    assert.deepEqual(summary(a.allocate(T0 + 2000)), ['f1@a1/web']);
  });

  it('filters per role: a refusal for one role does not hide the agent from the framework\'s other role', () => {
    const a = allocator();
    agent(a, 'a1');
    framework(a, 'f1', ['a', 'b']);
    const first = a.allocate(T0);
    assert.deepEqual(summary(first), ['f1@a1/a']);
    declineAll(a, first, 60, T0);
    const second = a.allocate(T0 + 1000);
    assert.deepEqual(summary(second), ['f1@a1/b']);
    declineAll(a, second, 60, T0 + 1000);
    assert.deepEqual(a.allocate(T0 + 2000), []);
  });

  it('stops offering to suppressed roles, and revive clears suppression and filters', () => {
    const a = allocator();
    agent(a, 'a1');
    agent(a, 'a2');
    framework(a, 'f1', ['web', 'batch']);
    a.suppressOffers('f1');
    assert.deepEqual(a.allocate(T0), []);
    a.reviveOffers('f1', ['batch']);
    const offers = a.allocate(T0 + 1000);
    assert.deepEqual(summary(offers), ['f1@a1/batch', 'f1@a2/batch']);
    declineAll(a, offers, 3600, T0 + 1000);
    assert.deepEqual(a.allocate(T0 + 2000), []);
    a.reviveOffers('f1');
    // All roles unsuppressed and the batch filters gone.
    // a1: web = batch = 0, batch has two allocations -> web
    // a2: web = .5, batch = 0 -> batch
    assert.deepEqual(summary(a.allocate(T0 + 3000)), ['f1@a1/web', 'f1@a2/batch']);
  });

  it('honours suppressed roles given at registration and on update', () => {
    const a = allocator();
    agent(a, 'a1');
    framework(a, 'f1', ['web', 'batch'], { suppressedRoles: ['web'] });
    assert.deepEqual(summary(a.allocate(T0)), ['f1@a1/batch']);
    const b = allocator();
    agent(b, 'a1');
    framework(b, 'f1', ['web']);
    b.updateFramework('f1', { roles: ['web', 'batch'], suppressedRoles: ['batch'] });
    assert.deepEqual(summary(b.allocate(T0)), ['f1@a1/web']);
  });

  it('offers nothing to inactive frameworks or from inactive agents', () => {
    const a = allocator();
    agent(a, 'a1');
    framework(a, 'f1', ['web']);
    a.deactivateFramework('f1');
    assert.deepEqual(a.allocate(T0), []);
    a.activateFramework('f1');
    a.deactivateAgent('a1');
    assert.deepEqual(a.allocate(T0 + 1000), []);
    a.activateAgent('a1');
    assert.deepEqual(summary(a.allocate(T0 + 2000)), ['f1@a1/web']);
  });

  it('drops a framework\'s filters when it disconnects', () => {
    const a = allocator();
    agent(a, 'a1');
    framework(a, 'f1', ['web']);
    declineAll(a, a.allocate(T0), 3600, T0);
    a.deactivateFramework('f1');
    a.activateFramework('f1');
    assert.deepEqual(summary(a.allocate(T0 + 1000)), ['f1@a1/web']);
  });

  it('returns what a removed framework held and forgets it', () => {
    const a = allocator();
    agent(a, 'a1');
    framework(a, 'f1', ['web']);
    framework(a, 'f2', ['web']);
    assert.deepEqual(summary(a.allocate(T0)), ['f1@a1/web']);
    a.removeFramework('f1');
    assert.ok(a.available('a1')?.equals(res('cpus:4;mem:1024')));
    assert.deepEqual(summary(a.allocate(T0 + 1000)), ['f2@a1/web']);
    assert.deepEqual(a.roles().map((r) => [r.name, r.frameworks]), [['web', ['f2']]]);
    assert.throws(() => a.removeFramework('f1'), (e: unknown) => e instanceof CoreError && e.code === 'NOT_FOUND');
  });

  it('forgets a removed agent with what was held and filtered on it', () => {
    const a = allocator();
    agent(a, 'a1');
    agent(a, 'a2');
    framework(a, 'f1', ['web']);
    const offers = a.allocate(T0);
    assert.equal(offers.length, 2);
    declineAll(a, offers.slice(1), 3600, T0);
    a.removeAgent('a1');
    a.removeAgent('a2');
    assert.equal(a.nextFilterExpiry(), undefined);
    assert.deepEqual(a.roles()[0]?.allocated.isEmpty(), true);
    // Recovering resources of a removed agent is a no-op, as in Mesos.
    a.recoverResources('f1', 'a1', offers[0]?.resources as Resources, undefined, T0);
    agent(a, 'a1');
    assert.deepEqual(summary(a.allocate(T0 + 1000)), ['f1@a1/web']);
  });

  it('shares the cluster by weight', () => {
    const a = allocator();
    for (let i = 0; i < 8; i++) agent(a, `a${i}`);
    framework(a, 'heavy', ['heavy']);
    framework(a, 'light', ['light']);
    a.updateWeights([{ role: 'heavy', weight: 3 }]);
    const offers = a.allocate(T0);
    const count = (role: string): number => offers.filter((o) => o.role === role).length;
    // weighted shares stay equal: heavy gets three agents for each of light's.
    assert.equal(count('heavy'), 6);
    assert.equal(count('light'), 2);
    assert.equal(a.roles().find((r) => r.name === 'heavy')?.weight, 3);
  });

  it('sorts hierarchical roles as a tree: a subtree competes as one role', () => {
    const a = allocator();
    for (let i = 0; i < 4; i++) agent(a, `a${i}`);
    framework(a, 'web', ['eng/web']);
    framework(a, 'db', ['eng/db']);
    framework(a, 'ops', ['ops']);
    const offers = a.allocate(T0);
    const count = (role: string): number => offers.filter((o) => o.role.startsWith(role)).length;
    // eng (web + db) and ops each get half: eng's half is split between web and db.
    assert.equal(count('eng'), 2);
    assert.equal(count('ops'), 2);
    assert.deepEqual(offers.filter((o) => o.role.startsWith('eng')).map((o) => o.role).sort(), ['eng/db', 'eng/web']);
  });

  it('skips offers below the minimum allocatable resources', () => {
    const a = allocator({ minAllocatable: { cpus: 1, mem: 512 } });
    agent(a, 'small', 'cpus:0.5;mem:256;disk:1000');
    agent(a, 'cpu', 'cpus:1;mem:1');
    framework(a, 'f1', ['web']);
    assert.deepEqual(summary(a.allocate(T0)), ['f1@cpu/web']);
    const defaults = allocator();
    agent(defaults, 'tiny', 'cpus:0.001;mem:31;disk:1000');
    framework(defaults, 'f1', ['web']);
    assert.deepEqual(defaults.allocate(T0), []);
  });

  it('offers GPU agents only to GPU-capable frameworks', () => {
    const a = allocator();
    agent(a, 'gpu', 'cpus:4;mem:1024;gpus:1');
    framework(a, 'plain', ['web']);
    assert.deepEqual(a.allocate(T0), []);
    framework(a, 'ml', ['web'], { capabilities: ['GPU_RESOURCES'] });
    assert.deepEqual(summary(a.allocate(T0 + 1000)), ['ml@gpu/web']);
  });

  it('accounts resources already in use after a failover, from agents and frameworks alike', () => {
    const a = allocator();
    const used = res('cpus:1;mem:256').allocate('web');
    // The agent reports f1's tasks before f1 re-registers.
    a.addAgent('a1', { hostname: 'a1' }, res('cpus:4;mem:1024'), new Map([['f1', used]]));
    assert.ok(a.available('a1')?.equals(res('cpus:3;mem:768')));
    a.addFramework('f1', { roles: ['web'] }, new Map([['a1', used]]), true);
    assert.ok(a.roles()[0]?.allocated.equals(used));
    // f2's tasks on a2 are reported by the framework only.
    agent(a, 'a2');
    a.addFramework('f2', { roles: ['batch'] }, new Map([['a2', res('cpus:2;mem:512').allocate('batch')]]), true);
    assert.ok(a.available('a2')?.equals(res('cpus:2;mem:512')));
    // The tasks finish: their resources come back.
    a.recoverResources('f1', 'a1', used, undefined, T0);
    assert.ok(a.available('a1')?.equals(res('cpus:4;mem:1024')));
  });

  it('rejects recovering what a framework does not hold, but ignores unknown agents and removed frameworks', () => {
    const a = allocator();
    agent(a, 'a1');
    framework(a, 'f1', ['web']);
    const [offer] = a.allocate(T0);
    assert.ok(offer !== undefined);
    assert.throws(
      () => a.recoverResources('f1', 'a1', res('cpus:40').allocate('web'), undefined, T0),
      (e: unknown) => e instanceof CoreError && e.code === 'INVALID',
    );
    a.recoverResources('f1', 'nowhere', offer.resources, undefined, T0);
    a.recoverResources('gone', 'a1', offer.resources, undefined, T0);
    // Partial recovery (the unused part of an accept) works without the original object.
    a.recoverResources('f1', 'a1', res('cpus:1;mem:24').allocate('web'), undefined, T0);
    assert.ok(a.available('a1')?.equals(res('cpus:1;mem:24')));
  });

  it('rejects bad input and duplicates with coded errors', () => {
    const a = allocator();
    agent(a, 'a1');
    framework(a, 'f1', ['web']);
    const code = (fn: () => void): string | undefined => {
      try {
        fn();
      } catch (e) {
        return e instanceof CoreError ? e.code : 'other';
      }
      return undefined;
    };
    assert.equal(code(() => agent(a, 'a1')), 'CONFLICT');
    assert.equal(code(() => framework(a, 'f1', ['web'])), 'CONFLICT');
    assert.equal(code(() => framework(a, 'f2', ['bad role'])), 'INVALID');
    assert.equal(code(() => a.updateWeights([{ role: 'web', weight: 0 }])), 'INVALID');
    assert.equal(code(() => a.updateQuota('web', { guarantees: { cpus: 2 }, limits: { cpus: 1 } })), 'INVALID');
    assert.equal(code(() => a.activateAgent('nope')), 'NOT_FOUND');
    assert.equal(code(() => a.suppressOffers('nope')), 'NOT_FOUND');
  });

  it('lists roles with weight, quota, frameworks and what they hold', () => {
    const a = allocator();
    agent(a, 'a1');
    framework(a, 'f1', ['web']);
    a.updateWeights([{ role: 'ops', weight: 2 }]);
    a.updateQuota('batch', { guarantees: { cpus: 1 }, limits: { cpus: 2 } });
    a.allocate(T0);
    const roles = a.roles().map((r) => ({ ...r, allocated: r.allocated.toString() }));
    assert.deepEqual(roles, [
      { name: 'batch', weight: 1, frameworks: [], allocated: '{}', quota: { guarantees: { cpus: 1 }, limits: { cpus: 2 } } },
      { name: 'ops', weight: 2, frameworks: [], allocated: '{}' },
      // One cpu is held back as headroom for batch's guarantee.
      { name: 'web', weight: 1, frameworks: ['f1'], allocated: res('cpus:3;mem:1024').allocate('web').toString() },
    ]);
    a.updateQuota('batch', { guarantees: {}, limits: {} });
    a.updateWeights([{ role: 'ops', weight: 1 }]);
    assert.deepEqual(a.roles().map((r) => r.name), ['web']);
  });

  it('moves a framework between roles on update, keeping what it holds under the old role until returned', () => {
    const a = allocator();
    agent(a, 'a1');
    framework(a, 'f1', ['old']);
    const [held] = a.allocate(T0);
    assert.ok(held !== undefined);
    a.updateFramework('f1', { roles: ['new'] });
    assert.deepEqual(summary(a.allocate(T0 + 1000)), []);
    assert.deepEqual(a.roles().map((r) => [r.name, r.frameworks]), [['new', ['f1']], ['old', ['f1']]]);
    a.recoverResources('f1', held.agentId, held.resources, undefined, T0 + 1000);
    assert.deepEqual(a.roles().map((r) => [r.name, r.frameworks]), [['new', ['f1']]]);
    assert.equal(a.allocate(T0 + 2000).length, 1);
  });

  it('reports the earliest filter expiry among several', () => {
    const a = allocator();
    agent(a, 'a1');
    agent(a, 'a2');
    framework(a, 'f1', ['web']);
    const [first, second] = a.allocate(T0);
    assert.ok(first !== undefined && second !== undefined);
    a.recoverResources('f1', first.agentId, first.resources, 30, T0);
    a.recoverResources('f1', second.agentId, second.resources, 10, T0);
    assert.equal(a.nextFilterExpiry(), T0 + 10_000);
    assert.deepEqual(summary(a.allocate(T0 + 10_000)), [`f1@${second.agentId}/web`]);
    assert.equal(a.nextFilterExpiry(), T0 + 30_000);
  });

  it('works with the random sorter, reproducibly for a seed', () => {
    const run = (seed: number): string[] => {
      const a = new HierarchicalAllocator({ sorter: 'random', rng: new SeededRng(seed) });
      for (let i = 0; i < 6; i++) agent(a, `a${i}`);
      framework(a, 'f1', ['web']);
      framework(a, 'f2', ['batch']);
      framework(a, 'f3', ['eng/web']);
      return summary(a.allocate(T0));
    };
    assert.deepEqual(run(5), run(5));
    assert.equal(run(5).length, 6);
    assert.notDeepEqual(run(5), run(6));
  });
});
