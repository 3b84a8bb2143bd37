import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CoreError } from '../../../core/common/errors.js';
import {
  Resources,
  roundScalar,
  validateRole,
  withAgentDefaults,
  isStrictSubroleOf,
  roleAncestors,
  type Resource,
} from '../../../core/common/resources.js';
import {
  coalescePairs,
  formatDouble,
  parseValue,
  rangesContain,
  subtractRanges,
  toMilli,
  unionRanges,
} from '../../../core/common/resourceValues.js';

// Always give assert.ok a message: without one Node re-reads and parses the source to describe the failure,
// which under tsx's module hooks is slow enough (nodejs/node#52962) that a shrinking property appears to hang.
function ok(condition: boolean, message = 'expected the condition to hold'): void {
  assert.ok(condition, message);
}

function throwsInvalid(fn: () => unknown, message?: string | RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof CoreError, `expected CoreError, got ${String(err)}`);
    assert.equal(err.code, 'INVALID');
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

const scalar = (name: string, value: number, extra: Partial<Resource> = {}): Resource => ({ name, type: 'SCALAR', scalar: { value }, ...extra });

describe('Resources.parse (text)', () => {
  it('reads the Mesos example flag', () => {
    const r = Resources.parse('cpus:4;mem:2048;disk:10000;ports(*):[7000-8000, 31000-32000];bugs(debug):{a,b,c}');
    assert.equal(r.scalar('cpus'), 4);
    assert.equal(r.scalar('mem'), 2048);
    assert.equal(r.scalar('disk'), 10000);
    assert.deepEqual(r.ranges('ports'), [
      { begin: 7000, end: 8000 },
      { begin: 31000, end: 32000 },
    ]);
    assert.deepEqual(r.set('bugs'), ['a', 'b', 'c']);
    assert.deepEqual(r.reserved('debug').toJSON(), [
      { name: 'bugs', type: 'SET', set: { item: ['a', 'b', 'c'] }, reservations: [{ type: 'STATIC', role: 'debug' }] },
    ]);
    assert.equal(r.unreserved().names().join(','), 'cpus,disk,mem,ports');
  });

  it('ignores spaces and empty entries, and merges repeated resources', () => {
    const r = Resources.parse(' cpus : 1.5 ; ; cpus:2.5; ports:[ 1 - 5 ]; ports:[6-10] ;');
    assert.equal(r.scalar('cpus'), 4);
    assert.deepEqual(r.ranges('ports'), [{ begin: 1, end: 10 }]);
    assert.equal(r.list.length, 2);
  });

  it('applies the default role as a static reservation, and (*) overrides it', () => {
    const r = Resources.parse('cpus:2;mem(*):64', 'dev');
    assert.deepEqual(r.toJSON(), [
      { name: 'cpus', type: 'SCALAR', scalar: { value: 2 }, reservations: [{ type: 'STATIC', role: 'dev' }] },
      { name: 'mem', type: 'SCALAR', scalar: { value: 64 } },
    ]);
    throwsInvalid(() => Resources.parse('cpus:1', '-bad'), "Role component '-bad' is invalid because it starts with a dash");
  });

  it('rounds scalars to three decimals and drops zero ones', () => {
    const r = Resources.parse('cpus:0.1;cpus:0.2;mem:0;gpus:1.23456');
    assert.equal(r.scalar('cpus'), 0.3);
    assert.equal(r.scalar('mem'), 0);
    assert.equal(r.scalar('gpus'), 1.235);
    assert.deepEqual(r.names(), ['cpus', 'gpus']);
    ok(Resources.parse('cpus:0;ports:[];bugs:{}').isEmpty());
    ok(Resources.parse('').isEmpty());
  });

  it('accepts exponents and explicit signs as Mesos does', () => {
    assert.equal(Resources.parse('mem:1e3').scalar('mem'), 1000);
    assert.equal(Resources.parse('mem:+2.').scalar('mem'), 2);
    assert.equal(Resources.parse('mem:.5').scalar('mem'), 0.5);
  });

  it('rejects bad input with Mesos-like messages', () => {
    const cases: Array<[string, string]> = [
      ['cpus:-1', 'Bad type for resource cpus value -1 type TEXT'],
      ['cpus:abc', 'Bad type for resource cpus value abc type TEXT'],
      ['cpus:inf', 'Bad type for resource cpus value inf type TEXT'],
      ['cpus:0.0001', 'Invalid scalar resource: value <= 0'],
      ['mem:1e13', 'Invalid scalar resource: value is too large'],
      ['cpus:1e-320', 'Failed to parse resource cpus value 1e-320 error Subnormal values not supported'],
      ['cpus:', 'Failed to parse resource cpus value  error Expecting non-empty string'],
      ['cpus', "Bad value for resources, missing or extra ':' in cpus"],
      ['cpus:1:2', "Bad value for resources, missing or extra ':' in cpus:1:2"],
      [':4', 'Empty resource name'],
      ['(dev):4', 'Empty resource name'],
      ['cpus(dev:4', 'Bad value for resources, mismatched parentheses in cpus(dev:4'],
      ['cpus)dev(:4', 'Bad value for resources, mismatched parentheses in cpus)dev(:4'],
      ['cpus(dev)x:4', 'Bad value for resources, mismatched parentheses in cpus(dev)x:4'],
      ['cpus():4', 'Role names cannot be the empty string'],
      ['cpus(a//b):4', "Role 'a//b' cannot contain two adjacent slashes"],
      ['cpus(a/*):4', "Role 'a/*' cannot include '*' as a component"],
      ['ports:[5-3]', 'Invalid ranges resource: begin > end'],
      ['ports:[1-5,3-8]', 'Invalid ranges resource: overlapping ranges'],
      ['ports:[1-5,5-8]', 'Invalid ranges resource: overlapping ranges'],
      ['ports:[1-5', 'Failed to parse resource ports value [1-5 error Mismatched brackets'],
      ['ports:[a-5]', "Failed to parse resource ports value [a-5] error Expecting non-negative integers in 'a-5'"],
      ['ports:[1-2]x', 'Failed to parse resource ports value [1-2]x error Expecting one or more "ranges"'],
      ['ports:x[1-2]', "Failed to parse resource ports value x[1-2] error Unexpected '[' found"],
      ['bugs:{a,a}', 'Invalid set resource: duplicated elements'],
      ['bugs:x{a}', "Failed to parse resource bugs value x{a} error Unexpected '{' found"],
      ['cpus:1;cpus:[1-2]', "Resources with the same name ('cpus') but different types are not allowed"],
    ];
    for (const [text, message] of cases) throwsInvalid(() => Resources.parse(text), message);
  });

  it('accepts adjacent ranges and merges them', () => {
    assert.deepEqual(Resources.parse('ports:[1-5,6-8, 10-10]').ranges('ports'), [
      { begin: 1, end: 8 },
      { begin: 10, end: 10 },
    ]);
  });
});

