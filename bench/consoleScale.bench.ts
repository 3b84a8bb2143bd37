// bench/consoleScale.bench.ts: the console on a cluster of 10,000 tasks ("no frozen UI on 10,000 tasks", issue 5).
// The cluster is the Marathon benchmark's (bench/marathonBenchCluster.ts: a real master with simulated agents that
// run no processes; bench/marathonBenchMarathon.ts: a real Marathon in a process of its own), so the console attaches
// as it would to any remote cluster: `plateau console --master … --marathon …` (runConsole), through the operator
// API's SUBSCRIBE and Marathon's /v2 and SSE. Debian's Chromium opens the console; the bench measures how long each
// list view takes to show everything, the long tasks that does, the page's idle cost, and then, while rolling
// restarts replace thousands of tasks, the frame time (from a trace, as bench/console.bench.ts reads it) and the
// latency of real input (Event Timing, the measure behind Interaction to Next Paint) as the user scrolls the task
// list, types a filter and picks a state. Environment: CONSOLE_SCALE_TASKS (default 10,000), CONSOLE_SCALE_AGENTS
// (default 1,000), CONSOLE_SCALE_CPU_PROF=<file> (a CDP CPU profile of the page over the interactive phase, and the
// bundle's source map beside it as <file>.map).
import { writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runConsole, type RunningConsole } from '../core/console/consoleCli.js';
import { BenchChild } from './benchChild.js';
import { mainThreadSlots, metric, pct, recordTrace } from './chromeTrace.js';
import { load } from './loadAverage.js';

const TASKS = Number(process.env.CONSOLE_SCALE_TASKS ?? 10_000);
const AGENTS = Number(process.env.CONSOLE_SCALE_AGENTS ?? 1_000);
const APPS = 10;
const PER_APP = Math.ceil(TASKS / APPS);
const AGENT_RESOURCES = 'cpus:16;mem:65536;disk:65536;ports:[31000-32000]';
const APP = { cmd: 'sleep 100000', cpus: 0.1, mem: 64 };
/** RESTARTS rolling restarts (of apps 1..RESTARTS, RESTART_GAP_MS apart) make the churn the interactive phase runs in. */
const RESTARTS = 6;
const RESTART_GAP_MS = 5_000;
const IDLE_SECONDS = 30;

/**
 * PAGE_PROBE runs before the console's own scripts: it keeps every long task (> 50 ms) and every input event slower
 * than 16 ms (Event Timing: from the input to the next paint after its handlers) in `window.__perf`.
 */
const PAGE_PROBE = `(() => {
  window.__perf = { long: [], events: [] };
  new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__perf.long.push(e.duration))).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__perf.events.push({ name: e.name, duration: e.duration, id: e.interactionId }))).observe({ type: 'event', durationThreshold: 16, buffered: true });
})()`;

interface PagePerf {
  long: number[];
  events: Array<{ name: string; duration: number; id: number }>;
}

/** note reports progress on stderr (stdout carries the results). */
function note(message: string): void {
  process.stderr.write(`console scale bench: ${message}\n`);
}

/** takePerf gives what the page probe collected since the last call and empties it. */
async function takePerf(page: Page): Promise<PagePerf> {
  return (await page.evaluate('(() => { const p = window.__perf; window.__perf = { long: [], events: [] }; return p; })()')) as PagePerf;
}

interface Apps {
  apps: Array<{ id: string; tasksRunning: number; deployments: unknown[] }>;
}

async function marathonApps(marathon: string): Promise<Apps['apps']> {
  return ((await (await fetch(`${marathon}/v2/apps`)).json()) as Apps).apps;
}

/** ViewStep is one view the bench opens, with the condition that says it shows all of the cluster. */
interface ViewStep {
  name: string;
  hash: string;
  /** shown is evaluated in the page until true. */
  shown: string;
}

const VIEWS: ViewStep[] = [
  { name: 'Overview', hash: '#/overview', shown: `document.querySelector('[data-testid="tasks-live"]')?.textContent === '${TASKS}'` },
  { name: `Apps (${APPS} apps)`, hash: '#/apps', shown: `document.querySelectorAll('[data-testid="apps"] [data-key]').length === ${APPS}` },
  {
    name: `App detail (${PER_APP} tasks)`,
    hash: `#/apps/${encodeURIComponent('/scale/app-0')}`,
    shown: `document.querySelectorAll('[data-testid="app-tasks"] [data-key]').length > 10 && (document.querySelector('[data-testid="app-instances"]')?.textContent ?? '').includes('${PER_APP}')`,
  },
  { name: `Agents (${AGENTS})`, hash: '#/agents', shown: `(document.querySelector('[data-testid="agents-summary"]')?.textContent ?? '').startsWith('${AGENTS} active')` },
  { name: `Tasks (${TASKS})`, hash: '#/tasks', shown: `[...document.querySelectorAll('select[aria-label="State"] option')].some((o) => o.textContent === 'All states (${TASKS})')` },
];

