import type { Clock, TimerHandle } from '../common/clock.js';
import { CoreError, invalid } from '../common/errors.js';
import { Emitter } from '../common/emitter.js';
import { uuidV4 } from '../common/ids.js';
import { Resources } from '../common/resources.js';
import type { Rng } from '../common/rng.js';
import { HierarchicalAllocator } from '../allocator/hierarchicalAllocator.js';
import type { SchedulerCall, SchedulerEvent } from '../protocol/mesos/scheduler.js';
import type { FrameworkInfo, MasterInfo, Offer, Task, TaskState, TaskStatus } from '../protocol/mesos/v1.js';
import { isTerminalState } from '../protocol/mesos/v1.js';
import type { AgentCall, AgentEvent } from '../protocol/plateau/agentLink.js';
import { AgentRecord } from './agentRecord.js';
import type { EventSink } from './eventSink.js';
import { machineKey, Maintenance, type MachineId, type MaintenanceSchedule } from './maintenance.js';
import { FrameworkRecord } from './frameworkRecord.js';
import type { MasterFlags } from './masterFlags.js';
import type { OfferEvent } from '../protocol/plateau/offerEvent.js';
import type { OperatorEvent } from './operatorEvent.js';
import type { Registry } from './registry.js';
import { reconcileTasks } from './reconciliation.js';
import { validateTask } from './taskValidation.js';

/** MASTER_VERSION is the Mesos API version Plateau's master answers as. */
export const MASTER_VERSION = '1.11.0';

/** MasterOptions are the master's collaborators; the composition root wires the real ones. */
export interface MasterOptions {
  flags: MasterFlags;
  address: { hostname: string; ip: string; port: number };
  clock: Clock;
  rng: Rng;
  registry: Registry;
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
  /**
   * infoLogged is false when `log` drops info messages: the master then does not build them (one per registering
   * agent, naming its resources, was 4 % of the new leader's CPU while a thousand agents re-registered).
   */
  infoLogged?: boolean;
  /**
   * onRegistryFailure hears of a registry write that failed in work nobody awaits (marking an agent unreachable,
   * removing a framework, expiring agents after recovery). Mesos's master aborts then: its memory and the registry
   * disagree, and a new leader recovering from the registry must take over. Without it the failure is only logged.
   */
  onRegistryFailure?: (err: unknown) => void;
  /**
   * promptAllocationGapMs is the least time between two prompt allocation cycles (0, the default: none). Each
   * event about agents or frameworks asks for a prompt cycle; in a burst (every agent re-registering after a failover)
   * one cycle per event sent a framework one OFFERS per agent, each declined with a call of its own, and those
   * cycles, offers and declines were a third of the new leader's CPU. With a gap the burst's events share cycles, as
   * Mesos's allocator shares one `_allocate` among the events queued before it runs; an event after a quiet spell is
   * still allocated at once.
   */
  promptAllocationGapMs?: number;
}

const OFFER_HISTORY = 500;
/**
 * AGENT_SWEEP_SLICE is how many agents a periodic sweep (pings, heartbeats) visits in one turn of the event loop
 * before it lets other work run. Every visit writes to a socket, and a sweep over 10,000 agents in one loop held the
 * main thread for seconds, where the ZooKeeper client must also ping to keep the leader's session
 * (bench/results/masterFailover.md).
 */
const AGENT_SWEEP_SLICE = 500;

/**
 * Master is Mesos's master re-told: it admits agents, hands their resources to frameworks as offers
 * decided by the pure `HierarchicalAllocator`, launches what frameworks accept, and relays task status
 * updates reliably. It knows nothing of HTTP: `core/api` turns requests into these method calls and
 * `EventSink`s into streams.
 */
export class Master {
  readonly id: string;
  readonly info: MasterInfo;
  readonly startTime: number;
  electedTime: number | undefined;
  readonly frameworks = new Map<string, FrameworkRecord>();
  /** maintenance is the maintenance schedule and which machines are down (persisted in the registry). */
  readonly maintenance = new Maintenance();
  readonly completedFrameworks: FrameworkRecord[] = [];
  readonly agents = new Map<string, AgentRecord>();
  /** recoveredAgents are agents from the registry that have not re-registered since this master started. */
  readonly recoveredAgents = new Map<string, { info: AgentRecord['info']; ip: string }>();
  readonly unreachableAgents = new Map<string, { info: AgentRecord['info']; ip: string; since: number }>();
  readonly allocator: HierarchicalAllocator;
  readonly operatorEvents = new Emitter<OperatorEvent>();
  readonly offerEvents = new Emitter<OfferEvent>();
  readonly counters = { slave_registrations: 0, slave_reregistrations: 0, slave_removals: 0, valid_status_updates: 0, invalid_status_updates: 0, valid_framework_to_executor_messages: 0, offers_made: 0, offers_declined: 0, offers_rescinded: 0 };
  private readonly offers = new Map<string, Offer & { resourcesInternal: Resources; createdAt: number }>();
  private readonly offerTimers = new Map<string, TimerHandle>();
  private readonly offerHistory: OfferEvent[] = [];
  private readonly timers: TimerHandle[] = [];
  private recoveryTimer: TimerHandle | undefined;
  private allocationScheduled: TimerHandle | undefined;
  /** allocationDueAt is when the scheduled prompt allocation runs; lastAllocationAt when the last cycle ran. */
  private allocationDueAt = Infinity;
  private lastAllocationAt = -Infinity;
  /** allocationCandidates are the agents the scheduled prompt allocation visits ('all': every agent). */
  private allocationCandidates: Set<string> | 'all' = new Set();
  /** sweeps are the continuations of agent sweeps under way, cancelled on dispose. */
  private readonly sweeps = new Set<TimerHandle>();
  private nextFrameworkId = 0;
  private nextAgentId = 0;
  private nextOfferId = 0;
  private disposed = false;

  constructor(private readonly options: MasterOptions) {
    this.id = uuidV4(options.rng);
    this.startTime = options.clock.now();
    const { hostname, ip, port } = options.address;
    this.info = {
      id: this.id,
      ip: ipToUint32(ip),
      port,
      pid: `master@${ip}:${port}`,
      hostname,
      version: MASTER_VERSION,
      address: { hostname, ip, port },
      capabilities: [{ type: 'AGENT_UPDATE' }, { type: 'QUOTA_V2' }],
    };
    this.allocator = new HierarchicalAllocator({ rng: options.rng });
    this.offerEvents.on((e) => {
      this.offerHistory.push(e);
      if (this.offerHistory.length > OFFER_HISTORY) this.offerHistory.splice(0, this.offerHistory.length - OFFER_HISTORY);
    });
  }

  /** recentOfferEvents returns the last offer events, so a console attaching late still sees recent flow. */
  recentOfferEvents(): readonly OfferEvent[] {
    return this.offerHistory;
  }

  /** teardown removes a framework on an operator's request (`TEARDOWN`, `/master/teardown`). */
  async teardown(frameworkId: string): Promise<void> {
    const record = this.frameworks.get(frameworkId);
    if (!record) throw invalid(`No framework found with specified ID`);
    await this.removeFramework(record, 'operator teardown');
  }

  /** bindPort records the port the HTTP server actually listens on (it differs from the flag with `--port=0`). */
  bindPort(port: number): void {
    const ip = this.options.address.ip;
    this.info.port = port;
    this.info.pid = `master@${ip}:${port}`;
    if (this.info.address) this.info.address.port = port;
    this.options.flags.port = port;
  }