describe('Resources.parse (JSON) and fromJSON', () => {
  it('reads the JSON flag form with the default role', () => {
    const text = JSON.stringify([
      { name: 'cpus', type: 'SCALAR', scalar: { value: 24 } },
      { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 21000, end: 24000 }] } },
      { name: 'bugs', type: 'SET', set: { item: ['a', 'b'] }, role: 'debug_role' },
    ]);
    const r = Resources.parse(`  ${text}`, 'web');
    assert.deepEqual(r.toJSON(), [
      { name: 'bugs', type: 'SET', set: { item: ['a', 'b'] }, reservations: [{ type: 'STATIC', role: 'debug_role' }] },
      { name: 'cpus', type: 'SCALAR', scalar: { value: 24 }, reservations: [{ type: 'STATIC', role: 'web' }] },
      { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 21000, end: 24000 }] }, reservations: [{ type: 'STATIC', role: 'web' }] },
    ]);
    throwsInvalid(() => Resources.parse('[{"name":'), /^Failed to parse resources as JSON/);
  });

  it('rejects in flags what only operations may create', () => {
    throwsInvalid(
      () => Resources.parse(JSON.stringify([scalar('cpus', 1, { revocable: {} })])),
      "Revocable resources cannot be specified at the command line; do not include a 'revocable' key in the resources JSON",
    );
    throwsInvalid(
      () => Resources.parse(JSON.stringify([scalar('disk', 1, { disk: { persistence: { id: 'v1' } }, role: 'r', reservation: {} })])),
      'Persistent volumes cannot be specified at the command line',
    );
  });

  it('reads numbers given as strings', () => {
    const r = Resources.fromJSON([
      { name: 'cpus', type: 'SCALAR', scalar: { value: '1.5' } },
      { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: '100', end: '200' }] } },
    ]);
    assert.equal(r.scalar('cpus'), 1.5);
    assert.deepEqual(r.ranges('ports'), [{ begin: 100, end: 200 }]);
  });

  it('upgrades the pre-refinement format', () => {
    const r = Resources.fromJSON([
      { name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, role: '*' },
      { name: 'cpus', type: 'SCALAR', scalar: { value: 2 }, role: 'web' },
      { name: 'cpus', type: 'SCALAR', scalar: { value: 3 }, role: 'web', reservation: { principal: 'alice', labels: { labels: [{ key: 'k', value: 'v' }] } } },
    ]);
    assert.deepEqual(r.toJSON(), [
      { name: 'cpus', type: 'SCALAR', scalar: { value: 1 } },
      { name: 'cpus', type: 'SCALAR', scalar: { value: 3 }, reservations: [{ type: 'DYNAMIC', role: 'web', principal: 'alice', labels: { labels: [{ key: 'k', value: 'v' }] } }] },
      { name: 'cpus', type: 'SCALAR', scalar: { value: 2 }, reservations: [{ type: 'STATIC', role: 'web' }] },
    ]);
    assert.equal(r.scalar('cpus'), 6);
    assert.equal(r.reserved('web').scalar('cpus'), 5);
  });

  it('accepts the endpoint format (role and reservation alongside reservations)', () => {
    const r = Resources.fromJSON([
      {
        name: 'mem',
        type: 'SCALAR',
        scalar: { value: 64 },
        role: 'web',
        reservation: { principal: 'p' },
        reservations: [{ type: 'DYNAMIC', role: 'web', principal: 'p' }],
      },
    ]);
    assert.deepEqual(r.toJSON(), [{ name: 'mem', type: 'SCALAR', scalar: { value: 64 }, reservations: [{ type: 'DYNAMIC', role: 'web', principal: 'p' }] }]);
  });

  it('merges identical resources and drops empty ones', () => {
    const r = Resources.fromJSON([
      scalar('cpus', 1),
      scalar('cpus', 2),
      scalar('mem', 0),
      { name: 'ports', type: 'RANGES', ranges: { range: [] } },
      { name: 'ports', type: 'RANGES', ranges: {} },
      { name: 'bugs', type: 'SET', set: { item: [] } },
      { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 5, end: 6 }, { begin: 1, end: 2 }] } },
    ]);
    assert.deepEqual(r.toJSON(), [scalar('cpus', 3), { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 1, end: 2 }, { begin: 5, end: 6 }] } }]);
  });

  it('validates like Mesos', () => {
    const bad: Array<[unknown, RegExp]> = [
      [42, /must be a JSON object/],
      [{ type: 'SCALAR', scalar: { value: 1 } }, /Empty resource name/],
      [{ name: 'x', type: 'TEXT', text: { value: 'a' } }, /Unsupported resource type/],
      [{ name: 'x', type: 'BOGUS' }, /Invalid resource type/],
      [{ name: 'x', type: 'SCALAR' }, /Invalid scalar resource$/],
      [{ name: 'x', type: 'SCALAR', scalar: { value: 1 }, ranges: { range: [] } }, /Invalid scalar resource$/],
      [scalar('x', -1), /value <= 0/],
      [scalar('x', 0.0004), /value <= 0/],
      [{ name: 'x', type: 'SCALAR', scalar: { value: 'Infinity' } }, /must be finite/],
      [{ name: 'x', type: 'SCALAR', scalar: { value: 'abc' } }, /not a number/],
      [scalar('x', 1e300), /too large/],
      [{ name: 'p', type: 'RANGES', ranges: { range: [{ begin: 5, end: 3 }] } }, /begin > end/],
      [{ name: 'p', type: 'RANGES', ranges: { range: [{ begin: 1, end: 5 }, { begin: 3, end: 4 }] } }, /overlapping ranges/],
      [{ name: 'p', type: 'RANGES', ranges: { range: [{ begin: 5, end: 6 }, { begin: 1, end: 10 }] } }, /overlapping ranges/],
      [{ name: 'p', type: 'RANGES', ranges: { range: [{ begin: -1, end: 3 }] } }, /non-negative integers/],
      [{ name: 'p', type: 'RANGES', ranges: { range: [{ begin: 1.5, end: 3 }] } }, /non-negative integers/],
      [{ name: 's', type: 'SET', set: { item: ['a', 'a'] } }, /duplicated elements/],
      [scalar('x', 1, { role: '' }), /Role names cannot be the empty string/],
      [scalar('x', 1, { role: '*', reservation: { principal: 'p' } }), /role "\*" cannot be dynamically reserved/],
      [scalar('x', 1, { role: 'a', reservation: { type: 'DYNAMIC' } }), /type' must not be set/],
      [scalar('x', 1, { reservations: [{ role: 'a' }] }), /type' field must be set/],
      [scalar('x', 1, { reservations: [{ type: 'STATIC' }] }), /role' field must be set/],
      [scalar('x', 1, { reservations: [{ type: 'STATIC', role: '*' }] }), /role "\*" cannot be reserved/],
      [scalar('x', 1, { reservations: [{ type: 'STATIC', role: 'a' }, { type: 'STATIC', role: 'a/b' }] }), /cannot be STATIC/],
      [scalar('x', 1, { reservations: [{ type: 'STATIC', role: 'a' }, { type: 'DYNAMIC', role: 'b' }] }), /'b' is not a refinement of 'a'/],
      [scalar('x', 1, { role: 'b', reservations: [{ type: 'STATIC', role: 'a' }] }), /does not match the role/],
      [scalar('x', 1, { role: 'a', reservations: [{ type: 'DYNAMIC', role: 'a' }] }), /must either be both set or both not set/],
      [scalar('x', 1, { role: 'a', reservation: { principal: 'q' }, reservations: [{ type: 'DYNAMIC', role: 'a', principal: 'p' }] }), /principal/],
      [scalar('x', 1, { reservations: [{ type: 'STATIC', role: 'a' }, { type: 'DYNAMIC', role: 'a/b' }], role: 'a' }), /more than one reservation/],
      [scalar('cpus', 1, { disk: {} }), /DiskInfo should not be set for cpus resource/],
      [scalar('disk', 1, { shared: {} }), /Only persistent volumes can be shared/],
      [scalar('cpus', 1, { shared: {} }), /Resource cpus cannot be shared/],
    ];
    for (const [raw, message] of bad) throwsInvalid(() => Resources.fromJSON([raw]), message);
    throwsInvalid(() => Resources.fromJSON([scalar('x', -1)]), /^Resource '\{"name":"x".*' is invalid: Invalid scalar resource: value <= 0$/);
  });

  it('accepts refined reservations', () => {
    const r = Resources.fromJSON([
      scalar('cpus', 2, { reservations: [{ type: 'STATIC', role: 'a' }, { type: 'DYNAMIC', role: 'a/b', principal: 'p' }] }),
    ]);
    assert.equal(r.reserved('a/b').scalar('cpus'), 2);
    assert.equal(r.reserved('a').scalar('cpus'), 0);
    throwsInvalid(() => r.toLegacyJSON(), 'Cannot downgrade resources containing refined reservations');
  });
});

describe('Resources JSON output', () => {
  const r = Resources.fromJSON([
    scalar('mem', 32, { reservations: [{ type: 'DYNAMIC', role: 'web', principal: 'alice', labels: { labels: [{ key: 'a' }] } }] }),
    scalar('cpus', 1),
    scalar('cpus', 2, { allocation_info: { role: 'web' } }),
    scalar('cpus', 0.5, { revocable: {} }),
    scalar('cpus', 3, { reservations: [{ type: 'STATIC', role: 'web' }], allocation_info: { role: 'web' } }),
  ]);

  it('orders by name, then reservation, then allocation role', () => {
    assert.deepEqual(r.toJSON(), [
      scalar('cpus', 1),
      scalar('cpus', 0.5, { revocable: {} }),
      scalar('cpus', 2, { allocation_info: { role: 'web' } }),
      scalar('cpus', 3, { reservations: [{ type: 'STATIC', role: 'web' }], allocation_info: { role: 'web' } }),
      scalar('mem', 32, { reservations: [{ type: 'DYNAMIC', role: 'web', principal: 'alice', labels: { labels: [{ key: 'a' }] } }] }),
    ]);
  });

  it('writes the legacy form with and without allocation info', () => {
    assert.deepEqual(r.toLegacyJSON(), [
      scalar('cpus', 1, { role: '*' }),
      scalar('cpus', 0.5, { role: '*', revocable: {} }),
      scalar('cpus', 2, { role: '*', allocation_info: { role: 'web' } }),
      scalar('cpus', 3, { role: 'web', allocation_info: { role: 'web' } }),
      scalar('mem', 32, { role: 'web', reservation: { principal: 'alice', labels: { labels: [{ key: 'a' }] } } }),
    ]);
    ok(r.toLegacyJSON(true).every((x) => x.allocation_info === undefined));
    ok(Resources.fromJSON(r.toLegacyJSON()).equals(r));
  });

  it('writes the endpoint form', () => {
    const out = r.toEndpointJSON();
    assert.deepEqual(out[4], {
      name: 'mem',
      type: 'SCALAR',
      scalar: { value: 32 },
      role: 'web',
      reservation: { principal: 'alice', labels: { labels: [{ key: 'a' }] } },
      reservations: [{ type: 'DYNAMIC', role: 'web', principal: 'alice', labels: { labels: [{ key: 'a' }] } }],
    });
    ok(Resources.fromJSON(out).equals(r));
  });

  it('returns fresh objects from toJSON and frozen ones from list', () => {
    const json = r.toJSON();
    (json[0] as Resource).scalar = { value: 99 };
    assert.equal(r.scalar('cpus'), 6.5);
    ok(Object.isFrozen(r.list[0]));
    assert.equal(r.list, r.list);
  });

  it('prints Mesos text', () => {
    assert.equal(Resources.parse('cpus:4;mem:2048;ports:[31000-32000]').toString(), 'cpus(*):4; mem(*):2048; ports(*):[31000-32000]');
    assert.equal(Resources.empty().toString(), '{}');
    assert.equal(
      r.toString(),
      'cpus(*):1; cpus(*){REV}:0.5; cpus(*)(allocated: web):2; cpus(web)(allocated: web):3; mem(web, alice):32',
    );
    assert.equal(Resources.parse('cpus:0.1;cpus:0.2;bugs:{b,a}').toString(), 'bugs(*):{a, b}; cpus(*):0.3');
  });

  it('summarises like the legacy endpoints', () => {
    const s = Resources.parse('cpus:4;mem:2048;ports:[31000-31005,31007-32000];bugs(x):{b,a};foo:1.5')
      .add(Resources.fromJSON([scalar('cpus', 2, { revocable: {} })]))
      .summary();
    assert.deepEqual(s, {
      cpus: 4,
      gpus: 0,
      mem: 2048,
      disk: 0,
      bugs: '{a, b}',
      foo: 1.5,
      ports: '[31000-31005, 31007-32000]',
      cpus_revocable: 2,
    });
    assert.deepEqual(Object.keys(s).slice(0, 4), ['cpus', 'gpus', 'mem', 'disk']);
    assert.deepEqual(Resources.empty().summary(), { cpus: 0, gpus: 0, mem: 0, disk: 0 });
  });
});

describe('Resources arithmetic', () => {
  const a = Resources.parse('cpus:2;mem:1024;ports:[31000-31010];bugs:{a,b}');

  it('adds and subtracts exactly', () => {
    let r = Resources.empty();
    for (let i = 0; i < 10; i++) r = r.add(Resources.parse('cpus:0.1'));
    assert.equal(r.scalar('cpus'), 1);
    for (let i = 0; i < 7; i++) r = r.subtract(Resources.parse('cpus:0.1'));
    assert.equal(r.scalar('cpus'), 0.3);
  });

  it('never goes negative and ignores what is absent', () => {
    const r = a.subtract(Resources.parse('cpus:5;ports:[30000-31002, 31005-31005, 40000-40010];bugs:{b,z};gpus:1'));
    assert.equal(r.toString(), 'bugs(*):{a}; mem(*):1024; ports(*):[31003-31004, 31006-31010]');
    ok(a.subtract(a).isEmpty());
    assert.equal(a.subtract(Resources.parse('gpus:1')), a);
  });

  it('keeps reservations and allocations apart', () => {
    const reserved = Resources.parse('cpus(web):1');
    const both = a.add(reserved);
    assert.equal(both.scalar('cpus'), 3);
    assert.equal(both.unreserved().scalar('cpus'), 2);
    ok(!a.contains(reserved));
    ok(both.contains(reserved));
    ok(!both.contains(reserved.allocate('web')));
    ok(!both.allocate('web').contains(reserved));
    ok(both.allocate('web').contains(reserved.allocate('web')));
    ok(!both.allocate('web').contains(reserved.allocate('other')));
  });

  it('contains checks ranges and sets element-wise', () => {
    ok(a.contains(Resources.parse('ports:[31002-31004];bugs:{b}')));
    ok(!a.contains(Resources.parse('ports:[31009-31011]')));
    ok(!a.contains(Resources.parse('bugs:{c}')));
    ok(a.contains(Resources.empty()));
    ok(!Resources.empty().contains(a));
  });

  it('equals ignores input order and formatting', () => {
    ok(Resources.parse('mem:1024;bugs:{b,a};cpus:1;cpus:1;ports:[31006-31010,31000-31005]').equals(a));
    ok(!a.equals(a.add(Resources.parse('cpus:0.001'))));
  });

  it('scalars maps quantities and is read-only', () => {
    const s = a.add(Resources.parse('cpus(web):1.5')).allocate('x').scalars();
    assert.deepEqual([...s], [
      ['cpus', 3.5],
      ['mem', 1024],
    ]);
    assert.throws(() => s.set('cpus', 0), TypeError);
    assert.throws(() => s.delete('cpus'), TypeError);
    assert.equal(a.scalar('gpus'), 0);
    assert.equal(a.scalars(), a.scalars());
  });
});

describe('Resources roles and allocations', () => {
  const r = Resources.parse('cpus:1;cpus(a):2;cpus(a/b):4;cpus(a/b/c):8;cpus(x):16');

  it('reserved and unreserved filter by innermost role', () => {
    assert.equal(r.unreserved().scalar('cpus'), 1);
    assert.equal(r.reserved().scalar('cpus'), 30);
    assert.equal(r.reserved('a/b').scalar('cpus'), 4);
    assert.deepEqual([...r.reservations().keys()].sort(), ['a', 'a/b', 'a/b/c', 'x']);
  });

  it('allocatableTo includes ancestors but not descendants or siblings', () => {
    assert.equal(r.allocatableTo('a/b').scalar('cpus'), 1 + 2 + 4);
    assert.equal(r.allocatableTo('a').scalar('cpus'), 1 + 2);
    assert.equal(r.allocatableTo('ab').scalar('cpus'), 1);
    assert.equal(r.allocatableTo('x/y').scalar('cpus'), 1 + 16);
  });

  it('allocate, unallocate and allocations', () => {
    const web = r.allocate('web');
    const batch = Resources.parse('mem:10').allocate('batch');
    const all = web.add(batch).add(Resources.parse('disk:5'));
    const groups = all.allocations();
    assert.deepEqual([...groups.keys()].sort(), ['', 'batch', 'web']);
    ok(groups.get('web')?.equals(web) === true);
    ok(groups.get('batch')?.equals(batch) === true);
    assert.equal(groups.get('')?.scalar('disk'), 5);
    ok(web.unallocate().equals(r));
    assert.equal(r.unallocate(), r);
    assert.equal(web.allocate('web'), web);
    // Re-allocating resources split across roles merges them.
    const merged = web.add(r.allocate('other')).allocate('z');
    assert.equal(merged.list.length, 5);
    assert.equal(merged.scalar('cpus'), 62);
    assert.deepEqual(merged.list[0]?.allocation_info, { role: 'z' });
  });

  it('pushReservation, popReservation and toUnreserved', () => {
    const base = Resources.parse('cpus:2;mem:64');
    const reserved = base.pushReservation({ type: 'DYNAMIC', role: 'a', principal: 'p' });
    assert.equal(reserved.reserved('a').scalar('cpus'), 2);
    const refined = reserved.pushReservation({ type: 'DYNAMIC', role: 'a/b' });
    assert.equal(refined.reserved('a/b').scalar('mem'), 64);
    ok(refined.popReservation().equals(reserved));
    ok(refined.toUnreserved().equals(base));
    throwsInvalid(() => reserved.pushReservation({ type: 'DYNAMIC', role: 'c' }), /not a refinement/);
    throwsInvalid(() => reserved.pushReservation({ type: 'STATIC', role: 'a/b' }), /cannot be STATIC/);
    throwsInvalid(() => base.popReservation(), /not reserved/);
  });
});

describe('Resources.takePorts', () => {
  it('takes the lowest ports and keeps their reservation', () => {
    const r = Resources.parse('ports:[31000-31001, 31005-31010];ports(web):[30000-30000];cpus:1').allocate('web');
    const taken = r.takePorts(4);
    assert.deepEqual(taken.ranges('ports'), [
      { begin: 30000, end: 30000 },
      { begin: 31000, end: 31001 },
      { begin: 31005, end: 31005 },
    ]);
    assert.equal(taken.reserved('web').ranges('ports').length, 1);
    ok(r.contains(taken));
    assert.equal(r.portCount(), 9);
    ok(r.takePorts(0).isEmpty());
    throwsInvalid(() => r.takePorts(10), 'Not enough ports: 10 requested but only 9 available');
    throwsInvalid(() => r.takePorts(-1), /Invalid port count/);
  });
});

describe('shared and persistent resources', () => {
  const volume = (id: string, size: number, extra: Partial<Resource> = {}): Resource =>
    scalar('disk', size, { reservations: [{ type: 'DYNAMIC', role: 'db', principal: 'p' }], disk: { persistence: { id }, volume: { container_path: 'data', mode: 'RW' } }, ...extra });

  it('keeps persistent volumes whole and counts copies', () => {
    const r = Resources.fromJSON([volume('v1', 100), volume('v2', 100), scalar('disk', 50)]);
    assert.equal(r.scalar('disk'), 250);
    assert.equal(r.list.length, 3);
    const v1 = Resources.fromJSON([volume('v1', 100)]);
    ok(r.contains(v1));
    ok(!r.contains(Resources.fromJSON([volume('v1', 50)])));
    assert.equal(r.subtract(Resources.fromJSON([volume('v1', 50)])).scalar('disk'), 250);
    assert.equal(r.subtract(v1).scalar('disk'), 150);
    const twice = r.add(v1);
    assert.equal(twice.scalar('disk'), 350);
    assert.equal(twice.toJSON().length, 4);
    ok(twice.subtract(v1).equals(r));
  });

  it('counts shared volumes by copies but quantity once', () => {
    const shared = Resources.fromJSON([volume('s', 10, { shared: {} })]);
    const two = shared.add(shared);
    assert.equal(two.scalar('disk'), 10);
    assert.equal(two.toJSON().length, 1);
    ok(two.contains(shared));
    ok(!shared.contains(two));
    ok(two.subtract(shared).equals(shared));
  });
});

describe('withAgentDefaults', () => {
  it('fills in what is missing like Mesos', () => {
    const r = withAgentDefaults(Resources.parse('cpus:2;gpus:1'), { cpus: 8, memMB: 16384, diskMB: 102400 });
    assert.equal(r.toString(), 'cpus(*):2; disk(*):97280; gpus(*):1; mem(*):15360; ports(*):[31000-32000]');
  });

  it('halves small machines and falls back when detection fails', () => {
    const small = withAgentDefaults(Resources.empty(), { cpus: 0, memMB: 1500, diskMB: 8000 });
    assert.deepEqual([small.scalar('cpus'), small.scalar('mem'), small.scalar('disk')], [1, 750, 4000]);
    const edge = withAgentDefaults(Resources.empty(), { cpus: 1, memMB: 2048, diskMB: 10240 });
    assert.deepEqual([edge.scalar('mem'), edge.scalar('disk')], [1024, 5120]);
    const unknown = withAgentDefaults(Resources.empty(), { cpus: 1, memMB: 0, diskMB: 0 });
    assert.deepEqual([unknown.scalar('mem'), unknown.scalar('disk')], [512, 5120]);
  });

  it('keeps configured entries per name, whatever their role', () => {
    const r = withAgentDefaults(Resources.parse('mem(web):100;ports:[1-2]'), { cpus: 4, memMB: 4096, diskMB: 20000 }, 'web');
    assert.equal(r.scalar('mem'), 100);
    assert.deepEqual(r.ranges('ports'), [{ begin: 1, end: 2 }]);
    assert.equal(r.reserved('web').scalar('cpus'), 4);
  });
});

describe('roundScalar and formatting', () => {
  it('rounds to three decimals, half away from zero', () => {
    assert.equal(roundScalar(0.1 + 0.2), 0.3);
    assert.equal(roundScalar(1.0005), 1.001);
    assert.equal(roundScalar(2.0004), 2);
    assert.equal(roundScalar(-0.0004), 0);
    ok(Object.is(roundScalar(-0.0001), 0));
    assert.equal(toMilli(-1.5), -1500);
  });

  it('formats like %.15g', () => {
    assert.equal(formatDouble(4), '4');
    assert.equal(formatDouble(0.5), '0.5');
    assert.equal(formatDouble(0.1 + 0.2), '0.3');
    assert.equal(formatDouble(1e20), '1e+20');
    assert.equal(formatDouble(123456789012345), '123456789012345');
    assert.equal(formatDouble(1234567890123456), '1.23456789012346e+15');
    assert.equal(formatDouble(0.00001), '1e-05');
    assert.equal(formatDouble(0.0001), '0.0001');
  });

  it('parses values like Mesos', () => {
    assert.deepEqual(parseValue(' 1 .5'), { type: 'SCALAR', value: 1.5 });
    assert.deepEqual(parseValue('[1-2,,3-4,]'), { type: 'RANGES', pairs: [1, 2, 3, 4] });
    assert.deepEqual(parseValue('{a,,b}'), { type: 'SET', items: ['a', 'b'] });
    assert.deepEqual(parseValue('-3'), { type: 'TEXT', value: '-3' });
    assert.equal(parseValue('{a'), 'Mismatched brackets');
  });
});

describe('validateRole', () => {
  it('accepts what Mesos accepts', () => {
    for (const role of ['*', 'web', 'a/b/c', 'a.b', 'a-b', '..a', 'a*', '_x']) assert.equal(validateRole(role), undefined, role);
  });

  it('rejects what Mesos rejects', () => {
    const cases: Array<[string, string]> = [
      ['', 'Role names cannot be the empty string'],
      ['.', "Role '.' cannot include '.' as a component"],
      ['..', "Role '..' cannot include '..' as a component"],
      ['a/./b', "Role 'a/./b' cannot include '.' as a component"],
      ['a/*', "Role 'a/*' cannot include '*' as a component"],
      ['-a', "Role component '-a' is invalid because it starts with a dash"],
      ['a/-b', "Role component '-b' is invalid because it starts with a dash"],
      ['a b', "Role component 'a b' is invalid because it contains backspace or whitespace"],
      ['a\tb', "Role component 'a\tb' is invalid because it contains backspace or whitespace"],
      ['a\x7f', "Role component 'a\x7f' is invalid because it contains backspace or whitespace"],
      ['/a', "Role '/a' cannot start with a slash"],
      ['a/', "Role 'a/' cannot end with a slash"],
      ['a//b', "Role 'a//b' cannot contain two adjacent slashes"],
    ];
    for (const [role, message] of cases) assert.equal(validateRole(role), message);
  });

  it('knows the role tree', () => {
    ok(isStrictSubroleOf('a/b', 'a'));
    ok(!isStrictSubroleOf('ab', 'a'));
    ok(!isStrictSubroleOf('a', 'a'));
    assert.deepEqual(roleAncestors('a/b/c'), ['a/b', 'a']);
    assert.deepEqual(roleAncestors('a'), []);
  });
});

// --- Property tests ---------------------------------------------------------------------------------------

const RANGE_NAMES = ['ports', 'ephemeral_ports'];
const SET_NAMES = ['bugs', 'zones'];
const SCALAR_NAMES = ['cpus', 'mem', 'disk', 'gpus'];

const arbRanges = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 20 })), { minLength: 1, maxLength: 5 })
  .map((pairs) => coalescePairs(pairs.flatMap(([b, len]) => [b, b + len])));

