// bench/masterFailover.bench.ts measures a master failover in the deployment shape of an HA cluster: a real
// three-server ZooKeeper ensemble (test/harness/zkEnsemble.ts), three `plateau master --zk … --quorum 2
// --zk_session_timeout 4secs` processes (registry in ZooKeeper), N simulated agents in a process of their own on the
// real HTTP agent link (bench/failoverBenchAgents.ts) and a v1 HTTP framework in another (bench/failoverBenchFramework.ts)
// that first puts TASKS_PER_AGENT tasks on every agent. Then the leading master gets SIGKILL and the benchmark times,
// from the kill: ZooKeeper expiring the dead leader's session (the survivors' detectors see its group node go), the new
// leader serving (`/metrics/snapshot` `master/elected` 1 and `/master/state` 200 from it), the framework re-subscribed
// and offered resources again by it, and every agent re-registered with it (the agents' side: REGISTERED received).
// Environment: FAILOVER_BENCH_AGENTS ("1000,10000") picks the scales, FAILOVER_BENCH_TASKS the tasks per agent (10),
// FAILOVER_BENCH_CPU_PROF=<dir> writes V8 CPU profiles of the masters, the agents process and the framework process
// (each writes its own when stopped; the dead leader writes none) and `window-<scale>.json` there, the kill and the first
// and last REGISTERED on the profiles' clock (µs of CLOCK_MONOTONIC), to cut a profile down to the re-registration window;
// bench/failoverBenchAgents.ts reads FAILOVER_BENCH_MAX_OPENING and FAILOVER_BENCH_RETRY_MS; FAILOVER_BENCH_VERBOSE=1
// shows the children's warnings.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { MasterGroup } from '../core/coordination/masterGroup.js';
import { masterUrlOf } from '../core/coordination/masterInfoJson.js';
import { parseZkUrl } from '../core/coordination/zkUrl.js';
import { NodeZkSession } from '../core/node/nodeZkSession.js';
import { SystemClock } from '../core/node/systemClock.js';
import type { MasterInfo } from '../core/protocol/mesos/v1.js';
import { processesMatching, startPlateau, tempDir, type PlateauProcess } from '../test/harness/plateauProcess.js';
import { startEnsemble, type ZkEnsemble } from '../test/harness/zkEnsemble.js';
import { BenchChild, type BenchMessage } from './benchChild.js';

/** SESSION_SECS is the masters' `--zk_session_timeout`: the failover cannot be faster than ZooKeeper expiring the dead leader. */
const SESSION_SECS = 4;
const AGENT_RESOURCES = 'cpus:16;mem:65536;disk:65536;ports:[31000-32000]';
/** POLL_MS is how often the new leader is asked whether it serves. */
const POLL_MS = 20;
const TARGET_FAILOVER_MS = 5000;
/** TARGET_REREGISTER_MS are Mesos 1.5's published times for all agents to re-register, by agent count. */
const TARGET_REREGISTER_MS = new Map([
  [1000, 500],
  [10000, 4500],
]);

/** AgentsFailover is the agents process's account of the re-registration (wall-clock ms). */
type AgentsFailover = BenchMessage & { lostAt: number; detectedAt: number; firstSentAt: number; firstDoneAt: number; lastDoneAt: number; attempts: number; probes: number; failures: Record<string, number>; agents: number; tasks: number };
/** Reoffered is the framework process's account of its failover (wall-clock ms). */
type Reoffered = BenchMessage & { detectedAt?: number; subscribedAt?: number; offeredAt?: number; offers: number };

interface Result {
  agents: number;
  tasks: number;
  registerMs: number;
  launchMs: number;
  /** Every *At below is ms after the SIGKILL. */
  expiredAt: number;
  servingAt: number;
  electedAt: number;
  firstPollAt: number;
  polls: number;
  reoffered: Reoffered;
  reregistered: AgentsFailover;
  killedAt: number;
  masterAfter: Record<string, number>;
  newLeaderCpuMs: number;
  loadBefore: string;
  loadAfter: string;
}

function uptime(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim().replace(/^.*?(load average)/, '$1');
  } catch {
    return `load average: ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}`;
  }
}

/** cpuMsOf reads a process's user + system CPU from /proc (clock ticks of 10 ms). */
function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

async function getJson(url: string, timeoutMs = 5000): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

