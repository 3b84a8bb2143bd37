/**
 * What the Marathon views compute from Marathon's JSON: an app's status (with the launch queue), task health,
 * the app list's filter (text and `key:value` labels), the create form's app definition, Marathon's error
 * bodies, version diffs and app paths. Pure: no DOM, no I/O, so the rules can be tested on their own. Why an app
 * waits in the launch queue is model/launchQueue's.
 */
import type { HttpAnswer } from '../../core/protocol/console/channel.js';
import type { MarathonApp, MarathonTask } from '../data/marathonQueries.js';
import { errorText } from './format.js';
import { backoffSeconds, type WireQueueEntry } from './launchQueue.js';

/** MarathonDeployment is an entry of `GET /v2/deployments`. */
export interface MarathonDeployment {
  id: string;
  version: string;
  affectedApps: string[];
  affectedPods?: string[];
  steps: Array<{ actions: Array<{ action: string; app?: string; pod?: string }> }>;
  currentActions: Array<{ action: string; app?: string; pod?: string; readinessCheckResults?: unknown[] }>;
  currentStep: number;
  totalSteps: number;
}

/** MarathonInfo is the part of `GET /v2/info` the console reads. */
export interface MarathonInfo {
  version?: string;
  frameworkId?: string;
  leader?: string;
  marathon_config?: { framework_name?: string; mesos_role?: string };
}

/** APP_STATUSES are the statuses an app can show, in the order the filter lists them. */
export const APP_STATUSES = ['Running', 'Deploying', 'Suspended', 'Waiting', 'Delayed'] as const;
export type AppStatus = (typeof APP_STATUSES)[number];

/** WAITING_AFTER_MS is how long an app may sit in the launch queue before it shows as Waiting rather than Deploying. */
export const WAITING_AFTER_MS = 10_000;

/**
 * appStatus names what an app is doing. A backoff delay that has time left is Delayed (it is crash-looping); a
 * launch that has found no fitting offer for a while is Waiting; otherwise a running deployment is Deploying, no
 * instances is Suspended, and anything else is Running.
 */
export function appStatus(app: MarathonApp, queued: WireQueueEntry | undefined, now: number): AppStatus {
  if (queued && backoffSeconds(queued) > 0) return 'Delayed';
  if (queued && (queued.count ?? 0) > 0) {
    const since = queued.since ? Date.parse(queued.since) : NaN;
    if (!Number.isFinite(since) || now - since >= WAITING_AFTER_MS) return 'Waiting';
  }
  if ((app.deployments ?? []).length > 0) return 'Deploying';
  if (app.instances === 0 && (app.tasksRunning ?? 0) === 0 && (app.tasksStaged ?? 0) === 0) return 'Suspended';
  return 'Running';
}

/** statusClass picks the pill colour of a status from the stylesheet's state classes. */
export function statusClass(status: AppStatus): string {
  switch (status) {
    case 'Running':
      return 'state-RUNNING';
    case 'Deploying':
    case 'Waiting':
      return 'state-STAGING';
    case 'Delayed':
      return 'state-FAILED';
    default:
      return 'muted';
  }
}

/** TaskHealth is a task's health as its health check results say. */
export type TaskHealth = 'healthy' | 'unhealthy' | 'unknown';

/**
 * taskHealth is healthy when every Marathon health check result is alive, unhealthy when one is not; without
 * results it falls back to the `healthy` flag Mesos puts on the task's status (checks Mesos runs), else unknown.
 */
export function taskHealth(task: MarathonTask, mesosHealthy?: boolean): TaskHealth {
  const results = task.healthCheckResults ?? [];
  if (results.length > 0) return results.every((r) => r.alive) ? 'healthy' : 'unhealthy';
  if (mesosHealthy !== undefined) return mesosHealthy ? 'healthy' : 'unhealthy';
  return 'unknown';
}

/** lastHealthy is the newest `healthy` flag among a Mesos task's statuses. */
export function lastHealthy(statuses: ReadonlyArray<{ healthy?: boolean }> | undefined): boolean | undefined {
  for (let i = (statuses?.length ?? 0) - 1; i >= 0; i--) {
    const h = statuses?.[i]?.healthy;
    if (h !== undefined) return h;
  }
  return undefined;
}

/** AppHealth counts an app's instances for the health bar. */
export interface AppHealth {
  healthy: number;
  unhealthy: number;
  /** running without a verdict (no health checks, or not checked yet). */
  unknown: number;
  /** staged: launched but not running yet. */
  staged: number;
  /** total is the larger of the wanted instances and the live tasks (a scale-down shows extra tasks). */
  total: number;
}

