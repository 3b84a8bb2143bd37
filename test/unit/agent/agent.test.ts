import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, describe, it } from 'node:test';
import { Agent, type SandboxManager } from '../../../core/agent/agent.js';
import type { AgentCheckpoint, AgentStore, TaskCheckpoint } from '../../../core/agent/agentStore.js';
import type { MasterLink, MasterStream } from '../../../core/agent/masterLink.js';
import { FakeClock } from '../../../core/common/clock.js';
import { Resources } from '../../../core/common/resources.js';
import { SeededRng } from '../../../core/common/rng.js';
import type { ContainerStatus, Containerizer, LaunchSpec, Termination } from '../../../core/containerizer/containerizer.js';
import type { FrameworkInfo, TaskInfo, TaskStatus } from '../../../core/protocol/mesos/v1.js';
import type { AgentCall, AgentEvent } from '../../../core/protocol/plateau/agentLink.js';

/** MemoryStore keeps the agent's checkpoint in memory. */
class MemoryStore implements AgentStore {
  readonly tasks = new Map<string, TaskCheckpoint>();
  async load(): Promise<AgentCheckpoint> {
    return { agentId: undefined, frameworks: [], tasks: [] };
  }
  async saveAgentId(): Promise<void> {}
  async saveFramework(): Promise<void> {}
  async removeFramework(): Promise<void> {}
  async saveTask(task: TaskCheckpoint): Promise<void> {
    this.tasks.set(task.task.task_id.value, structuredClone(task));
  }
  async removeTask(_frameworkId: string, taskId: string): Promise<void> {
    this.tasks.delete(taskId);
  }
}

/** FakeLink hands the agent's event callback to the test and records the status updates it posts. */
class FakeLink implements MasterLink {
  deliver: ((event: AgentEvent) => void) | undefined;
  readonly updates: TaskStatus[] = [];
  async open(_call: AgentCall, onEvent: (event: AgentEvent) => void): Promise<MasterStream> {
    this.deliver = onEvent;
    return { linkId: 'link-1', close: () => undefined };
  }
  async post(call: AgentCall): Promise<void> {
    if (call.type === 'STATUS_UPDATE') this.updates.push(call.status_update.status);
  }
}

/** IdleContainerizer launches nothing; its containers run until the test ends. */
class IdleContainerizer implements Containerizer {
  readonly name = 'posix';
  readonly launched: string[] = [];
  async launch(spec: LaunchSpec): Promise<ContainerStatus> {
    this.launched.push(spec.containerId);
    return { containerId: spec.containerId, pid: 4242, startedAt: 0 };
  }
  wait(): Promise<Termination> {
    return new Promise(() => undefined);
  }
  async kill(): Promise<void> {}
  async recover(): Promise<string[]> {
    return [];
  }
  async usage(): Promise<Record<string, number>> {
    return {};
  }
  containers(): string[] {
    return this.launched;
  }
  async dispose(): Promise<void> {}
  async destroyAll(): Promise<void> {}
}

const framework: FrameworkInfo & { id: { value: string } } = { user: 'root', name: 'group-fw', id: { value: 'fw-0000' } };
const groupTask = (id: string): TaskInfo => ({ name: id, task_id: { value: id }, agent_id: { value: 'agent-S0' }, command: { value: 'sleep 60' } });

describe('Agent', () => {
  let agent: Agent | undefined;
  afterEach(async () => {
    await agent?.dispose();
    agent = undefined;
  });

  async function startAgent(sandboxes: SandboxManager): Promise<FakeLink> {
    const link = new FakeLink();
    agent = new Agent({
      settings: { hostname: 'agent', ip: '127.0.0.1', port: 5051, resources: Resources.parse('cpus:2;mem:1024'), attributes: [], registrationBackoffMs: 100, capabilities: [] },
      clock: new FakeClock(),
      rng: new SeededRng(7),
      store: new MemoryStore(),
      link,
      containerizer: new IdleContainerizer(),
      sandboxes,
    });
    await agent.start();
    while (!link.deliver) await nextTurn();
    link.deliver({ type: 'REGISTERED', registered: { agent_id: { value: 'agent-S0' }, master_info: { id: 'm', ip: 0, port: 5050 }, heartbeat_interval_seconds: 15 } });
    while (!agent.connected) await nextTurn();
    return link;
  }

  async function updatesOf(link: FakeLink, taskIds: string[], settle = 200): Promise<Map<string, string[]>> {
    const states = () => new Map(taskIds.map((id) => [id, link.updates.filter((u) => u.task_id.value === id).map((u) => u.state)]));
    for (let i = 0; i < settle && [...states().values()].some((s) => s.length === 0); i++) await nextTurn();
    return states();
  }

  it('reports TASK_FAILED for a task of a group whose sandbox cannot be made, and still runs the other', async () => {
    const made: string[] = [];
    const link = await startAgent({
      create: async (ids) => {
        // As two sandboxes of one executor made at once did when they shared a temporary `latest` link.
        if (made.length === 1) throw new Error(`ENOENT: no such file or directory, rename '.../runs/latest.tmp' -> '.../runs/latest'`);
        made.push(ids.containerId);
        return `/work/runs/${ids.containerId}`;
      },
      scheduleGc: () => undefined,
    });
    // The master sends each task of a LAUNCH_GROUP as its own RUN_TASK_GROUP, so both launches run at once.
    for (const id of ['group-a', 'group-b']) {
      link.deliver?.({ type: 'RUN_TASK_GROUP', run_task_group: { framework_info: framework, executor: { type: 'DEFAULT', executor_id: { value: 'group-executor' } }, task_group: { tasks: [groupTask(id)] } } });
    }
    const states = await updatesOf(link, ['group-a', 'group-b']);
    assert.deepEqual(states.get('group-a'), ['TASK_STARTING'], 'the first task starts (TASK_RUNNING follows its acknowledgement)');
    assert.deepEqual(states.get('group-b'), ['TASK_FAILED'], 'the task without a sandbox is reported failed, not left silent');
    const failed = link.updates.find((u) => u.task_id.value === 'group-b');
    assert.equal(failed?.reason, 'REASON_CONTAINER_LAUNCH_FAILED');
    assert.match(failed?.message ?? '', /^Failed to create the sandbox: ENOENT/);
    assert.equal(failed?.executor_id?.value, 'group-executor');
  });
});
