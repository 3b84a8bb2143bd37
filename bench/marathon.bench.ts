// bench/marathon.bench.ts measures the whole launch path API → Marathon → master → allocator → agent →
// TASK_RUNNING → Marathon in the deployment shape of a real cluster: Marathon runs in a process of its own
// (bench/marathonBenchMarathon.ts, `createMarathon` with its HTTP v1 scheduler driver, as `plateau marathon
// --master http://…` runs) and the master with its simulated agents in another (bench/marathonBenchCluster.ts;
// test/harness/simulatedAgent.ts: the real agent link, no processes). Apps are POSTed through Marathon's real
// HTTP API; "done" is when Marathon's scheduler holds every instance as TASK_RUNNING (confirmed by
// GET /v2/apps). Meanwhile a worker thread of this (otherwise idle) process issues `GET /v2/apps/{id}`
// open-loop at a fixed rate and records each latency, so a stalled Marathon event loop shows up as latency
// rather than as fewer samples. Each child process measures itself (bench/processMeter.ts).
// Environment: MARATHON_BENCH_SCALES picks the scales ("500x5000,5000x50000:noprobe");
// MARATHON_BENCH_CPU_PROF=<dir> writes V8 CPU profiles of both children there; MARATHON_BENCH_CLUSTER_NICE
// sets the cluster process's niceness (default CLUSTER_NICE); MARATHON_BENCH_MARATHON_FLAGS adds Node flags
// to the Marathon process; MARATHON_BENCH_STORE=sqlite and MARATHON_BENCH_VERBOSE=1 are read by the children.
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { BenchChild, type BenchMessage } from './benchChild.js';
import type { ProcessFigures } from './processMeter.js';
import type { ApiThreadFigures } from '../core/runtime/marathonApiThread.js';

const ALLOCATION_INTERVAL_MS = 100;
const AGENT_RESOURCES = 'cpus:16;mem:65536;disk:65536;ports:[31000-32000]';
const APPS = 4;
const APP = { cmd: 'sleep 100000', cpus: 0.1, mem: 64 };
const PROBE_RATE = 1000;
/** CLUSTER_NICE is the niceness of the cluster process (MARATHON_BENCH_CLUSTER_NICE overrides it; 0 shares the CPU evenly). */
const CLUSTER_NICE = 10;
/** FLOOR_RATE is the rate of the second probe, at a trivial server in this process: what this machine allows any Node server. */
const FLOOR_RATE = 200;
/** BIG_SAMPLES sequential `GET /v2/apps/app-0` (whose answer embeds every task of a quarter of the instances) after the launch. */
const BIG_SAMPLES = 20;

interface Scenario {
  agents: number;
  instances: number;
  timeoutMs: number;
  /** probe runs the API probes; without, the launch runs alone (pure launch throughput). */
  probe: boolean;
}

/** ClusterReport is the cluster process's measuring window: the process, the allocator and the master's counters. */
type ClusterReport = BenchMessage &
  ProcessFigures & {
    allocCycles: number;
    allocMs: number;
    allocMaxMs: number;
    offersMade: number;
    offersDeclined: number;
    statusUpdates: number;
  };

/** MarathonReport is the Marathon process's measuring window and the instances it then held running. */
type MarathonReport = BenchMessage & ProcessFigures & { running: number; api: ApiThreadFigures };

interface Result extends Scenario {
  registerMs: number;
  postMs: number;
  firstRunningMs: number | undefined;
  milestones: Map<number, number>;
  running: number;
  launchMs: number;
  completed: boolean;
  apiRunning: number;
  cluster: ClusterReport;
  marathon: MarathonReport;
  latencies: number[];
  probeErrors: number;
  probeSent: number;
  probeSkipped: number;
  probeSeconds: number;
  bigLatencies: number[];
  bigBytes: number;
  /** bigProbe is the probe's latencies while the large reads run (after the launch). */
  bigProbe: number[];
  /** floor is the latencies of the trivial server's probe during the launch. */
  floor: number[];
}

