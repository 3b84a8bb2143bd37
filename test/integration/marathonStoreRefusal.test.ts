// A store that refuses writes (ZooKeeper without a quorum answers every write with an error) must cost Marathon its
// writes, not its process: its scale and deployment passes run on timers and events with nobody awaiting them, and a
// refused write there once ended the process through an unhandled rejection. A launch whose record cannot be written
// is not sent (the next leader would not know the task); once the store takes writes again the app launches.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MemoryStore } from '../../core/coordination/store.js';
import { createMarathon, type RunningMarathon } from '../../core/runtime/createMarathon.js';
import { createMaster, type RunningMaster } from '../../core/runtime/createMaster.js';
import { quietLog } from '../harness/marathonCluster.js';
import { assertNothingRunning } from '../harness/plateauProcess.js';
import { getJson, post, waitFor } from '../harness/schedulerClient.js';
import { SimulatedAgent } from '../harness/simulatedAgent.js';

/** RefusingStore refuses every write of an instance record while `refusing` is set, as a store without a quorum would. */
class RefusingStore extends MemoryStore {
  refusing = false;
  refused = 0;
  private check(key: string): void {
    if (this.refusing && key.startsWith('/marathon/instance/')) {
      this.refused++;
      throw new Error('ZooKeeper is unavailable: Exception: CONNECTION_LOSS[-4]');
    }
  }
  override async put(key: string, value: unknown): Promise<void> {
    this.check(key);
    return super.put(key, value);
  }
  override async delete(key: string): Promise<void> {
    this.check(key);
    return super.delete(key);
  }
  override async batch(ops: Array<{ put: string; value: unknown } | { delete: string }>): Promise<void> {
    for (const op of ops) this.check('put' in op ? op.put : op.delete);
    return super.batch(ops);
  }
}

let master: RunningMaster;
let marathon: RunningMarathon;
let agent: SimulatedAgent;
const store = new RefusingStore();
const errors: string[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  master = await createMaster({ ip: '127.0.0.1', port: 0, hostname: '127.0.0.1', registry: 'in_memory', work_dir: '', allocation_interval: 100 }, { log: quietLog });
  agent = new SimulatedAgent(master.master, { hostname: 'sim-0', resources: 'cpus:4;mem:4096;disk:4096;ports:[31000-31100]' });
  await agent.register();
  marathon = await createMarathon(
    { master: master.url, ip: '127.0.0.1', hostname: '127.0.0.1', http_port: 0, work_dir: '', framework_name: 'marathon', mesos_role: '*', mesos_user: 'root', failover_timeout: 3600 },
    { log: { ...quietLog, error: (m: string) => errors.push(m) }, store },
  );
  await waitFor(() => marathon.service.scheduler.frameworkId, 10_000, 'Marathon registered');
});

after(async () => {
  await marathon?.dispose();
  await master?.dispose();
  process.off('unhandledRejection', onUnhandled);
  await assertNothingRunning();
});

test('refused instance writes are logged, launch nothing, and the app launches once the store takes writes again', async () => {
  store.refusing = true;
  const created = await post(`${marathon.url}/v2/apps`, JSON.stringify({ id: '/refused', cmd: 'sleep 1000', cpus: 0.1, mem: 32, instances: 2 }));
  assert.equal(created.status, 201, created.body);
  // The deployment pass schedules the instances (refused), then every offer tries to record a launch (refused; the
  // offer is declined for 5 s).
  await waitFor(() => store.refused >= 3, 20_000, 'instance writes refused');
  await new Promise((resolve) => setTimeout(resolve, 2000));
  assert.deepEqual(unhandled, [], 'no unhandled rejection');
  assert.equal(agent.counters.runTask, 0, 'no task launched without its record');
  assert.ok(
    errors.some((e) => e.includes('CONNECTION_LOSS')),
    `the refusals are logged: ${errors.slice(0, 3).join(' | ')}`,
  );
  assert.equal(await (await fetch(`${marathon.url}/ping`)).text(), 'pong', 'Marathon still serves');

  store.refusing = false;
  await waitFor(async () => ((await getJson(`${marathon.url}/v2/apps/refused`)) as { app: { tasksRunning: number } }).app.tasksRunning === 2, 20_000, 'both instances running');
  assert.equal(agent.counters.runTask, 2, 'each instance launched once');
  assert.equal((await store.list('/marathon/instance/')).length, 2, 'both instances recorded');
  assert.deepEqual(unhandled, []);
});