  get flags(): MasterFlags {
    return this.options.flags;
  }

  get clock(): Clock {
    return this.options.clock;
  }

  /** start recovers the registry and begins allocating; agents from the registry get `agent_reregister_timeout` to come back. */
  async start(): Promise<void> {
    const state = await this.options.registry.recover();
    if (state.maintenance) this.maintenance.apply(state.maintenance);
    for (const w of state.weights) this.allocator.updateWeights([w]);
    for (const q of state.quotas) this.allocator.updateQuota(q.role, { guarantees: q.guarantees, limits: q.limits });
    for (const f of state.frameworks) {
      const record = new FrameworkRecord(f);
      record.recovered = true;
      this.frameworks.set(f.id.value, record);
    }
    for (const a of state.agents) {
      if (a.unreachable) this.unreachableAgents.set(a.info.id.value, { info: a.info, ip: a.ip, since: this.clock.now() });
      else this.recoveredAgents.set(a.info.id.value, { info: a.info, ip: a.ip });
    }
    if (this.recoveredAgents.size > 0) {
      this.recoveryTimer = this.clock.setTimeout(() => void this.expireRecoveredAgents().catch(this.registryFailed('expiring agents that did not re-register')), this.flags.agent_reregister_timeout);
    }
    this.electedTime = this.clock.now();
    this.timers.push(this.clock.setInterval(() => this.allocate(true), this.flags.allocation_interval));
    this.timers.push(this.clock.setInterval(() => this.heartbeat(), this.flags.heartbeat_interval));
    this.timers.push(this.clock.setInterval(() => this.pingAgents(), this.flags.agent_ping_timeout));
    this.log('info', `Master ${this.id} started on ${this.info.pid}, recovered ${state.agents.length} agents and ${state.frameworks.length} frameworks`);
  }

  // ---------------------------------------------------------------------------------------------
  // Frameworks

  /**
   * subscribe admits a framework (new, or failing over with its id) on a fresh stream. Mesos closes
   * the old stream of a re-subscribing framework and rescinds all its outstanding offers.
   */
  async subscribe(call: SchedulerCall, sink: EventSink<SchedulerEvent>, streamId: string): Promise<{ streamId: string; frameworkId: string }> {
    const info = call.subscribe?.framework_info;
    if (!info) throw invalid("Expecting 'subscribe' to be present");
    validateFrameworkInfo(info);
    if (call.framework_id && info.id && call.framework_id.value !== info.id.value) {
      throw invalid("'framework_id' differs from 'subscribe.framework_info.id'");
    }
    const now = this.clock.now();
    let record = info.id ? this.frameworks.get(info.id.value) : undefined;
    if (info.id && !record && this.completedFrameworks.some((f) => f.id === info.id?.value)) {
      throw new CoreError('FORBIDDEN', `Framework ${info.id.value} has been removed`);
    }
    if (record) {
      if (record.stream) {
        const old = record.stream.sink;
        record.stream = undefined;
        old.send({ type: 'ERROR', error: { message: 'Framework failed over' }, message: 'Framework failed over' });
        old.close();
      }
      record.failoverTimer?.cancel();
      record.failoverTimer = undefined;
      this.rescindOffersOf(record, 'framework re-subscribed');
      const wasKnown = !record.recovered || record.registeredTime !== undefined;
      record.info = { ...info, id: { value: record.id } };
      record.reregisteredTime = now;
      record.registeredTime ??= now;
      record.recovered = false;
      record.unregisteredTime = undefined;
      this.syncFrameworkWithAllocator(record, call.subscribe?.suppressed_roles ?? []);
      await this.options.registry.putFramework(record.info);
      this.operatorEvents.fire({ type: wasKnown ? 'FRAMEWORK_UPDATED' : 'FRAMEWORK_ADDED', framework: record });
    } else {
      const id = info.id?.value ?? `${this.id}-${String(this.nextFrameworkId++).padStart(4, '0')}`;
      record = new FrameworkRecord({ ...info, id: { value: id } });
      record.registeredTime = now;
      this.frameworks.set(id, record);
      this.syncFrameworkWithAllocator(record, call.subscribe?.suppressed_roles ?? []);
      await this.options.registry.putFramework(record.info);
      this.operatorEvents.fire({ type: 'FRAMEWORK_ADDED', framework: record });
    }
    record.stream = { id: streamId, sink };
    record.active = true;
    this.allocator.activateFramework(record.id);
    sink.send({
      type: 'SUBSCRIBED',
      subscribed: { framework_id: { value: record.id }, heartbeat_interval_seconds: this.flags.heartbeat_interval / 1000, master_info: this.info },
    });
    this.log('info', `Framework ${record.id} (${record.info.name}) subscribed`);
    this.scheduleAllocation();
    return { streamId, frameworkId: record.id };
  }

  /** frameworkStreamClosed starts the failover timeout of a framework whose subscription dropped. */
  frameworkStreamClosed(frameworkId: string, streamId: string): void {
    if (this.disposed) return;
    const record = this.frameworks.get(frameworkId);
    if (!record || record.stream?.id !== streamId) return;
    record.stream = undefined;
    record.active = false;
    record.unregisteredTime = this.clock.now();
    this.allocator.deactivateFramework(record.id);
    this.rescindOffersOf(record, 'framework disconnected');
    const timeoutMs = Math.max(0, (record.info.failover_timeout ?? 0) * 1000);
    this.log('info', `Framework ${frameworkId} disconnected; failover timeout ${timeoutMs} ms`);
    record.failoverTimer = this.clock.setTimeout(() => void this.removeFramework(record, 'failover timeout elapsed').catch(this.registryFailed(`removing framework ${frameworkId}`)), timeoutMs);
    this.operatorEvents.fire({ type: 'FRAMEWORK_UPDATED', framework: record });
  }

