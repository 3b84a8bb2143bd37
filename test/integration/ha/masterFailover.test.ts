// Three `plateau master --zk` processes and two agents following them through a real ZooKeeper ensemble: standbys
// answer as Mesos's do, kill -9 of the leader hands over to another master, agents and a framework follow, and the
// running task survives the failover untouched.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { killAll, processesMatching, startPlateau, tempDir, type PlateauProcess } from '../../harness/plateauProcess.js';
import { getJson, SchedulerClient, waitFor } from '../../harness/schedulerClient.js';
import { startEnsemble, type ZkEnsemble } from '../../harness/zkEnsemble.js';

const MARKER = `${100000 + Math.floor(Math.random() * 800000)}`;
const SESSION_SECS = 4;
let zk: ZkEnsemble;
const dir = tempDir('ha-masters');
const masters: PlateauProcess[] = [];
const agents: PlateauProcess[] = [];

/** leaderOf asks a master where the leader is, as `/master/redirect` tells any client. */
async function leaderOf(m: PlateauProcess): Promise<string | undefined> {
  try {
    const res = await fetch(`${m.url}/master/redirect`, { redirect: 'manual' });
    await res.arrayBuffer();
    const loc = res.headers.get('location');
    return res.status === 307 && loc ? `http:${loc}` : undefined;
  } catch {
    return undefined;
  }
}

before(async () => {
  zk = await startEnsemble(3);
  for (let i = 0; i < 3; i++) {
    masters.push(await startPlateau(['master', '--ip=127.0.0.1', '--port=0', `--zk=${zk.zkUrl('/mesos')}`, '--quorum=2', `--zk_session_timeout=${SESSION_SECS}secs`, '--agent_ping_timeout=1secs', '--quiet']));
  }
  for (let i = 0; i < 2; i++) {
    agents.push(await startPlateau(['agent', `--master=${zk.zkUrl('/mesos')}`, `--ip=127.0.0.${20 + i}`, '--port=0', `--work_dir=${dir.path}/agent-${i}`, '--resources=cpus:2;mem:1024;disk:1024;ports:[41000-41100]', '--quiet']));
  }
});

after(async () => {
  await killAll();
  for (const p of await processesMatching(`sleep ${MARKER}`)) process.kill(p.pid, 'SIGKILL');
  await zk?.dispose();
  dir.remove();
});

