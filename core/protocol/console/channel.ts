import { z } from 'zod';

/**
 * The console's channel contract: one request/response + push-message protocol between the renderer and whatever
 * hosts the cluster connections (Electron's main process over IPC, or `plateau console` over a WebSocket). Both
 * ends validate every message with these schemas, so a compromised or buggy renderer can ask only for what the
 * contract allows, and the host answers only in shapes the renderer understands.
 */

/** CHANNEL_VERSION changes whenever a message shape changes incompatibly; the host refuses other versions. */
export const CHANNEL_VERSION = 1;

const name = z.string().min(1).max(200);
const httpUrl = z
  .string()
  .max(2000)
  .refine((s) => /^https?:\/\/[^\s/]+/.test(s), { message: 'expected an http:// or https:// URL' });

/** CredentialsSpec says how a connection authenticates: HTTP basic or a bearer token (DC/OS style). */
export const CredentialsSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('basic'), username: z.string().max(500), password: z.string().max(2000) }),
  z.object({ kind: z.literal('bearer'), token: z.string().min(1).max(8000) }),
]);
export type CredentialsSpec = z.infer<typeof CredentialsSpec>;

/**
 * ConnectionSpec describes a cluster to attach to: the embedded demo cluster started inside the console, or a
 * remote Plateau or Apache Mesos + Marathon cluster reached only through public APIs.
 */
export const ConnectionSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('embedded'), name: name.default('Demo cluster'), agents: z.number().int().min(1).max(16).default(3) }),
  z.object({
    kind: z.literal('remote'),
    name,
    /** masters are one or more master base URLs; the leader is found through `/master/redirect`. */
    masters: z.array(httpUrl).min(1).max(16),
    marathon: httpUrl.optional(),
    /** zk is a `zk://host:port,.../path` string, kept for the quorum view. */
    zk: z.string().max(2000).regex(/^zk:\/\//, 'expected zk://host:port[,host:port...]/path').optional(),
    credentials: CredentialsSpec.optional(),
    /** caPem is a PEM bundle trusted in addition to the system roots, for clusters with a private CA. */
    caPem: z.string().max(200_000).optional(),
  }),
]);
export type ConnectionSpec = z.infer<typeof ConnectionSpec>;
export type ConnectionSpecInput = z.input<typeof ConnectionSpec>;

/** ConnectionStatus is what the renderer shows for a connection: usable, (re)connecting, or failed. */
export type ConnectionStatus = 'starting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

/** ConnectionSummary is a connection as the renderer sees it: never its credentials. */
export interface ConnectionSummary {
  id: string;
  name: string;
  kind: 'embedded' | 'remote';
  status: ConnectionStatus;
  detail?: string;
  /** leader is the leading master's base URL once known. */
  leader?: string;
  masters: string[];
  marathon?: string;
  zk?: string;
  /** flavor is 'plateau' when the master serves Plateau's extensions (offers stream, container views). */
  flavor?: 'plateau' | 'mesos';
}

/** HttpTarget picks which component a proxied request goes to. */
export const HttpTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('master') }),
  z.object({ kind: z.literal('marathon') }),
  z.object({ kind: z.literal('agent'), agentId: z.string().min(1).max(200) }),
]);
export type HttpTarget = z.infer<typeof HttpTarget>;

/**
 * ALLOWED_PATHS lists, per target, the path prefixes the renderer may reach: the public read and operate APIs a
 * console needs and nothing else (no agent link, no scheduler API), so the host is not an open proxy.
 */
export const ALLOWED_PATHS: Record<HttpTarget['kind'], readonly string[]> = {
  master: ['/master/', '/api/v1', '/metrics/snapshot', '/files/', '/plateau/v1/', '/state', '/version', '/health'],
  marathon: ['/v2/', '/ping', '/metrics'],
  agent: ['/monitor/statistics', '/files/', '/state', '/slave(1)/', '/api/v1', '/metrics/snapshot', '/plateau/v1/containers', '/version'],
};

const FORBIDDEN_MASTER = ['/master/api/v1/scheduler', '/api/v1/scheduler', '/master/api/v1/plateau'];

/** isAllowedPath says whether `path` (with its query) may be proxied to `target`. */
export function isAllowedPath(target: HttpTarget['kind'], path: string): boolean {
  if (!path.startsWith('/') || path.startsWith('//') || /(^|\/)\.\.?(\/|$|\?)/.test(path.split('?')[0] ?? '')) return false;
  if (/[\s\\]/.test(path)) return false;
  const bare = path.split('?')[0] ?? '';
  if (target === 'master' && FORBIDDEN_MASTER.some((p) => bare.startsWith(p))) return false;
  return ALLOWED_PATHS[target].some((p) => bare.startsWith(p));
}

