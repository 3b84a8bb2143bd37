// The Mesos containerizer against the real kernel: cgroups (v1 here, v2 where the host has it), PID/mount/UTS/IPC
// namespaces, the OOM killer, pids.max, and a real lxcfs. Nothing is mocked. Without root or cgroups the suite skips
// with the reason, except under CI=true, where it fails instead.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readlink, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { CoreError } from '../../../core/common/errors.js';
import type { CgroupFs } from '../../../core/containerizer/cgroups/cgroupFs.js';
import { parseMeminfo } from '../../../core/containerizer/containerView.js';
import type { LaunchSpec } from '../../../core/containerizer/containerizer.js';
import { MesosContainerizer, type MesosContainerizerOptions } from '../../../core/containerizer/mesosContainerizer.js';
import { DEFAULT_PATH } from '../../../core/containerizer/posixContainerizer.js';
import { ChildProcessLauncher } from '../../../core/node/childProcessLauncher.js';
import { SystemClock } from '../../../core/node/systemClock.js';
import { ensureLxcfs, eventually, IN_CI, killMarked, linuxContainerProblem, readCgroupFile, runningWithMarker, sleep, startLxcfs } from '../../harness/linuxContainers.js';

const env = await linuxContainerProblem();
const skip = env.problem !== undefined && !IN_CI ? `cannot run real containers here: ${env.problem}` : false;
const lxcfsProblem = env.problem === undefined ? ensureLxcfs() : env.problem;

