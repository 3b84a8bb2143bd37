/**
 * Marathon's instance and task ids (`core/instance/Instance.scala` `Instance.Id`, `core/task/Task.scala`
 * `Task.Id`). A new app task is `<safeId>.instance-<uuid>._app.<incarnation>` (`/prod/web` gives
 * `prod_web.instance-6d2...._app.1`); its instance is `<safeId>.instance-<uuid>`. Ids written by older Marathons
 * (`<safeId>.<uuid>`, `<safeId>_<uuid>`, `<safeId>.<uuid>.<attempt>`, `<safeId>.marathon-<uuid>...`) still parse,
 * because tasks launched by them may still be running.
 */
import { uuidV4 } from '../common/ids.js';
import type { Rng } from '../common/rng.js';
import { fromSafePath, safePath } from '../protocol/marathon/pathId.js';

/** ANONYMOUS_CONTAINER is the container name in app task ids (`_app`; `_` cannot start a real container name). */
export const ANONYMOUS_CONTAINER = '_app';

/** InstanceIdPrefix tells new instance ids (`instance-`) from ids derived from legacy task ids (`marathon-`). */
export type InstanceIdPrefix = 'instance-' | 'marathon-';

/** ParsedInstanceId is an instance id taken apart. */
export interface ParsedInstanceId {
  appId: string;
  prefix: InstanceIdPrefix;
  uuid: string;
  instanceId: string;
}

/**
 * ParsedTaskId is a task id taken apart. `kind` names Marathon's four forms: `incarnation` (current),
 * `ephemeral` (instance era, no incarnation), `legacyResident` and `legacy` (before instances).
 */
export interface ParsedTaskId {
  kind: 'incarnation' | 'ephemeral' | 'legacyResident' | 'legacy';
  taskId: string;
  appId: string;
  instanceId: string;
  uuid: string;
  /** container is the pod container name; absent for app tasks (`_app`). */
  container?: string;
  /** incarnation counts relaunches of the instance (incarnation and legacyResident forms). */
  incarnation?: number;
  /** separator is the `.` or `_` between app and uuid in legacy ids. */
  separator?: '.' | '_';
}

const WITH_INSTANCE_AND_INCARNATION = /^(.+)\.(instance-|marathon-)([^_.]+)[._]([^.]+)\.(\d+)$/;
const WITH_INSTANCE = /^(.+)\.(instance-|marathon-)([^_.]+)[._]([^.]+)$/;
const LEGACY_RESIDENT = /^(.+)([._])([^_.]+)(\.)(\d+)$/;
const LEGACY = /^(.+)([._])([^_.]+)$/;
const INSTANCE_ID = /^(.+)\.(instance-|marathon-)([^.]+)$/;
// What java.util.UUID.fromString accepts: five dash-separated hex groups.
const UUID = /^[0-9a-fA-F]{1,8}-[0-9a-fA-F]{1,4}-[0-9a-fA-F]{1,4}-[0-9a-fA-F]{1,4}-[0-9a-fA-F]{1,12}$/;

/** instanceIdFor builds the id of an instance of `appId` with the given uuid (`Instance.Id.idString`). */
export function instanceIdFor(appId: string, uuid: string, prefix: InstanceIdPrefix = 'instance-'): string {
  return `${safePath(appId)}.${prefix}${uuid}`;
}

/** newInstanceId makes the id of a new instance of `appId`, its uuid drawn from `rng` (`Instance.Id.forRunSpec`). */
export function newInstanceId(appId: string, rng: Rng): string {
  return instanceIdFor(appId, uuidV4(rng));
}

/** taskIdFor is the id of an instance's task: first incarnation unless told otherwise (`Task.Id(instanceId)`). */
export function taskIdFor(instanceId: string, incarnation = 1, container?: string): string {
  return `${instanceId}.${container ?? ANONYMOUS_CONTAINER}.${incarnation}`;
}

