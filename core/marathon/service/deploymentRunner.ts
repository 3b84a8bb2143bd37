import type { AppDefinition } from '../../protocol/marathon/appDefinition.js';
import type { ReadinessCheckResult } from '../../protocol/marathon/outputs.js';
import { isoTimestamp } from '../../protocol/marathon/appConfig.js';
import type { DeploymentAction, DeploymentPlan } from '../deploymentPlan.js';
import { deploymentJson } from '../deploymentPlan.js';
import { computeRestartStrategy } from '../restartStep.js';
import { isActive, isHealthy, isMesosRunCheck, type InstanceRecord } from './instanceRecord.js';
import type { MarathonScheduler } from './marathonScheduler.js';
import type { MarathonRepository } from './marathonRepository.js';
import { deploymentsLocking, stepReadiness } from './marathonReadModel.js';

/** RunningDeployment is a deployment in progress: its plan and the step it is on. */
export interface RunningDeployment {
  plan: DeploymentPlan;
  currentStep: number;
  /** cancelled deployments stop where they are (`DELETE /v2/deployments/{id}?force=true`). */
  cancelled?: boolean;
}

/**
 * DeploymentRunner carries deployment plans out, one step at a time, re-evaluating each step against
 * the instances as they are (level-triggered, so it resumes correctly after a restart): a start or
 * scale step is done when the app has its instances running and healthy; a restart replaces old
 * instances within `upgradeStrategy` (never fewer healthy than `minimumHealthCapacity`, never more
 * than `maximumOverCapacity` extra, as Marathon's TaskReplaceActor); a stop step kills everything.
 */
export class DeploymentRunner {
  readonly running = new Map<string, RunningDeployment>();

  constructor(
    private readonly scheduler: MarathonScheduler,
    private readonly repository: MarathonRepository,
  ) {}

  private now(): string {
    return isoTimestamp(this.scheduler.clock.now());
  }

  /** start begins a plan; its apps are steered by the plan until it finishes. */
  async start(plan: DeploymentPlan, currentStep = 0): Promise<void> {
    const d: RunningDeployment = { plan, currentStep };
    this.running.set(plan.id, d);
    await this.repository.putDeployment({ id: plan.id, version: plan.version, original: plan.original, target: plan.target, currentStep });
    this.scheduler.events.fire({ eventType: 'deployment_info', timestamp: this.now(), plan: deploymentJson(plan, currentStep + 1), currentStep: deploymentJson(plan, currentStep + 1).currentActions });
    this.steer();
    await this.advance();
  }

  /** deployingApps are the apps the current steps of running deployments start, scale or restart (readiness applies to them). */
  deployingApps(): AppDefinition[] {
    const out = new Map<string, AppDefinition>();
    for (const d of this.running.values()) {
      for (const a of d.plan.steps[d.currentStep]?.actions ?? []) {
        const app = this.scheduler.appById(a.app.id);
        if (app && a.action !== 'StopApplication') out.set(app.id, app);
      }
    }
    return [...out.values()];
  }

  /** readinessOf gives `/v2/deployments` the readiness results of the apps in a deployment's current step. */
  readinessOf(d: RunningDeployment): Record<string, ReadinessCheckResult[]> {
    return stepReadiness(d, (id) => this.scheduler.eachInstanceOf(id));
  }

  /** lockedBy lists running deployments that touch `appId` (409 unless `force`). */
  lockedBy(appId: string): string[] {
    return deploymentsLocking(this.running.values(), appId);
  }

  /** cancel stops a deployment where it is; its apps return to the plain count rule. */
  async cancel(id: string): Promise<boolean> {
    const d = this.running.get(id);
    if (!d) return false;
    d.cancelled = true;
    this.running.delete(id);
    await this.repository.deleteDeployment(id);
    this.steer();
    this.scheduler.events.fire({ eventType: 'deployment_failed', timestamp: this.now(), id, plan: deploymentJson(d.plan, d.currentStep + 1), reason: 'cancelled' });
    return true;
  }

  /**
   * steer hands apps under an active restart to this runner and all others back to the count rule; apps whose
   * scale or restart comes in a later step stay as they are until then, so dependencies start first.
   */
  private steer(): void {
    this.scheduler.override.clear();
    for (const d of this.running.values()) {
      const step = d.plan.steps[d.currentStep];
      const current = new Set((step?.actions ?? []).map((a) => a.app.id));
      for (const a of step?.actions ?? []) if (a.action === 'RestartApplication') this.scheduler.override.add(a.app.id);
      for (const later of d.plan.steps.slice(d.currentStep + 1)) {
        for (const a of later.actions) if ((a.action === 'ScaleApplication' || a.action === 'RestartApplication') && !current.has(a.app.id)) this.scheduler.override.add(a.app.id);
      }
    }
  }

  private advancing: Promise<void> | undefined;
  private again = false;

  /**
   * advance evaluates every running deployment's current step and moves on when it is done. Calls
   * that arrive while a pass runs fold into one more pass, so a step is never completed twice.
   */
  async advance(): Promise<void> {
    if (this.advancing) {
      this.again = true;
      return this.advancing;
    }
    this.advancing = (async () => {
      do {
        this.again = false;
        await this.pass();
      } while (this.again);
    })()
      .catch(this.scheduler.backgroundFailure('Advancing the deployments'))
      .finally(() => (this.advancing = undefined));
    return this.advancing;
  }

