/**
 * How two versions of an app differ (`state/AppDefinition.scala` `isUpgrade`, `isOnlyScaleChange`,
 * `needsRestart`) and the version bookkeeping that follows (`upgrade/GroupVersioningUtil.scala`,
 * `state/VersionInfo.scala`): a configuration change restarts tasks and starts a new configuration, a scale
 * keeps the configuration, and an unchanged app keeps its version.
 */
import type { AppDefinition, VersionInfo } from '../protocol/marathon/appDefinition.js';
import { type Group, findApp, transitiveApps, updateGroupAt } from '../protocol/marathon/group.js';
import { parentId } from '../protocol/marathon/pathId.js';

/** canonicalJson prints a value with object keys sorted, so equal values print equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function sameSet(a: readonly unknown[] | undefined, b: readonly unknown[] | undefined): boolean {
  const x = new Set((a ?? []).map(canonicalJson));
  const y = new Set((b ?? []).map(canonicalJson));
  return x.size === y.size && [...x].every((v) => y.has(v));
}

function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

// Fields Marathon stores as sets, so their order never counts as a change.
const SET_FIELDS = ['constraints', 'healthChecks', 'dependencies', 'acceptedResourceRoles'] as const;
// Fields that describe the tasks; a change to any of them is an upgrade (`isUpgrade`).
const CONFIG_FIELDS = [
  'cmd',
  'args',
  'user',
  'env',
  'cpus',
  'mem',
  'disk',
  'gpus',
  'executor',
  'fetch',
  'portDefinitions',
  'requirePorts',
  'backoffSeconds',
  'backoffFactor',
  'maxLaunchDelaySeconds',
  'container',
  'check',
  'taskKillGracePeriodSeconds',
  'upgradeStrategy',
  'labels',
  'networks',
  'readinessChecks',
  'secrets',
  'unreachableStrategy',
  'killSelection',
  'tty',
  'role',
  'resourceLimits',
] as const;

/** isUpgrade says whether `to` changes anything about the tasks of `from` (everything but instances and versions). */
export function isUpgrade(from: AppDefinition, to: AppDefinition): boolean {
  if (from.id !== to.id) return false;
  return CONFIG_FIELDS.some((f) => !same(from[f], to[f])) || SET_FIELDS.some((f) => !sameSet(from[f], to[f]));
}

/** isOnlyScaleChange says whether only the instance count differs. */
export function isOnlyScaleChange(from: AppDefinition, to: AppDefinition): boolean {
  return !isUpgrade(from, to) && from.instances !== to.instances;
}

/** needsRestart says whether the tasks must be replaced: a new configuration or a new version (a restart). */
export function needsRestart(from: AppDefinition, to: AppDefinition): boolean {
  return !same(versionInfoOf(from), versionInfoOf(to)) || from.version !== to.version || isUpgrade(from, to);
}

/** versionInfoOf is the app's full version info (an app without one has only its version). */
export function versionInfoOf(app: Pick<AppDefinition, 'version' | 'versionInfo'>): VersionInfo {
  return app.versionInfo ?? { lastScalingAt: app.version, lastConfigChangeAt: app.version };
}

/** lastConfigChange is when the app's configuration last changed; older instances run an outdated configuration. */
export function lastConfigChange(app: Pick<AppDefinition, 'version' | 'versionInfo'>): string {
  return versionInfoOf(app).lastConfigChangeAt;
}

/** withNewVersion stamps `app` with the version info a change from `previous` gets at `version`. */
export function withNewVersion(previous: AppDefinition | undefined, app: AppDefinition, version: string, restart = false): AppDefinition {
  if (previous === undefined) return { ...app, version, versionInfo: { lastScalingAt: version, lastConfigChangeAt: version } };
  const old = versionInfoOf(previous);
  if (isUpgrade(previous, app)) return { ...app, version, versionInfo: { lastScalingAt: version, lastConfigChangeAt: version } };
  if (isOnlyScaleChange(previous, app)) return { ...app, version, versionInfo: { lastScalingAt: version, lastConfigChangeAt: old.lastConfigChangeAt } };
  if (restart) return { ...app, version, versionInfo: { lastScalingAt: old.lastScalingAt, lastConfigChangeAt: version } };
  return { ...app, version: previous.version, versionInfo: old };
}

/**
 * updateVersionInfoForChangedApps gives every new, changed or restarted app of `to` the version `version`
 * (`GroupVersioningUtil.updateVersionInfoForChangedApps`): new and reconfigured apps start a configuration,
 * scaled apps keep theirs, apps in `restartAppIds` get a new configuration time without a change, and
 * untouched apps keep their version, so the deployment plan can tell them apart.
 */
export function updateVersionInfoForChangedApps(from: Group, to: Group, version: string, restartAppIds: ReadonlySet<string> = new Set()): Group {
  let result = to;
  for (const app of transitiveApps(to)) {
    const updated = withNewVersion(findApp(from, app.id), app, version, restartAppIds.has(app.id));
    if (!same(updated, app)) {
      result = updateGroupAt(result, parentId(app.id), result.version, (g) => ({ ...g, apps: g.apps.map((a) => (a.id === app.id ? updated : a)) }));
    }
  }
  return { ...result, version };
}