  /** schedulerCall handles every call but SUBSCRIBE; it checks the stream id first, as Mesos does. */
  async schedulerCall(call: SchedulerCall, streamId: string | undefined): Promise<void> {
    const frameworkId = call.framework_id?.value;
    if (!frameworkId) throw invalid("Expecting 'framework_id' to be present");
    const record = this.frameworks.get(frameworkId);
    if (!record) throw invalid('Framework cannot be found');
    if (!record.connected) throw new CoreError('FORBIDDEN', 'Framework is not subscribed');
    if (streamId === undefined) throw invalid("All non-subscribe calls should include the 'Mesos-Stream-Id' header");
    if (record.stream?.id !== streamId) throw invalid(`The stream ID '${streamId}' included in this request didn't match the stream ID currently associated with framework ID ${frameworkId}`);
    switch (call.type) {
      case 'TEARDOWN':
        await this.removeFramework(record, 'framework teardown');
        return;
      case 'ACCEPT':
        this.accept(record, call);
        return;
      case 'DECLINE':
        this.decline(record, call.decline?.offer_ids ?? [], call.decline?.filters?.refuse_seconds);
        return;
      case 'REVIVE':
        this.allocator.reviveOffers(record.id, nonEmpty(call.revive?.roles));
        for (const r of call.revive?.roles?.length ? call.revive.roles : record.roles) record.suppressedRoles.delete(r);
        this.scheduleAllocation();
        return;
      case 'SUPPRESS':
        this.allocator.suppressOffers(record.id, nonEmpty(call.suppress?.roles));
        for (const r of call.suppress?.roles?.length ? call.suppress.roles : record.roles) record.suppressedRoles.add(r);
        return;
      case 'KILL':
        this.kill(record, call);
        return;
      case 'SHUTDOWN': {
        const executorId = call.shutdown?.executor_id?.value;
        const agent = this.agents.get(call.shutdown?.agent_id?.value ?? '');
        if (!executorId || !agent) return;
        for (const task of record.tasks.values()) {
          const taskExecutor = task.executor_id?.value ?? task.task_id.value;
          if (taskExecutor === executorId && task.agent_id.value === agent.id) {
            agent.send({ type: 'KILL_TASK', kill_task: { framework_id: { value: record.id }, task_id: task.task_id } });
          }
        }
        return;
      }
      case 'ACKNOWLEDGE':
        this.acknowledge(record, call);
        return;
      case 'RECONCILE':
        for (const status of reconcileTasks(this, record, call.reconcile?.tasks ?? [])) {
          record.send({ type: 'UPDATE', update: { status } });
        }
        return;
      case 'MESSAGE':
        // Plateau runs tasks with the command executor, which ignores framework messages as Mesos's does.
        this.counters.valid_framework_to_executor_messages++;
        return;
      case 'REQUEST':
        return;
      case 'UPDATE_FRAMEWORK': {
        const info = call.update_framework?.framework_info;
        if (!info) throw invalid("Expecting 'update_framework' to be present");
        validateFrameworkInfo(info);
        if (info.id?.value !== record.id) throw invalid("'framework_info.id' must match 'framework_id'");
        for (const field of ['principal', 'user', 'checkpoint'] as const) {
          if (JSON.stringify(info[field] ?? null) !== JSON.stringify(record.info[field] ?? null)) {
            throw invalid(`Updating 'FrameworkInfo.${field}' is unsupported`);
          }
        }
        const oldRoles = new Set(record.roles);
        record.info = { ...info, id: { value: record.id } };
        const newRoles = new Set(record.roles);
        for (const offer of [...record.offers.values()]) {
          const role = offer.allocation_info?.role ?? '*';
          if (oldRoles.has(role) && !newRoles.has(role)) this.rescindOffer(offer.id.value, 'role removed from framework');
        }
        this.syncFrameworkWithAllocator(record, call.update_framework?.suppressed_roles ?? []);
        await this.options.registry.putFramework(record.info);
        this.operatorEvents.fire({ type: 'FRAMEWORK_UPDATED', framework: record });
        this.scheduleAllocation();
        return;
      }
      case 'ACCEPT_INVERSE_OFFERS':
      case 'DECLINE_INVERSE_OFFERS':
      case 'ACKNOWLEDGE_OPERATION_STATUS':
      case 'RECONCILE_OPERATIONS':
        return;
      default:
        throw new CoreError('UNSUPPORTED', `Unsupported call type ${call.type}`);
    }
  }

  private syncFrameworkWithAllocator(record: FrameworkRecord, suppressedRoles: string[]): void {
    record.suppressedRoles = new Set(suppressedRoles);
    const info = { roles: record.roles, suppressedRoles, capabilities: (record.info.capabilities ?? []).map((c) => c.type) };
    if (this.allocatorKnows.has(record.id)) {
      this.allocator.updateFramework(record.id, info);
    } else {
      const used = sumLiveTaskResources(record.tasks.values(), (task) => task.agent_id.value);
      this.allocator.addFramework(record.id, info, used, false);
      this.allocatorKnows.add(record.id);
    }
  }
  private readonly allocatorKnows = new Set<string>();

  private async removeFramework(record: FrameworkRecord, reason: string): Promise<void> {
    if (!this.frameworks.has(record.id)) return;
    this.log('info', `Removing framework ${record.id} (${record.info.name}): ${reason}`);
    record.failoverTimer?.cancel();
    record.failoverTimer = undefined;
    this.rescindOffersOf(record, 'framework removed', false);
    for (const agent of this.agents.values()) {
      if (agent.taskIds.has(record.id)) agent.send({ type: 'SHUTDOWN_FRAMEWORK', shutdown_framework: { framework_id: { value: record.id } } });
    }
    for (const task of [...record.tasks.values(), ...record.unreachableTasks.values()]) {
      if (!isTerminalState(task.state)) {
        const status = this.masterStatus(task, 'TASK_KILLED', 'REASON_FRAMEWORK_REMOVED', 'Framework removed');
        this.applyStatus(record, task, status, status.state);
      }
      this.agents.get(task.agent_id.value)?.removeTask(record.id, task.task_id.value);
      record.completeTask(task.task_id.value, this.flags.max_completed_tasks_per_framework);
    }
    if (record.stream) {
      const sink = record.stream.sink;
      record.stream = undefined;
      sink.close();
    }
    record.active = false;
    record.unregisteredTime = this.clock.now();
    this.frameworks.delete(record.id);
    if (this.allocatorKnows.delete(record.id)) this.allocator.removeFramework(record.id);
    this.completedFrameworks.push(record);
    if (this.completedFrameworks.length > this.flags.max_completed_frameworks) this.completedFrameworks.shift();
    await this.options.registry.removeFramework(record.id);
    this.operatorEvents.fire({ type: 'FRAMEWORK_REMOVED', framework: record });
    this.scheduleAllocation();
  }

  // ---------------------------------------------------------------------------------------------
  // Offers

  /**
   * allocate runs one allocator cycle and sends the resulting offers. It runs over every agent on the interval (`all`),
   * and promptly after events over the agents they concern (or every agent, for events about frameworks and roles).
   */
  allocate(all = false): void {
    if (this.disposed) return;
    this.allocationScheduled?.cancel();
    this.allocationScheduled = undefined;
    this.allocationDueAt = Infinity;
    this.lastAllocationAt = this.clock.now();
    const candidates = all ? 'all' : this.allocationCandidates;
    this.allocationCandidates = new Set();
    if (candidates !== 'all' && candidates.size === 0) return;
    const now = this.clock.now();
    const byFramework = new Map<string, Offer[]>();
    for (const allocation of this.allocator.allocate(now, candidates === 'all' ? undefined : candidates)) {
      const framework = this.frameworks.get(allocation.frameworkId);
      const agent = this.agents.get(allocation.agentId);
      if (!framework || !agent || !framework.connected) {
        this.allocator.recoverResources(allocation.frameworkId, allocation.agentId, allocation.resources, undefined, now);
        continue;
      }
      const offer = this.makeOffer(framework, agent, allocation.role, allocation.resources, now);
      let list = byFramework.get(framework.id);
      if (!list) byFramework.set(framework.id, (list = []));
      list.push(offer);
    }
    for (const [frameworkId, offers] of byFramework) {
      this.frameworks.get(frameworkId)?.send({ type: 'OFFERS', offers: { offers } });
    }
    const nextExpiry = this.allocator.nextFilterExpiry();
    if (nextExpiry !== undefined && nextExpiry - now < this.flags.allocation_interval) {
      this.scheduleAllocation(Math.max(0, nextExpiry - now));
    }
  }

  /**
   * scheduleAllocation batches events into one prompt allocation: events about agents (one added, resources on it coming
   * back) name them in `agentIds`, and the cycle visits only those; any other event (a framework, a revive, a role's
   * quota or weight, filters expiring) makes it visit every agent. A cycle runs no sooner than
   * `promptAllocationGapMs` after the last one, and one already scheduled for later (a filter's expiry) is brought
   * forward.
   */
  scheduleAllocation(delayMs = 0, agentIds?: Iterable<string>): void {
    if (this.disposed) return;
    if (agentIds === undefined) this.allocationCandidates = 'all';
    else if (this.allocationCandidates !== 'all') for (const id of agentIds) this.allocationCandidates.add(id);
    const now = this.clock.now();
    const due = Math.max(now + delayMs, this.lastAllocationAt + (this.options.promptAllocationGapMs ?? 0));
    if (this.allocationScheduled && this.allocationDueAt <= due) return;
    this.allocationScheduled?.cancel();
    this.allocationDueAt = due;
    this.allocationScheduled = this.clock.setTimeout(() => this.allocate(), due - now);
  }

