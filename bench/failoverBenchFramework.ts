// bench/failoverBenchFramework.ts is the failover benchmark's framework process: a v1 HTTP scheduler
// (`HttpSchedulerDriver`, as Marathon uses) that finds the leading master through ZooKeeper (`MasterGroup`, detect
// only) and, when the detector names a different leader, re-subscribes there with its framework id, as Mesos's
// scheduler library does. Before the failover it puts `<tasks per agent>` tasks on every agent (one ACCEPT per offer,
// at most MAX_FILLING agents' launches in flight) and acknowledges every update; it declines everything else with a
// long filter. Started by
// bench/masterFailover.bench.ts with `<zk url> <agents> <tasks per agent>`; IPC: `launched` (sent unasked once every
// task is TASK_RUNNING), `arm` (the next leader change is the measured failover), `reoffered` (sent unasked when the
// first OFFERS arrives from the new leader, with the timings).
import { MasterGroup } from '../core/coordination/masterGroup.js';
import { masterUrlOf } from '../core/coordination/masterInfoJson.js';
import { parseZkUrl } from '../core/coordination/zkUrl.js';
import { CryptoRng } from '../core/node/cryptoRng.js';
import { HttpSchedulerDriver } from '../core/node/httpSchedulerDriver.js';
import { NodeZkSession } from '../core/node/nodeZkSession.js';
import { SystemClock } from '../core/node/systemClock.js';
import type { SchedulerEvent } from '../core/protocol/mesos/scheduler.js';
import type { FrameworkInfo, Offer, Resource } from '../core/protocol/mesos/v1.js';
import { answerParent, tell } from './benchChild.js';

const TASK = { cpus: 0.1, mem: 32 };
/** PROBE_MS is how often a newly named leader is asked whether it serves its API yet. */
const PROBE_MS = 20;
/** MAX_FILLING is how many agents may have launches not yet all TASK_RUNNING; offers beyond are declined for 1 s. */
const MAX_FILLING = 250;
const say = (msg: string) => (process.env.FAILOVER_BENCH_VERBOSE ? process.stderr.write(`[framework] ${msg}\n`) : undefined);
const [zkArg = '', agentsArg, perAgentArg] = process.argv.slice(2);
const agents = Number(agentsArg);
const perAgent = Number(perAgentArg);
const clock = new SystemClock();
const rng = new CryptoRng();
const zk = parseZkUrl(zkArg);
const group = new MasterGroup({ path: zk.path, clock, newSession: () => NodeZkSession.connect(zk, 10_000, clock), log: (level, msg) => say(`${level}: ${msg}`) });
const info: FrameworkInfo = { user: 'root', name: 'failover-bench', failover_timeout: 3600, roles: ['*'], capabilities: [{ type: 'MULTI_ROLE' }] };

let driver: HttpSchedulerDriver | undefined;
/** following is the id of the master the current driver was started for. */
let following: string | undefined;
let frameworkId: string | undefined;
const filled = new Set<string>();
const running = new Set<string>();
let launchedTold = false;
let disposed = false;
let armed: { detectedAt?: number; subscribedAt?: number; subscribedTo?: string; offeredAt?: number } | undefined;

function follow(): void {
  const leader = group.state().leader;
  if (!leader || leader.id === following) return;
  following = leader.id;
  say(`following ${masterUrlOf(leader)}`);
  if (armed) armed.detectedAt ??= Date.now();
  const old = driver;
  driver = undefined;
  void old?.dispose();
  void startDriver(leader.id, masterUrlOf(leader));
}

/**
 * startDriver subscribes at `url` once that master answers its v1 API itself, probing with GET_HEALTH every PROBE_MS.
 * ZooKeeper may name the new leader to this detector before the new leader's own detector has noticed; until then it
 * redirects (307) to the leader it still knows, the dead one, and `HttpSchedulerDriver` follows a redirect for good,
 * so it would keep calling a dead master. Once it leads it answers 503 until its registry is recovered, and the
 * driver's backoff after a 503 (up to 250 ms·2ⁿ) would measure the driver rather than the master.
 */
