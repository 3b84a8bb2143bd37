// bench/failoverBenchAgents.ts is the failover benchmark's agents process: N `HttpSimulatedAgent`s on the real HTTP
// agent link, following the leading master through ZooKeeper as `plateau agent --master zk://…` does, with ONE
// detector (`MasterGroup`, detect only) for all of them; each agent holds its own event stream to the master, and
// AGENTS_PER_LINK agents share one `HttpMasterLink`'s connections for their calls. It is started by
// bench/masterFailover.bench.ts with `<zk url> <agents> <resources>` and answers over IPC: `ready` (sent unasked once
// every agent registered), `status` (tasks held and unacknowledged updates), `failover` (sent unasked once every agent
// re-registered after a leader change, with the timings).
//
// Re-registration follows Mesos's agent, not a timer of its own: an agent whose link dropped waits for the detector to
// name a different leader, then sends REREGISTER (Mesos's benchmark shape: no registration backoff). The detector
// names the new leader before it has recovered its registry, and until then it answers 503: so that N agents do not
// hammer a recovering master (which would measure this process's retry storm), one agent at a time probes it every
// PROBE_MS until the first REREGISTER succeeds, then all go. At most MAX_OPENING attempts are in flight at once, so
// the burst stays under the master's listen backlog (511) instead of measuring SYN retries; an attempt that still
// fails is retried after a random delay in [0, min(1 s, RETRY_BASE_MS·2ⁿ)], as the agent's own backoff does.
import { performance } from 'node:perf_hooks';
import { MasterGroup } from '../core/coordination/masterGroup.js';
import { masterUrlOf } from '../core/coordination/masterInfoJson.js';
import { parseZkUrl } from '../core/coordination/zkUrl.js';
import { HttpMasterLink } from '../core/node/httpMasterLink.js';
import { NodeZkSession } from '../core/node/nodeZkSession.js';
import { SystemClock } from '../core/node/systemClock.js';
import { HttpSimulatedAgent } from '../test/harness/httpSimulatedAgent.js';
import { answerParent, tell } from './benchChild.js';

/** MAX_OPENING is how many (re-)registrations may be in flight at once (FAILOVER_BENCH_MAX_OPENING overrides it). */
const MAX_OPENING = Number(process.env.FAILOVER_BENCH_MAX_OPENING ?? 400);
/** RETRY_BASE_MS is the first retry's backoff bound after a failed attempt (FAILOVER_BENCH_RETRY_MS overrides it). */
const RETRY_BASE_MS = Number(process.env.FAILOVER_BENCH_RETRY_MS ?? 100);
/** PROBE_MS is how often the one probing agent tries a new leader that has not yet taken a re-registration. */
const PROBE_MS = 20;
/** AGENTS_PER_LINK agents share one `HttpMasterLink` (its pool of call connections). */
const AGENTS_PER_LINK = 16;

const say = (msg: string) => (process.env.FAILOVER_BENCH_VERBOSE ? process.stderr.write(`[agents] ${msg}\n`) : undefined);
const [zkArg = '', countArg, resources = ''] = process.argv.slice(2);
const count = Number(countArg);
const clock = new SystemClock();
const zk = parseZkUrl(zkArg);
const group = new MasterGroup({ path: zk.path, clock, newSession: () => NodeZkSession.connect(zk, 10_000, clock), log: (level, msg) => say(`${level}: ${msg}`) });
const leaderUrl = () => {
  const leader = group.state().leader;
  return leader ? masterUrlOf(leader) : undefined;
};
// A real agent has its own link, with its own connections for calls: shared by all N agents, one link's 8 sockets
// would queue every agent's PONG behind tens of thousands of status updates, and the master would mark agents
// unreachable for pings they answered in time. One link per AGENTS_PER_LINK agents keeps that queue short while
// holding at most N / AGENTS_PER_LINK · 8 call sockets (the event streams are one per agent in any case).
const links = Array.from({ length: Math.ceil(count / AGENTS_PER_LINK) }, () => new HttpMasterLink(leaderUrl));

interface Wave {
  /** lostAt is when the first link dropped; detectedAt when the detector named the new leader. */
  lostAt: number;
  detectedAt: number | undefined;
  firstSentAt: number | undefined;
  firstDoneAt: number | undefined;
  lastDoneAt: number | undefined;
  attempts: number;
  /** probes are the attempts made while the new leader had taken no re-registration yet. */
  probes: number;
  failures: Map<string, number>;
  done: number;
}

const agents: HttpSimulatedAgent[] = [];
/** lost are agents whose link dropped, waiting for a (new) leader; queue those due for an attempt now. */
const lost = new Set<HttpSimulatedAgent>();
const queue: HttpSimulatedAgent[] = [];
const retryAttempts = new Map<HttpSimulatedAgent, number>();
const retryTimers = new Set<NodeJS.Timeout>();
let inFlight = 0;
let wave: Wave | undefined;
let disposed = false;

