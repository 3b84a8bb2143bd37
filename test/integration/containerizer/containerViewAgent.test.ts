// The container view extension on a real `plateau agent --isolation=cgroups/cpu,cgroups/mem`: the current view on
// `/plateau/v1/containers`, `/monitor/statistics` and GET_CONTAINERS, and the sample ring filling up over time.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CgroupFs } from '../../../core/containerizer/cgroups/cgroupFs.js';
import { killAll, startPlateau, tempDir, type PlateauProcess } from '../../harness/plateauProcess.js';
import { getJson, post, SchedulerClient, waitFor } from '../../harness/schedulerClient.js';
import { IN_CI, linuxContainerProblem } from '../../harness/linuxContainers.js';

const env = await linuxContainerProblem();
const skip = env.problem !== undefined && !IN_CI ? `cannot run real containers here: ${env.problem}` : false;
const MiB = 1024 * 1024;

describe('the container view on an agent with --isolation=cgroups/cpu,cgroups/mem', { skip, timeout: 120_000 }, () => {
  const dir = tempDir('container-view');
  const cgroupsRoot = `plateau-view-test-${process.pid}`;
  let master: PlateauProcess;
  let agent: PlateauProcess;
  let framework: SchedulerClient;

  before(async () => {
    if (env.problem) throw new Error(`CI=true but real containers cannot run here: ${env.problem}`);
    master = await startPlateau(['master', '--port=0', '--registry=in_memory', '--allocation_interval=100ms', '--quiet']);
    agent = await startPlateau([
      'agent',
      `--master=${master.url}`,
      '--port=0',
      `--work_dir=${join(dir.path, 'agent')}`,
      '--resources=cpus:2;mem:1024;disk:1024;ports:[33100-33199]',
      '--isolation=cgroups/cpu,cgroups/mem',
      `--cgroups_root=${cgroupsRoot}`,
      `--lxcfs_dir=${join(dir.path, 'no-lxcfs')}`,
      '--registration_backoff_factor=100ms',
    ]);
    await waitFor(async () => (await getJson(`${master.url}/master/slaves`)).slaves.length === 1, 15_000, 'the agent registered');
    framework = new SchedulerClient(master.url);
    await framework.subscribe({ user: 'root', name: 'container-view-test', roles: ['*'], capabilities: [{ type: 'MULTI_ROLE' }] });
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

  it('reports a 64 MiB task as 64 MiB total and accumulates samples', async () => {
    const offers = await framework.next((e) => e.type === 'OFFERS', 15_000);
    const offer = offers.offers.offers[0];
    const task = {
      name: 'viewed',
      task_id: { value: 'viewed' },
      agent_id: offer.agent_id,
      resources: [
        { name: 'cpus', type: 'SCALAR', scalar: { value: 0.5 }, allocation_info: { role: '*' } },
        { name: 'mem', type: 'SCALAR', scalar: { value: 64 }, allocation_info: { role: '*' } },
      ],
      command: { shell: true, value: 'sleep 1000' },
    };
    const res = await framework.call({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [task] } }], filters: { refuse_seconds: 0 } } });
    assert.equal(res.status, 202, `ACCEPT answered ${res.status}: ${res.body}`);
    await framework.next((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'viewed' && e.update.status.state === 'TASK_RUNNING', 30_000);

    const list = (await getJson(`${agent.url}/plateau/v1/containers`)).containers;
    assert.equal(list.length, 1, `one container listed: ${JSON.stringify(list)}`);
    const entry = list[0];
    assert.equal(entry.task_id, 'viewed', 'task_id of the listed container');
    assert.equal(entry.executor_id, 'viewed', 'executor_id of the listed container');
    assert.equal(typeof entry.framework_id, 'string', 'framework_id is a string');
    assert.equal(typeof entry.container_id, 'string', 'container_id is a string');
    assert.equal(entry.view.memory.total_bytes, 64 * MiB, 'the view shows the 64 MiB limit as total memory');
    assert.ok(entry.view.memory.free_bytes <= 64 * MiB, 'free memory is within the limit');
    assert.equal(entry.view.cpu.count, 1, 'cpus 0.5 shows as one CPU');
    assert.equal(entry.view.cpu.limit, 0.5, 'the exact CPU limit');

    const stats = (await getJson(`${agent.url}/monitor/statistics`)).find((s: any) => s.source === 'viewed');
    assert.ok(stats, '/monitor/statistics lists the task');
    assert.equal(stats.plateau_container_view.memory.total_bytes, 64 * MiB, '/monitor/statistics carries the view');
    const containers = JSON.parse((await post(`${agent.url}/api/v1`, JSON.stringify({ type: 'GET_CONTAINERS' }))).body).get_containers.containers;
    assert.equal(containers[0].plateau_container_view.memory.total_bytes, 64 * MiB, 'GET_CONTAINERS carries the view');

    const samplesUrl = `${agent.url}/plateau/v1/containers/${entry.container_id}/samples`;
    const ring = await waitFor(
      async () => {
        const body = await getJson(samplesUrl);
        return body.samples.length >= 2 ? body : undefined;
      },
      10_000,
      'two samples in the ring',
    );
    assert.equal(ring.container_id, entry.container_id, 'samples name their container');
    assert.ok(ring.samples.every((s: any) => s.view.memory.total_bytes === 64 * MiB), 'every sample shows 64 MiB');
    assert.ok(ring.samples[1].at_ms > ring.samples[0].at_ms, 'samples are oldest first');
    assert.equal(typeof ring.samples[1].view.cpu.utilisation, 'number', 'the second sample has a utilisation');
    const newest = ring.samples.at(-1).at_ms;
    const since = await getJson(`${samplesUrl}?since=${newest}`);
    assert.ok(since.samples.length >= 1 && since.samples.every((s: any) => s.at_ms >= newest), '?since= drops older samples');

    assert.equal((await fetch(`${agent.url}/plateau/v1/containers/no-such-container/samples`)).status, 404, 'unknown container is 404');
    assert.equal((await fetch(`${samplesUrl}?since=yesterday`)).status, 400, 'a bad since is 400');

    assert.equal((await framework.call({ type: 'KILL', kill: { task_id: { value: 'viewed' } } })).status, 202, 'KILL accepted');
    await framework.next((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'viewed' && e.update.status.state === 'TASK_KILLED', 30_000);
  });
});
