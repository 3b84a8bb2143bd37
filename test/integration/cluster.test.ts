// A master and two agents as separate `plateau` processes on loopback, driven by a framework that
// speaks only the public v1 scheduler HTTP API. Real processes, real sockets, real task processes.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { killAll, processesMatching, startPlateau, tempDir, type PlateauProcess } from '../harness/plateauProcess.js';
import { getJson, post, SchedulerClient, waitFor } from '../harness/schedulerClient.js';
import { OperatorStream } from '../harness/operatorStream.js';

const MARKER = `${4000 + Math.floor(Math.random() * 999)}`; // unique `sleep` argument to find our task processes
const dir = tempDir('cluster');
let master: PlateauProcess;
let masterPort = 0;
const agents: Record<string, PlateauProcess> = {};
let framework: SchedulerClient;
const frameworkInfo = { user: 'root', name: 'plateau-test-framework', failover_timeout: 3600, checkpoint: true, capabilities: [{ type: 'MULTI_ROLE' }], roles: ['*'] };

const masterArgs = (port: number) => ['master', `--port=${port}`, `--work_dir=${join(dir.path, 'master')}`, '--allocation_interval=100ms', '--agent_ping_timeout=2secs', '--max_agent_ping_timeouts=3', '--quiet'];
const agentArgs = (name: string, base: number) => [
  'agent',
  `--master=${master.url}`,
  '--port=0',
  `--hostname=${name}`,
  `--work_dir=${join(dir.path, name)}`,
  `--resources=cpus:4;mem:2048;disk:1024;ports:[${base}-${base + 99}]`,
  `--attributes=rack:${name}`,
  '--registration_backoff_factor=100ms',
  '--quiet',
];

const usedOffers = new Set<string>();

/** sleeps lists this suite's long-running task processes themselves (not their shell wrappers). */
async function sleeps(): Promise<Array<{ pid: number; cmd: string }>> {
  return (await processesMatching(`sleep ${MARKER}`)).filter((p) => p.cmd === `sleep ${MARKER}`);
}

/** takeOffer finds an offer received at any time that is neither used nor rescinded, as a framework that holds offers would. */
async function takeOffer(client: SchedulerClient, pred: (offer: Record<string, any>) => boolean, timeoutMs = 15_000): Promise<Record<string, any>> {
  const find = () => {
    const rescinded = new Set(client.events.filter((e) => e.type === 'RESCIND').map((e) => e.rescind.offer_id.value as string));
    for (const e of client.events) {
      if (e.type !== 'OFFERS') continue;
      for (const o of e.offers.offers) if (!usedOffers.has(o.id.value) && !rescinded.has(o.id.value) && pred(o)) return o;
    }
    return undefined;
  };
  const offer = await waitFor(() => find(), timeoutMs, 'a matching offer');
  usedOffers.add(offer.id.value);
  return offer;
}

function taskInfo(id: string, agentId: string, cmd: string, cpus = 0.1, mem = 16): Record<string, unknown> {
  return {
    name: id,
    task_id: { value: id },
    agent_id: { value: agentId },
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: cpus }, allocation_info: { role: '*' } },
      { name: 'mem', type: 'SCALAR', scalar: { value: mem }, allocation_info: { role: '*' } },
    ],
    command: { shell: true, value: cmd },
  };
}

function scalar(offer: Record<string, any>, name: string): number {
  return offer.resources.filter((r: any) => r.name === name).reduce((s: number, r: any) => s + r.scalar.value, 0);
}

