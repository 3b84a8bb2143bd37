// End to end through a real master and agent (in this process, real HTTP on loopback) and the tests' real dockerd:
// an agent started with --containerizers=docker,mesos runs a framework's DOCKER task in Docker and a plain command
// task beside it; an agent without docker refuses DOCKER tasks saying why.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { Resources } from '../../../core/common/resources.js';
import { LABEL_SCOPE } from '../../../core/containerizer/docker/dockerContainerizer.js';
import { createAgent, type AgentConfig, type RunningAgent } from '../../../core/runtime/createAgent.js';
import { createMaster, type RunningMaster } from '../../../core/runtime/createMaster.js';
import type { Logger } from '../../../core/runtime/logger.js';
import { assertNothingRunning, tempDir } from '../../harness/plateauProcess.js';
import { SchedulerClient, waitFor } from '../../harness/schedulerClient.js';
import { ensureTestDockerd, TEST_DOCKER_IMAGE, TEST_DOCKER_SOCKET } from '../../harness/testDockerd.js';

const dockerd = await ensureTestDockerd();

describe('agent with --containerizers=docker,mesos (real master, agent and dockerd)', { skip: dockerd.skip ?? false, timeout: 120_000 }, () => {
  const dir = tempDir('docker-agent');
  const warnings: string[] = [];
  const log: Logger = { info: () => undefined, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
  let m: RunningMaster;
  let agent: RunningAgent;
  let fw: SchedulerClient;

  const agentConfig = (name: string, containerizers: string, extra: Partial<AgentConfig> = {}): AgentConfig => ({
    master: m.url,
    ip: '127.0.0.1',
    port: 0,
    hostname: name,
    work_dir: join(dir.path, name),
    resources: Resources.parse('cpus:2;mem:1024;disk:512;ports:[35000-35010]'),
    attributes: [{ name: 'name', type: 'TEXT', text: { value: name } }],
    gc_delay: 60_000,
    registration_backoff_factor: 100,
    containerizers,
    docker_socket: TEST_DOCKER_SOCKET,
    docker_remove_delay: 0,
    flags: {},
    ...extra,
  });

  /**
   * launch accepts a fresh offer from agent `name` with one task. One OFFERS event may carry offers of several agents
   * (the master batches the allocations of agents that register together), so the search starts at the event last
   * used, and offers already accepted are skipped.
   */
  let offersSeen = 0;
  const accepted = new Set<string>();
  const launch = async (name: string, taskId: string, extra: Record<string, unknown>): Promise<void> => {
    const fresh = (o: any) => o.hostname === name && !accepted.has(o.id.value);
    const offers = await fw.next((e) => e.type === 'OFFERS' && e.offers.offers.some(fresh), 15_000, offersSeen);
    offersSeen = fw.events.indexOf(offers);
    const offer = offers.offers.offers.find(fresh);
    accepted.add(offer.id.value);
    const task = {
      name: taskId,
      task_id: { value: taskId },
      agent_id: offer.agent_id,
      resources: [
        { name: 'cpus', type: 'SCALAR', scalar: { value: 0.25 }, allocation_info: { role: '*' } },
        { name: 'mem', type: 'SCALAR', scalar: { value: 64 }, allocation_info: { role: '*' } },
        // Only the task with a port mapping takes the port (a finished task's port comes back to offers only later).
        ...(taskId === 'docker-task' ? [{ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 35001, end: 35001 }] }, allocation_info: { role: '*' } }] : []),
      ],
      ...extra,
    };
    const answer = await fw.call({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [task] } }], filters: { refuse_seconds: 0 } } });
    assert.equal(answer.status, 202, `ACCEPT answered ${answer.status}: ${answer.body}`);
  };

  const states = (taskId: string): string[] => fw.events.filter((e) => e.type === 'UPDATE' && e.update.status.task_id.value === taskId).map((e) => e.update.status.state);
  const finalUpdate = (taskId: string) => fw.next((e) => e.type === 'UPDATE' && e.update.status.task_id.value === taskId && ['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_LOST'].includes(e.update.status.state), 30_000);

  before(async () => {
    m = await createMaster({ ip: '127.0.0.1', port: 0, hostname: 'localhost', registry: 'in_memory', work_dir: '', allocation_interval: 100 }, { log });
    agent = await createAgent(agentConfig('docker-agent', 'docker,mesos'), { log });
    await waitFor(() => m.master.agents.size === 1, 10_000, 'agent registered');
    fw = new SchedulerClient(m.url);
    await fw.subscribe({ user: 'root', name: 'docker-fw', roles: ['*'], capabilities: [{ type: 'MULTI_ROLE' }] });
    fw.acknowledgeUpdates();
  });

  after(async () => {
    fw?.close();
    await agent?.destroy();
    await m?.dispose();
    const raw = new Docker({ socketPath: TEST_DOCKER_SOCKET });
    const left = await raw.listContainers({ all: true, filters: { label: [`${LABEL_SCOPE}=${join(dir.path, 'docker-agent')}`] } });
    await Promise.all(left.map((c) => raw.getContainer(c.Id).remove({ force: true })));
    dir.remove();
    assert.deepEqual(left.map((c) => c.Names.join(',')), [], 'the agent left no container behind');
  });

  after(async () => {
    await assertNothingRunning();
  });

  it('runs a DOCKER task with ContainerInfo: TASK_STARTING, TASK_RUNNING, then TASK_FINISHED, output in the sandbox', async () => {
    await launch('docker-agent', 'docker-task', {
      command: { value: 'echo "in $MESOS_CONTAINER_NAME"; sleep 1', environment: { variables: [{ name: 'WHO', value: 'plateau' }] } },
      container: { type: 'DOCKER', docker: { image: TEST_DOCKER_IMAGE, network: 'BRIDGE', port_mappings: [{ host_port: 35001, container_port: 80 }] } },
    });
    const running = await fw.next((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'docker-task' && e.update.status.state === 'TASK_RUNNING', 30_000);
    const containerId = running.update.status.container_status.container_id.value;
    const raw = new Docker({ socketPath: TEST_DOCKER_SOCKET });
    const info = await raw.getContainer(`mesos-${containerId}`).inspect();
    assert.equal(info.Config.Labels['plateau.task_id'], 'docker-task', 'the container is labelled with the task');
    assert.equal(info.Config.Labels['plateau.framework_id'], fw.frameworkId, 'and the framework');
    assert.deepEqual(info.HostConfig.PortBindings['80/tcp'], [{ HostIp: '', HostPort: '35001' }], 'the port mapping is published');
    const done = await finalUpdate('docker-task');
    assert.equal(done.update.status.state, 'TASK_FINISHED', `DOCKER task finished: ${JSON.stringify(done.update.status)}`);
    assert.deepEqual(states('docker-task'), ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED'], 'the usual state sequence');
    const sandbox = join(dir.path, 'docker-agent', 'slaves', agent.agent.agentId as string, 'frameworks', fw.frameworkId, 'executors', 'docker-task', 'runs', containerId);
    assert.equal(await readFile(join(sandbox, 'stdout'), 'utf8'), `in mesos-${containerId}\n`, 'stdout reached the sandbox');
  });

  it('runs a plain command task beside it with the other containerizer', async () => {
    await launch('docker-agent', 'plain-task', { command: { value: 'test "$(pwd)" = "$MESOS_SANDBOX"' } });
    const done = await finalUpdate('plain-task');
    assert.equal(done.update.status.state, 'TASK_FINISHED', `plain task finished: ${JSON.stringify(done.update.status)}`);
  });

  it('keeps a DOCKER task running across an agent restart and reports its end afterwards', async () => {
    await launch('docker-agent', 'long-task', {
      command: { value: 'echo started; while [ ! -f "$MESOS_SANDBOX/go" ]; do sleep 0.1; done; echo done' },
      container: { type: 'DOCKER', docker: { image: TEST_DOCKER_IMAGE } },
    });
    const running = await fw.next((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'long-task' && e.update.status.state === 'TASK_RUNNING', 30_000);
    const containerId = running.update.status.container_status.container_id.value;
    const sandbox = join(dir.path, 'docker-agent', 'slaves', agent.agent.agentId as string, 'frameworks', fw.frameworkId, 'executors', 'long-task', 'runs', containerId);
    await waitFor(async () => (await readFile(join(sandbox, 'stdout'), 'utf8').catch(() => '')) === 'started\n', 10_000, 'task output');
    await agent.dispose(); // an agent restart: the container keeps running
    agent = await createAgent(agentConfig('docker-agent', 'docker,mesos'), { log });
    await waitFor(() => [...m.master.agents.values()].length === 1 && agent.agent.connected, 10_000, 'agent re-registered');
    assert.deepEqual(states('long-task'), ['TASK_STARTING', 'TASK_RUNNING'], 'still running after the restart');
    await writeFile(join(sandbox, 'go'), '');
    const done = await finalUpdate('long-task');
    assert.equal(done.update.status.state, 'TASK_FINISHED', `finished after the restart: ${JSON.stringify(done.update.status)}`);
    assert.equal(await readFile(join(sandbox, 'stdout'), 'utf8'), 'started\ndone\n', 'output from before and after the restart, once each');
  });

  it('fails DOCKER tasks with a clear message on an agent without docker, or whose daemon is unreachable', async () => {
    const plain = await createAgent(agentConfig('mesos-only', 'mesos'), { log });
    const unreachable = await createAgent(agentConfig('no-daemon', 'docker,mesos', { docker_socket: join(dir.path, 'no-such.sock') }), { log });
    try {
      assert.ok(warnings.some((w) => w.includes('Docker containerizer disabled') && w.includes('no-such.sock')), `the agent warns that docker is unavailable: ${JSON.stringify(warnings)}`);
      const container = { type: 'DOCKER', docker: { image: TEST_DOCKER_IMAGE } };
      await launch('mesos-only', 'refused-task', { command: { value: 'true' }, container });
      const refused = await finalUpdate('refused-task');
      assert.equal(refused.update.status.state, 'TASK_FAILED', 'refused');
      assert.equal(refused.update.status.reason, 'REASON_CONTAINER_LAUNCH_FAILED', 'launch failure reason');
      assert.match(refused.update.status.message, /cannot launch DOCKER containers \(start the agent with --containerizers=docker,mesos\)/, 'says how to fix it');
      await launch('no-daemon', 'unreachable-task', { command: { value: 'true' }, container });
      const failed = await finalUpdate('unreachable-task');
      assert.equal(failed.update.status.state, 'TASK_FAILED', 'failed');
      assert.match(failed.update.status.message, /Docker containerizer is not available: cannot reach the Docker daemon at unix:\/\/.*no-such\.sock/, `says why: ${failed.update.status.message}`);
    } finally {
      await plain.destroy();
      await unreachable.destroy();
    }
  });
});
