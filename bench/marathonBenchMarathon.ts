// bench/marathonBenchMarathon.ts is the Marathon benchmark's Marathon process: `createMarathon` as
// `plateau marathon --master <url>` composes it (its default `HttpSchedulerDriver`, the v1 scheduler API
// over HTTP), except that its state is kept in memory (`MemoryStore`, as the single-process benchmark kept
// it) rather than in SQLite under `--work_dir`, whose synchronous commits would measure the disk
// (MARATHON_BENCH_STORE=sqlite uses `SqliteStore` on an in-memory database instead). Started by
// bench/marathon.bench.ts with `<master url>`; over IPC it sends `ready` once registered, and answers `watch`
// (count the running instances of every app but `exclude` and report milestones of `instances` as `running`
// notices) and `report` (the measuring window's figures, begun by `watch`).
import { performance } from 'node:perf_hooks';
import { MemoryStore } from '../core/coordination/store.js';
import { SqliteStore } from '../core/node/sqliteStore.js';
import { createMarathon } from '../core/runtime/createMarathon.js';
import { answerParent, tell } from './benchChild.js';
import { ProcessMeter } from './processMeter.js';

// MARATHON_BENCH_VERBOSE=1 shows this process's warnings and errors.
const say = (msg: string) => (process.env.MARATHON_BENCH_VERBOSE ? process.stderr.write(`[marathon] ${msg}\n`) : undefined);
const log = { info: () => undefined, warn: say, error: say };
const [master = ''] = process.argv.slice(2);
const marathon = await createMarathon(
  { master, ip: '127.0.0.1', hostname: '127.0.0.1', http_port: 0, work_dir: '', framework_name: 'marathon', mesos_role: '*', mesos_user: 'root', failover_timeout: 3600 },
  { log, store: process.env.MARATHON_BENCH_STORE === 'sqlite' ? new SqliteStore(':memory:') : new MemoryStore() },
);
const scheduler = marathon.service.scheduler;
for (let i = 0; i < 1000 && scheduler.frameworkId === undefined; i++) await new Promise((r) => setTimeout(r, 10));
if (scheduler.frameworkId === undefined) throw new Error('Marathon did not register with the master');

/** now is wall-clock time with sub-millisecond resolution, comparable between the benchmark's processes. */
const now = () => performance.timeOrigin + performance.now();
const meter = new ProcessMeter();
// The running instances are counted from the scheduler's own events, so watching costs Marathon no scan.
const running = new Set<string>();
let target = 0;
let exclude = '';
const milestones = [0.25, 0.5, 0.75];
let reported = 0;
let first = false;
scheduler.events.on((e) => {
  if (target === 0 || e.eventType !== 'instance_changed_event' || e.runSpecId === exclude) return;
  if (e.condition === 'Running') running.add(e.instanceId as string);
  else running.delete(e.instanceId as string);
  if (!first && running.size > 0) {
    first = true;
    tell({ type: 'running', count: running.size, at: now() });
  }
  while (reported < milestones.length && running.size >= (milestones[reported] as number) * target) {
    tell({ type: 'running', count: running.size, at: now(), milestone: milestones[reported++] });
  }
  if (running.size >= target) {
    tell({ type: 'running', count: running.size, at: now(), done: true });
    target = 0;
  }
});

answerParent(
  {
    watch: async (m) => {
      target = Number(m.instances);
      exclude = String(m.exclude);
      meter.start();
      await marathon.api.figures(true);
      return {};
    },
    report: async () => ({ ...meter.stop(), running: running.size, api: await marathon.api.figures() }),
  },
  () => marathon.dispose(),
);
tell({ type: 'ready', url: marathon.url });
