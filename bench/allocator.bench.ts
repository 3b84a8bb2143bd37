// bench/allocator.bench.ts measures one allocate() cycle of the pure allocator on the two shapes Mesos uses
// to benchmark its own: HierarchicalAllocator_BENCHMARK_Test.DeclineOffers (src/tests/
// hierarchical_allocator_tests.cpp) and BENCHMARK_HierarchicalAllocations.MultiFrameworkAllocations
// (src/tests/hierarchical_allocator_benchmarks.cpp). Only allocate() is timed; declines and task launches
// happen between the timed calls, as in Mesos, where the stopwatch wraps the allocation cycle alone.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { HierarchicalAllocator } from '../core/allocator/hierarchicalAllocator.js';
import type { Allocation } from '../core/allocator/hierarchicalAllocator.js';
import { Resources } from '../core/common/resources.js';
import { SeededRng } from '../core/common/rng.js';

/** INT_MAX_SECONDS is the refuse_seconds Mesos's DeclineOffers passes (the allocator caps it at 365 days). */
const INT_MAX_SECONDS = 2147483647;
const ALLOCATION_INTERVAL_MS = 1000;

// A full collection before each measurement keeps earlier garbage out of its timings; the pause after it
// lets V8's concurrent sweeping finish, which otherwise runs during (and slows) the first measured cycle.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
async function settle(): Promise<void> {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 100));
}

interface Timing {
  wallMs: number;
  cpuMs: number;
}

