import type { Clock } from '../../common/clock.js';
import { CoreError } from '../../common/errors.js';
import { uuidV4 } from '../../common/ids.js';
import type { Rng } from '../../common/rng.js';
import type { SchedulerDriver } from '../../framework/schedulerDriver.js';
import type { Store } from '../../coordination/store.js';
import type { AppDefinition } from '../../protocol/marathon/appDefinition.js';
import { isoTimestamp, resolveConfig } from '../../protocol/marathon/appConfig.js';
import { mergeAppUpdate } from '../../protocol/marathon/appConversion.js';
import { appJson } from '../../protocol/marathon/appJson.js';
import { readApp } from '../../protocol/marathon/appSchema.js';
import type { Rejection } from '../../protocol/marathon/errors.js';
import { appNotFound } from '../../protocol/marathon/errors.js';
import { applyGroupUpdate, emptyGroup, findApp, findGroup, hasCyclicDependencies, putApp, removeApp, removeGroup, scaleGroup, transitiveApps, updateGroupAt, type Group } from '../../protocol/marathon/group.js';
import { normalizeGroupUpdate } from '../../protocol/marathon/groupNormalization.js';
import { normalizeApp, normalizeReadApp } from '../../protocol/marathon/normalizeApp.js';
import { canonicalId } from '../../protocol/marathon/pathId.js';
import { updateVersionInfoForChangedApps } from '../appChanges.js';
import { computeDeploymentPlan, type DeploymentPlan } from '../deploymentPlan.js';
import { DeploymentRunner } from './deploymentRunner.js';
import { HealthCheckRunner, type Probe } from './healthCheckRunner.js';
import { ReadinessRunner } from './readinessRunner.js';
import { isActive, type InstanceRecord } from './instanceRecord.js';
import { MarathonRepository } from './marathonRepository.js';
import type { MarathonReadModel } from './marathonReadModel.js';
import { MarathonScheduler } from './marathonScheduler.js';

/** MarathonConfig holds Marathon's own settings under its flag names. */
export interface MarathonConfig {
  framework_name: string;
  mesos_role: string;
  mesos_user: string;
  failover_timeout: number;
  hostname: string;
  http_port: number;
  master: string;
}

/** MarathonServiceOptions are the service's collaborators. */
export interface MarathonServiceOptions {
  config: MarathonConfig;
  driver: SchedulerDriver;
  store: Store;
  clock: Clock;
  rng: Rng;
  log: (level: 'info' | 'warn' | 'error', msg: string) => void;
  probe?: Probe;
}

/** ChangeResult is what a deployable change answers: Marathon's `{deploymentId, version}`. */
export interface ChangeResult {
  deploymentId: string;
  version: string;
  app?: AppDefinition;
  created?: boolean;
}

/** RequestOrigin names the HTTP request behind a change, for Marathon's `api_post_event`. */
export interface RequestOrigin {
  clientIp: string;
  uri: string;
}

/** GroupChangeOptions are the query flags of `POST`/`PUT`/`DELETE /v2/groups`. */
export interface GroupChangeOptions {
  force: boolean;
  /** dryRun answers the plan's steps without applying it (`PUT /v2/groups/{id}?dryRun=true`). */
  dryRun?: boolean;
  origin?: RequestOrigin;
}

/** DryRunResult is what a dry run answers: the steps the change would take. */
export interface DryRunResult {
  steps: DeploymentPlan['steps'];
}

/** MarathonRejection carries Marathon's status and JSON body for a refused request. */
export class MarathonRejection extends Error {
  constructor(readonly rejection: Rejection) {
    super(String((rejection.body as { message?: string }).message ?? 'rejected'));
  }
}

/**
 * MarathonService is Marathon's application layer: it turns `/v2` requests into new root-group
 * versions, persists them, plans the deployments (pure `computeDeploymentPlan`) and runs them through
 * the scheduler. Every change is serialised on one queue, as Marathon's GroupManager does, so two
 * requests never plan against the same old state.
 */
