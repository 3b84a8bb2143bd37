// The simulated agent of the launch benchmark, checked end to end on a tiny cluster: a real master
// (in memory), one SimulatedAgent on its agent link, and Marathon embedded through LocalSchedulerDriver.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStore } from '../../../core/coordination/store.js';
import { createMarathon } from '../../../core/runtime/createMarathon.js';
import { createMaster } from '../../../core/runtime/createMaster.js';
import { LocalSchedulerDriver } from '../../../core/runtime/localSchedulerDriver.js';
import { waitFor } from '../../harness/schedulerClient.js';
import { SimulatedAgent } from '../../harness/simulatedAgent.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('SimulatedAgent', { timeout: 30_000 }, () => {
  it('runs a Marathon task through a real master, acknowledging each update before the next, and kills it', async () => {
    const m = await createMaster({ ip: '127.0.0.1', port: 0, hostname: '127.0.0.1', registry: 'in_memory', work_dir: '', allocation_interval: 50 }, { log: quiet });
    const agent = new SimulatedAgent(m.master, { hostname: 'sim-0', resources: 'cpus:4;mem:4096;disk:1024;ports:[31000-32000]' });
    const agentId = await agent.register();
    assert.ok(m.master.agents.get(agentId)?.connected, 'the simulated agent is registered and linked');
    const marathon = await createMarathon(
      { master: m.url, ip: '127.0.0.1', hostname: '127.0.0.1', http_port: 0, work_dir: '', framework_name: 'marathon', mesos_role: '*', mesos_user: 'root', failover_timeout: 3600 },
      { log: quiet, driver: new LocalSchedulerDriver(m.master), store: new MemoryStore() },
    );
    try {
      await waitFor(() => marathon.service.scheduler.frameworkId, 5_000, 'Marathon registered');
      const res = await fetch(`${marathon.url}/v2/apps`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ id: 'sim', cmd: 'sleep 1000', cpus: 0.1, mem: 32, instances: 1 }) });
      assert.equal(res.status, 201, `POST /v2/apps answered ${res.status}`);
      await waitFor(() => [...marathon.service.scheduler.instances.values()].find((i) => i.appId === '/sim' && i.state === 'TASK_RUNNING'), 10_000, 'instance running in Marathon');
      assert.equal(agent.runningTasks(), 1, 'the agent runs the task');
      assert.equal(agent.counters.updatesSent, 2, 'STARTING and RUNNING forwarded');
      await waitFor(() => agent.counters.acks === 2, 5_000, 'both updates acknowledged');
      const task = [...m.master.frameworks.values()][0]?.tasks.values().next().value;
      assert.equal(task?.state, 'TASK_RUNNING', 'the master sees TASK_RUNNING');

      const del = await fetch(`${marathon.url}/v2/apps/sim`, { method: 'DELETE' });
      assert.equal(del.status, 200, `DELETE /v2/apps/sim answered ${del.status}`);
      await waitFor(() => agent.counters.killTask >= 1 && agent.tasks.size === 0, 10_000, 'task killed and its TASK_KILLED acknowledged');
      assert.equal(agent.counters.acks, 3, 'TASK_KILLED acknowledged too');
    } finally {
      await marathon.dispose();
      await m.dispose();
    }
  });
});
