/**
 * Marathon's path ids (`state/PathId.scala`): apps and groups are named by slash-separated paths such as
 * `/prod/web`. Relative ids are resolved against a base (the root for `/v2/apps`, the enclosing group in group
 * bodies), `.` and `..` are resolved, and leading, trailing and repeated slashes are dropped, so every stored id
 * has the canonical form `/a/b`.
 */

/** PathId is a parsed id: its segments and whether it was written with a leading slash. */
export interface PathId {
  readonly segments: readonly string[];
  readonly absolute: boolean;
}

/** ROOT_PATH is the root group's id, `/`. */
export const ROOT_PATH: PathId = Object.freeze({ segments: Object.freeze([]) as readonly string[], absolute: true });

/**
 * parsePathId reads an id as Marathon's `PathId(in)` does: leading and trailing slashes are stripped, empty
 * segments (from `//`) are dropped, and the id is absolute when the text starts with `/`.
 */
export function parsePathId(text: string): PathId {
  const stripped = text.replace(/^\/+|\/+$/g, '');
  const segments = stripped.split('/').filter((s) => s !== '');
  return { segments, absolute: text.startsWith('/') };
}

/**
 * canonicalPath resolves `id` against the absolute `base` (relative ids are appended to it) and removes `.` and
 * `..` segments; `..` above the root stays at the root, as in Marathon.
 */
export function canonicalPath(id: PathId, base: PathId = ROOT_PATH): PathId {
  const input = id.absolute ? id.segments : [...base.segments, ...id.segments];
  const out: string[] = [];
  for (const segment of input) {
    if (segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return { segments: out, absolute: true };
}

/** pathToString prints an id the way Marathon does: `/a/b` when absolute (`/` for the root), `a/b` otherwise. */
export function pathToString(id: PathId): string {
  return id.absolute ? `/${id.segments.join('/')}` : id.segments.join('/');
}

/**
 * canonicalId is the common case in one call: parse `text`, resolve it against `base` (a canonical id string,
 * default the root) and print it, so `canonicalId('web', '/prod')` is `/prod/web`.
 */
export function canonicalId(text: string, base = '/'): string {
  if (base !== '/') return pathToString(canonicalPath(parsePathId(text), parsePathId(base)));
  let id = canonicalIds.get(text);
  if (id === undefined) {
    id = pathToString(canonicalPath(parsePathId(text), ROOT_PATH));
    // Bounded: ids come from requests, and a client could send endlessly many distinct ones.
    if (canonicalIds.size >= CANONICAL_IDS) canonicalIds.clear();
    canonicalIds.set(text, id);
  }
  return id;
}

// Every request, offer and status update canonicalises the same few ids against the root again; those are remembered.
const CANONICAL_IDS = 10_000;
const canonicalIds = new Map<string, string>();

/** parentId is the id of the group that holds `id` (`/a` for `/a/b`, the root for top-level ids). */
export function parentId(id: string): string {
  const p = parsePathId(id);
  return pathToString({ segments: p.segments.slice(0, -1), absolute: true });
}

/** safePath joins the segments of an absolute id with `_`, the form used in task and instance ids. */
export function safePath(id: string): string {
  return parsePathId(id).segments.join('_');
}

/** fromSafePath reverses `safePath` (`prod_web` gives `/prod/web`), as Marathon does when parsing task ids. */
export function fromSafePath(text: string): string {
  return text === '' ? '/' : `/${text.split('_').join('/')}`;
}

/**
 * toHostname is the path reversed and joined by dots (`/prod/web` gives `web.prod`): the Mesos task and
 * discovery name, which Mesos-DNS turns into `web-prod.marathon.mesos`.
 */
export function toHostname(id: string): string {
  return [...parsePathId(id).segments].reverse().join('.');
}

/** isAncestorOrSelf says whether `id` is `ancestor` or lies below it (`/a/b` is below `/a`; `/ab` is not). */
export function isAncestorOrSelf(ancestor: string, id: string): boolean {
  const a = parsePathId(ancestor).segments;
  const b = parsePathId(id).segments;
  return a.length <= b.length && a.every((segment, i) => b[i] === segment);
}

// Each segment must fully match this (PathId.ID_PATH_SEGMENT_PATTERN): DNS-like labels separated by dots, or
// `.`/`..`. The alternation is grouped so that "fully match" covers both alternatives, as Java's matches() does.
const SEGMENT = /^(?:(?:(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])\.)*(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])|\.|\.\.)$/;

/** PATH_SEGMENT_PATTERN_TEXT is the regex as Marathon prints it in its validation message. */
export const PATH_SEGMENT_PATTERN_TEXT = '^(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])|(\\.|\\.\\.)$';

const RESERVED = ['restart', 'tasks', 'versions', '.', '..'];

/**
 * pathIdErrors checks an id as Marathon's `pathIdValidator` does and returns its messages (empty when valid):
 * every segment must match the segment pattern and the last may not be a reserved word. When `base` is given
 * (group bodies), the id must also resolve to a direct child of it.
 */
export function pathIdErrors(id: PathId, base?: PathId): string[] {
  const errors: string[] = [];
  if (!id.segments.every((s) => SEGMENT.test(s))) {
    errors.push(`must fully match regular expression '${PATH_SEGMENT_PATTERN_TEXT}'`);
  }
  const last = id.segments[id.segments.length - 1];
  if (base === undefined && last !== undefined && RESERVED.includes(last)) {
    errors.push(`must not end with any of the following reserved keywords: ${RESERVED.join(', ')}`);
  }
  if (base !== undefined && base.absolute) {
    const resolved = canonicalPath(id, base);
    const parent = { segments: resolved.segments.slice(0, -1), absolute: true };
    if (pathToString(parent) !== pathToString(base)) errors.push(`Identifier is not child of '${pathToString(base)}'`);
  }
  return errors;
}

// The RAML `PathId` string type's pattern (stringTypes.raml), checked before any normalisation.
const RAML_PATH_ID = /^(?:\/?(?:\.\.|(?:(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])\.)*(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9]))?(?:$|\/))+$/;

/** matchesRamlPathId says whether `text` passes the RAML `PathId` pattern that JSON reading applies. */
export function matchesRamlPathId(text: string): boolean {
  return RAML_PATH_ID.test(text);
}