export class MarathonService {
  readonly scheduler: MarathonScheduler;
  readonly deployments: DeploymentRunner;
  readonly repository: MarathonRepository;
  private readonly health: HealthCheckRunner;
  private readonly readiness: ReadinessRunner;
  private queue: Promise<unknown> = Promise.resolve();
  private tick: { cancel(): void } | undefined;

  private constructor(
    private readonly options: MarathonServiceOptions,
    repository: MarathonRepository,
    root: Group,
    instances: InstanceRecord[],
    frameworkId: string | undefined,
  ) {
    this.repository = repository;
    const c = options.config;
    this.scheduler = new MarathonScheduler(
      {
        driver: options.driver,
        repository,
        clock: options.clock,
        rng: options.rng,
        frameworkInfo: {
          user: c.mesos_user,
          name: c.framework_name,
          failover_timeout: c.failover_timeout,
          checkpoint: true,
          hostname: c.hostname,
          webui_url: `http://${c.hostname}:${c.http_port}`,
          roles: [c.mesos_role],
          capabilities: [{ type: 'PARTITION_AWARE' }, { type: 'MULTI_ROLE' }, { type: 'TASK_KILLING_STATE' }, { type: 'REGION_AWARE' }],
          ...(frameworkId ? { id: { value: frameworkId } } : {}),
        },
        log: options.log,
      },
      root,
      instances,
    );
    this.deployments = new DeploymentRunner(this.scheduler, repository);
    this.readiness = new ReadinessRunner(options.clock, (i) => {
      // A result short of ready lives in memory only, as in Marathon's readiness actor, but `/v2/deployments` shows it.
      if (!i.ready) return repository.noteUnpersisted(i.instanceId);
      repository.putInstance(i).catch(this.scheduler.backgroundFailure(`Storing ${i.instanceId}`));
      void this.deployments.advance();
    });
    this.health = new HealthCheckRunner(
      options.clock,
      (i, _index, changed) => {
        repository.putInstance(i).catch(this.scheduler.backgroundFailure(`Storing ${i.instanceId}`));
        if (changed) {
          const alive = i.health.every((h) => h.alive);
          this.scheduler.events.fire({ eventType: 'health_status_changed_event', timestamp: this.now(), appId: i.appId, instanceId: i.instanceId, version: i.runSpecVersion, alive });
          this.scheduler.events.fire({ eventType: 'instance_health_changed_event', timestamp: this.now(), instanceId: i.instanceId, runSpecId: i.appId, runSpecVersion: i.runSpecVersion, healthy: alive });
        }
      },
      (i, reason) => {
        if (i.goal !== 'Running') return;
        this.options.log('warn', `Killing unhealthy ${i.taskId}: ${reason}`);
        this.scheduler.events.fire({ eventType: 'unhealthy_instance_kill_event', timestamp: this.now(), appId: i.appId, taskId: i.taskId, instanceId: i.instanceId, version: i.runSpecVersion, reason, host: i.hostname ?? '', slaveId: i.agentId ?? '' });
        void this.scheduler.kill(i);
      },
      options.probe,
    );
  }

  /** create loads Marathon's state from the store and resumes unfinished deployments. */
  static async create(options: MarathonServiceOptions): Promise<MarathonService> {
    const repository = new MarathonRepository(options.store);
    const state = await repository.load();
    const root = state.root ?? emptyGroup('/', isoTimestamp(options.clock.now()));
    const service = new MarathonService(options, repository, root, state.instances, state.frameworkId);
    for (const d of state.deployments) {
      await service.deployments.start({ ...computeDeploymentPlan(d.original, d.target, { id: d.id, version: d.version }) }, d.currentStep);
    }
    return service;
  }

