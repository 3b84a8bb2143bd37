import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SeededRng } from '../../../core/common/rng.js';
import { canonicalId, fromSafePath, parentId, safePath, toHostname } from '../../../core/protocol/marathon/pathId.js';
import { legacyExecutorId, newInstanceId, newTaskId, nextIncarnation, parseInstanceId, parseTaskId, taskIdFor } from '../../../core/marathon/taskIds.js';

const UUID = '6d2f8e0a-1b2c-4d3e-8f40-123456789abc';

describe('path ids', () => {
  it('derives the names Mesos and Mesos-DNS see', () => {
    assert.equal(safePath('/prod/web'), 'prod_web', 'safe path joins with _');
    assert.equal(fromSafePath('prod_web'), '/prod/web', 'and back');
    assert.equal(toHostname('/prod/web'), 'web.prod', 'task name is the path reversed');
    assert.equal(parentId('/prod/web'), '/prod', 'parent');
    assert.equal(parentId('/web'), '/', 'top level parent is the root');
    assert.equal(canonicalId('../x', '/a/b'), '/a/x', 'relative with ..');
  });
});

describe('task ids', () => {
  it('makes <safeId>.instance-<uuid>._app.1 ids from the Rng', () => {
    const { instanceId, taskId } = newTaskId('/prod/web', new SeededRng(7));
    assert.match(instanceId, /^prod_web\.instance-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'instance id');
    assert.equal(taskId, `${instanceId}._app.1`, 'first incarnation of the anonymous container');
    assert.equal(newInstanceId('/prod/web', new SeededRng(7)), instanceId, 'same seed, same id');
  });

  it('parses the current form', () => {
    assert.deepEqual(
      parseTaskId(`prod_web.instance-${UUID}._app.3`),
      { kind: 'incarnation', taskId: `prod_web.instance-${UUID}._app.3`, appId: '/prod/web', instanceId: `prod_web.instance-${UUID}`, uuid: UUID, incarnation: 3 },
      'incarnation form',
    );
    assert.deepEqual(parseTaskId(`pod.instance-${UUID}.nginx.1`)?.container, 'nginx', 'pod container name');
    assert.equal(parseTaskId(`prod_web.instance-${UUID}._app`)?.kind, 'ephemeral', 'instance form without incarnation');
  });

  it('parses legacy forms, whose instances get the marathon- prefix', () => {
    const dotted = parseTaskId(`prod_web.${UUID}`);
    assert.deepEqual(dotted, { kind: 'legacy', taskId: `prod_web.${UUID}`, appId: '/prod/web', instanceId: `prod_web.marathon-${UUID}`, uuid: UUID, separator: '.' }, 'app.uuid');
    assert.equal(parseTaskId(`web_${UUID}`)?.appId, '/web', 'app_uuid');
    assert.deepEqual(parseTaskId(`web.${UUID}.4`)?.incarnation, 4, 'legacy resident with attempt');
    assert.equal(parseTaskId('not-a-task-id'), undefined, 'garbage');
    assert.equal(parseTaskId('web.instance-nothex._app.1'), undefined, 'the uuid must be a uuid');
  });

  it('counts incarnations on relaunch', () => {
    assert.equal(nextIncarnation(`a.instance-${UUID}._app.1`), `a.instance-${UUID}._app.2`, 'incarnation + 1');
    assert.equal(nextIncarnation(`a.instance-${UUID}._app`), `a.instance-${UUID}._app.1`, 'ephemeral gets .1');
    assert.equal(nextIncarnation(`a.${UUID}`), `a.${UUID}.1`, 'legacy becomes legacy resident');
    assert.equal(nextIncarnation(`a_${UUID}.1`), `a_${UUID}.2`, 'legacy resident + 1');
    assert.equal(legacyExecutorId('t'), 'marathon-t', 'custom executor id');
  });

  it('parses back every id it makes (property)', () => {
    const segment = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?$/);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 50 }), (segments, seed, incarnation) => {
        const appId = `/${segments.join('/')}`;
        const instanceId = newInstanceId(appId, new SeededRng(seed));
        const taskId = taskIdFor(instanceId, incarnation);
        const parsed = parseTaskId(taskId);
        assert.ok(parsed !== undefined, `parses ${taskId}`);
        assert.equal(parsed.appId, appId, 'app id survives');
        assert.equal(parsed.instanceId, instanceId, 'instance id survives');
        assert.equal(parsed.incarnation, incarnation, 'incarnation survives');
        assert.equal(parseInstanceId(instanceId)?.appId, appId, 'instance id parses');
      }),
    );
  });
});
