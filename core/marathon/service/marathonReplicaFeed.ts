import type { Disposable } from '../../common/lifecycle.js';
import type { Group } from '../../protocol/marathon/group.js';
import type { TaskFailure } from '../../protocol/marathon/outputs.js';
import type { InstanceRecord } from './instanceRecord.js';
import type { MarathonEvent } from './marathonEvents.js';
import type { DeploymentView } from './marathonReadModel.js';
import type { ReplicaDelta } from './marathonReplica.js';
import type { MarathonConfig } from './marathonService.js';

/** ReplicaSource is the service's state as the feed reads it when it builds a batch. */
export interface ReplicaSource {
  readonly config: MarathonConfig;
  readonly frameworkId: string | undefined;
  readonly root: Group;
  instance(id: string): InstanceRecord | undefined;
  instances(): Iterable<InstanceRecord>;
  deployments(): Iterable<DeploymentView>;
  failures(): Iterable<[string, TaskFailure]>;
  onEvent(listener: (e: MarathonEvent) => void): Disposable;
}

/**
 * MarathonReplicaFeed keeps a `MarathonReplica` in another thread up to date: the service tells it which instances
 * it wrote (`touch`, from the repository's writes, so whatever is persisted reaches the replica) and that
 * something else changed (`changed`); the feed folds everything of one event-loop turn into one `ReplicaDelta`,
 * reading the records as they are by then, and compares the root group, deployments, failures and framework id
 * with what it sent last. `flush` sends at once: the API thread calls it before it answers a change, so a client
 * that reads after its write sees it.
 */
export class MarathonReplicaFeed implements Disposable {
  private readonly dirty = new Set<string>();
  private queued = false;
  private events: MarathonEvent[] = [];
  private eventSubscription: Disposable | undefined;
  private sent: {
    frameworkId: string | undefined;
    root: Group | undefined;
    deployments: Array<{ plan: unknown; currentStep: number }>;
    failures: Map<string, TaskFailure>;
  } = { frameworkId: undefined, root: undefined, deployments: [], failures: new Map() };
  private disposed = false;

  /**
   * @param send posts a batch to the replica (in order).
   * @param defer runs the batch at the end of the current turn (`setImmediate`).
   */
  constructor(
    private readonly source: ReplicaSource,
    private readonly send: (delta: ReplicaDelta) => void,
    private readonly defer: (fn: () => void) => void,
  ) {}

  /** snapshot is the whole state, the first batch a new replica gets. */
  snapshot(): ReplicaDelta {
    this.dirty.clear();
    const delta: ReplicaDelta = { config: { ...this.source.config }, instances: [...this.source.instances()] };
    this.compare(delta, true);
    return delta;
  }

  /** touch marks an instance written or removed; the next batch carries it as it is then. */
  touch(instanceId: string): void {
    this.dirty.add(instanceId);
    this.schedule();
  }

  /** changed says something other than an instance was written (root group, deployment, framework id). */
  changed(): void {
    this.schedule();
  }

  /** forwardEvents starts or stops carrying Marathon's events with the batches (while the API thread streams them). */
  forwardEvents(wanted: boolean): void {
    if (wanted && !this.eventSubscription) {
      this.eventSubscription = this.source.onEvent((e) => {
        this.events.push(e);
        this.schedule();
      });
    } else if (!wanted && this.eventSubscription) {
      void this.eventSubscription.dispose();
      this.eventSubscription = undefined;
      this.events = [];
    }
  }

  private schedule(): void {
    if (this.queued || this.disposed) return;
    this.queued = true;
    this.defer(() => {
      this.queued = false;
      this.flush();
    });
  }

  /** flush sends what changed since the last batch, if anything did. */
  flush(): void {
    if (this.disposed) return;
    const delta: ReplicaDelta = {};
    if (this.dirty.size > 0) {
      const instances: InstanceRecord[] = [];
      const removed: string[] = [];
      for (const id of this.dirty) {
        const i = this.source.instance(id);
        if (i) instances.push(i);
        else removed.push(id);
      }
      this.dirty.clear();
      if (instances.length > 0) delta.instances = instances;
      if (removed.length > 0) delta.removed = removed;
    }
    this.compare(delta, false);
    if (this.events.length > 0) {
      delta.events = this.events;
      this.events = [];
    }
    if (Object.keys(delta).length > 0) this.send(delta);
  }

  /** compare adds to `delta` the root group, deployments, failures and framework id that differ from the last sent. */
  private compare(delta: ReplicaDelta, all: boolean): void {
    const s = this.source;
    if (all || s.frameworkId !== this.sent.frameworkId) {
      this.sent.frameworkId = s.frameworkId;
      if (s.frameworkId !== undefined) delta.frameworkId = s.frameworkId;
    }
    if (all || s.root !== this.sent.root) {
      this.sent.root = s.root;
      delta.root = s.root;
    }
    const deployments = [...s.deployments()];
    const last = this.sent.deployments;
    if (all || deployments.length !== last.length || deployments.some((d, k) => d.plan !== last[k]?.plan || d.currentStep !== last[k]?.currentStep)) {
      this.sent.deployments = deployments.map((d) => ({ plan: d.plan, currentStep: d.currentStep }));
      delta.deployments = deployments.map((d) => ({ plan: d.plan, currentStep: d.currentStep }));
    }
    const failures: Array<[string, TaskFailure]> = [];
    for (const [appId, failure] of s.failures()) {
      if (all || this.sent.failures.get(appId) !== failure) {
        this.sent.failures.set(appId, failure);
        failures.push([appId, failure]);
      }
    }
    if (failures.length > 0) delta.failures = failures;
  }

  dispose(): void {
    this.disposed = true;
    this.forwardEvents(false);
  }
}
