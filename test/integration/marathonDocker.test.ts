// The seed's Marathon apps (mysqlcontainer.json, flaskcontainer.json and sleep-cluster) on a real cluster: a master,
// two agents started with --containerizers=docker,mesos on the tests' dockerd, and Marathon over HTTP. The images of
// the seed (ppc64le/mysql, ppc64le/flaskapp) are replaced by the local `plateau/busybox:latest`, with busybox httpd
// as the server; everything else is posted as the seed has it: DOCKER, BRIDGE, portMappings with hostPort 0.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Resources } from '../../core/common/resources.js';
import { createAgent, type RunningAgent } from '../../core/runtime/createAgent.js';
import type { RunningMarathon } from '../../core/runtime/createMarathon.js';
import { startMarathon, stopCluster } from '../harness/marathonCluster.js';
import { createMaster, type RunningMaster } from '../../core/runtime/createMaster.js';
import { tempDir } from '../harness/plateauProcess.js';
import { waitFor } from '../harness/schedulerClient.js';
import { ensureTestDockerd, TEST_DOCKER_IMAGE, TEST_DOCKER_SOCKET } from '../harness/testDockerd.js';

const dockerd = await ensureTestDockerd();
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function api(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${url}${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'Content-type': 'application/json' } } : {}) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

// mysqlcontainer.json with the local image; busybox httpd on the MySQL port writes what the task saw.
const mysql = {
  id: 'mysql',
  cpus: 0.5,
  mem: 64.0,
  instances: 1,
  cmd: 'mkdir -p /www && echo "$HOST $PORT0 $MYSQL_USER $MYSQL_DB" > /www/env.txt && exec httpd -f -p 3306 -h /www',
  container: { type: 'DOCKER', docker: { image: TEST_DOCKER_IMAGE, network: 'BRIDGE', portMappings: [{ containerPort: 3306, hostPort: 0, servicePort: 0, protocol: 'tcp' }] } },
  env: { MYSQL_ROOT_PASSWORD: 'password', MYSQL_USER: 'test', MYSQL_PASSWORD: 'test', MYSQL_DB: 'BucketList' },
};

// flaskcontainer.json with the local image (busybox httpd on port 80 serving the image's page), placed on the
// host of mysql by a hostname CLUSTER constraint as the seed does (its Docker link is left out).
const flask = (host: string) => ({
  id: 'flaskappcontainer',
  cpus: 0.5,
  mem: 64.0,
  instances: 1,
  cmd: 'echo "$HOST $PORT0" > /var/www/env.txt && exec httpd -f -p 80 -h /var/www',
  container: { type: 'DOCKER', docker: { image: TEST_DOCKER_IMAGE, network: 'BRIDGE', portMappings: [{ containerPort: 80, hostPort: 0, servicePort: 0, protocol: 'tcp' }] } },
  constraints: [['hostname', 'CLUSTER', host]],
});