export async function run(): Promise<string> {
  const children: BenchChild[] = [];
  let c: RunningConsole | undefined;
  let browser: Browser | undefined;
  try {
    const cluster = BenchChild.start('cluster process', 'bench/marathonBenchCluster.ts', [String(AGENTS), AGENT_RESOURCES, '100']);
    children.push(cluster);
    const ready = await cluster.next<{ type: string; url: string }>('ready', 300_000);
    const marathonProc = BenchChild.start('Marathon process', 'bench/marathonBenchMarathon.ts', [ready.url]);
    children.push(marathonProc);
    const marathon = (await marathonProc.next<{ type: string; url: string }>('ready')).url;
    for (let i = 0; i < APPS; i++) {
      const res = await fetch(`${marathon}/v2/apps`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ id: `/scale/app-${i}`, instances: PER_APP, ...APP }) });
      await res.text();
      if (res.status !== 201) throw new Error(`POST /v2/apps answered ${res.status}`);
    }
    const launchStart = Date.now();
    for (;;) {
      const running = (await marathonApps(marathon)).reduce((n, a) => n + a.tasksRunning, 0);
      if (running >= TASKS) break;
      if (Date.now() - launchStart > 300_000) throw new Error(`only ${running} of ${TASKS} tasks running after 300 s`);
      await delay(1000);
    }
    note(`${TASKS} tasks running on ${AGENTS} simulated agents after ${((Date.now() - launchStart) / 1000).toFixed(1)} s`);

    c = await runConsole({ host: '127.0.0.1', port: 0, embedded: false, agents: 0, master: [ready.url], marathon, name: 'scale', quiet: true });
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
    return await measure(c, browser, marathon);
  } finally {
    note('tearing down');
    await browser?.close().catch(() => undefined);
    await c?.dispose().catch(() => undefined);
    for (const child of children.reverse()) await child.stop().catch(() => child.kill());
  }
}

/** waitShown polls `condition` in the page every 10 ms (the console's CSP forbids the string eval of waitForFunction). */
async function waitShown(page: Page, condition: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(condition))) {
    if (Date.now() > deadline) throw new Error(`the page did not show ${condition} within ${timeoutMs / 1000} s`);
    await delay(10);
  }
}

function longCell(long: number[]): string {
  return long.length === 0 ? 'none' : `${long.length}, longest ${Math.round(Math.max(...long))} ms`;
}

