/**
 * Reading and normalising a group body (`GroupsResource`, `GroupNormalization`, `Group.validNestedGroupUpdateWithBase`):
 * the group id resolves against the group named in the URL, app ids and dependencies against their group, every
 * app goes through the app normalisation, and `version` or `scaleBy` must stand alone. Roles follow
 * `--new_group_enforce_role`: an enforcing top-level group makes its name the role of the apps inside.
 */
import { z } from 'zod';
import { resolveConfig, type ResolvedConfig } from './appConfig.js';
import type { AppDefinition } from './appDefinition.js';
import { appUpdateSchema, type RamlApp } from './appSchema.js';
import { type Normalized, Violations, invalidJson } from './errors.js';
import type { GroupUpdate } from './group.js';
import { dropNulls, jsArray, jsBoolean, jsNumber, jsObject, jsString, jsonErrorDetails, min, minLength, opt, pattern } from './jsonReads.js';
import { normalizeReadApp } from './normalizeApp.js';
import { canonicalPath, parsePathId, pathIdErrors, pathToString } from './pathId.js';

const RAML_PATH_ID = /^(?:\/?(?:\.\.|(?:(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])\.)*(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9]))?(?:$|\/))+$/;
const pathIdString = (): z.ZodString => minLength(pattern(jsString(), RAML_PATH_ID), 1);

// Apps in group bodies are read with the App type (id required) as in group.raml.
const groupAppSchema = appUpdateSchema.extend({ id: pathIdString() });

interface RamlGroupUpdate {
  id?: string;
  apps?: RamlApp[];
  groups?: RamlGroupUpdate[];
  dependencies?: string[];
  scaleBy?: number;
  version?: string;
  enforceRole?: boolean;
}

const groupUpdateSchema: z.ZodType<RamlGroupUpdate> = z.lazy(() =>
  jsObject({
    id: opt(pathIdString()),
    apps: opt(jsArray(groupAppSchema)),
    groups: opt(jsArray(groupUpdateSchema)),
    dependencies: opt(jsArray(pathIdString())),
    scaleBy: opt(min(jsNumber(), 0)),
    version: opt(jsString()),
    enforceRole: opt(jsBoolean()),
  }),
) as unknown as z.ZodType<RamlGroupUpdate>;

/** GroupNormalizationConfig is the request context of a group body. */
export interface GroupNormalizationConfig {
  /** groupId is the group named in the URL (`/` for `POST /v2/groups`); the body's id resolves against it. */
  groupId?: string;
  /** now is the request time; new apps get it as their version. */
  now: number | string;
  /** mesosRole is `--mesos_role` (default `*`). */
  mesosRole?: string;
  /** newGroupEnforceRole is `--new_group_enforce_role`: whether new top-level groups enforce their role by default. */
  newGroupEnforceRole?: 'off' | 'top';
  /** topLevelEnforceRole reports the enforceRole of an existing top-level group, for updates of groups below it. */
  topLevelEnforceRole?: (topLevelId: string) => boolean | undefined;
  enabledFeatures?: readonly string[];
  defaultNetworkName?: string;
  mesosBridgeName?: string;
}

/** GroupChange is what a group body asks for: a structural update, a rollback, or a scale. */
export type GroupChange = { kind: 'update'; update: GroupUpdate } | { kind: 'rollback'; id: string; version: string } | { kind: 'scale'; id: string; scaleBy: number };

function definedFields(g: RamlGroupUpdate): number {
  return Object.values(g).filter((v) => v !== undefined).length;
}

function structuralViolations(v: Violations, g: RamlGroupUpdate, base: string, prefix: string): void {
  const effective = g.id === undefined ? base : pathToString(canonicalPath(parsePathId(g.id), parsePathId(base)));
  if (g.version !== undefined) v.check(definedFields(g) === 1, `${prefix}/version`, 'not allowed in conjunction with other properties.');
  if (g.scaleBy !== undefined) v.check(definedFields(g) === 1, `${prefix}/scaleBy`, 'not allowed in conjunction with other properties.');
  if (g.id !== undefined) for (const m of pathIdErrors(parsePathId(g.id))) v.add(`${prefix}/id`, m);
  const depth = parsePathId(effective).segments.length;
  if (g.enforceRole === true) {
    v.check(depth === 1, `${prefix}/enforceRole`, `enforceRole can only be set for top-level groups, and ${effective} is not top-level`);
  }
  (g.groups ?? []).forEach((child, i) => {
    if (child.id === undefined) v.add(`${prefix}/groups(${i})/id`, 'not defined');
    else structuralViolations(v, child, effective, `${prefix}/groups(${i})`);
  });
}

interface RoleContext {
  defaultRole: string;
  enforceRole: boolean;
}

