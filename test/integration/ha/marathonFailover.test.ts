// The whole HA cluster on a real ZooKeeper ensemble: three `plateau master --zk`, two agents and two
// `plateau marathon --zk` processes. One Marathon leads and the other proxies to it, as Marathon's do; kill -9 of the
// leading master leaves every task running while Marathon follows the new master and finishes a deploy issued during
// the failover; kill -9 of the leading Marathon hands leadership and every app to the standby; a ZooKeeper outage
// stops writes without losing anything, and everything recovers when the servers return.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseZkUrl } from '../../../core/coordination/zkUrl.js';
import { NodeZkSession } from '../../../core/node/nodeZkSession.js';
import { SystemClock } from '../../../core/node/systemClock.js';
import { killAll, processesMatching, startPlateau, tempDir, type PlateauProcess } from '../../harness/plateauProcess.js';
import { getJson, waitFor } from '../../harness/schedulerClient.js';
import { startEnsemble, type ZkEnsemble } from '../../harness/zkEnsemble.js';

const MARKER = 100000 + Math.floor(Math.random() * 800000);
const SESSION_SECS = 4;
const MARATHON_LISTENING = /Marathon listening on (http:\/\/[\d.]+:\d+)/;
let zk: ZkEnsemble;
const dir = tempDir('ha-marathon');
const masters: PlateauProcess[] = [];
const agents: PlateauProcess[] = [];
const marathons: PlateauProcess[] = [];

const masterArgs = () => ['master', '--ip=127.0.0.1', '--port=0', `--zk=${zk.zkUrl('/mesos')}`, '--quorum=2', `--zk_session_timeout=${SESSION_SECS}secs`, '--agent_ping_timeout=1secs', '--quiet'];
const marathonArgs = () => ['marathon', `--master=${zk.zkUrl('/mesos')}`, `--zk=${zk.zkUrl('/marathon')}`, '--http_address=127.0.0.1', '--http_port=0', `--zk_session_timeout=${SESSION_SECS * 1000}`, '--quiet'];
const alive = (p: PlateauProcess) => p.proc.exitCode === null && p.proc.signalCode === null;
const hostPort = (p: PlateauProcess) => new URL(p.url).host;

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, { redirect: 'manual', ...init, headers: { 'Content-Type': 'application/json', ...(init.headers as Record<string, string> | undefined) } });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body };
}

/** marathonLeader asks a Marathon who leads (a standby proxies the question to the leader). */
async function marathonLeader(m: PlateauProcess): Promise<string | undefined> {
  const a = await call(`${m.url}/v2/leader`).catch(() => undefined);
  return a?.status === 200 ? (a.body.leader as string) : undefined;
}

/** masterLeader is the leading master's URL, as `/master/redirect` on any live master names it. */
async function masterLeader(): Promise<string | undefined> {
  for (const m of masters.filter(alive)) {
    const res = await fetch(`${m.url}/master/redirect`, { redirect: 'manual' }).catch(() => undefined);
    await res?.arrayBuffer();
    const loc = res?.headers.get('location');
    if (res?.status === 307 && loc) {
      const url = `http:${loc}`;
      const state = await fetch(`${url}/master/state`).catch(() => undefined);
      await state?.arrayBuffer();
      if (state?.status === 200) return url;
    }
  }
  return undefined;
}

function sleeperApp(id: string, instances: number, marker: number) {
  return JSON.stringify({ id, cmd: `sleep ${marker}`, cpus: 0.05, mem: 16, instances, backoffSeconds: 1 });
}

/** runningTasks is an app's running task ids, read from the leader through `m` (which may be a standby). */
async function runningTasks(m: PlateauProcess, appId: string): Promise<string[]> {
  const a = await call(`${m.url}/v2/apps${appId}/tasks`);
  if (a.status !== 200) return [];
  return (a.body.tasks as Array<{ id: string; state: string }>).filter((t) => t.state === 'TASK_RUNNING').map((t) => t.id).sort();
}

async function sleepPids(marker: number): Promise<number[]> {
  return (await processesMatching(`sleep ${marker}`)).filter((p) => p.cmd === `sleep ${marker}`).map((p) => p.pid).sort((a, b) => a - b);
}

