// `plateau agent --isolation=cgroups/cpu,cgroups/mem,cgroups/pids` as a real process under a real master, driven
// through the v1 scheduler API: the wiring from flags to the Mesos containerizer, the memory limitation as a framework
// sees it, cgroup statistics on /monitor/statistics, and what the agent says about lxcfs.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CgroupFs } from '../../../core/containerizer/cgroups/cgroupFs.js';
import { killAll, startPlateau, tempDir, type PlateauProcess } from '../../harness/plateauProcess.js';
import { getJson, SchedulerClient, waitFor } from '../../harness/schedulerClient.js';
import { IN_CI, linuxContainerProblem } from '../../harness/linuxContainers.js';

const env = await linuxContainerProblem();
const skip = env.problem !== undefined && !IN_CI ? `cannot run real containers here: ${env.problem}` : false;

describe('an agent with --isolation=cgroups/cpu,cgroups/mem,cgroups/pids', { skip, timeout: 120_000 }, () => {
  const dir = tempDir('mesos-agent');
  const cgroupsRoot = `plateau-agent-test-${process.pid}`;
  let master: PlateauProcess;
  let agent: PlateauProcess;
  let framework: SchedulerClient;
  const used = new Set<string>();

  const task = (id: string, agentId: string, cmd: string, cpus: number, mem: number): Record<string, unknown> => ({
    name: id,
    task_id: { value: id },
    agent_id: { value: agentId },
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: cpus }, allocation_info: { role: '*' } },
      { name: 'mem', type: 'SCALAR', scalar: { value: mem }, allocation_info: { role: '*' } },
    ],
    command: { shell: true, value: cmd },
  });

  const launch = async (id: string, cmd: string, cpus: number, mem: number): Promise<void> => {
    const offers = await framework.next((e) => e.type === 'OFFERS' && e.offers.offers.some((o: any) => !used.has(o.id.value)), 15_000);
    const offer = offers.offers.offers.find((o: any) => !used.has(o.id.value));
    used.add(offer.id.value);
    const res = await framework.call({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [task(id, offer.agent_id.value, cmd, cpus, mem)] } }], filters: { refuse_seconds: 0 } } });
    assert.equal(res.status, 202, res.body);
  };

  const update = (id: string, state: string): Promise<Record<string, any>> =>
    framework.next((e) => e.type === 'UPDATE' && e.update.status.task_id.value === id && e.update.status.state === state, 30_000);

  before(async () => {
    if (env.problem) throw new Error(`CI=true but real containers cannot run here: ${env.problem}`);
    master = await startPlateau(['master', '--port=0', '--registry=in_memory', '--allocation_interval=100ms', '--quiet']);
    agent = await startPlateau([
      'agent',
      `--master=${master.url}`,
      '--port=0',
      `--work_dir=${join(dir.path, 'agent')}`,
      '--resources=cpus:4;mem:2048;disk:1024;ports:[33000-33099]',
      '--isolation=cgroups/cpu,cgroups/mem,cgroups/pids',
      `--cgroups_root=${cgroupsRoot}`,
      `--lxcfs_dir=${join(dir.path, 'no-lxcfs')}`,
      '--registration_backoff_factor=100ms',
    ]);
    await waitFor(async () => (await getJson(`${master.url}/master/slaves`)).slaves.length === 1, 15_000, 'the agent registered');
    framework = new SchedulerClient(master.url);
    await framework.subscribe({ user: 'root', name: 'mesos-agent-test', roles: ['*'], capabilities: [{ type: 'MULTI_ROLE' }] });
    framework.acknowledgeUpdates();
  });

  after(async () => {
    framework?.close();
    await killAll();
    const fs = env.fs as CgroupFs | undefined;
    if (fs) {
      for (const name of await fs.children(cgroupsRoot)) {
        await fs.kill(`${cgroupsRoot}/${name}`);
        await fs.remove(`${cgroupsRoot}/${name}`);
      }
      await fs.remove(cgroupsRoot);
    }
    dir.remove();
  });

  it('reports a task over its memory limit as TASK_FAILED with REASON_CONTAINER_LIMITATION_MEMORY', async () => {
    await launch('hog', 'head -c 400m /dev/zero | tail', 0.5, 64);
    const failed = await update('hog', 'TASK_FAILED');
    assert.equal(failed.update.status.reason, 'REASON_CONTAINER_LIMITATION_MEMORY');
    assert.match(failed.update.status.message, /^Memory limit exceeded: Requested: 64MB/);
  });

  it('serves cgroup statistics on /monitor/statistics and reports lxcfs and isolation in /flags, then kills the task', async () => {
    await launch('sleeper', 'sleep 1000', 0.25, 48);
    await update('sleeper', 'TASK_RUNNING');
    const stats = await waitFor(async () => (await getJson(`${agent.url}/monitor/statistics`)).find((s: any) => s.source === 'sleeper'), 10_000, 'statistics of the sleeper');
    assert.equal(stats.statistics.cpus_limit, 0.25);
    assert.equal(stats.statistics.mem_limit_bytes, 48 * 1024 * 1024);
    assert.equal(typeof stats.statistics.cpus_nr_periods, 'number', 'CFS statistics from the cgroup');
    assert.ok(stats.statistics.processes >= 2, 'wrapper and task are in the cgroup');
    const flags = (await getJson(`${agent.url}/flags`)).flags;
    assert.equal(flags.isolation, 'cgroups/cpu,cgroups/mem,cgroups/pids');
    assert.equal(flags.cgroups_root, cgroupsRoot);
    assert.match(flags.lxcfs, /^unavailable: no lxcfs mounted at/);
    const fs = env.fs as CgroupFs;
    assert.equal((await fs.children(cgroupsRoot)).length, 1, 'one container cgroup');
    const killed = await framework.call({ type: 'KILL', kill: { task_id: { value: 'sleeper' } } });
    assert.equal(killed.status, 202);
    await update('sleeper', 'TASK_KILLED');
    await waitFor(async () => (await fs.children(cgroupsRoot)).length === 0, 10_000, 'the container cgroup removed');
  });
});
