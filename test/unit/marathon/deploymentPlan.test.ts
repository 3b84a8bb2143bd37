import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeDeploymentPlan, deploymentJson, isAffectedBy } from '../../../core/marathon/deploymentPlan.js';
import { isOnlyScaleChange, isUpgrade, updateVersionInfoForChangedApps } from '../../../core/marathon/appChanges.js';
import { type Group, applyGroupUpdate, emptyGroup, findApp, putApp, removeApp, removeGroup } from '../../../core/protocol/marathon/group.js';
import { normalizeGroupUpdate } from '../../../core/protocol/marathon/groupNormalization.js';
import { NOW, app } from './fixtures.js';

const V0 = '2023-11-14T22:13:20.000Z';
const V1 = '2023-11-14T23:00:00.000Z';

function groupOf(body: unknown): Group {
  const result = normalizeGroupUpdate(body, { now: NOW });
  assert.ok(result.ok && result.value.kind === 'update', `valid group: ${JSON.stringify(result)}`);
  return applyGroupUpdate(emptyGroup('/', V0), result.value.update, V0);
}

const steps = (g: ReturnType<typeof computeDeploymentPlan>) => g.steps.map((s) => s.actions.map((a) => `${a.action} ${a.app.id}`).sort());

// The seed's service model: the web tier depends on the database and the cache.
const product = {
  id: 'product',
  apps: [
    { id: 'db', cmd: 'mysqld', instances: 1 },
    { id: 'cache', cmd: 'redis-server', instances: 1 },
    { id: 'web', cmd: 'serve', instances: 3, dependencies: ['db', 'cache'] },
    { id: 'lb', cmd: 'haproxy', instances: 1, dependencies: ['web'] },
  ],
};

describe('deployment plans', () => {
  it('starts a new group in dependency order', () => {
    const target = updateVersionInfoForChangedApps(emptyGroup('/', V0), groupOf(product), V1);
    const plan = computeDeploymentPlan(emptyGroup('/', V0), target, { id: 'd1', version: V1 });
    assert.deepEqual(
      steps(plan),
      [
        ['StartApplication /product/cache', 'StartApplication /product/db', 'StartApplication /product/lb', 'StartApplication /product/web'],
        ['ScaleApplication /product/cache', 'ScaleApplication /product/db'],
        ['ScaleApplication /product/web'],
        ['ScaleApplication /product/lb'],
      ],
      'start with 0 instances, then scale dependencies before dependents',
    );
    const scaleWeb = plan.steps[2]?.actions[0];
    assert.ok(scaleWeb?.action === 'ScaleApplication' && scaleWeb.scaleTo === 3, 'scale to the instance count');
  });

  it('stops removed apps dependents first (or all at once, as Marathon does)', () => {
    const original = updateVersionInfoForChangedApps(emptyGroup('/', V0), groupOf(product), V0);
    const target = removeGroup(original, '/product', V1);
    assert.deepEqual(
      steps(computeDeploymentPlan(original, target, { id: 'd2', version: V1 })),
      [['StopApplication /product/lb'], ['StopApplication /product/web'], ['StopApplication /product/cache', 'StopApplication /product/db']],
      'reverse dependency order',
    );
    assert.deepEqual(
      steps(computeDeploymentPlan(original, target, { id: 'd2', version: V1, stopOrder: 'marathon' })),
      [['StopApplication /product/cache', 'StopApplication /product/db', 'StopApplication /product/lb', 'StopApplication /product/web']],
      'one step in Marathon 1.10',
    );
  });

  it('scales for instance-only changes and restarts for configuration changes', () => {
    const original = updateVersionInfoForChangedApps(emptyGroup('/', V0), groupOf(product), V0);
    const web = findApp(original, '/product/web');
    const db = findApp(original, '/product/db');
    assert.ok(web !== undefined && db !== undefined, 'apps exist');
    let changed = putApp(original, { ...web, instances: 5 }, V1);
    changed = putApp(changed, { ...db, cmd: 'mysqld --new' }, V1);
    const target = updateVersionInfoForChangedApps(original, changed, V1);
    assert.equal(findApp(target, '/product/web')?.versionInfo?.lastConfigChangeAt, V0, 'scaling keeps the configuration time');
    assert.equal(findApp(target, '/product/web')?.versionInfo?.lastScalingAt, V1, 'and records the scale');
    assert.equal(findApp(target, '/product/db')?.versionInfo?.lastConfigChangeAt, V1, 'a new configuration');
    assert.equal(findApp(target, '/product/cache')?.version, V0, 'untouched apps keep their version');
    const plan = computeDeploymentPlan(original, target, { id: 'd3', version: V1, toKill: { '/product/web': ['i1'] } });
    assert.deepEqual(steps(plan), [['RestartApplication /product/db'], ['ScaleApplication /product/web']], 'restart db, then scale web');
    const scale = plan.steps[1]?.actions[0];
    assert.ok(scale?.action === 'ScaleApplication' && scale.sentencedToDeath[0] === 'i1', 'named instances to kill');
    assert.equal(isOnlyScaleChange(web, { ...web, instances: 5 }), true, 'scale only');
    assert.equal(isUpgrade(db, { ...db, cmd: 'x' }), true, 'upgrade');
    assert.equal(isUpgrade(web, { ...web, constraints: [...web.constraints].reverse() }), false, 'constraint order is not a change');
  });

  it('restarts an unchanged app marked for restart', () => {
    const a = app({ id: '/r', cmd: 'serve' });
    const original = putApp(emptyGroup('/', V0), a, V0);
    const target = updateVersionInfoForChangedApps(original, original, V1, new Set(['/r']));
    assert.equal(findApp(target, '/r')?.version, V1, 'new version');
    assert.deepEqual(steps(computeDeploymentPlan(original, target, { id: 'd4', version: V1 })), [['RestartApplication /r']], 'restart');
    const noop = updateVersionInfoForChangedApps(original, original, V1);
    assert.deepEqual(computeDeploymentPlan(original, noop, { id: 'd5', version: V1 }).steps, [], 'nothing to do');
  });

  it('scales an app to zero with a scale step', () => {
    const a = app({ id: '/z', cmd: 'serve', instances: 2 });
    const original = putApp(emptyGroup('/', V0), a, V0);
    const target = updateVersionInfoForChangedApps(original, putApp(original, { ...a, instances: 0 }, V1), V1);
    assert.deepEqual(steps(computeDeploymentPlan(original, target, { id: 'd6', version: V1 })), [['ScaleApplication /z']], 'scale to 0');
  });

  it('prints deployments as /v2/deployments does and detects conflicts', () => {
    const a = app({ id: '/j', cmd: 'serve' });
    const target = updateVersionInfoForChangedApps(emptyGroup('/', V0), putApp(emptyGroup('/', V0), a, V0), V1);
    const plan = computeDeploymentPlan(emptyGroup('/', V0), target, { id: 'dep-1', version: V1 });
    assert.deepEqual(
      deploymentJson(plan, 1),
      {
        id: 'dep-1',
        version: V1,
        affectedApps: ['/j'],
        affectedPods: [],
        steps: [{ actions: [{ action: 'StartApplication', app: '/j' }] }, { actions: [{ action: 'ScaleApplication', app: '/j' }] }],
        currentActions: [{ action: 'StartApplication', app: '/j', readinessCheckResults: [] }],
        currentStep: 1,
        totalSteps: 2,
      },
      'deployment JSON',
    );
    const other = computeDeploymentPlan(target, removeApp(target, '/j', V1), { id: 'dep-2', version: V1 });
    assert.equal(isAffectedBy(plan, other), true, 'both touch /j');
  });
});