function normalizeGroup(g: RamlGroupUpdate, groupPath: string, roles: RoleContext, base: ResolvedConfig, config: GroupNormalizationConfig): Normalized<GroupUpdate> {
  const depth = parsePathId(groupPath).segments.length;
  let context = roles;
  if (depth === 1) {
    const enforce = g.enforceRole ?? (config.newGroupEnforceRole === 'top');
    context = { enforceRole: enforce, defaultRole: enforce ? (parsePathId(groupPath).segments[0] as string) : (config.mesosRole ?? '*') };
  }
  const apps: AppDefinition[] = [];
  const appConfig: ResolvedConfig = { ...base, parentId: groupPath, defaultRole: context.defaultRole, validRoles: context.enforceRole ? [context.defaultRole] : [...new Set([context.defaultRole, config.mesosRole ?? '*'])] };
  for (const raw of g.apps ?? []) {
    const app = normalizeReadApp(raw, appConfig, base.now);
    if (!app.ok) return app;
    apps.push(app.value);
  }
  const groups: GroupUpdate[] = [];
  for (const child of g.groups ?? []) {
    const childPath = pathToString(canonicalPath(parsePathId(child.id ?? ''), parsePathId(groupPath)));
    const normalized = normalizeGroup(child, childPath, depth === 0 ? roles : context, base, config);
    if (!normalized.ok) return normalized;
    groups.push(normalized.value);
  }
  const enforceRole = depth === 0 ? false : depth === 1 ? context.enforceRole : (g.enforceRole ?? false);
  const out: GroupUpdate = { id: groupPath, enforceRole };
  if (g.apps !== undefined) out.apps = apps;
  if (g.groups !== undefined) out.groups = groups;
  if (g.dependencies !== undefined) out.dependencies = g.dependencies.map((d) => pathToString(canonicalPath(parsePathId(d), parsePathId(groupPath))));
  return { ok: true, value: out };
}

function nestedAppViolations(v: Violations, update: GroupUpdate, prefix: string): void {
  (update.apps ?? []).forEach((app, i) => {
    for (const m of pathIdErrors(parsePathId(app.id), parsePathId(update.id))) v.add(`${prefix}/apps(${i})/id`, m);
  });
  (update.groups ?? []).forEach((child, i) => nestedAppViolations(v, child, `${prefix}/groups(${i})`));
}

/**
 * normalizeGroupUpdate reads a group body and resolves it: `{"version": v}` alone is a rollback, `{"scaleBy": f}`
 * alone a scale, anything else a structural update with absolute ids and normalised apps. Errors come back as
 * Marathon words them: "Invalid JSON" for the shape (`/apps(0)/cpus`), "Object is not valid" for rules
 * (`/apps(0)/id`, `/version`), and an app's own rejection (paths relative to the app) for an invalid app.
 */
export function normalizeGroupUpdate(raw: unknown, config: GroupNormalizationConfig): Normalized<GroupChange> {
  const parsed = groupUpdateSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, rejection: invalidJson(jsonErrorDetails(parsed.error.issues)) };
  const body = dropNulls(parsed.data);
  const base = pathToString(canonicalPath(parsePathId(config.groupId ?? '/')));
  const groupPath = body.id === undefined ? base : pathToString(canonicalPath(parsePathId(body.id), parsePathId(base)));
  const structural = new Violations();
  structuralViolations(structural, body, base, '');
  if (!structural.isEmpty()) return { ok: false, rejection: structural.rejection() };
  if (body.version !== undefined) return { ok: true, value: { kind: 'rollback', id: groupPath, version: body.version } };
  if (body.scaleBy !== undefined) return { ok: true, value: { kind: 'scale', id: groupPath, scaleBy: body.scaleBy } };
  const resolved = resolveConfig({
    now: config.now,
    parentId: groupPath,
    defaultRole: config.mesosRole ?? '*',
    ...(config.enabledFeatures !== undefined ? { enabledFeatures: config.enabledFeatures } : {}),
    ...(config.defaultNetworkName !== undefined ? { defaultNetworkName: config.defaultNetworkName } : {}),
    ...(config.mesosBridgeName !== undefined ? { mesosBridgeName: config.mesosBridgeName } : {}),
  });
  const depth = parsePathId(groupPath).segments.length;
  let roles: RoleContext = { defaultRole: config.mesosRole ?? '*', enforceRole: false };
  if (depth > 1) {
    const top = `/${parsePathId(groupPath).segments[0] as string}`;
    const enforce = config.topLevelEnforceRole?.(top) ?? config.newGroupEnforceRole === 'top';
    roles = { enforceRole: enforce, defaultRole: enforce ? top.slice(1) : (config.mesosRole ?? '*') };
  }
  const normalized = normalizeGroup(body, groupPath, roles, resolved, config);
  if (!normalized.ok) return normalized;
  const nested = new Violations();
  nestedAppViolations(nested, normalized.value, '');
  if (!nested.isEmpty()) return { ok: false, rejection: nested.rejection() };
  return { ok: true, value: { kind: 'update', update: normalized.value } };
}