/** spawned holds the pid of every process this benchmark started (ZooKeeper servers, masters, children), to check that none is left. */
const spawned = new Map<number, string>();
// A benchmark that dies half-way (an exception, ^C) must not leave masters and ZooKeeper servers behind.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
process.on('exit', () => {
  for (const pid of spawned.keys()) {
    try {
      if (statOf(pid) !== undefined) process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

/** statOf reads a live process's parent pid and command line from /proc; undefined once it is gone (or a zombie). */
function statOf(pid: number): { ppid: number; cmd: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return undefined;
    return { ppid: Number(fields[1]), cmd: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim() };
  } catch {
    return undefined;
  }
}

/** trackZooKeeper records the ZooKeeper servers this process started (children of this process running QuorumPeerMain). */
async function trackZooKeeper(): Promise<void> {
  for (const p of await processesMatching('QuorumPeerMain')) if (statOf(p.pid)?.ppid === process.pid) spawned.set(p.pid, p.cmd);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** waitLeader waits for the detector to name a leader that is not `notId`. */
async function waitLeader(group: MasterGroup, notId: string | undefined, timeoutMs: number): Promise<MasterInfo> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const leader = group.state().leader;
    if (leader && leader.id !== notId) return leader;
    if (Date.now() > deadline) throw new Error('no (new) leader named in ZooKeeper in time');
    await sleep(10);
  }
}

async function scenario(agentCount: number, perAgent: number): Promise<Result> {
  const loadBefore = uptime();
  const dir = tempDir('failover-bench');
  const profile = process.env.FAILOVER_BENCH_CPU_PROF;
  const children: BenchChild[] = [];
  const masters: PlateauProcess[] = [];
  /** stopping are the masters this benchmark kills or stops; died says how any other one ended. */
  const stopping = new Set<PlateauProcess>();
  const died: string[] = [];
  /** alive fails a wait as soon as a master died unasked. */
  const alive = <T>(p: Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setInterval(() => {
        if (died.length > 0) reject(new Error(died.join('\n')));
      }, 200);
      p.then(resolve, reject).finally(() => clearInterval(timer));
    });
  let zk: ZkEnsemble | undefined;
  let detector: MasterGroup | undefined;
  try {
    zk = await startEnsemble(3);
    await trackZooKeeper();
    const zkUrl = zk.zkUrl('/mesos');
    const profArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}/masters-${agentCount}x${perAgent}`] : [];
    for (let i = 0; i < 3; i++) {
      const m = await startPlateau(['master', '--ip=127.0.0.1', '--port=0', `--work_dir=${dir.path}/master-${i}`, `--zk=${zkUrl}`, '--quorum=2', `--zk_session_timeout=${SESSION_SECS}secs`, '--quiet'], {}, undefined, undefined, profArgs);
      masters.push(m);
      if (m.proc.pid !== undefined) spawned.set(m.proc.pid, `plateau master ${m.url}`);
      // A master that exits unasked (a leader that lost its ZooKeeper session exits, as Mesos's does) fails the run, saying why.
      m.proc.once('exit', (code, signal) => {
        if (stopping.has(m)) return;
        const tail = m.output().trim().split('\n').slice(-12).join('\n      ');
        died.push(`master ${m.url} exited (${code ?? signal}) unasked:\n      ${tail}`);
        console.log(`   ${died.at(-1)}`);
      });
    }
    const clock = new SystemClock();
    const zkParsed = parseZkUrl(zkUrl);
    detector = new MasterGroup({ path: zkParsed.path, clock, newSession: () => NodeZkSession.connect(zkParsed, 10_000, clock) });
    detector.start();
    const leader = await waitLeader(detector, undefined, 60_000);
    const leaderUrl = masterUrlOf(leader);
    for (let i = 0; ; i++) {
      const m = await getJson(`${leaderUrl}/metrics/snapshot`).catch(() => undefined);
      if (m?.body?.['master/elected'] === 1) break;
      if (i > 600) throw new Error('the first leader did not recover in 60 s');
      await sleep(100);
    }
    const victim = masters.find((m) => new URL(m.url).port === String(leader.port));
    if (!victim) throw new Error(`the leader ${leaderUrl} is none of our masters`);

    console.log(`   leader ${leaderUrl}; registering ${agentCount} agents`);
    const childProf = (name: string) => (profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}/${name}-${agentCount}x${perAgent}`] : []);
    const agents = BenchChild.start('agents process', 'bench/failoverBenchAgents.ts', [zkUrl, String(agentCount), AGENT_RESOURCES], childProf('agents'));
    children.push(agents);
    if (agents.pid !== undefined) spawned.set(agents.pid, agents.name);
    const ready = await alive(agents.next<BenchMessage & { registerMs: number }>('ready', 900_000));
    console.log(`   ${agentCount} agents registered in ${(ready.registerMs / 1000).toFixed(1)} s; launching ${agentCount * perAgent} tasks`);
    const t0 = Date.now();
    const framework = BenchChild.start('framework process', 'bench/failoverBenchFramework.ts', [zkUrl, String(agentCount), String(perAgent)], childProf('framework'));
    children.push(framework);
    if (framework.pid !== undefined) spawned.set(framework.pid, framework.name);
    await alive(framework.next('launched', 1_800_000));
    // Every update acknowledged: the agents hold TASK_RUNNING with nothing in flight, the steady state a failover hits.
    for (let i = 0; ; i++) {
      const s = await agents.request<BenchMessage & { running: number; unacknowledged: number }>({ type: 'status' });
      if (s.running === agentCount * perAgent && s.unacknowledged === 0) break;
      if (i > 240) throw new Error(`agents hold ${s.running} running tasks, ${s.unacknowledged} unacknowledged updates after 2 min`);
      await sleep(500);
    }
    const launchMs = Date.now() - t0;
    console.log(`   ${agentCount * perAgent} tasks running in ${(launchMs / 1000).toFixed(1)} s; killing the leader (SIGKILL)`);
    await sleep(2000);

    await framework.request({ type: 'arm' });
    const reofferedP = framework.next<Reoffered>('reoffered', 120_000);
    const failoverP = agents.next<AgentsFailover>('failover', 300_000);
    let expiredAt: number | undefined;
    const sub = detector.onChange((s) => {
      if (expiredAt === undefined && !s.members.some((m) => m.id === leader.id) && s.connected) expiredAt = Date.now();
    });
    const survivors = masters.filter((m) => m !== victim);
    stopping.add(victim);
    const killedAt = Date.now();
    victim.proc.kill('SIGKILL');

    // The new leader serves once it has recovered the registry: `master/elected` 1 and `/master/state` answered.
    let servingAt: number | undefined;
    let electedAt = NaN;
    let firstPollAt = NaN;
    let polls = 0;
    let next: MasterInfo | undefined;
    while (servingAt === undefined) {
      if (Date.now() - killedAt > 120_000) throw new Error('no new leader served within 120 s of the kill');
      next = detector.state().leader;
      if (next && next.id !== leader.id) {
        const url = masterUrlOf(next);
        polls++;
        if (Number.isNaN(firstPollAt)) firstPollAt = Date.now() - killedAt;
        const m = await getJson(`${url}/metrics/snapshot`, 2000).catch(() => undefined);
        if (m?.body?.['master/elected'] === 1) {
          const state = await getJson(`${url}/master/state`, 5000).catch(() => undefined);
          if (state?.status === 200) {
            servingAt = Date.now() - killedAt;
            electedAt = Number(state.body.elected_time) * 1000 - killedAt;
            break;
          }
        }
      }
      await sleep(POLL_MS);
    }
    const newLeader = next as MasterInfo;
    console.log(`   new leader ${masterUrlOf(newLeader)} serving ${(servingAt / 1000).toFixed(2)} s after the kill`);
    void failoverP.then((m) => console.log(`   agents re-registered ${((m.lastDoneAt - killedAt) / 1000).toFixed(2)} s after the kill`), () => undefined);
    void reofferedP.then((m) => console.log(`   framework re-offered ${(((m.offeredAt ?? NaN) - killedAt) / 1000).toFixed(2)} s after the kill`), () => undefined);
    const newLeaderProc = survivors.find((m) => new URL(m.url).port === String(newLeader.port));
    const cpu0 = cpuMsOf(newLeaderProc?.proc.pid);
    const [reoffered, reregistered] = await alive(Promise.all([reofferedP, failoverP]));
    const newLeaderCpuMs = cpuMsOf(newLeaderProc?.proc.pid) - cpu0;
    if (profile) {
      // Wall clock to the profiles' clock (V8 stamps samples with CLOCK_MONOTONIC, as process.hrtime reads it).
      const monoUs = (wallMs: number) => Number(process.hrtime.bigint() / 1000n) - (Date.now() - wallMs) * 1000;
      const newLeaderPid = newLeaderProc?.proc.pid;
      mkdirSync(profile, { recursive: true });
      writeFileSync(`${profile}/window-${agentCount}x${perAgent}.json`, JSON.stringify({ killedUs: monoUs(killedAt), servingUs: monoUs(killedAt + servingAt), firstDoneUs: monoUs(reregistered.firstDoneAt), lastDoneUs: monoUs(reregistered.lastDoneAt), newLeaderPid, agentsPid: agents.pid, frameworkPid: framework.pid }));
    }
    void sub.dispose();
    const after = await getJson(`${masterUrlOf(newLeader)}/metrics/snapshot`, 30_000);
    const masterAfter: Record<string, number> = {};
    for (const k of ['master/slave_reregistrations', 'master/slave_registrations', 'master/slaves_active', 'master/tasks_running', 'master/frameworks_active']) masterAfter[k] = after.body[k];
    const result: Result = {
      agents: agentCount,
      tasks: agentCount * perAgent,
      registerMs: ready.registerMs,
      launchMs,
      expiredAt: (expiredAt ?? NaN) - killedAt,
      servingAt,
      electedAt,
      firstPollAt,
      polls,
      reoffered,
      reregistered,
      killedAt,
      masterAfter,
      newLeaderCpuMs,
      loadBefore,
      loadAfter: uptime(),
    };
    await framework.stop();
    await agents.stop();
    // SIGTERM lets a profiled master write its profile; the kill below is the fallback.
    for (const m of masters) stopping.add(m);
    await Promise.all(survivors.map((m) => Promise.race([m.kill('SIGTERM'), sleep(20_000)])));
    return result;
  } finally {
    for (const m of masters) stopping.add(m);
    for (const c of children) await c.kill();
    await Promise.all(masters.map((m) => m.kill('SIGKILL')));
    detector?.dispose();
    await zk?.dispose();
    dir.remove();
  }
}

