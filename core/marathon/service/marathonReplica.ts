import { Emitter } from '../../common/emitter.js';
import { toDisposable, type Disposable } from '../../common/lifecycle.js';
import type { AppDefinition } from '../../protocol/marathon/appDefinition.js';
import { emptyGroup, transitiveApps, type Group } from '../../protocol/marathon/group.js';
import type { TaskFailure } from '../../protocol/marathon/outputs.js';
import type { InstanceRecord } from './instanceRecord.js';
import type { MarathonEvent } from './marathonEvents.js';
import type { DeploymentView, MarathonReadModel } from './marathonReadModel.js';
import type { MarathonConfig } from './marathonService.js';

/**
 * ReplicaDelta is one batch of changes from the service to its replica: instances written or removed since the
 * last batch, and the root group, deployments, failures and framework id when they changed. The events carried
 * with it fired while those changes were made; the replica applies the changes first, so a client that reads
 * after an event never sees the state from before it.
 */
export interface ReplicaDelta {
  config?: MarathonConfig;
  frameworkId?: string;
  root?: Group;
  deployments?: DeploymentView[];
  /** failures are the apps' last task failures that changed ([appId, failure]). */
  failures?: Array<[string, TaskFailure]>;
  instances?: InstanceRecord[];
  removed?: string[];
  events?: MarathonEvent[];
}

/**
 * MarathonReplica is a copy of what Marathon's read routes look at, kept by applying `ReplicaDelta`s in order. It
 * lives in the API thread: reads answered from it never wait behind the scheduler's work or its garbage
 * collection, at the price of showing the state as of the last batch (one event-loop turn of the scheduler behind).
 */
export class MarathonReplica implements MarathonReadModel {
  config: MarathonConfig;
  frameworkId: string | undefined;
  private rootGroup: Group;
  private appList: AppDefinition[] = [];
  private readonly byId = new Map<string, AppDefinition>();
  private readonly all = new Map<string, InstanceRecord>();
  private readonly byApp = new Map<string, Map<string, InstanceRecord>>();
  private readonly failures = new Map<string, TaskFailure>();
  private deploymentList: DeploymentView[] = [];
  private readonly events = new Emitter<MarathonEvent>();
  private readonly endings = new Set<() => void>();

  /**
   * @param wantEvents is told when the first subscriber comes and the last goes, so the service forwards events
   *   only while someone streams them.
   */
  constructor(
    config: MarathonConfig,
    private readonly clock: { now(): number },
    private readonly wantEvents: (wanted: boolean) => void = () => undefined,
  ) {
    this.config = config;
    this.rootGroup = emptyGroup('/', '');
  }

  get root(): Group {
    return this.rootGroup;
  }

  /** apply takes one batch of changes, in the order the service sent them. */
  apply(delta: ReplicaDelta): void {
    if (delta.config) this.config = delta.config;
    if (delta.frameworkId !== undefined) this.frameworkId = delta.frameworkId;
    if (delta.root) {
      this.rootGroup = delta.root;
      this.appList = transitiveApps(delta.root);
      this.byId.clear();
      for (const a of this.appList) if (!this.byId.has(a.id)) this.byId.set(a.id, a);
    }
    if (delta.deployments) this.deploymentList = delta.deployments;
    for (const [appId, failure] of delta.failures ?? []) this.failures.set(appId, failure);
    for (const id of delta.removed ?? []) this.remove(id);
    for (const i of delta.instances ?? []) this.put(i);
    for (const e of delta.events ?? []) this.events.fire(e);
  }

  private put(i: InstanceRecord): void {
    const previous = this.all.get(i.instanceId);
    if (previous && previous.appId !== i.appId) this.remove(i.instanceId);
    this.all.set(i.instanceId, i);
    let ofApp = this.byApp.get(i.appId);
    if (!ofApp) this.byApp.set(i.appId, (ofApp = new Map()));
    ofApp.set(i.instanceId, i);
  }

  private remove(id: string): void {
    const i = this.all.get(id);
    if (!i) return;
    this.all.delete(id);
    const ofApp = this.byApp.get(i.appId);
    ofApp?.delete(id);
    if (ofApp?.size === 0) this.byApp.delete(i.appId);
  }

  now(): number {
    return this.clock.now();
  }

  apps(): AppDefinition[] {
    return this.appList;
  }

  app(id: string): AppDefinition | undefined {
    return this.byId.get(id);
  }

  instances(): Iterable<InstanceRecord> {
    return this.all.values();
  }

  eachInstanceOf(appId: string): Iterable<InstanceRecord> {
    return this.byApp.get(appId)?.values() ?? [];
  }

  lastFailure(appId: string): TaskFailure | undefined {
    return this.failures.get(appId);
  }

  deployments(): Iterable<DeploymentView> {
    return this.deploymentList;
  }

  onEvent(listener: (e: MarathonEvent) => void, ended?: () => void): Disposable {
    const subscription = this.events.on(listener);
    if (ended) this.endings.add(ended);
    if (this.events.size === 1) this.wantEvents(true);
    return toDisposable(() => {
      void subscription.dispose();
      if (ended) this.endings.delete(ended);
      if (this.events.size === 0) this.wantEvents(false);
    });
  }

  /**
   * clear forgets everything and ends the event streams: the Marathon behind it stopped leading, and what it showed
   * is no longer Marathon's state. A new leader's snapshot (`apply`) fills it again.
   */
  clear(): void {
    for (const ended of [...this.endings]) ended();
    this.frameworkId = undefined;
    this.rootGroup = emptyGroup('/', '');
    this.appList = [];
    this.byId.clear();
    this.all.clear();
    this.byApp.clear();
    this.failures.clear();
    this.deploymentList = [];
  }
}
