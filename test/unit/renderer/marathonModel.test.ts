import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { errorMessage, HttpError } from '../../../renderer/channel/consoleChannel.js';
import type { MarathonApp, MarathonTask } from '../../../renderer/data/marathonQueries.js';
import {
  appHealth,
  appImageOrCmd,
  appMatches,
  appPath,
  appStatus,
  canonicalAppId,
  changedFields,
  definitionOf,
  EMPTY_FORM,
  explainError,
  formDefinition,
  hasHealthChecks,
  isLocked,
  lastHealthy,
  marathonFailure,
  mesosTaskName,
  stableJson,
  statusClass,
  taskHealth,
  WAITING_AFTER_MS,
  type AppStatus,
} from '../../../renderer/model/marathonModel.js';

const NOW = Date.parse('2024-01-01T00:10:00.000Z');
const app = (over: Partial<MarathonApp> = {}): MarathonApp => ({ id: '/web', instances: 2, cpus: 0.5, mem: 128, disk: 0, version: '2024-01-01T00:00:00.000Z', tasksRunning: 2, ...over });
const task = (over: Partial<MarathonTask> = {}): MarathonTask => ({ id: 'web.1', appId: '/web', host: 'h1', ...over });
const httpError = (status: number, body: string) => {
  const answer = { status, headers: {}, body };
  return new HttpError(answer, errorMessage(answer));
};

describe('appStatus', () => {
  const since = (msAgo: number) => new Date(NOW - msAgo).toISOString();

  it('is Delayed while a backoff delay has time left, whatever else holds', () => {
    assert.equal(appStatus(app({ deployments: [{ id: 'd' }] }), { count: 1, delay: { timeLeftSeconds: 12, overdue: false } }, NOW), 'Delayed', 'backoff first');
    assert.notEqual(appStatus(app(), { count: 0, delay: { timeLeftSeconds: 12, overdue: true } }, NOW), 'Delayed', 'an overdue delay is over');
    assert.notEqual(appStatus(app(), { count: 0, delay: { timeLeftSeconds: 0, overdue: false } }, NOW), 'Delayed', 'no time left');
  });

  it(`is Waiting once instances have queued for ${WAITING_AFTER_MS} ms, or since an unknown time`, () => {
    assert.equal(appStatus(app(), { count: 1, since: since(WAITING_AFTER_MS) }, NOW), 'Waiting', 'long enough');
    assert.equal(appStatus(app(), { count: 1 }, NOW), 'Waiting', 'no since');
    assert.equal(appStatus(app({ deployments: [{ id: 'd' }] }), { count: 1, since: since(WAITING_AFTER_MS - 1) }, NOW), 'Deploying', 'a fresh launch is still deploying');
    assert.equal(appStatus(app(), { count: 0, since: since(60_000) }, NOW), 'Running', 'nothing left to launch');
  });

  it('is Deploying, Suspended or Running from the app alone', () => {
    assert.equal(appStatus(app({ deployments: [{ id: 'd' }] }), undefined, NOW), 'Deploying', 'a deployment runs');
    assert.equal(appStatus(app({ instances: 0, tasksRunning: 0, tasksStaged: 0 }), undefined, NOW), 'Suspended', 'no instances');
    assert.equal(appStatus(app({ instances: 0, tasksRunning: 1 }), undefined, NOW), 'Running', 'scaling to 0 but a task still runs');
    assert.equal(appStatus(app(), undefined, NOW), 'Running', 'otherwise');
  });

  it('colours each status', () => {
    const classes = (['Running', 'Deploying', 'Waiting', 'Delayed', 'Suspended'] as AppStatus[]).map(statusClass);
    assert.deepEqual(classes, ['state-RUNNING', 'state-STAGING', 'state-STAGING', 'state-FAILED', 'muted'], 'pill classes');
  });
});