/** newTaskId makes a new instance id and its first task id in one go. */
export function newTaskId(appId: string, rng: Rng): { instanceId: string; taskId: string } {
  const instanceId = newInstanceId(appId, rng);
  return { instanceId, taskId: taskIdFor(instanceId) };
}

/** parseInstanceId takes an instance id apart, or returns undefined when it is not one. */
export function parseInstanceId(id: string): ParsedInstanceId | undefined {
  const m = INSTANCE_ID.exec(id);
  if (m === null || !UUID.test(m[3] as string)) return undefined;
  return { appId: fromSafePath(m[1] as string), prefix: m[2] as InstanceIdPrefix, uuid: m[3] as string, instanceId: id };
}

/**
 * parseTaskId takes a task id apart in Marathon's order of preference (current form with incarnation, instance
 * form without, legacy resident, legacy), or returns undefined for an id Marathon would reject.
 */
export function parseTaskId(taskId: string): ParsedTaskId | undefined {
  let m = WITH_INSTANCE_AND_INCARNATION.exec(taskId);
  if (m !== null && UUID.test(m[3] as string)) {
    const [, safe, prefix, uuid, container, attempt] = m as unknown as [string, string, InstanceIdPrefix, string, string, string];
    return withContainer({ kind: 'incarnation', taskId, appId: fromSafePath(safe), instanceId: `${safe}.${prefix}${uuid}`, uuid, incarnation: Number(attempt) }, container);
  }
  m = WITH_INSTANCE.exec(taskId);
  if (m !== null && UUID.test(m[3] as string)) {
    const [, safe, prefix, uuid, container] = m as unknown as [string, string, InstanceIdPrefix, string, string];
    return withContainer({ kind: 'ephemeral', taskId, appId: fromSafePath(safe), instanceId: `${safe}.${prefix}${uuid}`, uuid }, container);
  }
  m = LEGACY_RESIDENT.exec(taskId);
  if (m !== null && UUID.test(m[3] as string)) {
    const [, safe, separator, uuid, , attempt] = m as unknown as [string, string, '.' | '_', string, string, string];
    return { kind: 'legacyResident', taskId, appId: fromSafePath(safe), instanceId: `${safe}.marathon-${uuid}`, uuid, incarnation: Number(attempt), separator };
  }
  m = LEGACY.exec(taskId);
  if (m !== null && UUID.test(m[3] as string)) {
    const [, safe, separator, uuid] = m as unknown as [string, string, '.' | '_', string];
    return { kind: 'legacy', taskId, appId: fromSafePath(safe), instanceId: `${safe}.marathon-${uuid}`, uuid, separator };
  }
  return undefined;
}

function withContainer(parsed: ParsedTaskId, container: string): ParsedTaskId {
  return container === ANONYMOUS_CONTAINER ? parsed : { ...parsed, container };
}

/**
 * nextIncarnation is the task id for relaunching an instance (`Task.Id.nextIncarnationFor`): the incarnation
 * goes up by one; an instance-era id without one gets `.1`; a legacy id becomes a legacy resident id `.1`.
 */
export function nextIncarnation(taskId: string): string {
  const p = parseTaskId(taskId);
  if (p === undefined) throw new Error(`taskId ${taskId} no valid identifier`);
  const container = p.container ?? ANONYMOUS_CONTAINER;
  switch (p.kind) {
    case 'ephemeral':
      return `${p.instanceId}.${container}.1`;
    case 'incarnation':
      return `${p.instanceId}.${container}.${(p.incarnation ?? 0) + 1}`;
    case 'legacyResident':
      return `${safePath(p.appId)}${p.separator ?? '.'}${p.uuid}.${(p.incarnation ?? 0) + 1}`;
    case 'legacy':
      return `${safePath(p.appId)}${p.separator ?? '.'}${p.uuid}.1`;
  }
}

/** legacyExecutorId is the executor id Marathon gives a task run by a custom executor (`marathon-<taskId>`). */
export function legacyExecutorId(taskId: string): string {
  return `marathon-${taskId}`;
}
