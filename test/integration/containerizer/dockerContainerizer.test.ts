// The docker containerizer against the tests' own real dockerd (build/start-test-dockerd.sh) and the local busybox
// image it imports: nothing is mocked. Every container of this file carries one `plateau.scope` label, and the last
// hook proves that none is left behind.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import type { Clock } from '../../../core/common/clock.js';
import { CoreError } from '../../../core/common/errors.js';
import { EXITED_WHILE_AGENT_DOWN_MESSAGE, type LaunchSpec, type RecoverableContainer } from '../../../core/containerizer/containerizer.js';
import { DockerContainerizer, LABEL_SCOPE, type DockerContainerizerOptions } from '../../../core/containerizer/docker/dockerContainerizer.js';
import { DockerSocketClient } from '../../../core/node/dockerSocketClient.js';
import { NodeContainerFiles } from '../../../core/node/nodeContainerFiles.js';
import { assertNothingRunning } from '../../harness/plateauProcess.js';
import { ensureTestDockerd, TEST_DOCKER_IMAGE, TEST_DOCKER_SOCKET } from '../../harness/testDockerd.js';

const dockerd = await ensureTestDockerd();

const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
  setInterval: (fn, ms) => {
    const t = setInterval(fn, ms);
    return { cancel: () => clearInterval(t) };
  },
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function readOr(path: string, fallback = ''): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return fallback;
  }
}

/** freePort finds a port nothing listens on, for a host-port mapping. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

/** cgroupDir finds a container process's cgroup directory for `controller` (v1) or its unified directory (v2). */
async function cgroupDir(pid: number, controller: string): Promise<string> {
  const lines = (await readFile(`/proc/${pid}/cgroup`, 'utf8')).trim().split('\n');
  const v1 = lines.find((l) => l.split(':')[1]?.split(',').includes(controller));
  if (v1) return join('/sys/fs/cgroup', controller, v1.slice(v1.indexOf(':', v1.indexOf(':') + 1) + 1));
  const v2 = lines.find((l) => l.startsWith('0::')) as string;
  return join('/sys/fs/cgroup', v2.slice(3));
}