// The probe runs in a worker thread: open loop, `rate` requests/s over keep-alive connections (one per request in
// flight), each latency recorded from the moment its request is sent, under the phase current at that moment (the
// parent names phases; requests of the first, "warmup", are not kept).
const PROBE_SOURCE = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const { url, rate } = workerData;
const MAX_INFLIGHT = 64;
const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_INFLIGHT });
const phases = {};
let phase = 'warmup', stop = false, inflight = 0, sent = 0, skipped = 0;
const t0 = performance.now();
const current = () => (phases[phase] ??= { latencies: [], errors: 0, sent: 0, skipped: 0, since: performance.now(), until: 0 });
parentPort.on('message', (m) => {
  if (m.phase === undefined) { stop = true; return; }
  current().until = performance.now();
  phase = m.phase;
  current();
});
function tick() {
  if (stop) {
    current().until = performance.now();
    const wait = () => {
      if (inflight > 0) return setTimeout(wait, 5);
      agent.destroy();
      parentPort.postMessage(phases);
    };
    return wait();
  }
  const due = Math.floor(((performance.now() - t0) / 1000) * rate);
  while (sent + skipped < due) {
    const p = current();
    // A request due while MAX_INFLIGHT are still unanswered is counted as skipped (the server is that far behind).
    if (inflight >= MAX_INFLIGHT) { skipped++; p.skipped++; continue; }
    sent++;
    p.sent++;
    inflight++;
    const start = performance.now();
    let done = false;
    const finish = (ok) => { if (done) return; done = true; inflight--; if (ok) p.latencies.push(performance.now() - start); else p.errors++; };
    http.get(url, { agent }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => finish(res.statusCode === 200));
      res.on('error', () => finish(false));
    }).on('error', () => finish(false));
  }
  setTimeout(tick, 1);
}
tick();
`;

/** ProbeResult is one phase of a probe: its latencies (ms), failures, and requests sent and skipped over `seconds`. */
interface ProbeResult {
  latencies: number[];
  errors: number;
  sent: number;
  skipped: number;
  seconds: number;
}

const NO_PROBE: ProbeResult = { latencies: [], errors: 0, sent: 0, skipped: 0, seconds: 1 };

/** Probe is a running probe thread: `phase` names the phase from now on, `stop` ends it with every phase's samples, `terminate` (after a failure) without. */
interface Probe {
  phase(name: string): void;
  stop(): Promise<Map<string, ProbeResult>>;
  terminate(): Promise<void>;
}

function startProbe(url: string, rate: number): Probe {
  const worker = new Worker(PROBE_SOURCE, { eval: true, workerData: { url, rate } });
  return {
    phase: (name) => worker.postMessage({ phase: name }),
    stop: () =>
      new Promise((resolve, reject) => {
        worker.once('message', (m: Record<string, Omit<ProbeResult, 'seconds'> & { since: number; until: number }>) => {
          const phases = new Map(Object.entries(m).map(([k, v]) => [k, { latencies: v.latencies, errors: v.errors, sent: v.sent, skipped: v.skipped, seconds: (v.until - v.since) / 1000 }]));
          void worker.terminate().then(() => resolve(phases));
        });
        worker.once('error', reject);
        worker.postMessage({});
      }),
    terminate: async () => {
      await worker.terminate();
    },
  };
}

async function scenario(s: Scenario): Promise<Result> {
  const profile = process.env.MARATHON_BENCH_CPU_PROF;
  // One directory per process and scale: every thread (tsx's loader thread too) writes a profile of its own.
  const profArgs = (name: string) => (profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}/${name}-${s.agents}x${s.instances}${s.probe ? '' : '-noprobe'}`] : []);
  const children: BenchChild[] = [];
  let probeThread: Probe | undefined;
  let floorThread: Probe | undefined;
  try {
    const cluster = BenchChild.start('cluster process', 'bench/marathonBenchCluster.ts', [String(s.agents), AGENT_RESOURCES, String(ALLOCATION_INTERVAL_MS)], profArgs('cluster'));
    children.push(cluster);
    const ready = await cluster.next<{ type: string; url: string; registerMs: number }>('ready', 300_000);
    // The cluster stands in for the master's and the agents' own machines: on this box it yields the CPU to
    // Marathon (nice CLUSTER_NICE), as separate machines would leave Marathon its own.
    if (cluster.pid !== undefined) os.setPriority(cluster.pid, Number(process.env.MARATHON_BENCH_CLUSTER_NICE ?? CLUSTER_NICE));
    const marathonProc = BenchChild.start('Marathon process', 'bench/marathonBenchMarathon.ts', [ready.url], [...profArgs('marathon'), ...(process.env.MARATHON_BENCH_MARATHON_FLAGS?.split(' ').filter(Boolean) ?? [])]);
    children.push(marathonProc);
    const marathonUrl = (await marathonProc.next<{ type: string; url: string }>('ready')).url;

    // The 1,000 req/s probe reads a small app (1 instance) created before the clock starts: Marathon's
    // GET /v2/apps/{id} always embeds the app's tasks, so on the benchmark's apps it is not a small read.
    const probeRes = await fetch(`${marathonUrl}/v2/apps`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ id: 'probe', instances: 1, ...APP }) });
    await probeRes.text();
    if (probeRes.status !== 201) throw new Error(`POST /v2/apps (probe) answered ${probeRes.status}`);
    for (let i = 0; ; i++) {
      const probeApp = (await (await fetch(`${marathonUrl}/v2/apps/probe`)).json()) as { app: { tasksRunning: number } };
      if (probeApp.app.tasksRunning >= 1) break;
      if (i >= 1000) throw new Error('the probe app did not start within 20 s');
      await sleep(20);
    }

    let firstRunningAt: number | undefined;
    const milestoneAt = new Map<number, number>();
    let doneAt: number | undefined;
    let notifyDone = () => undefined as void;
    const finished = new Promise<void>((resolve) => (notifyDone = resolve));
    marathonProc.on('running', (m) => {
      const at = Number(m.at);
      firstRunningAt ??= at;
      if (typeof m.milestone === 'number') milestoneAt.set(m.milestone, at);
      if (m.done === true) {
        doneAt = at;
        notifyDone();
      }
    });
    let floorProc: BenchChild | undefined;
    if (s.probe) {
      // The floor: a trivial server in a process of its own answering the probe's bytes, probed at FLOOR_RATE meanwhile.
      const bytes = Buffer.from(await (await fetch(`${marathonUrl}/v2/apps/probe`)).arrayBuffer());
      floorProc = BenchChild.start('floor server', 'bench/trivialServer.ts', []);
      children.push(floorProc);
      const floorUrl = (await floorProc.request<{ type: string; url: string }>({ type: 'serve', body: bytes.toString('base64') })).url;
      floorThread = startProbe(floorUrl, FLOOR_RATE);
      probeThread = startProbe(`${marathonUrl}/v2/apps/probe`, PROBE_RATE);
      // A second of warm-up (connections, compilation) whose samples are not kept.
      await sleep(1000);
      probeThread.phase('launch');
      floorThread.phase('launch');
    }
    await Promise.all([cluster.request({ type: 'mark' }), marathonProc.request({ type: 'watch', instances: s.instances, exclude: '/probe' })]);
    const start = wallNow();
    const per = Math.floor(s.instances / APPS);
    for (let a = 0; a < APPS; a++) {
      const instances = a === APPS - 1 ? s.instances - per * (APPS - 1) : per;
      const res = await fetch(`${marathonUrl}/v2/apps`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ id: `app-${a}`, instances, ...APP }) });
      await res.text();
      if (res.status !== 201) throw new Error(`POST /v2/apps answered ${res.status}`);
    }
    const postMs = wallNow() - start;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([finished, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, s.timeoutMs - (wallNow() - start)))))]);
    clearTimeout(timer);
    const completed = doneAt !== undefined;
    const launchMs = (doneAt ?? wallNow()) - start;
    const [clusterFigures, marathonFigures] = await Promise.all([cluster.request<ClusterReport>({ type: 'report' }), marathonProc.request<MarathonReport>({ type: 'report' })]);
    probeThread?.phase('settle');
    const floor = (floorThread ? await floorThread.stop() : undefined)?.get('launch') ?? NO_PROBE;
    floorThread = undefined;
    await floorProc?.stop();
    // The large reads, one after another, with the probe still running: their serialisation must not hold it up.
    const bigLatencies: number[] = [];
    let bigBytes = 0;
    probeThread?.phase('reads');
    for (let k = 0; s.probe && k < BIG_SAMPLES; k++) {
      const t = performance.now();
      bigBytes = await drain(`${marathonUrl}/v2/apps/app-0`);
      bigLatencies.push(performance.now() - t);
    }
    const phases = probeThread ? await probeThread.stop() : undefined;
    probeThread = undefined;
    const probe = phases?.get('launch') ?? NO_PROBE;
    const bigProbe = phases?.get('reads') ?? NO_PROBE;
    let apiRunning = 0;
    const apps = (await (await fetch(`${marathonUrl}/v2/apps`)).json()) as { apps: Array<{ id: string; tasksRunning: number }> };
    for (const app of apps.apps) if (app.id !== '/probe') apiRunning += app.tasksRunning;
    const since = (at: number | undefined) => (at === undefined ? undefined : at - start);
    const result: Result = {
      ...s,
      registerMs: ready.registerMs,
      postMs,
      firstRunningMs: since(firstRunningAt),
      milestones: new Map([...milestoneAt].map(([q, at]) => [q, at - start])),
      running: marathonFigures.running,
      launchMs,
      completed,
      apiRunning,
      cluster: clusterFigures,
      marathon: marathonFigures,
      latencies: probe.latencies,
      probeErrors: probe.errors,
      probeSent: probe.sent,
      probeSkipped: probe.skipped,
      probeSeconds: probe.seconds,
      bigLatencies,
      bigBytes,
      bigProbe: bigProbe.latencies,
      floor: floor.latencies,
    };
    await marathonProc.stop();
    await cluster.stop();
    return result;
  } finally {
    await probeThread?.terminate();
    await floorThread?.terminate();
    for (const c of children) await c.kill();
  }
}

