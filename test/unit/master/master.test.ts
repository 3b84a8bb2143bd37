// The master's timing-dependent behaviour, driven synchronously with a FakeClock (as Mesos's master
// tests pause the clock): framework failover, offer timeouts, agent removal, reconciliation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../../core/common/clock.js';
import { Resources } from '../../../core/common/resources.js';
import { SeededRng } from '../../../core/common/rng.js';
import type { EventSink } from '../../../core/master/eventSink.js';
import { Master, type MasterOptions } from '../../../core/master/master.js';
import { DEFAULT_MASTER_FLAGS, type MasterFlags } from '../../../core/master/masterFlags.js';
import { MemoryRegistry } from '../../../core/master/registry.js';
import type { SchedulerEvent } from '../../../core/protocol/mesos/scheduler.js';
import type { AgentEvent } from '../../../core/protocol/plateau/agentLink.js';

class RecordingSink<E> implements EventSink<E> {
  readonly events: E[] = [];
  closed = false;
  send(e: E): void {
    if (!this.closed) this.events.push(e);
  }
  close(): void {
    this.closed = true;
  }
  of<T extends string>(type: T): Array<Extract<E, { type: T }>> {
    return this.events.filter((e) => (e as { type: string }).type === type) as Array<Extract<E, { type: T }>>;
  }
}

async function setup(flags: Partial<MasterFlags> = {}, options: Partial<MasterOptions> = {}) {
  const clock = new FakeClock();
  const master = new Master({
    flags: { ...DEFAULT_MASTER_FLAGS, registry: 'in_memory', ...flags },
    address: { hostname: 'm', ip: '127.0.0.1', port: 5050 },
    clock,
    rng: new SeededRng(7),
    registry: new MemoryRegistry(),
    ...options,
  });
  await master.start();
  const agentSink = new RecordingSink<AgentEvent>();
  const { agentId } = await master.registerAgent(
    { type: 'REGISTER', register: { agent_info: { hostname: 'a1', port: 5051, resources: Resources.parse('cpus:4;mem:1024').toJSON() }, ip: '127.0.0.2', version: '1.11.0' } },
    agentSink,
    'link-1',
  );
  return { clock, master, agentSink, agentId };
}

async function subscribe(master: Master, info: Record<string, unknown> = {}, streamId = 'stream-1') {
  const sink = new RecordingSink<SchedulerEvent>();
  const { frameworkId } = await master.subscribe({ type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'u', name: 'fw', ...info } } }, sink, streamId);
  return { sink, frameworkId, streamId };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

function launch(taskId: string, agentId: string) {
  return {
    name: taskId,
    task_id: { value: taskId },
    agent_id: { value: agentId },
    resources: Resources.parse('cpus:1;mem:128').toJSON(),
    command: { value: 'sleep 100' },
  };
}