function onLinkLost(agent: HttpSimulatedAgent): void {
  wave ??= { lostAt: Date.now(), detectedAt: undefined, firstSentAt: undefined, firstDoneAt: undefined, lastDoneAt: undefined, attempts: 0, probes: 0, failures: new Map(), done: 0 };
  lost.add(agent);
  release();
}

/** release queues the lost agents once the detector names a leader other than the one they lost. */
function release(): void {
  const leader = group.state().leader;
  if (!leader || !wave) return;
  for (const agent of lost) {
    if (agent.masterId === leader.id) continue;
    wave.detectedAt ??= Date.now();
    lost.delete(agent);
    queue.push(agent);
  }
  pump();
}

function pump(): void {
  // Until the new leader took a first re-registration, only one agent (the probe) tries it.
  const limit = () => (wave?.firstDoneAt === undefined ? 1 : MAX_OPENING);
  while (!disposed && inFlight < limit() && queue.length > 0) {
    const agent = queue.shift() as HttpSimulatedAgent;
    const w = wave as Wave;
    inFlight++;
    w.attempts++;
    if (w.firstDoneAt === undefined) w.probes++;
    w.firstSentAt ??= Date.now();
    agent.reregister().then(
      () => {
        inFlight--;
        const now = Date.now();
        w.firstDoneAt ??= now;
        w.lastDoneAt = now;
        w.done++;
        retryAttempts.delete(agent);
        if (w.done === count) finishWave(w);
        pump();
      },
      (err: Error) => {
        inFlight--;
        const reason = /\b(\d{3})\b/.exec(err.message)?.[1] ?? (err as NodeJS.ErrnoException).code ?? err.message.slice(0, 40);
        w.failures.set(reason, (w.failures.get(reason) ?? 0) + 1);
        const probing = w.firstDoneAt === undefined;
        const n = probing ? 0 : (retryAttempts.get(agent) ?? 0);
        if (!probing) retryAttempts.set(agent, n + 1);
        const delay = probing ? PROBE_MS : Math.floor(Math.random() * Math.min(1000, RETRY_BASE_MS * 2 ** n));
        const timer = setTimeout(() => {
          retryTimers.delete(timer);
          // The probe goes back to the head of the queue; other retries to its tail.
          if (probing) queue.unshift(agent);
          else queue.push(agent);
          pump();
        }, delay);
        retryTimers.add(timer);
        // A failed probe is the only attempt while probing: the next one waits for its timer, not for the next agent.
        if (!probing) pump();
      },
    );
  }
}

function finishWave(w: Wave): void {
  wave = undefined;
  say(`all ${w.done} agents re-registered (${w.attempts} attempts)`);
  const tasks = agents.reduce((n, a) => n + a.taskCount(), 0);
  tell({ type: 'failover', lostAt: w.lostAt, detectedAt: w.detectedAt, firstSentAt: w.firstSentAt, firstDoneAt: w.firstDoneAt, lastDoneAt: w.lastDoneAt, attempts: w.attempts, probes: w.probes, failures: Object.fromEntries(w.failures), agents: w.done, tasks });
}

group.onChange(() => release());
group.start();

// First registration: wait for a leader, then register every agent (at most MAX_OPENING at once).
const t0 = performance.now();
while (!group.state().leader) await new Promise((r) => setTimeout(r, 50));
for (let i = 0; i < count; i++) {
  agents.push(new HttpSimulatedAgent(links[Math.floor(i / AGENTS_PER_LINK)] as HttpMasterLink, { hostname: `sim-${i}`, ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, resources, onLinkLost }));
}
let next = 0;
await Promise.all(
  Array.from({ length: Math.min(MAX_OPENING, count) }, async () => {
    while (next < count) {
      const agent = agents[next++] as HttpSimulatedAgent;
      for (let attempt = 0; ; attempt++) {
        try {
          await agent.register();
          break;
        } catch (err) {
          if (attempt >= 20) throw err;
          await new Promise((r) => setTimeout(r, 100 + Math.random() * 400));
        }
      }
    }
  }),
);
const registerMs = performance.now() - t0;

answerParent(
  {
    status: () => ({
      connected: agents.filter((a) => a.connected).length,
      tasks: agents.reduce((n, a) => n + a.taskCount(), 0),
      running: agents.reduce((n, a) => n + a.runningTasks(), 0),
      unacknowledged: agents.reduce((n, a) => n + a.unacknowledged(), 0),
      updatesFailed: agents.reduce((n, a) => n + a.counters.updatesFailed, 0),
    }),
  },
  async () => {
    disposed = true;
    for (const t of retryTimers) clearTimeout(t);
    for (const a of agents) a.close();
    for (const link of links) link.dispose();
    group.dispose();
  },
);
tell({ type: 'ready', registerMs, agents: agents.length });
