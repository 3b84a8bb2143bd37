// DockerContainerizer policy on a FakeClock with an in-memory daemon: what it asks Docker to do, how it words
// terminations, and that every timer it starts is gone after dispose. The real daemon is exercised in
// test/integration/containerizer/dockerContainerizer.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../../core/common/clock.js';
import type { LaunchSpec } from '../../../core/containerizer/containerizer.js';
import { DockerContainerizer } from '../../../core/containerizer/docker/dockerContainerizer.js';
import { LOG_MARK_FILE, parseDockerTimestamp } from '../../../core/containerizer/docker/dockerLogPump.js';
import { dockerStatistics } from '../../../core/containerizer/docker/dockerStatistics.js';
import { CONTAINER_GONE_MESSAGE, dockerTermination } from '../../../core/containerizer/docker/dockerTermination.js';
import { FakeDocker, MemoryFiles } from '../../harness/fakeDocker.js';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

function setup(removeDelayMs = 60_000) {
  const clock = new FakeClock();
  const docker = new FakeDocker();
  const files = new MemoryFiles();
  const warnings: string[] = [];
  const c = new DockerContainerizer({ client: docker, files, clock, removeDelayMs, scope: 'agent-a', onWarning: (m) => warnings.push(m) });
  return { clock, docker, files, c, warnings };
}

function spec(id: string, docker: Record<string, unknown> = {}): LaunchSpec {
  return { containerId: id, sandboxDir: `/sb/${id}`, command: { shell: true, value: 'run' }, env: {}, resources: { cpus: 1, mem: 64 }, container: { type: 'DOCKER', docker: { image: 'busybox', ...docker } }, task: { agentId: 'a1', frameworkId: 'f1', executorId: 'e1', taskId: 't1' } };
}