/** explained adds a process's log to a failure, so a red run says what the process saw. */
async function explained<T>(p: PlateauProcess, promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    const extra = await Promise.all(['/v2/queue', '/v2/tasks', '/v2/deployments'].map(async (path) => `${path}: ${JSON.stringify((await call(`${p.url}${path}`).catch((e: Error) => ({ body: e.message }))).body).slice(0, 3000)}`));
    const master = await masterLeader();
    const frameworks = master ? JSON.stringify((await getJson(`${master}/master/frameworks`).catch(() => ({}))).frameworks?.map((f: any) => [f.id, f.active, f.webui_url, f.tasks?.length, f.offers?.length])) : 'no master';
    (err as Error).message += `\n--- ${p.url} log ---\n${p.output().slice(-6000)}\n${extra.join('\n')}\nframeworks: ${frameworks}`;
    throw err;
  }
}

before(async () => {
  zk = await startEnsemble(3);
  for (let i = 0; i < 3; i++) masters.push(await startPlateau(masterArgs()));
  for (let i = 0; i < 2; i++) {
    agents.push(await startPlateau(['agent', `--master=${zk.zkUrl('/mesos')}`, `--ip=127.0.0.${30 + i}`, '--port=0', `--work_dir=${dir.path}/agent-${i}`, '--resources=cpus:2;mem:1024;disk:1024;ports:[42000-42100]', '--quiet']));
  }
  for (let i = 0; i < 2; i++) marathons.push(await startPlateau(marathonArgs(), {}, MARATHON_LISTENING));
});

after(async () => {
  await killAll();
  for (const marker of [MARKER, MARKER + 1]) for (const p of await processesMatching(`sleep ${marker}`)) process.kill(p.pid, 'SIGKILL');
  await zk?.dispose();
  dir.remove();
});

