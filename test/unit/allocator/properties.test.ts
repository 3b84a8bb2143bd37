import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HierarchicalAllocator } from '../../../core/allocator/hierarchicalAllocator.js';
import type { Allocation } from '../../../core/allocator/hierarchicalAllocator.js';
import { Resources } from '../../../core/common/resources.js';
import { SeededRng } from '../../../core/common/rng.js';
import { isStrictSubroleOf } from '../../../core/common/roles.js';

const ROLES = ['a', 'a/x', 'b', 'c'] as const;
const AGENTS = 5;
const FRAMEWORKS = 4;

type Op =
  | { t: 'addAgent'; i: number; cpus: number; mem: number; reserve: (typeof ROLES)[number] | undefined }
  | { t: 'removeAgent'; i: number }
  | { t: 'growAgent'; i: number; cpus: number }
  | { t: 'agentActive'; i: number; active: boolean }
  | { t: 'addFramework'; i: number; roles: string[]; suppressed: string[] }
  | { t: 'removeFramework'; i: number }
  | { t: 'frameworkActive'; i: number; active: boolean }
  | { t: 'suppress'; i: number; role: string | undefined }
  | { t: 'revive'; i: number; role: string | undefined }
  | { t: 'updateRoles'; i: number; roles: string[] }
  | { t: 'weight'; role: string; weight: number }
  | { t: 'quota'; role: string; guarantee: number; extra: number | undefined }
  | { t: 'allocate' }
  | { t: 'recover'; pick: number; part: 'all' | 'mem'; refuse: number | undefined }
  | { t: 'advance'; ms: number };