interface Shape {
  role: string;
  principal: string | undefined;
  alloc: string | undefined;
  revocable: boolean;
}

function arbShape(simple: boolean): fc.Arbitrary<Shape> {
  return fc.record({
    role: fc.constantFrom('*', 'web', 'a/b'),
    principal: simple ? fc.constant(undefined) : fc.constantFrom(undefined, 'alice'),
    alloc: simple ? fc.constant(undefined) : fc.constantFrom(undefined, 'web', 'batch'),
    revocable: simple ? fc.constant(false) : fc.boolean(),
  });
}

function arbResource(simple: boolean): fc.Arbitrary<Resource> {
  const value = fc.oneof(
    fc.record({ kind: fc.constant('SCALAR' as const), name: fc.constantFrom(...SCALAR_NAMES), milli: fc.integer({ min: 1, max: 5_000_000 }) }),
    fc.record({ kind: fc.constant('RANGES' as const), name: fc.constantFrom(...RANGE_NAMES), ranges: arbRanges }),
    fc.record({
      kind: fc.constant('SET' as const),
      name: fc.constantFrom(...SET_NAMES),
      items: fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { minLength: 1 }),
    }),
  );
  return fc.tuple(value, arbShape(simple)).map(([v, shape]) => {
    const r: Resource = { name: v.name, type: v.kind };
    if (v.kind === 'SCALAR') r.scalar = { value: v.milli / 1000 };
    else if (v.kind === 'RANGES') {
      r.ranges = { range: [] };
      for (let i = 0; i < v.ranges.length; i += 2) r.ranges.range.push({ begin: v.ranges[i] as number, end: v.ranges[i + 1] as number });
    } else r.set = { item: v.items };
    if (shape.role !== '*') {
      r.reservations = [shape.principal === undefined ? { type: 'STATIC', role: shape.role } : { type: 'DYNAMIC', role: shape.role, principal: shape.principal }];
    }
    if (shape.alloc !== undefined) r.allocation_info = { role: shape.alloc };
    if (shape.revocable) r.revocable = {};
    return r;
  });
}

