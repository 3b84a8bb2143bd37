// HttpSimulatedAgent re-sends an unacknowledged status update after 10 s, as the real agent's StatusUpdateRetry does:
// the failover bench's 100,000-task launch stalled for good on 846 tasks whose STATUS_UPDATE POSTs failed once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MasterLink, MasterStream } from '../../../core/agent/masterLink.js';
import { FakeClock } from '../../../core/common/clock.js';
import type { AgentCall, AgentEvent } from '../../../core/protocol/plateau/agentLink.js';
import { HttpSimulatedAgent } from '../../harness/httpSimulatedAgent.js';

class FlakyLink implements MasterLink {
  onEvent: ((e: AgentEvent) => void) | undefined;
  readonly posts: AgentCall[] = [];
  failNext = 0;
  async open(_call: Extract<AgentCall, { type: 'REGISTER' | 'REREGISTER' }>, onEvent: (e: AgentEvent) => void): Promise<MasterStream> {
    this.onEvent = onEvent;
    return { linkId: 'l1', close: () => undefined };
  }
  async post(call: AgentCall): Promise<void> {
    this.posts.push(call);
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('master did not answer within 10 s');
    }
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('HttpSimulatedAgent', () => {
  it('sends a failed status update again after 10 s until it is acknowledged', async () => {
    const clock = new FakeClock();
    const link = new FlakyLink();
    const agent = new HttpSimulatedAgent(link, { hostname: 'h', ip: '10.0.0.1', resources: 'cpus:1;mem:128', clock });
    const registered = agent.register();
    await flush();
    link.onEvent?.({ type: 'REGISTERED', registered: { agent_id: { value: 'A' }, master_info: { id: 'M', ip: 0, port: 5050 } } } as AgentEvent);
    await registered;
    link.failNext = 1;
    link.onEvent?.({ type: 'RUN_TASK', run_task: { framework_info: { id: { value: 'F' }, user: 'u', name: 'f' }, task: { name: 't', task_id: { value: 't1' }, agent_id: { value: 'A' }, resources: [] } } } as unknown as AgentEvent);
    await flush();
    const updates = () => link.posts.filter((c) => c.type === 'STATUS_UPDATE');
    assert.equal(updates().length, 1, 'TASK_STARTING sent, and its POST failed');
    clock.advance(9_999);
    assert.equal(updates().length, 1);
    clock.advance(1);
    assert.equal(updates().length, 2, 'sent again after 10 s');
    const uuid = (updates()[1] as Extract<AgentCall, { type: 'STATUS_UPDATE' }>).status_update.status.uuid;
    link.onEvent?.({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: { value: 'A' }, framework_id: { value: 'F' }, task_id: { value: 't1' }, uuid } } as AgentEvent);
    assert.equal(updates().length, 3, 'the acknowledgement lets TASK_RUNNING go');
    const running = (updates()[2] as Extract<AgentCall, { type: 'STATUS_UPDATE' }>).status_update.status;
    link.onEvent?.({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: { value: 'A' }, framework_id: { value: 'F' }, task_id: { value: 't1' }, uuid: running.uuid } } as AgentEvent);
    clock.advance(60_000);
    assert.equal(updates().length, 3, 'nothing re-sent once acknowledged');
    agent.close();
    assert.equal(clock.pendingTimers(), 0);
  });
});