const role = fc.constantFrom(...ROLES);
const roleSet = fc.uniqueArray(role, { minLength: 1, maxLength: 3 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ t: fc.constant('addAgent' as const), i: fc.nat(AGENTS - 1), cpus: fc.integer({ min: 1, max: 8 }), mem: fc.integer({ min: 1, max: 32 }).map((m) => m * 128), reserve: fc.option(role, { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('removeAgent' as const), i: fc.nat(AGENTS - 1) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('growAgent' as const), i: fc.nat(AGENTS - 1), cpus: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('agentActive' as const), i: fc.nat(AGENTS - 1), active: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('addFramework' as const), i: fc.nat(FRAMEWORKS - 1), roles: roleSet, suppressed: fc.uniqueArray(role, { maxLength: 1 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('removeFramework' as const), i: fc.nat(FRAMEWORKS - 1) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('frameworkActive' as const), i: fc.nat(FRAMEWORKS - 1), active: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('suppress' as const), i: fc.nat(FRAMEWORKS - 1), role: fc.option(role, { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('revive' as const), i: fc.nat(FRAMEWORKS - 1), role: fc.option(role, { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('updateRoles' as const), i: fc.nat(FRAMEWORKS - 1), roles: roleSet }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('weight' as const), role, weight: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('quota' as const), role, guarantee: fc.integer({ min: 0, max: 6 }), extra: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }) }) },
  { weight: 6, arbitrary: fc.constant({ t: 'allocate' as const }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('recover' as const), pick: fc.nat(50), part: fc.constantFrom('all' as const, 'mem' as const), refuse: fc.option(fc.constantFrom(0, 1, 5, 60), { nil: undefined }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 10_000 }) }) },
);

interface Held {
  frameworkId: string;
  agentId: string;
  role: string;
  resources: Resources;
}

/**
 * Model replays operations against an allocator, keeping its own record of what each framework holds, and
 * checks every cycle's offers against it.
 */
class Model {
  readonly allocator: HierarchicalAllocator;
  readonly agents = new Map<string, { total: Resources; active: boolean }>();
  readonly frameworks = new Map<string, { roles: Set<string>; suppressed: Set<string>; active: boolean }>();
  held: Held[] = [];
  now = 1_700_000_000_000;
  readonly log: string[] = [];

  constructor(seed: number) {
    this.allocator = new HierarchicalAllocator({ rng: new SeededRng(seed) });
  }

  apply(op: Op): void {
    const a = this.allocator;
    switch (op.t) {
      case 'addAgent': {
        const id = `agent-${op.i}`;
        if (this.agents.has(id)) return;
        let total = Resources.parse(`cpus:${op.cpus};mem:${op.mem};disk:100;ports:[31000-31009]`);
        if (op.reserve !== undefined) total = total.add(Resources.parse('cpus:1;mem:64', op.reserve));
        a.addAgent(id, { hostname: id }, total, new Map());
        this.agents.set(id, { total, active: true });
        return;
      }
      case 'removeAgent': {
        const id = `agent-${op.i}`;
        if (!this.agents.has(id)) return;
        a.removeAgent(id);
        this.agents.delete(id);
        this.held = this.held.filter((h) => h.agentId !== id);
        return;
      }
      case 'growAgent': {
        const agent = this.agents.get(`agent-${op.i}`);
        if (agent === undefined) return;
        agent.total = agent.total.add(Resources.parse(`cpus:${op.cpus}`));
        a.updateAgent(`agent-${op.i}`, agent.total);
        return;
      }
      case 'agentActive': {
        const agent = this.agents.get(`agent-${op.i}`);
        if (agent === undefined) return;
        agent.active = op.active;
        if (op.active) a.activateAgent(`agent-${op.i}`);
        else a.deactivateAgent(`agent-${op.i}`);
        return;
      }
      case 'addFramework': {
        const id = `fw-${op.i}`;
        if (this.frameworks.has(id)) return;
        a.addFramework(id, { roles: op.roles, suppressedRoles: op.suppressed }, new Map(), true);
        this.frameworks.set(id, { roles: new Set(op.roles), suppressed: new Set(op.suppressed.filter((r) => op.roles.includes(r))), active: true });
        return;
      }
      case 'removeFramework': {
        const id = `fw-${op.i}`;
        if (!this.frameworks.has(id)) return;
        a.removeFramework(id);
        this.frameworks.delete(id);
        this.held = this.held.filter((h) => h.frameworkId !== id);
        return;
      }
      case 'frameworkActive': {
        const fw = this.frameworks.get(`fw-${op.i}`);
        if (fw === undefined) return;
        fw.active = op.active;
        if (op.active) a.activateFramework(`fw-${op.i}`);
        else a.deactivateFramework(`fw-${op.i}`);
        return;
      }
      case 'suppress':
      case 'revive': {
        const fw = this.frameworks.get(`fw-${op.i}`);
        if (fw === undefined) return;
        const roles = op.role === undefined ? [...fw.roles] : [op.role].filter((r) => fw.roles.has(r));
        if (op.t === 'suppress') {
          a.suppressOffers(`fw-${op.i}`, op.role === undefined ? undefined : [op.role]);
          for (const r of roles) fw.suppressed.add(r);
        } else {
          a.reviveOffers(`fw-${op.i}`, op.role === undefined ? undefined : [op.role]);
          for (const r of roles) fw.suppressed.delete(r);
        }
        return;
      }
      case 'updateRoles': {
        const fw = this.frameworks.get(`fw-${op.i}`);
        if (fw === undefined) return;
        a.updateFramework(`fw-${op.i}`, { roles: op.roles, suppressedRoles: [] });
        fw.roles = new Set(op.roles);
        fw.suppressed = new Set();
        return;
      }
      case 'weight':
        a.updateWeights([{ role: op.role, weight: op.weight }]);
        return;
      case 'quota': {
        const limits: Record<string, number> = op.extra === undefined ? {} : { cpus: op.guarantee + op.extra };
        a.updateQuota(op.role, { guarantees: op.guarantee > 0 ? { cpus: op.guarantee } : {}, limits });
        return;
      }
      case 'advance':
        this.now += op.ms;
        return;
      case 'recover': {
        if (this.held.length === 0) return;
        const index = op.pick % this.held.length;
        const h = this.held[index] as Held;
        const part = op.part === 'all' ? h.resources : h.resources.filter((r) => r.name === 'mem');
        if (part.isEmpty()) return;
        a.recoverResources(h.frameworkId, h.agentId, part, op.refuse, this.now);
        const rest = h.resources.subtract(part);
        if (rest.isEmpty()) this.held.splice(index, 1);
        else h.resources = rest;
        return;
      }
      case 'allocate':
        this.check(a.allocate(this.now));
        return;
    }
  }

  private check(offers: readonly Allocation[]): void {
    const seen = new Set<string>();
    for (const o of offers) {
      const key = `${o.frameworkId}@${o.agentId}`;
      assert.ok(!seen.has(key), `two offers for ${key} in one cycle`);
      seen.add(key);
      const agent = this.agents.get(o.agentId);
      const fw = this.frameworks.get(o.frameworkId);
      assert.ok(agent?.active, `offer from inactive or unknown agent ${o.agentId}`);
      assert.ok(fw?.active, `offer to inactive or unknown framework ${o.frameworkId}`);
      assert.ok(fw.roles.has(o.role) && !fw.suppressed.has(o.role), `offer to ${o.frameworkId} for role ${o.role} it does not want`);
      assert.ok(!o.resources.isEmpty());
      for (const r of o.resources.list) {
        assert.equal(r.allocation_info?.role, o.role);
        const reservedTo = r.reservations?.[r.reservations.length - 1]?.role;
        if (reservedTo !== undefined) assert.ok(reservedTo === o.role || isStrictSubroleOf(o.role, reservedTo), `${reservedTo} resources offered to ${o.role}`);
      }
      this.held.push({ frameworkId: o.frameworkId, agentId: o.agentId, role: o.role, resources: o.resources });
      this.log.push(`${key}/${o.role} ${o.resources.toString()}`);
    }
    // Nothing is over-allocated: what frameworks hold plus what is left is exactly each agent's total.
    for (const [id, agent] of this.agents) {
      let held = Resources.empty();
      for (const h of this.held) if (h.agentId === id) held = held.add(h.resources.unallocate());
      assert.ok(agent.total.contains(held), `agent ${id} over-allocated: ${held.toString()} of ${agent.total.toString()}`);
      const available = this.allocator.available(id);
      assert.ok(available?.add(held).equals(agent.total), `agent ${id}: available ${available?.toString()} + held ${held.toString()} != total ${agent.total.toString()}`);
    }
    this.log.push(`filters until ${this.allocator.nextFilterExpiry()}`);
  }
}

describe('HierarchicalAllocator properties', () => {
  it('never offers a resource twice or more than an agent has, whatever the sequence of events', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 10, maxLength: 80, size: 'max' }), fc.integer(), (ops, seed) => {
        const model = new Model(seed);
        for (const op of ops) model.apply(op);
        model.apply({ t: 'allocate' });
      }),
      { numRuns: 300 },
    );
  });

  it('makes the same offers for the same events and seed', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 10, maxLength: 80, size: 'max' }), fc.integer(), (ops, seed) => {
        const first = new Model(seed);
        const second = new Model(seed);
        for (const op of ops) {
          first.apply(op);
          second.apply(op);
        }
        assert.deepEqual(second.log, first.log);
      }),
      { numRuns: 100 },
    );
  });

  it('eventually offers everything again once all filters have expired', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 10, maxLength: 80, size: 'max' }), fc.integer(), (ops, seed) => {
        const model = new Model(seed);
        for (const op of ops) model.apply(op);
        // Give everything back, revive nothing, wait past every filter: an active framework that wants a role
        // must be offered every active agent's resources allocatable to that role again.
        for (const h of [...model.held]) model.allocator.recoverResources(h.frameworkId, h.agentId, h.resources, undefined, model.now);
        model.held = [];
        const expiry = model.allocator.nextFilterExpiry();
        if (expiry !== undefined) model.now = Math.max(model.now, expiry + 365 * 24 * 3600 * 1000);
        const wanting = [...model.frameworks.values()].some((f) => f.active && [...f.roles].some((r) => !f.suppressed.has(r)));
        const offers = model.allocator.allocate(model.now);
        if (wanting && [...model.agents.values()].some((x) => x.active)) {
          // Quota limits and headroom may hold some back, but with no quota set at all something is offered.
          const anyQuota = model.allocator.roles().some((r) => r.quota !== undefined);
          if (!anyQuota && offers.length === 0) {
            const roles = [...model.frameworks.values()].filter((f) => f.active).flatMap((f) => [...f.roles].filter((r) => !f.suppressed.has(r)));
            const reservedOnly = [...model.agents.values()].filter((x) => x.active).every((x) => roles.every((r) => x.total.allocatableTo(r).isEmpty()));
            assert.ok(reservedOnly, 'nothing offered although frameworks want offers and agents have resources');
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