export const HttpRequest = z
  .object({
    connectionId: name,
    target: HttpTarget,
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
    path: z.string().min(1).max(4000),
    body: z.string().max(2_000_000).optional(),
    contentType: z.string().max(200).optional(),
    accept: z.string().max(200).optional(),
  })
  .refine((r) => isAllowedPath(r.target.kind, r.path), { message: 'path is not one the console may reach on this target', path: ['path'] });
export type HttpRequest = z.infer<typeof HttpRequest>;

/** HttpAnswer is a proxied response: its status, the headers a console reads, and the body as text. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * StreamKind names the live feeds a connection keeps open and re-opens after failures: the Mesos operator API's
 * SUBSCRIBE (RecordIO JSON), Marathon's `/v2/events` (SSE), and Plateau's offers stream (SSE, Plateau masters only).
 */
export const StreamKind = z.enum(['mesos-operator', 'marathon-events', 'plateau-offers']);
export type StreamKind = z.infer<typeof StreamKind>;

/** StreamState is a stream's lifecycle as the renderer shows it. */
export type StreamState =
  | { state: 'connecting' }
  | { state: 'open' }
  | { state: 'retrying'; inMs: number; error: string }
  | { state: 'unsupported'; error: string }
  | { state: 'closed' };

/** ConsoleRequest is every call the renderer can make; the host answers each with a `ConsoleResponse`. */
export const ConsoleRequest = z.discriminatedUnion('method', [
  z.object({ id: z.number().int().nonnegative(), method: z.literal('hello'), params: z.object({ version: z.number().int() }) }),
  z.object({ id: z.number().int().nonnegative(), method: z.literal('connections.list'), params: z.object({}).default({}) }),
  z.object({ id: z.number().int().nonnegative(), method: z.literal('connections.open'), params: z.object({ spec: ConnectionSpec }) }),
  z.object({ id: z.number().int().nonnegative(), method: z.literal('connections.close'), params: z.object({ connectionId: name }) }),
  z.object({ id: z.number().int().nonnegative(), method: z.literal('connections.reconnect'), params: z.object({ connectionId: name }) }),
  z.object({ id: z.number().int().nonnegative(), method: z.literal('http'), params: HttpRequest }),
  z.object({ id: z.number().int().nonnegative(), method: z.literal('stream.open'), params: z.object({ connectionId: name, stream: StreamKind }) }),
  z.object({ id: z.number().int().nonnegative(), method: z.literal('stream.close'), params: z.object({ streamId: name }) }),
]);
export type ConsoleRequest = z.infer<typeof ConsoleRequest>;
export type ConsoleRequestInput = z.input<typeof ConsoleRequest>;
export type ConsoleMethod = ConsoleRequest['method'];

/** ConsoleResults maps each method to what a successful call returns. */
export interface ConsoleResults {
  hello: { version: number; host: 'electron' | 'browser'; connections: ConnectionSummary[] };
  'connections.list': ConnectionSummary[];
  'connections.open': ConnectionSummary;
  'connections.close': null;
  'connections.reconnect': null;
  http: HttpAnswer;
  'stream.open': { streamId: string };
  'stream.close': null;
}

/** ConsoleError codes: INVALID (the request broke the contract), NOT_FOUND, UNAVAILABLE (network), INTERNAL. */
export interface ConsoleError {
  code: 'INVALID' | 'NOT_FOUND' | 'UNAVAILABLE' | 'INTERNAL';
  message: string;
}

/** ConsoleMessage is everything the host sends: call results and pushed updates. */
export type ConsoleMessage =
  | { kind: 'result'; id: number; ok: true; result: unknown }
  | { kind: 'result'; id: number; ok: false; error: ConsoleError }
  | { kind: 'stream'; streamId: string; data: unknown }
  | { kind: 'streamState'; streamId: string; status: StreamState }
  | { kind: 'connections'; connections: ConnectionSummary[] };

/** parseConsoleRequest validates an untrusted message, naming the first problem in the error. */
export function parseConsoleRequest(raw: unknown): { ok: true; request: ConsoleRequest } | { ok: false; id: number; message: string } {
  const parsed = ConsoleRequest.safeParse(raw);
  if (parsed.success) return { ok: true, request: parsed.data };
  const id = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'number' ? (raw as { id: number }).id : -1;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return { ok: false, id, message: `${where}${issue?.message ?? 'invalid request'}` };
}