async function startDriver(id: string, url: string): Promise<void> {
  while (following === id && !disposed) {
    const res = await fetch(`${url}/api/v1`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"type":"GET_HEALTH"}', redirect: 'manual', signal: AbortSignal.timeout(2000) }).catch(() => undefined);
    await res?.arrayBuffer().catch(() => undefined);
    if (res?.status === 200) break;
    await new Promise((r) => setTimeout(r, PROBE_MS));
  }
  if (following !== id || disposed) return;
  const d = new HttpSchedulerDriver(url, clock, rng);
  driver = d;
  d.start(frameworkId ? { ...info, id: { value: frameworkId } } : info, {
    onEvent: (e) => onEvent(d, e),
    onDisconnected: (reason) => say(`disconnected: ${reason}`),
  });
}

function onEvent(d: HttpSchedulerDriver, e: SchedulerEvent): void {
  switch (e.type) {
    case 'SUBSCRIBED':
      frameworkId = e.subscribed.framework_id.value;
      say(`subscribed as ${frameworkId} to ${e.subscribed.master_info.pid ?? ''}`);
      if (armed) {
        armed.subscribedAt ??= Date.now();
        armed.subscribedTo ??= e.subscribed.master_info.id;
      }
      return;
    case 'OFFERS': {
      if (armed) say(`${e.offers.offers.length} offers`);
      if (armed && armed.subscribedAt !== undefined && armed.offeredAt === undefined) {
        armed.offeredAt = Date.now();
        tell({ type: 'reoffered', ...armed, offers: e.offers.offers.length });
      }
      const decline: Offer['id'][] = [];
      const later: Offer['id'][] = [];
      for (const offer of e.offers.offers) {
        if (armed || filled.has(offer.agent_id.value)) {
          decline.push(offer.id);
          continue;
        }
        // The launch is set-up, not what is measured: it goes at a pace the leader takes without long stalls.
        if ((filled.size - running.size / perAgent) >= MAX_FILLING) {
          later.push(offer.id);
          continue;
        }
        filled.add(offer.agent_id.value);
        const role = offer.allocation_info?.role ?? '*';
        const scalar = (name: string, value: number): Resource => ({ name, type: 'SCALAR', scalar: { value }, allocation_info: { role } });
        const tasks = Array.from({ length: perAgent }, (_, k) => ({
          name: `t-${offer.hostname}-${k}`,
          task_id: { value: `t-${offer.hostname}-${k}` },
          agent_id: offer.agent_id,
          resources: [scalar('cpus', TASK.cpus), scalar('mem', TASK.mem)],
          command: { value: 'sleep 100000' },
        }));
        d.call({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: tasks } }], filters: { refuse_seconds: 3600 } } }).catch((err: Error) => say(`ACCEPT failed: ${err.message}`));
      }
      if (decline.length > 0) d.call({ type: 'DECLINE', decline: { offer_ids: decline, filters: { refuse_seconds: 3600 } } }).catch((err: Error) => say(`DECLINE failed: ${err.message}`));
      if (later.length > 0) d.call({ type: 'DECLINE', decline: { offer_ids: later, filters: { refuse_seconds: 1 } } }).catch((err: Error) => say(`DECLINE failed: ${err.message}`));
      return;
    }
    case 'UPDATE': {
      const s = e.update.status;
      if (s.state === 'TASK_RUNNING') running.add(s.task_id.value);
      else running.delete(s.task_id.value);
      if (s.uuid && s.agent_id) d.call({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: s.agent_id, task_id: s.task_id, uuid: s.uuid } }).catch((err: Error) => say(`ACKNOWLEDGE failed: ${err.message}`));
      if (!launchedTold && running.size === agents * perAgent) {
        launchedTold = true;
        tell({ type: 'launched', running: running.size, frameworkId });
      }
      return;
    }
    default:
      return;
  }
}

group.onChange(() => follow());
group.start();

answerParent(
  {
    arm: () => {
      armed = {};
      return { running: running.size };
    },
  },
  async () => {
    disposed = true;
    group.dispose();
    await driver?.dispose();
  },
);