/** appHealth splits an app's instances into healthy, unhealthy, running without a verdict, and staged. */
export function appHealth(app: MarathonApp): AppHealth {
  const running = app.tasksRunning ?? 0;
  const healthy = Math.min(app.tasksHealthy ?? 0, running);
  const unhealthy = Math.min(app.tasksUnhealthy ?? 0, running - healthy);
  const staged = app.tasksStaged ?? 0;
  return { healthy, unhealthy, unknown: running - healthy - unhealthy, staged, total: Math.max(app.instances, running + staged) };
}

/** hasHealthChecks says whether Marathon checks this app's health at all. */
export function hasHealthChecks(app: MarathonApp): boolean {
  return (app.healthChecks ?? []).length > 0;
}

/** appImageOrCmd is the list's "what does it run" column: the Docker image, else the command, else the args. */
export function appImageOrCmd(app: MarathonApp): string {
  return app.container?.docker?.image ?? app.cmd ?? (app.args ?? []).join(' ');
}

/**
 * appMatches is the app list's filter: every whitespace-separated term must match. A `key:value` term matches a
 * label whose key is `key` and whose value contains `value` (`key:` matches any value); any term also matches
 * the id, command, image or a label's text, so `nginx:1.25` still finds an image.
 */
export function appMatches(app: MarathonApp, query: string): boolean {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return true;
  const labels = Object.entries(app.labels ?? {}).map(([k, v]) => [k.toLowerCase(), String(v).toLowerCase()] as const);
  const text = [app.id, app.cmd ?? '', (app.args ?? []).join(' '), app.container?.docker?.image ?? '', ...labels.map(([k, v]) => `${k}:${v}`)].join(' ').toLowerCase();
  return terms.every((t) => {
    const colon = t.indexOf(':');
    if (colon > 0) {
      const key = t.slice(0, colon);
      const value = t.slice(colon + 1);
      if (labels.some(([k, v]) => k === key && v.includes(value))) return true;
    }
    return text.includes(t);
  });
}

/** AppForm is the create form's fields, as typed. */
export interface AppForm {
  id: string;
  cmd: string;
  cpus: string;
  mem: string;
  instances: string;
  image: string;
  containerPort: string;
}

export const EMPTY_FORM: AppForm = { id: '', cmd: '', cpus: '0.1', mem: '128', instances: '1', image: '', containerPort: '' };