describe('DockerContainerizer (fake daemon)', () => {
  it('streams logs into the sandbox, reports the exit, removes the container after the delay, and owns every timer', async () => {
    const { clock, docker, files, c } = setup();
    const status = await c.launch(spec('c1'));
    assert.deepEqual(status, { containerId: 'c1', pid: 4242, startedAt: 1, containerizer: 'docker' }, 'status');
    const fake = docker.byName('mesos-c1');
    assert.ok(fake, 'created as mesos-c1');
    assert.deepEqual(fake.body.Labels, { 'plateau.container_id': 'c1', 'plateau.agent_id': 'a1', 'plateau.framework_id': 'f1', 'plateau.executor_id': 'e1', 'plateau.task_id': 't1', 'plateau.scope': 'agent-a', 'plateau.cpus': '1', 'plateau.mem': '64' }, 'labels');
    docker.log(fake.id, 'stdout', 'hello\n', '2026-01-01T00:00:01.000000001Z');
    docker.log(fake.id, 'stderr', 'oops\n', '2026-01-01T00:00:01.000000002Z');
    clock.advance(1000);
    await flush();
    assert.equal(files.files.get(`/sb/c1/${LOG_MARK_FILE}`), '2026-01-01T00:00:01.000000002Z\n', 'the log position is recorded');
    docker.exit(fake.id, 0);
    assert.deepEqual(await c.wait('c1'), { exitStatus: 0, state: 'TASK_FINISHED', message: 'Container exited with status 0' }, 'finished');
    assert.equal(files.files.get('/sb/c1/stdout'), 'hello\n', 'stdout');
    assert.equal(files.files.get('/sb/c1/stderr'), 'oops\n', 'stderr');
    assert.equal(clock.pendingTimers(), 1, 'only the removal timer is left');
    // The fake container finished at t=2 ms (epoch), so its removal is overdue by FakeClock's start: removed at once.
    clock.advance(0);
    await flush();
    assert.equal(docker.containers.size, 0, 'removed after --docker_remove_delay');
    await c.dispose();
    assert.equal(clock.pendingTimers(), 0, 'no timer left after dispose');
    assert.equal(docker.disposed, true, 'the client is disposed with the containerizer');
  });

  it('keeps a stderr line that arrives after a later stdout line (Docker does not order the two streams)', async () => {
    const { clock, docker, files, c } = setup();
    await c.launch(spec('c1'));
    const fake = docker.byName('mesos-c1');
    assert.ok(fake, 'created');
    docker.log(fake.id, 'stdout', 'out\n', '2026-01-01T00:00:01.000000001Z');
    docker.log(fake.id, 'stdout', '/\n', '2026-01-01T00:00:01.000000003Z');
    docker.log(fake.id, 'stderr', 'err\n', '2026-01-01T00:00:01.000000002Z');
    clock.advance(1000);
    await flush();
    assert.equal(files.files.get(`/sb/c1/${LOG_MARK_FILE}`), '2026-01-01T00:00:01.000000003Z\n', 'the mark is the newest record');
    docker.exit(fake.id, 0);
    await c.wait('c1');
    assert.equal(files.files.get('/sb/c1/stderr'), 'err\n', 'the older stderr line is kept');
    assert.equal(files.files.get('/sb/c1/stdout'), 'out\n/\n', 'stdout whole');
    await c.dispose();
  });

  it('keeps exited containers for the remove delay counted from when they finished', async () => {
    const { clock, docker, c } = setup(60_000);
    await c.launch(spec('c1'));
    const fake = docker.byName('mesos-c1');
    assert.ok(fake, 'created');
    docker.exit(fake.id, 1, false, clock.now());
    assert.equal((await c.wait('c1')).message, 'Container exited with status 1', 'failed');
    clock.advance(59_999);
    await flush();
    assert.equal(docker.containers.size, 1, 'kept during the delay');
    clock.advance(1);
    await flush();
    assert.equal(docker.containers.size, 0, 'removed at the end of it');
    await c.dispose();
  });

  it('kills with docker stop -t <grace in whole seconds> and reports TASK_KILLED', async () => {
    const { docker, c } = setup();
    await c.launch(spec('c1'));
    await c.kill('c1', 2500);
    assert.ok(docker.calls.includes(`stop ${docker.byName('mesos-c1')?.id} 3`), `stop with t=3: ${docker.calls.join(', ')}`);
    assert.deepEqual(await c.wait('c1'), { exitStatus: 143, state: 'TASK_KILLED', message: 'Container killed' }, 'killed');
    await c.dispose();
  });

  it('pulls a missing image and says why the pull failed', async () => {
    const { docker, c } = setup();
    await assert.rejects(c.launch(spec('c1', { image: 'absent' })), /Failed to pull image 'absent', which was pulled because it is not present locally .*: registry unreachable/, 'missing image');
    await assert.rejects(c.launch(spec('c2', { force_pull_image: true })), /because force_pull_image is set/, 'forced pull');
    assert.deepEqual(docker.calls.filter((x) => x.startsWith('pull')), ['pull absent', 'pull busybox'], 'pulled');
    assert.deepEqual(c.containers(), [], 'nothing live');
    await c.dispose();
  });

  it('leaves waits pending on dispose (the containers live on) and rejects new calls', async () => {
    const { clock, docker, c } = setup();
    await c.launch(spec('c1'));
    docker.log(docker.byName('mesos-c1')?.id as string, 'stdout', 'x\n', '2026-01-01T00:00:01Z');
    let settled = false;
    void c.wait('c1').then(() => (settled = true), () => (settled = true));
    await c.dispose();
    await flush();
    assert.equal(settled, false, 'wait stays pending');
    assert.equal(clock.pendingTimers(), 0, 'the log-mark timer is gone');
    assert.equal(docker.byName('mesos-c1')?.running, true, 'the container keeps running');
    await assert.rejects(c.launch(spec('c2')), /Containerizer disposed/, 'launch after dispose');
  });

  it('recovers running containers resuming logs after the mark, reports exited ones, and reaps orphans of its scope only', async () => {
    const { clock, docker, files, c } = setup();
    for (const id of ['run', 'done', 'orphan']) await c.launch(spec(id));
    const foreign = new DockerContainerizer({ client: docker, files, clock, scope: 'agent-b' });
    await foreign.launch(spec('theirs'));
    const run = docker.byName('mesos-run')?.id as string;
    docker.log(run, 'stdout', 'one\n', '2026-01-01T00:00:01.000000001Z');
    await c.dispose();
    await foreign.dispose();
    files.files.set(`/sb/run/${LOG_MARK_FILE}`, '2026-01-01T00:00:01.000000001Z\n');
    docker.log(run, 'stdout', 'two\n', '2026-01-01T00:00:02Z');
    docker.exit(docker.byName('mesos-done')?.id as string, 5);

    const next = new DockerContainerizer({ client: docker, files, clock, scope: 'agent-a', removeDelayMs: 60_000 });
    const alive = await next.recover([
      { containerId: 'run', pid: 1, startedAt: 1, sandboxDir: '/sb/run', containerizer: 'docker' },
      { containerId: 'done', pid: 1, startedAt: 1, sandboxDir: '/sb/done', containerizer: 'docker' },
    ]);
    assert.deepEqual(alive, ['run'], 'running one re-adopted');
    assert.equal((await next.wait('done')).message, 'Container exited with status 5', 'exited one reported');
    assert.equal(docker.byName('mesos-orphan')?.running, false, 'the orphan is stopped');
    assert.equal(docker.byName('mesos-theirs')?.running, true, "another agent's container is left alone");
    assert.equal(files.files.get('/sb/run/stdout'), 'one\ntwo\n', 'logs resume after the mark, nothing twice');
    const stats = await next.usage('run');
    assert.equal(stats.cpus_limit, 1, 'cpus_limit from the container labels');
    await next.dispose();
  });
});

