import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HierarchicalAllocator } from '../../../core/allocator/hierarchicalAllocator.js';
import type { Allocation } from '../../../core/allocator/hierarchicalAllocator.js';
import { Resources } from '../../../core/common/resources.js';

const T0 = 1_700_000_000_000;

function res(text: string, role?: string): Resources {
  return Resources.parse(text, role);
}

function cluster(agents: number, total = 'cpus:2;mem:512'): HierarchicalAllocator {
  const a = new HierarchicalAllocator({ shuffleAgents: false });
  for (let i = 0; i < agents; i++) a.addAgent(`a${i}`, { hostname: `a${i}` }, res(total), new Map());
  return a;
}

function framework(a: HierarchicalAllocator, id: string, role: string): void {
  a.addFramework(id, { roles: [role] }, new Map(), true);
}

function summary(offers: readonly Allocation[]): string[] {
  return offers.map((o) => `${o.frameworkId}@${o.agentId}/${o.role}`);
}

/** offered sums one scalar over the offers to roles starting with `rolePrefix`. */
function offered(offers: readonly Allocation[], rolePrefix: string, name: string): number {
  return offers.filter((o) => o.role.startsWith(rolePrefix)).reduce((sum, o) => sum + o.resources.scalar(name), 0);
}

describe('HierarchicalAllocator quota', () => {
  it('satisfies guarantees before fair shares (stage 1), then shares the rest by DRF (stage 2)', () => {
    const a = cluster(4);
    framework(a, 'fa', 'alpha');
    framework(a, 'fq', 'quota');
    a.updateQuota('quota', { guarantees: { cpus: 4 }, limits: {} });
    const offers = a.allocate(T0);
    // Plain DRF would alternate alpha, quota, alpha, quota; the guarantee puts quota first.
    assert.deepEqual(summary(offers), ['fq@a0/quota', 'fq@a1/quota', 'fa@a2/alpha', 'fa@a3/alpha']);
    assert.equal(offered(offers, 'quota', 'cpus'), 4);
    // The guaranteed role also gets the agents' memory, which it has no guarantee for.
    assert.equal(offered(offers, 'quota', 'mem'), 1024);
  });

  it('holds back headroom for guarantees of roles that have no framework yet', () => {
    const a = cluster(4);
    framework(a, 'free', 'free');
    a.updateQuota('later', { guarantees: { cpus: 4 }, limits: {} });
    const first = a.allocate(T0);
    // 8 cpus, 4 owed to "later": free gets 4 cpus (and all the memory, which nobody is owed).
    assert.equal(offered(first, 'free', 'cpus'), 4);
    assert.equal(offered(first, 'free', 'mem'), 2048);
    framework(a, 'fl', 'later');
    const second = a.allocate(T0 + 1000);
    assert.deepEqual(summary(second), ['fl@a2/later', 'fl@a3/later']);
    assert.equal(offered(second, 'later', 'cpus'), 4);
  });

  it('never offers a role more than its quota limits, cutting an agent if needed', () => {
    const a = cluster(2);
    framework(a, 'fc', 'capped');
    a.updateQuota('capped', { guarantees: {}, limits: { cpus: 3 } });
    const offers = a.allocate(T0);
    assert.equal(offered(offers, 'capped', 'cpus'), 3);
    assert.equal(offered(offers, 'capped', 'mem'), 1024);
    assert.deepEqual(a.allocate(T0 + 1000), []);
    // Removing the quota lifts the limit.
    a.updateQuota('capped', { guarantees: {}, limits: {} });
    assert.equal(offered(a.allocate(T0 + 2000), 'capped', 'cpus'), 1);
  });

  it('applies a parent role\'s limits to its subroles together', () => {
    const a = cluster(3);
    framework(a, 'web', 'eng/web');
    framework(a, 'db', 'eng/db');
    a.updateQuota('eng', { guarantees: {}, limits: { cpus: 2 } });
    assert.equal(offered(a.allocate(T0), 'eng', 'cpus'), 2);
  });

  it('lets a guaranteed role burst above its guarantee up to its limit', () => {
    const a = cluster(2, 'cpus:4;mem:512');
    framework(a, 'fq', 'q');
    a.updateQuota('q', { guarantees: { cpus: 2 }, limits: { cpus: 3 } });
    const offers = a.allocate(T0);
    assert.equal(offered(offers, 'q', 'cpus'), 3);
  });

  it('counts reservations towards a role\'s quota, so they need no headroom', () => {
    const a = new HierarchicalAllocator({ shuffleAgents: false });
    a.addAgent('reserved', { hostname: 'r' }, res('cpus:2;mem:512', 'q'), new Map());
    a.addAgent('shared', { hostname: 's' }, res('cpus:2;mem:512'), new Map());
    framework(a, 'other', 'other');
    a.updateQuota('q', { guarantees: { cpus: 2 }, limits: {} });
    const offers = a.allocate(T0);
    // q's guarantee is met by its reservation, so nothing of "shared" is held back.
    assert.deepEqual(summary(offers), ['other@shared/other']);
    assert.equal(offered(offers, 'other', 'cpus'), 2);
  });

  it('gives the guarantee back to the headroom when a quota role releases resources', () => {
    const a = cluster(2);
    framework(a, 'fq', 'q');
    framework(a, 'free', 'free');
    a.updateQuota('q', { guarantees: { cpus: 2 }, limits: {} });
    const first = a.allocate(T0);
    assert.deepEqual(summary(first), ['fq@a0/q', 'free@a1/free']);
    // q declines (with a filter): its 2 cpus are owed again, so free may not take them.
    for (const o of first.filter((x) => x.role === 'q')) a.recoverResources(o.frameworkId, o.agentId, o.resources, 60, T0);
    const second = a.allocate(T0 + 1000);
    assert.equal(offered(second, 'free', 'cpus'), 0);
  });
});