const s = (ms: number | undefined) => (ms === undefined || Number.isNaN(ms) ? '–' : (ms / 1000).toFixed(2));

function row(r: Result): string {
  const k = r.killedAt;
  const a = r.reregistered;
  const f = r.reoffered;
  const target = TARGET_REREGISTER_MS.get(r.agents);
  const window = a.lastDoneAt - a.firstDoneAt;
  return `| ${r.agents.toLocaleString('en')} agents × ${(r.tasks / r.agents).toFixed(0)} tasks (${r.tasks.toLocaleString('en')}) | ${s(r.expiredAt)} | ${s(r.electedAt)} | ${s(r.servingAt)} ${r.servingAt <= TARGET_FAILOVER_MS ? '✓' : '✗'} | ${s((f.subscribedAt ?? NaN) - k)} | ${s((f.offeredAt ?? NaN) - k)} ${(f.offeredAt ?? Infinity) - k <= TARGET_FAILOVER_MS ? '✓' : '✗'} | ${s(a.detectedAt - k)} / ${s(a.firstSentAt - k)} | ${s(a.firstDoneAt - k)} / ${s(a.lastDoneAt - k)} | ${s(window)}${target ? (window <= target ? ' ✓' : ' ✗') : ''} | ${s(a.lastDoneAt - k - r.servingAt)} | ${a.attempts.toLocaleString('en')} (${a.probes} probes; ${Object.entries(a.failures).map(([why, n]) => `${n} × ${why}`).join(', ') || 'none failed'}) | ${(r.newLeaderCpuMs / 1000).toFixed(1)} |`;
}

