// The master's and agent's HTTP surface, checked field by field against what Mesos emits: a master and
// an agent composed in this process (real HTTP on loopback, real task processes).
import assert from 'node:assert/strict';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Resources } from '../../core/common/resources.js';
import { createAgent, type RunningAgent } from '../../core/runtime/createAgent.js';
import { createMaster, type RunningMaster } from '../../core/runtime/createMaster.js';
import type { Logger } from '../../core/runtime/logger.js';
import { OperatorStream } from '../harness/operatorStream.js';
import { assertNothingRunning, tempDir } from '../harness/plateauProcess.js';
import { getJson, post, SchedulerClient, waitFor } from '../harness/schedulerClient.js';

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const dir = tempDir('api');
let m: RunningMaster;
let agent: RunningAgent;

const operator = (type: string, extra: Record<string, unknown> = {}) => post(`${m.url}/api/v1`, JSON.stringify({ type, ...extra })).then((r) => ({ ...r, json: r.status === 200 && r.body ? JSON.parse(r.body) : undefined }));

/** sse collects Server-Sent Events from `url` until closed. */
function sse(url: string): { events: Array<{ event: string; data: any }>; close: () => void } {
  const events: Array<{ event: string; data: any }> = [];
  let buf = '';
  const req = http.get(url, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    });
  });
  req.on('error', () => undefined);
  return { events, close: () => req.destroy() };
}

