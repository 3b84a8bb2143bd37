import type { Clock, TimerHandle } from '../../common/clock.js';
import { Emitter } from '../../common/emitter.js';
import { Resources } from '../../common/resources.js';
import type { Rng } from '../../common/rng.js';
import type { SchedulerDriver } from '../../framework/schedulerDriver.js';
import type { AppDefinition } from '../../protocol/marathon/appDefinition.js';
import { isoTimestamp } from '../../protocol/marathon/appConfig.js';
import type { Group } from '../../protocol/marathon/group.js';
import { transitiveApps } from '../../protocol/marathon/group.js';
import type { MesosTaskState, TaskFailure } from '../../protocol/marathon/outputs.js';
import type { SchedulerEvent } from '../../protocol/mesos/scheduler.js';
import type { FrameworkInfo, Offer, TaskStatus } from '../../protocol/mesos/v1.js';
import { addDelay, advanceDelay, delayDeadline, delayEffect, type LaunchDelay } from '../backoff.js';
import { proposeScaling } from '../killSelection.js';
import { funnelReason, matchOffer, type NoOfferMatchReason } from '../offerMatcher.js';
import { buildTaskInfo } from '../taskBuilder.js';
import { newTaskId } from '../taskIds.js';
import { conditionOf, isActive, isHealthy, isMesosRunCheck, type InstanceRecord } from './instanceRecord.js';
import type { MarathonEvent } from './marathonEvents.js';
import type { MarathonRepository } from './marathonRepository.js';

/** MAX_INSTANCES_PER_OFFER is Marathon's `--max_instances_per_offer` default. */
export const MAX_INSTANCES_PER_OFFER = 5;
/** DECLINE_OFFER_SECONDS is Marathon's `--decline_offer_duration` (120 s) for offers it has no use for. */
export const DECLINE_OFFER_SECONDS = 120;
/**
 * OFFER_ANSWERS_IN_FLIGHT bounds the ACCEPTs and DECLINEs of a batch of offers awaiting the master's answer:
 * enough to keep the connection busy, few enough that a batch of thousands of offers reaches the master
 * (and brings back its status updates) as a stream rather than all at once.
 */
export const OFFER_ANSWERS_IN_FLIGHT = 16;
/** SLICE_MS is how long a long piece of work (scheduling thousands of instances) runs before it lets the event loop turn. */
export const SLICE_MS = 1;

/** OfferStats are what `/v2/queue` reports about why an app is waiting. */
export interface OfferStats {
  processed: number;
  unused: number;
  lastUnusedAt?: number;
  lastUsedAt?: number;
  reasons: Map<NoOfferMatchReason, number>;
  lastUnused: Array<{ offer: Offer; reasons: NoOfferMatchReason[]; at: number }>;
}

/** WaitEntry is a waiting instance's place in its app's queue: when it began to wait, and whether a failed launch sent it back. */
interface WaitEntry {
  since: number;
  relaunch: boolean;
}

/** WaitCursor is one batch of offers' position in an app's waiting queue. */
interface WaitCursor {
  iter: Iterator<[InstanceRecord, WaitEntry]> | undefined;
  /** queue is the queue the cursor runs over, and added its `added` count when the cursor last finished. */
  queue: { entries: Map<InstanceRecord, WaitEntry>; added: number } | undefined;
  added: number;
  /** seen are the instances this batch already looked at; held those of them waiting for an offer that fits. */
  seen: Set<InstanceRecord>;
  held: InstanceRecord[];
}