/** drain reads an answer to its end and counts its bytes without keeping them: the probe shares this process. */
function drain(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`GET ${url} answered ${res.statusCode}`))));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** wallNow is wall-clock time with sub-millisecond resolution, comparable with the children's timestamps. */
function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const f1 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(1));
const s1 = (ms: number | undefined) => (ms === undefined ? '–' : (ms / 1000).toFixed(1));

function describeResult(r: Result): string {
  const lat = [...r.latencies].sort((a, b) => a - b);
  const rate = r.running / (r.launchMs / 1000);
  const big = [...r.bigLatencies].sort((a, b) => a - b);
  const floor = [...r.floor].sort((a, b) => a - b);
  const during = [...r.bigProbe].sort((a, b) => a - b);
  const launch = `${r.completed ? s1(r.launchMs) : `not done in ${s1(r.launchMs)}`} | ${r.running.toLocaleString('en')} (API: ${r.apiRunning.toLocaleString('en')}) | ${rate.toFixed(0)} | ${s1(r.firstRunningMs)} / ${s1(r.milestones.get(0.5))}`;
  if (!r.probe) return `| ${r.agents.toLocaleString('en')} agents × ${r.instances.toLocaleString('en')} instances, no API probe | ${launch} | – | – | – | – | – |`;
  return `| ${r.agents.toLocaleString('en')} agents × ${r.instances.toLocaleString('en')} instances | ${launch} | ${f1(pct(lat, 50))} / ${f1(pct(lat, 99))} / ${f1(lat.at(-1))} | ${(lat.length / r.probeSeconds).toFixed(0)} (${r.probeErrors} err, ${r.probeSkipped} skipped) | ${f1(pct(floor, 50))} / ${f1(pct(floor, 99))} | ${f1(pct(big, 50))} / ${f1(big.at(-1))} (${(r.bigBytes / 2 ** 20).toFixed(1)} MB) | ${f1(pct(during, 99))} / ${f1(during.at(-1))} |`;
}