/** rawPost posts a body with no Content-Type at all (fetch would add text/plain). */
function rawPost(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('a master and two agents as separate processes', { timeout: 240_000 }, () => {
  before(async () => {
    master = await startPlateau(masterArgs(0));
    masterPort = Number(new URL(master.url).port);
    agents.a = await startPlateau(agentArgs('agent-a', 31000));
    agents.b = await startPlateau(agentArgs('agent-b', 32000));
    await waitFor(async () => (await getJson(`${master.url}/master/slaves`)).slaves.length === 2, 15_000, 'two agents registered');
  });

  after(async () => {
    framework?.close();
    await killAll();
    // Task processes outlive a killed agent by design; end any this suite left.
    for (const p of await sleeps()) process.kill(p.pid, 'SIGKILL');
    dir.remove();
  });

  it('runs 50 short tasks through STAGING, STARTING, RUNNING and FINISHED with acknowledgements', async () => {
    const operator = new OperatorStream(master.url);
    await operator.open();
    framework = new SchedulerClient(master.url);
    const subscribed = await framework.subscribe(frameworkInfo);
    assert.match(framework.streamId, /^[0-9a-f-]{36}$/);
    assert.equal(subscribed.subscribed.heartbeat_interval_seconds, 15);
    framework.acknowledgeUpdates();

    let launched = 0;
    const total = 50;
    let handled = 0;
    while (launched < total) {
      const offersEvent = await framework.next((e) => e.type === 'OFFERS', 15_000, handled);
      handled = framework.events.indexOf(offersEvent) + 1;
      for (const offer of offersEvent.offers.offers) {
        usedOffers.add(offer.id.value);
        const fit = Math.min(total - launched, Math.floor(scalar(offer, 'cpus') / 0.1 + 1e-9), Math.floor(scalar(offer, 'mem') / 16));
        const tasks = Array.from({ length: fit }, (_, i) => taskInfo(`short-${launched + i}`, offer.agent_id.value, 'echo "hello from $MESOS_TASK_ID"'));
        launched += fit;
        const res = await framework.call({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: tasks } }], filters: { refuse_seconds: 0 } } });
        assert.equal(res.status, 202, res.body);
      }
    }
    const states = new Map<string, string[]>();
    await waitFor(() => {
      states.clear();
      for (const e of framework.events) {
        if (e.type !== 'UPDATE') continue;
        const id = e.update.status.task_id.value as string;
        states.set(id, [...(states.get(id) ?? []), e.update.status.state]);
      }
      return [...states.values()].filter((s) => s.includes('TASK_FINISHED')).length === total;
    }, 60_000, 'all 50 tasks finished');
    for (let i = 0; i < total; i++) {
      assert.deepEqual(states.get(`short-${i}`), ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED'], `updates of short-${i}`);
      const added = operator.events.find((e) => e.type === 'TASK_ADDED' && e.task_added.task.task_id.value === `short-${i}`);
      assert.equal(added?.task_added.task.state, 'TASK_STAGING');
    }
    // Once acknowledged, terminal tasks move to completed_tasks.
    await waitFor(async () => {
      const state = await getJson(`${master.url}/master/state`);
      const fw = state.frameworks.find((f: any) => f.id === framework.frameworkId);
      return fw.completed_tasks.length === total && fw.tasks.length === 0;
    }, 15_000, 'tasks completed after acknowledgement');
    const out = await fetch(`${agents.a?.url}/files/browse?path=${encodeURIComponent('/')}`);
    assert.ok(out.status === 404 || out.status === 200);
    operator.close();
  });

  it('reports tasks of a killed agent lost, rescinds its offers, and takes it back on restart', async () => {
    const from = framework.events.length;
    const offerB = await takeOffer(framework, (o) => o.hostname === 'agent-b' && scalar(o, 'cpus') >= 0.1 && scalar(o, 'mem') >= 16);
    const agentId = offerB.agent_id.value;
    await framework.call({ type: 'ACCEPT', accept: { offer_ids: [offerB.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [taskInfo('long-b', agentId, `sleep ${MARKER}`)] } }], filters: { refuse_seconds: 0 } } });
    await framework.next((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'long-b' && e.update.status.state === 'TASK_RUNNING', 15_000, from);
    // Hold the next offer from agent-b so there is something outstanding to rescind.
    const heldId = (await takeOffer(framework, (o) => o.agent_id.value === agentId)).id.value;

    const killedAt = framework.events.length;
    await agents.b?.kill('SIGKILL');
    await framework.next((e) => e.type === 'RESCIND' && e.rescind.offer_id.value === heldId, 10_000, killedAt);
    const lost = await framework.next((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'long-b', 15_000, killedAt);
    assert.equal(lost.update.status.state, 'TASK_LOST');
    assert.equal(lost.update.status.reason, 'REASON_AGENT_REMOVED');
    await framework.next((e) => e.type === 'FAILURE' && e.failure.agent_id.value === agentId, 5_000, killedAt);
    assert.equal((await getJson(`${master.url}/metrics/snapshot`))['master/slaves_unreachable'], 1);

    agents.b = await startPlateau(agentArgs('agent-b', 32000));
    await waitFor(async () => (await getJson(`${master.url}/master/slaves`)).slaves.some((s: any) => s.id === agentId && s.active), 15_000, 'agent-b re-registered with its id');
    // The framework was told the task was lost, so the master has the agent kill it (non-partition-aware).
    await waitFor(async () => (await sleeps()).length === 0, 15_000, 'lost task killed after re-registration');
  });

  it('keeps agents, framework ids and running tasks across a master restart', async () => {
    const from = framework.events.length;
    const offerA = await takeOffer(framework, (o) => o.hostname === 'agent-a' && scalar(o, 'cpus') >= 0.1 && scalar(o, 'mem') >= 16);
    await framework.call({ type: 'ACCEPT', accept: { offer_ids: [offerA.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [taskInfo('long-a', offerA.agent_id.value, `sleep ${MARKER}`)] } }] } });
    await framework.next((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'long-a' && e.update.status.state === 'TASK_RUNNING', 15_000, from);
    const before = (await getJson(`${master.url}/master/slaves`)).slaves.map((s: any) => s.id).sort();
    const pids = (await sleeps()).map((p) => p.pid);
    assert.equal(pids.length, 1);

    await master.kill('SIGKILL');
    master = await startPlateau(masterArgs(masterPort));
    await waitFor(async () => (await getJson(`${master.url}/master/slaves`)).slaves.length === 2, 20_000, 'both agents re-registered');
    const afterIds = (await getJson(`${master.url}/master/slaves`)).slaves.map((s: any) => s.id).sort();
    assert.deepEqual(afterIds, before);

    const oldId = framework.frameworkId;
    await waitFor(() => framework.closed, 5_000, 'old subscription closed');
    framework = new SchedulerClient(master.url);
    const resubscribed = await framework.subscribe({ ...frameworkInfo, id: { value: oldId } });
    assert.equal(resubscribed.subscribed.framework_id.value, oldId);
    framework.acknowledgeUpdates();
    const reconcile = await framework.call({ type: 'RECONCILE', reconcile: { tasks: [] } });
    assert.equal(reconcile.status, 202);
    const answer = await framework.next((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'long-a');
    assert.equal(answer.update.status.state, 'TASK_RUNNING');
    assert.equal(answer.update.status.reason, 'REASON_RECONCILIATION');
    assert.deepEqual((await sleeps()).map((p) => p.pid), pids, 'the task process kept running');
  });

  it('recovers a running task when its agent restarts, and can still kill it', async () => {
    const pids = (await sleeps()).map((p) => p.pid);
    assert.equal(pids.length, 1);
    const agentId = (await getJson(`${master.url}/master/slaves`)).slaves.find((s: any) => s.hostname === 'agent-a').id;
    await agents.a?.kill('SIGKILL');
    agents.a = await startPlateau(agentArgs('agent-a', 31000));
    await waitFor(async () => {
      const slave = (await getJson(`${master.url}/master/slaves`)).slaves.find((s: any) => s.id === agentId);
      return slave?.active && slave.reregistered_time !== undefined;
    }, 15_000, 'agent-a re-registered');
    const agentState = await getJson(`${agents.a.url}/state`);
    const task = agentState.frameworks[0].executors.flatMap((e: any) => e.tasks).find((t: any) => t.id === 'long-a');
    assert.equal(task?.state, 'TASK_RUNNING');
    assert.deepEqual((await sleeps()).map((p) => p.pid), pids, 'the same task process, re-adopted');
    const from = framework.events.length;
    await framework.call({ type: 'KILL', kill: { task_id: { value: 'long-a' }, agent_id: { value: agentId } } });
    const killed = await framework.next((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'long-a' && e.update.status.state === 'TASK_KILLED', 15_000, from);
    assert.equal(killed.update.status.source, 'SOURCE_EXECUTOR');
    await waitFor(async () => (await sleeps()).length === 0, 10_000, 'recovered task process gone');
  });

  it('answers bad input as Mesos does and changes nothing', async () => {
    const api = `${master.url}/api/v1/scheduler`;
    const stateBefore = await getJson(`${master.url}/master/state`);
    const tasksBefore = JSON.stringify(stateBefore.frameworks.map((f: any) => f.tasks.map((t: any) => t.id)));
    const cases: Array<[string, Promise<{ status: number; body: string }>, number, RegExp]> = [
      ['malformed JSON', post(api, '{"type": "SUBSCRIBE",'), 400, /parse|JSON/i],
      ['unknown call type', post(api, JSON.stringify({ type: 'EXPLODE', framework_id: { value: framework.frameworkId } }), { 'Mesos-Stream-Id': framework.streamId }), 400, /Call/],
      ['missing stream id', post(api, JSON.stringify({ type: 'REVIVE', framework_id: { value: framework.frameworkId } })), 400, /Mesos-Stream-Id/],
      ['wrong stream id', post(api, JSON.stringify({ type: 'REVIVE', framework_id: { value: framework.frameworkId } }), { 'Mesos-Stream-Id': '00000000-0000-4000-8000-000000000000' }), 400, /stream ID/],
      ['unknown framework', post(api, JSON.stringify({ type: 'REVIVE', framework_id: { value: 'nope' } }), { 'Mesos-Stream-Id': framework.streamId }), 400, /Framework cannot be found/],
      ['stream id on SUBSCRIBE', post(api, JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: frameworkInfo } }), { 'Mesos-Stream-Id': framework.streamId }), 400, /should not include/],
      ['text/plain body', post(api, '{}', { 'Content-Type': 'text/plain' }), 415, /Content-Type/],
      ['protobuf only accepted', post(api, JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: frameworkInfo } }), { Accept: 'application/x-protobuf' }), 406, /Accept/],
      ['subscribe without a name', post(api, JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'x' } } })), 400, /name/],
    ];
    for (const [name, promise, status, body] of cases) {
      const res = await promise;
      assert.equal(res.status, status, `${name}: ${res.body}`);
      assert.match(res.body, body, name);
    }
    const noType = await rawPost(api, '{}');
    assert.equal(noType, 400, 'missing Content-Type');
    const get = await fetch(api);
    assert.equal(get.status, 405, 'GET is not allowed');

    // An unknown offer id: the task is reported lost with REASON_INVALID_OFFERS.
    const from = framework.events.length;
    const bogus = await framework.call({ type: 'ACCEPT', accept: { offer_ids: [{ value: 'no-such-offer' }], operations: [{ type: 'LAUNCH', launch: { task_infos: [taskInfo('bogus-offer', 'x', 'true')] } }] } });
    assert.equal(bogus.status, 202);
    const lost = await framework.next((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'bogus-offer', 5_000, from);
    assert.equal(lost.update.status.state, 'TASK_LOST');
    assert.equal(lost.update.status.reason, 'REASON_INVALID_OFFERS');

    // More resources than offered: TASK_ERROR, and the offer's resources come back.
    await framework.call({ type: 'REVIVE', revive: {} });
    const offer = await takeOffer(framework, () => true);
    await framework.call({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [taskInfo('too-big', offer.agent_id.value, 'true', 1000, 16)] } }], filters: { refuse_seconds: 0 } } });
    const error = await framework.next((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'too-big', 5_000, from);
    assert.equal(error.update.status.state, 'TASK_ERROR');
    assert.equal(error.update.status.reason, 'REASON_TASK_INVALID');
    assert.match(error.update.status.message, /more resources/);

    const stateAfter = await getJson(`${master.url}/master/state`);
    assert.equal(JSON.stringify(stateAfter.frameworks.map((f: any) => f.tasks.map((t: any) => t.id))), tasksBefore);
  });

  it('tears the framework down, killing its tasks, and leaves nothing running', async () => {
    const res = await framework.call({ type: 'TEARDOWN' });
    assert.equal(res.status, 202);
    await waitFor(async () => (await sleeps()).length === 0, 15_000, 'tasks killed by teardown');
    const state = await getJson(`${master.url}/master/state`);
    assert.equal(state.frameworks.length, 0);
    assert.equal(state.completed_frameworks[0].id, framework.frameworkId);
    for (const p of [master, agents.a, agents.b]) await p?.kill('SIGTERM');
    assert.deepEqual(await processesMatching(dir.path), []);
  });
});