/** SchedulerOptions are the scheduler's collaborators. */
export interface SchedulerOptions {
  driver: SchedulerDriver;
  repository: MarathonRepository;
  clock: Clock;
  rng: Rng;
  frameworkInfo: FrameworkInfo;
  log: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

/**
 * MarathonScheduler is the framework half of Marathon: it keeps every app at its instance count from
 * the offers the master makes, launches with the pure matcher and task builder, tracks each task's
 * status (acknowledging it), relaunches failed tasks after the app's backoff, and suppresses offers
 * while it has nothing to launch. Deployments steer it through `override`, which takes an app's
 * scaling out of the plain "keep N running" rule while a rolling restart runs.
 */
export class MarathonScheduler {
  readonly events = new Emitter<MarathonEvent>();
  readonly instances = new Map<string, InstanceRecord>();
  readonly delays = new Map<string, LaunchDelay>();
  readonly offerStats = new Map<string, OfferStats>();
  readonly lastFailures = new Map<string, TaskFailure>();
  /** override lets a running deployment decide an app's instances instead of the count rule. */
  readonly override = new Set<string>();
  root: Group;
  /** byApp and byTask index `instances` (kept in step by addInstance/removeInstance), so offers and status updates need no scan of every instance. */
  private readonly byApp = new Map<string, Map<string, InstanceRecord>>();
  private readonly byTask = new Map<string, InstanceRecord>();
  /**
   * tallies count each app's instances by what the scaling loop and the deployment checks ask, so those need
   * no scan of every instance; every write of an instance's condition or goal goes through `untally`/`tally`.
   */
  private readonly tallies = new Map<string, { active: number; running: number }>();
  /** scheduled counts instances waiting for an offer (condition Scheduled); unreachable those Unreachable or UnreachableInactive. */
  private scheduled = 0;
  private unreachable = 0;
  /**
   * waiting holds, per app, its instances in condition Scheduled in the order they began to wait (kept by
   * `tally`), so a batch of offers finds the next waiting instances without looking at the placed ones.
   */
  private readonly waiting = new Map<string, { entries: Map<InstanceRecord, WaitEntry>; added: number }>();
  private waitSeq = 0;
  private appIndex: { root: Group; byId: Map<string, AppDefinition> } | undefined;
  private offerBatches: Promise<void> = Promise.resolve();
  /** statusChains hold, per task with an update being handled, the end of its chain (see `onStatus`). */
  private readonly statusChains = new Map<string, Promise<void>>();
  private suppressed = false;
  private tick: TimerHandle | undefined;
  private reconcileTimer: TimerHandle | undefined;
  private disposed = false;

  constructor(
    private readonly options: SchedulerOptions,
    root: Group,
    instances: InstanceRecord[],
  ) {
    this.root = root;
    for (const i of instances) this.addInstance(i);
  }

  private addInstance(i: InstanceRecord): void {
    const previous = this.instances.get(i.instanceId);
    if (previous) this.untally(previous);
    this.instances.set(i.instanceId, i);
    this.tally(i);
    let ofApp = this.byApp.get(i.appId);
    if (!ofApp) this.byApp.set(i.appId, (ofApp = new Map()));
    ofApp.set(i.instanceId, i);
    this.byTask.set(i.taskId, i);
  }

  private removeInstance(i: InstanceRecord): void {
    this.untally(i);
    this.instances.delete(i.instanceId);
    const ofApp = this.byApp.get(i.appId);
    ofApp?.delete(i.instanceId);
    if (ofApp?.size === 0) this.byApp.delete(i.appId);
    if (this.byTask.get(i.taskId) === i) this.byTask.delete(i.taskId);
  }

  /**
   * tally counts a tracked instance into the tallies (after its condition or goal was written); `relaunch`
   * says it waits again because its launch failed (see `onOffers`).
   */
  private tally(i: InstanceRecord, sign = 1, relaunch = false): void {
    if (this.instances.get(i.instanceId) !== i) return;
    let t = this.tallies.get(i.appId);
    if (!t) this.tallies.set(i.appId, (t = { active: 0, running: 0 }));
    if (isActive(i)) t.active += sign;
    if (i.condition === 'Running') t.running += sign;
    if (i.condition === 'Scheduled') {
      this.scheduled += sign;
      let w = this.waiting.get(i.appId);
      if (sign > 0) {
        if (!w) this.waiting.set(i.appId, (w = { entries: new Map(), added: 0 }));
        w.entries.set(i, { since: ++this.waitSeq, relaunch });
        w.added++;
      } else if (w) {
        w.entries.delete(i);
        if (w.entries.size === 0) this.waiting.delete(i.appId);
      }
    }
    if (i.condition === 'Unreachable' || i.condition === 'UnreachableInactive') this.unreachable += sign;
  }

  /** untally takes a tracked instance out of the tallies (before its condition or goal is written). */
  private untally(i: InstanceRecord): void {
    this.tally(i, -1);
  }

  /** runningCount is how many of an app's instances are in condition Running (whatever their goal). */
  runningCount(appId: string): number {
    return this.tallies.get(appId)?.running ?? 0;
  }

