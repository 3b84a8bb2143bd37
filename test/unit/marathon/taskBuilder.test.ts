import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRng } from '../../../core/common/rng.js';
import { matchOffer } from '../../../core/marathon/offerMatcher.js';
import { buildTaskInfo, portAssignments } from '../../../core/marathon/taskBuilder.js';
import type { AppDefinition } from '../../../core/protocol/marathon/appDefinition.js';
import type { Offer } from '../../../core/protocol/mesos/v1.js';
import { app, offer, ports, scalar } from './fixtures.js';

function build(a: AppDefinition, o: Offer = offer('agent1.example.com')) {
  const m = matchOffer(a, o, { instances: [], rng: new SeededRng(3) });
  assert.ok(m.matched, `offer must match: ${JSON.stringify(m)}`);
  return { task: buildTaskInfo({ app: a, taskId: 'prod_web.instance-x._app.1', offer: o, resources: m.resources, hostPorts: m.hostPorts, rng: new SeededRng(4) }), hostPorts: m.hostPorts };
}

function envOf(task: ReturnType<typeof buildTaskInfo>): Record<string, string> {
  const vars = (task.command ?? task.executor?.command)?.environment?.variables ?? [];
  return Object.fromEntries(vars.map((v) => [v.name, v.value ?? '']));
}