async function measure(c: RunningConsole, browser: Browser, marathon: string): Promise<string> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(PAGE_PROBE);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const rows: string[] = [];

  // First load straight into the task list: the console connects, takes the master's state and Marathon's apps.
  const t0 = Date.now();
  await page.goto(`${c.url}/#/tasks`);
  await waitShown(page, VIEWS[VIEWS.length - 1]?.shown as string);
  const first = await takePerf(page);
  rows.push(`| Open the console at Tasks (connect, load state) | ${Date.now() - t0} | ${longCell(first.long)} |`);
  for (const v of VIEWS) {
    await takePerf(page);
    const t = Date.now();
    await page.evaluate(`location.hash = ${JSON.stringify(v.hash)}`);
    await waitShown(page, v.shown);
    const shownMs = Date.now() - t;
    await delay(500); // the long tasks the view's first renders still cause
    rows.push(`| ${v.name} | ${shownMs} | ${longCell((await takePerf(page)).long)} |`);
    note(`${v.name} shown in ${shownMs} ms`);
  }

  // Idle on the task list: the console follows the streams, nothing changes.
  await takePerf(page);
  const busy0 = await metric(cdp, 'TaskDuration');
  const idleStart = Date.now();
  await delay(IDLE_SECONDS * 1000);
  const idleBusy = ((await metric(cdp, 'TaskDuration')) - busy0) / ((Date.now() - idleStart) / 1000);
  const idleLong = (await takePerf(page)).long;

  // Churn with interaction: rolling restarts replace tasks while the user scrolls, filters and picks a state.
  const browserCdp = await browser.newBrowserCDPSession();
  const loadBefore = load();
  let restarted = 0;
  const churnStart = Date.now();
  const churn = (async () => {
    for (let i = 1; i <= RESTARTS; i++) {
      const res = await fetch(`${marathon}/v2/apps/scale/app-${i}/restart?force=true`, { method: 'POST' });
      await res.text();
      if (res.ok) restarted++;
      await delay(RESTART_GAP_MS);
    }
  })();
  const profileFile = process.env.CONSOLE_SCALE_CPU_PROF;
  if (profileFile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  const events = await recordTrace(browserCdp, async () => {
    const body = page.locator('[data-testid="tasks"] .vbody');
    const box = await body.boundingBox();
    if (!box) throw new Error('no task list on the page');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 60; i++) {
      await page.mouse.wheel(0, i < 40 ? 800 : -1200);
      await delay(100);
    }
    const search = page.locator('input[data-search]');
    await search.click();
    await page.keyboard.type('app-3', { delay: 150 });
    await delay(2000);
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Backspace');
      await delay(150);
    }
    await page.selectOption('select[aria-label="State"]', 'TASK_RUNNING');
    await delay(2000);
    await page.selectOption('select[aria-label="State"]', '');
    await churn;
    await delay(5000);
  });
  const churnSeconds = (Date.now() - churnStart) / 1000;
  if (profileFile) {
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: unknown };
    writeFileSync(profileFile, JSON.stringify(profile));
    writeFileSync(`${profileFile}.map`, await (await fetch(`${c.url}/main.js.map`)).text());
  }
  const loadAfter = load();
  const perf = await takePerf(page);
  const { slots, overrunBy } = mainThreadSlots(events, c.url);
  const frames = [...slots.values()].flat();
  // One interaction (a key press, a click) is several events; its latency is its slowest event's.
  const interactions = new Map<number, number>();
  for (const e of perf.events) if (e.id > 0) interactions.set(e.id, Math.max(interactions.get(e.id) ?? 0, e.duration));
  const latencies = [...interactions.values()];
  const apps = await marathonApps(marathon);
  const stillDeploying = apps.filter((a) => a.deployments.length > 0).length;
  await cdp.send('HeapProfiler.collectGarbage');
  const heapMb = (await metric(cdp, 'JSHeapUsedSize')) / 1048576;
  const domNodes = await metric(cdp, 'Nodes');

  return [
    `Cluster: a real master with ${AGENTS} simulated agents (no processes) and a real Marathon in processes of their own (the Marathon benchmark's cluster); ${APPS} apps of ${PER_APP} instances, ${TASKS} tasks running. The console attaches to it as a remote cluster (\`plateau console --master … --marathon …\`: operator SUBSCRIBE, Marathon /v2 and its event stream); Debian's Chromium, headless, 1400 × 900, one page.`,
    `Load average of this 2-core machine (1, 5, 15 min): ${loadBefore} before the interactive phase, ${loadAfter} after; the cluster, Marathon, the console server and Chromium share the two cores.`,
    '',
    '| Step | Shown after (ms) | Long tasks (> 50 ms) |',
    '|---|---|---|',
    ...rows,
    '',
    `Idle on the task list for ${IDLE_SECONDS} s (streams open, nothing changing): main thread busy ${(idleBusy * 100).toFixed(2)} % of one core, long tasks: ${longCell(idleLong)}.`,
    `Interactive phase (${churnSeconds.toFixed(0)} s, traced): ${restarted} rolling restarts of ${PER_APP}-instance apps ${RESTART_GAP_MS / 1000} s apart (each launches ${PER_APP} tasks and kills ${PER_APP}: ${restarted * PER_APP * 2} task changes streamed to the page; ${stillDeploying} deployments still running at the end) while the task list is scrolled (60 wheel steps), filtered (typing "app-3", then erasing it) and narrowed to one state and back.`,
    `- Frame time (page main-thread work per 60 Hz slot, ${frames.length} slots): p50 ${pct(frames, 50).toFixed(2)} ms, p95 ${pct(frames, 95).toFixed(2)} ms, p99 ${pct(frames, 99).toFixed(2)} ms, max ${Math.max(0, ...frames).toFixed(2)} ms; ${frames.filter((f) => f > 16).length} slots over 16 ms${overrunBy.size > 0 ? ` (the longest task in each: ${[...overrunBy.entries()].sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ${n}`).join(', ')})` : ''}.`,
    `- Input latency (Event Timing: input to the next paint, per interaction, those over 16 ms): ${latencies.length} interactions (of 11 key presses and a click)${latencies.length > 0 ? `, p50 ${pct(latencies, 50).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms` : ''} (INP's "good" is ≤ 200 ms).`,
    `- Long tasks: ${longCell(perf.long)}.`,
    `- The page at the end: JS heap ${heapMb.toFixed(1)} MB after GC, ${domNodes} DOM nodes (the lists render only their visible rows).`,
  ].join('\n');
}