  private makeOffer(framework: FrameworkRecord, agent: AgentRecord, role: string, resources: Resources, now: number): Offer {
    const id = `${this.id}-O${this.nextOfferId++}`;
    const multiRole = framework.hasCapability('MULTI_ROLE');
    const wire = framework.hasCapability('RESERVATION_REFINEMENT') ? resources.toJSON() : resources.toLegacyJSON(!multiRole);
    const offer: Offer = {
      id: { value: id },
      framework_id: { value: framework.id },
      agent_id: { value: agent.id },
      hostname: agent.info.hostname,
      url: { scheme: 'http', address: { hostname: agent.info.hostname, ip: agent.ip, port: agent.info.port ?? 5051 }, path: '/slave(1)' },
      resources: wire,
      ...(agent.info.attributes?.length ? { attributes: agent.info.attributes } : {}),
      ...(multiRole ? { allocation_info: { role } } : {}),
    };
    const unavailability = this.maintenance.unavailabilityOf(machineOf(agent));
    if (unavailability) offer.unavailability = unavailability;
    this.offers.set(id, { ...offer, resourcesInternal: resources, createdAt: now });
    framework.offers.set(id, offer);
    this.counters.offers_made++;
    if (this.flags.offer_timeout !== undefined) {
      this.offerTimers.set(id, this.clock.setTimeout(() => this.rescindOffer(id, 'offer timeout', 'expired'), this.flags.offer_timeout));
    }
    this.offerEvents.fire({ type: 'OFFER_MADE', at: now, offer, role });
    return offer;
  }

  /** takeOffer removes an outstanding offer, returning it, or undefined when unknown. */
  private takeOffer(id: string): (Offer & { resourcesInternal: Resources }) | undefined {
    const offer = this.offers.get(id);
    if (!offer) return undefined;
    this.offers.delete(id);
    this.offerTimers.get(id)?.cancel();
    this.offerTimers.delete(id);
    this.frameworks.get(offer.framework_id.value)?.offers.delete(id);
    return offer;
  }

  /** rescindOffer takes back an offer (agent lost, role removed, timeout) and tells its framework. */
  rescindOffer(id: string, reason: string, kind: 'rescinded' | 'expired' = 'rescinded', notify = true): void {
    const offer = this.takeOffer(id);
    if (!offer) return;
    const now = this.clock.now();
    this.counters.offers_rescinded++;
    this.allocator.recoverResources(offer.framework_id.value, offer.agent_id.value, offer.resourcesInternal, undefined, now);
    if (notify) this.frameworks.get(offer.framework_id.value)?.send({ type: 'RESCIND', rescind: { offer_id: offer.id } });
    this.offerEvents.fire({ type: kind === 'expired' ? 'OFFER_EXPIRED' : 'OFFER_RESCINDED', at: now, offerId: id, frameworkId: offer.framework_id.value, agentId: offer.agent_id.value, reason });
    this.scheduleAllocation(0, [offer.agent_id.value]);
  }

  private rescindOffersOf(record: FrameworkRecord, reason: string, notify = true): void {
    for (const id of [...record.offers.keys()]) this.rescindOffer(id, reason, 'rescinded', notify);
  }

  private decline(record: FrameworkRecord, offerIds: Array<{ value: string }>, refuseSeconds: number | undefined): void {
    const now = this.clock.now();
    const seconds = refuseSeconds ?? 5;
    const agents = new Set<string>();
    for (const { value } of offerIds) {
      const offer = this.offers.get(value);
      if (!offer || offer.framework_id.value !== record.id) continue;
      this.takeOffer(value);
      this.counters.offers_declined++;
      this.allocator.recoverResources(record.id, offer.agent_id.value, offer.resourcesInternal, seconds, now);
      this.offerEvents.fire({ type: 'OFFER_DECLINED', at: now, offerId: value, frameworkId: record.id, agentId: offer.agent_id.value, refuseSeconds: seconds });
      agents.add(offer.agent_id.value);
    }
    this.scheduleAllocation(0, agents);
  }

  private accept(record: FrameworkRecord, call: SchedulerCall): void {
    const now = this.clock.now();
    const offerIds = (call.accept?.offer_ids ?? []).map((o) => o.value);
    const operations = call.accept?.operations ?? [];
    const refuseSeconds = call.accept?.filters?.refuse_seconds ?? 5;
    const launchTasks = operations.flatMap((op) =>
      op.type === 'LAUNCH' ? (op.launch?.task_infos ?? []) : op.type === 'LAUNCH_GROUP' ? (op.launch_group?.task_group?.tasks ?? []) : [],
    );

    const offerError = this.validateOffers(record, offerIds);
    if (offerError !== undefined) {
      // As Mesos: the valid offers' resources go back, and each task is reported dropped or lost.
      for (const id of offerIds) {
        const offer = this.offers.get(id);
        if (offer && offer.framework_id.value === record.id) {
          this.takeOffer(id);
          this.allocator.recoverResources(record.id, offer.agent_id.value, offer.resourcesInternal, undefined, now);
        }
      }
      for (const task of launchTasks) {
        record.send({
          type: 'UPDATE',
          update: { status: this.statusFor(task.task_id.value, task.agent_id?.value, record.partitionAware ? 'TASK_DROPPED' : 'TASK_LOST', 'REASON_INVALID_OFFERS', `Task launched with invalid offers: ${offerError}`) },
        });
      }
      this.scheduleAllocation();
      return;
    }

    const offers = offerIds.map((id) => this.takeOffer(id) as Offer & { resourcesInternal: Resources });
    const agentId = offers[0]?.agent_id.value ?? '';
    const agent = this.agents.get(agentId);
    let remaining = offers.reduce((acc, o) => acc.add(o.resourcesInternal), Resources.empty());
    const defaultRole = offers[0]?.resourcesInternal.allocations().keys().next().value ?? record.roles[0] ?? '*';
    const launched: Task[] = [];

    for (const op of operations) {
      if (op.type === 'LAUNCH' || op.type === 'LAUNCH_GROUP') {
        const tasks = op.type === 'LAUNCH' ? (op.launch?.task_infos ?? []) : (op.launch_group?.task_group?.tasks ?? []);
        for (const taskInfo of tasks) {
          let resources: Resources;
          let error: string | undefined;
          try {
            resources = Resources.fromJSON(taskInfo.resources ?? []);
            if (resources.allocations().has('') || resources.allocations().size === 0) resources = resources.unallocate().allocate(defaultRole);
          } catch (err) {
            resources = Resources.empty();
            error = `Task uses invalid resources: ${(err as Error).message}`;
          }
          error ??= validateTask(taskInfo, {
            agentId,
            taskIdInUse: (id) => record.tasks.has(id) || record.unreachableTasks.has(id),
            resources,
            remaining,
          });
          if (error !== undefined || !agent) {
            record.send({
              type: 'UPDATE',
              update: { status: this.statusFor(taskInfo.task_id?.value ?? '', agentId, 'TASK_ERROR', 'REASON_TASK_INVALID', error ?? 'Agent is not available') },
            });
            continue;
          }
          remaining = remaining.subtract(resources);
          const task: Task = {
            name: taskInfo.name,
            task_id: taskInfo.task_id,
            framework_id: { value: record.id },
            agent_id: { value: agentId },
            state: 'TASK_STAGING',
            resources: resources.toJSON(),
            statuses: [],
            ...(taskInfo.executor ? { executor_id: taskInfo.executor.executor_id } : op.type === 'LAUNCH_GROUP' ? { executor_id: op.launch_group?.executor?.executor_id as { value: string } } : {}),
            ...(taskInfo.labels ? { labels: taskInfo.labels } : {}),
            ...(taskInfo.discovery ? { discovery: taskInfo.discovery } : {}),
            ...(taskInfo.container ? { container: taskInfo.container } : {}),
            ...(taskInfo.health_check ? { health_check: taskInfo.health_check } : {}),
            ...(taskInfo.kill_policy ? { kill_policy: taskInfo.kill_policy } : {}),
            user: taskInfo.command?.user ?? record.info.user,
          };
          record.tasks.set(task.task_id.value, task);
          agent.addTask(record.id, task.task_id.value);
          launched.push(task);
          const frameworkInfo = record.info;
          const wireTask = { ...taskInfo, resources: resources.toJSON() };
          if (op.type === 'LAUNCH_GROUP' && op.launch_group) {
            agent.send({ type: 'RUN_TASK_GROUP', run_task_group: { framework_info: frameworkInfo, executor: op.launch_group.executor, task_group: { tasks: [wireTask] } } });
          } else {
            agent.send({ type: 'RUN_TASK', run_task: { framework_info: frameworkInfo, task: wireTask } });
          }
          this.operatorEvents.fire({ type: 'TASK_ADDED', task });
        }
      }
      // RESERVE/UNRESERVE/CREATE/DESTROY: not supported yet; their resources are simply returned below.
    }
    if (!remaining.isEmpty()) this.allocator.recoverResources(record.id, agentId, remaining, refuseSeconds, now);
    this.offerEvents.fire({
      type: 'OFFER_ACCEPTED',
      at: now,
      offerIds,
      frameworkId: record.id,
      agentId,
      launched: launched.map((t) => ({ taskId: t.task_id.value, name: t.name, resources: Resources.fromJSON(t.resources).summary() })),
      refuseSeconds,
    });
    this.scheduleAllocation();
  }

