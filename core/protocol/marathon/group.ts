/**
 * Marathon groups (`state/Group.scala`, `RootGroup.scala`, `raml/GroupConversion.scala`): a tree of apps rooted
 * at `/`, with dependencies between apps and groups. Values are immutable; every change returns a new tree.
 */
import type { AppDefinition } from './appDefinition.js';
import { canonicalId, isAncestorOrSelf, parentId, parsePathId, pathToString } from './pathId.js';

/** Group is a stored group: its apps, its child groups and what it depends on, all with absolute ids. */
export interface Group {
  id: string;
  apps: AppDefinition[];
  groups: Group[];
  dependencies: string[];
  version: string;
  /** enforceRole is set on top-level groups only: apps inside must use the group's name as their role. */
  enforceRole?: boolean;
}

/**
 * GroupUpdate is a normalised group body (`POST /v2/groups`, `PUT /v2/groups/{id}`): ids absolute, apps
 * normalised. A field left out keeps what the group has; `scaleBy` and `version` stand alone.
 */
export interface GroupUpdate {
  id: string;
  apps?: AppDefinition[];
  groups?: GroupUpdate[];
  dependencies?: string[];
  scaleBy?: number;
  version?: string;
  enforceRole?: boolean;
}

/** emptyGroup makes a group with nothing in it, as Marathon creates missing parents (`Group.empty`). */
export function emptyGroup(id: string, version: string): Group {
  return { id, apps: [], groups: [], dependencies: [], version };
}

/** transitiveApps lists every app of the tree, depth first, groups in id order. */
export function transitiveApps(group: Group): AppDefinition[] {
  return [...group.apps, ...group.groups.flatMap(transitiveApps)];
}

/** transitiveGroups lists every group of the tree, the group itself first. */
export function transitiveGroups(group: Group): Group[] {
  return [group, ...group.groups.flatMap(transitiveGroups)];
}

/** findGroup returns the group with `id` in the tree, if any. */
export function findGroup(root: Group, id: string): Group | undefined {
  const target = canonicalId(id);
  if (root.id === target) return root;
  const next = root.groups.find((g) => isAncestorOrSelf(g.id, target));
  return next === undefined ? undefined : findGroup(next, target);
}

/** findApp returns the app with `id` in the tree, if any. */
export function findApp(root: Group, id: string): AppDefinition | undefined {
  const target = canonicalId(id);
  return findGroup(root, parentId(target))?.apps.find((a) => a.id === target);
}

function byId<T extends { id: string }>(a: T, b: T): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * updateGroupAt replaces the group `id` by `change(current)` (an empty group when missing), creating missing
 * parents like `mkdir -p` and stamping every group on the way with `version`, as `RootGroup.putGroup` does.
 */
export function updateGroupAt(root: Group, id: string, version: string, change: (current: Group) => Group): Group {
  const target = canonicalId(id);
  if (root.id === target) return { ...change(root), version };
  const segments = parsePathId(target).segments;
  const depth = parsePathId(root.id).segments.length;
  const childId = pathToString({ segments: segments.slice(0, depth + 1), absolute: true });
  const existing = root.groups.find((g) => g.id === childId) ?? emptyGroup(childId, version);
  const updated = updateGroupAt(existing, target, version, change);
  const groups = [...root.groups.filter((g) => g.id !== childId), updated].sort(byId);
  return { ...root, groups, version };
}

/** putApp adds or replaces `app` in its parent group (created when missing), as `RootGroup.updateApp` does. */
export function putApp(root: Group, app: AppDefinition, version: string): Group {
  return updateGroupAt(root, parentId(app.id), version, (g) => ({ ...g, apps: [...g.apps.filter((a) => a.id !== app.id), app].sort(byId) }));
}

/** removeApp deletes the app `id`, if present. */
export function removeApp(root: Group, id: string, version: string): Group {
  const target = canonicalId(id);
  if (findApp(root, target) === undefined) return root;
  return updateGroupAt(root, parentId(target), version, (g) => ({ ...g, apps: g.apps.filter((a) => a.id !== target) }));
}

