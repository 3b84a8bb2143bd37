import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { killOrder, proposeScaling } from '../../../core/marathon/killSelection.js';
import type { InstanceView } from '../../../core/marathon/instance.js';

function inst(id: string, extra: Partial<InstanceView> = {}): InstanceView {
  return { instanceId: id, appId: '/a', runSpecVersion: 'v', condition: 'Running', goal: 'Running', hostname: 'h', ...extra };
}

const started = (id: string, minute: number, extra: Partial<InstanceView> = {}) => inst(id, { startedAt: `2023-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`, ...extra });

describe('kill selection', () => {
  const running = [started('early', 1), started('middle', 2), started('late', 3)];

  it('YOUNGEST_FIRST kills the most recently started', () => {
    const p = proposeScaling({ instances: running, scaleTo: 1, killSelection: 'YOUNGEST_FIRST' });
    assert.deepEqual(p.toDecommission.map((i) => i.instanceId), ['late', 'middle'], 'youngest first');
    assert.equal(p.toStart, 0, 'nothing to start');
  });

  it('OLDEST_FIRST kills the earliest started', () => {
    const p = proposeScaling({ instances: running, scaleTo: 2, killSelection: 'OLDEST_FIRST' });
    assert.deepEqual(p.toDecommission.map((i) => i.instanceId), ['early'], 'oldest first');
  });

  it('kills unreachable, then staging, then starting instances before running ones', () => {
    const mixed = [started('run', 1), inst('stage', { condition: 'Staging', stagedAt: '2023-01-01T00:05:00.000Z' }), inst('lost', { condition: 'Unreachable' }), inst('start', { condition: 'Starting', since: '2023-01-01T00:04:00.000Z' })];
    const p = proposeScaling({ instances: mixed, scaleTo: 1, killSelection: 'OLDEST_FIRST' });
    assert.deepEqual(p.toDecommission.map((i) => i.instanceId), ['lost', 'stage', 'start'], 'condition order wins over age');
  });

  it('kills named instances first and starts what is missing', () => {
    const p = proposeScaling({ instances: running, scaleTo: 3, killSelection: 'YOUNGEST_FIRST', toDecommission: ['early'] });
    assert.deepEqual(p.toDecommission.map((i) => i.instanceId), ['early'], 'the named one');
    assert.equal(p.toStart, 1, 'and a replacement to keep 3');
    const up = proposeScaling({ instances: running, scaleTo: 5, killSelection: 'YOUNGEST_FIRST' });
    assert.deepEqual({ kill: up.toDecommission.length, start: up.toStart }, { kill: 0, start: 2 }, 'scale up');
  });

  it('ignores instances that are already being stopped', () => {
    const p = proposeScaling({ instances: [...running, started('leaving', 4, { goal: 'Decommissioned' })], scaleTo: 3, killSelection: 'YOUNGEST_FIRST' });
    assert.deepEqual({ kill: p.toDecommission.length, start: p.toStart }, { kill: 0, start: 0 }, 'three still running');
  });

  it('keeps a GROUP_BY spread even while scaling down', () => {
    const spread = [started('a1', 1, { hostname: 'a' }), started('a2', 2, { hostname: 'a' }), started('a3', 3, { hostname: 'a' }), started('b1', 4, { hostname: 'b' })];
    const p = proposeScaling({ instances: spread, scaleTo: 2, killSelection: 'YOUNGEST_FIRST', constraints: [['hostname', 'GROUP_BY']] });
    assert.deepEqual(p.toDecommission.map((i) => i.hostname), ['a', 'a'], 'both from the crowded host, not the youngest (b1)');
  });

  it('always reaches exactly scaleTo running instances (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 }), fc.constantFrom('YOUNGEST_FIRST' as const, 'OLDEST_FIRST' as const), (count, scaleTo, select) => {
        const instances = Array.from({ length: count }, (_, i) => started(`i${i}`, i));
        const p = proposeScaling({ instances, scaleTo, killSelection: select });
        assert.equal(count - p.toDecommission.length + p.toStart, scaleTo, 'running after the change');
        assert.ok(p.toDecommission.length === 0 || p.toStart === 0, 'never kills and starts at once without named instances');
        const sorted = [...instances].sort(killOrder(select));
        const ids = (list: InstanceView[]) => list.map((i) => i.instanceId).sort();
        assert.deepEqual(ids(p.toDecommission), ids(sorted.slice(0, p.toDecommission.length)), 'kills the first instances in kill order');
      }),
    );
  });
});