describe('dockerTermination', () => {
  const state = (exitCode: number, oomKilled = false) => ({ status: 'exited', running: false, pid: 0, exitCode, oomKilled, error: '' });
  it('words exits, kills and OOM kills as the Mesos docker containerizer does', () => {
    assert.deepEqual(dockerTermination(state(0), false), { exitStatus: 0, state: 'TASK_FINISHED', message: 'Container exited with status 0' }, 'finished');
    assert.deepEqual(dockerTermination(state(2), false), { exitStatus: 2, state: 'TASK_FAILED', message: 'Container exited with status 2' }, 'failed');
    assert.deepEqual(dockerTermination(state(137), true), { exitStatus: 137, state: 'TASK_KILLED', message: 'Container killed' }, 'killed');
    assert.deepEqual(dockerTermination(state(137, true), false, 32), { exitStatus: 137, state: 'TASK_FAILED', reason: 'REASON_CONTAINER_LIMITATION_MEMORY', message: 'Memory limit exceeded: Requested: 32MB; the container was OOM-killed (exit status 137)' }, 'oom');
    assert.equal(dockerTermination(state(0, true), false).state, 'TASK_FINISHED', 'an OOM kill of a child the task survived is not a failure');
    assert.equal(dockerTermination(undefined, false).message, CONTAINER_GONE_MESSAGE, 'gone');
  });
});

describe('dockerStatistics', () => {
  it('maps cgroup v1 and v2 samples to ResourceStatistics names', () => {
    const v1 = dockerStatistics({ cpu_stats: { cpu_usage: { usage_in_usermode: 1.5e9, usage_in_kernelmode: 5e8 }, throttling_data: { periods: 20, throttled_periods: 4, throttled_time: 2.5e8 } }, memory_stats: { usage: 5000, limit: 8000, stats: { total_rss: 3000, total_cache: 1000, total_mapped_file: 10, total_unevictable: 0 } }, pids_stats: { current: 3 }, networks: { eth0: { rx_bytes: 10, tx_bytes: 5, rx_packets: 1, tx_packets: 1, rx_errors: 0, tx_errors: 0, rx_dropped: 0, tx_dropped: 0 }, eth1: { rx_bytes: 1, tx_bytes: 1 } } }, 2000, 0.5);
    assert.deepEqual(v1, { timestamp: 2, cpus_user_time_secs: 1.5, cpus_system_time_secs: 0.5, cpus_limit: 0.5, cpus_nr_periods: 20, cpus_nr_throttled: 4, cpus_throttled_time_secs: 0.25, mem_total_bytes: 5000, mem_limit_bytes: 8000, mem_rss_bytes: 3000, mem_anon_bytes: 3000, mem_cache_bytes: 1000, mem_file_bytes: 1000, mem_mapped_file_bytes: 10, mem_unevictable_bytes: 0, processes: 3, net_rx_packets: 1, net_rx_bytes: 11, net_rx_errors: 0, net_rx_dropped: 0, net_tx_packets: 1, net_tx_bytes: 6, net_tx_errors: 0, net_tx_dropped: 0 }, 'v1');
    const v2 = dockerStatistics({ cpu_stats: { cpu_usage: { usage_in_usermode: 1e9, usage_in_kernelmode: 0 } }, memory_stats: { usage: 10, limit: 20, stats: { anon: 7, file: 3, file_mapped: 1, unevictable: 0 } } }, 1000);
    assert.equal(v2.mem_rss_bytes, 7, 'v2 anon');
    assert.equal(v2.mem_cache_bytes, 3, 'v2 file');
    assert.equal(v2.cpus_limit, undefined, 'no cpus_limit without cpus');
  });
});

describe('parseDockerTimestamp', () => {
  it('reads RFC 3339 nano timestamps exactly', () => {
    assert.deepEqual(parseDockerTimestamp('2026-11-22T22:38:30.824761001Z'), { seconds: Date.UTC(2026, 10, 22, 22, 38, 30) / 1000, nanos: 824761001 }, 'nanos');
    assert.deepEqual(parseDockerTimestamp('2026-11-22T22:38:30.8Z'), { seconds: Date.UTC(2026, 10, 22, 22, 38, 30) / 1000, nanos: 800000000 }, 'trimmed fraction');
    assert.deepEqual(parseDockerTimestamp('2026-11-22T22:38:30Z'), { seconds: Date.UTC(2026, 10, 22, 22, 38, 30) / 1000, nanos: 0 }, 'no fraction');
    assert.equal(parseDockerTimestamp('yesterday'), undefined, 'junk');
  });
});