function setupRow(r: Result): string {
  const m = r.masterAfter;
  return `| ${r.agents.toLocaleString('en')} × ${(r.tasks / r.agents).toFixed(0)} | ${s(r.registerMs)} | ${s(r.launchMs)} | ${m['master/slave_reregistrations']} / ${m['master/slaves_active']} | ${m['master/tasks_running']?.toLocaleString('en')} | ${m['master/frameworks_active']} | ${r.loadBefore} → ${r.loadAfter} |`;
}

export async function run(): Promise<string> {
  const scales = (process.env.FAILOVER_BENCH_AGENTS ?? '1000,10000').split(',').map(Number);
  const perAgent = Number(process.env.FAILOVER_BENCH_TASKS ?? 10);
  const loadStart = uptime();
  const results: Result[] = [];
  const failed: Array<{ agents: number; reason: string; loadBefore: string; loadAfter: string }> = [];
  for (const n of scales) {
    console.log(`-- ${n} agents × ${perAgent} tasks`);
    const loadBefore = uptime();
    try {
      const r = await scenario(n, perAgent);
      console.log(row(r));
      results.push(r);
    } catch (err) {
      // A scale that cannot be measured is reported with its reason; the next one still runs.
      const reason = (err as Error).message
        .split('\n')
        .filter((l) => !/Reading the group|Elected, but only|listening on/.test(l))
        .map((l) => l.trim().replace(/^[IWE]\d{4} /, ''))
        .join(' ');
      console.log(`   NOT MEASURED: ${reason}`);
      failed.push({ agents: n, reason, loadBefore, loadAfter: uptime() });
    }
  }
  const loadEnd = uptime();
  const left = [...spawned].filter(([pid]) => statOf(pid) !== undefined).map(([pid, name]) => ({ pid, cmd: name }));
  if (left.length > 0) console.log(`   LEFT RUNNING: ${left.map((p) => `${p.pid} ${p.cmd}`).join('; ')}`);
  return `
Master failover in the shape of an HA cluster, every part its own process on this one machine (${os.cpus().length} cores): a real
three-server ZooKeeper ensemble (Debian's \`zookeeper\`, tickTime 500 ms), three \`plateau master --zk zk://…/mesos --quorum 2
--zk_session_timeout ${SESSION_SECS}secs\` (registry in ZooKeeper, other flags at Mesos's defaults), one **agents process** holding N
\`HttpSimulatedAgent\`s (test/harness/httpSimulatedAgent.ts: the real HTTP agent link \`HttpMasterLink\`, one event stream per
agent, one \`HttpMasterLink\` per 16 agents for their calls, one ZooKeeper detector for the process; \`${AGENT_RESOURCES}\` each;
TASK_STARTING then TASK_RUNNING, each after the previous is acknowledged) and one **framework process** (\`HttpSchedulerDriver\`,
as Marathon uses, following the leader through its own ZooKeeper detector and re-subscribing with its framework id when the
detector names another leader). The framework puts ${perAgent} tasks on every agent (at most 250 agents' launches in flight:
set-up, not measured) and acknowledges every update; once every agent holds its tasks as TASK_RUNNING
with nothing unacknowledged, the leading master gets **SIGKILL**. Times are seconds after the kill, all wall clock on this machine:

- **ZK expiry**: the benchmark's own detector sees the dead leader's \`json.info_\` node gone (ZooKeeper expired its session;
  the session timeout is ${SESSION_SECS} s, checked by ZooKeeper on 500 ms ticks).
- **elected / serving**: the new leader's \`elected_time\` (set when its registry recovery from ZooKeeper finished), and the
  first poll (every ${POLL_MS} ms) where it answers \`/metrics/snapshot\` with \`master/elected\` 1 and \`/master/state\` with 200.
- **re-subscribed / re-offered**: the framework's SUBSCRIBED from the new leader and the first OFFERS after it (the framework
  subscribes once the named leader answers its v1 API, probed every 20 ms, rather than through the driver's 503 backoff).
- **agents**: measured on the agents' side. An agent whose link dropped waits for its detector to name another leader, then
  sends REREGISTER (all its tasks and their framework, as \`core/agent/agent.ts\` does). While the new leader has taken no
  re-registration yet (it answers 503 until its registry is recovered), one agent probes it every 20 ms; after the first
  success all go, at most 400 attempts in flight (under the master's listen backlog); a failed attempt is retried after
  [0, min(1 s, 100 ms·2ⁿ)]. "first / last REGISTERED" is when the first and the last agent got REGISTERED from the new leader;
  **window** is last minus first, the figure comparable with Mesos's benchmark (agents re-registering with a master that
  is up); "after serving" is last REGISTERED minus serving.

| Scale | ZK expiry | elected | serving (≤ 5 s) | re-subscribed | re-offered (≤ 5 s) | agents: new leader detected / first REREGISTER | first / last REGISTERED | window (target) | last after serving | attempts (failures) | new leader CPU in the window (s) |
|---|---|---|---|---|---|---|---|---|---|---|---|
${[...results.map(row), ...failed.map((f) => `| ${f.agents.toLocaleString('en')} agents × ${perAgent} tasks | not measured: ${f.reason.replace(/\|/g, '/')} (${f.loadBefore} → ${f.loadAfter}) | | | | | | | | | | |`)].join('\n')}

Set-up and checks (the new leader's \`/metrics/snapshot\` once every agent re-registered; load is \`uptime\`'s before → after the scale):

| Scale | agents registered in (s) | ${'tasks launched in (s)'} | new leader: re-registrations / active agents | tasks running | frameworks active | load average |
|---|---|---|---|---|---|---|
${results.map(setupRow).join('\n')}

Targets (issue 6): failover (kill -9 to the new leader serving and re-offering) ≤ 5 s with a 4 s session timeout; all agents
re-registered ≤ 0.5 s at 1,000 agents / 10,000 tasks and ≤ 4.5 s at 10,000 / 100,000 (Mesos 1.5's published figures).
Machine load at the start of the run: ${loadStart}; at the end: ${loadEnd}. Of the ${spawned.size} processes the run started (ZooKeeper servers, masters, children), left running after it: ${left.length === 0 ? 'none' : left.map((p) => p.cmd).join('; ')}.
`;
}