  /** activeCount is how many of an app's instances are active (`isActive`): those the count rule counts. */
  activeCount(appId: string): number {
    return this.tallies.get(appId)?.active ?? 0;
  }

  /** instanceOf finds one of an app's instances by instance id or task id. */
  instanceOf(appId: string, id: string): InstanceRecord | undefined {
    const byId = this.byApp.get(appId)?.get(id);
    if (byId) return byId;
    const byTask = this.byTask.get(id);
    return byTask && byTask.appId === appId && this.instances.get(byTask.instanceId) === byTask ? byTask : undefined;
  }

  /** appById looks an app up in the current root, indexed once per root (status updates look one up each). */
  appById(id: string): AppDefinition | undefined {
    if (this.appIndex?.root !== this.root) {
      const byId = new Map<string, AppDefinition>();
      for (const a of transitiveApps(this.root)) if (!byId.has(a.id)) byId.set(a.id, a);
      this.appIndex = { root: this.root, byId };
    }
    return this.appIndex.byId.get(id);
  }

  /**
   * backgroundFailure logs a failure of work nobody awaits (a scale pass, a deployment pass, a store write after a
   * health result): a store that refuses writes (ZooKeeper without a quorum) must not end the process through an
   * unhandled rejection. What was not written is written with the record's next change, and a new leader
   * reconciles its records with the master.
   */
  backgroundFailure(what: string): (err: unknown) => void {
    return (err: unknown) => this.options.log('error', `${what} failed: ${err instanceof Error ? err.message : String(err)}`);
  }

  get clock(): Clock {
    return this.options.clock;
  }

  /** frameworkId is the id the master gave Marathon (kept across restarts through the store). */
  get frameworkId(): string | undefined {
    return this.options.frameworkInfo.id?.value;
  }

  /** start subscribes with the stored framework id (if any) and begins the scaling loop. */
  start(): void {
    this.options.driver.start(this.options.frameworkInfo, {
      onEvent: (e) => void this.onEvent(e).catch((err: Error) => this.options.log('error', `Handling ${e.type} failed: ${err.stack ?? err.message}`)),
      onDisconnected: (reason) => {
        this.events.fire({ eventType: 'scheduler_disconnected_event', timestamp: this.now(), message: reason });
        this.options.log('warn', `Disconnected from the master: ${reason}`);
      },
    });
    this.tick = this.options.clock.setInterval(() => void this.scale(), 1000);
  }

  private now(): string {
    return isoTimestamp(this.options.clock.now());
  }

  apps(): AppDefinition[] {
    return transitiveApps(this.root);
  }

  instancesOf(appId: string): InstanceRecord[] {
    const ofApp = this.byApp.get(appId);
    return ofApp ? [...ofApp.values()] : [];
  }

  /** eachInstanceOf iterates over an app's instances without copying them (for readers that change nothing meanwhile). */
  eachInstanceOf(appId: string): Iterable<InstanceRecord> {
    return this.byApp.get(appId)?.values() ?? [];
  }

  // ---------------------------------------------------------------------------------------------
  // Scaling

  /**
   * scale applies the count rule to every app not under a deployment's control: schedule missing
   * instances, decommission extra ones (by `killSelection`), and expunge terminal ones.
   */
  scale(): Promise<void> {
    if (this.scaling) {
      this.scaleAgain = true;
      return this.scaling;
    }
    this.scaling = (async () => {
      do {
        this.scaleAgain = false;
        await this.scaleOnce();
      } while (this.scaleAgain && !this.disposed);
    })()
      .catch(this.backgroundFailure('Scaling'))
      .finally(() => (this.scaling = undefined));
    return this.scaling;
  }

  private scaling: Promise<void> | undefined;
  private scaleAgain = false;