  start(): void {
    this.scheduler.start();
    // Deployments advance as soon as an instance changes, not only on the tick, so a client that saw its
    // task running finds the deployment finished (as with Marathon's event-driven deployment actors).
    // Changes are folded into one pass per event-loop turn (setImmediate): a pass looks at every instance
    // of the apps being deployed, so one pass per status update is quadratic in a large launch.
    let advanceQueued = false;
    this.scheduler.events.on((e) => {
      if ((e.eventType === 'instance_changed_event' || e.eventType === 'health_status_changed_event') && !advanceQueued) {
        advanceQueued = true;
        setImmediate(() => {
          advanceQueued = false;
          void this.deployments.advance();
        });
      }
    });
    this.tick = this.options.clock.setInterval(() => {
      void this.deployments.advance();
      this.health.sync(new Map(this.scheduler.apps().map((a) => [a.id, a])), (id) => this.scheduler.instancesOf(id));
      this.readiness.sync(this.deployments.deployingApps(), (id) => this.scheduler.instancesOf(id));
    }, 500);
  }

  get config(): MarathonConfig {
    return this.options.config;
  }

  get root(): Group {
    return this.scheduler.root;
  }

  private now(): string {
    return isoTimestamp(this.options.clock.now());
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  // ---------------------------------------------------------------------------------------------
  // Apps

  /** app finds an app of the current root by id (through the scheduler's index: every `GET /v2/apps/{id}` asks). */
  app(id: string): AppDefinition | undefined {
    return this.scheduler.appById(canonicalId(id));
  }

  apps(): AppDefinition[] {
    return transitiveApps(this.root);
  }

  /** createApp is `POST /v2/apps`: 409 when the id exists, 422 when invalid. */
  createApp(raw: unknown, force: boolean, origin?: RequestOrigin): Promise<ChangeResult> {
    return this.serial(async () => {
      const normalized = normalizeApp(raw, { now: this.options.clock.now(), parentId: '/', defaultRole: this.config.mesos_role });
      if (!normalized.ok) throw new MarathonRejection(normalized.rejection);
      const app = normalized.value;
      if (findApp(this.root, app.id)) throw new MarathonRejection({ status: 409, body: { message: `An app with id [${app.id}] already exists.` } });
      return this.deploy(putApp(this.root, app, app.version), force, new Set(), [app.id], undefined, origin);
    });
  }

  /** updateApp is `PUT /v2/apps/{id}` (partial by default): scale-only bodies scale without a restart; unknown ids are created. */
  updateApp(id: string, raw: unknown, opts: { force: boolean; partial: boolean; origin?: RequestOrigin }): Promise<ChangeResult> {
    return this.serial(async () => {
      const appId = canonicalId(id);
      const existing = findApp(this.root, appId);
      const now = this.options.clock.now();
      const body = { ...(raw as Record<string, unknown>), id: appId };
      if (!existing) {
        const created = normalizeApp(body, { now, parentId: '/', defaultRole: this.config.mesos_role });
        if (!created.ok) throw new MarathonRejection(created.rejection);
        return { ...(await this.deploy(putApp(this.root, created.value, created.value.version), opts.force, new Set(), [appId], undefined, opts.origin)), created: true };
      }
      const keys = Object.keys(body).filter((k) => k !== 'id');
      const rollbackTo = (body as Record<string, unknown>).version;
      if (keys.length === 1 && keys[0] === 'version' && typeof rollbackTo === 'string') {
        // `{"version": "<ts>"}` rolls the app back to that stored version, as Marathon does.
        const previous = await this.repository.appVersion(appId, rollbackTo);
        if (!previous) throw new MarathonRejection({ status: 404, body: { message: `App '${appId}' does not exist in version ${rollbackTo}` } });
        return this.deploy(putApp(this.root, previous, isoTimestamp(now)), opts.force, new Set(), [appId]);
      }
      let merged: unknown = body;
      if (opts.partial) {
        const update = readApp(body, { update: true });
        if (!update.ok) throw new MarathonRejection(update.rejection);
        merged = mergeAppUpdate(existing, update.value);
      }
      const read = readApp(merged);
      if (!read.ok) throw new MarathonRejection(read.rejection);
      const next = normalizeReadApp(read.value, resolveConfig({ now, parentId: '/', defaultRole: this.config.mesos_role }), isoTimestamp(now));
      if (!next.ok) throw new MarathonRejection(next.rejection);
      return this.deploy(putApp(this.root, next.value, next.value.version), opts.force, new Set(), [appId], undefined, opts.origin);
    });
  }

  /** deleteApp is `DELETE /v2/apps/{id}` (force defaults to true there). */
  deleteApp(id: string, force: boolean): Promise<ChangeResult> {
    return this.serial(async () => {
      const appId = canonicalId(id);
      if (!findApp(this.root, appId)) throw new MarathonRejection(appNotFound(appId));
      return this.deploy(removeApp(this.root, appId, this.now()), force, new Set(), [appId]);
    });
  }

  /** restartApp is `POST /v2/apps/{id}/restart`: a new configuration time, so every instance is replaced. */
  restartApp(id: string, force: boolean): Promise<ChangeResult> {
    return this.serial(async () => {
      const appId = canonicalId(id);
      const app = findApp(this.root, appId);
      if (!app) throw new MarathonRejection(appNotFound(appId));
      return this.deploy(this.root, force, new Set([appId]), [appId]);
    });
  }

  /** killTasks is `DELETE /v2/apps/{id}/tasks[/{taskId}]`: without `scale`, the killed tasks are replaced. */
  killTasks(appId: string | undefined, taskIds: string[] | undefined, opts: { scale: boolean; wipe: boolean; force: boolean; host?: string }): Promise<InstanceRecord[] | ChangeResult> {
    return this.serial(async () => {
      const victims = [...this.scheduler.instances.values()].filter(
        (i) => (appId === undefined || i.appId === canonicalId(appId)) && (taskIds === undefined || taskIds.includes(i.taskId) || taskIds.includes(i.instanceId)) && (opts.host === undefined || opts.host === '*' || i.hostname === opts.host) && isActive(i),
      );
      if (!opts.scale) {
        for (const i of victims) await this.scheduler.kill(i);
        return victims;
      }
      const byApp = new Map<string, string[]>();
      for (const i of victims) byApp.set(i.appId, [...(byApp.get(i.appId) ?? []), i.instanceId]);
      let root = this.root;
      for (const [id, ids] of byApp) {
        const app = findApp(root, id);
        if (app) root = putApp(root, { ...app, instances: Math.max(0, app.instances - ids.length) }, this.now());
      }
      return this.deploy(root, opts.force, new Set(), [...byApp.keys()], Object.fromEntries(byApp));
    });
  }

  /** resetDelay is `DELETE /v2/queue/{id}/delay`. */
  resetDelay(appId: string): boolean {
    const id = canonicalId(appId);
    if (!findApp(this.root, id)) return false;
    this.scheduler.delays.delete(id);
    for (const i of this.scheduler.instancesOf(id)) if (i.condition === 'Scheduled') i.launchableAt = 0;
    return true;
  }

  /** rollback is `DELETE /v2/deployments/{id}`: a new deployment back to the original state, or only a cancel with `force`. */
  async cancelDeployment(id: string, force: boolean): Promise<ChangeResult | undefined> {
    const d = this.deployments.running.get(id);
    if (!d) return undefined;
    await this.deployments.cancel(id);
    if (force) return { deploymentId: id, version: d.plan.version };
    return this.serial(() => this.deploy(d.plan.original, true, new Set(), []));
  }

  // ---------------------------------------------------------------------------------------------
  // Groups

  private normalizeGroup(raw: unknown, groupId: string) {
    return normalizeGroupUpdate(raw, {
      groupId,
      now: this.options.clock.now(),
      mesosRole: this.config.mesos_role,
      topLevelEnforceRole: (top) => findGroup(this.root, top)?.enforceRole,
    });
  }

  /** createGroup is `POST /v2/groups[/{id}]`: 409 when the group exists, 422 when invalid. */
  createGroup(basePath: string, raw: unknown, force: boolean, origin?: RequestOrigin): Promise<ChangeResult & { groupId: string }> {
    return this.serial(async () => {
      const normalized = this.normalizeGroup(raw, canonicalId(basePath));
      if (!normalized.ok) throw new MarathonRejection(normalized.rejection);
      const change = normalized.value;
      const id = change.kind === 'update' ? change.update.id : change.id;
      if (findGroup(this.root, id)) throw new MarathonRejection({ status: 409, body: { message: `Group ${id} is already created. Use PUT to change this group.` } });
      if (change.kind !== 'update') throw new MarathonRejection({ status: 422, body: { message: 'Object is not valid', details: [{ path: '/', errors: ['version and scaleBy need an existing group'] }] } });
      const target = applyGroupUpdate(this.root, change.update, this.now());
      return { ...(await this.deployGroup(target, { force, ...(origin ? { origin } : {}) })), groupId: id } as ChangeResult & { groupId: string };
    });
  }

  /**
   * updateGroup is `PUT /v2/groups/{id}`: a group body (created when missing), `{version}` to roll the group
   * back to an earlier version, or `{scaleBy}` to scale every app below it; `dryRun` answers the steps only.
   */
  updateGroup(id: string, raw: unknown, opts: GroupChangeOptions): Promise<ChangeResult | DryRunResult> {
    return this.serial(async () => {
      const normalized = this.normalizeGroup(raw, canonicalId(id));
      if (!normalized.ok) throw new MarathonRejection(normalized.rejection);
      const change = normalized.value;
      const version = this.now();
      let target: Group;
      if (change.kind === 'update') target = applyGroupUpdate(this.root, change.update, version);
      else if (change.kind === 'scale') {
        if (!findGroup(this.root, change.id)) throw new MarathonRejection({ status: 404, body: { message: `Group '${change.id}' does not exist` } });
        target = scaleGroup(this.root, change.id, change.scaleBy, version);
      } else {
        const old = await this.groupAt(change.id, change.version);
        if (!old) throw new MarathonRejection({ status: 404, body: { message: `Group '${change.id}' does not exist in version ${change.version}` } });
        target = updateGroupAt(this.root, change.id, version, () => old);
      }
      return this.deployGroup(target, opts);
    });
  }

  /** deleteGroup is `DELETE /v2/groups/{id}`: every app below it is stopped, dependents first. */
  deleteGroup(id: string, force: boolean): Promise<ChangeResult> {
    return this.serial(async () => {
      const groupId = canonicalId(id);
      if (!findGroup(this.root, groupId)) throw new MarathonRejection({ status: 404, body: { message: `Group '${groupId}' does not exist` } });
      const version = this.now();
      const target = groupId === this.root.id ? { ...emptyGroup(this.root.id, version), ...(this.root.enforceRole !== undefined ? { enforceRole: this.root.enforceRole } : {}) } : removeGroup(this.root, groupId, version);
      return this.deployGroup(target, { force }) as Promise<ChangeResult>;
    });
  }

  /** groupVersions is `GET /v2/groups/{id}/versions`: the group's versions, newest first. */
  async groupVersions(id: string): Promise<string[] | undefined> {
    const groupId = canonicalId(id);
    if (!findGroup(this.root, groupId)) return undefined;
    const versions = new Set<string>();
    for (const v of await this.repository.rootVersions()) {
      const g = findGroup((await this.repository.rootVersion(v)) ?? emptyGroup('/', v), groupId);
      if (g) versions.add(g.version);
    }
    versions.add((findGroup(this.root, groupId) as Group).version);
    return [...versions].sort().reverse();
  }

  private async groupAt(id: string, version: string): Promise<Group | undefined> {
    for (const v of (await this.repository.rootVersions()).sort().reverse()) {
      const g = findGroup((await this.repository.rootVersion(v)) ?? emptyGroup('/', v), id);
      if (g && g.version === version) return g;
    }
    return undefined;
  }

  /** deployGroup checks a group change's target (cycles: 422) and deploys it, or only plans it for a dry run. */
  private async deployGroup(target: Group, opts: GroupChangeOptions): Promise<ChangeResult | DryRunResult> {
    if (hasCyclicDependencies(target)) throw new MarathonRejection({ status: 422, body: { message: 'Dependency graph has cyclic dependencies.' } });
    if (opts.dryRun) {
      const version = this.now();
      const versioned = updateVersionInfoForChangedApps(this.root, { ...target, version }, version, new Set());
      return { steps: computeDeploymentPlan(this.root, versioned, { id: 'dry-run', version }).steps };
    }
    return this.deploy(target, opts.force, new Set(), [], undefined, opts.origin);
  }

  /**
   * deploy makes `target` the new root: versions the changed apps, checks deployment locks, persists,
   * plans against the current root and starts the plan.
   */
  private async deploy(target: Group, force: boolean, restart: ReadonlySet<string>, touched: string[], toKill?: Record<string, string[]>, origin?: RequestOrigin): Promise<ChangeResult> {
    const version = this.now();
    const versioned = updateVersionInfoForChangedApps(this.root, { ...target, version }, version, restart);
    const plan: DeploymentPlan = computeDeploymentPlan(this.root, versioned, { id: uuidV4(this.options.rng), version, ...(toKill ? { toKill } : {}) });
    const affected = new Set(plan.steps.flatMap((s) => s.actions.map((a) => a.app.id)));
    for (const id of touched) affected.add(id);
    const locks = [...new Set([...affected].flatMap((id) => this.deployments.lockedBy(id)))];
    if (locks.length > 0 && !force) {
      throw new MarathonRejection({
        status: 409,
        body: { message: `App is locked by one or more deployments. Override with the option '?force=true'. View details at '/v2/deployments/${locks[0]}'.`, deployments: locks.map((lockId) => ({ id: lockId })) },
      });
    }
    for (const lockId of locks) await this.deployments.cancel(lockId);
    const changed = transitiveApps(versioned).filter((a) => a.version === version);
    await this.repository.putRoot(versioned, changed);
    this.scheduler.root = versioned;
    if (origin) for (const app of changed) this.scheduler.events.fire({ eventType: 'api_post_event', timestamp: version, clientIp: origin.clientIp, uri: origin.uri, appDefinition: appJson(app) });
    this.scheduler.events.fire({ eventType: 'group_change_success', timestamp: version, groupId: '/', version });
    await this.deployments.start(plan);
    void this.scheduler.scale();
    const app = touched[0] ? findApp(versioned, touched[0]) : undefined;
    return { deploymentId: plan.id, version, ...(app ? { app } : {}) };
  }

  /** readModel is this service as the read routes see it: they answer from it directly where no API thread serves them. */
  readModel(): MarathonReadModel {
    const scheduler = this.scheduler;
    const deployments = this.deployments;
    const config = this.options.config;
    return {
      config,
      get frameworkId() {
        return scheduler.frameworkId;
      },
      get root() {
        return scheduler.root;
      },
      now: () => scheduler.clock.now(),
      apps: () => this.apps(),
      app: (id) => scheduler.appById(id),
      instances: () => scheduler.instances.values(),
      eachInstanceOf: (id) => scheduler.eachInstanceOf(id),
      lastFailure: (id) => scheduler.lastFailures.get(id),
      deployments: () => deployments.running.values(),
      onEvent: (listener) => scheduler.events.on(listener),
    };
  }

  async dispose(): Promise<void> {
    this.tick?.cancel();
    this.health.dispose();
    this.readiness.dispose();
    await this.scheduler.dispose();
  }
}

/** rejectionOf turns anything thrown by the service into Marathon's status and body. */
export function rejectionOf(err: unknown): Rejection {
  if (err instanceof MarathonRejection) return err.rejection;
  if (err instanceof CoreError && err.code === 'NOT_FOUND') return { status: 404, body: { message: err.message } };
  // The state store (ZooKeeper) cannot commit: nothing was changed, and the client may retry.
  if (err instanceof CoreError && err.code === 'UNAVAILABLE') return { status: 503, body: { message: err.message } };
  return { status: 500, body: { message: err instanceof Error ? err.message : String(err) } };
}