describe('task and app health', () => {
  it('trusts Marathon health check results first, then the Mesos flag', () => {
    assert.equal(taskHealth(task({ healthCheckResults: [{ alive: true }, { alive: true }] })), 'healthy', 'all alive');
    assert.equal(taskHealth(task({ healthCheckResults: [{ alive: true }, { alive: false }] }), true), 'unhealthy', 'one failing check beats the Mesos flag');
    assert.equal(taskHealth(task(), false), 'unhealthy', 'Mesos says unhealthy');
    assert.equal(taskHealth(task({ healthCheckResults: [] }), true), 'healthy', 'Mesos says healthy');
    assert.equal(taskHealth(task()), 'unknown', 'no verdict');
  });

  it("reads the newest Mesos healthy flag from a task's statuses", () => {
    assert.equal(lastHealthy([{ healthy: false }, { healthy: true }, {}]), true, 'the newest that has one');
    assert.equal(lastHealthy([{}, {}]), undefined, 'none has one');
    assert.equal(lastHealthy(undefined), undefined, 'no statuses');
  });

  it('splits instances for the health bar, capping counts at what runs', () => {
    assert.deepEqual(appHealth(app({ instances: 3, tasksRunning: 2, tasksHealthy: 1, tasksUnhealthy: 1, tasksStaged: 1 })), { healthy: 1, unhealthy: 1, unknown: 0, staged: 1, total: 3 }, 'mixed');
    assert.deepEqual(appHealth(app({ instances: 1, tasksRunning: 3, tasksHealthy: 5 })), { healthy: 3, unhealthy: 0, unknown: 0, staged: 0, total: 3 }, 'scale-down shows the extra tasks; healthy capped');
    assert.deepEqual(appHealth(app({ instances: 2, tasksRunning: undefined })), { healthy: 0, unhealthy: 0, unknown: 0, staged: 0, total: 2 }, 'nothing running yet');
  });

  it('knows whether the app has health checks', () => {
    assert.equal(hasHealthChecks(app({ healthChecks: [{ protocol: 'HTTP' }] })), true, 'one check');
    assert.equal(hasHealthChecks(app()), false, 'none');
  });
});

describe('the app list filter', () => {
  const web = app({ id: '/prod/web', cmd: null, container: { type: 'DOCKER', docker: { image: 'nginx:1.25' } }, labels: { team: 'payments', tier: 'frontend' } });
  const job = app({ id: '/batch/report', cmd: 'python3 report.py', labels: {} });

  it('shows what an app runs: the image, else the command, else the args', () => {
    assert.equal(appImageOrCmd(web), 'nginx:1.25', 'image');
    assert.equal(appImageOrCmd(job), 'python3 report.py', 'command');
    assert.equal(appImageOrCmd(app({ args: ['/bin/run', '--fast'] })), '/bin/run --fast', 'args');
    assert.equal(appImageOrCmd(app()), '', 'nothing');
  });

  it('matches every term against the id, command, image and labels, case-insensitively', () => {
    assert.equal(appMatches(web, ''), true, 'no terms');
    assert.equal(appMatches(web, '  PROD  web '), true, 'all terms, any case');
    assert.equal(appMatches(web, 'prod batch'), false, 'every term must match');
    assert.equal(appMatches(job, 'report.py'), true, 'command');
  });

  it('treats key:value as a label match, with key: for any value, and still finds images', () => {
    assert.equal(appMatches(web, 'team:pay'), true, 'value contains');
    assert.equal(appMatches(web, 'team:'), true, 'any value');
    assert.equal(appMatches(web, 'team:billing'), false, 'other value');
    assert.equal(appMatches(job, 'team:'), false, 'no such label');
    assert.equal(appMatches(web, 'nginx:1.25'), true, 'an image with a tag is not a label');
  });
});

describe('formDefinition', () => {
  it('sends the defaults and leaves empty fields to Marathon', () => {
    assert.deepEqual(formDefinition({ ...EMPTY_FORM, id: ' /web ', cmd: 'sleep 1' }), { id: '/web', cmd: 'sleep 1', cpus: 0.1, mem: 128, instances: 1 }, 'defaults as numbers');
    assert.deepEqual(formDefinition({ ...EMPTY_FORM, id: '/x', cpus: '', mem: ' ', instances: '' }), { id: '/x' }, 'empty fields left out');
  });

  it('passes text that is not a number through, so Marathon names the field', () => {
    assert.deepEqual(formDefinition({ ...EMPTY_FORM, id: '/x', cpus: 'lots' }).cpus, 'lots', 'cpus as typed');
  });

  it('maps a container port to a bridge port mapping, only with an image', () => {
    assert.deepEqual(
      formDefinition({ ...EMPTY_FORM, id: '/x', image: 'nginx', containerPort: '80' }),
      { id: '/x', cpus: 0.1, mem: 128, instances: 1, container: { type: 'DOCKER', docker: { image: 'nginx' }, portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }] }, networks: [{ mode: 'container/bridge' }] },
      'bridge mapping with a dynamic host port',
    );
    assert.deepEqual(formDefinition({ ...EMPTY_FORM, id: '/x', image: 'nginx' }).container, { type: 'DOCKER', docker: { image: 'nginx' } }, 'image alone');
    assert.equal(formDefinition({ ...EMPTY_FORM, id: '/x', containerPort: '80' }).container, undefined, 'a port without an image is ignored');
  });
});