const arbResources = (simple = false): fc.Arbitrary<Resources> =>
  fc.array(arbResource(simple), { maxLength: 8 }).map((list) => Resources.fromJSON(list));

/** disjoint returns `b` with every range and set item that `a` has removed, so `(a + b) - b == a` must hold. */
function disjoint(b: Resources, a: Resources): Resources {
  const scalars = b.filter((r) => r.type === 'SCALAR');
  const others = b.filter((r) => r.type !== 'SCALAR');
  // Remove overlaps regardless of reservation, since different identities never interact anyway.
  return scalars.add(others.subtract(a));
}

const runs = { numRuns: 300 };

describe('Resources properties', () => {
  it('add is commutative and associative', () => {
    fc.assert(
      fc.property(arbResources(), arbResources(), arbResources(), (a, b, c) => {
        ok(a.add(b).equals(b.add(a)));
        ok(a.add(b).add(c).equals(a.add(b.add(c))));
        ok(a.add(Resources.empty()).equals(a));
      }),
      runs,
    );
  });

  it('(a + b) - b == a when b does not overlap a', () => {
    fc.assert(
      fc.property(arbResources(), arbResources(), (a, b0) => {
        const b = disjoint(b0, a);
        ok(a.add(b).subtract(b).equals(a), `${a} + ${b}`);
        ok(a.add(b).subtract(a).equals(b));
      }),
      runs,
    );
  });

  it('a + b contains both, and contains is equality both ways', () => {
    fc.assert(
      fc.property(arbResources(), arbResources(), (a, b) => {
        const sum = a.add(b);
        ok(sum.contains(a));
        ok(sum.contains(b));
        assert.equal(a.contains(b) && b.contains(a), a.equals(b));
        ok(a.contains(a));
      }),
      runs,
    );
  });

  it('subtract never creates resources', () => {
    fc.assert(
      fc.property(arbResources(), arbResources(), (a, b) => {
        const d = a.subtract(b);
        ok(a.contains(d));
        for (const [name, q] of d.scalars()) ok(q <= a.scalar(name) && q >= 0);
        ok(d.add(b).contains(a));
      }),
      runs,
    );
  });

  it('scalar sums are conserved exactly', () => {
    fc.assert(
      fc.property(arbResources(), arbResources(), (a, b) => {
        const sum = a.add(b);
        for (const name of SCALAR_NAMES) {
          assert.equal(toMilli(sum.scalar(name)), toMilli(a.scalar(name)) + toMilli(b.scalar(name)));
          assert.equal(sum.subtract(b).scalar(name), a.scalar(name));
          assert.equal(sum.scalar(name), roundScalar(sum.scalar(name)));
        }
      }),
      runs,
    );
  });

  it('parse(toString()) round-trips unreserved and statically reserved resources', () => {
    ok(Resources.parse(Resources.empty().toString()).isEmpty());
    fc.assert(
      fc.property(arbResources(true), (a) => {
        ok(Resources.parse(a.toString()).equals(a), a.toString());
      }),
      runs,
    );
  });

  it('fromJSON round-trips every output form', () => {
    fc.assert(
      fc.property(arbResources(), (a) => {
        ok(Resources.fromJSON(a.toJSON()).equals(a));
        ok(Resources.fromJSON(a.toEndpointJSON()).equals(a));
        ok(Resources.fromJSON(a.toLegacyJSON()).equals(a));
        ok(Resources.fromJSON([...a.list]).equals(a));
        assert.deepEqual(Resources.fromJSON(a.toJSON()).toJSON(), a.toJSON());
      }),
      runs,
    );
  });

  it('partitions add back up to the whole', () => {
    fc.assert(
      fc.property(arbResources(), (a) => {
        let sum = Resources.empty();
        for (const part of a.allocations().values()) sum = sum.add(part);
        ok(sum.equals(a));
        ok(a.unreserved().add(a.reserved()).equals(a));
        ok(a.revocable().add(a.nonRevocable()).equals(a));
        ok(a.unallocate().allocate('r').allocations().size <= 1);
        assert.equal(a.allocate('r').unallocate().scalar('cpus'), a.scalar('cpus'));
      }),
      runs,
    );
  });

  it('range operations agree with a set model', () => {
    const toSet = (r: readonly number[]): Set<number> => {
      const s = new Set<number>();
      for (let i = 0; i < r.length; i += 2) for (let n = r[i] as number; n <= (r[i + 1] as number); n++) s.add(n);
      return s;
    };
    const canonical = (r: readonly number[]): boolean => {
      for (let i = 0; i < r.length; i += 2) {
        if ((r[i] as number) > (r[i + 1] as number)) return false;
        if (i > 0 && (r[i] as number) <= (r[i - 1] as number) + 1) return false;
      }
      return true;
    };
    fc.assert(
      fc.property(arbRanges, arbRanges, (a, b) => {
        const sa = toSet(a);
        const sb = toSet(b);
        const u = unionRanges(a, b);
        const d = subtractRanges(a, b);
        ok(canonical(u) && canonical(d));
        assert.deepEqual(toSet(u), new Set([...sa, ...sb]));
        assert.deepEqual(toSet(d), new Set([...sa].filter((n) => !sb.has(n))));
        assert.equal(rangesContain(a, b), [...sb].every((n) => sa.has(n)));
      }),
      { numRuns: 500 },
    );
  });

  it('takePorts takes the lowest ports', () => {
    fc.assert(
      fc.property(arbRanges, fc.integer({ min: 0, max: 50 }), (ranges, n) => {
        const r = Resources.fromJSON([{ name: 'ports', type: 'RANGES', ranges: { range: [] } }]).add(
          Resources.parse(`ports:[${ranges.reduce<string[]>((acc, v, i) => (i % 2 === 0 ? [...acc, `${v}-${ranges[i + 1] as number}`] : acc), []).join(',')}]`),
        );
        const all = [...toNumbers(r.ranges('ports'))];
        if (n > all.length) {
          assert.throws(() => r.takePorts(n));
          return;
        }
        const taken = r.takePorts(n);
        assert.deepEqual([...toNumbers(taken.ranges('ports'))], all.slice(0, n));
        ok(r.contains(taken));
      }),
    );
  });
});

function* toNumbers(ranges: Array<{ begin: number; end: number }>): Generator<number> {
  for (const r of ranges) for (let n = r.begin; n <= r.end; n++) yield n;
}
