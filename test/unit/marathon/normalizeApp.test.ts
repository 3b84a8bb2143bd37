import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appJson } from '../../../core/protocol/marathon/appJson.js';
import { normalizeApp } from '../../../core/protocol/marathon/normalizeApp.js';
import { isoTimestamp } from '../../../core/protocol/marathon/appConfig.js';
import { NOW, app } from './fixtures.js';

// The seed's app definitions (mysqlcontainer.json, flaskcontainer.json, sleep-cluster).
const mysql = {
  id: 'mysql',
  cpus: 0.5,
  mem: 64.0,
  instances: 1,
  container: { type: 'DOCKER', docker: { image: 'ppc64le/mysql', network: 'BRIDGE', portMappings: [{ containerPort: 3306, hostPort: 0, servicePort: 0, protocol: 'tcp' }] } },
  env: { MYSQL_ROOT_PASSWORD: 'password', MYSQL_USER: 'test', MYSQL_PASSWORD: 'test', MYSQL_DB: 'BucketList' },
};
const flask = {
  id: 'flaskappcontainer',
  cpus: 0.5,
  mem: 64.0,
  instances: 1,
  container: {
    type: 'DOCKER',
    docker: {
      image: 'ppc64le/flaskapp',
      network: 'BRIDGE',
      portMappings: [{ containerPort: 80, hostPort: 0, servicePort: 0, protocol: 'tcp' }],
      parameters: [{ key: 'link', value: 'mesos-b81f9a21-3133-49de-acf6-988226eb6874-S18.5d3dcaa7-05c6-4a5b-af68-dba32b7d1835' }],
    },
  },
  constraints: [['hostname', 'CLUSTER', 'ubuntu']],
};

