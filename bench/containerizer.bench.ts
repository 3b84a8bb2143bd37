// bench/containerizer.bench.ts: the Mesos containerizer (PID/mount/UTS/IPC namespaces, cgroups cpu/mem/pids with
// limits) against `crun run` of an equivalent OCI bundle (a busybox-static rootfs, the same namespaces and limits),
// interleaved in one run on one machine. Per launch it times
//   - launch → running: `MesosContainerizer.launch()` resolving (the wrapper is in its cgroups: the agent's
//     TASK_RUNNING) vs `crun run --detach` returning (the container process started);
//   - launch → command output: until the task's first line ("started") reaches the benchmark through a pipe;
//   - the whole cycle: launch, running, destroy (kill with no grace / `crun delete --force`), all gone.
// The measurement runs in a child process with a private mount namespace: crun 1.8 refuses cgroup "hybrid" hosts whose
// cgroup2 mount has controllers, so there a throwaway tmpfs hides that mount — from both contenders alike.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, open, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CgroupFs } from '../core/containerizer/cgroups/cgroupFs.js';
import { MesosContainerizer } from '../core/containerizer/mesosContainerizer.js';
import { DEFAULT_PATH } from '../core/containerizer/posixContainerizer.js';
import { ChildProcessLauncher } from '../core/node/childProcessLauncher.js';
import { detectCgroupFs } from '../core/node/detectCgroupFs.js';
import { SystemClock } from '../core/node/systemClock.js';

const WORKER_FLAG = '--plateau-containerizer-bench-worker';
const WARMUP = 10;
const ROUNDS = Number(process.env.PLATEAU_BENCH_ROUNDS ?? 200);
const RESOURCES = { cpus: 1, mem: 128 };

interface Sample {
  running: number;
  output: number;
  cycle: number;
}

interface Contender {
  name: string;
  once(): Promise<Sample>;
  dispose(): Promise<void>;
}

/** run starts the worker in a private mount namespace and renders its figures as the results section. */
export async function run(): Promise<string> {
  const missing = prerequisitesMissing();
  if (missing) return `Not measured on this machine: ${missing}.`;
  const self = fileURLToPath(import.meta.url);
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('unshare', ['--mount', '--propagation', 'private', '--', process.execPath, '--import', 'tsx', self, WORKER_FLAG], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`the benchmark worker exited with ${code}`))));
  });
  const results = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Record<string, Sample[]>;
  return render(results);
}

function prerequisitesMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  if (!existsSync('/usr/bin/crun')) return "Debian's crun is not installed (build/setup-test-env.sh installs it)";
  // Debian's dynamic `busybox` package installs /bin/busybox too; the bundle needs the static one.
  if (!existsSync('/var/lib/dpkg/info/busybox-static.list') || !existsSync('/bin/busybox')) return 'busybox-static is not installed';
  if (!existsSync('/usr/bin/unshare')) return 'util-linux unshare is missing';
  return undefined;
}