describe('marathonFailure', () => {
  it("reads Marathon's message and validation details", () => {
    const f = marathonFailure(httpError(422, JSON.stringify({ message: 'Object is not valid', details: [{ path: '/id', errors: ['error.pattern'] }, { path: 7, errors: 'x' }] })));
    assert.deepEqual(f, { status: 422, message: 'Object is not valid', details: [{ path: '/id', errors: ['error.pattern'] }, { path: '/', errors: [] }], lockedBy: [] }, 'message and details, odd ones made safe');
    assert.equal(isLocked(f), false, 'not a lock');
  });

  it('names the deployments that lock an app', () => {
    const f = marathonFailure(httpError(409, JSON.stringify({ message: 'App is locked by one or more deployments.', deployments: [{ id: 'd1' }, { id: 'd2' }, {}] })));
    assert.deepEqual(f.lockedBy, ['d1', 'd2'], 'deployment ids');
    assert.equal(isLocked(f), true, 'locked');
    assert.equal(isLocked({ status: 409, message: 'App is locked', details: [], lockedBy: [] }), true, 'said in words only');
    assert.equal(isLocked({ status: 409, message: 'conflict', details: [], lockedBy: [] }), false, 'another conflict');
  });

  it('falls back to the body text, the status, or the error itself', () => {
    assert.equal(marathonFailure(httpError(500, 'Internal trouble\n')).message, 'Internal trouble', 'plain text body');
    assert.equal(marathonFailure(httpError(503, '')).message, 'HTTP 503', 'empty body');
    assert.deepEqual(marathonFailure(new Error('host link lost')), { message: 'host link lost', details: [], lockedBy: [] }, 'no answer');
    assert.equal(marathonFailure('odd').message, 'odd', 'not even an Error');
  });

  it('explains terse validation errors, and spells out the id rule', () => {
    assert.equal(explainError('/cpus', 'error.expected.jsnumber'), 'must be a number', 'known key');
    assert.match(explainError('/id', 'error.pattern') ?? '', /lowercase letters, digits/, 'id rule');
    assert.match(explainError('/id', 'must fully match regular expression') ?? '', /lowercase letters/, 'id rule from the message');
    assert.equal(explainError('/cmd', 'something else'), undefined, 'unknown');
    assert.equal(explainError('/cmd', 'constructor'), undefined, 'an Object.prototype key is not an explanation');
  });
});

describe('definitions and versions', () => {
  it('drops the runtime fields Marathon adds to an app', () => {
    const def = definitionOf({ id: '/a', cmd: 'x', tasks: [], tasksRunning: 1, deployments: [], lastTaskFailure: {}, version: 'v' });
    assert.deepEqual(def, { id: '/a', cmd: 'x', version: 'v' }, 'definition only');
  });

  it('compares definitions whatever their key order', () => {
    assert.equal(stableJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 3 } }), '{"a":{"c":3,"d":[2,{"y":2,"z":1}]},"b":1}', 'sorted keys, arrays kept in order');
  });

  it('lists the changed top-level fields, ignoring versions and runtime fields', () => {
    const a = { id: '/a', cmd: 'x', env: { A: '1', B: '2' }, version: 'v1', tasksRunning: 1 };
    const b = { id: '/a', cmd: 'y', env: { B: '2', A: '1' }, version: 'v2', tasksRunning: 3, labels: {} };
    assert.deepEqual(changedFields(a, b), ['cmd', 'labels'], 'cmd changed, labels added; env equal in another order');
  });
});

describe('app ids and paths', () => {
  it('puts the leading slash on and trailing slashes off', () => {
    assert.deepEqual([canonicalAppId('prod/web'), canonicalAppId('/prod/web/'), canonicalAppId('/web')], ['/prod/web', '/prod/web', '/web'], 'canonical');
  });

  it("builds the app's REST path and its Mesos task name", () => {
    assert.equal(appPath('prod/web'), '/v2/apps/prod/web', 'path');
    assert.equal(appPath('/prod/web', '/versions'), '/v2/apps/prod/web/versions', 'with a suffix');
    assert.equal(mesosTaskName('/prod/web'), 'web.prod', 'reversed segments');
    assert.equal(mesosTaskName('web'), 'web', 'top-level app');
  });
});
