/**
 * Deployment plans (`core/deployment/DeploymentPlan.scala`): the steps that take the root group from `original`
 * to `target`. Steps run one after another; the actions of a step run in parallel. Removed apps are stopped
 * first, new apps are started (with 0 instances), then, layer by layer of the dependency graph (apps without
 * dependencies first), new apps are scaled to their instance count, scale-only changes are scaled and other
 * changes restart. Marathon stops all removed apps in one step; Plateau can also stop them in reverse
 * dependency order (dependents before what they depend on), which group deletions want.
 */
import type { AppDefinition } from '../protocol/marathon/appDefinition.js';
import { type Group, appDependencies, findApp, transitiveApps } from '../protocol/marathon/group.js';
import type { DeploymentActionJson, DeploymentJson, ReadinessCheckResult } from '../protocol/marathon/outputs.js';
import { canonicalJson, isOnlyScaleChange, needsRestart } from './appChanges.js';

/** DeploymentAction is one action of a step, naming the app as it will be after the deployment (or before, for a stop). */
export type DeploymentAction =
  | { action: 'StartApplication'; app: AppDefinition }
  | { action: 'StopApplication'; app: AppDefinition }
  | { action: 'ScaleApplication'; app: AppDefinition; scaleTo: number; sentencedToDeath: string[] }
  | { action: 'RestartApplication'; app: AppDefinition };

/** DeploymentStep is a set of actions that may run in parallel. */
export interface DeploymentStep {
  actions: DeploymentAction[];
}

/** DeploymentPlan is the plan for one change of the root group. */
export interface DeploymentPlan {
  id: string;
  original: Group;
  target: Group;
  steps: DeploymentStep[];
  version: string;
}

/** PlanOptions tunes a plan. */
export interface PlanOptions {
  /** id is the deployment id (a UUID the caller draws from its Rng). */
  id: string;
  /** version is the deployment's version, normally the time of the change. */
  version: string;
  /** toKill names instances to kill when scaling an app down (`DELETE .../tasks?scale=true`). */
  toKill?: Readonly<Record<string, readonly string[]>>;
  /** stopOrder: `reverseDependencies` (default) stops dependents first; `marathon` stops all in one step as 1.10 does. */
  stopOrder?: 'reverseDependencies' | 'marathon';
}

/**
 * longestPathLayers groups the apps `ids` by the length of the longest dependency chain starting at each in
 * `root` (`runSpecsGroupedByLongestPath`), shortest first: an app depends only on apps of earlier layers.
 */
export function longestPathLayers(root: Group, ids: ReadonlySet<string>): AppDefinition[][] {
  const next = new Map<string, string[]>();
  for (const [from, to] of appDependencies(root)) next.set(from, [...(next.get(from) ?? []), to]);
  const memo = new Map<string, number>();
  const longest = (id: string, seen: ReadonlySet<string>): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) throw new Error('Dependency graph has cyclic dependencies.');
    const deeper = new Set([...seen, id]);
    const length = 1 + Math.max(0, ...(next.get(id) ?? []).map((to) => longest(to, deeper)));
    memo.set(id, length);
    return length;
  };
  const layers = new Map<number, AppDefinition[]>();
  for (const app of transitiveApps(root)) {
    if (!ids.has(app.id)) continue;
    const n = longest(app.id, new Set());
    layers.set(n, [...(layers.get(n) ?? []), app]);
  }
  return [...layers.entries()].sort(([a], [b]) => a - b).map(([, apps]) => apps.sort((x, y) => (x.id < y.id ? -1 : 1)));
}

/**
 * computeDeploymentPlan compares `original` and `target` (whose apps carry the versions of
 * `updateVersionInfoForChangedApps`) and returns Marathon's steps, empty steps left out.
 */
export function computeDeploymentPlan(original: Group, target: Group, options: PlanOptions): DeploymentPlan {
  const steps: DeploymentStep[] = [];
  const originalApps = transitiveApps(original);
  const targetApps = transitiveApps(target);
  const removed = originalApps.filter((a) => findApp(target, a.id) === undefined);
  if (options.stopOrder === 'marathon') steps.push({ actions: removed.map((app) => ({ action: 'StopApplication', app })) });
  else {
    const layers = longestPathLayers(original, new Set(removed.map((a) => a.id)));
    for (const layer of layers.reverse()) steps.push({ actions: layer.map((app) => ({ action: 'StopApplication', app })) });
  }
  steps.push({ actions: targetApps.filter((a) => findApp(original, a.id) === undefined).map((app) => ({ action: 'StartApplication', app })) });

  const changed = targetApps.filter((a) => {
    const before = findApp(original, a.id);
    return before === undefined || canonicalJson(before) !== canonicalJson(a);
  });
  const affected = new Set([...changed.map((a) => a.id), ...removed.map((a) => a.id)]);
  for (const layer of longestPathLayers(target, affected)) {
    const actions: DeploymentAction[] = [];
    for (const app of layer) {
      const before = findApp(original, app.id);
      if (before === undefined) actions.push({ action: 'ScaleApplication', app, scaleTo: app.instances, sentencedToDeath: [] });
      else if (isOnlyScaleChange(before, app) || app.instances === 0) {
        actions.push({ action: 'ScaleApplication', app, scaleTo: app.instances, sentencedToDeath: [...(options.toKill?.[app.id] ?? [])] });
      } else if (needsRestart(before, app)) actions.push({ action: 'RestartApplication', app });
    }
    steps.push({ actions });
  }
  return { id: options.id, original, target, steps: steps.filter((s) => s.actions.length > 0), version: options.version };
}

/** affectedAppIds lists the apps a plan acts on, sorted. */
export function affectedAppIds(plan: DeploymentPlan): string[] {
  return [...new Set(plan.steps.flatMap((s) => s.actions.map((a) => a.app.id)))].sort();
}

/** isAffectedBy says whether two plans touch a common app (a deployment lock conflict: 409 unless `force`). */
export function isAffectedBy(plan: DeploymentPlan, other: DeploymentPlan): boolean {
  const mine = new Set(affectedAppIds(plan));
  return affectedAppIds(other).some((id) => mine.has(id));
}

/** actionJson writes an action as `/v2/deployments` does. */
export function actionJson(action: DeploymentAction): DeploymentActionJson {
  return { action: action.action, app: action.app.id };
}

/**
 * deploymentJson writes a running plan as an entry of `GET /v2/deployments`: `currentStep` counts from 1, and
 * `currentActions` are the actions of that step with their readiness results.
 */
export function deploymentJson(plan: DeploymentPlan, currentStep: number, readiness: Readonly<Record<string, ReadinessCheckResult[]>> = {}): DeploymentJson {
  const step = plan.steps[currentStep - 1];
  return {
    id: plan.id,
    version: plan.version,
    affectedApps: affectedAppIds(plan),
    affectedPods: [],
    steps: plan.steps.map((s) => ({ actions: s.actions.map(actionJson) })),
    currentActions: (step?.actions ?? []).map((a) => ({ ...actionJson(a), readinessCheckResults: readiness[a.app.id] ?? [] })),
    currentStep,
    totalSteps: plan.steps.length,
  };
}