  private validateOffers(record: FrameworkRecord, offerIds: string[]): string | undefined {
    if (offerIds.length === 0) return 'No offers specified';
    const seen = new Set<string>();
    let agentId: string | undefined;
    for (const id of offerIds) {
      if (seen.has(id)) return `Duplicate offer ${id} in accept`;
      seen.add(id);
      const offer = this.offers.get(id);
      if (!offer) return `Offer ${id} is no longer valid`;
      if (offer.framework_id.value !== record.id) return `Offer ${id} has invalid framework ${offer.framework_id.value} while framework ${record.id} is expected`;
      if (agentId !== undefined && offer.agent_id.value !== agentId) return `Aggregated offers must belong to one single agent but offer ${id} uses agent ${offer.agent_id.value} and agent ${agentId}`;
      agentId = offer.agent_id.value;
      if (!this.agents.get(agentId)?.connected) return `Offer ${id} is outstanding on a disconnected agent`;
    }
    return undefined;
  }

  // ---------------------------------------------------------------------------------------------
  // Tasks and status updates

  private kill(record: FrameworkRecord, call: SchedulerCall): void {
    const taskId = call.kill?.task_id?.value;
    if (!taskId) throw invalid("Expecting 'kill.task_id' to be present");
    const task = record.tasks.get(taskId);
    if (!task) {
      const unreachable = record.unreachableTasks.get(taskId);
      const state: TaskState = unreachable ? 'TASK_UNREACHABLE' : 'TASK_LOST';
      record.send({ type: 'UPDATE', update: { status: this.statusFor(taskId, call.kill?.agent_id?.value, state, 'REASON_RECONCILIATION', 'Attempted to kill an unknown task') } });
      return;
    }
    const agent = this.agents.get(task.agent_id.value);
    if (!agent?.send({ type: 'KILL_TASK', kill_task: { framework_id: { value: record.id }, task_id: task.task_id, ...(call.kill?.kill_policy ? { kill_policy: call.kill.kill_policy } : task.kill_policy ? { kill_policy: task.kill_policy } : {}) } })) {
      this.log('warn', `Cannot kill task ${taskId} of framework ${record.id}: agent ${task.agent_id.value} is disconnected`);
    }
  }

  private acknowledge(record: FrameworkRecord, call: SchedulerCall): void {
    const ack = call.acknowledge;
    if (!ack?.task_id?.value || !ack.uuid || !ack.agent_id?.value) throw invalid("Expecting 'acknowledge' with 'agent_id', 'task_id' and 'uuid'");
    const task = record.tasks.get(ack.task_id.value) ?? record.unreachableTasks.get(ack.task_id.value);
    const agent = this.agents.get(ack.agent_id.value);
    agent?.send({ type: 'ACKNOWLEDGE', acknowledge: { framework_id: { value: record.id }, task_id: ack.task_id, uuid: ack.uuid } });
    if (task && task.status_update_uuid === ack.uuid && task.status_update_state && isTerminalState(task.status_update_state)) {
      agent?.removeTask(record.id, task.task_id.value);
      record.completeTask(task.task_id.value, this.flags.max_completed_tasks_per_framework);
    }
  }

  /** agentStatusUpdate records an update from an agent and forwards it to the framework, which must acknowledge it. */
  agentStatusUpdate(agentId: string, linkId: string | undefined, update: Extract<AgentCall, { type: 'STATUS_UPDATE' }>['status_update']): void {
    const agent = this.agents.get(agentId);
    if (!agent) throw invalid(`Agent ${agentId} is not registered`);
    if (linkId === undefined || agent.link?.id !== linkId) throw new CoreError('FORBIDDEN', `Stream id does not match agent ${agentId}'s link`);
    const record = this.frameworks.get(update.framework_id.value);
    const status = update.status;
    if (!record) {
      this.counters.invalid_status_updates++;
      return;
    }
    let task = record.tasks.get(status.task_id.value) ?? record.unreachableTasks.get(status.task_id.value);
    if (!task) {
      // As Mesos: an update for a task the master no longer tracks (say, one it already reported lost)
      // still reaches the framework, whose acknowledgement ends the agent's retries.
      this.counters.valid_status_updates++;
      record.send({ type: 'UPDATE', update: { status } });
      return;
    }
    if (record.unreachableTasks.has(task.task_id.value)) {
      record.unreachableTasks.delete(task.task_id.value);
      record.tasks.set(task.task_id.value, task);
    }
    this.counters.valid_status_updates++;
    task = this.applyStatus(record, task, status, update.latest_state);
    record.send({ type: 'UPDATE', update: { status } });
  }