function scaleName(r: Result): string {
  return `${r.agents.toLocaleString('en')} × ${r.instances.toLocaleString('en')}${r.probe ? '' : ', no probe'}`;
}

function describeClusterCosts(r: Result): string {
  const c = r.cluster;
  return `| ${scaleName(r)} | ${s1(r.registerMs)} | ${c.allocCycles} | ${f1(c.allocCycles ? c.allocMs / c.allocCycles : undefined)} / ${f1(c.allocMaxMs)} | ${s1(c.allocMs)} | ${c.offersMade.toLocaleString('en')} (${c.offersDeclined.toLocaleString('en')} declined) | ${c.statusUpdates.toLocaleString('en')} | ${f1(c.loopP99Ms)} / ${f1(c.loopMaxMs)} | ${s1(c.cpuMs)} | ${c.heapMb.toFixed(0)} |`;
}

function describeMarathonCosts(r: Result): string {
  const m = r.marathon;
  const a = m.api;
  return `| ${scaleName(r)} | ${f1(r.postMs)} | ${f1(m.loopP50Ms)} / ${f1(m.loopP99Ms)} / ${f1(m.loopMaxMs)} | ${m.gcCount} / ${s1(m.gcMs)} / ${f1(m.gcMaxMs)} | ${m.gcMajorCount} / ${f1(m.gcMajorMaxMs)} | ${f1(a.loopP50Ms)} / ${f1(a.loopP99Ms)} / ${f1(a.loopMaxMs)} | ${a.gcCount} / ${s1(a.gcMs)} / ${f1(a.gcMaxMs)} | ${s1(m.cpuMs)} | ${m.heapMb.toFixed(0)} / ${a.heapMb.toFixed(0)} |`;
}

