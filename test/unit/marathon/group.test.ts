import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeGroupUpdate } from '../../../core/protocol/marathon/groupNormalization.js';
import { appDependencies, applyGroupUpdate, emptyGroup, findApp, findGroup, hasCyclicDependencies, removeGroup, scaleGroup, transitiveApps } from '../../../core/protocol/marathon/group.js';
import type { Group, GroupUpdate } from '../../../core/protocol/marathon/group.js';
import { NOW } from './fixtures.js';

const V1 = '2023-11-14T22:13:20.000Z';

function update(raw: unknown, groupId = '/'): GroupUpdate {
  const result = normalizeGroupUpdate(raw, { groupId, now: NOW });
  assert.ok(result.ok, `expected a valid group body, got ${JSON.stringify(result)}`);
  assert.equal(result.value.kind, 'update', 'structural update');
  return (result.value as { update: GroupUpdate }).update;
}

// A service model like the seed's: a database, a cache and a web tier that depends on both.
const product = {
  id: 'product',
  groups: [
    { id: 'database', apps: [{ id: 'mysql', cmd: 'mysqld', instances: 1 }] },
    { id: 'cache', apps: [{ id: 'redis', cmd: 'redis-server' }] },
    { id: 'frontend', dependencies: ['../database', '../cache'], apps: [{ id: 'web', cmd: 'serve', instances: 3, dependencies: ['/product/database/mysql'] }] },
  ],
};

describe('group normalisation', () => {
  it('resolves group, app and dependency ids against their group', () => {
    const u = update(product);
    assert.equal(u.id, '/product', 'group id against the root');
    const frontend = u.groups?.find((g) => g.id === '/product/frontend');
    assert.ok(frontend !== undefined, 'child group id resolved');
    assert.deepEqual(frontend.dependencies, ['/product/database', '/product/cache'], 'relative group dependencies resolved');
    assert.equal(frontend.apps?.[0]?.id, '/product/frontend/web', 'app id under its group');
    assert.equal(frontend.apps?.[0]?.instances, 3, 'apps normalised');
  });

  it('applies the update to the root group and derives dependency edges', () => {
    const root = applyGroupUpdate(emptyGroup('/', V1), update(product), V1);
    assert.deepEqual(
      transitiveApps(root).map((a) => a.id).sort(),
      ['/product/cache/redis', '/product/database/mysql', '/product/frontend/web'],
      'all apps in the tree',
    );
    assert.ok(findApp(root, '/product/frontend/web') !== undefined, 'findApp');
    assert.equal(findGroup(root, '/product/database')?.apps.length, 1, 'findGroup');
    const edges = appDependencies(root).map(([a, b]) => `${a} -> ${b}`).sort();
    assert.deepEqual(
      [...new Set(edges)],
      ['/product/frontend/web -> /product/cache/redis', '/product/frontend/web -> /product/database/mysql'],
      'group dependencies become app dependencies',
    );
    assert.equal(hasCyclicDependencies(root), false, 'no cycle');
  });

  it('keeps what an update leaves out and replaces what it names', () => {
    const root = applyGroupUpdate(emptyGroup('/', V1), update(product), V1);
    const scaled = applyGroupUpdate(root, update({ id: '/product/cache', apps: [{ id: 'redis', cmd: 'redis-server', instances: 2 }] }), V1);
    assert.equal(findApp(scaled, '/product/cache/redis')?.instances, 2, 'named apps replaced');
    assert.ok(findApp(scaled, '/product/database/mysql') !== undefined, 'other groups untouched');
    const gone = removeGroup(scaled, '/product/cache', V1);
    assert.equal(findGroup(gone, '/product/cache'), undefined, 'removeGroup');
  });

  it('scales every app of a group by a factor, rounding up', () => {
    const root = applyGroupUpdate(emptyGroup('/', V1), update(product), V1);
    const scaled = scaleGroup(root, '/product', 1.5, V1);
    assert.equal(findApp(scaled, '/product/frontend/web')?.instances, 5, '3 * 1.5 rounds up to 5');
    assert.equal(findApp(scaled, '/product/database/mysql')?.instances, 2, '1 * 1.5 rounds up to 2');
  });

  it('detects cyclic dependencies', () => {
    const g = update({ id: 'loop', apps: [{ id: 'a', cmd: 'aa', dependencies: ['b'] }, { id: 'b', cmd: 'bb', dependencies: ['a'] }] });
    const root: Group = applyGroupUpdate(emptyGroup('/', V1), g, V1);
    assert.equal(hasCyclicDependencies(root), true, 'a -> b -> a');
  });

  it('reads {"version"} as a rollback and {"scaleBy"} as a scale, alone only', () => {
    assert.deepEqual(normalizeGroupUpdate({ version: V1 }, { groupId: '/product', now: NOW }), { ok: true, value: { kind: 'rollback', id: '/product', version: V1 } }, 'rollback');
    assert.deepEqual(normalizeGroupUpdate({ scaleBy: 2 }, { groupId: '/product', now: NOW }), { ok: true, value: { kind: 'scale', id: '/product', scaleBy: 2 } }, 'scale');
    const mixed = normalizeGroupUpdate({ scaleBy: 2, apps: [] }, { groupId: '/product', now: NOW });
    assert.deepEqual(
      mixed,
      { ok: false, rejection: { status: 422, body: { message: 'Object is not valid', details: [{ path: '/scaleBy', errors: ['not allowed in conjunction with other properties.'] }] } } },
      'scaleBy with apps',
    );
  });

  it('reports structural errors of nested apps at /apps(i) paths', () => {
    const result = normalizeGroupUpdate({ id: '/g', apps: [{ id: 'ok', cmd: 'xx' }, { id: 'bad', cmd: 'xx', cpus: -1 }] }, { now: NOW });
    assert.deepEqual(result, { ok: false, rejection: { status: 422, body: { message: 'Invalid JSON', details: [{ path: '/apps(1)/cpus', errors: ['error.min'] }] } } }, 'nested path');
  });

  it('rejects apps outside their group', () => {
    const result = normalizeGroupUpdate({ id: '/g', apps: [{ id: '/elsewhere/app', cmd: 'xx' }] }, { now: NOW });
    assert.deepEqual(
      result,
      { ok: false, rejection: { status: 422, body: { message: 'Object is not valid', details: [{ path: '/apps(0)/id', errors: ["Identifier is not child of '/g'"] }] } } },
      'not a child',
    );
  });

  it('allows enforceRole on top-level groups only and makes the group name the role', () => {
    const nested = normalizeGroupUpdate({ id: '/a/b', enforceRole: true }, { now: NOW });
    assert.deepEqual(
      nested,
      { ok: false, rejection: { status: 422, body: { message: 'Object is not valid', details: [{ path: '/enforceRole', errors: ['enforceRole can only be set for top-level groups, and /a/b is not top-level'] }] } } },
      'nested enforceRole',
    );
    const top = update({ id: '/team', enforceRole: true, apps: [{ id: 'svc', cmd: 'run' }] });
    assert.equal(top.apps?.[0]?.role, 'team', 'apps take the group role');
  });
});
