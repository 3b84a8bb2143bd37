import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyAppUpdate } from '../../../core/protocol/marathon/normalizeApp.js';
import { NOW, app } from './fixtures.js';

const LATER = NOW + 60_000;

describe('applyAppUpdate', () => {
  const existing = app({ id: '/web', cmd: 'serve', instances: 2, labels: { tier: 'front' }, portDefinitions: [{ port: 0, name: 'http' }] });

  it('scales with {"instances": N} and keeps everything else (partialUpdate defaults to true)', () => {
    const result = applyAppUpdate(existing, { instances: 5 }, { appId: '/web', now: LATER });
    assert.ok(result.ok && result.value.kind === 'app', `valid update: ${JSON.stringify(result)}`);
    const updated = result.value.app;
    assert.equal(updated.instances, 5, 'scaled');
    assert.equal(updated.cmd, 'serve', 'cmd kept');
    assert.deepEqual(updated.labels, { tier: 'front' }, 'labels kept');
    assert.deepEqual(updated.portDefinitions?.map((p) => p.name), ['http'], 'ports kept');
    assert.equal(updated.version, existing.version, 'the deployment, not the update, sets the new version');
    assert.equal(result.value.created, false, 'not a creation');
  });

  it('lets the path id win over the body id', () => {
    const result = applyAppUpdate(existing, { id: '/other', cmd: 'serve --fast' }, { appId: '/web', now: LATER });
    assert.ok(result.ok && result.value.kind === 'app', 'valid');
    assert.equal(result.value.app.id, '/web', 'id from the path');
    assert.equal(result.value.app.cmd, 'serve --fast', 'cmd updated');
  });

  it('validates the merged app and answers Marathon 422 bodies', () => {
    const result = applyAppUpdate(existing, { args: ['x'] }, { appId: '/web', now: LATER });
    assert.ok(!result.ok, 'cmd from the app plus args from the update is invalid');
    assert.deepEqual(
      result.rejection,
      { status: 422, body: { message: 'Object is not valid', details: [{ path: '/', errors: ["AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'."] }] } },
      '422 body',
    );
    const bad = applyAppUpdate(existing, { instances: -2 }, { appId: '/web', now: LATER });
    assert.ok(!bad.ok, 'negative instances');
    assert.deepEqual(bad.rejection.body, { message: 'Invalid JSON', details: [{ path: '/instances', errors: ['error.min'] }] }, 'read error');
  });

  it('turns {"version": v} into a rollback, and refuses version with other fields', () => {
    const rollback = applyAppUpdate(existing, { version: '2023-01-01T00:00:00.000Z' }, { appId: '/web', now: LATER });
    assert.deepEqual(rollback, { ok: true, value: { kind: 'rollback', version: '2023-01-01T00:00:00.000Z' } }, 'rollback');
    const mixed = applyAppUpdate(existing, { version: '2023-01-01T00:00:00.000Z', instances: 3 }, { appId: '/web', now: LATER });
    assert.ok(!mixed.ok, 'version with instances is invalid');
    assert.deepEqual(mixed.rejection.body, { message: 'Object is not valid', details: [{ path: '/', errors: ["The 'version' field may only be combined with the 'id' field."] }] }, '422');
  });

  it('creates a missing app on PUT and answers 404 on PATCH', () => {
    const created = applyAppUpdate(undefined, { cmd: 'sleep 100' }, { appId: 'new/app', now: LATER });
    assert.ok(created.ok && created.value.kind === 'app', 'PUT creates');
    assert.equal(created.value.app.id, '/new/app', 'id from the path, made absolute');
    assert.equal(created.value.created, true, 'marked created (201)');
    assert.equal(created.value.app.instances, 1, 'defaults applied');
    const patch = applyAppUpdate(undefined, { cmd: 'sleep 100' }, { appId: '/missing', now: LATER, allowCreation: false });
    assert.deepEqual(patch, { ok: false, rejection: { status: 404, body: { message: "App '/missing' does not exist" } } }, 'PATCH never creates');
  });

  it('replaces the whole app when partialUpdate=false', () => {
    const result = applyAppUpdate(existing, { cmd: 'serve' }, { appId: '/web', now: LATER, partialUpdate: false });
    assert.ok(result.ok && result.value.kind === 'app', 'valid');
    assert.equal(result.value.app.instances, 1, 'fields not given fall back to defaults');
    assert.deepEqual(result.value.app.labels, {}, 'labels dropped');
  });

  it('switches networking and recomputes ports', () => {
    const result = applyAppUpdate(existing, { container: { type: 'DOCKER', docker: { image: 'nginx' } }, networks: [{ mode: 'container/bridge' }], cmd: null }, { appId: '/web', now: LATER });
    assert.ok(result.ok && result.value.kind === 'app', `valid: ${JSON.stringify(result)}`);
    const a = result.value.app;
    assert.equal(a.portDefinitions, undefined, 'port definitions dropped for bridge networking');
    assert.deepEqual(a.container?.portMappings?.map((m) => m.hostPort), [0], 'the old port definition became one dynamic mapping');
  });
});