  private async pass(): Promise<void> {
    for (const d of [...this.running.values()]) {
      if (!this.running.has(d.plan.id)) continue;
      for (;;) {
        const step = d.plan.steps[d.currentStep];
        if (!step) {
          this.running.delete(d.plan.id);
          await this.repository.deleteDeployment(d.plan.id);
          this.scheduler.events.fire({ eventType: 'deployment_success', timestamp: this.now(), id: d.plan.id, plan: deploymentJson(d.plan, d.currentStep + 1) });
          this.steer();
          break;
        }
        let done = true;
        for (const action of step.actions) done = (await this.act(action)) && done;
        if (!done) break;
        this.scheduler.events.fire({ eventType: 'deployment_step_success', timestamp: this.now(), plan: deploymentJson(d.plan, d.currentStep + 1), currentStep: deploymentJson(d.plan, d.currentStep + 1).currentActions });
        d.currentStep++;
        await this.repository.putDeployment({ id: d.plan.id, version: d.plan.version, original: d.plan.original, target: d.plan.target, currentStep: d.currentStep });
        this.steer();
      }
    }
  }

  /** act makes progress on one action and says whether it is complete. */
  private async act(action: DeploymentAction): Promise<boolean> {
    const app = this.scheduler.appById(action.app.id);
    switch (action.action) {
      case 'StopApplication': {
        const instances = this.scheduler.instancesOf(action.app.id);
        for (const i of instances) if (i.goal === 'Running') await this.scheduler.decommission(i, 'app stopped');
        if (instances.length === 0) this.scheduler.events.fire({ eventType: 'app_terminated_event', timestamp: this.now(), appId: action.app.id });
        return instances.length === 0;
      }
      case 'StartApplication':
        return true;
      case 'ScaleApplication': {
        if (!app) return true;
        // The instances as they were before this pass decommissioned any (the checks below look at that list).
        const before = action.sentencedToDeath.length > 0 ? this.scheduler.instancesOf(action.app.id) : undefined;
        for (const id of action.sentencedToDeath) {
          const i = this.scheduler.instanceOf(action.app.id, id);
          if (i && i.goal === 'Running') await this.scheduler.decommission(i, 'killed and scaled');
        }
        // Only running instances can be healthy: while fewer than scaleTo run, the step is not done, and the
        // checks below (each a look at every instance of the app) are skipped. A pass during a large launch is
        // then proportional to the actions, not to the instances.
        if (this.scheduler.runningCount(action.app.id) < action.scaleTo) return false;
        const instances = before ?? this.scheduler.instancesOf(action.app.id);
        const active = instances.filter(isActive);
        const ready = app.readinessChecks.length === 0 || active.every((i) => i.runSpecVersion !== app.version || i.ready);
        return active.length === action.scaleTo && this.scheduler.countHealthy(app) >= action.scaleTo && ready && instances.every((i) => i.goal === 'Running' || !isActive(i));
      }
      case 'RestartApplication':
        return app ? this.restart(app, this.scheduler.instancesOf(action.app.id)) : true;
    }
  }

  private async restart(app: AppDefinition, instances: InstanceRecord[]): Promise<boolean> {
    const hcCount = app.healthChecks.filter((h) => ['HTTP', 'HTTPS', 'TCP'].includes(h.protocol)).length;
    const mesosCheck = app.healthChecks.some(isMesosRunCheck);
    const running = instances.filter((i) => i.goal === 'Running' && isActive(i));
    const olds = running.filter((i) => i.runSpecVersion !== app.version);
    const news = running.filter((i) => i.runSpecVersion === app.version);
    // A new instance replaces an old one only once it is healthy and, with readiness checks, ready.
    const readyNew = (i: InstanceRecord) => app.readinessChecks.length === 0 || i.ready === true;
    const healthyOld = olds.filter((i) => isHealthy(i, hcCount, mesosCheck));
    const healthyNew = news.filter((i) => isHealthy(i, hcCount, mesosCheck) && readyNew(i));
    if (olds.length === 0 && news.length === app.instances && healthyNew.length === app.instances) return true;
    if (app.instances === 0) {
      for (const i of olds) await this.scheduler.decommission(i, 'restart to 0 instances');
      return olds.length === 0;
    }
    const strategy = computeRestartStrategy(
      { version: app.version, instances: app.instances, upgradeStrategy: app.upgradeStrategy },
      running.map((i) => ({ instanceId: i.instanceId, runSpecVersion: i.runSpecVersion, goal: i.goal, healthy: isHealthy(i, hcCount, mesosCheck) && (i.runSpecVersion !== app.version || readyNew(i)) })),
    );
    const minHealthy = Math.ceil(app.instances * app.upgradeStrategy.minimumHealthCapacity);
    // Old instances go, unhealthy ones first, while enough healthy instances remain.
    let healthy = healthyOld.length + healthyNew.length;
    const killOrder = [...olds].sort((a, b) => Number(isHealthy(a, hcCount, mesosCheck)) - Number(isHealthy(b, hcCount, mesosCheck)));
    let remainingOld = olds.length;
    for (const i of killOrder) {
      const wasHealthy = isHealthy(i, hcCount, mesosCheck);
      if (wasHealthy && healthy - 1 < minHealthy) continue;
      await this.scheduler.decommission(i, 'replaced by a new version');
      remainingOld--;
      if (wasHealthy) healthy--;
    }
    // New instances come up to the app's count, without exceeding the capacity the strategy allows.
    const room = Math.max(0, strategy.maxCapacity - (remainingOld + news.length));
    const missing = Math.max(0, app.instances - news.length);
    const toStart = Math.min(room, missing);
    if (toStart > 0) await this.scheduler.schedule(app, toStart);
    return false;
  }
}
