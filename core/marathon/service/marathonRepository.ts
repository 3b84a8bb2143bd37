import { mapBounded } from '../../common/concurrency.js';
import type { Store } from '../../coordination/store.js';
import type { AppDefinition } from '../../protocol/marathon/appDefinition.js';
import type { Group } from '../../protocol/marathon/group.js';
import type { InstanceRecord } from './instanceRecord.js';

/** MAX_VERSIONS is how many versions of the root group and of each app are kept (Marathon's `--zk_max_versions`). */
export const MAX_VERSIONS = 50;

/** READ_BATCH is how many reads `load` keeps in flight. */
const READ_BATCH = 256;

/** RepositoryObserver hears of the repository's writes: an instance's by its id, any other as a change. */
export interface RepositoryObserver {
  touch(instanceId: string): void;
  changed(): void;
}

/** StoredDeployment is a deployment as persisted: enough to resume it after a restart. */
export interface StoredDeployment {
  id: string;
  version: string;
  original: Group;
  target: Group;
  currentStep: number;
}

/**
 * MarathonRepository persists Marathon's state through a `Store` under `/marathon`: the root group
 * (every app), each app version, instances, deployments and the framework id, laid out like
 * Marathon's own ZooKeeper categories so the ZooKeeper store can hold the same keys.
 */
export class MarathonRepository {
  private observer: RepositoryObserver | undefined;

  constructor(
    private readonly store: Store,
    private readonly maxVersions = MAX_VERSIONS,
  ) {}

  /** observe tells `observer` of every write as it is issued: what is persisted is what a replica must show. */
  observe(observer: RepositoryObserver | undefined): void {
    this.observer = observer;
  }

  /**
   * changing runs a write of something other than an instance, telling the observer when it is issued and again when
   * it settles: callers change their state in memory around the write (the framework id and the root group only
   * after it), and the observer's next look must come after that.
   */
  private async changing(write: () => Promise<void>): Promise<void> {
    this.observer?.changed();
    try {
      await write();
    } finally {
      this.observer?.changed();
    }
  }

  async load(): Promise<{ root: Group | undefined; instances: InstanceRecord[]; deployments: StoredDeployment[]; frameworkId: string | undefined }> {
    const root = await this.store.get<Group>('/marathon/group/root');
    const instances = await this.getAll<InstanceRecord>(await this.store.list('/marathon/instance/'));
    const deployments = await this.getAll<StoredDeployment>(await this.store.list('/marathon/deployment/'));
    const frameworkId = (await this.store.get<{ value: string }>('/marathon/framework-id'))?.value;
    return { root, instances, deployments, frameworkId };
  }

  /** getAll reads many keys with a bounded number in flight: a remote store (ZooKeeper) answers pipelined reads far faster than one at a time. */
  private async getAll<T>(keys: string[]): Promise<T[]> {
    return (await mapBounded(keys, READ_BATCH, (k) => this.store.get<T>(k))).filter((v): v is Awaited<T> & T => v !== undefined);
  }

  /**
   * putRoot stores the new root group together with the versions of the apps that changed, atomically, and drops the
   * versions beyond the newest `maxVersions` of the root group and of each changed app, as Marathon's storage GC does
   * (`--zk_max_versions`, 50): every root version holds every app, and kept forever they would outgrow any store.
   */
  putRoot(root: Group, changedApps: AppDefinition[]): Promise<void> {
    return this.changing(() => this.writeRoot(root, changedApps));
  }

  private async writeRoot(root: Group, changedApps: AppDefinition[]): Promise<void> {
    const stale = async (versions: string[], adding: string) => {
      const all = [...new Set([...versions, adding])].sort();
      return all.slice(0, Math.max(0, all.length - this.maxVersions));
    };
    const dropRoot = await stale(await this.rootVersions(), root.version);
    const dropApps = await Promise.all(changedApps.map(async (a) => (await stale(await this.appVersions(a.id), a.version)).map((v) => `/marathon/apps${a.id}/versions/${v}`)));
    await this.store.batch([
      { put: '/marathon/group/root', value: root },
      { put: `/marathon/group/versions/${root.version}`, value: root },
      ...changedApps.map((a) => ({ put: `/marathon/apps${a.id}/versions/${a.version}`, value: a })),
      ...dropRoot.map((v) => ({ delete: `/marathon/group/versions/${v}` })),
      ...dropApps.flat().map((key) => ({ delete: key })),
    ]);
  }

  /** rootVersions lists the stored versions of the root group (one per change). */
  async rootVersions(): Promise<string[]> {
    const prefix = '/marathon/group/versions/';
    return (await this.store.list(prefix)).map((k) => k.slice(prefix.length));
  }

  async rootVersion(version: string): Promise<Group | undefined> {
    return this.store.get<Group>(`/marathon/group/versions/${version}`);
  }

  async appVersions(appId: string): Promise<string[]> {
    const prefix = `/marathon/apps${appId}/versions/`;
    return (await this.store.list(prefix)).map((k) => k.slice(prefix.length)).filter((v) => !v.includes('/'));
  }

  async appVersion(appId: string, version: string): Promise<AppDefinition | undefined> {
    return this.store.get<AppDefinition>(`/marathon/apps${appId}/versions/${version}`);
  }

  /** noteUnpersisted tells the observer of an instance changed in memory only (a readiness result short of ready). */
  noteUnpersisted(instanceId: string): void {
    this.observer?.touch(instanceId);
  }

  async putInstance(i: InstanceRecord): Promise<void> {
    this.observer?.touch(i.instanceId);
    await this.store.put(`/marathon/instance/${i.instanceId}`, i);
  }

  async deleteInstance(instanceId: string): Promise<void> {
    this.observer?.touch(instanceId);
    await this.store.delete(`/marathon/instance/${instanceId}`);
  }

  putDeployment(d: StoredDeployment): Promise<void> {
    return this.changing(async () => {
      await this.store.put(`/marathon/deployment/${d.id}`, d);
    });
  }

  deleteDeployment(id: string): Promise<void> {
    return this.changing(async () => {
      await this.store.delete(`/marathon/deployment/${id}`);
    });
  }

  putFrameworkId(id: string): Promise<void> {
    return this.changing(async () => {
      await this.store.put('/marathon/framework-id', { value: id });
    });
  }
}