export async function run(): Promise<string> {
  const argScale = process.env.MARATHON_BENCH_SCALES; // e.g. "500x5000,5000x50000"
  const scales: Scenario[] = (argScale ?? '500x5000,5000x50000,5000x50000:noprobe').split(',').map((p) => {
    const [scale, flag] = p.split(':');
    const [a, i] = (scale ?? '').split('x').map(Number);
    return { agents: a ?? 0, instances: i ?? 0, timeoutMs: 300_000, probe: flag !== 'noprobe' };
  });
  const results: Result[] = [];
  for (const s of scales) {
    console.log(`-- ${s.agents} agents × ${s.instances} instances${s.probe ? '' : ' (no API probe)'}`);
    const r = await scenario(s);
    console.log(`   ${r.completed ? 'done' : 'NOT done'}: ${r.running}/${r.instances} running in ${(r.launchMs / 1000).toFixed(1)} s`);
    results.push(r);
    if (!r.completed) break;
  }
  return `
End-to-end launch with simulated agents, in the deployment shape of a real cluster: three processes on one machine.
The **cluster process** runs a master (\`createMaster\`, registry \`in_memory\`, \`--allocation_interval=${ALLOCATION_INTERVAL_MS}ms\`, its real
HTTP server) and N \`SimulatedAgent\`s (\`${AGENT_RESOURCES}\` each; the real agent link through \`Master.registerAgent\`,
TASK_STARTING then TASK_RUNNING with uuids, each sent only after the previous one is acknowledged). The agents stay in the
master's process because they are simulated: they have no containers to run, and 5,000 agent processes (or agent links over
HTTP) would measure this machine rather than the master. It runs at nice ${CLUSTER_NICE}: it stands in for the master's and the
agents' own machines, and on a shared 2-core box it would otherwise take from Marathon CPU that Marathon has to itself in
production. The **Marathon process** runs \`createMarathon\` as \`plateau marathon --master http://…\` does, connected to the
master over the HTTP v1 scheduler API (\`HttpSchedulerDriver\`: one SUBSCRIBE stream of RecordIO events; ACCEPT, DECLINE,
ACKNOWLEDGE, REVIVE and SUPPRESS as POSTs, pipelined over keep-alive connections), except that its state is kept in memory
(\`MemoryStore\`) rather than in SQLite, whose synchronous commits would measure the disk. The **benchmark
process** POSTs ${APPS} apps (\`cpus:${APP.cpus}, mem:${APP.mem}\`) to Marathon's \`/v2/apps\`; the clock runs from the first POST until
Marathon's scheduler holds every instance as TASK_RUNNING (the sum of \`tasksRunning\` from \`GET /v2/apps\` is shown beside it).
While it runs, a worker thread of the benchmark process sends \`GET /v2/apps/probe\` (a 1-instance app created before the
clock starts) open-loop at ${PROBE_RATE}/s over keep-alive connections and records each latency from the moment the request is
sent (a request due while 64 are unanswered is counted as skipped, not sent; a first second of warm-up is not counted). The
**floor** is a second probe, at ${FLOOR_RATE}/s during the same launch, of a trivial Node HTTP server in a process of its own
(bench/trivialServer.ts) answering the same bytes: what this machine allows any Node server at that moment (it is shared with
other work, so it is noisy: compare the probe with it). \`GET /v2/apps/app-0\` (Marathon's answer embeds all the app's tasks, a large read at this
scale) is timed ${BIG_SAMPLES}× one after another after the launch, with the probe still running (last column): Marathon prints
such large answers in slices, between which it answers other requests.
${os.cpus().length} cores shared by the three processes; Marathon keeps its defaults (${'`--max_instances_per_offer`'} 5, offers accepted with refuse 1 s).

| Scale | Launch time (s) | Running (Marathon state) | Instances/s | First / half running (s) | \`GET /v2/apps/probe\` p50 / p99 / max (ms) | Probe answered/s | Floor: trivial server p50 / p99 (ms) | \`GET /v2/apps/app-0\` after launch p50 / max (ms) | Probe during those reads p99 / max (ms) |
|---|---|---|---|---|---|---|---|---|---|
${results.map(describeResult).join('\n')}

Targets: 50,000 instances across 5,000 agents in ≤ 60 s (≈ 833/s; the Mesos/Marathon "50,000 containers in under 90 s"
demo ≈ 555/s; kube-scheduler's gate 810 pods/s), and \`GET /v2/apps/{id}\` p99 ≤ 10 ms at 1,000 req/s.

Where the time goes. Every process figure covers the launch (first POST to all running) and is measured by that process
itself: CPU is the whole process (all threads), event-loop delay is its main thread's (\`monitorEventLoopDelay\`, 1 ms
resolution), heap is in use when the launch is done.

Cluster process (master + simulated agents; allocator time is the pure \`HierarchicalAllocator.allocate()\` inside the master's cycles):

| Scale | Agent registration (s) | Allocation cycles | allocate() mean / max (ms) | allocate() total (s) | Offers made | Status updates | Event-loop delay p99 / max (ms) | CPU (s) | Heap (MB) |
|---|---|---|---|---|---|---|---|---|---|
${results.map(describeClusterCosts).join('\n')}

Marathon process (GC: pauses observed by \`PerformanceObserver\`): its main thread, where the service schedules, and its API
thread (\`MarathonApiThread\`), which answers the reads from its replica and forwards the rest to the main thread:

| Scale | ${APPS} POSTs (ms) | Main thread: event-loop delay p50 / p99 / max (ms) | GC pauses: count / total (s) / max (ms) | of which mark-compact: count / max (ms) | API thread: event-loop delay p50 / p99 / max (ms) | API thread GC pauses: count / total (s) / max (ms) | CPU (s) | Heap main / API thread (MB) |
|---|---|---|---|---|---|---|---|---|
${results.map(describeMarathonCosts).join('\n')}
`;
}