/** timed runs `fn` and returns its result with wall time and process CPU time (user + system, all threads, GC included). */
function timed<T>(fn: () => T): Timing & { value: T } {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { value, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

type Cycle = Timing & { offers: number };

interface DeclineResult {
  agents: number;
  frameworks: number;
  cycles: Cycle[];
  /** firsts are first cycles of fresh allocators of this shape. */
  firsts: Cycle[];
  filters: number;
  setupMs: number;
  wallMs: number;
}

/** portFragments cuts [31000-32000] into `n` disjoint, non-adjacent ranges, like Mesos's `fragment()` helper. */
function portFragments(n: number): string {
  const step = Math.floor(1001 / n);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const begin = 31000 + i * step;
    parts.push(`${begin}-${begin + Math.floor(step / 2) - 1}`);
  }
  return `[${parts.join(',')}]`;
}

/**
 * declineOffers reproduces DeclineOffers: all frameworks in role `*`, each agent partly used by one
 * framework, and every offer declined with refuse_seconds = INT_MAX, so filters pile up cycle after cycle.
 */
async function declineOffers(agentCount: number, frameworkCount: number, cycles: number, budgetMs: number): Promise<DeclineResult> {
  await settle();
  const wall = performance.now();
  const allocator = new HierarchicalAllocator({ rng: new SeededRng(42) });
  const frameworks: string[] = [];
  for (let i = 0; i < frameworkCount; i++) {
    frameworks.push(`framework-${i}`);
    allocator.addFramework(`framework-${i}`, { roles: ['*'] }, new Map(), true);
  }
  const agentResources = Resources.parse('cpus:24;mem:4096;disk:4096;ports:[31000-32000]');
  // Each agent runs 16 one-cpu tasks of one framework (round robin), each with a fragment of the ports.
  const used = Resources.parse(`cpus:16;mem:2014;disk:1024;ports:${portFragments(16)}`).allocate('*');
  for (let i = 0; i < agentCount; i++) {
    allocator.addAgent(`agent-${i}`, { hostname: `agent-${i}` }, agentResources, new Map([[frameworks[i % frameworkCount] as string, used]]));
  }
  const setupMs = performance.now() - wall;
  await settle();

  let now = 1_700_000_000_000;
  let offers: Allocation[] = [];
  let filters = 0;
  const results: Array<Timing & { offers: number }> = [];
  for (let cycle = 0; cycle < cycles; cycle++) {
    for (const offer of offers) allocator.recoverResources(offer.frameworkId, offer.agentId, offer.resources, INT_MAX_SECONDS, now);
    filters += offers.length;
    now += ALLOCATION_INTERVAL_MS;
    const t = timed(() => allocator.allocate(now));
    offers = t.value;
    results.push({ wallMs: t.wallMs, cpuMs: t.cpuMs, offers: offers.length });
    if (performance.now() - wall > budgetMs && cycle >= 10) break;
  }
  return { agents: agentCount, frameworks: frameworkCount, cycles: results, firsts: results.slice(0, 1), filters, setupMs, wallMs: performance.now() - wall };
}

interface Profile {
  name: string;
  role: string;
  instances: number;
  maxTasks: number;
  task: Resources;
  maxTasksPerOffer: number;
}

interface MultiResult {
  rounds: number;
  placed: number;
  total: number;
  offers: number;
  firstMs: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  totalAllocateMs: number;
  wallMs: number;
}

/**
 * multiFrameworkAllocations reproduces MultiFrameworkAllocations: 80 agents, Marathon-, Jenkins- and
 * Spark-like frameworks launching tasks from their offers and returning the rest without a filter. With
 * `suppressWhenDone`, a framework that has launched all its tasks suppresses offers, as real ones do
 * (Mesos's benchmark does not).
 */
async function multiFrameworkAllocations(timeoutMs: number, suppressWhenDone: boolean): Promise<MultiResult> {
  await settle();
  const wall = performance.now();
  const allocator = new HierarchicalAllocator({ rng: new SeededRng(7) });
  for (let i = 0; i < 80; i++) allocator.addAgent(`agent-${i}`, { hostname: `agent-${i}` }, Resources.parse('cpus:64;mem:488000'), new Map());
  const profiles: Profile[] = [];
  for (let i = 1; i <= 4; i++) {
    profiles.push({ name: `Marathon-${i}`, role: `roleA-${i}`, instances: 1, maxTasks: 4000, task: Resources.parse('cpus:0.07;mem:400'), maxTasksPerOffer: 100 });
  }
  profiles.push({ name: 'Jenkins', role: 'roleB', instances: 500, maxTasks: 5, task: Resources.parse('cpus:0.1;mem:4000'), maxTasksPerOffer: 1 });
  for (let i = 1; i <= 50; i++) {
    profiles.push({ name: `SparkDispatcher-${i}`, role: `roleC-${i}`, instances: 1, maxTasks: 20, task: Resources.parse('cpus:1;mem:1000'), maxTasksPerOffer: 5 });
  }
  const profileOf = new Map<string, Profile>();
  let total = 0;
  for (const p of profiles) {
    for (let i = 0; i < p.instances; i++) {
      const id = `${p.name}-${i}`;
      profileOf.set(id, p);
      allocator.addFramework(id, { roles: [p.role] }, new Map(), true);
      total += p.maxTasks;
    }
  }
  const launched = new Map<string, number>();
  let placed = 0;
  let offerCount = 0;
  const times: number[] = [];
  let now = 1_700_000_000_000;
  const start = performance.now();
  while (placed < total && performance.now() - start < timeoutMs) {
    now += ALLOCATION_INTERVAL_MS;
    const t0 = performance.now();
    const offers = allocator.allocate(now);
    times.push(performance.now() - t0);
    offerCount += offers.length;
    for (const offer of offers) {
      const p = profileOf.get(offer.frameworkId) as Profile;
      let remaining = offer.resources.unallocate();
      let inOffer = 0;
      let mine = launched.get(offer.frameworkId) ?? 0;
      while (remaining.contains(p.task) && mine < p.maxTasks && inOffer < p.maxTasksPerOffer) {
        remaining = remaining.subtract(p.task);
        mine++;
        inOffer++;
        placed++;
      }
      launched.set(offer.frameworkId, mine);
      // The launched tasks keep their resources; the rest goes back without a filter, as in Mesos.
      const rest = inOffer === 0 ? offer.resources : remaining.allocate(offer.role);
      allocator.recoverResources(offer.frameworkId, offer.agentId, rest, undefined, now);
      if (suppressWhenDone && mine >= p.maxTasks && inOffer > 0) allocator.suppressOffers(offer.frameworkId);
    }
  }
  const sorted = [...times].sort((a, b) => a - b);
  const sum = times.reduce((a, b) => a + b, 0);
  return {
    rounds: times.length,
    placed,
    total,
    offers: offerCount,
    firstMs: times[0] ?? 0,
    meanMs: sum / Math.max(1, times.length),
    p50Ms: sorted[Math.floor(sorted.length / 2)] ?? 0,
    p99Ms: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
    maxMs: sorted[sorted.length - 1] ?? 0,
    totalAllocateMs: sum,
    wallMs: performance.now() - wall,
  };
}

function ms(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** run executes both benchmarks and returns the markdown section bench/run.ts writes into results.md. */
export async function run(): Promise<string> {
  const loadBefore = os.loadavg();
  // Warm the JIT on a small shape so the first measured cycle is not the first time the code runs.
  await declineOffers(500, 50, 60, 10_000);

  const shapes = [
    { agents: 1000, frameworks: 100, target: '≤ 50 ms', mesos: '≈0.05 s', budgetMs: 60_000 },
    { agents: 5000, frameworks: 500, target: '—', mesos: '≈0.4 s', budgetMs: 120_000 },
    { agents: 10000, frameworks: 1000, target: '≤ 1.0 s', mesos: '≈1.1 s', budgetMs: 200_000 },
  ];
  const decline: DeclineResult[] = [];
  for (const s of shapes) {
    // A throwaway run of the same shape first: a master allocating every second runs warm code, and the
    // first call at a new scale otherwise measures the JIT as much as the allocator.
    await declineOffers(s.agents, s.frameworks, 3, s.budgetMs);
    // The first cycle is measured on five fresh allocators (the last one then runs on), since one
    // sample on a shared two-core machine says as much about the neighbours as about the code.
    const firsts: Cycle[] = [];
    for (let i = 0; i < 4; i++) firsts.push((await declineOffers(s.agents, s.frameworks, 1, s.budgetMs)).cycles[0] as Cycle);
    const r = await declineOffers(s.agents, s.frameworks, 201, s.budgetMs);
    r.firsts = [...firsts, r.cycles[0] as Cycle];
    decline.push(r);
    const first = median(r.firsts.map((c) => c.wallMs));
    const last = r.cycles[r.cycles.length - 1];
    console.log(
      `DeclineOffers ${s.agents}x${s.frameworks}: first ${ms(first)} ms (${r.firsts.map((c) => ms(c.wallMs)).join(', ')}), ` +
        `after ${r.cycles.length - 1} declined cycles ${ms(last?.wallMs ?? 0)} ms (${last?.offers} offers), wall ${(r.wallMs / 1000).toFixed(1)} s`,
    );
  }
  const multi = await multiFrameworkAllocations(30_000, false);
  console.log(`MultiFrameworkAllocations: ${multi.placed}/${multi.total} tasks in ${multi.rounds} rounds, mean ${ms(multi.meanMs)} ms`);
  const suppressing = await multiFrameworkAllocations(30_000, true);
  console.log(`MultiFrameworkAllocations (suppress when done): ${suppressing.placed}/${suppressing.total} tasks in ${suppressing.rounds} rounds`);
  const loadAfter = os.loadavg();

  const lines: string[] = [];
  lines.push('### DeclineOffers (HierarchicalAllocator_BENCHMARK_Test)');
  lines.push('');
  lines.push(
    'Each agent has cpus:24;mem:4096;disk:4096;ports:[31000-32000], of which cpus:16;mem:2014;disk:1024 and 16 port ranges are used by one framework; all frameworks are in role `*`. ' +
      'Every cycle each framework declines everything it was offered with refuse_seconds = INT_MAX (capped at 365 days), so filters pile up. ' +
      'A figure is one `allocate()` call: wall time, then process CPU time (all threads, so concurrent garbage collection and compilation are included). ' +
      'Each shape first runs three throwaway cycles on a throwaway allocator of the same size, so the code is JIT-compiled, as it is in a master that allocates every second; ' +
      'before the first measured cycle the benchmark forces a full garbage collection and waits 100 ms for concurrent sweeping to finish. ' +
      '"Cycle N" is the cycle after N declined cycles.',
  );
  lines.push('');
  lines.push(
    '| agents × frameworks | first cycle: median of 5 fresh allocators (samples) | offers | cycle N | median of cycles N−4..N | offers in cycle N | cycles 1..N: mean / worst | ratio median(N−4..N) / median first | filters installed | target | Mesos 1.8 |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const [i, r] of decline.entries()) {
    const s = shapes[i] as (typeof shapes)[number];
    const first = median(r.firsts.map((c) => c.wallMs));
    const firstCpu = median(r.firsts.map((c) => c.cpuMs));
    const last = r.cycles[r.cycles.length - 1] as Cycle;
    const tail = r.cycles.slice(-5);
    const tailMs = median(tail.map((c) => c.wallMs));
    const later = r.cycles.slice(1).map((c) => c.wallMs);
    lines.push(
      `| ${r.agents} × ${r.frameworks} | ${ms(first)} ms, cpu ${ms(firstCpu)} (${r.firsts.map((c) => ms(c.wallMs)).join(', ')}) | ${r.firsts[0]?.offers} | ` +
        `N = ${r.cycles.length - 1}: ${ms(last.wallMs)} ms, cpu ${ms(last.cpuMs)} | ${ms(tailMs)} ms, cpu ${ms(median(tail.map((c) => c.cpuMs)))} | ${last.offers} | ` +
        `${ms(mean(later))} / ${ms(Math.max(...later))} ms | ${(tailMs / first).toFixed(2)} | ${r.filters} | ${s.target}; later ≤ 1.5 × first | ${s.mesos} |`,
    );
  }
  lines.push('');
  lines.push('Setup (adding the frameworks and agents): ' + decline.map((r) => `${r.agents}×${r.frameworks} ${ms(r.setupMs)} ms`).join(', ') + '.');
  lines.push('');
  lines.push('### MultiFrameworkAllocations (BENCHMARK_HierarchicalAllocations)');
  lines.push('');
  lines.push(
    '80 agents (cpus:64;mem:488000); 4 Marathon-like frameworks × 4000 tasks (cpus:0.07;mem:400, ≤ 100 per offer), 500 Jenkins-like × 5 (cpus:0.1;mem:4000, 1 per offer), ' +
      '50 Spark-like × 20 (cpus:1;mem:1000, ≤ 5 per offer); each Marathon and Spark framework has its own role, the Jenkins ones share one. ' +
      'Launched tasks keep their resources; the rest of each offer goes back without a filter. Stops when all 19,500 tasks are placed or after 30 s, as in Mesos.',
  );
  lines.push('');
  lines.push('| variant | tasks placed | rounds | offers | first round | mean round | median | p99 | worst | total in allocate() |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const [name, m] of [['as in Mesos (frameworks never suppress)', multi], ['frameworks suppress once done', suppressing]] as const) {
    lines.push(
      `| ${name} | ${m.placed} / ${m.total}${m.placed === m.total ? ' (all)' : ' (not all)'} | ${m.rounds} | ${m.offers} | ${ms(m.firstMs)} ms | ${ms(m.meanMs)} ms | ${ms(m.p50Ms)} ms | ${ms(m.p99Ms)} ms | ${ms(m.maxMs)} ms | ${ms(m.totalAllocateMs)} ms |`,
    );
  }
  lines.push('');
  lines.push(
    'In the Mesos variant the Spark-like frameworks, once done, keep taking offers they launch nothing from (they neither suppress nor filter), and with their small ' +
      'dominant share DRF gives them most agents every round, so the Marathon- and Jenkins-like roles stop growing; Mesos\'s allocator follows the same rules. ' +
      'When finished frameworks suppress offers, everything is placed.',
  );
  lines.push('');
  lines.push(
    'Targets: one cycle ≤ 50 ms at 1,000 agents × 100 frameworks and ≤ 1.0 s at 10,000 × 1,000; the cycle after 200 declined cycles ≤ 1.5 × the first. ' +
      'Mesos 1.8 figures are read off the Mesos 1.7 performance blog chart (C++ -O2, different hardware). ' +
      `Load average (1 min) on this shared machine: ${loadBefore[0]?.toFixed(1)} before, ${loadAfter[0]?.toFixed(1)} after; wall times include any time other processes took the CPU, CPU times do not.`,
  );
  return lines.join('\n');
}
