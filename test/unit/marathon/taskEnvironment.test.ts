import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRng } from '../../../core/common/rng.js';
import { javaDoubleString, labelsEnv, portsEnv, taskEnvironment } from '../../../core/marathon/taskEnvironment.js';
import { app } from './fixtures.js';

const rng = () => new SeededRng(1);

describe('task environment', () => {
  it('sets PORT0..n, PORT, PORTS and PORT_<port> for dynamic host ports', () => {
    assert.deepEqual(
      portsEnv([{ port: 0 }, { port: 0 }], [31001, 31002], rng()),
      { PORT0: '31001', PORT1: '31002', PORT_31001: '31001', PORT_31002: '31002', PORT: '31001', PORTS: '31001,31002' },
      'dynamic ports',
    );
  });

  it('keys PORT_<n> by the requested port and adds PORT_<NAME> for named ports', () => {
    assert.deepEqual(
      portsEnv([{ name: 'http', port: 10000 }, { name: 'admin', port: 0 }], [31005, 31006], rng()),
      { PORT0: '31005', PORT1: '31006', PORT_10000: '31005', PORT_31006: '31006', PORT_HTTP: '31005', PORT_ADMIN: '31006', PORT: '31005', PORTS: '31005,31006' },
      'requested and named ports',
    );
  });

  it('uses the container port when a mapping asks for no host port, and draws one above 1024 for container port 0', () => {
    const env = portsEnv([{ name: 'web', port: 8080 }, { port: 0 }], [undefined, undefined], rng());
    assert.equal(env.PORT0, '8080', 'declared container port');
    assert.equal(env.PORT_8080, '8080', 'PORT_<containerPort>');
    assert.equal(env.PORT_WEB, '8080', 'named');
    const generated = Number(env.PORT1);
    assert.ok(generated >= 1025 && generated <= 65535 && generated !== 8080, `random container port ${generated}`);
    assert.equal(env[`PORT_${generated}`], String(generated), 'PORT_<generated>');
    assert.equal(env.PORTS, String(generated), 'PORTS lists only assigned ports');
    assert.deepEqual(portsEnv([], [], rng()), {}, 'no ports, no variables');
  });

  it('sanitises label names and drops labels over the length limits', () => {
    const env = labelsEnv({ 'com.example/tier': 'front', ok_Name: 'v', ['x'.repeat(493)]: 'too long name', long: 'v'.repeat(512) });
    assert.deepEqual(env, { MARATHON_APP_LABELS: 'COM_EXAMPLE_TIER OK_NAME', MARATHON_APP_LABEL_COM_EXAMPLE_TIER: 'front', MARATHON_APP_LABEL_OK_NAME: 'v' }, 'labels');
    const edge = labelsEnv({ ['y'.repeat(492)]: 'v'.repeat(511) });
    assert.equal(Object.keys(edge).length, 2, 'a 492-character name and a 511-character value still fit');
  });

  it('formats resources as Java doubles', () => {
    assert.deepEqual([1, 0.5, 128, 0, 1e7, 0.0001, 2.25].map(javaDoubleString), ['1.0', '0.5', '128.0', '0.0', '1.0E7', '1.0E-4', '2.25'], 'Double.toString');
  });

  it('builds the whole environment with user env last and the prefix on ports and HOST', () => {
    const a = app({
      id: '/prod/web',
      cmd: 'serve',
      cpus: 0.25,
      mem: 64,
      labels: { team: 'web' },
      portDefinitions: [{ port: 0, name: 'http' }],
      env: { PORT0: 'mine', EXTRA: 'x' },
    });
    const env = taskEnvironment({ app: a, taskId: 'prod_web.instance-1._app.1', host: 'agent1.example.com', hostPorts: [31500], rng: rng(), envPrefix: 'MY_' });
    assert.equal(env.MESOS_TASK_ID, 'prod_web.instance-1._app.1', 'task id');
    assert.equal(env.MARATHON_APP_ID, '/prod/web', 'app id');
    assert.equal(env.MARATHON_APP_VERSION, a.version, 'app version');
    assert.equal(env.MARATHON_APP_RESOURCE_CPUS, '0.25', 'cpus');
    assert.equal(env.MARATHON_APP_RESOURCE_MEM, '64.0', 'mem');
    assert.equal(env.MARATHON_APP_RESOURCE_DISK, '0.0', 'disk');
    assert.equal(env.MARATHON_APP_RESOURCE_GPUS, '0', 'gpus as an int');
    assert.equal(env.MARATHON_APP_LABEL_TEAM, 'web', 'label');
    assert.equal(env.MY_HOST, 'agent1.example.com', 'prefixed HOST');
    assert.equal(env.MY_PORT0, '31500', 'prefixed PORT0');
    assert.equal(env.MY_PORT_HTTP, '31500', 'prefixed PORT_HTTP');
    assert.equal(env.PORT0, 'mine', 'user env is set as given');
    assert.equal(env.EXTRA, 'x', 'user env');
    assert.equal(env.MARATHON_APP_DOCKER_IMAGE, undefined, 'no image for command apps');
  });

  it('lets user env override Marathon variables and names the Docker image', () => {
    const a = app({ id: '/d', container: { type: 'DOCKER', docker: { image: 'nginx:1' } }, env: { HOST: 'override' } });
    const env = taskEnvironment({ app: a, taskId: 't', host: 'h', hostPorts: [31000], rng: rng() });
    assert.equal(env.HOST, 'override', 'user env wins');
    assert.equal(env.MARATHON_APP_DOCKER_IMAGE, 'nginx:1', 'Docker image');
  });
});