describe('two Marathons on ZooKeeper', { timeout: 420_000 }, () => {
  let leader: PlateauProcess;
  let standby: PlateauProcess;
  let frameworkId: string;

  it('elects one leader; the standby proxies to it, redirects the event stream and catches proxy loops', async () => {
    const elected = await waitFor(async () => {
      const names = await Promise.all(marathons.map(marathonLeader));
      return names[0] !== undefined && names.every((n) => n === names[0]) ? names[0] : undefined;
    }, 60_000, 'both Marathons name the same leader');
    leader = marathons.find((m) => hostPort(m) === elected) as PlateauProcess;
    assert.ok(leader, `the leader is one of ours: ${elected}`);
    standby = marathons.find((m) => m !== leader) as PlateauProcess;

    const info = await call(`${standby.url}/v2/info`);
    assert.equal(info.status, 200, 'a standby answers through the leader');
    assert.equal(info.headers.get('x-marathon-leader'), `http://${hostPort(leader)}`, "the leader's stamp comes through");
    assert.equal(info.headers.get('x-marathon-via'), `1.1 ${hostPort(standby)}`, 'the standby says it proxied');
    assert.equal(info.body.elected, true, 'the answer is the elected leader’s');
    assert.equal(info.body.leader, hostPort(leader), 'naming itself');
    assert.match(info.body.zookeeper_config.zk, /^zk:\/\/127\.0\.0\.1:\d+.*\/marathon$/, 'the ZooKeeper URL in /v2/info');
    frameworkId = info.body.frameworkId;

    const events = await call(`${standby.url}/v2/events`, { headers: { Accept: 'text/event-stream' } });
    assert.equal(events.status, 302, 'the event stream is redirected, not proxied');
    assert.equal(events.headers.get('location'), `http://${hostPort(leader)}/v2/events`, 'to the leader');

    const loop = await call(`${standby.url}/v2/apps`, { headers: { 'X-Marathon-Via': `1.1 ${hostPort(standby)}` } });
    assert.equal(loop.status, 502, 'a request that already went through this standby is a loop');
    assert.deepEqual(loop.body, { message: 'Detected proxying loop.' }, "Marathon's words");

    const raw = await NodeZkSession.connect(parseZkUrl(zk.zkUrl('/')), 4000, new SystemClock());
    const latch = await raw.getChildren('/marathon/leader-curator');
    assert.equal(latch.length, 2, `both Marathons are in the latch: ${latch}`);
    assert.ok(latch.every((c) => /^_c_[0-9a-f-]{36}-latch-\d{10}$/.test(c)), "Curator's node names");
    raw.dispose();

    const created = await call(`${standby.url}/v2/apps`, { method: 'POST', body: sleeperApp('/ha/sleeper', 3, MARKER) });
    assert.equal(created.status, 201, `created through the standby: ${JSON.stringify(created.body)}`);
    await waitFor(async () => (await runningTasks(standby, '/ha/sleeper')).length === 3, 60_000, 'three sleeper tasks running');

    const master = (await masterLeader()) as string;
    const quorum = await getJson(`${master}/plateau/v1/quorum`);
    assert.ok(Array.isArray(quorum.schedulers), `the quorum answer lists the schedulers: ${JSON.stringify(quorum)}`);
    const marathon = quorum.schedulers.find((f: any) => f.framework_id === frameworkId);
    assert.equal(marathon?.leader, hostPort(leader), `the quorum view names the leading Marathon: ${JSON.stringify(quorum.schedulers)}`);
  });

  it('survives kill -9 of the leading master: Marathon follows, tasks are untouched, a deploy issued meanwhile completes', async () => {
    const before = await runningTasks(leader, '/ha/sleeper');
    const pids = await sleepPids(MARKER);
    assert.equal(pids.length, 3, 'three sleep processes');
    const oldMaster = (await masterLeader()) as string;
    // The maintenance schedule is registry state: the new leader must find it in ZooKeeper.
    const schedule = { windows: [{ machine_ids: [{ hostname: 'spare', ip: '10.9.9.9' }], unavailability: { start: { nanoseconds: 1_900_000_000_000_000_000 } } }] };
    assert.equal((await call(`${oldMaster}/master/maintenance/schedule`, { method: 'POST', body: JSON.stringify(schedule) })).status, 200, 'schedule posted');
    const victim = masters.find((m) => m.url === oldMaster) as PlateauProcess;
    await victim.kill('SIGKILL');

    // Marathon's state lives in ZooKeeper, not in the master: it takes the deploy at once and launches when it can.
    const during = await call(`${leader.url}/v2/apps`, { method: 'POST', body: sleeperApp('/ha/during', 2, MARKER + 1) });
    assert.equal(during.status, 201, `a deploy during the failover is accepted: ${JSON.stringify(during.body)}`);

    const newMaster = await waitFor(async () => {
      const l = await masterLeader();
      return l && l !== oldMaster ? l : undefined;
    }, 30_000, 'a new leading master');
    await waitFor(async () => (await runningTasks(leader, '/ha/during')).length === 2, 90_000, 'the deploy issued during the failover completes');
    await waitFor(async () => {
      const fw = (await getJson(`${newMaster}/master/frameworks`)).frameworks.find((f: any) => f.id === frameworkId);
      return fw?.active === true;
    }, 60_000, 'Marathon re-subscribed to the new master with its framework id');
    assert.deepEqual(await runningTasks(leader, '/ha/sleeper'), before, 'the same tasks, none lost or replaced');
    assert.deepEqual((await call(`${newMaster}/master/maintenance/schedule`)).body, schedule, 'the new leader recovered the maintenance schedule from ZooKeeper');
    assert.deepEqual(await sleepPids(MARKER), pids, 'the same processes, never restarted');
    const deployments = await waitFor(async () => {
      const d = await call(`${leader.url}/v2/deployments`);
      return d.status === 200 && d.body.length === 0 ? d.body : undefined;
    }, 30_000, 'no deployment left running');
    assert.deepEqual(deployments, [], 'every deployment finished');
    masters[masters.indexOf(victim)] = await startPlateau(masterArgs());
  });

  it('hands leadership and every app to the standby when the leading Marathon is killed', async () => {
    const sleeper = await runningTasks(leader, '/ha/sleeper');
    const during = await runningTasks(leader, '/ha/during');
    await leader.kill('SIGKILL');
    const took = Date.now();
    await waitFor(async () => (await marathonLeader(standby)) === hostPort(standby), 30_000, 'the standby leads');
    const tookMs = Date.now() - took;
    assert.ok(tookMs <= (SESSION_SECS + 5) * 1000, `the standby led ${tookMs} ms after the kill (session ${SESSION_SECS} s)`);
    const info = await call(`${standby.url}/v2/info`);
    assert.equal(info.headers.get('x-marathon-via'), null, 'answered by itself, not proxied');
    assert.equal(info.body.frameworkId, frameworkId, 'the same framework id, read from ZooKeeper');
    const apps = await call(`${standby.url}/v2/apps`);
    assert.deepEqual(apps.body.apps.map((a: any) => a.id).sort(), ['/ha/during', '/ha/sleeper'], 'every app is kept');
    await waitFor(async () => (await runningTasks(standby, '/ha/sleeper')).join() === sleeper.join() && (await runningTasks(standby, '/ha/during')).join() === during.join(), 60_000, 'the same tasks, reconciled with the master');

    const scaled = await call(`${standby.url}/v2/apps/ha/sleeper`, { method: 'PUT', body: JSON.stringify({ instances: 4 }) });
    assert.equal(scaled.status, 200, `the new leader deploys: ${JSON.stringify(scaled.body)}`);
    await explained(standby, waitFor(async () => (await runningTasks(standby, '/ha/sleeper')).length === 4, 60_000, 'scaled to four'));
    // A supervisor restarts the killed Marathon; it comes back as a standby.
    const restarted = await startPlateau(marathonArgs(), {}, MARATHON_LISTENING);
    marathons[marathons.indexOf(leader)] = restarted;
    leader = standby;
    standby = restarted;
    await waitFor(async () => (await marathonLeader(restarted)) === hostPort(leader), 30_000, 'the restarted Marathon is a standby naming the leader');
  });

  it('keeps working with one ZooKeeper server down, refuses writes without a quorum, and loses nothing', async () => {
    const [a, b] = zk.servers as [ZkEnsemble['servers'][number], ZkEnsemble['servers'][number]];
    await a.stop();
    const scaled = await waitFor(async () => {
      const r = await call(`${standby.url}/v2/apps/ha/during`, { method: 'PUT', body: JSON.stringify({ instances: 3 }) }).catch(() => undefined);
      return r?.status === 200 ? r : undefined;
    }, 30_000, 'a change accepted with one ZooKeeper server down');
    assert.ok(scaled.body.deploymentId, 'a deployment');
    await waitFor(async () => (await runningTasks(standby, '/ha/during')).length === 3, 60_000, 'scaled while degraded');
    const apps = (await call(`${leader.url}/v2/apps`)).body.apps.map((x: any) => ({ id: x.id, instances: x.instances }));
    const tasks = { sleeper: await runningTasks(leader, '/ha/sleeper'), during: await runningTasks(leader, '/ha/during') };

    await b.stop();
    const probe = masters.find(alive) as PlateauProcess;
    await waitFor(async () => (await getJson(`${probe.url}/plateau/v1/quorum`).catch(() => undefined))?.status === 'down', 30_000, 'reported down without a ZooKeeper majority');
    // Without a quorum nothing can be committed: a write is refused (by the leader while it still believes it leads,
    // or for want of a leader once its session is gone) and never acknowledged. ZooKeeper itself cannot promise that a
    // write whose connection dropped under it is not committed later by a new quorum (its outcome is unknown, not
    // failed), so after the outage the refused app may exist — but then whole, and nothing acknowledged is lost.
    const refused = await call(`${leader.url}/v2/apps`, { method: 'POST', body: sleeperApp('/ha/lost', 1, MARKER) }).catch(() => ({ status: 0, body: 'connection refused', headers: new Headers() }));
    assert.notEqual(refused.status, 201, `no write without a quorum: ${refused.status} ${JSON.stringify(refused.body)}`);
    await a.start();
    await b.start();

    // Marathons and masters that lost their sessions exited, as Marathon and Mesos do; a supervisor restarts them.
    const restart = async () => {
      for (const [i, m] of masters.entries()) if (!alive(m)) masters[i] = await startPlateau(masterArgs());
      for (const [i, m] of marathons.entries()) if (!alive(m)) marathons[i] = await startPlateau(marathonArgs(), {}, MARATHON_LISTENING);
    };
    await new Promise((r) => setTimeout(r, (SESSION_SECS + 2) * 1000));
    await restart();
    const back = await waitFor(async () => {
      await restart();
      for (const m of marathons) {
        const l = await marathonLeader(m);
        const owner = marathons.find((x) => hostPort(x) === l);
        if (owner && (await call(`${owner.url}/v2/apps`).catch(() => undefined))?.status === 200) return owner;
      }
      return undefined;
    }, 120_000, 'a leading Marathon again');
    const after = (await call(`${back.url}/v2/apps`)).body.apps.map((x: any) => ({ id: x.id, instances: x.instances }));
    assert.deepEqual(after.filter((a: { id: string }) => a.id !== '/ha/lost'), apps, 'every acknowledged app, as it was: nothing lost');
    const lost = after.find((a: { id: string }) => a.id === '/ha/lost');
    assert.ok(lost === undefined || lost.instances === 1, `the refused app is absent or whole: ${JSON.stringify(lost)}`);
    await waitFor(async () => (await runningTasks(back, '/ha/sleeper')).join() === tasks.sleeper.join() && (await runningTasks(back, '/ha/during')).join() === tasks.during.join(), 120_000, 'the same tasks running after the outage');
  });
});
