import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { quotaByRole, quotaLines, roleRows, scalars } from '../../../renderer/model/roles.js';

describe('roleRows', () => {
  it('reads Plateau /master/roles with inline quota', () => {
    const rows = roleRows([
      { name: 'dev', weight: 1, frameworks: [], resources: { cpus: 0, mem: 0 }, quota: { role: 'dev', guarantee: { cpus: 1, mem: 512 }, limit: { cpus: 2, mem: 2048 } } },
      { name: '*', weight: 1, frameworks: ['F1'], resources: { cpus: 0.2, mem: 128, ports: '[31000-31001]' }, allocated: { cpus: 0.2, mem: 128, ports: '[31000-31001]' } },
    ]);
    assert.deepEqual(rows.map((r) => r.name), ['*', 'dev'], 'the default role first');
    assert.deepEqual(rows[0]?.allocated, { cpus: 0.2, mem: 128 }, 'numeric entries only');
    assert.deepEqual(rows[1]?.quota, { guarantees: { cpus: 1, mem: 512 }, limits: { cpus: 2, mem: 2048 } }, 'inline quota');
  });

  it('prefers the quota status (configs) and adds roles that only have a quota', () => {
    const rows = roleRows([{ name: 'web', weight: 2.5, allocated: { cpus: 3 }, quota: { guarantee: { cpus: 1 } } }], {
      configs: [
        { role: 'web', guarantees: { cpus: { value: 2 } }, limits: { cpus: { value: 4 } } },
        { role: 'batch', limits: { mem: { value: 100 } } },
      ],
    });
    assert.deepEqual(rows.map((r) => [r.name, r.weight]), [['batch', 1], ['web', 2.5]], 'quota-only role added');
    assert.deepEqual(rows[1]?.quota, { guarantees: { cpus: 2 }, limits: { cpus: 4 } }, 'configs win over the inline quota');
    assert.deepEqual(rows[1]?.consumed, { cpus: 3 }, 'consumption defaults to allocated');
  });

  it('uses the master consumed figure when given', () => {
    const [r] = roleRows([{ name: 'x', allocated: { cpus: 1 }, quota: { guarantee: { cpus: 1 }, consumed: { cpus: 5 } } }]);
    assert.deepEqual(r?.consumed, { cpus: 5 }, 'consumed includes reservations on Mesos');
  });
});

describe('quotaByRole', () => {
  it('reads the pre-1.9 infos (a guarantee that is also the limit)', () => {
    const q = quotaByRole({ infos: [{ role: 'old', guarantee: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 3 } }] }] });
    assert.deepEqual(q.get('old'), { guarantees: { cpus: 3 }, limits: { cpus: 3 } }, 'infos');
    assert.equal(quotaByRole(undefined).size, 0, 'no status');
  });
});

describe('quotaLines', () => {
  it('compares consumption with guarantee and limit', () => {
    const [row] = roleRows([{ name: 'r', allocated: { cpus: 3, mem: 10, gpus: 0 } }], {
      configs: [{ role: 'r', guarantees: { cpus: { value: 1 }, mem: { value: 100 } }, limits: { cpus: { value: 2 }, gpus: { value: 1 } } }],
    });
    assert.ok(row, 'a row');
    assert.deepEqual(
      quotaLines(row).map((l) => [l.name, l.consumed, l.guarantee, l.limit, l.state]),
      [
        ['cpus', 3, 1, 2, 'over'],
        ['mem', 10, 100, undefined, 'under'],
        ['gpus', 0, undefined, 1, 'ok'],
      ],
      'cpus over its limit, mem under its guarantee, gpus fine',
    );
  });

  it('is empty without a quota', () => {
    const [row] = roleRows([{ name: 'r' }]);
    assert.ok(row, 'a row');
    assert.deepEqual(quotaLines(row), [], 'no lines');
    assert.deepEqual(scalars({ cpus: 1.23456, ports: '[1-2]' }), { cpus: 1.235 }, 'rounded, strings dropped');
  });
});
