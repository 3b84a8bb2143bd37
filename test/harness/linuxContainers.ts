import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CgroupFs } from '../../core/containerizer/cgroups/cgroupFs.js';
import { detectCgroupFs, parseCgroupMounts, v1ControllerMounts } from '../../core/node/detectCgroupFs.js';

/**
 * Helpers for tests that run real Linux containers: whether this machine can (root, cgroups, util-linux), what a
 * test left running, and an lxcfs of the test's own on a temporary directory.
 */

/** IN_CI is true under CI=true, where a test that cannot run must fail instead of skipping. */
export const IN_CI = process.env.CI === 'true';

/** sleep waits in real time. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** eventually polls `check` until it holds, failing with `what` after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms: ${what}`);
    await sleep(20);
  }
}

/**
 * linuxContainerProblem says why real containers cannot run here (not root, no cgroup controllers for cpu, memory and
 * pids, no util-linux `unshare`), or undefined when they can; the cgroup file system is returned for the tests.
 */
export async function linuxContainerProblem(): Promise<{ problem?: string; fs?: CgroupFs }> {
  if (process.platform !== 'linux') return { problem: 'not Linux' };
  if (process.getuid?.() !== 0) return { problem: 'not running as root (cgroups and namespaces need it)' };
  if (!existsSync('/usr/bin/unshare')) return { problem: 'util-linux unshare is missing (run build/setup-test-env.sh)' };
  let fs: CgroupFs;
  try {
    fs = await detectCgroupFs();
  } catch (err) {
    return { problem: `no cgroups: ${(err as Error).message}` };
  }
  const missing = (['cpu', 'cpuacct', 'memory', 'pids'] as const).filter((c) => !fs.controllers.has(c));
  if (missing.length > 0) return { problem: `cgroup controllers missing: ${missing.join(', ')}`, fs };
  return { fs };
}

/**
 * runningWithMarker lists the live (non-zombie) processes whose environment has `PLATEAU_TEST_MARKER=<marker>`,
 * wherever they are, so a test can prove nothing it started is left running.
 */
export async function runningWithMarker(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const environ = await readFile(`/proc/${name}/environ`, 'utf8');
      if (environ.split('\0').includes(`PLATEAU_TEST_MARKER=${marker}`)) found.push(Number(name));
    } catch {
      continue; // the process ended while we looked
    }
  }
  return found;
}

/** killMarked SIGKILLs whatever a failed test left running (cleanup only; tests assert there is nothing). */
export async function killMarked(marker: string): Promise<void> {
  for (const pid of await runningWithMarker(marker)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      continue; // already gone
    }
  }
}

/** hostMounts returns this process's mount table (mount points only), to prove containers leave no mount behind. */
export async function hostMounts(): Promise<string[]> {
  return (await readFile('/proc/self/mountinfo', 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ')[4] ?? '')
    .sort();
}

/** LxcfsInstance is an lxcfs the test started on a directory of its own. */
export interface LxcfsInstance {
  dir: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * startLxcfs runs Debian's `lxcfs` in the foreground on a fresh temporary directory (with its own pid file, so a host
 * lxcfs is not disturbed) and resolves once its `proc/meminfo` is served. `stop` unmounts it and removes the directory.
 */
export async function startLxcfs(): Promise<LxcfsInstance> {
  const dir = await mkdtemp(join(tmpdir(), 'plateau-lxcfs-'));
  const mnt = join(dir, 'mnt');
  await mkdir(mnt);
  const child = spawn('lxcfs', ['-f', '--enable-cfs', '-p', join(dir, 'lxcfs.pid'), mnt], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const failed = new Promise<never>((_resolve, reject) => {
    child.once('error', reject);
    void exited.then(() => reject(new Error(`lxcfs exited early: ${stderr}`)));
  });
  failed.catch(() => undefined);
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    if ((await hostMounts()).includes(mnt)) spawnSync('umount', ['-l', mnt]);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([eventually(() => existsSync(join(mnt, 'proc', 'meminfo')), 'lxcfs serves proc/meminfo', 10_000), failed]);
  } catch (err) {
    await stop();
    throw err;
  }
  return { dir: mnt, pid: child.pid as number, stop };
}

/** lxcfsInstalled says whether Debian's lxcfs binary is on PATH. */
export function lxcfsInstalled(): boolean {
  return spawnSync('sh', ['-c', 'command -v lxcfs'], { stdio: 'ignore' }).status === 0;
}

/**
 * ensureLxcfs installs Debian's lxcfs with apt-get when it is missing and this process is root (as
 * build/setup-test-env.sh would), and says why lxcfs is still unavailable, or undefined once it is there.
 */
export function ensureLxcfs(): string | undefined {
  if (lxcfsInstalled()) return undefined;
  if (process.getuid?.() !== 0) return 'Debian lxcfs is not installed and installing it needs root';
  const r = spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq lxcfs'], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0 || !lxcfsInstalled()) return `apt-get install lxcfs failed: ${(r.stderr || r.stdout || String(r.error)).trim().slice(-500)}`;
  return undefined;
}

/**
 * cgroupFilePath is where a control file of `cgroup` lives on this host, found independently of `CgroupFs` (from
 * the mount table), so tests compare the containerizer's numbers with the kernel's files themselves.
 */
export async function cgroupFilePath(fs: CgroupFs, controller: 'cpu' | 'cpuacct' | 'memory' | 'pids' | 'cpuset' | 'freezer', cgroup: string, file: string): Promise<string> {
  if (fs.version === 2) return join('/sys/fs/cgroup', cgroup, file);
  const mount = v1ControllerMounts(parseCgroupMounts(await readFile('/proc/self/mountinfo', 'utf8'))).get(controller);
  if (mount === undefined) throw new Error(`controller ${controller} is not mounted`);
  return join(mount, cgroup, file);
}

/** readCgroupFile reads a control file straight from the kernel (see `cgroupFilePath`). */
export async function readCgroupFile(fs: CgroupFs, controller: 'cpu' | 'cpuacct' | 'memory' | 'pids' | 'cpuset' | 'freezer', cgroup: string, file: string): Promise<string> {
  return readFile(await cgroupFilePath(fs, controller, cgroup, file), 'utf8');
}
