// bench/marathonBenchCluster.ts is the Marathon benchmark's cluster process: a master (`createMaster`,
// in-memory registry, its real HTTP server) and N `SimulatedAgent`s linked to it in this same process
// (they have no processes or sockets to run, so they cost the master's process only their agent-link
// work). It is started by bench/marathon.bench.ts with `<agents> <resources> <allocation interval ms>`
// and answers over IPC: `ready` (sent unasked once the agents are registered), `mark` (start the
// measuring window), `report` (the window's figures).
import { performance } from 'node:perf_hooks';
import { createMaster } from '../core/runtime/createMaster.js';
import { SimulatedAgent } from '../test/harness/simulatedAgent.js';
import { answerParent, tell } from './benchChild.js';
import { ProcessMeter } from './processMeter.js';

// MARATHON_BENCH_VERBOSE=1 shows this process's warnings and errors.
const say = (msg: string) => (process.env.MARATHON_BENCH_VERBOSE ? process.stderr.write(`[master] ${msg}\n`) : undefined);
const log = { info: () => undefined, warn: say, error: say };
const [agentsArg, resources = '', intervalArg] = process.argv.slice(2);
const agentCount = Number(agentsArg);
const m = await createMaster({ ip: '127.0.0.1', port: 0, hostname: '127.0.0.1', registry: 'in_memory', work_dir: '', allocation_interval: Number(intervalArg) }, { log });

// Allocator cycle time: wrap the pure allocator's allocate().
let allocCycles = 0;
let allocMs = 0;
let allocMaxMs = 0;
const allocate = m.master.allocator.allocate.bind(m.master.allocator);
m.master.allocator.allocate = (now: number) => {
  const t = performance.now();
  const out = allocate(now);
  const d = performance.now() - t;
  allocCycles++;
  allocMs += d;
  allocMaxMs = Math.max(allocMaxMs, d);
  return out;
};

const t0 = performance.now();
const agents: SimulatedAgent[] = [];
for (let i = 0; i < agentCount; i++) {
  const a = new SimulatedAgent(m.master, { hostname: `sim-${i}`, ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, resources });
  await a.register();
  agents.push(a);
}
const registerMs = performance.now() - t0;

const meter = new ProcessMeter();
let counters0 = { ...m.master.counters };
answerParent(
  {
    mark: () => {
      counters0 = { ...m.master.counters };
      allocCycles = 0;
      allocMs = 0;
      allocMaxMs = 0;
      meter.start();
      return {};
    },
    report: () => {
      const c = m.master.counters;
      return {
        ...meter.stop(),
        allocCycles,
        allocMs,
        allocMaxMs,
        offersMade: c.offers_made - counters0.offers_made,
        offersDeclined: c.offers_declined - counters0.offers_declined,
        statusUpdates: c.valid_status_updates - counters0.valid_status_updates,
      };
    },
  },
  () => m.dispose(),
);
tell({ type: 'ready', url: m.url, registerMs });