  /**
   * scaleOnce is one pass of the count rule. Passes never overlap (`scale` folds calls that arrive during one
   * into one more pass): scheduling a large app yields to the event loop, and a pass that started meanwhile
   * would count the instances not yet scheduled as missing and schedule them a second time.
   */
  private async scaleOnce(): Promise<void> {
    if (this.disposed) return;
    const apps = new Map(this.apps().map((a) => [a.id, a]));
    // Instances of removed apps are looked for only when some app with instances is gone (not every second).
    if ([...this.byApp.keys()].some((appId) => !apps.has(appId))) {
      for (const i of [...this.instances.values()]) {
        if (!apps.has(i.appId) && i.goal === 'Running') await this.decommission(i, 'app removed');
      }
    }
    await this.applyUnreachableStrategies(apps);
    for (const app of apps.values()) {
      if (this.override.has(app.id)) continue;
      // With as many active instances as the app wants, the proposal starts and decommissions nothing.
      if (this.activeCount(app.id) === app.instances) continue;
      const active = this.instancesOf(app.id).filter(isActive);
      const proposal = proposeScaling({ instances: active, scaleTo: app.instances, killSelection: app.killSelection, constraints: app.constraints });
      for (const i of proposal.toDecommission) await this.decommission(i, 'scaling down');
      if (proposal.toStart > 0) await this.schedule(app, proposal.toStart);
    }
    this.updateSuppression();
  }

  /**
   * applyUnreachableStrategies follows each app's `unreachableStrategy`: an instance unreachable for
   * `inactiveAfterSeconds` becomes UnreachableInactive (and is replaced by the count rule); after
   * `expungeAfterSeconds` it is forgotten, and its task is killed should its agent come back.
   */
  private async applyUnreachableStrategies(apps: Map<string, AppDefinition>): Promise<void> {
    if (this.unreachable === 0) return;
    const now = this.options.clock.now();
    for (const i of [...this.instances.values()]) {
      if ((i.condition !== 'Unreachable' && i.condition !== 'UnreachableInactive') || i.unreachableSince === undefined) continue;
      const strategy = apps.get(i.appId)?.unreachableStrategy;
      if (!strategy || strategy === 'disabled') continue;
      const away = now - i.unreachableSince;
      if (away >= strategy.expungeAfterSeconds * 1000 && away >= strategy.inactiveAfterSeconds * 1000) {
        this.options.log('info', `Expunging unreachable ${i.taskId} after ${Math.round(away / 1000)} s`);
        this.removeInstance(i);
        await this.options.repository.deleteInstance(i.instanceId);
        await this.kill(i);
      } else if (i.condition === 'Unreachable' && away >= strategy.inactiveAfterSeconds * 1000) {
        this.untally(i);
        i.condition = 'UnreachableInactive';
        this.tally(i);
        i.since = this.now();
        await this.options.repository.putInstance(i);
        this.events.fire({ eventType: 'instance_changed_event', timestamp: this.now(), instanceId: i.instanceId, condition: i.condition, runSpecId: i.appId, agentId: i.agentId ?? '', host: i.hostname ?? '', runSpecVersion: i.runSpecVersion });
      }
    }
  }