describe('the seed\'s Docker apps on Marathon (real master, agents with docker,mesos and dockerd)', { skip: dockerd.skip ?? false, timeout: 180_000 }, () => {
  const dir = tempDir('marathon-docker');
  let master: RunningMaster;
  const agents: RunningAgent[] = [];
  let marathon: RunningMarathon;
  const call = (method: string, path: string, body?: unknown) => api(marathon.url, method, path, body);
  const runningTasks = (id: string, n: number) =>
    waitFor(async () => {
      const tasks = (await call('GET', `/v2/apps${id}/tasks`)).json.tasks as any[];
      return tasks.length === n && tasks.every((t) => t.state === 'TASK_RUNNING') ? tasks : undefined;
    }, 60_000, `${n} running task(s) of ${id}`);
  const noDeployments = () => waitFor(async () => (await call('GET', '/v2/deployments')).json.length === 0, 60_000, 'deployments finished');

  before(async () => {
    master = await createMaster({ ip: '127.0.0.1', port: 0, hostname: '127.0.0.1', registry: 'in_memory', work_dir: '', allocation_interval: 100 }, { log: quiet });
    for (const [i, ip] of ['127.0.0.2', '127.0.0.3'].entries()) {
      agents.push(
        await createAgent(
          {
            master: master.url,
            ip,
            port: 0,
            hostname: ip,
            work_dir: join(dir.path, `agent-${i}`),
            resources: Resources.parse(`cpus:4;mem:2048;disk:1024;ports:[${38000 + i * 100}-${38099 + i * 100}]`),
            attributes: [{ name: 'rack', type: 'TEXT', text: { value: `r${i}` } }],
            gc_delay: 3_600_000,
            registration_backoff_factor: 100,
            containerizers: 'docker,mesos',
            docker_socket: TEST_DOCKER_SOCKET,
            docker_remove_delay: 0,
            flags: {},
          },
          { log: quiet },
        ),
      );
    }
    await waitFor(() => master.master.agents.size === 2, 10_000, 'agents registered');
    marathon = await startMarathon(master.url, dir.path);
  });

  after(async () => {
    await stopCluster({ marathon, agents, master, workDir: dir.path });
  });

  it('runs mysqlcontainer.json in Docker with BRIDGE networking: it answers on its host port with HOST and PORT0 right', async () => {
    const res = await call('POST', '/v2/apps', mysql);
    assert.equal(res.status, 201, JSON.stringify(res.json));
    const [task] = await runningTasks('/mysql', 1);
    assert.equal(task.ports.length, 1, 'one host port');
    assert.ok(task.ports[0] >= 38000 && task.ports[0] < 38200, `host port ${task.ports[0]} from the agents' ranges`);
    const env = await waitFor(async () => {
      const r = await fetch(`http://${task.host}:${task.ports[0]}/env.txt`).catch(() => undefined);
      return r?.ok ? r.text() : undefined;
    }, 20_000, 'mysql answers HTTP on its host port');
    assert.equal(env.trim(), `${task.host} ${task.ports[0]} test BucketList`, 'HOST, PORT0 (the host port) and the app env inside the container');
    const app = (await call('GET', '/v2/apps/mysql')).json.app;
    assert.equal(app.container.type, 'DOCKER');
    assert.equal(app.networks[0].mode, 'container/bridge');
    assert.equal(app.container.portMappings[0].containerPort, 3306);
    await noDeployments();
  });

  it('places flaskcontainer.json on mysql\'s host with a hostname CLUSTER constraint and serves its page', async () => {
    const [db] = await runningTasks('/mysql', 1);
    const res = await call('POST', '/v2/apps', flask(db.host));
    assert.equal(res.status, 201, JSON.stringify(res.json));
    const [web] = await runningTasks('/flaskappcontainer', 1);
    assert.equal(web.host, db.host, 'same host as mysql');
    const page = await waitFor(async () => {
      const r = await fetch(`http://${web.host}:${web.ports[0]}/`).catch(() => undefined);
      return r?.ok ? r.text() : undefined;
    }, 20_000, 'flask app answers HTTP on its host port');
    assert.equal(page.trim(), 'plateau busybox httpd', 'the image\'s page');
    const env = await (await fetch(`http://${web.host}:${web.ports[0]}/env.txt`)).text();
    assert.equal(env.trim(), `${web.host} ${web.ports[0]}`, 'HOST and PORT0');
    await noDeployments();
  });

  it('lands every sleep-cluster instance on the agent whose attribute matches the CLUSTER constraint', async () => {
    const res = await call('POST', '/v2/apps', { id: 'sleep-cluster', cmd: 'sleep 60', cpus: 0.1, mem: 16, instances: 3, constraints: [['rack', 'CLUSTER', 'r1']] });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    const tasks = await runningTasks('/sleep-cluster', 3);
    assert.deepEqual(tasks.map((t) => t.host), ['127.0.0.3', '127.0.0.3', '127.0.0.3'], 'all on rack r1');
    await noDeployments();
  });

  it('stops the Docker apps', async () => {
    for (const id of ['flaskappcontainer', 'mysql', 'sleep-cluster']) assert.equal((await call('DELETE', `/v2/apps/${id}`)).status, 200, `deleted ${id}`);
    await noDeployments();
    await waitFor(() => marathon.service.scheduler.instances.size === 0, 30_000, 'all instances gone');
  });
});