  /** applyStatus moves a task to `latestState`, recovering its resources when it ends. */
  private applyStatus(record: FrameworkRecord, task: Task, status: TaskStatus, latestState: TaskState): Task {
    const wasTerminal = isTerminalState(task.state);
    task.state = latestState;
    task.statuses.push(status);
    if (task.statuses.length > 16) task.statuses.splice(0, task.statuses.length - 16);
    if (status.uuid) {
      task.status_update_state = status.state;
      task.status_update_uuid = status.uuid;
    }
    if (!wasTerminal && isTerminalState(latestState)) {
      const resources = Resources.fromJSON(task.resources);
      this.allocator.recoverResources(record.id, task.agent_id.value, resources, undefined, this.clock.now());
      this.scheduleAllocation(0, [task.agent_id.value]);
      if (!status.uuid) {
        this.agents.get(task.agent_id.value)?.removeTask(record.id, task.task_id.value);
        record.completeTask(task.task_id.value, this.flags.max_completed_tasks_per_framework);
      }
    }
    this.operatorEvents.fire({ type: 'TASK_UPDATED', frameworkId: record.id, status, state: latestState });
    return task;
  }

  /** statusFor builds a master-generated status (no uuid, so it needs no acknowledgement). */
  statusFor(taskId: string, agentId: string | undefined, state: TaskState, reason: string, message: string): TaskStatus {
    return {
      task_id: { value: taskId },
      state,
      source: 'SOURCE_MASTER',
      reason,
      message,
      ...(agentId ? { agent_id: { value: agentId } } : {}),
      timestamp: this.clock.now() / 1000,
    };
  }

  private masterStatus(task: Task, state: TaskState, reason: string, message: string): TaskStatus {
    return this.statusFor(task.task_id.value, task.agent_id.value, state, reason, message);
  }

  // ---------------------------------------------------------------------------------------------
  // Agents

  /** registerAgent admits a new agent (REGISTER) or takes back a known one (REREGISTER) on a fresh link. */
  async registerAgent(call: Extract<AgentCall, { type: 'REGISTER' | 'REREGISTER' }>, sink: EventSink<AgentEvent>, linkId: string): Promise<{ linkId: string; agentId: string }> {
    const now = this.clock.now();
    const body = call.type === 'REGISTER' ? call.register : call.reregister;
    const total = Resources.fromJSON(body.agent_info.resources ?? []);
    if (total.scalar('cpus') <= 0 || total.scalar('mem') <= 0) throw invalid('Agent must have positive cpus and mem');
    if (this.maintenance.modeOf({ hostname: body.agent_info.hostname, ip: body.ip }) === 'DOWN') {
      throw new CoreError('FORBIDDEN', 'Agent attempted to register but is part of a machine in maintenance (DOWN)');
    }
    let agentId: string;
    if (call.type === 'REREGISTER') {
      agentId = call.reregister.agent_info.id.value;
      const existing = this.agents.get(agentId);
      if (existing?.link) {
        const old = existing.link.sink;
        existing.link = undefined;
        old.close();
      }
    } else {
      agentId = `${this.id}-S${this.nextAgentId++}`;
    }
    const info = { ...body.agent_info, id: { value: agentId } };
    // An agent the registry already holds as it is now needs no write, as Mesos's registrar does none for it: after a
    // failover every agent re-registers at once, and with the registry in ZooKeeper each write is a quorum commit.
    const stored = this.agents.get(agentId) ?? this.recoveredAgents.get(agentId);
    const unchanged = call.type === 'REREGISTER' && stored !== undefined && !this.unreachableAgents.has(agentId) && stored.ip === body.ip && JSON.stringify(stored.info) === JSON.stringify(info);
    if (!unchanged) await this.options.registry.putAgent({ info, ip: body.ip });
    let record = this.agents.get(agentId);
    const isNew = !record;
    if (record) {
      record.info = info;
      record.ip = body.ip;
      record.total = total;
      record.reregisteredTime = now;
      record.disconnectTimer?.cancel();
      record.disconnectTimer = undefined;
      this.allocator.updateAgent(agentId, total);
      this.allocator.activateAgent(agentId);
    } else {
      record = new AgentRecord(info, body.ip, total, body.version, body.capabilities ?? [], now);
      if (call.type === 'REREGISTER') record.reregisteredTime = now;
      this.agents.set(agentId, record);
    }
    record.link = { id: linkId, sink };
    record.active = true;
    record.missedPings = 0;
    record.pongPending = false;
    const wasRecovered = this.recoveredAgents.delete(agentId);
    const wasUnreachable = this.unreachableAgents.delete(agentId);
    if (call.type === 'REREGISTER') this.adoptReportedTasks(record, call.reregister.tasks, call.reregister.frameworks, wasUnreachable);
    if (isNew) {
      const tasks: Task[] = [];
      for (const [frameworkId, taskIds] of record.taskIds) {
        const framework = this.frameworks.get(frameworkId);
        for (const taskId of taskIds) {
          const task = framework?.tasks.get(taskId);
          if (task) tasks.push(task);
        }
      }
      this.allocator.addAgent(agentId, { hostname: info.hostname }, total, sumLiveTaskResources(tasks, (task) => task.framework_id.value));
    }
    if (call.type === 'REGISTER') this.counters.slave_registrations++;
    else this.counters.slave_reregistrations++;
    sink.send({ type: 'REGISTERED', registered: { agent_id: { value: agentId }, master_info: this.info, heartbeat_interval_seconds: this.flags.heartbeat_interval / 1000 } });
    if (isNew || wasRecovered || wasUnreachable) this.operatorEvents.fire({ type: 'AGENT_ADDED', agent: record });
    const added = record;
    this.log('info', () => `Agent ${agentId} at ${added.pid} (${info.hostname}) ${call.type === 'REGISTER' ? 'registered' : 're-registered'} with ${total.toString()}`);
    this.scheduleAllocation(0, [agentId]);
    return { linkId, agentId };
  }

  /**
   * adoptReportedTasks rebuilds the master's task records from what a re-registering agent reports, the
   * way a failed-over Mesos master recovers tasks. Tasks of frameworks that were removed, or of
   * non-partition-aware frameworks that were told the task was lost, are killed on the agent.
   */
  private adoptReportedTasks(agent: AgentRecord, tasks: Task[], frameworks: FrameworkInfo[], wasUnreachable: boolean): void {
    for (const info of frameworks) {
      if (!info.id || this.frameworks.has(info.id.value) || this.completedFrameworks.some((f) => f.id === info.id?.value)) continue;
      const record = new FrameworkRecord({ ...info, id: info.id });
      record.recovered = true;
      this.frameworks.set(info.id.value, record);
      this.syncFrameworkWithAllocator(record, []);
      this.allocator.deactivateFramework(record.id);
    }
    const reported = new Set<string>();
    for (const task of tasks) {
      const frameworkId = task.framework_id.value;
      const record = this.frameworks.get(frameworkId);
      reported.add(`${frameworkId}/${task.task_id.value}`);
      if (!record) {
        agent.send({ type: 'SHUTDOWN_FRAMEWORK', shutdown_framework: { framework_id: task.framework_id } });
        continue;
      }
      const known = record.tasks.get(task.task_id.value) ?? record.unreachableTasks.get(task.task_id.value);
      const completed = known ? undefined : record.completedTasks.find((t) => t.task_id.value === task.task_id.value);
      if (completed && !isTerminalState(task.state)) {
        // The framework was already told this task ended (TASK_LOST when its agent went away), so the
        // agent must not keep running it.
        agent.addTask(frameworkId, task.task_id.value);
        agent.send({ type: 'KILL_TASK', kill_task: { framework_id: task.framework_id, task_id: task.task_id } });
        continue;
      }
      record.unreachableTasks.delete(task.task_id.value);
      // The reported task is this call's own object: it is kept as it is unless it names another agent.
      const adopted: Task = task.agent_id?.value === agent.id ? task : { ...task, agent_id: { value: agent.id } };
      record.tasks.set(task.task_id.value, adopted);
      agent.addTask(frameworkId, task.task_id.value);
      if (!known) this.operatorEvents.fire({ type: 'TASK_ADDED', task: adopted });
      else if (wasUnreachable && record.partitionAware) {
        const status = task.statuses[task.statuses.length - 1] ?? this.masterStatus(task, task.state, 'REASON_AGENT_REREGISTERED', 'Agent re-registered');
        record.send({ type: 'UPDATE', update: { status: { ...status, uuid: undefined, reason: 'REASON_AGENT_REREGISTERED', source: 'SOURCE_MASTER' } } });
      }
    }
    // Tasks the master launched on this agent that the agent no longer has were lost in transit.
    for (const [frameworkId, taskIds] of [...agent.taskIds]) {
      const record = this.frameworks.get(frameworkId);
      for (const taskId of [...taskIds]) {
        if (reported.has(`${frameworkId}/${taskId}`)) continue;
        const task = record?.tasks.get(taskId);
        if (record && task && !isTerminalState(task.state)) {
          const status = this.masterStatus(task, record.partitionAware ? 'TASK_DROPPED' : 'TASK_LOST', 'REASON_AGENT_REREGISTERED', 'Task was not found on the re-registered agent');
          this.applyStatus(record, task, status, status.state);
          record.send({ type: 'UPDATE', update: { status } });
        }
      }
    }
  }