describe('DockerContainerizer (real dockerd)', { skip: dockerd.skip ?? false, timeout: 240_000 }, () => {
  const scope = `plateau-test-${randomUUID()}`;
  const raw = new Docker({ socketPath: TEST_DOCKER_SOCKET });
  const owned: DockerContainerizer[] = [];
  let root: string;

  const make = (options: Partial<DockerContainerizerOptions> = {}): DockerContainerizer => {
    const c = new DockerContainerizer({ client: new DockerSocketClient({ socketPath: TEST_DOCKER_SOCKET }), files: new NodeContainerFiles(), clock: systemClock, removeDelayMs: 0, scope, logMarkIntervalMs: 100, ...options });
    owned.push(c);
    return c;
  };

  const spec = async (command: LaunchSpec['command'], docker: Record<string, unknown> = {}, extra: Partial<LaunchSpec> = {}): Promise<LaunchSpec> => {
    const containerId = randomUUID();
    const sandboxDir = join(root, containerId);
    await mkdir(sandboxDir);
    return {
      containerId,
      sandboxDir,
      command,
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', MESOS_SANDBOX: sandboxDir, MESOS_TASK_ID: `task-${containerId.slice(0, 8)}`, MESOS_CONTAINER_NAME: `mesos-${containerId}` },
      resources: { cpus: 0.25, mem: 64 },
      container: { type: 'DOCKER', docker: { image: TEST_DOCKER_IMAGE, ...docker } },
      task: { agentId: 'agent-1', frameworkId: 'fw-1', executorId: `task-${containerId.slice(0, 8)}`, taskId: `task-${containerId.slice(0, 8)}` },
      ...extra,
    };
  };
  const shell = (value: string, docker?: Record<string, unknown>, extra?: Partial<LaunchSpec>) => spec({ shell: true, value }, docker, extra);
  const stdoutOf = (s: LaunchSpec) => readOr(join(s.sandboxDir, 'stdout'));
  const ours = () => raw.listContainers({ all: true, filters: { label: [`${LABEL_SCOPE}=${scope}`] } });

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'plateau-docker-'));
  });

  afterEach(async () => {
    for (const c of owned.splice(0)) await c.dispose();
  });

  after(async () => {
    // Whatever a test left behind (it may have failed half-way) is listed, removed, and then reported.
    const left = await ours();
    await Promise.all(left.map((c) => raw.getContainer(c.Id).remove({ force: true, v: true })));
    await rm(root, { recursive: true, force: true });
    assert.deepEqual(left.map((c) => `${c.Names.join(',')} (${c.State})`), [], 'no container with our labels may be left after the suite');
  });

  after(async () => {
    await assertNothingRunning();
  });

  it('runs a shell command in the image and streams its stdout and stderr into the sandbox', async () => {
    const c = make();
    const s = await shell('echo "out $GREETING"; echo "err $GREETING" >&2; pwd', {}, {});
    s.env.GREETING = 'hello world';
    const status = await c.launch(s);
    assert.equal(status.containerId, s.containerId, 'status names the container');
    assert.equal(status.containerizer, 'docker', 'status says which containerizer launched it');
    const t = await c.wait(s.containerId);
    assert.deepEqual(t, { exitStatus: 0, state: 'TASK_FINISHED', message: 'Container exited with status 0' }, 'exit 0 is TASK_FINISHED');
    assert.equal(await stdoutOf(s), 'out hello world\n/\n', 'stdout is in the sandbox once the end is reported');
    assert.equal(await readOr(join(s.sandboxDir, 'stderr')), 'err hello world\n', 'stderr is in the sandbox');
    assert.deepEqual(c.containers(), [], 'no live containers after the end');
  });

  it('maps exit codes to task states and runs argv commands and image defaults as Mesos does', async () => {
    const c = make();
    const failing = await shell('echo bye; exit 3');
    await c.launch(failing);
    assert.deepEqual(await c.wait(failing.containerId), { exitStatus: 3, state: 'TASK_FAILED', message: 'Container exited with status 3' }, 'nonzero exit is TASK_FAILED');

    // Non-shell: `value` then `arguments` are the entrypoint's arguments, verbatim.
    const argv = await spec({ shell: false, value: '/bin/echo', arguments: ['a  b', '$HOME', '*'] });
    await c.launch(argv);
    assert.equal((await c.wait(argv.containerId)).state, 'TASK_FINISHED', 'argv command finishes');
    assert.equal(await stdoutOf(argv), 'a  b $HOME *\n', 'arguments are passed without a shell');

    // No command at all: the image's own entrypoint/command (`/bin/sh` without stdin exits 0).
    const image = await spec({ shell: false });
    await c.launch(image);
    assert.equal((await c.wait(image.containerId)).state, 'TASK_FINISHED', 'the image default command runs');

    const empty = await spec({ shell: true, value: '' });
    await assert.rejects(c.launch(empty), /Shell specified but no command value provided/, 'a shell command needs a value');
  });

  it('passes the environment and MESOS_* variables, with MESOS_SANDBOX at the mounted sandbox', async () => {
    const c = make();
    const s = await shell('env | sort > "$MESOS_SANDBOX/env.txt"; echo hi > /mnt/mesos/sandbox/written');
    s.env.ONE = '1';
    s.env.SPACES = ' x  y ';
    await c.launch(s);
    assert.equal((await c.wait(s.containerId)).state, 'TASK_FINISHED', 'env task finishes');
    const env = Object.fromEntries((await readFile(join(s.sandboxDir, 'env.txt'), 'utf8')).split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    assert.equal(env.ONE, '1', 'task variables are set');
    assert.equal(env.SPACES, ' x  y ', 'values are passed verbatim');
    assert.equal(env.MESOS_SANDBOX, '/mnt/mesos/sandbox', 'MESOS_SANDBOX is the path inside the container');
    assert.equal(env.MESOS_CONTAINER_NAME, `mesos-${s.containerId}`, 'MESOS_CONTAINER_NAME is the Docker name');
    assert.equal(env.MESOS_TASK_ID, s.env.MESOS_TASK_ID, 'MESOS_TASK_ID is passed');
    assert.equal(env.PATH, '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'the image PATH applies');
    assert.equal(await readFile(join(s.sandboxDir, 'written'), 'utf8'), 'hi\n', 'the sandbox is writable from inside');
  });

  it('names and labels containers, and sets CPU shares, CFS quota and the memory limit', async () => {
    const c = make();
    const s = await shell('sleep 60', {}, { resources: { cpus: 0.5, mem: 96 } });
    await c.launch(s);
    const info = await raw.getContainer(`mesos-${s.containerId}`).inspect();
    assert.equal(info.Name, `/mesos-${s.containerId}`, 'named mesos-<container id>');
    for (const [k, v] of Object.entries({ 'plateau.container_id': s.containerId, 'plateau.agent_id': 'agent-1', 'plateau.framework_id': 'fw-1', 'plateau.task_id': s.task?.taskId, 'plateau.scope': scope })) {
      assert.equal(info.Config.Labels[k], v, `label ${k}`);
    }
    assert.equal(info.HostConfig.Memory, 96 * 1024 * 1024, 'memory limit from mem');
    assert.equal(info.HostConfig.MemorySwap, 96 * 1024 * 1024, 'no swap beyond the limit');
    assert.equal(info.HostConfig.CpuShares, 512, 'cpu shares are 1024 per cpu');
    assert.equal(info.HostConfig.CpuQuota, 50_000, 'CFS quota from cpus');
    assert.equal(info.HostConfig.CpuPeriod, 100_000, 'CFS period 100 ms');
    assert.equal(info.HostConfig.NetworkMode, 'host', 'HOST network by default');
    const memoryDir = await cgroupDir(info.State.Pid, 'memory');
    const limit = Number((await readFile(join(memoryDir, 'memory.limit_in_bytes'), 'utf8').catch(() => readFile(join(memoryDir, 'memory.max'), 'utf8'))).trim());
    assert.equal(limit, 96 * 1024 * 1024, 'the kernel enforces the limit');
    await c.kill(s.containerId, 0);
    assert.equal((await c.wait(s.containerId)).state, 'TASK_KILLED', 'killed is TASK_KILLED');
  });

  it('publishes BRIDGE port mappings from the task ports: busybox httpd answers on its host port', async () => {
    const c = make();
    const port = await freePort();
    const s = await shell('exec httpd -f -p 80 -h /var/www', { network: 'BRIDGE', port_mappings: [{ host_port: port, container_port: 80, protocol: 'tcp' }] }, { hostPorts: [{ begin: port, end: port }] });
    await c.launch(s);
    const body = await eventually(async () => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`);
        return res.status === 200 ? await res.text() : undefined;
      } catch {
        return undefined;
      }
    }, `HTTP on host port ${port}`);
    assert.equal(body, 'plateau busybox httpd\n', 'the container serves its page on the host port');
    const info = await raw.getContainer(`mesos-${s.containerId}`).inspect();
    assert.equal(info.HostConfig.NetworkMode, 'bridge', 'BRIDGE network');
    // A container that cannot start (its host port is taken) fails the launch and is removed at once.
    const clash = await shell('exec httpd -f -p 80', { network: 'BRIDGE', port_mappings: [{ host_port: port, container_port: 80 }] }, { hostPorts: [{ begin: port, end: port }] });
    await assert.rejects(c.launch(clash), (err: Error) => err.message.startsWith(`Failed to start container 'mesos-${clash.containerId}'`), 'a start failure names the container');
    assert.equal(await raw.getContainer(`mesos-${clash.containerId}`).inspect().catch(() => undefined), undefined, 'the container that did not start is removed');
    await c.kill(s.containerId, 1000);
    assert.equal((await c.wait(s.containerId)).state, 'TASK_KILLED', 'httpd killed');

    const outside = await shell('true', { network: 'BRIDGE', port_mappings: [{ host_port: port + 1, container_port: 80 }] }, { hostPorts: [{ begin: port, end: port }] });
    await assert.rejects(c.launch(outside), (err: Error) => err instanceof CoreError && err.code === 'INVALID' && err.message === `Port [${port + 1}] not included in resources`, 'host ports must come from the task resources');
    const hostNet = await shell('true', { network: 'HOST', port_mappings: [{ host_port: port, container_port: 80 }] }, { hostPorts: [{ begin: port, end: port }] });
    await assert.rejects(c.launch(hostNet), /Port mappings are only supported for bridge and user-defined networks/, 'no port mappings on the host network');
  });

  it('kills with docker stop and the grace period: SIGTERM first, SIGKILL when it is ignored', async () => {
    const c = make();
    const polite = await shell("trap 'echo got TERM; exit 0' TERM; echo ready; while true; do sleep 0.1; done");
    await c.launch(polite);
    await eventually(async () => (await stdoutOf(polite)).includes('ready'), 'polite task ready');
    await c.kill(polite.containerId, 10_000);
    const t = await c.wait(polite.containerId);
    assert.equal(t.state, 'TASK_KILLED', 'a killed container is TASK_KILLED even when it exits 0');
    assert.equal(await stdoutOf(polite), 'ready\ngot TERM\n', 'the task saw SIGTERM and its last words reached the sandbox');

    const stubborn = await shell("trap '' TERM; echo ready; while true; do sleep 0.1; done");
    await c.launch(stubborn);
    await eventually(async () => (await stdoutOf(stubborn)).includes('ready'), 'stubborn task ready');
    const started = Date.now();
    await c.kill(stubborn.containerId, 1000);
    const elapsed = Date.now() - started;
    const killed = await c.wait(stubborn.containerId);
    assert.equal(killed.state, 'TASK_KILLED', 'stubborn task killed');
    assert.equal(killed.exitStatus, 137, 'it took SIGKILL');
    assert.ok(elapsed >= 900, `the grace period was honoured before SIGKILL (${elapsed} ms)`);
  });

  it('reports an OOM kill as TASK_FAILED with REASON_CONTAINER_LIMITATION_MEMORY', async () => {
    const c = make();
    const s = await shell('echo start; x=aaaaaaaa; while true; do x="$x$x"; done', {}, { resources: { cpus: 0.5, mem: 32 } });
    await c.launch(s);
    const t = await c.wait(s.containerId);
    assert.equal(t.state, 'TASK_FAILED', `OOM is TASK_FAILED: ${JSON.stringify(t)}`);
    assert.equal(t.reason, 'REASON_CONTAINER_LIMITATION_MEMORY', 'reason names the memory limitation');
    assert.match(t.message, /^Memory limit exceeded: Requested: 32MB/, 'message says so');
    assert.equal(await stdoutOf(s), 'start\n', 'output before the OOM kept');
  });

  it('recovers after an agent restart: re-adopts running containers, reports exited ones, kills orphans, without duplicating logs', async () => {
    const first = make();
    const running = await shell('echo one; while [ ! -f /mnt/mesos/sandbox/go ]; do sleep 0.1; done; echo two; exit 4');
    const exiting = await shell('echo b-start; while [ ! -f /mnt/mesos/sandbox/go ]; do sleep 0.1; done; echo b-end; exit 7');
    const orphan = await shell('sleep 600');
    const statuses = await Promise.all([running, exiting, orphan].map((s) => first.launch(s)));
    await eventually(async () => (await stdoutOf(running)) === 'one\n' && (await stdoutOf(exiting)) === 'b-start\n', 'first output');
    await sleep(300); // the log position is recorded at most logMarkIntervalMs after the output (dispose also records it)
    await first.dispose(); // the agent goes away; its containers keep running
    owned.splice(owned.indexOf(first), 1);
    assert.equal((await raw.getContainer(`mesos-${running.containerId}`).inspect()).State.Running, true, 'containers outlive the agent');

    await writeFile(join(exiting.sandboxDir, 'go'), '');
    await eventually(async () => !(await raw.getContainer(`mesos-${exiting.containerId}`).inspect()).State.Running, 'the second container exits while the agent is down');

    const second = make();
    const checkpointed: RecoverableContainer[] = [
      { ...(statuses[0] as NonNullable<(typeof statuses)[0]>), sandboxDir: running.sandboxDir },
      { ...(statuses[1] as NonNullable<(typeof statuses)[1]>), sandboxDir: exiting.sandboxDir },
      { containerId: randomUUID(), pid: 1, startedAt: Date.now(), containerizer: 'docker', sandboxDir: root },
    ];
    const alive = await second.recover(checkpointed);
    assert.deepEqual(alive, [running.containerId], 'only the running container is still alive');

    assert.deepEqual(await second.wait(exiting.containerId), { exitStatus: 7, state: 'TASK_FAILED', message: 'Container exited with status 7' }, 'the exit status of a container that ended while the agent was down');
    assert.equal(await stdoutOf(exiting), 'b-start\nb-end\n', 'output written while the agent was down is appended, nothing twice');
    const vanished = await second.wait(checkpointed[2]?.containerId as string);
    assert.equal(vanished.state, 'TASK_FAILED', 'a container that is gone failed');
    assert.equal(vanished.message, EXITED_WHILE_AGENT_DOWN_MESSAGE, 'and says it ended while the agent was down');

    await eventually(async () => !(await raw.getContainer(`mesos-${orphan.containerId}`).inspect().catch(() => undefined))?.State.Running, 'the orphan (in no checkpoint) is killed');

    await writeFile(join(running.sandboxDir, 'go'), '');
    assert.deepEqual(await second.wait(running.containerId), { exitStatus: 4, state: 'TASK_FAILED', message: 'Container exited with status 4' }, 'a re-adopted container is waited for');
    assert.equal(await stdoutOf(running), 'one\ntwo\n', 'the re-adopted log stream resumes where it stopped');
  });

  it('removes exited containers after --docker_remove_delay, also those a previous agent left', async () => {
    const quick = make({ removeDelayMs: 300 });
    const s = await shell('exit 0');
    await quick.launch(s);
    await quick.wait(s.containerId);
    assert.ok(await raw.getContainer(`mesos-${s.containerId}`).inspect().catch(() => undefined), 'kept right after it exited');
    await eventually(async () => !(await raw.getContainer(`mesos-${s.containerId}`).inspect().catch(() => undefined)), 'removed after the delay', 5000);

    const slow = make({ removeDelayMs: 3_600_000 });
    const kept = await shell('exit 0');
    await slow.launch(kept);
    await slow.wait(kept.containerId);
    await slow.dispose();
    assert.ok(await raw.getContainer(`mesos-${kept.containerId}`).inspect().catch(() => undefined), 'kept for the remove delay');
    // A restarted agent with a short delay finds it (in no checkpoint: its task was already reported) and removes it.
    const next = make({ removeDelayMs: 0 });
    await next.recover([]);
    await eventually(async () => !(await raw.getContainer(`mesos-${kept.containerId}`).inspect().catch(() => undefined)), 'removed by the next agent', 5000);
  });

  it('reports usage in ResourceStatistics names, matching the container cgroup', async () => {
    const c = make();
    const s = await shell('while true; do :; done', {}, { resources: { cpus: 0.5, mem: 64 } });
    const status = await c.launch(s);
    await sleep(1500);
    const stats = await c.usage(s.containerId);
    const cpuacct = await cgroupDir(status.pid, 'cpuacct');
    const memory = await cgroupDir(status.pid, 'memory');
    const cpu = await cgroupDir(status.pid, 'cpu');
    const usageNs = Number((await readFile(join(cpuacct, 'cpuacct.usage'), 'utf8')).trim());
    const limit = Number((await readFile(join(memory, 'memory.limit_in_bytes'), 'utf8')).trim());
    const used = Number((await readFile(join(memory, 'memory.usage_in_bytes'), 'utf8')).trim());
    const cpuStat = Object.fromEntries((await readFile(join(cpu, 'cpu.stat'), 'utf8')).trim().split('\n').map((l) => l.split(' ') as [string, string]));
    for (const key of ['timestamp', 'cpus_user_time_secs', 'cpus_system_time_secs', 'cpus_limit', 'cpus_nr_periods', 'cpus_nr_throttled', 'cpus_throttled_time_secs', 'mem_limit_bytes', 'mem_total_bytes', 'mem_rss_bytes', 'mem_cache_bytes', 'processes']) {
      assert.equal(typeof stats[key], 'number', `${key} is reported`);
    }
    assert.equal(stats.cpus_limit, 0.5, 'cpus_limit is the task cpus');
    assert.equal(stats.mem_limit_bytes, limit, 'mem_limit_bytes is memory.limit_in_bytes');
    const cpuSecs = (stats.cpus_user_time_secs as number) + (stats.cpus_system_time_secs as number);
    assert.ok(Math.abs(cpuSecs - usageNs / 1e9) < 0.3, `cpu time ${cpuSecs}s matches cpuacct.usage ${usageNs / 1e9}s`);
    assert.ok(cpuSecs > 0.3 && cpuSecs < 1.2, `the 0.5 cpu quota holds over 1.5 s: ${cpuSecs}s`);
    assert.ok(Math.abs((stats.mem_total_bytes as number) - used) < 4 * 1024 * 1024, `mem_total_bytes ${stats.mem_total_bytes} ≈ memory.usage_in_bytes ${used}`);
    assert.ok(Math.abs((stats.cpus_nr_periods as number) - Number(cpuStat.nr_periods)) <= 10, `cpus_nr_periods ${stats.cpus_nr_periods} ≈ cpu.stat nr_periods ${cpuStat.nr_periods}`);
    assert.ok((stats.cpus_nr_throttled as number) > 0, 'a busy loop under a quota is throttled');
    assert.equal(stats.processes, 1, 'one process in the container');
    await c.kill(s.containerId, 0);
    await c.wait(s.containerId);
    await assert.rejects(c.usage(s.containerId), /Unknown container/, 'no usage for an ended container');
  });

  it('bind-mounts lxcfs proc files read-only when lxcfs is present, and warns when it is not', async () => {
    const lxcfs = join(root, 'lxcfs');
    await mkdir(join(lxcfs, 'proc'), { recursive: true });
    await writeFile(join(lxcfs, 'proc', 'meminfo'), 'MemTotal: 12345 kB (fake lxcfs)\n');
    await writeFile(join(lxcfs, 'proc', 'uptime'), '42.00 42.00\n');
    const c = make({ lxcfsDir: lxcfs });
    const s = await shell('head -1 /proc/meminfo; cat /proc/uptime; (echo x > /proc/meminfo) 2>/dev/null && echo writable || echo read-only; grep -c ^processor /proc/cpuinfo > /dev/null && echo host-cpuinfo');
    await c.launch(s);
    assert.equal((await c.wait(s.containerId)).state, 'TASK_FINISHED', 'lxcfs task finishes');
    assert.equal(await stdoutOf(s), 'MemTotal: 12345 kB (fake lxcfs)\n42.00 42.00\nread-only\nhost-cpuinfo\n', 'present lxcfs files are mounted read-only; absent ones are not');

    const warnings: string[] = [];
    const none = make({ lxcfsDir: join(root, 'no-lxcfs'), onWarning: (m) => warnings.push(m) });
    const plain = await shell('head -1 /proc/meminfo');
    await none.launch(plain);
    await none.wait(plain.containerId);
    assert.match(await stdoutOf(plain), /^MemTotal:/, 'without lxcfs the real /proc is seen');
    assert.ok(warnings.some((w) => w.includes('lxcfs is not mounted')), `a warning says lxcfs is missing: ${JSON.stringify(warnings)}`);
  });

  it('honours parameters and volumes, and rejects unknown parameters with a clear message', async () => {
    const c = make();
    const data = join(root, `data-${randomUUID()}`);
    await mkdir(data);
    await writeFile(join(data, 'file'), 'from the host\n');
    const s = await shell('echo "$EXTRA"; hostname; pwd; grep -c "1.2.3.4.*db.example" /etc/hosts; cat /data/file; (touch /data/new) 2>/dev/null && echo rw || echo ro; echo scratch > /rel/x && echo rel-ok', {
      network: 'BRIDGE',
      parameters: [
        { key: 'env', value: 'EXTRA=from-parameter' },
        { key: 'hostname', value: 'plateau-box' },
        { key: 'workdir', value: '/mnt/mesos/sandbox' },
        { key: 'add-host', value: 'db.example:1.2.3.4' },
        { key: 'label', value: 'team=infra' },
        { key: 'label', value: 'plateau.container_id=spoofed' },
      ],
    });
    await mkdir(join(s.sandboxDir, 'rel'));
    s.container = { ...(s.container as NonNullable<LaunchSpec['container']>), volumes: [{ host_path: data, container_path: '/data', mode: 'RO' }, { host_path: 'rel', container_path: '/rel', mode: 'RW' }] };
    await c.launch(s);
    const info = await raw.getContainer(`mesos-${s.containerId}`).inspect();
    assert.equal(info.Config.Labels.team, 'infra', 'label parameter');
    assert.equal(info.Config.Labels['plateau.container_id'], s.containerId, 'our labels cannot be overridden');
    assert.equal(info.HostConfig.Privileged, false, 'not privileged unless asked (privileged containers cannot start in every test sandbox; the unit tests cover the flag)');
    assert.equal((await c.wait(s.containerId)).state, 'TASK_FINISHED', `parameters task finishes: ${await readOr(join(s.sandboxDir, 'stderr'))}`);
    assert.equal(await stdoutOf(s), 'from-parameter\nplateau-box\n/mnt/mesos/sandbox\n1\nfrom the host\nro\nrel-ok\n', 'env, hostname, workdir, add-host and volumes applied');
    assert.ok(existsSync(join(s.sandboxDir, 'rel', 'x')), 'a relative host_path is inside the sandbox');

    const unknown = await shell('true', { parameters: [{ key: 'frobnicate', value: 'yes' }] });
    await assert.rejects(c.launch(unknown), (err: Error) => err instanceof CoreError && err.code === 'INVALID' && err.message.startsWith("Unsupported docker parameter '--frobnicate=yes'"), 'unknown parameter rejected by name');
    const managed = await shell('true', { parameters: [{ key: 'rm', value: 'true' }] });
    await assert.rejects(c.launch(managed), /Docker parameter '--rm' is not allowed/, 'managed flags are refused with the reason');
  });

  it('uses the local image unless force_pull_image is set, and says clearly when a pull fails', async () => {
    const c = make();
    const missing = await shell('true', { image: 'plateau/not-here:1' });
    await assert.rejects(c.launch(missing), (err: Error) => /Failed to pull image 'plateau\/not-here:1'/.test(err.message) && /not present locally/.test(err.message), 'a missing image is pulled, and the failure says so');
    const forced = await shell('true', { force_pull_image: true });
    await assert.rejects(c.launch(forced), (err: Error) => /Failed to pull image 'plateau\/busybox:latest'/.test(err.message) && /force_pull_image is set/.test(err.message), 'force_pull_image pulls even a local image');
    assert.equal((await ours()).filter((x) => x.Names.some((n) => n.includes(missing.containerId) || n.includes(forced.containerId))).length, 0, 'no container is left from a failed launch');
  });

  it('destroyAll kills and removes every container at once', async () => {
    const c = make({ removeDelayMs: 3_600_000 });
    const a = await shell('sleep 600');
    const b = await shell('sleep 600');
    await c.launch(a);
    await c.launch(b);
    await c.destroyAll(0);
    assert.deepEqual(c.containers(), [], 'nothing live');
    for (const s of [a, b]) assert.equal(await raw.getContainer(`mesos-${s.containerId}`).inspect().catch(() => undefined), undefined, 'container removed');
  });
});