describe('normalizeApp', () => {
  it('fills Marathon 1.10 defaults for a plain command app', () => {
    const a = app({ id: 'sleep-cluster', cmd: 'sleep 60', instances: 3, constraints: [['hostname', 'CLUSTER', 'a.specific.node.com']] });
    assert.equal(a.id, '/sleep-cluster', 'relative ids resolve against the root');
    assert.deepEqual(
      { cpus: a.cpus, mem: a.mem, disk: a.disk, gpus: a.gpus, backoffSeconds: a.backoffSeconds, backoffFactor: a.backoffFactor, maxLaunchDelaySeconds: a.maxLaunchDelaySeconds },
      { cpus: 1, mem: 128, disk: 0, gpus: 0, backoffSeconds: 1, backoffFactor: 1.15, maxLaunchDelaySeconds: 300 },
      'resource and backoff defaults',
    );
    assert.deepEqual(a.networks, [{ mode: 'host' }], 'host networking by default');
    assert.deepEqual(a.portDefinitions, [{ port: 0, protocol: 'tcp', name: 'default', labels: {} }], 'one default port for host networking');
    assert.deepEqual(a.upgradeStrategy, { minimumHealthCapacity: 1, maximumOverCapacity: 1 }, 'upgrade strategy default');
    assert.deepEqual(a.unreachableStrategy, { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 }, 'unreachable strategy default');
    assert.equal(a.killSelection, 'YOUNGEST_FIRST', 'kill selection default');
    assert.equal(a.role, '*', 'role defaults to --mesos_role');
    assert.equal(a.version, isoTimestamp(NOW), 'a new app is versioned at the request time');
    assert.equal(a.version, '2023-11-14T22:13:20.000Z', 'ISO timestamps with milliseconds');
    assert.deepEqual(a.constraints, [['hostname', 'CLUSTER', 'a.specific.node.com']], 'constraints kept');
  });

  it('translates the seed mysql app: docker.network BRIDGE and docker.portMappings become networks and container.portMappings', () => {
    const a = app(mysql);
    assert.deepEqual(a.networks, [{ mode: 'container/bridge' }], 'BRIDGE becomes a container/bridge network');
    assert.equal(a.portDefinitions, undefined, 'no port definitions without host networking');
    assert.deepEqual(
      a.container,
      {
        type: 'DOCKER',
        docker: { image: 'ppc64le/mysql', forcePullImage: false, privileged: false, parameters: [] },
        volumes: [],
        portMappings: [{ containerPort: 3306, hostPort: 0, servicePort: 0, protocol: 'tcp', labels: {}, networkNames: [] }],
      },
      'docker network field cleared and mappings moved to the container',
    );
    assert.equal(a.requirePorts, false, 'requirePorts only applies to host networking');
  });

  it('keeps the seed flask app parameters and constraint', () => {
    const a = app(flask);
    assert.deepEqual(a.container?.docker?.parameters, flask.container.docker.parameters, 'docker parameters kept');
    assert.deepEqual(a.constraints, [['hostname', 'CLUSTER', 'ubuntu']], 'constraint kept');
  });

  it('gives bridge mappings without hostPort the dynamic host port 0', () => {
    const a = app({ id: '/b', container: { type: 'DOCKER', docker: { image: 'x' }, portMappings: [{ containerPort: 80 }] }, networks: [{ mode: 'container/bridge' }] });
    assert.equal(a.container?.portMappings?.[0]?.hostPort, 0, 'BRIDGE mode: missing host port means 0');
  });

  it('adds the default port mapping for a bridged container without mappings', () => {
    const a = app({ id: '/b', container: { type: 'DOCKER', docker: { image: 'x' } }, networks: [{ mode: 'container/bridge' }] });
    assert.deepEqual(a.container?.portMappings, [{ containerPort: 0, hostPort: 0, servicePort: 0, protocol: 'tcp', name: 'default', labels: {}, networkNames: [] }], 'one default mapping');
  });

  it('creates a Mesos container for a non-host network without a container', () => {
    const a = app({ id: '/c', cmd: 'sleep 1', networks: [{ mode: 'container', name: 'dcos' }] });
    assert.equal(a.container?.type, 'MESOS', 'default Mesos container');
    assert.deepEqual(a.networks, [{ name: 'dcos', mode: 'container' }], 'named container network');
    assert.equal(a.container?.portMappings?.[0]?.hostPort, undefined, 'container networks ask for no host port by default');
  });

  it('translates legacy ports and uris', () => {
    const a = app({ id: '/legacy', cmd: 'run', ports: [8080, 0], uris: ['http://x/app.tgz', 'http://x/run.sh'] });
    assert.deepEqual(
      a.portDefinitions?.map((p) => p.port),
      [8080, 0],
      'ports become port definitions',
    );
    assert.deepEqual(
      a.fetch.map((f) => [f.uri, f.extract]),
      [
        ['http://x/app.tgz', true],
        ['http://x/run.sh', false],
      ],
      'uris become fetch entries, archives extracted',
    );
  });

  it('translates legacy ipAddress into a container network with a Mesos container', () => {
    const a = app({ id: '/ip', cmd: 'run', ipAddress: { networkName: 'calico', discovery: { ports: [{ number: 8080, name: 'http', protocol: 'tcp' }] } } });
    assert.deepEqual(a.networks, [{ name: 'calico', mode: 'container' }], 'ipAddress becomes a named container network');
    assert.equal(a.container?.type, 'MESOS', 'implies a Mesos container');
    assert.deepEqual(a.container?.portMappings?.map((m) => [m.containerPort, m.name, m.hostPort]), [[8080, 'http', undefined]], 'discovery ports become mappings without host ports');
  });

  it('translates docker.network HOST and USER', () => {
    const host = app({ id: '/h', container: { type: 'DOCKER', docker: { image: 'x', network: 'HOST' } } });
    assert.deepEqual(host.networks, [{ mode: 'host' }], 'HOST');
    assert.ok(host.portDefinitions !== undefined, 'host networking keeps port definitions');
    const user = normalizeApp({ id: '/u', container: { type: 'DOCKER', docker: { image: 'x', network: 'USER' } } }, { now: NOW, defaultNetworkName: 'overlay' });
    assert.ok(user.ok, 'USER with a default network name is valid');
    assert.deepEqual(user.value.networks, [{ name: 'overlay', mode: 'container' }], 'USER takes --default_network_name');
  });

  it('defaults a health check portIndex to 0 when the app declares ports', () => {
    const a = app({ id: '/hc', cmd: 'serve', portDefinitions: [{ port: 0 }], healthChecks: [{ path: '/health' }] });
    assert.deepEqual(
      a.healthChecks,
      [{ protocol: 'HTTP', path: '/health', portIndex: 0, gracePeriodSeconds: 300, intervalSeconds: 60, timeoutSeconds: 20, maxConsecutiveFailures: 3, delaySeconds: 15, ignoreHttp1xx: false, ipProtocol: 'IPv4' }],
      'HTTP check with defaults',
    );
    const cmd = app({ id: '/hc2', cmd: 'serve', healthChecks: [{ protocol: 'COMMAND', command: { value: 'true' }, delaySeconds: 5 }] });
    assert.equal(cmd.healthChecks[0]?.portIndex, undefined, 'command checks get no port index');
    assert.equal(cmd.healthChecks[0]?.delaySeconds, 5, 'command checks keep their delay');
  });

  it('fills readiness check defaults', () => {
    const a = app({ id: '/r', cmd: 'serve', portDefinitions: [{ port: 0, name: 'http-api' }], readinessChecks: [{}] });
    assert.deepEqual(
      a.readinessChecks,
      [{ name: 'readinessCheck', protocol: 'HTTP', path: '/', portName: 'http-api', intervalSeconds: 30, timeoutSeconds: 10, httpStatusCodesForReady: [200], preserveLastResponse: false }],
      'readiness defaults',
    );
  });

  it('resolves relative ids and dependencies against the parent group', () => {
    const result = normalizeApp({ id: 'web', cmd: 'serve', dependencies: ['../db', 'cache'] }, { now: NOW, parentId: '/prod' });
    assert.ok(result.ok, 'valid');
    assert.equal(result.value.id, '/prod/web', 'id under the parent');
    assert.deepEqual(result.value.dependencies, ['/db', '/prod/cache'], 'dependencies resolved against the parent');
  });

  it('normalises slashes and .. in ids', () => {
    assert.equal(app({ id: '//a//b/', cmd: 'xx' }).id, '/a/b', 'repeated and trailing slashes dropped');
    assert.equal(app({ id: '/a/b/../c', cmd: 'xx' }).id, '/a/c', 'parent segments resolved');
  });

  it('treats explicit nulls as absent fields', () => {
    const a = app({ id: '/n', cmd: 'xx', instances: null, container: null, labels: null });
    assert.equal(a.instances, 1, 'null instances defaults');
    assert.equal(a.container, undefined, 'null container is no container');
  });

  it('makes resident apps for persistent volumes', () => {
    const body = {
      id: '/db',
      cmd: 'run',
      container: { type: 'MESOS', volumes: [{ containerPath: 'data', persistent: { size: 10 }, mode: 'RW' }] },
      acceptedResourceRoles: ['*'],
      upgradeStrategy: { minimumHealthCapacity: 0, maximumOverCapacity: 0 },
    };
    const unreserved = normalizeApp(body, { now: NOW });
    assert.ok(!unreserved.ok, 'a resident app may not use the role *');
    assert.deepEqual(unreserved.rejection.body, { message: 'Object is not valid', details: [{ path: '/role', errors: ['Resident apps cannot have the role *'] }] }, 'Marathon words it so');
    const result = normalizeApp(body, { now: NOW, defaultRole: 'db' });
    assert.ok(result.ok, `resident app with a role is valid: ${JSON.stringify(result)}`);
    const a = result.value;
    assert.equal(a.unreachableStrategy, 'disabled', 'resident apps default to a disabled unreachable strategy');
    assert.deepEqual(a.residency, { relaunchEscalationTimeoutSeconds: 3600, taskLostBehavior: 'WAIT_FOREVER' }, 'residency defaults');
  });

  it('prints apps with Marathon field order and omits empty omitEmpty fields', () => {
    const json = appJson(app({ id: '/p', cmd: 'xx' }));
    assert.deepEqual(
      Object.keys(json),
      ['id', 'backoffFactor', 'backoffSeconds', 'cmd', 'cpus', 'disk', 'executor', 'instances', 'labels', 'maxLaunchDelaySeconds', 'mem', 'gpus', 'networks', 'portDefinitions', 'requirePorts', 'upgradeStrategy', 'version', 'versionInfo', 'killSelection', 'unreachableStrategy', 'role'],
      'field order and omissions',
    );
    assert.deepEqual(json.portDefinitions, [{ port: 0, name: 'default', protocol: 'tcp' }], 'empty port labels omitted');
  });
});
