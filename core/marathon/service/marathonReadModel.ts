import type { Disposable } from '../../common/lifecycle.js';
import type { AppDefinition } from '../../protocol/marathon/appDefinition.js';
import type { Group } from '../../protocol/marathon/group.js';
import type { ReadinessCheckResult, TaskFailure } from '../../protocol/marathon/outputs.js';
import type { DeploymentPlan } from '../deploymentPlan.js';
import type { InstanceRecord } from './instanceRecord.js';
import type { MarathonEvent } from './marathonEvents.js';
import type { MarathonConfig } from './marathonService.js';

/** DeploymentView is a running deployment as the API shows it: its plan and the step it is on (0-based). */
export interface DeploymentView {
  plan: DeploymentPlan;
  currentStep: number;
}

/**
 * MarathonReadModel is everything Marathon's read routes (`GET /v2/apps`, `/v2/tasks`, `/v2/groups`,
 * `/v2/deployments`, `/v2/events`, ...) look at. It exists so the same routes answer from the service itself
 * (`serviceReadModel`) or from a `MarathonReplica` kept in the API thread, where reads never wait behind
 * the scheduler's work or its garbage collection.
 */
export interface MarathonReadModel {
  readonly config: MarathonConfig;
  readonly frameworkId: string | undefined;
  readonly root: Group;
  /** now is the clock's time (ms since the epoch), for the timestamps the answers carry. */
  now(): number;
  apps(): AppDefinition[];
  /** app finds an app of the current root by canonical id. */
  app(id: string): AppDefinition | undefined;
  /** instances iterates over every tracked instance (readers change nothing meanwhile). */
  instances(): Iterable<InstanceRecord>;
  /** eachInstanceOf iterates over one app's instances. */
  eachInstanceOf(appId: string): Iterable<InstanceRecord>;
  lastFailure(appId: string): TaskFailure | undefined;
  deployments(): Iterable<DeploymentView>;
  /**
   * onEvent subscribes to Marathon's event bus, as `/v2/events` streams it; `ended` is told when the bus goes for
   * good under the subscriber (the replica of a Marathon that stopped leading), so the stream can close.
   */
  onEvent(listener: (e: MarathonEvent) => void, ended?: () => void): Disposable;
}

/** deploymentsLocking lists the running deployments whose plan touches `appId`: a change to it is refused with 409 unless forced. */
export function deploymentsLocking(deployments: Iterable<DeploymentView>, appId: string): string[] {
  const out: string[] = [];
  for (const d of deployments) if (d.plan.steps.some((s) => s.actions.some((a) => a.app.id === appId))) out.push(d.plan.id);
  return out;
}

/** stepReadiness collects the readiness results of the apps in a deployment's current step, for `/v2/deployments`. */
export function stepReadiness(d: DeploymentView, eachInstanceOf: (appId: string) => Iterable<InstanceRecord>): Record<string, ReadinessCheckResult[]> {
  const out: Record<string, ReadinessCheckResult[]> = {};
  for (const a of d.plan.steps[d.currentStep]?.actions ?? []) {
    const results: ReadinessCheckResult[] = [];
    for (const i of eachInstanceOf(a.app.id)) if (i.readiness) results.push(...i.readiness);
    out[a.app.id] = results;
  }
  return out;
}