  /** agentLinkClosed marks an agent disconnected; it becomes unreachable if it does not return in time. */
  agentLinkClosed(agentId: string, linkId: string): void {
    if (this.disposed) return;
    const agent = this.agents.get(agentId);
    if (!agent || agent.link?.id !== linkId) return;
    agent.link = undefined;
    this.allocator.deactivateAgent(agentId);
    for (const framework of this.frameworks.values()) {
      for (const offer of [...framework.offers.values()]) {
        if (offer.agent_id.value === agentId) this.rescindOffer(offer.id.value, 'agent disconnected');
      }
    }
    const timeout = this.flags.agent_ping_timeout * this.flags.max_agent_ping_timeouts;
    this.log('warn', `Agent ${agentId} disconnected; marking it unreachable in ${timeout} ms unless it re-registers`);
    agent.disconnectTimer = this.clock.setTimeout(() => void this.markUnreachable(agent, 'health check timed out').catch(this.registryFailed(`marking agent ${agentId} unreachable`)), timeout);
  }

  /** markUnreachable removes an agent that went away: its offers are rescinded and its tasks reported unreachable or lost. */
  private async markUnreachable(agent: AgentRecord, reason: string): Promise<void> {
    if (!this.agents.has(agent.id) || agent.connected) return;
    this.log('warn', `Marking agent ${agent.id} unreachable: ${reason}`);
    agent.disconnectTimer?.cancel();
    agent.disconnectTimer = undefined;
    this.agents.delete(agent.id);
    this.allocator.removeAgent(agent.id);
    this.counters.slave_removals++;
    const now = this.clock.now();
    this.unreachableAgents.set(agent.id, { info: agent.info, ip: agent.ip, since: now });
    await this.options.registry.putAgent({ info: agent.info, ip: agent.ip, unreachable: true });
    this.failAgentTasks(agent, (record) => (record.partitionAware ? 'TASK_UNREACHABLE' : 'TASK_LOST'), `Agent ${agent.info.hostname} is unreachable`, now);
  }

  /**
   * failAgentTasks tells each framework that the tasks on a removed agent are gone (`stateFor` picks the state a
   * framework understands), then that the agent itself is, and tells operator subscribers.
   */
  private failAgentTasks(agent: AgentRecord, stateFor: (record: FrameworkRecord) => TaskState, message: string, now: number): void {
    for (const [frameworkId, taskIds] of agent.taskIds) {
      const record = this.frameworks.get(frameworkId);
      if (!record) continue;
      for (const taskId of taskIds) {
        const task = record.tasks.get(taskId);
        if (!task || isTerminalState(task.state)) continue;
        const state = stateFor(record);
        const status = { ...this.masterStatus(task, state, 'REASON_AGENT_REMOVED', message), ...(state === 'TASK_UNREACHABLE' ? { unreachable_time: { nanoseconds: now * 1e6 } } : {}) };
        task.state = state;
        task.statuses.push(status);
        record.tasks.delete(taskId);
        if (state === 'TASK_UNREACHABLE') record.unreachableTasks.set(taskId, task);
        else {
          record.tasks.set(taskId, task);
          record.completeTask(taskId, this.flags.max_completed_tasks_per_framework);
        }
        record.send({ type: 'UPDATE', update: { status } });
        this.operatorEvents.fire({ type: 'TASK_UPDATED', frameworkId, status, state });
      }
      record.send({ type: 'FAILURE', failure: { agent_id: { value: agent.id } } });
    }
    this.operatorEvents.fire({ type: 'AGENT_REMOVED', agentId: agent.id });
  }