describe('masters on ZooKeeper', { timeout: 240_000 }, () => {
  it('elects one leader; standbys redirect, report elected 0 and serve health locally', async () => {
    const leader = await waitFor(async () => leaderOf(masters[0] as PlateauProcess), 30_000, 'a leader');
    const leaders = await Promise.all(masters.map(leaderOf));
    assert.ok(leaders.every((l) => l === leader), `every master names the same leader: ${leaders}`);
    const leading = masters.find((m) => m.url === leader);
    assert.ok(leading, `the leader is one of ours: ${leader}`);
    const standby = masters.find((m) => m !== leading) as PlateauProcess;
    const state = await fetch(`${standby.url}/master/state?jsonp=x`, { redirect: 'manual' });
    assert.equal(state.status, 307, 'standby redirects /master/state');
    assert.equal(state.headers.get('location'), `//127.0.0.1:${new URL(leader).port}/master/state?jsonp=x`, 'to the leader, path and query kept');
    const api = await fetch(`${standby.url}/api/v1`, { method: 'POST', body: '{"type":"GET_HEALTH"}', headers: { 'Content-Type': 'application/json' }, redirect: 'manual' });
    assert.equal(api.status, 307, 'operator API redirects too');
    assert.equal((await fetch(`${standby.url}/master/health`)).status, 200, 'health is local');
    assert.equal((await getJson(`${standby.url}/metrics/snapshot`))['master/elected'], 0, 'standby: elected 0');
    assert.equal((await getJson(`${leader}/metrics/snapshot`))['master/elected'], 1, 'leader: elected 1');
    await waitFor(async () => (await getJson(`${leader}/master/slaves`)).slaves.filter((s: any) => s.active).length === 2, 30_000, 'both agents registered with the leader');
    const quorum = await getJson(`${standby.url}/plateau/v1/quorum`);
    assert.equal(quorum.status, 'healthy', `healthy: ${JSON.stringify(quorum)}`);
    assert.deepEqual(quorum.zookeeper.servers.map((s: any) => s.mode).sort(), ['follower', 'follower', 'leader'], 'each ZooKeeper server with its mode');
    assert.ok(quorum.zookeeper.servers.every((s: any) => /^0x[0-9a-f]+$/.test(s.zxid) && s.latency && typeof s.outstanding === 'number'), 'zxid, latency and outstanding requests');
    assert.equal(quorum.zookeeper.servers.find((s: any) => s.mode === 'leader').syncedFollowers, 2, 'the ZooKeeper leader has two synced followers');
    assert.equal(quorum.masters.members.length, 3, 'three masters contend');
    assert.equal(quorum.masters.quorum_met, true, 'quorum met');
    assert.equal(quorum.masters.leader.pid, `master@127.0.0.1:${new URL(leader).port}`, 'which master leads');
  });

  it('survives kill -9 of the leader: a new leader serves, agents and the framework follow, the task keeps running', async () => {
    const leader = (await leaderOf(masters[0] as PlateauProcess)) as string;
    const framework = new SchedulerClient(leader);
    await framework.subscribe({ user: 'root', name: 'ha-test', failover_timeout: 3600, roles: ['*'], capabilities: [{ type: 'MULTI_ROLE' }] });
    framework.acknowledgeUpdates();
    const offer = (await framework.next((e) => e.type === 'OFFERS', 20_000)).offers.offers[0];
    await framework.call({
      type: 'ACCEPT',
      accept: {
        offer_ids: [offer.id],
        operations: [{ type: 'LAUNCH', launch: { task_infos: [{ name: 'survivor', task_id: { value: 'survivor' }, agent_id: offer.agent_id, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 }, allocation_info: { role: '*' } }, { name: 'mem', type: 'SCALAR', scalar: { value: 16 }, allocation_info: { role: '*' } }], command: { value: `sleep ${MARKER}` } }] } }],
      },
    });
    await framework.next((e) => e.type === 'UPDATE' && e.update.status.state === 'TASK_RUNNING', 20_000);
    const sleeps = async () => (await processesMatching(`sleep ${MARKER}`)).filter((p) => p.cmd === `sleep ${MARKER}`).map((p) => p.pid);
    const pids = await sleeps();
    assert.equal(pids.length, 1, 'the task runs');
    const frameworkId = framework.frameworkId;
    framework.close();

    const victim = masters.find((m) => m.url === leader) as PlateauProcess;
    const killedAt = Date.now();
    await victim.kill('SIGKILL');
    const survivors = masters.filter((m) => m !== victim);
    const next = await waitFor(
      async () => {
        const l = await leaderOf(survivors[0] as PlateauProcess);
        if (!l || l === leader) return undefined;
        const res = await fetch(`${l}/master/state`).catch(() => undefined);
        return res?.status === 200 ? l : undefined;
      },
      30_000,
      'a new leader serving',
    );
    const failoverMs = Date.now() - killedAt;
    assert.ok(failoverMs <= (SESSION_SECS + 5) * 1000, `new leader serving ${failoverMs} ms after kill -9 (session timeout ${SESSION_SECS} s + 5 s)`);

    await waitFor(async () => (await getJson(`${next}/master/slaves`)).slaves.filter((s: any) => s.active).length === 2, 60_000, 'both agents re-registered with the new leader');
    const again = new SchedulerClient(next);
    const resubscribed = await again.subscribe({ user: 'root', name: 'ha-test', failover_timeout: 3600, roles: ['*'], capabilities: [{ type: 'MULTI_ROLE' }], id: { value: frameworkId } });
    assert.equal(resubscribed.subscribed.framework_id.value, frameworkId, 'the framework keeps its id');
    const tasks = (await getJson(`${next}/master/tasks`)).tasks;
    const survivor = tasks.find((t: any) => t.id === 'survivor');
    assert.equal(survivor?.state, 'TASK_RUNNING', `the task is back, running: ${JSON.stringify(tasks)}`);
    assert.equal(tasks.filter((t: any) => t.id === 'survivor').length, 1, 'not duplicated');
    assert.deepEqual(await sleeps(), pids, 'the same process, never restarted');
    again.close();
  });

  it('reports a lost ZooKeeper server as degraded and a lost majority as down, and recovers when they return', async () => {
    const alive = masters.filter((m) => m.proc.exitCode === null && m.proc.signalCode === null);
    const probe = alive[0] as PlateauProcess;
    const [a, b] = zk.servers as [ZkEnsemble['servers'][number], ZkEnsemble['servers'][number]];
    await a.stop();
    await waitFor(async () => (await getJson(`${probe.url}/plateau/v1/quorum`)).status === 'degraded', 20_000, 'degraded with one ZooKeeper server down');
    const leader = await waitFor(async () => leaderOf(probe), 20_000, 'a leader while degraded');
    assert.equal((await fetch(`${leader}/master/state`)).status, 200, 'the cluster still works');
    await b.stop();
    const down = await waitFor(async () => {
      const q = await getJson(`${probe.url}/plateau/v1/quorum`).catch(() => undefined);
      return q?.status === 'down' ? q : undefined;
    }, 30_000, 'down without a ZooKeeper majority');
    assert.ok(down.zookeeper.servers.filter((s: any) => s.serving).length <= 1, 'at most the last server answers, and it has no majority');
    assert.ok(down.zookeeper.servers.filter((s: any) => !s.serving).every((s: any) => typeof s.error === 'string'), 'each unserving server says why');
    await a.start();
    await b.start();
    // The leader that lost its session exited, as Mesos's does; a supervisor would restart it. So does this test.
    for (const [i, m] of masters.entries()) {
      if (m.proc.exitCode !== null || m.proc.signalCode !== null) {
        masters[i] = await startPlateau(['master', '--ip=127.0.0.1', '--port=0', `--zk=${zk.zkUrl('/mesos')}`, '--quorum=2', `--zk_session_timeout=${SESSION_SECS}secs`, '--agent_ping_timeout=1secs', '--quiet']);
      }
    }
    const back = await waitFor(async () => {
      const l = await leaderOf(masters[0] as PlateauProcess);
      const res = l ? await fetch(`${l}/master/slaves`).catch(() => undefined) : undefined;
      return res?.status === 200 ? l : undefined;
    }, 90_000, 'a leader serving again');
    await waitFor(async () => (await getJson(`${back}/master/tasks`)).tasks.some((t: any) => t.id === 'survivor' && t.state === 'TASK_RUNNING'), 90_000, 'the task is still known and running');
  });
});