describe('buildTaskInfo', () => {
  it('names the task after the reversed path and runs cmd with the command executor', () => {
    const a = app({ id: '/prod/web', cmd: 'python -m http.server $PORT0', labels: { team: 'web' }, portDefinitions: [{ port: 0, name: 'http' }], taskKillGracePeriodSeconds: 5 });
    const { task, hostPorts } = build(a);
    assert.equal(task.name, 'web.prod', 'reversed path');
    assert.deepEqual(task.task_id, { value: 'prod_web.instance-x._app.1' }, 'task id');
    assert.deepEqual(task.agent_id, { value: 'agent-agent1.example.com' }, 'agent from the offer');
    assert.equal(task.command?.value, 'python -m http.server $PORT0', 'cmd');
    assert.equal(task.command?.shell, undefined, 'shell left at its default (true)');
    assert.equal(task.container, undefined, 'no container for a plain command app');
    assert.deepEqual(task.labels, { labels: [{ key: 'team', value: 'web' }] }, 'labels');
    assert.deepEqual(task.kill_policy, { grace_period: { nanoseconds: 5_000_000_000 } }, 'kill policy');
    assert.deepEqual(
      task.discovery,
      { visibility: 'FRAMEWORK', name: 'web.prod', ports: { ports: [{ number: hostPorts[0], name: 'http', protocol: 'tcp' }] } },
      'discovery info with the port name',
    );
    const env = envOf(task);
    assert.equal(env.PORT0, String(hostPorts[0]), 'PORT0 is the host port');
    assert.equal(env.PORT_HTTP, String(hostPorts[0]), 'PORT_HTTP');
    assert.equal(env.HOST, 'agent1.example.com', 'HOST');
    assert.equal(env.MESOS_TASK_ID, 'prod_web.instance-x._app.1', 'MESOS_TASK_ID');
  });

  it('passes args without a shell', () => {
    const { task } = build(app({ id: '/a', args: ['/bin/echo', 'hi'] }));
    assert.deepEqual({ shell: task.command?.shell, value: task.command?.value, arguments: task.command?.arguments }, { shell: false, value: '/bin/echo', arguments: ['/bin/echo', 'hi'] }, 'argv');
  });

  it('builds a Docker BRIDGE container with bound port mappings (the seed mysql app)', () => {
    const mysql = app({
      id: 'mysql',
      cpus: 0.5,
      mem: 64,
      container: { type: 'DOCKER', docker: { image: 'ppc64le/mysql', network: 'BRIDGE', portMappings: [{ containerPort: 3306, hostPort: 0, servicePort: 0, protocol: 'tcp' }] } },
      env: { MYSQL_ROOT_PASSWORD: 'password' },
    });
    const { task, hostPorts } = build(mysql);
    const host = hostPorts[0] as number;
    assert.deepEqual(
      task.container,
      {
        type: 'DOCKER',
        docker: {
          image: 'ppc64le/mysql',
          network: 'BRIDGE',
          port_mappings: [{ host_port: host, container_port: 3306, protocol: 'tcp' }],
          privileged: false,
          parameters: [{ key: 'label', value: 'MESOS_TASK_ID=prod_web.instance-x._app.1' }],
          force_pull_image: false,
        },
      },
      'Docker container info',
    );
    assert.equal(task.command?.shell, false, 'no cmd: shell false, the image entrypoint runs');
    const env = envOf(task);
    assert.equal(env.PORT0, String(host), 'PORT0 is the host port');
    assert.equal(env.PORT_3306, String(host), 'PORT_<containerPort>');
    assert.equal(env.MARATHON_APP_DOCKER_IMAGE, 'ppc64le/mysql', 'image variable');
    assert.equal(env.MYSQL_ROOT_PASSWORD, 'password', 'user env');
    assert.deepEqual(
      (task.discovery as { ports: { ports: unknown[] } }).ports.ports,
      [{ number: host, protocol: 'tcp', labels: { labels: [{ key: 'network-scope', value: 'host' }] } }],
      'bridge ports are discovered on the host',
    );
  });

  it('uses the host port inside the container when containerPort is 0', () => {
    const a = app({ id: '/z', container: { type: 'DOCKER', docker: { image: 'x' }, portMappings: [{ containerPort: 0, hostPort: 0 }] }, networks: [{ mode: 'container/bridge' }] });
    const { task, hostPorts } = build(a);
    const mapping = (task.container?.docker as { port_mappings: Array<{ host_port: number; container_port: number }> }).port_mappings[0];
    assert.equal(mapping?.container_port, hostPorts[0], 'container port = host port');
    assert.equal(portAssignments(a, hostPorts)[0]?.containerPort, hostPorts[0], 'assignment agrees');
  });

  it('builds a Mesos container with a Docker image on the Mesos bridge', () => {
    const a = app({ id: '/m', container: { type: 'MESOS', docker: { image: 'alpine', forcePullImage: true }, portMappings: [{ containerPort: 80, hostPort: 0 }] }, networks: [{ mode: 'container/bridge' }], cmd: 'httpd' });
    const { task, hostPorts } = build(a);
    assert.deepEqual(task.container?.mesos, { image: { type: 'DOCKER', docker: { name: 'alpine' }, cached: false } }, 'image');
    assert.deepEqual(task.container?.network_infos, [{ ip_addresses: [{}], labels: { labels: [] }, name: 'mesos-bridge', port_mappings: [{ host_port: hostPorts[0], container_port: 80, protocol: 'tcp' }] }], 'CNI bridge network');
  });

  it('passes one Mesos health check with its port resolved', () => {
    const a = app({
      id: '/h',
      cmd: 'serve',
      portDefinitions: [{ port: 0 }],
      healthChecks: [
        { protocol: 'HTTP', path: '/marathon-run' },
        { protocol: 'MESOS_HTTP', path: '/health', portIndex: 0, intervalSeconds: 10 },
      ],
    });
    const { task, hostPorts } = build(a);
    assert.deepEqual(
      task.health_check,
      { type: 'HTTP', interval_seconds: 10, timeout_seconds: 20, consecutive_failures: 3, grace_period_seconds: 300, delay_seconds: 15, http: { scheme: 'http', port: hostPorts[0], path: '/health', protocol: 'IPv4' } },
      'Mesos HTTP check; Marathon-run HTTP checks are not passed down',
    );
    const cmd = build(app({ id: '/c', cmd: 'serve', healthChecks: [{ protocol: 'COMMAND', command: { value: 'curl -f localhost' } }] }));
    assert.equal((cmd.task.health_check as { type: string }).type, 'COMMAND', 'command check');
  });

  it('runs a custom executor through ExecutorInfo', () => {
    const a = app({ id: '/x', cmd: 'run.sh', executor: '/opt/exec', executorResources: { cpus: 0.2 } });
    const { task } = build(a, offer('h', { resources: [scalar('cpus', 2), scalar('mem', 1024), ports([[31000, 31010]])] }));
    assert.equal(task.command, undefined, 'no task command');
    assert.deepEqual(task.executor?.executor_id, { value: 'marathon-prod_web.instance-x._app.1' }, 'legacy executor id');
    assert.equal(task.executor?.command?.value, "chmod ug+rx '/opt/exec' && exec '/opt/exec' run.sh", 'executor command');
  });
});