async function worker(): Promise<void> {
  // crun cannot use v1 controllers while the hybrid cgroup2 mount holds any; hide that mount in this namespace only.
  const unified = '/sys/fs/cgroup/unified/cgroup.controllers';
  if (existsSync(unified) && (await readFile(unified, 'utf8')).trim() !== '') {
    const r = spawnSync('mount', ['-t', 'tmpfs', 'plateau-bench', '/sys/fs/cgroup/unified']);
    if (r.status !== 0) throw new Error(`cannot hide the hybrid cgroup2 mount: ${String(r.stderr)}`);
  }
  const work = await mkdtemp(join(os.tmpdir(), 'plateau-bench-containerizer-'));
  const fs = await detectCgroupFs();
  const lxcfs = await startLxcfs(work);
  const contenders = [await mesos(fs, work, 'mesos', ''), await crun(work)];
  if (lxcfs) contenders.push(await mesos(fs, work, 'mesos+lxcfs', lxcfs.dir));
  const results: Record<string, Sample[]> = {};
  try {
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      // Interleaved, so drift in the machine's load affects both alike.
      for (const c of contenders) {
        const s = await c.once();
        if (i >= WARMUP) (results[c.name] ??= []).push(s);
      }
    }
  } finally {
    for (const c of contenders) await c.dispose();
    await lxcfs?.stop();
    await rm(work, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

async function mesos(fs: CgroupFs, work: string, name: string, lxcfsDir: string): Promise<Contender> {
  const cgroupsRoot = `plateau-bench-${process.pid}-${name.replace(/\W/g, '')}`;
  const c = new MesosContainerizer({ launcher: new ChildProcessLauncher(), cgroups: fs, clock: new SystemClock(), cgroupsRoot, lxcfsDir, sampleIntervalMs: 0 });
  if (lxcfsDir !== '' && !(await c.probeLxcfs(true)).available) throw new Error(`lxcfs at ${lxcfsDir} is not serving`);
  return {
    name,
    async once() {
      const containerId = randomUUID();
      const sandboxDir = join(work, containerId);
      await mkdir(sandboxDir);
      const fifo = join(sandboxDir, 'started');
      if (spawnSync('mkfifo', [fifo]).status !== 0) throw new Error('mkfifo failed');
      const reading = readLine(fifo);
      const t0 = performance.now();
      await c.launch({ containerId, sandboxDir, command: { shell: true, value: 'echo started > started; exec sleep 1000' }, env: { PATH: DEFAULT_PATH }, resources: RESOURCES });
      const running = performance.now() - t0;
      await reading;
      const output = performance.now() - t0;
      await c.kill(containerId, 0);
      await c.wait(containerId);
      const cycle = performance.now() - t0;
      await rm(sandboxDir, { recursive: true, force: true });
      return { running, output, cycle };
    },
    async dispose() {
      await c.dispose();
      await fs.remove(cgroupsRoot).catch(() => undefined);
    },
  };
}

async function crun(work: string): Promise<Contender> {
  const bundle = join(work, 'bundle');
  const rootfs = join(bundle, 'rootfs');
  await mkdir(join(rootfs, 'bin'), { recursive: true });
  for (const d of ['proc', 'dev', 'tmp']) await mkdir(join(rootfs, d));
  await copyFile('/bin/busybox', join(rootfs, 'bin', 'busybox'));
  for (const applet of ['sh', 'sleep', 'echo']) await symlink('busybox', join(rootfs, 'bin', applet));
  const parent = `plateau-bench-crun-${process.pid}`;
  const config = (id: string) => ({
    ociVersion: '1.0.0',
    process: { terminal: false, user: { uid: 0, gid: 0 }, args: ['/bin/sh', '-c', 'echo started; exec sleep 1000'], env: [`PATH=${DEFAULT_PATH}`], cwd: '/' },
    root: { path: 'rootfs', readonly: true },
    hostname: 'crun',
    mounts: [{ destination: '/proc', type: 'proc', source: 'proc' }],
    linux: {
      // The same namespaces as the Mesos containerizer: PID, mount, UTS, IPC; host network.
      namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'uts' }, { type: 'ipc' }],
      cgroupsPath: `/${parent}/${id}`,
      resources: {
        cpu: { shares: 1024 * RESOURCES.cpus, quota: 100_000 * RESOURCES.cpus, period: 100_000 },
        memory: { limit: RESOURCES.mem * 1024 * 1024 },
        pids: { limit: 4096 },
      },
    },
  });
  return {
    name: 'crun',
    async once() {
      const id = `b${randomUUID().slice(0, 8)}`;
      await writeFile(join(bundle, 'config.json'), JSON.stringify(config(id)));
      const t0 = performance.now();
      const child = spawn('crun', ['run', '--detach', '--bundle', bundle, id], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const output = new Promise<number>((resolve) => child.stdout.once('data', () => resolve(performance.now() - t0)));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      if (code !== 0) throw new Error(`crun run failed: ${err}`);
      const running = performance.now() - t0;
      const out = await output;
      const del = spawn('crun', ['delete', '--force', id], { stdio: 'ignore' });
      await new Promise((resolve) => del.once('exit', resolve));
      const cycle = performance.now() - t0;
      child.stdout.destroy();
      child.stderr.destroy();
      return { running, output: out, cycle };
    },
    async dispose() {
      for (const dir of spawnSync('sh', ['-c', `ls -d /sys/fs/cgroup/*/${parent} 2>/dev/null`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)) {
        spawnSync('rmdir', [dir]);
      }
    },
  };
}

/** startLxcfs runs Debian's lxcfs on a directory of the benchmark's own, when it is installed. */
async function startLxcfs(work: string): Promise<{ dir: string; stop(): Promise<void> } | undefined> {
  if (!existsSync('/usr/bin/lxcfs')) return undefined;
  const dir = join(work, 'lxcfs');
  await mkdir(dir);
  const child = spawn('/usr/bin/lxcfs', ['-f', '--enable-cfs', '-p', join(work, 'lxcfs.pid'), dir], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; i < 200 && !existsSync(join(dir, 'proc', 'meminfo')); i++) await new Promise((r) => setTimeout(r, 25));
  return {
    dir,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** readLine resolves once a writer has put a line into the FIFO. */
async function readLine(fifo: string): Promise<void> {
  const fh = await open(fifo, 'r');
  try {
    const buf = Buffer.alloc(64);
    await fh.read(buf, 0, 64, null);
  } finally {
    await fh.close();
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function render(results: Record<string, Sample[]>): string {
  const m = results.mesos ?? [];
  const c = results.crun ?? [];
  const row = (name: string, s: Sample[]): string => {
    const total = s.reduce((a, x) => a + x.cycle, 0);
    const launchRate = 1000 / (s.reduce((a, x) => a + x.running, 0) / s.length);
    return `| ${name} | ${percentile(s.map((x) => x.running), 50).toFixed(1)} | ${percentile(s.map((x) => x.running), 99).toFixed(1)} | ${percentile(s.map((x) => x.output), 50).toFixed(1)} | ${percentile(s.map((x) => x.output), 99).toFixed(1)} | ${percentile(s.map((x) => x.cycle), 50).toFixed(1)} | ${launchRate.toFixed(0)} | ${((1000 * s.length) / total).toFixed(0)} |`;
  };
  const ratio = (f: (x: Sample) => number): string => (percentile(m.map(f), 50) / percentile(c.map(f), 50)).toFixed(2);
  const lines = [
    `${ROUNDS} launches of each (after ${WARMUP} warm-up), interleaved; task \`sh -c 'echo started; exec sleep 1000'\` with cpus ${RESOURCES.cpus}, mem ${RESOURCES.mem} MB, pids 4096; PID/mount/UTS/IPC namespaces. Times in ms.`,
    '',
    '| contender | launch→running p50 | p99 | launch→output p50 | p99 | launch+destroy cycle p50 | launches/s (1 / mean launch→running) | sequential cycles/s |',
    '|---|---|---|---|---|---|---|---|',
    row('mesos containerizer', m),
    row('crun run (busybox bundle)', c),
    ...(results['mesos+lxcfs'] ? [row('mesos containerizer + lxcfs mounts', results['mesos+lxcfs'])] : []),
    '',
    `mesos / crun (p50): launch→running ${ratio((x) => x.running)}×, launch→output ${ratio((x) => x.output)}×, cycle ${ratio((x) => x.cycle)}×. Targets: ≤ 1.0× crun and ≥ 50 launches/s.`,
  ];
  return lines.join('\n');
}

if (process.argv.includes(WORKER_FLAG)) {
  worker().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