describe('master and agent HTTP APIs', { timeout: 120_000 }, () => {
  before(async () => {
    m = await createMaster({ ip: '127.0.0.1', port: 0, hostname: 'localhost', registry: 'in_memory', work_dir: '', allocation_interval: 100, cluster: 'api-test' }, { log: quiet });
    agent = await createAgent(
      {
        master: m.url,
        ip: '127.0.0.1',
        port: 0,
        hostname: 'api-agent',
        work_dir: join(dir.path, 'agent'),
        resources: Resources.parse('cpus:2;mem:1024;disk:512;ports:[34000-34010];gpus:0'),
        attributes: [{ name: 'rack', type: 'TEXT', text: { value: 'r1' } }],
        gc_delay: 60_000,
        registration_backoff_factor: 100,
        containerizers: 'mesos',
        flags: { work_dir: join(dir.path, 'agent') },
      },
      { log: quiet },
    );
    await waitFor(() => m.master.agents.size === 1, 10_000, 'agent registered');
  });

  after(async () => {
    await agent?.destroy();
    await m?.dispose();
    dir.remove();
  });

  after(async () => {
    await assertNothingRunning();
  });

  it('serves /master/state in Mesos shape', async () => {
    const state = await getJson(`${m.url}/master/state`);
    for (const key of ['version', 'build_date', 'build_time', 'build_user', 'start_time', 'elected_time', 'id', 'pid', 'hostname', 'activated_slaves', 'deactivated_slaves', 'unreachable_slaves', 'leader', 'leader_info', 'flags', 'slaves', 'frameworks', 'completed_frameworks', 'orphan_tasks', 'unregistered_frameworks']) {
      assert.ok(key in state, `missing ${key}`);
    }
    assert.equal(state.cluster, 'api-test');
    assert.equal(state.leader, state.pid);
    assert.match(state.pid, /^master@127\.0\.0\.1:\d+$/);
    assert.equal(state.activated_slaves, 1);
    const slave = state.slaves[0];
    assert.deepEqual(slave.resources, { cpus: 2, gpus: 0, mem: 1024, disk: 512, ports: '[34000-34010]' });
    assert.deepEqual(slave.attributes, { rack: 'r1' });
    assert.equal(slave.hostname, 'api-agent');
    assert.match(slave.pid, /^slave\(1\)@127\.0\.0\.1:\d+$/);
    assert.equal(typeof state.flags.allocation_interval, 'string');
    assert.equal(state.flags.allocation_interval, '100ms');
    const same = await getJson(`${m.url}/state.json`);
    assert.equal(same.id, state.id);
  });

  it('serves the other legacy endpoints, JSONP, health, redirect, version and metrics', async () => {
    const summary = await getJson(`${m.url}/master/state-summary`);
    assert.equal(summary.slaves[0].TASK_RUNNING, 0);
    assert.deepEqual(summary.slaves[0].framework_ids, []);
    const slaves = await getJson(`${m.url}/master/slaves`);
    assert.ok(Array.isArray(slaves.slaves[0].unreserved_resources_full));
    assert.deepEqual((await getJson(`${m.url}/master/tasks`)).tasks, []);
    const flags = await getJson(`${m.url}/master/flags`);
    assert.equal(flags.flags.registry, 'in_memory');
    const jsonp = await (await fetch(`${m.url}/master/state-summary?jsonp=cb`)).text();
    assert.match(jsonp, /^cb\(\{.*\}\)$/s);
    assert.equal((await fetch(`${m.url}/master/health`)).status, 200);
    const redirect = await fetch(`${m.url}/master/redirect`, { redirect: 'manual' });
    assert.equal(redirect.status, 307);
    assert.equal(redirect.headers.get('location'), `//localhost:${m.port}`);
    const version = await getJson(`${m.url}/version`);
    assert.equal(version.version, '1.11.0');
    const metrics = await getJson(`${m.url}/metrics/snapshot`);
    assert.equal(metrics['master/elected'], 1);
    assert.equal(metrics['master/slaves_active'], 1);
    assert.equal(metrics['master/cpus_total'], 2);
    assert.equal(typeof metrics['system/mem_total_bytes'], 'number');
  });

  it('answers the v1 operator calls', async () => {
    assert.deepEqual((await operator('GET_HEALTH')).json, { type: 'GET_HEALTH', get_health: { healthy: true } });
    const version = (await operator('GET_VERSION')).json;
    assert.equal(version.get_version.version_info.version, '1.11.0');
    const flags = (await operator('GET_FLAGS')).json;
    assert.ok(flags.get_flags.flags.some((f: any) => f.name === 'allocation_interval' && f.value === '100ms'));
    const agents = (await operator('GET_AGENTS')).json.get_agents.agents;
    assert.equal(agents[0].agent_info.hostname, 'api-agent');
    assert.equal(agents[0].agent_info.id.value, [...m.master.agents.keys()][0]);
    assert.equal(agents[0].active, true);
    const masterInfo = (await operator('GET_MASTER')).json.get_master.master_info;
    assert.equal(masterInfo.address.port, m.port);
    assert.equal(masterInfo.ip, 16777343); // 127.0.0.1 as Mesos packs it
    const state = (await operator('GET_STATE')).json.get_state;
    assert.ok(state.get_agents && state.get_frameworks && state.get_tasks);
    const bad = await post(`${m.url}/api/v1`, JSON.stringify({ type: 'NO_SUCH_CALL' }));
    assert.equal(bad.status, 501);
    const noType = await post(`${m.url}/api/v1`, JSON.stringify({}));
    assert.equal(noType.status, 400);
  });

  it('updates weights and quota through the registry and reports them in GET_ROLES', async () => {
    assert.equal((await operator('UPDATE_WEIGHTS', { update_weights: { weight_infos: [{ role: 'eng', weight: 2.5 }] } })).status, 200);
    assert.equal((await operator('UPDATE_QUOTA', { update_quota: { quota_configs: [{ role: 'eng', guarantees: { cpus: { value: 1 } }, limits: { cpus: { value: 2 } } }] } })).status, 200);
    const weights = (await operator('GET_WEIGHTS')).json.get_weights.weight_infos;
    assert.deepEqual(weights, [{ role: 'eng', weight: 2.5 }]);
    const roles = (await operator('GET_ROLES')).json.get_roles.roles;
    const eng = roles.find((r: any) => r.name === 'eng');
    assert.equal(eng.weight, 2.5);
    assert.deepEqual(eng.quota.guarantees, { cpus: { value: 1 } });
    const quota = (await operator('GET_QUOTA')).json.get_quota.status.configs;
    assert.deepEqual(quota, [{ role: 'eng', guarantees: { cpus: { value: 1 } }, limits: { cpus: { value: 2 } } }]);
    const badWeight = await operator('UPDATE_WEIGHTS', { update_weights: { weight_infos: [{ role: 'eng', weight: -1 }] } });
    assert.equal(badWeight.status, 400);
    assert.equal((await operator('UPDATE_QUOTA', { update_quota: { quota_configs: [{ role: 'eng' }] } })).status, 200);
  });

  it('streams operator events and the offers extension, honours DECLINE filters, SUPPRESS and REVIVE', async () => {
    const ops = new OperatorStream(m.url);
    const subscribed = await ops.open();
    assert.equal(subscribed.subscribed.get_state.get_agents.agents.length, 1);
    const offers = sse(`${m.url}/plateau/v1/offers`);
    const fw = new SchedulerClient(m.url);
    await fw.subscribe({ user: 'root', name: 'api-fw', roles: ['*'], capabilities: [{ type: 'MULTI_ROLE' }] });
    fw.acknowledgeUpdates();
    const first = await fw.next((e) => e.type === 'OFFERS');
    const offer = first.offers.offers[0];
    assert.deepEqual(offer.allocation_info, { role: '*' });
    assert.ok(offer.resources.every((r: any) => r.allocation_info?.role === '*'));
    assert.equal(offer.attributes[0].name, 'rack');
    await waitFor(() => ops.events.some((e) => e.type === 'FRAMEWORK_ADDED' && e.framework_added.framework.framework_info.name === 'api-fw'), 5_000, 'FRAMEWORK_ADDED');

    // Decline with a 1 s filter: no offer for that agent within the filter, one after it.
    const declinedAt = Date.now();
    const mark = fw.events.length;
    assert.equal((await fw.call({ type: 'DECLINE', decline: { offer_ids: [offer.id], filters: { refuse_seconds: 1 } } })).status, 202);
    const again = await fw.next((e) => e.type === 'OFFERS', 5_000, mark);
    assert.ok(Date.now() - declinedAt >= 900, `re-offered after ${Date.now() - declinedAt} ms`);
    await waitFor(() => offers.events.some((e) => e.event === 'offer_declined' && e.data.refuseSeconds === 1), 5_000, 'offer_declined event');
    assert.ok(offers.events.some((e) => e.event === 'offer_made' && e.data.offer.id.value === offer.id.value));

    // SUPPRESS stops offers; REVIVE brings them back at once.
    await fw.call({ type: 'SUPPRESS', suppress: {} });
    const suppressedAt = fw.events.length;
    await fw.call({ type: 'DECLINE', decline: { offer_ids: [again.offers.offers[0].id], filters: { refuse_seconds: 0 } } });
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(fw.events.slice(suppressedAt).filter((e) => e.type === 'OFFERS').length, 0);
    await fw.call({ type: 'REVIVE', revive: {} });
    const revived = await fw.next((e) => e.type === 'OFFERS', 5_000, suppressedAt);

    // Launch a task and watch TASK_ADDED / TASK_UPDATED on the operator stream.
    const task = {
      name: 'op-task',
      task_id: { value: 'op-task' },
      agent_id: revived.offers.offers[0].agent_id,
      resources: [
        { name: 'cpus', type: 'SCALAR', scalar: { value: 0.5 }, allocation_info: { role: '*' } },
        { name: 'mem', type: 'SCALAR', scalar: { value: 64 }, allocation_info: { role: '*' } },
      ],
      command: { value: 'sleep 30' },
    };
    await fw.call({ type: 'ACCEPT', accept: { offer_ids: [revived.offers.offers[0].id], operations: [{ type: 'LAUNCH', launch: { task_infos: [task] } }] } });
    await fw.next((e) => e.type === 'UPDATE' && e.update.status.state === 'TASK_RUNNING');
    await waitFor(() => ops.events.some((e) => e.type === 'TASK_UPDATED' && e.task_updated.state === 'TASK_RUNNING'), 5_000, 'TASK_UPDATED');
    assert.ok(ops.events.some((e) => e.type === 'TASK_ADDED' && e.task_added.task.state === 'TASK_STAGING'));
    await waitFor(() => offers.events.some((e) => e.event === 'offer_accepted' && e.data.launched[0]?.taskId === 'op-task'), 5_000, 'offer_accepted event');

    // The agent's own APIs see the container.
    const containers = await post(`${agent.url}/api/v1`, JSON.stringify({ type: 'GET_CONTAINERS' }));
    const list = JSON.parse(containers.body).get_containers.containers;
    assert.equal(list.length, 1);
    assert.equal(list[0].executor_id.value, 'op-task');
    assert.ok(list[0].resource_statistics.timestamp > 0);
    const stats = await getJson(`${agent.url}/monitor/statistics`);
    assert.equal(stats[0].executor_id, 'op-task');
    assert.equal(stats[0].plateau_container_view, undefined, 'the posix containerizer keeps no container view');
    const viewList = (await getJson(`${agent.url}/plateau/v1/containers`)).containers;
    assert.equal(viewList.length, 1, 'the container view extension lists the container');
    assert.equal(viewList[0].task_id, 'op-task', 'listed with its task id');
    assert.equal(viewList[0].container_id, list[0].container_id.value, 'listed with the container id GET_CONTAINERS gives');
    assert.equal(viewList[0].view, undefined, 'no view without cgroups');
    const posixSamples = await getJson(`${agent.url}/plateau/v1/containers/${viewList[0].container_id}/samples`);
    assert.deepEqual(posixSamples.samples, [], 'no samples without cgroups');
    assert.equal((await fetch(`${agent.url}/plateau/v1/containers/nope/samples`)).status, 404, 'unknown container is 404');
    assert.equal(typeof stats[0].statistics.mem_rss_bytes, 'number');
    const agentState = await getJson(`${agent.url}/slave(1)/state`);
    const executor = agentState.frameworks[0].executors[0];
    assert.equal(executor.tasks[0].state, 'TASK_RUNNING');
    assert.ok(executor.directory.includes('/runs/'));
    const health = await post(`${agent.url}/api/v1`, JSON.stringify({ type: 'GET_HEALTH' }));
    assert.deepEqual(JSON.parse(health.body), { type: 'GET_HEALTH', get_health: { healthy: true } });
    const getState = JSON.parse((await post(`${agent.url}/api/v1`, JSON.stringify({ type: 'GET_STATE' }))).body).get_state;
    assert.equal(getState.get_tasks.launched_tasks[0].task_id.value, 'op-task');
    const stdout = await getJson(`${agent.url}/files/read?path=${encodeURIComponent(`${executor.directory}/stdout`)}&offset=-1`);
    assert.equal(typeof stdout.offset, 'number');
    const escape = await fetch(`${agent.url}/files/read?path=${encodeURIComponent(`${executor.directory}/../../../../../../../../etc/passwd`)}&offset=0`);
    assert.notEqual(escape.status, 200, 'paths outside the sandboxes are refused');
    const outside = await fetch(`${agent.url}/files/browse?path=${encodeURIComponent('/etc')}`);
    assert.equal(outside.status, 404, '/etc is not exposed');

    // failover_timeout 0: dropping the subscription removes the framework and kills its task.
    fw.close();
    await waitFor(() => ops.events.some((e) => e.type === 'FRAMEWORK_REMOVED'), 10_000, 'FRAMEWORK_REMOVED');
    await waitFor(async () => (await getJson(`${agent.url}/state`)).frameworks.length === 0, 10_000, 'task killed on the agent');
    ops.close();
    offers.close();
  });

  it('runs a LAUNCH_GROUP of two tasks under a DEFAULT executor and SHUTDOWN of that executor kills both', async () => {
    const fw = new SchedulerClient(m.url);
    try {
      await fw.subscribe({ user: 'root', name: 'group-fw', roles: ['*'], capabilities: [{ type: 'MULTI_ROLE' }] });
      fw.acknowledgeUpdates();
      const offered = await fw.next((e) => e.type === 'OFFERS', 10_000);
      const offer = offered.offers.offers[0];
      const scalar = (name: string, value: number) => ({ name, type: 'SCALAR', scalar: { value }, allocation_info: { role: '*' } });
      const executor = {
        executor_id: { value: 'group-executor' },
        framework_id: { value: fw.frameworkId },
        type: 'DEFAULT',
        resources: [scalar('cpus', 0.1), scalar('mem', 32)],
      };
      const groupTask = (id: string) => ({ name: id, task_id: { value: id }, agent_id: offer.agent_id, resources: [scalar('cpus', 0.2), scalar('mem', 32)], command: { value: 'sleep 60' } });
      const accepted = await fw.call({
        type: 'ACCEPT',
        accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH_GROUP', launch_group: { executor, task_group: { tasks: [groupTask('group-a'), groupTask('group-b')] } } }], filters: { refuse_seconds: 0 } },
      });
      assert.equal(accepted.status, 202, `ACCEPT answered ${accepted.status}: ${accepted.body}`);
      const update = (id: string, state: string) => fw.next((e) => e.type === 'UPDATE' && e.update.status.task_id.value === id && e.update.status.state === state, 15_000);
      for (const id of ['group-a', 'group-b']) {
        const running = await update(id, 'TASK_RUNNING');
        assert.equal(running.update.status.executor_id?.value, 'group-executor', `${id} runs under the group's executor`);
      }
      const tasks = (await getJson(`${m.url}/master/tasks`)).tasks.filter((t: any) => t.id.startsWith('group-'));
      assert.deepEqual(tasks.map((t: any) => t.state).sort(), ['TASK_RUNNING', 'TASK_RUNNING'], `both group tasks running on the master: ${JSON.stringify(tasks)}`);
      assert.ok(tasks.every((t: any) => t.executor_id === 'group-executor'), `the master records the executor: ${JSON.stringify(tasks.map((t: any) => t.executor_id))}`);

      const shutdown = await fw.call({ type: 'SHUTDOWN', shutdown: { executor_id: executor.executor_id, agent_id: offer.agent_id } });
      assert.equal(shutdown.status, 202, `SHUTDOWN answered ${shutdown.status}: ${shutdown.body}`);
      for (const id of ['group-a', 'group-b']) await update(id, 'TASK_KILLED');
      await waitFor(async () => (await getJson(`${m.url}/master/tasks`)).tasks.filter((t: any) => t.id.startsWith('group-') && t.state !== 'TASK_KILLED').length === 0, 10_000, 'both group tasks killed on the master');
    } finally {
      fw.close();
    }
    await waitFor(async () => (await getJson(`${agent.url}/state`)).frameworks.length === 0, 10_000, 'the group framework gone from the agent');
  });
});
