import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeApp } from '../../../core/protocol/marathon/normalizeApp.js';
import { constraintViolations } from '../../../core/protocol/marathon/appValidation.js';
import { NOW, rejection } from './fixtures.js';

const invalid = (details: Array<{ path: string; errors: string[] }>) => ({ status: 422, body: { message: 'Object is not valid', details } });
const invalidJson = (details: Array<{ path: string; errors: string[] }>) => ({ status: 422, body: { message: 'Invalid JSON', details } });

describe('app validation: 422 bodies', () => {
  it('rejects a body without id, as the JSON reader does', () => {
    assert.deepEqual(rejection({ cmd: 'sleep 1' }), invalidJson([{ path: '/id', errors: ['error.path.missing'] }]), 'missing id');
  });

  it('rejects ids that break the id pattern before validation', () => {
    assert.deepEqual(rejection({ id: 'My_App', cmd: 'sleep 1' }), invalidJson([{ path: '/id', errors: ['error.pattern'] }]), 'upper case and underscore');
    assert.deepEqual(rejection({ id: '', cmd: 'sleep 1' }), invalidJson([{ path: '/id', errors: ['error.minLength'] }]), 'empty id');
    assert.deepEqual(rejection({ id: 5, cmd: 'sleep 1' }), invalidJson([{ path: '/id', errors: ['error.expected.jsstring'] }]), 'id must be a string');
  });

  it('rejects reserved last segments and the root id', () => {
    assert.deepEqual(
      rejection({ id: '/foo/restart', cmd: 'sleep 1' }),
      invalid([{ path: '/id', errors: ['must not end with any of the following reserved keywords: restart, tasks, versions, ., ..'] }]),
      'reserved keyword',
    );
    assert.deepEqual(
      rejection({ id: '/', cmd: 'sleep 1' }),
      invalid([
        { path: '/id', errors: ['Path must contain at least one path element'] },
        { path: '/', errors: ['must not be root'] },
      ]),
      'root',
    );
  });

  it('rejects negative and out-of-range resources with Play error keys', () => {
    assert.deepEqual(rejection({ id: '/app', cmd: 'cmd', mem: -128 }), invalidJson([{ path: '/mem', errors: ['error.min'] }]), 'negative mem');
    assert.deepEqual(rejection({ id: '/app', cmd: 'cmd', cpus: -1 }), invalidJson([{ path: '/cpus', errors: ['error.min'] }]), 'negative cpus');
    assert.deepEqual(rejection({ id: '/app', cmd: 'cmd', cpus: 0 }), invalidJson([{ path: '/cpus', errors: ['error.min'] }]), 'cpus below 0.001');
    assert.deepEqual(rejection({ id: '/app', cmd: 'cmd', instances: -1 }), invalidJson([{ path: '/instances', errors: ['error.min'] }]), 'negative instances');
    assert.deepEqual(rejection({ id: '/app', cmd: 'cmd', instances: 1.5 }), invalidJson([{ path: '/instances', errors: ['error.expected.int'] }]), 'fractional instances');
    assert.deepEqual(rejection({ id: '/app', cmd: 'cmd', disk: 'a lot' }), invalidJson([{ path: '/disk', errors: ['error.expected.jsnumber'] }]), 'string disk');
  });

  it('rejects minimumHealthCapacity above 1 (and a missing maximumOverCapacity) while reading', () => {
    assert.deepEqual(
      rejection({ id: '/app', cmd: 'cmd', upgradeStrategy: { minimumHealthCapacity: 1.2 } }),
      invalidJson([
        { path: '/upgradeStrategy/maximumOverCapacity', errors: ['error.path.missing'] },
        { path: '/upgradeStrategy/minimumHealthCapacity', errors: ['error.max'] },
      ]),
      'both fields are required and bounded by 0..1',
    );
  });

  it('rejects cmd together with args, and neither without a container', () => {
    const message = "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'.";
    assert.deepEqual(rejection({ id: '/app', cmd: 'echo hi', args: ['echo', 'hi'] }), invalid([{ path: '/', errors: [message] }]), 'cmd and args');
    assert.deepEqual(rejection({ id: '/app' }), invalid([{ path: '/', errors: [message] }]), 'nothing to run');
  });

  it('rejects a one-character cmd, as Marathon does', () => {
    assert.deepEqual(rejection({ id: '/app', cmd: 'x' }), invalid([{ path: '/', errors: ['must not be an empty string'] }]), 'single character');
  });

  it('rejects unknown constraint operators, bad values and invalid regexes', () => {
    assert.deepEqual(
      rejection({ id: '/app', cmd: 'cmd', constraints: [['hostname', 'NEAR']] }),
      invalid([{ path: '/constraints(0)', errors: ['operator must be one of the following UNIQUE, CLUSTER, GROUP_BY, LIKE, MAX_PER, UNLIKE or IS'] }]),
      'unknown operator',
    );
    assert.deepEqual(
      rejection({ id: '/app', cmd: 'cmd', constraints: [['hostname', 'UNIQUE'], ['rack', 'LIKE', 'rack-[1-3']] }),
      invalid([{ path: '/constraints(1)', errors: ['is not a valid regular expression'] }]),
      'invalid LIKE regex',
    );
    assert.deepEqual(
      rejection({ id: '/app', cmd: 'cmd', constraints: [['rack', 'UNLIKE']] }),
      invalid([{ path: '/constraints(0)', errors: ['LIKE and UNLIKE require a non-empty, regular expression value'] }]),
      'UNLIKE without value',
    );
    assert.deepEqual(
      rejection({ id: '/app', cmd: 'cmd', constraints: [['rack', 'MAX_PER', 'two']] }),
      invalid([{ path: '/constraints(0)', errors: ['MAX_PER requires an integer value'] }]),
      'MAX_PER needs an integer',
    );
    assert.deepEqual(rejection({ id: '/app', cmd: 'cmd', constraints: [['hostname']] }), invalidJson([{ path: '/constraints(0)', errors: ['error.minLength'] }]), 'too short');
    assert.deepEqual(constraintViolations(['hostname', 'UNIQUE', 'x']), ['UNIQUE does not accept a value'], 'UNIQUE with a value');
    assert.deepEqual(constraintViolations(['rack', 'GROUP_BY', 'x']), ['GROUP BY must define an integer value or else no value at all'], 'GROUP_BY value');
    assert.deepEqual(constraintViolations(['rack', 'IS', '[1-2]']), ['IS only supports Mesos text and float values (see http://mesos.apache.org/documentation/latest/attributes-resources/)'], 'IS value');
    assert.deepEqual(constraintViolations(['rack', 'cluster', 'a']), [], 'operators are case-insensitive in validation');
  });

  it('answers 500 for a lower-case operator, which Marathon validates but cannot store', () => {
    assert.deepEqual(rejection({ id: '/app', cmd: 'cmd', constraints: [['rack', 'cluster', 'a']] }), { status: 500, body: { message: 'illegal constraint specification rack,cluster,a' } }, 'SerializationFailedException');
  });

  it('rejects duplicate port names and ports', () => {
    assert.deepEqual(
      rejection({ id: '/app', cmd: 'cmd', portDefinitions: [{ port: 0, name: 'http' }, { port: 0, name: 'http' }] }),
      invalid([{ path: '/portDefinitions', errors: ['Port names must be unique.'] }]),
      'port definition names',
    );
    assert.deepEqual(
      rejection({ id: '/app', cmd: 'cmd', portDefinitions: [{ port: 8080 }, { port: 8080 }] }),
      invalid([{ path: '/portDefinitions', errors: ['Ports must be unique.'] }]),
      'port definition ports',
    );
    assert.deepEqual(
      rejection({
        id: '/app',
        container: { type: 'DOCKER', docker: { image: 'nginx' }, portMappings: [{ containerPort: 80, name: 'web' }, { containerPort: 81, name: 'web' }] },
        networks: [{ mode: 'container/bridge' }],
      }),
      invalid([{ path: '/container/portMappings', errors: ['Port names must be unique.'] }]),
      'port mapping names',
    );
    assert.deepEqual(rejection({ id: '/app', cmd: 'cmd', ports: [80, 80] }), invalid([{ path: '/', errors: ['ports must be unique'] }]), 'legacy ports');
  });

  it('rejects two port mappings on the same fixed host port (Plateau extension)', () => {
    assert.deepEqual(
      rejection({
        id: '/app',
        container: { type: 'DOCKER', docker: { image: 'nginx' }, portMappings: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81, hostPort: 8080 }] },
        networks: [{ mode: 'container/bridge' }],
      }),
      invalid([{ path: '/container/portMappings', errors: ['Host ports must be unique.'] }]),
      'host port conflict',
    );
  });

  it('rejects a Docker container without docker, and docker fields on Mesos containers', () => {
    assert.deepEqual(
      rejection({ id: '/app', container: { type: 'DOCKER' } }),
      invalid([
        { path: '/container/docker', errors: ['not defined'] },
        { path: '/', errors: ["AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'."] },
      ]),
      'docker missing: no image, so nothing to run either',
    );
    assert.deepEqual(
      rejection({ id: '/app', container: { type: 'MESOS', docker: { image: 'x', network: 'BRIDGE' } } }),
      invalid([{ path: '/container/docker/network', errors: ['must be empty'] }]),
      'Mesos container with a docker network',
    );
  });

  it('rejects mixing deprecated and canonical fields', () => {
    assert.deepEqual(
      rejection({ id: '/app', container: { type: 'DOCKER', docker: { image: 'x', network: 'BRIDGE' } }, networks: [{ mode: 'container/bridge' }] }),
      invalid([{ path: '/', errors: ['must not specify both container.docker.network and networks'] }]),
      'docker network and networks',
    );
    assert.deepEqual(
      rejection({ id: '/app', cmd: 'cmd', ports: [1], portDefinitions: [{ port: 2 }] }),
      invalid([{ path: '/', errors: ['cannot specify both ports and port definitions'] }]),
      'ports and portDefinitions',
    );
    assert.deepEqual(
      rejection({ id: '/app', cmd: 'cmd', uris: ['http://a'], fetch: [{ uri: 'http://b' }] }),
      invalid([{ path: '/uris', errors: ['may not be set in conjunction with fetch'] }]),
      'uris and fetch',
    );
  });

  it('answers 500 for deprecated combinations Marathon cannot translate', () => {
    assert.deepEqual(
      rejection({ id: '/app', container: { type: 'DOCKER', docker: { image: 'x', network: 'NONE' } } }),
      { status: 500, body: { message: 'unsupported docker network type NONE' } },
      'docker network NONE',
    );
  });

  it('rejects health checks that point at missing ports and more than one Mesos check', () => {
    assert.deepEqual(
      rejection({ id: '/app', cmd: 'cmd', portDefinitions: [{ port: 0 }], healthChecks: [{ protocol: 'HTTP', portIndex: 1 }] }),
      invalid([{ path: '/healthChecks(0)', errors: ['Health check port indices must address an element of the ports array or container port mappings.'] }]),
      'port index out of range',
    );
    assert.deepEqual(
      rejection({ id: '/app', cmd: 'cmd', healthChecks: [{ protocol: 'MESOS_HTTP', portIndex: 0 }, { protocol: 'MESOS_TCP', portIndex: 0 }] }),
      invalid([{ path: '/', errors: ['AppDefinition can contain at most one Mesos health check'] }]),
      'two Mesos checks',
    );
    assert.deepEqual(
      rejection({ id: '/app', cmd: 'cmd', healthChecks: [{ protocol: 'HTTP', ipProtocol: 'IPv6' }] }),
      invalid([{ path: '/healthChecks(0)', errors: ['IPv6 can only be used for container type DOCKER and Mesos http/https/tcp health checks'] }]),
      'IPv6 Marathon check',
    );
  });

  it('rejects readiness checks naming unknown ports or timing out after their interval', () => {
    assert.deepEqual(
      rejection({ id: '/app', cmd: 'cmd', readinessChecks: [{ portName: 'web', timeoutSeconds: 30, intervalSeconds: 30 }] }),
      invalid([
        { path: '/readinessChecks(0)/portName', errors: ['No port definition reference for portName web'] },
        { path: '/readinessChecks(0)/timeoutSeconds', errors: ['got 30, expected less than 30'] },
      ]),
      'readiness',
    );
  });

  it('rejects roles the app may not use', () => {
    assert.deepEqual(rejection({ id: '/app', cmd: 'cmd', role: 'other' }), invalid([{ path: '/role', errors: ['got other, expected one of: [*]'] }]), 'role');
    assert.deepEqual(
      rejection({ id: '/app', cmd: 'cmd', acceptedResourceRoles: ['prod'] }),
      invalid([{ path: '/acceptedResourceRoles', errors: ['acceptedResourceRoles can only contain *'] }]),
      'accepted roles',
    );
    assert.deepEqual(
      rejection({ id: '/app', cmd: 'cmd', acceptedResourceRoles: [] }),
      invalid([{ path: '/acceptedResourceRoles', errors: ['must not be empty'] }]),
      'empty accepted roles',
    );
  });

  it('rejects networks Marathon does not allow together', () => {
    assert.deepEqual(
      rejection({ id: '/app', cmd: 'cmd', networks: [{ mode: 'host' }, { mode: 'container/bridge' }] }),
      invalid([{ path: '/networks', errors: ['May specify a single host network, single bridge network, or else 1-to-n container networks'] }]),
      'host and bridge',
    );
    assert.deepEqual(
      rejection({ id: '/app', cmd: 'cmd', networks: [{ mode: 'container' }] }),
      invalid([{ path: '/networks', errors: ['Network name must be specified when container network is selected.'] }]),
      'unnamed container network without a default',
    );
  });

  it('rejects secrets and GPUs when their features are off', () => {
    assert.deepEqual(
      rejection({ id: '/app', cmd: 'cmd', secrets: { s: { source: 'x' } } }),
      invalid([{ path: '/secrets', errors: ['Feature secrets is not enabled. Enable with --enable_features secrets)'] }]),
      'secrets',
    );
    assert.deepEqual(
      rejection({ id: '/app', cmd: 'cmd', gpus: 1 }),
      invalid([{ path: '/', errors: ['Feature gpu_resources is not enabled. Enable with --enable_features gpu_resources)'] }]),
      'gpus',
    );
    const withFeature = normalizeApp({ id: '/app', cmd: 'cmd', gpus: 1 }, { now: NOW, enabledFeatures: ['gpu_resources'] });
    assert.ok(withFeature.ok, 'gpus are fine with the feature on');
  });

  it('rejects an unreachable strategy that expunges before it inactivates', () => {
    assert.deepEqual(
      rejection({ id: '/app', cmd: 'cmd', unreachableStrategy: { inactiveAfterSeconds: 600, expungeAfterSeconds: 300 } }),
      invalid([{ path: '/unreachableStrategy/inactiveAfterSeconds', errors: ['inactiveAfterSeconds (600) must be less or equal to expungeAfterSeconds, which is 300'] }]),
      'inactive after expunge',
    );
  });
});