describe('MesosContainerizer (real cgroups, namespaces and lxcfs)', { skip, timeout: 120_000 }, () => {
  const fs = env.fs as CgroupFs;
  const clock = new SystemClock();
  let root: string;
  let marker: string;
  let cgroupsRoot: string;
  let n = 0;
  const owned: MesosContainerizer[] = [];

  const make = (options: Partial<MesosContainerizerOptions> = {}): MesosContainerizer => {
    const c = new MesosContainerizer({
      launcher: new ChildProcessLauncher(),
      cgroups: fs,
      clock,
      cgroupsRoot,
      lxcfsDir: '',
      sampleIntervalMs: 0,
      limitationPollIntervalMs: 200,
      pollIntervalMs: 50,
      ...options,
    });
    owned.push(c);
    return c;
  };

  const spec = async (value: string, extra: Partial<LaunchSpec> = {}): Promise<LaunchSpec> => {
    const containerId = randomUUID();
    const sandboxDir = join(root, containerId);
    await mkdir(sandboxDir);
    return { containerId, sandboxDir, command: { shell: true, value }, env: { PATH: DEFAULT_PATH, PLATEAU_TEST_MARKER: marker, MESOS_SANDBOX: sandboxDir }, resources: { cpus: 1, mem: 128 }, ...extra };
  };

  const stdout = (s: LaunchSpec): Promise<string> => readFile(join(s.sandboxDir, 'stdout'), 'utf8');
  const cgroupOf = (s: LaunchSpec): string => `${cgroupsRoot}/${s.containerId}`;

  const assertNothingLeft = async (): Promise<void> => {
    await eventually(async () => (await runningWithMarker(marker)).length === 0, 'no task process outlives its container', 3000).catch(async () => {
      assert.deepEqual(await runningWithMarker(marker), [], 'no task process may outlive its container');
    });
    assert.deepEqual(await fs.children(cgroupsRoot), [], 'every container cgroup is removed');
  };

  before(() => {
    if (env.problem) throw new Error(`CI=true but real containers cannot run here: ${env.problem}`);
  });

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'plateau-mesos-'));
    marker = randomUUID();
    cgroupsRoot = `plateau-test-${process.pid}-${n++}`;
  });

  afterEach(async () => {
    await killMarked(marker);
    for (const c of owned.splice(0)) await c.dispose();
    for (const name of await fs.children(cgroupsRoot)) {
      await fs.kill(`${cgroupsRoot}/${name}`);
      await fs.remove(`${cgroupsRoot}/${name}`);
    }
    await fs.remove(cgroupsRoot);
    await rm(root, { recursive: true, force: true });
  });

  it('runs the task as PID 2 of new PID, mount, UTS and IPC namespaces, with its own /proc and hostname', async () => {
    const c = make();
    const script = [
      'echo "self=$$"',
      "echo \"procs=$(ls /proc | grep -c '^[0-9]')\"",
      'for ns in pid mnt uts ipc net; do echo "$ns=$(readlink /proc/self/ns/$ns)"; done',
      'echo "hostname=$(cat /proc/sys/kernel/hostname)"',
      "printf renamed-inside > /proc/sys/kernel/hostname && echo \"renamed=$(cat /proc/sys/kernel/hostname)\"",
    ].join('\n');
    const s = await spec(script, { container: { type: 'MESOS', hostname: 'plateau-task' } });
    await c.launch(s);
    assert.equal((await c.wait(s.containerId)).state, 'TASK_FINISHED', await readFile(join(s.sandboxDir, 'stderr'), 'utf8'));
    const out = Object.fromEntries((await stdout(s)).trim().split('\n').map((l) => l.split('=') as [string, string]));
    assert.equal(out.self, '2', 'the wrapper is PID 1, the task PID 2');
    // Wrapper, task shell, and the command substitution's subshell, ls and grep: nothing of the host's.
    assert.ok(Number(out.procs) <= 6, `the task's /proc shows only its namespace (${out.procs} processes)`);
    for (const ns of ['pid', 'mnt', 'uts', 'ipc']) {
      assert.notEqual(out[ns], await readlink(`/proc/self/ns/${ns}`), `a new ${ns} namespace`);
    }
    assert.equal(out.net, await readlink('/proc/self/ns/net'), 'host network, as Mesos by default');
    assert.equal(out.hostname, 'plateau-task', 'ContainerInfo.hostname is set in the UTS namespace');
    assert.equal(out.renamed, 'renamed-inside');
    assert.notEqual(hostname(), 'renamed-inside', "the host's hostname is untouched");
    await assertNothingLeft();
  });

  it('puts the task in its cgroups before it runs its first instruction', async () => {
    const c = make();
    const s = await spec('cat /proc/self/cgroup');
    await c.launch(s);
    await c.wait(s.containerId);
    const lines = (await stdout(s)).trim().split('\n');
    const want = `/${cgroupOf(s)}`;
    if (fs.version === 1) {
      for (const controller of ['cpu', 'cpuacct', 'memory', 'pids', 'freezer']) {
        const line = lines.find((l) => l.split(':')[1]?.split(',').includes(controller));
        assert.equal(line?.split(':')[2], want, `${controller} cgroup of the task (${lines.join(' | ')})`);
      }
    } else {
      assert.ok(lines.includes(`0::${want}`), `the task's v2 cgroup (${lines.join(' | ')})`);
    }
    await assertNothingLeft();
  });

  it('enforces the CPU quota: a busy loop with cpus 0.25 uses at most 0.3 CPU', async (t) => {
    const c = make();
    const s = await spec('while :; do :; done', { resources: { cpus: 0.25, mem: 64 } });
    await c.launch(s);
    const cg = cgroupOf(s);
    if (fs.version === 1) {
      assert.equal((await readCgroupFile(fs, 'cpu', cg, 'cpu.cfs_quota_us')).trim(), '25000');
      assert.equal((await readCgroupFile(fs, 'cpu', cg, 'cpu.cfs_period_us')).trim(), '100000');
      assert.equal((await readCgroupFile(fs, 'cpu', cg, 'cpu.shares')).trim(), '256');
    } else {
      assert.equal((await readCgroupFile(fs, 'cpu', cg, 'cpu.max')).trim(), '25000 100000');
    }
    const cpuSeconds = async (): Promise<number> =>
      fs.version === 1
        ? Number(await readCgroupFile(fs, 'cpuacct', cg, 'cpuacct.usage')) / 1e9
        : Number(/usage_usec (\d+)/.exec(await readCgroupFile(fs, 'cpu', cg, 'cpu.stat'))?.[1]) / 1e6;
    await sleep(300);
    const [t0, u0] = [performance.now(), await cpuSeconds()];
    await sleep(3000);
    const [t1, u1] = [performance.now(), await cpuSeconds()];
    const rate = (u1 - u0) / ((t1 - t0) / 1000);
    t.diagnostic(`the busy loop used ${rate.toFixed(3)} CPU over ${((t1 - t0) / 1000).toFixed(1)} s`);
    assert.ok(rate <= 0.3, `the busy loop used ${rate.toFixed(3)} CPU, more than its quota allows`);
    assert.ok(rate >= 0.15, `the busy loop used only ${rate.toFixed(3)} CPU: it did not run`);
    const usage = await c.usage(s.containerId);
    assert.equal(usage.cpus_limit, 0.25);
    assert.ok((usage.cpus_nr_throttled ?? 0) > 0, 'the kernel throttled it');
    await c.kill(s.containerId, 0);
    assert.equal((await c.wait(s.containerId)).state, 'TASK_KILLED');
    await assertNothingLeft();
  });

  it('ends a task that exceeds its memory limit as TASK_FAILED with REASON_CONTAINER_LIMITATION_MEMORY', async () => {
    const c = make();
    // `tail` keeps all of a newline-free stream in memory, so it grows until the OOM killer takes it.
    const s = await spec('head -c 400m /dev/zero | tail', { resources: { cpus: 1, mem: 64 } });
    await c.launch(s);
    const t = await c.wait(s.containerId);
    assert.equal(t.state, 'TASK_FAILED');
    assert.equal(t.reason, 'REASON_CONTAINER_LIMITATION_MEMORY');
    assert.match(t.message, /^Memory limit exceeded: Requested: 64MB Maximum Used: \d+(\.\d+)?[KMG]?B\n\nMEMORY STATISTICS: /);
    await assertNothingLeft();
  });

  it('destroys a container whose child the OOM killer took while the task carries on', async () => {
    const c = make();
    const s = await spec('head -c 400m /dev/zero | tail; echo survived; sleep 1000', { resources: { cpus: 1, mem: 64 } });
    await c.launch(s);
    const t = await c.wait(s.containerId);
    assert.equal(t.state, 'TASK_FAILED');
    assert.equal(t.reason, 'REASON_CONTAINER_LIMITATION_MEMORY');
    assert.match(t.message, /^Memory limit exceeded/);
    await assertNothingLeft();
  });

  it('caps the container at --cgroups_pids_limit processes (a bounded fork bomb)', async () => {
    const c = make({ pidsLimit: 20 });
    // The inner shell forks until the kernel refuses (sh gives up on a failed fork); the task itself carries on.
    const s = await spec('sh -c \'i=0; while [ $i -lt 60 ]; do sleep 1000 & i=$((i+1)); echo $i > forked; done\'; echo "bomb exited $?"; sleep 1000');
    await c.launch(s);
    await eventually(async () => (await stdout(s)).includes('bomb exited'), 'the fork loop gave up', 10_000);
    assert.equal((await stdout(s)).trim(), 'bomb exited 2');
    const forked = Number(await readFile(join(s.sandboxDir, 'forked'), 'utf8'));
    assert.ok(forked < 20 && forked >= 14, `the bomb got ${forked} of its 60 processes`);
    const cg = cgroupOf(s);
    assert.equal((await readCgroupFile(fs, 'pids', cg, 'pids.max')).trim(), '20');
    const current = Number(await readCgroupFile(fs, 'pids', cg, 'pids.current'));
    assert.ok(current <= 20 && current >= 15, `pids.current is ${current}`);
    assert.match(await readFile(join(s.sandboxDir, 'stderr'), 'utf8'), /fork/i, 'the shell was refused forks');
    const usage = await c.usage(s.containerId);
    assert.ok((usage.processes ?? 0) <= 20, `usage counts ${usage.processes} processes`);
    // 20 in the cgroup, plus `unshare` outside it, waiting for the namespace's init.
    assert.ok((await runningWithMarker(marker)).length <= 21, 'no more than 20 processes exist in the container');
    await c.kill(s.containerId, 1000);
    assert.equal((await c.wait(s.containerId)).state, 'TASK_KILLED');
    await assertNothingLeft();
  });

  it('reports statistics equal to the cgroup files', async () => {
    const c = make();
    const s = await spec('x=$(head -c 4000000 /dev/zero | tr "\\0" a); echo ready; sleep 1000', { resources: { cpus: 0.5, mem: 96 } });
    await c.launch(s);
    await eventually(async () => (await stdout(s)).includes('ready'), 'the task allocated its memory');
    const cg = cgroupOf(s);
    const files = async (): Promise<Record<string, number>> => {
      const lines = (text: string): number => text.split('\n').filter((l) => l.trim() !== '').length;
      if (fs.version === 1) {
        const stat = new Map((await readCgroupFile(fs, 'memory', cg, 'memory.stat')).trim().split('\n').map((l) => l.split(' ') as [string, string]));
        const acct = new Map((await readCgroupFile(fs, 'cpuacct', cg, 'cpuacct.stat')).trim().split('\n').map((l) => l.split(' ') as [string, string]));
        const cpuStat = new Map((await readCgroupFile(fs, 'cpu', cg, 'cpu.stat')).trim().split('\n').map((l) => l.split(' ') as [string, string]));
        return {
          processes: lines(await readCgroupFile(fs, 'cpu', cg, 'cgroup.procs')),
          threads: lines(await readCgroupFile(fs, 'cpu', cg, 'tasks')),
          cpus_user_time_secs: Number(acct.get('user')) / 100,
          cpus_system_time_secs: Number(acct.get('system')) / 100,
          cpus_limit: Number(await readCgroupFile(fs, 'cpu', cg, 'cpu.cfs_quota_us')) / Number(await readCgroupFile(fs, 'cpu', cg, 'cpu.cfs_period_us')),
          cpus_nr_periods: Number(cpuStat.get('nr_periods')),
          cpus_nr_throttled: Number(cpuStat.get('nr_throttled')),
          cpus_throttled_time_secs: Number(cpuStat.get('throttled_time')) / 1e9,
          mem_limit_bytes: Number(await readCgroupFile(fs, 'memory', cg, 'memory.limit_in_bytes')),
          mem_total_bytes: Number(await readCgroupFile(fs, 'memory', cg, 'memory.usage_in_bytes')),
          mem_rss_bytes: Number(stat.get('total_rss')),
          mem_anon_bytes: Number(stat.get('total_rss')),
          mem_cache_bytes: Number(stat.get('total_cache')),
          mem_file_bytes: Number(stat.get('total_cache')),
          mem_mapped_file_bytes: Number(stat.get('total_mapped_file')),
          mem_swap_bytes: Number(stat.get('total_swap')),
        };
      }
      const stat = new Map((await readCgroupFile(fs, 'memory', cg, 'memory.stat')).trim().split('\n').map((l) => l.split(' ') as [string, string]));
      const cpuStat = new Map((await readCgroupFile(fs, 'cpu', cg, 'cpu.stat')).trim().split('\n').map((l) => l.split(' ') as [string, string]));
      const [quota, period] = (await readCgroupFile(fs, 'cpu', cg, 'cpu.max')).trim().split(' ');
      return {
        processes: lines(await readCgroupFile(fs, 'cpu', cg, 'cgroup.procs')),
        threads: lines(await readCgroupFile(fs, 'cpu', cg, 'cgroup.threads')),
        cpus_user_time_secs: Number(cpuStat.get('user_usec')) / 1e6,
        cpus_system_time_secs: Number(cpuStat.get('system_usec')) / 1e6,
        cpus_limit: Number(quota) / Number(period),
        cpus_nr_periods: Number(cpuStat.get('nr_periods')),
        cpus_nr_throttled: Number(cpuStat.get('nr_throttled')),
        cpus_throttled_time_secs: Number(cpuStat.get('throttled_usec')) / 1e6,
        mem_limit_bytes: Number(await readCgroupFile(fs, 'memory', cg, 'memory.max')),
        mem_total_bytes: Number(await readCgroupFile(fs, 'memory', cg, 'memory.current')),
        mem_rss_bytes: Number(stat.get('anon')),
        mem_anon_bytes: Number(stat.get('anon')),
        mem_cache_bytes: Number(stat.get('file')),
        mem_file_bytes: Number(stat.get('file')),
        mem_mapped_file_bytes: Number(stat.get('file_mapped')),
      };
    };
    // A quiet container's counters do not move; retry in the rare case the kernel updated one between the reads.
    let mismatch = '';
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = await files();
      const usage = await c.usage(s.containerId);
      const afterRead = await files();
      mismatch = Object.keys(before)
        .filter((k) => before[k] === afterRead[k] && usage[k] !== before[k])
        .map((k) => `${k}: usage ${usage[k]} vs file ${before[k]}`)
        .join('; ');
      const stable = Object.keys(before).every((k) => before[k] === afterRead[k]);
      if (stable && mismatch === '') {
        assert.equal(usage.mem_limit_bytes, 96 * 1024 * 1024);
        assert.equal(usage.cpus_limit, 0.5);
        assert.ok((usage.mem_rss_bytes ?? 0) >= 4_000_000, `the task's 4 MB show up in rss (${usage.mem_rss_bytes})`);
        assert.ok(Math.abs((usage.timestamp ?? 0) - Date.now() / 1000) < 5, 'timestamp is now, in seconds');
        await c.kill(s.containerId, 0);
        await assertNothingLeft();
        return;
      }
      await sleep(100);
    }
    assert.fail(`usage() differs from the cgroup files: ${mismatch}`);
  });

  it('kills the whole process tree on kill, daemons that left the session included', async () => {
    const c = make();
    const s = await spec('setsid sleep 1000 & (sleep 1001 &); sh -c "sleep 1002 & wait" & sleep 1003');
    await c.launch(s);
    await eventually(async () => (await runningWithMarker(marker)).length >= 6, 'the task tree started');
    await c.kill(s.containerId, 2000);
    assert.deepEqual(await c.wait(s.containerId), { signal: 'SIGTERM', state: 'TASK_KILLED', message: 'Command terminated with signal Terminated' });
    await assertNothingLeft();
  });

  it('runs the task as the requested user while the wrapper stays root', async () => {
    const c = make({ agentUser: 'root' });
    const s = await spec('id -u; id -g', { command: { shell: true, value: 'id -u; id -g', user: 'nobody' } });
    await c.launch(s);
    assert.equal((await c.wait(s.containerId)).state, 'TASK_FINISHED', await readFile(join(s.sandboxDir, 'stderr'), 'utf8'));
    const nobody = spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout.trim();
    assert.equal((await stdout(s)).split('\n')[0], nobody);
    await assertNothingLeft();
  });

  it('recovers running containers after an agent restart, learns how the others ended, and destroys orphan cgroups', async () => {
    const first = make();
    const a = await spec('sleep 1000');
    const b = await spec('sleep 0.5; exit 4');
    const statusA = await first.launch(a);
    const statusB = await first.launch(b);
    // An orphan: a cgroup under the root with a process in it that no checkpoint knows about.
    const orphan = `${cgroupsRoot}/orphan-${randomUUID()}`;
    await fs.create(orphan, ['cpu', 'memory', 'pids']);
    const stray = spawnSync('sh', ['-c', `(for f in ${fs.procsFiles(orphan, ['cpu', 'memory', 'pids']).join(' ')}; do echo 0 > $f; done; exec sleep 1000) >/dev/null 2>&1 & echo $!`], {
      encoding: 'utf8',
      env: { ...process.env, PLATEAU_TEST_MARKER: marker },
    });
    const strayPid = Number(stray.stdout.trim());
    await eventually(async () => (await fs.pids(orphan)).includes(strayPid), 'the stray process joined the orphan cgroup');

    await first.dispose(); // the agent goes down; its containers keep running
    await sleep(1000); // b exits while no agent watches it
    assert.ok((await fs.pids(cgroupOf(a))).length >= 2, 'a kept running without its agent');

    const second = make();
    const running = await second.recover([
      { ...statusA, sandboxDir: a.sandboxDir },
      { ...statusB, sandboxDir: b.sandboxDir },
    ]);
    assert.deepEqual(running, [a.containerId]);
    assert.deepEqual(await second.wait(b.containerId), { exitStatus: 4, state: 'TASK_FAILED', message: 'Command exited with status 4' });
    assert.deepEqual(await fs.children(cgroupsRoot), [a.containerId], "b's and the orphan's cgroups are gone");
    await eventually(async () => !(await runningWithMarker(marker)).includes(strayPid), "the orphan's process was killed");
    assert.ok(((await second.usage(a.containerId)).processes ?? 0) >= 2, 'the recovered container is measured');
    await second.kill(a.containerId, 1000);
    assert.equal((await second.wait(a.containerId)).state, 'TASK_KILLED');
    await assertNothingLeft();
  });

  it('says lxcfs is unavailable and runs containers with the host /proc without it', async () => {
    const c = make({ lxcfsDir: join(root, 'no-lxcfs-here') });
    const status = await c.probeLxcfs(true);
    assert.equal(status.available, false);
    assert.match(status.reason ?? '', /no lxcfs mounted at/);
    assert.equal(c.status().lxcfs.available, false);
    const s = await spec('head -1 /proc/meminfo', { resources: { cpus: 1, mem: 64 } });
    await c.launch(s);
    assert.equal((await c.wait(s.containerId)).state, 'TASK_FINISHED');
    assert.equal(parseMeminfo(await stdout(s)).get('MemTotal'), parseMeminfo(await readFile('/proc/meminfo', 'utf8')).get('MemTotal'), "the host's MemTotal");
    await assertNothingLeft();
  });

  it('rejects bad requests with coded errors', async () => {
    const c = make();
    const isCode = (code: string) => (err: unknown) => err instanceof CoreError && err.code === code;
    await assert.rejects(c.usage('nope'), isCode('NOT_FOUND'));
    await assert.rejects(c.view('nope'), isCode('NOT_FOUND'));
    await assert.rejects(c.launch({ ...(await spec('true')), containerId: '../escape' }), isCode('INVALID'));
    assert.throws(() => make({ cgroupsRoot: '../up' }), isCode('INVALID'));
    await assertNothingLeft();
  });

  describe('with lxcfs', { skip: lxcfsProblem !== undefined && !IN_CI ? lxcfsProblem : false }, () => {
    let lxcfs: Awaited<ReturnType<typeof startLxcfs>> | undefined;
    before(async () => {
      if (lxcfsProblem !== undefined) throw new Error(`CI=true but lxcfs is unavailable: ${lxcfsProblem}`);
      lxcfs = await startLxcfs();
    });
    after(async () => {
      await lxcfs?.stop();
    });

    it('mounts lxcfs over /proc so free inside shows the limit, and the container view equals that /proc/meminfo', async (t) => {
      const dir = (lxcfs as { dir: string }).dir;
      const c = make({ lxcfsDir: dir, sampleIntervalMs: 100 });
      assert.deepEqual((await c.probeLxcfs(true)).files, ['meminfo', 'cpuinfo', 'stat', 'uptime', 'loadavg', 'diskstats', 'swaps']);
      // Anonymous memory (a 4 MB shell variable) and page cache (a 24 MB file read back) make every field non-trivial.
      const s = await spec('dd if=/dev/zero of=blob bs=1M count=24 2>/dev/null; cat blob >/dev/null; x=$(head -c 4000000 /dev/zero | tr "\\0" a); echo ready; sleep 1000', {
        resources: { cpus: 0.5, mem: 128 },
      });
      await c.launch(s);
      await eventually(async () => (await stdout(s)).includes('ready'), 'the task set up its memory');
      const init = await namespaceInit(fs, cgroupOf(s));
      const inside = (args: string[]): string => {
        const r = spawnSync('nsenter', ['-t', String(init), '-m', '-p', ...args], { encoding: 'utf8' });
        assert.equal(r.status, 0, `nsenter ${args.join(' ')}: ${r.stderr}`);
        return r.stdout;
      };
      const meminfo = parseMeminfo(inside(['cat', '/proc/meminfo']));
      const view = await c.view(s.containerId);
      // The two reads are moments apart and the shell's own memory moves meanwhile: within 2 %, or 1 MiB for the
      // small figures (a few MB of `used`), where a single page-table or stack allocation is already 2 %.
      const within2 = (a: number, b: number, what: string): void => {
        t.diagnostic(`${what}: view ${a} B, lxcfs ${b} B (${((100 * Math.abs(a - b)) / Math.max(a, b, 1)).toFixed(2)} %)`);
        assert.ok(Math.abs(a - b) <= Math.max(0.02 * Math.max(a, b), 1024 * 1024), `${what}: view ${a} vs lxcfs ${b}`);
      };
      assert.equal(meminfo.get('MemTotal'), 128 * 1024 * 1024, 'lxcfs shows the 128 MB limit as MemTotal');
      within2(view.memory.totalBytes, meminfo.get('MemTotal') as number, 'MemTotal');
      within2(view.memory.freeBytes, meminfo.get('MemFree') as number, 'MemFree');
      within2(view.memory.availableBytes, meminfo.get('MemAvailable') as number, 'MemAvailable');
      within2(view.memory.cacheBytes, meminfo.get('Cached') as number, 'Cached');
      assert.equal(view.memory.buffersBytes, meminfo.get('Buffers'));
      // `free` (procps-ng 4) inside the container: total, used, free, shared, buff/cache, available in KiB.
      const free = inside(['free', '-k']).split('\n').find((l) => l.startsWith('Mem:'))?.trim().split(/\s+/).slice(1).map(Number) ?? [];
      assert.equal(free[0], 128 * 1024, '`free` inside shows the limit');
      within2(view.memory.usedBytes, (free[1] as number) * 1024, 'used');
      within2(view.memory.availableBytes, (free[5] as number) * 1024, 'available');
      const processors = inside(['grep', '-c', '^processor', '/proc/cpuinfo']).trim();
      assert.equal(Number(processors), view.cpu.count, '/proc/cpuinfo lists the container view CPU count');
      assert.equal(view.cpu.count, 1);
      assert.equal(view.cpu.limit, 0.5);
      await eventually(() => c.samples(s.containerId).length >= 3, 'the view is sampled into the history');
      const latest = c.samples(s.containerId).at(-1);
      assert.equal(latest?.value.memory.totalBytes, 128 * 1024 * 1024);
      assert.ok(latest?.value.cpu.utilisation !== undefined && latest.value.cpu.utilisation < 0.2, 'a sleeping task uses almost no CPU');
      await c.kill(s.containerId, 0);
      await assertNothingLeft();
    });

    it('shows a busy container its own CPU use through lxcfs and the container view alike', async (t) => {
      const dir = (lxcfs as { dir: string }).dir;
      const c = make({ lxcfsDir: dir, sampleIntervalMs: 500 });
      const s = await spec('while :; do :; done', { resources: { cpus: 0.5, mem: 64 } });
      await c.launch(s);
      // `top` inside: busy share of the `cpu` line of lxcfs's /proc/stat between two reads a second apart.
      const init = await namespaceInit(fs, cgroupOf(s));
      const cpuLine = (): number[] => {
        const r = spawnSync('nsenter', ['-t', String(init), '-m', '-p', 'head', '-1', '/proc/stat'], { encoding: 'utf8' });
        return r.stdout.trim().split(/\s+/).slice(1).map(Number);
      };
      await sleep(500);
      const a = cpuLine();
      await sleep(2000);
      const b = cpuLine();
      const d = b.map((v, i) => v - (a[i] ?? 0));
      const busy = (d[0] ?? 0) + (d[1] ?? 0) + (d[2] ?? 0);
      const inside = busy / d.reduce((x, y) => x + y, 0);
      await eventually(() => c.samples(s.containerId).length >= 4, 'four samples', 10_000);
      const utilisation = c.samples(s.containerId).at(-1)?.value.cpu.utilisation ?? 0;
      t.diagnostic(`utilisation: container view ${utilisation.toFixed(3)}, lxcfs /proc/stat inside ${inside.toFixed(3)}`);
      assert.ok(utilisation > 0.8, `a busy loop uses its whole quota of 0.5 CPU (utilisation ${utilisation.toFixed(2)})`);
      assert.ok(Math.abs(utilisation - inside) < 0.15, `the view (${utilisation.toFixed(3)}) agrees with top inside (${inside.toFixed(3)})`);
      await c.kill(s.containerId, 0);
      await assertNothingLeft();
    });
  });

  it('leaves lxcfs and cgroups alone when disposed, so a new instance can recover', async () => {
    const c = make();
    const s = await spec('sleep 1000');
    await c.launch(s);
    await c.dispose();
    assert.ok(existsSync(`/proc/${(await fs.pids(cgroupOf(s)))[0]}`), 'the task is still running');
    const next = make();
    assert.deepEqual(await next.recover([]), []);
    // Not checkpointed, so to the new instance the still-running container is an orphan: destroyed.
    assert.deepEqual(await fs.children(cgroupsRoot), []);
    await assertNothingLeft();
  });
});

/** namespaceInit finds the host pid of the container's PID 1 (the wrapper) among its cgroup's processes. */
async function namespaceInit(fs: CgroupFs, cgroup: string): Promise<number> {
  for (const pid of await fs.pids(cgroup)) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const nspid = /^NSpid:\s+(.*)$/m.exec(status)?.[1]?.trim().split(/\s+/);
    if (nspid && nspid.length > 1 && nspid.at(-1) === '1') return pid;
  }
  throw new Error(`no namespace init in ${cgroup}`);
}