function numberOr(text: string): number | string {
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

/**
 * formDefinition turns the create form into a Marathon app definition. Empty fields are left out so Marathon's
 * defaults apply; text that is not a number is passed through so Marathon's validation names the field. A
 * container port needs an image: it becomes a bridge-network port mapping with a dynamic host port.
 */
export function formDefinition(f: AppForm): Record<string, unknown> {
  const def: Record<string, unknown> = { id: f.id.trim() };
  if (f.cmd.trim() !== '') def.cmd = f.cmd;
  if (f.cpus.trim() !== '') def.cpus = numberOr(f.cpus.trim());
  if (f.mem.trim() !== '') def.mem = numberOr(f.mem.trim());
  if (f.instances.trim() !== '') def.instances = numberOr(f.instances.trim());
  const image = f.image.trim();
  if (image !== '') {
    const port = f.containerPort.trim();
    def.container = { type: 'DOCKER', docker: { image }, ...(port !== '' ? { portMappings: [{ containerPort: numberOr(port), hostPort: 0, protocol: 'tcp' }] } : {}) };
    if (port !== '') def.networks = [{ mode: 'container/bridge' }];
  }
  return def;
}

/** ErrorDetail is one of Marathon's validation findings: where (`/container/docker/image`) and what. */
export interface ErrorDetail {
  path: string;
  errors: string[];
}

/** MarathonFailure is a failed call as the views show it. */
export interface MarathonFailure {
  status?: number;
  message: string;
  details: ErrorDetail[];
  /** lockedBy lists the deployments that hold the app when Marathon answered 409 "locked". */
  lockedBy: string[];
}

function isAnswer(x: unknown): x is HttpAnswer {
  return typeof x === 'object' && x !== null && typeof (x as HttpAnswer).status === 'number' && typeof (x as HttpAnswer).body === 'string';
}

/**
 * marathonFailure reads a failed call: Marathon's `{message, details[]}` body when the cluster answered (HttpError
 * carries the raw answer), else the error's own message (the host or the link failed).
 */
export function marathonFailure(err: unknown): MarathonFailure {
  const answer = typeof err === 'object' && err !== null ? (err as { answer?: unknown }).answer : undefined;
  const fallback = errorText(err);
  if (!isAnswer(answer)) return { message: fallback, details: [], lockedBy: [] };
  let body: { message?: unknown; details?: unknown; deployments?: unknown } = {};
  try {
    const parsed: unknown = JSON.parse(answer.body);
    if (typeof parsed === 'object' && parsed !== null) body = parsed as typeof body;
  } catch {
    body = {};
  }
  const details: ErrorDetail[] = Array.isArray(body.details)
    ? body.details.map((d: { path?: unknown; errors?: unknown }) => ({
        path: typeof d?.path === 'string' ? d.path : '/',
        errors: Array.isArray(d?.errors) ? d.errors.map(String) : [],
      }))
    : [];
  const lockedBy = Array.isArray(body.deployments) ? body.deployments.map((d: { id?: unknown }) => String(d?.id ?? '')).filter(Boolean) : [];
  const message = typeof body.message === 'string' ? body.message : answer.body.trim() || `HTTP ${answer.status}`;
  return { status: answer.status, message, details, lockedBy };
}

/** isLocked says whether Marathon refused because a deployment holds the app (retry with `?force=true`). */
export function isLocked(f: MarathonFailure): boolean {
  return f.status === 409 && (f.lockedBy.length > 0 || /locked/i.test(f.message));
}

/** RUNTIME_FIELDS are what AppInfo adds to an app definition; the Configuration tab leaves them out. */
const RUNTIME_FIELDS = new Set(['tasks', 'tasksStaged', 'tasksRunning', 'tasksHealthy', 'tasksUnhealthy', 'deployments', 'lastTaskFailure', 'readinessCheckResults', 'taskStats', 'tasksStats', 'counts']);

/** definitionOf is an AppInfo without its runtime fields: the app definition Marathon stores. */
export function definitionOf(app: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(app).filter(([k]) => !RUNTIME_FIELDS.has(k)));
}

/** IGNORED_IN_DIFF are fields every version differs in. */
const IGNORED_IN_DIFF = new Set(['version', 'versionInfo']);

/** stableJson writes a value with object keys sorted, so two equal definitions compare equal whatever their key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) : v));
}

/** changedFields lists the top-level fields whose values differ between two app definitions. */
export function changedFields(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => !IGNORED_IN_DIFF.has(k) && !RUNTIME_FIELDS.has(k) && stableJson(a[k]) !== stableJson(b[k])).sort();
}

/** canonicalAppId puts the leading slash on an id typed into the address bar. */
export function canonicalAppId(id: string): string {
  const trimmed = id.replace(/\/+$/, '');
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** appPath is the REST path of an app: `/v2/apps/prod/web` (ids are [a-z0-9.-] segments, safe in a URL). */
export function appPath(appId: string, suffix = ''): string {
  return `/v2/apps${canonicalAppId(appId)}${suffix}`;
}

/** mesosTaskName is the Mesos TaskInfo name Marathon gives an app's tasks: `/prod/web` → `web.prod`. */
export function mesosTaskName(appId: string): string {
  return canonicalAppId(appId).split('/').filter(Boolean).reverse().join('.');
}

/** PLAY_ERRORS explains the error keys Marathon's JSON reader reports (`error.pattern`, `error.path.missing`...). */
const PLAY_ERRORS: Record<string, string> = {
  'error.pattern': 'does not have the required form',
  'error.path.missing': 'is required',
  'error.expected.jsnumber': 'must be a number',
  'error.expected.jsstring': 'must be a string',
  'error.expected.jsboolean': 'must be true or false',
  'error.expected.jsarray': 'must be a list',
  'error.expected.jsobject': 'must be an object',
  'error.min': 'is too small',
  'error.max': 'is too large',
  'error.minLength': 'is too short',
  'error.maxLength': 'is too long',
};

/** explainError adds plain words to a terse validation error; ids get their rule spelled out. */
export function explainError(path: string, error: string): string | undefined {
  const words = Object.hasOwn(PLAY_ERRORS, error) ? PLAY_ERRORS[error] : undefined;
  if (path === '/id' && (error === 'error.pattern' || /regular expression|pattern/i.test(error))) {
    return 'an id is /-separated segments of lowercase letters, digits, "-" and "." (e.g. /team/web-1), not starting or ending with "-"';
  }
  return words;
}