  private async expireRecoveredAgents(): Promise<void> {
    for (const [id, a] of [...this.recoveredAgents]) {
      this.recoveredAgents.delete(id);
      this.unreachableAgents.set(id, { info: a.info, ip: a.ip, since: this.clock.now() });
      await this.options.registry.putAgent({ info: a.info, ip: a.ip, unreachable: true });
      this.log('warn', `Agent ${id} did not re-register within ${this.flags.agent_reregister_timeout} ms after master failover; marked unreachable`);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Maintenance

  /** updateMaintenanceSchedule replaces the schedule; offers from machines whose unavailability changed are remade. */
  async updateMaintenanceSchedule(schedule: MaintenanceSchedule): Promise<void> {
    const next = this.maintenance.planSchedule(schedule);
    await this.options.registry.putMaintenance(next);
    const before = new Map([...this.agents.values()].map((a) => [a.id, JSON.stringify(this.maintenance.unavailabilityOf(machineOf(a)))]));
    this.maintenance.apply(next);
    const changed = new Set([...this.agents.values()].filter((a) => JSON.stringify(this.maintenance.unavailabilityOf(machineOf(a))) !== before.get(a.id)).map((a) => a.id));
    for (const offer of [...this.offers.values()]) if (changed.has(offer.agent_id.value)) this.rescindOffer(offer.id.value, 'maintenance schedule changed');
    this.scheduleAllocation();
  }

  /**
   * startMaintenance takes DRAINING machines DOWN: each agent on them is told to shut down and removed, its tasks
   * reported gone (TASK_GONE_BY_OPERATOR to partition-aware frameworks, TASK_LOST to others), and it may not register
   * again until the machine is brought up.
   */
  async startMaintenance(ids: MachineId[]): Promise<void> {
    const next = this.maintenance.planDown(ids);
    await this.options.registry.putMaintenance(next);
    this.maintenance.apply(next);
    const down = new Set(ids.map(machineKey));
    for (const agent of [...this.agents.values()]) {
      if (!down.has(machineKey(machineOf(agent)))) continue;
      const message = "Operator initiated 'Machine DOWN'";
      this.log('warn', `Removing agent ${agent.id} (${agent.info.hostname}): ${message}`);
      agent.send({ type: 'SHUTDOWN', shutdown: { message } });
      for (const offer of [...this.offers.values()]) if (offer.agent_id.value === agent.id) this.rescindOffer(offer.id.value, message);
      agent.disconnectTimer?.cancel();
      agent.disconnectTimer = undefined;
      this.agents.delete(agent.id);
      this.allocator.removeAgent(agent.id);
      this.counters.slave_removals++;
      await this.options.registry.removeAgent(agent.id);
      this.failAgentTasks(agent, (record) => (record.partitionAware ? 'TASK_GONE_BY_OPERATOR' : 'TASK_LOST'), `Agent ${agent.info.hostname} removed: ${message}`, this.clock.now());
      const link = agent.link;
      agent.link = undefined;
      link?.sink.close();
    }
  }

  /** stopMaintenance brings DOWN machines UP: they leave the schedule and their agents may register again. */
  async stopMaintenance(ids: MachineId[]): Promise<void> {
    const next = this.maintenance.planUp(ids);
    await this.options.registry.putMaintenance(next);
    this.maintenance.apply(next);
  }

  // ---------------------------------------------------------------------------------------------
  // Roles, weights, quota

  async updateWeights(weights: Array<{ role: string; weight: number }>): Promise<void> {
    for (const w of weights) {
      if (!(w.weight > 0)) throw invalid(`Invalid weight '${w.weight}' for role '${w.role}': weights must be positive`);
    }
    await this.options.registry.putWeights(weights);
    this.allocator.updateWeights(weights);
    this.scheduleAllocation();
  }

  async updateQuota(role: string, quota: { guarantees: Record<string, number>; limits: Record<string, number> }): Promise<void> {
    await this.options.registry.putQuota({ role, ...quota });
    this.allocator.updateQuota(role, quota);
    this.scheduleAllocation();
  }

  // ---------------------------------------------------------------------------------------------
  // Views and lifecycle

  /** offersOf lists outstanding offers, optionally those of one framework. */
  outstandingOffers(): Array<Offer & { resourcesInternal: Resources }> {
    return [...this.offers.values()];
  }

  /**
   * pingAgents is Mesos's agent health check: every `agent_ping_timeout` each connected agent gets a
   * PING; one still unanswered at the next round counts as missed, and `max_agent_ping_timeouts`
   * missed pings make the agent unreachable even though its connection looks open (a silent partition).
   */
  private pingAgents(): void {
    this.sweepAgents((agent) => {
      if (!agent.connected) return;
      if (agent.pongPending) agent.missedPings++;
      if (agent.missedPings >= this.flags.max_agent_ping_timeouts) {
        this.log('warn', `Agent ${agent.id} missed ${agent.missedPings} pings`);
        const link = agent.link;
        agent.link = undefined;
        link?.sink.close();
        void this.markUnreachable(agent, `missed ${agent.missedPings} pings`).catch(this.registryFailed(`marking agent ${agent.id} unreachable`));
        return;
      }
      agent.pongPending = true;
      agent.send({ type: 'PING' });
    });
  }

  /**
   * sweepAgents visits every agent registered now, AGENT_SWEEP_SLICE of them per turn of the event loop; an agent
   * removed before its turn is skipped.
   */
  private sweepAgents(visit: (agent: AgentRecord) => void): void {
    const agents = [...this.agents.values()];
    let i = 0;
    const step = (): void => {
      const end = Math.min(agents.length, i + AGENT_SWEEP_SLICE);
      for (; i < end; i++) {
        const agent = agents[i] as AgentRecord;
        if (this.agents.get(agent.id) === agent) visit(agent);
      }
      if (i >= agents.length || this.disposed) return;
      const timer = this.clock.setTimeout(() => {
        this.sweeps.delete(timer);
        step();
      }, 0);
      this.sweeps.add(timer);
    };
    step();
  }

  /** agentPong records an agent's answer to a PING. */
  agentPong(agentId: string, linkId: string | undefined): void {
    const agent = this.agents.get(agentId);
    if (!agent || agent.link?.id !== linkId) throw new CoreError('FORBIDDEN', `Stream id does not match agent ${agentId}'s link`);
    agent.pongPending = false;
    agent.missedPings = 0;
  }

  private heartbeat(): void {
    for (const f of this.frameworks.values()) f.send({ type: 'HEARTBEAT' });
    this.sweepAgents((a) => a.send({ type: 'HEARTBEAT' }));
  }

  /** registryFailed is the handler of a registry write nobody awaits: see `MasterOptions.onRegistryFailure`. */
  private registryFailed(what: string): (err: unknown) => void {
    return (err: unknown) => {
      this.log('error', `Failed to update the registry (${what}): ${err instanceof Error ? err.message : String(err)}`);
      this.options.onRegistryFailure?.(err);
    };
  }

  /** log hands `msg` to the logger; a function is called only when the message will be logged. */
  private log(level: 'info' | 'warn' | 'error', msg: string | (() => string)): void {
    if (!this.options.log || (level === 'info' && this.options.infoLogged === false)) return;
    this.options.log(level, typeof msg === 'function' ? msg() : msg);
  }

  /** dispose stops timers and closes every stream; tasks on agents keep running, as when a Mesos master exits. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of this.timers) t.cancel();
    for (const t of this.sweeps) t.cancel();
    this.allocationScheduled?.cancel();
    this.recoveryTimer?.cancel();
    for (const t of this.offerTimers.values()) t.cancel();
    for (const f of this.frameworks.values()) {
      f.failoverTimer?.cancel();
      f.stream?.sink.close();
    }
    for (const a of this.agents.values()) {
      a.disconnectTimer?.cancel();
      a.link?.sink.close();
    }
  }
}

/**
 * sumLiveTaskResources sums the resources of the tasks not yet terminal, by `keyOf` (agent or framework), with one
 * parse per key of all its tasks' resources instead of a parse and an addition per task: a re-registering agent's ten
 * tasks, or a re-subscribing framework's tasks on every agent after a failover.
 */
function sumLiveTaskResources(tasks: Iterable<Task>, keyOf: (task: Task) => string): Map<string, Resources> {
  const lists = new Map<string, Task['resources'][number][]>();
  for (const task of tasks) {
    if (isTerminalState(task.state)) continue;
    const key = keyOf(task);
    let list = lists.get(key);
    if (!list) lists.set(key, (list = []));
    for (const r of task.resources) list.push(r);
  }
  const out = new Map<string, Resources>();
  for (const [key, list] of lists) out.set(key, Resources.fromJSON(list));
  return out;
}

function nonEmpty(roles: string[] | undefined): string[] | undefined {
  return roles && roles.length > 0 ? roles : undefined;
}

function validateFrameworkInfo(info: FrameworkInfo): void {
  if (typeof info.name !== 'string') throw invalid("'FrameworkInfo.name' must be set");
  if (typeof info.user !== 'string') throw invalid("'FrameworkInfo.user' must be set");
  const multiRole = (info.capabilities ?? []).some((c) => c.type === 'MULTI_ROLE');
  if (multiRole && info.role !== undefined && info.role !== '*') throw invalid("'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable");
  if (!multiRole && info.roles && info.roles.length > 0) throw invalid("'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable");
  if (info.failover_timeout !== undefined && !(info.failover_timeout >= 0)) throw invalid("'FrameworkInfo.failover_timeout' must be non-negative");
}

/** ipToUint32 packs an IPv4 address the way MasterInfo.ip does (network byte order read as little-endian). */
export function ipToUint32(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) return 0;
  const [a, b, c, d] = parts as [number, number, number, number];
  return ((d << 24) >>> 0) + (c << 16) + (b << 8) + a;
}

/** machineOf is the machine an agent runs on, as maintenance schedules name it: its hostname and IP. */
function machineOf(agent: AgentRecord): MachineId {
  return { hostname: agent.info.hostname, ip: agent.ip };
}
