/**
 * The whole path an app body takes in Marathon before it is stored (`AppsResource.create`,
 * `AppHelpers.appNormalization`, `AppHelpers.updateOrCreate`): read the JSON, resolve the id, check the
 * deprecated fields, translate them, default the role, validate, apply the network defaults, resolve the
 * dependencies, convert to the stored form and check that. Each entry point returns the app or the exact
 * rejection Marathon would answer with (422 for validation, 500 for what it cannot translate).
 */
import { type AppNormalizationConfig, type ResolvedConfig, resolveConfig } from './appConfig.js';
import type { AppDefinition, VersionInfo } from './appDefinition.js';
import { SerializationError, mergeAppUpdate, toAppDefinition, validateAppDefinition } from './appConversion.js';
import { NormalizationError, normalizeDeprecated, omit, normalizeDeprecatedUpdate, normalizePostValidation, normalizePreValidation } from './appNormalization.js';
import { type RamlApp, readApp } from './appSchema.js';
import { validateCanonicalApp, validateOldAppApi } from './appValidation.js';
import { type Normalized, Violations, appNotFound, serverError } from './errors.js';
import { canonicalId } from './pathId.js';

export type { AppNormalizationConfig } from './appConfig.js';

/**
 * normalizeApp reads and normalises a new app body (`POST /v2/apps`, or an app in a group body when
 * `parentId` is the group): the result is the stored app with every default, `version` = `now`, or Marathon's
 * rejection (`422 {"message":"Invalid JSON"|"Object is not valid","details":[...]}`, or 500).
 */
export function normalizeApp(raw: unknown, config: AppNormalizationConfig): Normalized<AppDefinition> {
  const read = readApp(raw);
  if (!read.ok) return read;
  const resolved = resolveConfig(config);
  return normalizeReadApp(read.value, resolved, resolved.now);
}

/**
 * normalizeReadApp runs the normalisation and validation steps on an app that has already been read, keeping
 * `version` and `versionInfo` when given (updates keep the current ones; the deployment decides new ones).
 */
export function normalizeReadApp(app: RamlApp, config: ResolvedConfig, version: string, versionInfo?: VersionInfo): Normalized<AppDefinition> {
  try {
    const withId: RamlApp = { ...app, id: canonicalId(app.id ?? '', config.parentId) };
    const old = validateOldAppApi(withId);
    if (!old.isEmpty()) return { ok: false, rejection: old.rejection() };
    const pre = normalizePreValidation(normalizeDeprecated(withId, config), config);
    const canonical = validateCanonicalApp(pre, config);
    if (!canonical.isEmpty()) return { ok: false, rejection: canonical.rejection() };
    const post = normalizePostValidation(pre, config);
    const withDependencies = { ...post, dependencies: (post.dependencies ?? []).map((d) => canonicalId(d, config.parentId)) };
    const stored = toAppDefinition(withDependencies, version, versionInfo);
    const violations = validateAppDefinition(stored);
    if (!violations.isEmpty()) return { ok: false, rejection: violations.rejection() };
    return { ok: true, value: stored };
  } catch (err) {
    if (err instanceof NormalizationError || err instanceof SerializationError) return { ok: false, rejection: serverError(err.message) };
    throw err;
  }
}

/** AppUpdateResult is what an update resolves to: the new app definition, or a rollback to a stored version. */
export type AppUpdateResult = { kind: 'app'; app: AppDefinition; created: boolean } | { kind: 'rollback'; version: string };

/** AppUpdateOptions are the request's parameters on top of the normalisation config. */
export interface AppUpdateOptions extends AppNormalizationConfig {
  /** appId is the id from the URL path; it wins over any id in the body. */
  appId: string;
  /** partialUpdate is the `partialUpdate` query parameter (default true): merge with the existing app. */
  partialUpdate?: boolean;
  /** allowCreation is true for PUT (which creates missing apps) and false for PATCH. */
  allowCreation?: boolean;
}

/**
 * applyAppUpdate resolves `PUT`/`PATCH /v2/apps/{id}` against the current app (if any), as
 * `AppsResource.update` and `AppHelpers.updateOrCreate` do. With `partialUpdate` and an existing app, the body is
 * read as an update, its deprecated fields translated, merged onto the app field by field and the result
 * normalised and validated; `{"version": ...}` alone asks for a rollback. Otherwise the body (with the path's id)
 * is a complete app. An update keeps the app's `version` and `versionInfo` (the deployment sets new ones); a
 * created app gets `now`. A missing app without `allowCreation` is rejected with `404 App '/x' does not exist`.
 */
export function applyAppUpdate(existing: AppDefinition | undefined, raw: unknown, options: AppUpdateOptions): Normalized<AppUpdateResult> {
  const config = resolveConfig({ ...options, parentId: '/' });
  const appId = canonicalId(options.appId);
  const partial = options.partialUpdate ?? true;
  if (existing !== undefined && partial) {
    const read = readApp(raw, { update: true });
    if (!read.ok) return read;
    const update = read.value;
    if (update.version !== undefined) {
      const others = Object.keys(update).filter((k) => k !== 'version' && k !== 'id');
      if (others.length > 0) {
        const v = new Violations();
        v.add('/', "The 'version' field may only be combined with the 'id' field.");
        return { ok: false, rejection: v.rejection() };
      }
      return { ok: true, value: { kind: 'rollback', version: update.version } };
    }
    try {
      const translated = normalizeDeprecatedUpdate(update, config);
      const withDependencies = translated.dependencies === undefined ? translated : { ...translated, dependencies: translated.dependencies.map((d) => canonicalId(d)) };
      const merged = mergeAppUpdate(existing, withDependencies);
      const result = normalizeReadApp({ ...merged, id: appId }, config, existing.version, existing.versionInfo);
      return result.ok ? { ok: true, value: { kind: 'app', app: result.value, created: false } } : result;
    } catch (err) {
      if (err instanceof NormalizationError) return { ok: false, rejection: serverError(err.message) };
      throw err;
    }
  }
  if (existing === undefined && options.allowCreation === false) {
    return { ok: false, rejection: appNotFound(appId) };
  }
  const body = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? { ...(raw as Record<string, unknown>), id: appId } : raw;
  const read = readApp(body);
  if (!read.ok) return read;
  const app = omit(read.value, 'version');
  const version = existing?.version ?? config.now;
  const result = normalizeReadApp(app, config, version, existing?.versionInfo);
  return result.ok ? { ok: true, value: { kind: 'app', app: result.value, created: existing === undefined } } : result;
}