describe('Master', () => {
  it('offers a new agent to a subscribed framework promptly, not only on the interval', async () => {
    const { clock, master } = await setup();
    const { sink } = await subscribe(master);
    clock.advance(0);
    const offers = sink.of('OFFERS');
    assert.equal(offers.length, 1);
    assert.equal(Resources.fromJSON(offers[0]?.offers.offers[0]?.resources ?? []).scalar('cpus'), 4);
    await master.dispose();
    assert.equal(clock.pendingTimers(), 0);
  });

  it('with promptAllocationGapMs, agents registering in a burst share one prompt cycle, and an event after a quiet spell is allocated at once', async () => {
    const { clock, master } = await setup({}, { promptAllocationGapMs: 50 });
    const { sink } = await subscribe(master);
    clock.advance(0);
    assert.equal(sink.of('OFFERS').length, 1, 'the first agent is offered at once');
    const register = (i: number) =>
      master.registerAgent({ type: 'REGISTER', register: { agent_info: { hostname: `b${i}`, port: 5051, resources: Resources.parse('cpus:4;mem:1024').toJSON() }, ip: `127.0.1.${i}`, version: '1.11.0' } }, new RecordingSink<AgentEvent>(), `link-b${i}`);
    for (let i = 0; i < 5; i++) await register(i);
    clock.advance(49);
    assert.equal(sink.of('OFFERS').length, 1, 'no cycle within the gap');
    clock.advance(1);
    assert.equal(sink.of('OFFERS').length, 2, 'one cycle for the burst');
    assert.equal(sink.of('OFFERS')[1]?.offers.offers.length, 5);
    clock.advance(100);
    await register(9);
    clock.advance(0);
    assert.equal(sink.of('OFFERS').length, 3, 'after a quiet spell the next agent is offered at once');
    await master.dispose();
  });

  it('builds no info message when infoLogged is false, and still logs warnings', async () => {
    const quiet: string[] = [];
    const loud: string[] = [];
    const a = await setup({}, { infoLogged: false, log: (level, m) => quiet.push(`${level} ${m}`) });
    const b = await setup({}, { log: (level, m) => loud.push(`${level} ${m}`) });
    assert.ok(loud.some((m) => /^info Agent .* registered with cpus\(\*\):4; mem\(\*\):1024/.test(m)), loud.join(' | '));
    assert.ok(!quiet.some((m) => m.startsWith('info ')), quiet.join(' | '));
    a.master.agentLinkClosed(a.agentId, 'link-1');
    assert.ok(quiet.some((m) => m.startsWith(`warn Agent ${a.agentId} disconnected`)), quiet.join(' | '));
    await a.master.dispose();
    await b.master.dispose();
  });

  it('pings agents a slice per event-loop turn, so a sweep over thousands of agents lets other work run between slices', async () => {
    const { clock, master } = await setup({ agent_ping_timeout: 1_000, max_agent_ping_timeouts: 3 });
    let pings = 0;
    const sink = { closed: false, send: (e: AgentEvent) => void (e.type === 'PING' && pings++), close: () => undefined };
    for (let i = 0; i < 1_200; i++) {
      await master.registerAgent({ type: 'REGISTER', register: { agent_info: { hostname: `p${i}`, port: 5051, resources: Resources.parse('cpus:1;mem:128').toJSON() }, ip: '127.0.2.1', version: '1.11.0' } }, sink, `link-p${i}`);
    }
    // Due at the same instant as the ping round, this timer runs after the round's first slice and before the rest.
    let between = -1;
    clock.setTimeout(() => (between = pings), 1_000);
    clock.advance(1_000);
    assert.equal(between, 499, 'other work ran after the first slice (500 agents: the one setup registered and 499 of these)');
    assert.equal(pings, 1_200, 'every agent pinged in the same round');
    await master.dispose();
    assert.equal(clock.pendingTimers(), 0);
  });

  for (const order of ['agent first', 'framework first'] as const) {
    it(`after a failover, offers leave out what the re-registered agent's tasks use (${order})`, async () => {
      const registry = new MemoryRegistry();
      const { clock, master, agentSink, agentId } = await setup({}, { registry });
      const { sink, frameworkId } = await subscribe(master, { failover_timeout: 60 });
      clock.advance(0);
      const offer = sink.of('OFFERS')[0]?.offers.offers[0];
      assert.ok(offer);
      await master.schedulerCall({ type: 'ACCEPT', framework_id: { value: frameworkId }, accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [launch('t1', agentId), launch('t2', agentId)] } }] } }, 'stream-1');
      assert.equal(agentSink.of('RUN_TASK').length, 2);
      const reported = [...(master.frameworks.get(frameworkId)?.tasks.values() ?? [])].map((t) => ({ ...t, state: 'TASK_RUNNING' as const }));
      const info = master.frameworks.get(frameworkId)?.info;
      await master.dispose();

      const next = new Master({ flags: { ...DEFAULT_MASTER_FLAGS, registry: 'in_memory' }, address: { hostname: 'm2', ip: '127.0.0.1', port: 5050 }, clock, rng: new SeededRng(8), registry });
      await next.start();
      const reregister = () =>
        next.registerAgent(
          { type: 'REREGISTER', reregister: { agent_info: { hostname: 'a1', port: 5051, resources: Resources.parse('cpus:4;mem:1024').toJSON(), id: { value: agentId } }, ip: '127.0.0.2', version: '1.11.0', tasks: reported, frameworks: info ? [info] : [] } },
          new RecordingSink<AgentEvent>(),
          'link-2',
        );
      const again = new RecordingSink<SchedulerEvent>();
      const resubscribe = () => next.subscribe({ type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'u', name: 'fw', failover_timeout: 60, id: { value: frameworkId } } } }, again, 'stream-2');
      if (order === 'agent first') {
        await reregister();
        await resubscribe();
      } else {
        await resubscribe();
        await reregister();
      }
      clock.advance(1_000);
      const offered = again.of('OFFERS').flatMap((e) => e.offers.offers);
      assert.equal(offered.length, 1);
      assert.equal(Resources.fromJSON(offered[0]?.resources ?? []).scalar('cpus'), 2, 'cpus:4 less the two tasks (cpus:1 each)');
      assert.equal(next.frameworks.get(frameworkId)?.tasks.size, 2);
      await next.dispose();
    });
  }

  it('removes a framework only when its failover timeout elapses, and keeps it if it re-subscribes in time', async () => {
    const { clock, master, agentSink, agentId } = await setup();
    const { sink, frameworkId } = await subscribe(master, { failover_timeout: 10 });
    clock.advance(0);
    const offer = sink.of('OFFERS')[0]?.offers.offers[0];
    assert.ok(offer);
    await master.schedulerCall({ type: 'ACCEPT', framework_id: { value: frameworkId }, accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [launch('t1', agentId)] } }] } }, 'stream-1');
    assert.equal(agentSink.of('RUN_TASK').length, 1);

    master.frameworkStreamClosed(frameworkId, 'stream-1');
    clock.advance(9_000);
    assert.ok(master.frameworks.has(frameworkId), 'still within failover timeout');
    const again = await subscribe(master, { failover_timeout: 10, id: { value: frameworkId } }, 'stream-2');
    assert.equal(again.frameworkId, frameworkId);
    clock.advance(5_000);
    assert.ok(master.frameworks.has(frameworkId), 're-subscribed in time');
    assert.equal(agentSink.of('SHUTDOWN_FRAMEWORK').length, 0);

    master.frameworkStreamClosed(frameworkId, 'stream-2');
    clock.advance(10_000);
    assert.ok(!master.frameworks.has(frameworkId), 'removed after the timeout');
    assert.equal(agentSink.of('SHUTDOWN_FRAMEWORK').length, 1);
    assert.equal(master.completedFrameworks[0]?.id, frameworkId);
    await master.dispose();
  });

  it('closes the old stream when a framework fails over to a new one', async () => {
    const { master } = await setup();
    const first = await subscribe(master, { failover_timeout: 60 });
    const second = await subscribe(master, { failover_timeout: 60, id: { value: first.frameworkId } }, 'stream-2');
    assert.ok(first.sink.closed);
    assert.equal(first.sink.of('ERROR')[0]?.error.message, 'Framework failed over');
    assert.equal(second.sink.of('SUBSCRIBED').length, 1);
    await assert.rejects(master.schedulerCall({ type: 'REVIVE', framework_id: { value: first.frameworkId } }, 'stream-1'), /didn't match/);
    await master.dispose();
  });

  it('rescinds offers after --offer_timeout and returns their resources', async () => {
    const { clock, master } = await setup({ offer_timeout: 2_000 });
    const { sink } = await subscribe(master);
    clock.advance(0);
    const offerId = sink.of('OFFERS')[0]?.offers.offers[0]?.id.value;
    clock.advance(2_000);
    assert.equal(sink.of('RESCIND')[0]?.rescind.offer_id.value, offerId);
    assert.ok(master.recentOfferEvents().some((e) => e.type === 'OFFER_EXPIRED'));
    clock.advance(1_000);
    assert.equal(sink.of('OFFERS').length, 2, 're-offered after the rescind');
    await master.dispose();
  });

  it('marks a disconnected agent unreachable after the ping timeouts, reporting its tasks per framework capability', async () => {
    const { clock, master, agentId } = await setup({ agent_ping_timeout: 1_000, max_agent_ping_timeouts: 3 });
    const aware = await subscribe(master, { capabilities: [{ type: 'PARTITION_AWARE' }] }, 's-a');
    const plain = await subscribe(master, {}, 's-p');
    clock.advance(0);
    for (const fw of [aware, plain]) {
      const offer = fw.sink.of('OFFERS').at(-1)?.offers.offers[0];
      if (!offer) {
        clock.advance(1_000);
        continue;
      }
      await master.schedulerCall({ type: 'ACCEPT', framework_id: { value: fw.frameworkId }, accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [launch(`t-${fw.streamId}`, agentId)] } }] } }, fw.streamId);
      clock.advance(1_000);
    }
    const launched = [aware, plain].filter((fw) => master.frameworks.get(fw.frameworkId)?.tasks.size === 1);
    assert.equal(launched.length, 2, 'both frameworks launched a task');

    master.agentLinkClosed(agentId, 'link-1');
    clock.advance(2_999);
    assert.ok(master.agents.has(agentId));
    clock.advance(1);
    await flush(); // the registry write comes before telling frameworks
    assert.ok(!master.agents.has(agentId));
    assert.ok(master.unreachableAgents.has(agentId));
    const awareUpdate = aware.sink.of('UPDATE').at(-1)?.update.status;
    const plainUpdate = plain.sink.of('UPDATE').at(-1)?.update.status;
    assert.equal(awareUpdate?.state, 'TASK_UNREACHABLE');
    assert.equal(plainUpdate?.state, 'TASK_LOST');
    assert.equal(plainUpdate?.reason, 'REASON_AGENT_REMOVED');
    assert.equal(plainUpdate?.uuid, undefined, 'master-generated updates need no acknowledgement');
    assert.equal(aware.sink.of('FAILURE').length, 1);
    await master.dispose();
  });

  it('marks an agent that stops answering pings unreachable although its link stays open', async () => {
    const { clock, master, agentSink, agentId } = await setup({ agent_ping_timeout: 1_000, max_agent_ping_timeouts: 3 });
    const pings = () => agentSink.of('PING').length;
    clock.advance(1_000);
    assert.equal(pings(), 1, 'pinged once');
    master.agentPong(agentId, 'link-1');
    clock.advance(1_000);
    clock.advance(1_000);
    assert.ok(master.agents.has(agentId), 'one missed ping is not enough');
    clock.advance(2_000);
    await flush();
    assert.ok(!master.agents.has(agentId), 'unreachable after three missed pings');
    assert.ok(master.unreachableAgents.has(agentId));
    assert.ok(agentSink.closed, 'its link is closed');
    assert.throws(() => master.agentPong(agentId, 'link-1'), /does not match/);
    await master.dispose();
  });

  it('answers explicit and implicit reconciliation as Mesos does', async () => {
    const { clock, master, agentId } = await setup();
    const fw = await subscribe(master, { capabilities: [{ type: 'PARTITION_AWARE' }] });
    clock.advance(0);
    const offer = fw.sink.of('OFFERS')[0]?.offers.offers[0];
    assert.ok(offer);
    await master.schedulerCall({ type: 'ACCEPT', framework_id: { value: fw.frameworkId }, accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [launch('known', agentId)] } }] } }, fw.streamId);
    const before = fw.sink.of('UPDATE').length;
    await master.schedulerCall({ type: 'RECONCILE', framework_id: { value: fw.frameworkId }, reconcile: { tasks: [] } }, fw.streamId);
    const implicit = fw.sink.of('UPDATE').slice(before);
    assert.deepEqual(implicit.map((u) => [u.update.status.task_id.value, u.update.status.state, u.update.status.reason]), [['known', 'TASK_STAGING', 'REASON_RECONCILIATION']]);
    await master.schedulerCall(
      {
        type: 'RECONCILE',
        framework_id: { value: fw.frameworkId },
        reconcile: { tasks: [{ task_id: { value: 'ghost' }, agent_id: { value: agentId } }, { task_id: { value: 'nowhere' }, agent_id: { value: 'no-such-agent' } }] },
      },
      fw.streamId,
    );
    const explicit = fw.sink.of('UPDATE').slice(before + 1).map((u) => [u.update.status.task_id.value, u.update.status.state]);
    assert.deepEqual(explicit, [
      ['ghost', 'TASK_GONE'],
      ['nowhere', 'TASK_UNKNOWN'],
    ]);
    await master.dispose();
  });

  it('rejects calls on a stream that is not the framework\'s own', async () => {
    const { master } = await setup();
    const fw = await subscribe(master);
    await assert.rejects(master.schedulerCall({ type: 'REVIVE', framework_id: { value: fw.frameworkId } }, undefined), /Mesos-Stream-Id/);
    await assert.rejects(master.schedulerCall({ type: 'REVIVE', framework_id: { value: 'nope' } }, fw.streamId), /Framework cannot be found/);
    await master.dispose();
  });

  it('hands a failed registry write in timer-driven work to onRegistryFailure, not to an unhandled rejection', async () => {
    // A registry that stops taking writes once the agent is in (a ZooKeeper ensemble that lost its quorum).
    class RefusingRegistry extends MemoryRegistry {
      refusing = false;
      override async putAgent(agent: Parameters<MemoryRegistry['putAgent']>[0]): Promise<void> {
        if (this.refusing) throw new Error('ZooKeeper is unavailable: CONNECTION_LOSS');
        return super.putAgent(agent);
      }
    }
    const registry = new RefusingRegistry();
    const failures: unknown[] = [];
    const logged: string[] = [];
    const { clock, master, agentId } = await setup({ agent_ping_timeout: 1_000, max_agent_ping_timeouts: 3 }, { registry, onRegistryFailure: (err) => failures.push(err), log: (_l, m) => logged.push(m) });
    const unhandled: unknown[] = [];
    const onUnhandled = (r: unknown) => unhandled.push(r);
    process.on('unhandledRejection', onUnhandled);
    try {
      registry.refusing = true;
      master.agentLinkClosed(agentId, 'link-1');
      clock.advance(3_000);
      await flush();
      await flush();
      assert.equal(failures.length, 1, 'the failure reached onRegistryFailure');
      assert.ok(
        logged.some((m) => m.startsWith(`Failed to update the registry (marking agent ${agentId} unreachable): ZooKeeper is unavailable`)),
        logged.join(' | '),
      );
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await master.dispose();
    }
  });
});