/** removeGroup deletes the group `id` and everything in it, if present (the root itself cannot be removed). */
export function removeGroup(root: Group, id: string, version: string): Group {
  const target = canonicalId(id);
  if (target === root.id || findGroup(root, target) === undefined) return root;
  return updateGroupAt(root, parentId(target), version, (g) => ({ ...g, groups: g.groups.filter((c) => c.id !== target) }));
}

function createGroup(update: GroupUpdate, version: string): Group {
  const group: Group = {
    id: update.id,
    apps: (update.apps ?? []).map((a) => ({ ...a })).sort(byId),
    groups: (update.groups ?? []).map((g) => createGroup(g, version)).sort(byId),
    dependencies: update.dependencies ?? [],
    version,
  };
  return update.enforceRole === undefined ? group : { ...group, enforceRole: update.enforceRole };
}

function executeUpdate(update: GroupUpdate, current: Group, version: string): Group {
  const groups =
    update.groups === undefined
      ? current.groups
      : update.groups.map((g) => {
          const existing = current.groups.find((c) => c.id === g.id);
          return existing === undefined ? createGroup(g, version) : executeUpdate(g, existing, version);
        });
  const group: Group = {
    id: current.id,
    apps: (update.apps ?? current.apps).slice().sort(byId),
    groups: groups.slice().sort(byId),
    dependencies: update.dependencies ?? current.dependencies,
    version,
  };
  const enforceRole = update.enforceRole ?? current.enforceRole;
  return enforceRole === undefined ? group : { ...group, enforceRole };
}

/**
 * applyGroupUpdate applies a structural group update to the root, as `UpdateGroupStructureOp` does: the named
 * group is created or updated; `apps` and `groups`, when given, replace the group's (child groups that exist are
 * updated recursively, the others created); absent fields keep what is there.
 */
export function applyGroupUpdate(root: Group, update: GroupUpdate, version: string): Group {
  return updateGroupAt(root, update.id, version, (current) => executeUpdate(update, current, version));
}

/**
 * scaleGroup multiplies the instances of every app below `id` by `scaleBy`, rounding up, as
 * `PUT /v2/groups/{id}` with `{"scaleBy": f}` does.
 */
export function scaleGroup(root: Group, id: string, scaleBy: number, version: string): Group {
  const scale = (g: Group): Group => ({
    ...g,
    apps: g.apps.map((a) => ({ ...a, instances: Math.ceil(a.instances * scaleBy) })),
    groups: g.groups.map(scale),
    version,
  });
  return updateGroupAt(root, id, version, scale);
}

/**
 * appDependencies lists the dependency edges between apps (`RootGroup.applicationDependencies`): an app depends
 * on the apps it names, on every app of a group it names, and every app of a group depends on every app of the
 * groups that group names.
 */
export function appDependencies(root: Group): Array<[string, string]> {
  const edges: Array<[string, string]> = [];
  const groups = transitiveGroups(root);
  const byGroupId = new Map(groups.map((g) => [g.id, g]));
  for (const group of groups) {
    for (const depId of group.dependencies) {
      const dependency = byGroupId.get(depId);
      if (dependency === undefined) continue;
      for (const app of transitiveApps(group)) for (const dep of transitiveApps(dependency)) edges.push([app.id, dep.id]);
    }
  }
  for (const group of groups) {
    for (const app of group.apps) {
      for (const depId of app.dependencies) {
        const depApp = findApp(root, depId);
        const depGroup = byGroupId.get(depId);
        const targets = depApp !== undefined ? [depApp] : depGroup !== undefined ? transitiveApps(depGroup) : [];
        for (const t of targets) edges.push([app.id, t.id]);
      }
    }
  }
  return edges;
}

/** hasCyclicDependencies says whether the dependency graph has a cycle ("Dependency graph has cyclic dependencies."). */
export function hasCyclicDependencies(root: Group): boolean {
  const next = new Map<string, string[]>();
  for (const [from, to] of appDependencies(root)) next.set(from, [...(next.get(from) ?? []), to]);
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string): boolean => {
    if (state.get(id) === 'done') return false;
    if (state.get(id) === 'visiting') return true;
    state.set(id, 'visiting');
    for (const to of next.get(id) ?? []) if (visit(to)) return true;
    state.set(id, 'done');
    return false;
  };
  return [...next.keys()].some(visit);
}