  /**
   * schedule queues `count` new instances of `app`, launchable after its backoff delay, in slices of about
   * SLICE_MS with a turn of the event loop between them (tens of thousands at once would hold it for long).
   */
  async schedule(app: AppDefinition, count: number): Promise<void> {
    const delay = this.delays.get(app.id);
    const launchableAt = delay ? delayDeadline(delay) : 0;
    let sliceEnd = performance.now() + SLICE_MS;
    for (let n = 0; n < count; n++) {
      if ((n & 15) === 15 && performance.now() > sliceEnd) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.disposed) return;
        sliceEnd = performance.now() + SLICE_MS;
      }
      const { instanceId, taskId } = newTaskId(app.id, this.options.rng);
      const record: InstanceRecord = {
        instanceId,
        taskId,
        appId: app.id,
        runSpecVersion: app.version,
        condition: 'Scheduled',
        goal: 'Running',
        state: 'TASK_STAGING',
        hostPorts: [],
        servicePorts: [],
        ipAddresses: [],
        role: app.role,
        health: [],
        launchableAt,
        since: this.now(),
      };
      this.addInstance(record);
      await this.options.repository.putInstance(record);
    }
    this.updateSuppression();
  }

  /** decommission stops an instance for good: a scheduled one is dropped, a launched one is killed. */
  async decommission(i: InstanceRecord, why: string): Promise<void> {
    this.untally(i);
    i.goal = 'Decommissioned';
    this.tally(i);
    if (i.condition === 'Scheduled') {
      this.removeInstance(i);
      await this.options.repository.deleteInstance(i.instanceId);
      return;
    }
    await this.options.repository.putInstance(i);
    this.options.log('info', `Killing ${i.taskId} (${why})`);
    await this.kill(i);
  }

  /** kill asks the master to kill an instance's task, with the app's kill grace period. */
  async kill(i: InstanceRecord): Promise<void> {
    const app = this.appById(i.appId);
    const grace = app?.taskKillGracePeriodSeconds;
    await this.options.driver
      .call({
        type: 'KILL',
        kill: { task_id: { value: i.taskId }, ...(i.agentId ? { agent_id: { value: i.agentId } } : {}), ...(grace !== undefined ? { kill_policy: { grace_period: { nanoseconds: grace * 1e9 } } } : {}) },
      })
      .catch((err: Error) => this.options.log('warn', `Kill of ${i.taskId} not sent: ${err.message}`));
  }

  private updateSuppression(): void {
    if (!this.options.driver.connected) return;
    const waiting = this.scheduled > 0;
    if (waiting && this.suppressed) {
      this.suppressed = false;
      void this.options.driver.call({ type: 'REVIVE', revive: {} }).catch(() => (this.suppressed = true));
    } else if (!waiting && !this.suppressed) {
      this.suppressed = true;
      void this.options.driver.call({ type: 'SUPPRESS', suppress: {} }).catch(() => (this.suppressed = false));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Events from the master

  private async onEvent(e: SchedulerEvent): Promise<void> {
    switch (e.type) {
      case 'SUBSCRIBED':
        await this.options.repository.putFrameworkId(e.subscribed.framework_id.value);
        this.options.frameworkInfo.id = e.subscribed.framework_id;
        this.events.fire({ eventType: 'scheduler_registered_event', timestamp: this.now(), frameworkId: e.subscribed.framework_id.value, master: e.subscribed.master_info.hostname ?? '' });
        await this.reconcile();
        // The master may still hold decline filters from this framework's earlier connection (or an earlier leading
        // Marathon) for minutes: state the wanted offer flow explicitly, REVIVE (which clears them) when instances
        // wait and SUPPRESS otherwise, so the next demand revives.
        this.suppressed = this.scheduled > 0;
        this.updateSuppression();
        return;
      case 'OFFERS': {
        // Batches of offers are handled one after another: each yields between its offers, and batches taking
        // turns would pile their work into every turn of the event loop.
        const batch = this.offerBatches.then(() => this.onOffers(e.offers.offers));
        this.offerBatches = batch.catch(() => undefined);
        await batch;
        return;
      }
      case 'UPDATE':
        await this.onStatus(e.update.status);
        return;
      default:
        return;
    }
  }

  /** reconcile asks the master for the state of every task Marathon believes launched (explicit reconciliation). */
  async reconcile(): Promise<void> {
    if (this.disposed) return;
    const tasks = [...this.instances.values()].filter((i) => i.condition !== 'Scheduled').map((i) => ({ task_id: { value: i.taskId }, ...(i.agentId ? { agent_id: { value: i.agentId } } : {}) }));
    await this.options.driver.call({ type: 'RECONCILE', reconcile: { tasks } }).catch(() => undefined);
    if (this.disposed) return;
    this.reconcileTimer?.cancel();
    // Implicit reconciliation afterwards catches tasks Marathon has no record of.
    this.reconcileTimer = this.options.clock.setTimeout(() => void this.options.driver.call({ type: 'RECONCILE', reconcile: { tasks: [] } }).catch(() => undefined), 2000);
  }

  private async onOffers(offers: Offer[]): Promise<void> {
    const now = this.options.clock.now();
    // Each app's waiting instances (launchable by now) are taken from a cursor over its waiting queue, in the
    // order they began to wait: an instance is looked at once per batch however many offers the batch has, and
    // placed instances not at all. Instances that wait again mid-batch (their launch failed) go in the next
    // batch; instances scheduled mid-batch join this one once the cursor has passed the others.
    const batch = this.waitSeq;
    const cursors = new Map<string, WaitCursor>();
    const waitingOf = (appId: string, room: number): InstanceRecord[] => {
      let c = cursors.get(appId);
      if (!c) cursors.set(appId, (c = { iter: undefined, queue: undefined, seen: new Set(), held: [], added: 0 }));
      const out: InstanceRecord[] = [];
      // Instances taken by an earlier offer of the batch and not launched (it did not fit) come first.
      c.held = c.held.filter((i) => i.condition === 'Scheduled' && i.goal === 'Running' && this.instances.get(i.instanceId) === i);
      for (const i of c.held) if (out.length < room) out.push(i);
      while (out.length < room) {
        const queue = this.waiting.get(appId);
        if (!c.iter) {
          // A finished cursor starts over only when instances began to wait since it finished.
          if (!queue || (queue === c.queue && queue.added === c.added)) break;
          c.iter = queue.entries.entries();
          c.queue = queue;
        }
        const next = c.iter.next();
        if (next.done === true) {
          c.iter = undefined;
          c.added = c.queue?.added ?? 0;
          continue;
        }
        const [i, entry] = next.value;
        if (c.seen.has(i)) continue;
        if (entry.relaunch && entry.since > batch) continue;
        c.seen.add(i);
        if (i.goal !== 'Running' || (i.launchableAt ?? 0) > now) continue;
        c.held.push(i);
        out.push(i);
      }
      return out;
    };
    let anyScheduled: boolean | undefined;
    // ACCEPTs and DECLINEs go out without waiting for one another's answers (up to OFFER_ANSWERS_IN_FLIGHT of
    // them); the batch ends once all are answered.
    const answers = new Set<Promise<void>>();
    const answered = (p: Promise<void>) => {
      answers.add(p);
      void p.then(() => answers.delete(p));
    };
    for (const [n, original] of offers.entries()) {
      // Yield to the event loop between offers: a batch of thousands of offers would otherwise hold the loop
      // (and the /v2 API) for its whole duration.
      if (n > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      while (answers.size >= OFFER_ANSWERS_IN_FLIGHT) await Promise.race(answers);
      if (this.disposed) return;
      let offer = original;
      const operations: Array<Record<string, unknown>> = [];
      const launchedIds: string[] = [];
      for (const app of this.apps()) {
        // At most MAX_INSTANCES_PER_OFFER are launched per offer, so only that many waiting instances are
        // looked at (the loop below launches each or stops at the first that does not fit).
        const room = MAX_INSTANCES_PER_OFFER - launchedIds.length;
        const waiting = waitingOf(app.id, room);
        if (waiting.length === 0) continue;
        const stats = this.statsOf(app.id);
        let launchedForApp = 0;
        for (const instance of waiting) {
          if (launchedIds.length >= MAX_INSTANCES_PER_OFFER) break;
          // The instance may have stopped waiting since the cursor took it (removed, or launched): launching it
          // twice would reuse its task id.
          if (instance.condition !== 'Scheduled' || instance.goal !== 'Running' || this.instances.get(instance.instanceId) !== instance) continue;
          stats.processed++;
          // Placed instances matter only to constraints; without any, skip listing them (O(instances) per launch).
          const placed = app.constraints.length === 0 ? [] : this.instancesOf(app.id).filter((i) => i.goal === 'Running' && i.condition !== 'Scheduled').map((i) => ({ ...i, instanceId: i.instanceId }));
          const match = matchOffer(app, offer, { instances: placed, rng: this.options.rng });
          if (!match.matched) {
            stats.unused++;
            stats.lastUnusedAt = now;
            for (const r of match.reasons) stats.reasons.set(r, (stats.reasons.get(r) ?? 0) + 1);
            stats.lastUnused.push({ offer: original, reasons: match.reasons, at: now });
            if (stats.lastUnused.length > 10) stats.lastUnused.shift();
            break;
          }
          stats.lastUsedAt = now;
          const task = buildTaskInfo({ app, taskId: instance.taskId, offer, resources: match.resources, hostPorts: match.hostPorts, rng: this.options.rng });
          operations.push({ type: 'LAUNCH', launch: { task_infos: [task] } });
          launchedIds.push(instance.instanceId);
          launchedForApp++;
          this.untally(instance);
          Object.assign(instance, {
            condition: 'Provisioned',
            state: 'TASK_STAGING' as MesosTaskState,
            agentId: offer.agent_id.value,
            hostname: offer.hostname,
            attributes: offer.attributes ?? [],
            hostPorts: match.hostPorts.filter((p): p is number => p !== undefined),
            stagedAt: this.now(),
            since: this.now(),
          });
          this.tally(instance);
          const stored = await this.options.repository.putInstance(instance).then(
            () => true,
            (err: unknown) => {
              // A task the store does not know of would be unknown to the next leader: launch nothing unrecorded.
              this.backgroundFailure(`Recording the launch of ${instance.taskId}`)(err);
              operations.pop();
              launchedIds.pop();
              launchedForApp--;
              this.untally(instance);
              Object.assign(instance, { condition: 'Scheduled', agentId: undefined, hostname: undefined, attributes: undefined, hostPorts: [], stagedAt: undefined });
              this.tally(instance, 1, true);
              return false;
            },
          );
          if (!stored) break;
          offer = { ...offer, resources: Resources.fromJSON(offer.resources).subtract(Resources.fromJSON(match.resources)).toJSON() };
        }
        if (launchedForApp > 0) this.options.log('info', `Launching ${launchedForApp} instance(s) of ${app.id} on ${original.hostname}`);
      }
      if (operations.length > 0) {
        const accepted = this.options.driver.call({ type: 'ACCEPT', accept: { offer_ids: [original.id], operations: operations as never, filters: { refuse_seconds: 1 } } }).catch(async (err: Error) => {
          this.options.log('warn', `Launch on ${original.hostname} failed: ${err.message}`);
          for (const id of launchedIds) {
            const i = this.instances.get(id);
            if (!i) continue;
            this.untally(i);
            Object.assign(i, { condition: 'Scheduled', agentId: undefined, hostname: undefined });
            this.tally(i, 1, true);
          }
        });
        answered(accepted);
      } else {
        anyScheduled ??= this.scheduled > 0;
        answered(this.options.driver.call({ type: 'DECLINE', decline: { offer_ids: [original.id], filters: { refuse_seconds: anyScheduled ? 5 : DECLINE_OFFER_SECONDS } } }).catch(() => undefined));
      }
    }
    await Promise.all([...answers]);
    this.updateSuppression();
  }

  statsOf(appId: string): OfferStats {
    let s = this.offerStats.get(appId);
    if (!s) this.offerStats.set(appId, (s = { processed: 0, unused: 0, reasons: new Map(), lastUnused: [] }));
    return s;
  }

  /** lastRejectReason is the funnel reason most offers failed on, for the console's "why is this app waiting". */
  lastRejectReason(appId: string): NoOfferMatchReason | undefined {
    const last = this.offerStats.get(appId)?.lastUnused.at(-1);
    return last ? funnelReason(last.reasons) : undefined;
  }

  /**
   * onStatus handles a task's status updates one after another, in the order they arrived: each is applied
   * only once its acknowledgement was answered, and the master may deliver the task's next update (which
   * that acknowledgement released) before the answer comes back, so without the chain a TASK_RUNNING could
   * be applied before the TASK_STARTING that preceded it and be overwritten by it.
   */
  private onStatus(status: TaskStatus): Promise<void> {
    const taskId = status.task_id.value;
    const previous = this.statusChains.get(taskId);
    const handled = previous ? previous.then(() => this.handleStatus(status)) : this.handleStatus(status);
    const settled = handled.then(
      () => undefined,
      () => undefined,
    );
    this.statusChains.set(taskId, settled);
    void settled.then(() => {
      if (this.statusChains.get(taskId) === settled) this.statusChains.delete(taskId);
    });
    return handled;
  }

  private async handleStatus(status: TaskStatus): Promise<void> {
    if (status.uuid && status.agent_id) {
      await this.options.driver.call({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid } }).catch(() => undefined);
    }
    const instance = this.byTask.get(status.task_id.value);
    const state = status.state as MesosTaskState;
    if (!instance) {
      // A task Marathon has no record of (found by implicit reconciliation): kill it, as Marathon does.
      if (!['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_LOST', 'TASK_DROPPED', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR', 'TASK_UNKNOWN'].includes(status.state)) {
        await this.options.driver.call({ type: 'KILL', kill: { task_id: status.task_id, ...(status.agent_id ? { agent_id: status.agent_id } : {}) } }).catch(() => undefined);
      }
      return;
    }
    const app = this.appById(instance.appId);
    // A task that stays unreachable keeps its UnreachableInactive condition until it is expunged.
    const condition = state === 'TASK_UNREACHABLE' && instance.condition === 'UnreachableInactive' ? 'UnreachableInactive' : conditionOf(state);
    const changed = condition !== instance.condition;
    if (condition === 'Unreachable' && instance.unreachableSince === undefined) instance.unreachableSince = this.options.clock.now();
    if (condition !== 'Unreachable' && condition !== 'UnreachableInactive') instance.unreachableSince = undefined;
    instance.state = state;
    this.untally(instance);
    instance.condition = condition;
    this.tally(instance);
    instance.message = status.message;
    if (changed) instance.since = this.now();
    if (state === 'TASK_RUNNING' && !instance.startedAt) instance.startedAt = this.now();
    const healthChanged = status.healthy !== undefined && status.healthy !== instance.mesosHealthy;
    if (status.healthy !== undefined) instance.mesosHealthy = status.healthy;
    const ips = status.container_status?.network_infos?.flatMap((n) => n.ip_addresses ?? []).flatMap((a) => (a.ip_address ? [{ ipAddress: a.ip_address, protocol: (a.protocol ?? 'IPv4') as 'IPv4' | 'IPv6' }] : []));
    if (ips?.length) instance.ipAddresses = ips;
    if (app) {
      const effect = delayEffect(status.state, status.reason);
      const now = this.options.clock.now();
      const current = this.delays.get(app.id);
      if (effect === 'increase' && instance.goal === 'Running') this.delays.set(app.id, addDelay(current, app, now));
      else if (effect === 'advance' && current) this.delays.set(app.id, advanceDelay(current, now));
      else if (effect === 'reset') this.delays.delete(app.id);
    }
    this.events.fire({
      eventType: 'status_update_event',
      timestamp: this.now(),
      slaveId: instance.agentId ?? '',
      taskId: instance.taskId,
      taskStatus: state,
      message: status.message ?? '',
      appId: instance.appId,
      host: instance.hostname ?? '',
      ipAddresses: instance.ipAddresses,
      ports: instance.hostPorts,
      version: instance.runSpecVersion,
    });
    if (healthChanged) {
      const alive = instance.mesosHealthy === true;
      this.events.fire({ eventType: 'health_status_changed_event', timestamp: this.now(), appId: instance.appId, instanceId: instance.instanceId, version: instance.runSpecVersion, alive });
      this.events.fire({ eventType: 'instance_health_changed_event', timestamp: this.now(), instanceId: instance.instanceId, runSpecId: instance.appId, runSpecVersion: instance.runSpecVersion, healthy: alive });
    }
    if (changed) {
      this.events.fire({ eventType: 'instance_changed_event', timestamp: this.now(), instanceId: instance.instanceId, condition, runSpecId: instance.appId, agentId: instance.agentId ?? '', host: instance.hostname ?? '', runSpecVersion: instance.runSpecVersion });
    }
    if (isActive(instance) || condition === 'Killing') {
      await this.options.repository.putInstance(instance);
      return;
    }
    // The task has ended: expunge it; the count rule (or a deployment) schedules a replacement.
    if (instance.goal === 'Running' && (state === 'TASK_FAILED' || state === 'TASK_ERROR' || state === 'TASK_FINISHED' || state === 'TASK_DROPPED' || state === 'TASK_GONE')) {
      this.lastFailures.set(instance.appId, { appId: instance.appId, host: instance.hostname ?? '', message: status.message ?? '', state, taskId: instance.taskId, timestamp: this.now(), version: instance.runSpecVersion, slaveId: instance.agentId ?? '' });
    }
    this.removeInstance(instance);
    await this.options.repository.deleteInstance(instance.instanceId);
    void this.scale();
  }

  /** countHealthy is how many of an app's instances (of `version`, if given) are running and healthy. */
  countHealthy(app: AppDefinition, version?: string): number {
    const checks = app.healthChecks.filter((h) => !isMesosRunCheck(h)).length;
    const mesosCheck = app.healthChecks.some(isMesosRunCheck);
    let n = 0;
    for (const i of this.byApp.get(app.id)?.values() ?? []) if (isActive(i) && (version === undefined || i.runSpecVersion === version) && isHealthy(i, checks, mesosCheck)) n++;
    return n;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.tick?.cancel();
    this.reconcileTimer?.cancel();
    await this.options.driver.dispose();
  }
}
