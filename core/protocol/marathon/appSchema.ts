/**
 * The structural reading of an app body, as Marathon's RAML-generated readers do it before any normalisation
 * or validation: JSON types, number ranges, string patterns and array sizes from app.raml and the types it
 * uses. Deprecated fields are still accepted here; `appNormalization.ts` translates them. A failure becomes
 * `422 {"message":"Invalid JSON","details":[...]}` with Play's message keys.
 */
import { z } from 'zod';
import { invalidJson, type Normalized } from './errors.js';
import {
  anyPort,
  between,
  dropNulls,
  jsArray,
  jsBoolean,
  jsEnum,
  jsInt,
  jsLong,
  jsMap,
  jsNumber,
  jsObject,
  jsString,
  jsonErrorDetails,
  maxLength,
  min,
  minLength,
  opt,
  pattern,
} from './jsonReads.js';
import type { EnvVarValue, NetworkProtocol, ResourceLimit } from './appDefinition.js';

// String types of stringTypes.raml.
const LEGACY_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NETWORK_NAME = /^[a-z0-9]([-a-z0-9_]*[a-z0-9])?$/;
const RAML_PATH_ID = /^(?:\/?(?:\.\.|(?:(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])\.)*(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9]))?(?:$|\/))+$/;
const EXECUTOR = /^(?:(?:\/\/cmd)|(?:\/?[^/]+(?:\/[^/]+)*)|)$/;

const pathIdString = (): z.ZodString => minLength(pattern(jsString(), RAML_PATH_ID), 1);
const legacyName = (): z.ZodString => minLength(pattern(jsString(), LEGACY_NAME), 1);
const name = (): z.ZodString => maxLength(legacyName(), 63);
const networkName = (): z.ZodString => maxLength(minLength(pattern(jsString(), NETWORK_NAME), 1), 63);
const uri = (): z.ZodString => maxLength(minLength(jsString(), 1), 1024);
const protocol = () => jsEnum(['tcp', 'udp', 'udp,tcp']);
const labels = () => jsMap(jsString());
const nonNegativeInt = (): z.ZodNumber => min(jsInt(), 0);

/**
 * dispatch reads a union the way the generated readers do: pick the variant from the input's JSON type, read
 * with it, and report that variant's errors at their own paths.
 */
function dispatch<T>(choose: (input: unknown) => z.ZodType): z.ZodType<T> {
  return z.unknown().transform((input, ctx) => {
    const result = choose(input).safeParse(input);
    if (result.success) return result.data as T;
    for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path as Array<string | number> });
    return z.NEVER;
  }) as unknown as z.ZodType<T>;
}

const portMappingSchema = jsObject({
  containerPort: opt(anyPort()),
  hostPort: opt(anyPort()),
  labels: opt(labels()),
  name: opt(legacyName()),
  protocol: opt(protocol()),
  servicePort: opt(anyPort()),
  networkNames: opt(jsArray(name())),
});

const dockerSchema = jsObject({
  credential: opt(jsObject({ principal: jsString(), secret: opt(jsString()) })),
  pullConfig: opt(jsObject({ secret: minLength(jsString(), 1) })),
  forcePullImage: opt(jsBoolean()),
  image: minLength(jsString(), 1),
  network: opt(jsEnum(['BRIDGE', 'HOST', 'NONE', 'USER'])),
  parameters: opt(jsArray(jsObject({ key: minLength(jsString(), 1), value: jsString() }))),
  portMappings: opt(jsArray(portMappingSchema)),
  privileged: opt(jsBoolean()),
});

const readMode = () => jsEnum(['RO', 'RW']);
const hostVolume = jsObject({ containerPath: minLength(jsString(), 1), hostPath: minLength(jsString(), 1), mode: readMode() });
const persistentVolume = jsObject({
  containerPath: minLength(jsString(), 1),
  persistent: jsObject({
    type: opt(jsEnum(['root', 'path', 'mount'])),
    size: min(jsLong(), 0),
    maxSize: opt(min(jsLong(), 0)),
    profileName: opt(jsString()),
    constraints: opt(jsArray(jsArray(jsString()))),
  }),
  mode: opt(readMode()),
});
const externalVolume = jsObject({ containerPath: minLength(jsString(), 1), external: jsMap(z.unknown()), mode: opt(readMode()) });
const secretVolume = jsObject({ containerPath: minLength(jsString(), 1), secret: jsString() });
const volumeSchema = dispatch((input) => {
  const v = (input ?? {}) as Record<string, unknown>;
  if (typeof input !== 'object' || input === null) return jsObject({});
  if ('persistent' in v) return persistentVolume;
  if ('external' in v) return externalVolume;
  if ('secret' in v) return secretVolume;
  return hostVolume;
});

const containerSchema = jsObject({
  type: opt(jsEnum(['MESOS', 'DOCKER'])),
  docker: opt(dockerSchema),
  linuxInfo: opt(jsMap(z.unknown())),
  volumes: opt(jsArray(volumeSchema)),
  portMappings: opt(jsArray(portMappingSchema)),
});

const healthCheckSchema = jsObject({
  command: opt(jsObject({ value: jsString() })),
  gracePeriodSeconds: opt(nonNegativeInt()),
  ignoreHttp1xx: opt(jsBoolean()),
  intervalSeconds: opt(nonNegativeInt()),
  maxConsecutiveFailures: opt(nonNegativeInt()),
  path: opt(jsString()),
  port: opt(anyPort()),
  portIndex: opt(anyPort()),
  protocol: opt(jsEnum(['HTTP', 'HTTPS', 'TCP', 'COMMAND', 'MESOS_TCP', 'MESOS_HTTP', 'MESOS_HTTPS'])),
  ipProtocol: opt(jsEnum(['IPv4', 'IPv6'])),
  timeoutSeconds: opt(jsInt()),
  delaySeconds: opt(nonNegativeInt()),
});

const checkSchema = jsObject({
  http: opt(jsObject({ portIndex: opt(anyPort()), port: opt(anyPort()), path: opt(uri()), scheme: opt(jsEnum(['HTTP', 'HTTPS'])) })),
  tcp: opt(jsObject({ portIndex: opt(anyPort()), port: opt(anyPort()) })),
  exec: opt(jsObject({ command: jsMap(z.unknown()) })),
  intervalSeconds: opt(nonNegativeInt()),
  timeoutSeconds: opt(nonNegativeInt()),
  delaySeconds: opt(nonNegativeInt()),
});

const readinessSchema = jsObject({
  name: opt(minLength(jsString(), 1)),
  protocol: opt(jsEnum(['HTTP', 'HTTPS'])),
  path: opt(uri()),
  portName: opt(legacyName()),
  intervalSeconds: opt(nonNegativeInt()),
  timeoutSeconds: opt(min(jsInt(), 1)),
  httpStatusCodesForReady: opt(jsArray(between(jsInt(), 100, 999)).min(1, { error: 'error.minLength' })),
  preserveLastResponse: opt(jsBoolean()),
});

const networkSchema = jsObject({ name: opt(networkName()), mode: opt(jsEnum(['container', 'container/bridge', 'host'])), labels: opt(labels()) });

const ipAddressSchema = jsObject({
  discovery: opt(jsObject({ ports: opt(jsArray(jsObject({ number: opt(anyPort()), name: legacyName(), protocol: opt(protocol()), labels: opt(labels()) }))) })),
  groups: opt(jsArray(jsString())),
  labels: opt(labels()),
  networkName: opt(minLength(jsString(), 1)),
});

const envValue = dispatch<EnvVarValue>((input) => (typeof input === 'object' && input !== null ? jsObject({ secret: jsString() }) : jsString()));
const resourceLimit = dispatch<ResourceLimit>((input) => (typeof input === 'string' ? jsString() : jsNumber()));
const unreachableSchema = dispatch((input) =>
  typeof input === 'string' ? jsEnum(['disabled']) : jsObject({ inactiveAfterSeconds: opt(min(jsLong(), 0)), expungeAfterSeconds: opt(min(jsLong(), 0)) }),
);

/** appFields are the fields of app.raml's `App` in declaration order (the order Marathon reports errors in). */
const appFields = {
  id: pathIdString(),
  acceptedResourceRoles: opt(jsArray(jsString())),
  args: opt(jsArray(jsString())),
  backoffFactor: opt(min(jsNumber(), 1.0)),
  backoffSeconds: opt(nonNegativeInt()),
  cmd: opt(minLength(jsString(), 1)),
  constraints: opt(jsArray(jsArray(jsString()).min(2, { error: 'error.minLength' }).max(3, { error: 'error.maxLength' }))),
  container: opt(containerSchema),
  cpus: opt(min(jsNumber(), 0.001)),
  dependencies: opt(jsArray(pathIdString())),
  disk: opt(min(jsNumber(), 0)),
  env: opt(jsMap(envValue)),
  executor: opt(pattern(jsString(), EXECUTOR)),
  executorResources: opt(jsObject({ cpus: opt(min(jsNumber(), 0.1)), mem: opt(min(jsNumber(), 32)), disk: opt(min(jsNumber(), 10)) })),
  fetch: opt(
    jsArray(jsObject({ uri: uri(), extract: opt(jsBoolean()), executable: opt(jsBoolean()), cache: opt(jsBoolean()), destPath: opt(uri()) })),
  ),
  healthChecks: opt(jsArray(healthCheckSchema)),
  check: opt(checkSchema),
  instances: opt(nonNegativeInt()),
  labels: opt(labels()),
  maxLaunchDelaySeconds: opt(nonNegativeInt()),
  mem: opt(min(jsNumber(), 0)),
  gpus: opt(nonNegativeInt()),
  ipAddress: opt(ipAddressSchema),
  networks: opt(jsArray(networkSchema)),
  ports: opt(jsArray(anyPort())),
  portDefinitions: opt(jsArray(jsObject({ port: opt(anyPort()), labels: opt(labels()), name: opt(legacyName()), protocol: opt(protocol()) }))),
  readinessChecks: opt(jsArray(readinessSchema)),
  residency: opt(jsObject({ relaunchEscalationTimeoutSeconds: opt(min(jsLong(), 0)), taskLostBehavior: opt(jsEnum(['WAIT_FOREVER', 'RELAUNCH_AFTER_TIMEOUT'])) })),
  resourceLimits: opt(jsObject({ cpus: opt(resourceLimit), mem: opt(resourceLimit) })),
  requirePorts: opt(jsBoolean()),
  secrets: opt(jsMap(jsObject({ source: jsString() }))),
  taskKillGracePeriodSeconds: opt(nonNegativeInt()),
  upgradeStrategy: opt(jsObject({ maximumOverCapacity: between(jsNumber(), 0, 1), minimumHealthCapacity: between(jsNumber(), 0, 1) })),
  uris: opt(jsArray(uri())),
  user: opt(jsString()),
  version: opt(jsString()),
  versionInfo: opt(jsObject({ lastScalingAt: jsString(), lastConfigChangeAt: jsString() })),
  killSelection: opt(jsEnum(['YOUNGEST_FIRST', 'OLDEST_FIRST'])),
  unreachableStrategy: opt(unreachableSchema),
  tty: opt(jsBoolean()),
  role: opt(minLength(jsString(), 1)),
};

/** appSchema reads a whole app (`POST /v2/apps`, apps inside group bodies): `id` is required. */
export const appSchema = jsObject(appFields);

/** appUpdateSchema reads an app update (`PUT`/`PATCH /v2/apps/{id}`): every field is optional, `id` included. */
export const appUpdateSchema = jsObject({ ...appFields, id: opt(pathIdString()) });

/** RamlPortMapping is a port mapping as read, before defaults. */
export interface RamlPortMapping {
  containerPort?: number;
  hostPort?: number;
  labels?: Record<string, string>;
  name?: string;
  protocol?: NetworkProtocol;
  servicePort?: number;
  networkNames?: string[];
}

/** RamlDocker is `container.docker` as read, with its deprecated `network` and `portMappings`. */
export interface RamlDocker {
  credential?: { principal: string; secret?: string };
  pullConfig?: { secret: string };
  forcePullImage?: boolean;
  image: string;
  network?: 'BRIDGE' | 'HOST' | 'NONE' | 'USER';
  parameters?: Array<{ key: string; value: string }>;
  portMappings?: RamlPortMapping[];
  privileged?: boolean;
}

/** RamlContainer is `container` as read. */
export interface RamlContainer {
  type?: 'MESOS' | 'DOCKER';
  docker?: RamlDocker;
  linuxInfo?: Record<string, unknown>;
  volumes?: Array<Record<string, unknown>>;
  portMappings?: RamlPortMapping[];
}

/** RamlHealthCheck is a health check as read, before defaults. */
export interface RamlHealthCheck {
  command?: { value: string };
  gracePeriodSeconds?: number;
  ignoreHttp1xx?: boolean;
  intervalSeconds?: number;
  maxConsecutiveFailures?: number;
  path?: string;
  port?: number;
  portIndex?: number;
  protocol?: 'HTTP' | 'HTTPS' | 'TCP' | 'COMMAND' | 'MESOS_TCP' | 'MESOS_HTTP' | 'MESOS_HTTPS';
  ipProtocol?: 'IPv4' | 'IPv6';
  timeoutSeconds?: number;
  delaySeconds?: number;
}

/** RamlNetwork is a network as read. */
export interface RamlNetwork {
  name?: string;
  mode?: 'container' | 'container/bridge' | 'host';
  labels?: Record<string, string>;
}

/** RamlIpAddress is the deprecated `ipAddress` field. */
export interface RamlIpAddress {
  discovery?: { ports?: Array<{ number?: number; name: string; protocol?: NetworkProtocol; labels?: Record<string, string> }> };
  groups?: string[];
  labels?: Record<string, string>;
  networkName?: string;
}

/** RamlReadinessCheck is a readiness check as read, before defaults. */
export interface RamlReadinessCheck {
  name?: string;
  protocol?: 'HTTP' | 'HTTPS';
  path?: string;
  portName?: string;
  intervalSeconds?: number;
  timeoutSeconds?: number;
  httpStatusCodesForReady?: number[];
  preserveLastResponse?: boolean;
}

/**
 * RamlApp is an app body as read: every field optional except `id` (absent in updates), deprecated fields
 * included, no defaults yet.
 */
export interface RamlApp {
  id?: string;
  acceptedResourceRoles?: string[];
  args?: string[];
  backoffFactor?: number;
  backoffSeconds?: number;
  cmd?: string;
  constraints?: string[][];
  container?: RamlContainer;
  cpus?: number;
  dependencies?: string[];
  disk?: number;
  env?: Record<string, EnvVarValue>;
  executor?: string;
  executorResources?: { cpus?: number; mem?: number; disk?: number };
  fetch?: Array<{ uri: string; extract?: boolean; executable?: boolean; cache?: boolean; destPath?: string }>;
  healthChecks?: RamlHealthCheck[];
  check?: { http?: { portIndex?: number; port?: number; path?: string; scheme?: 'HTTP' | 'HTTPS' }; tcp?: { portIndex?: number; port?: number }; exec?: { command: Record<string, unknown> }; intervalSeconds?: number; timeoutSeconds?: number; delaySeconds?: number };
  instances?: number;
  labels?: Record<string, string>;
  maxLaunchDelaySeconds?: number;
  mem?: number;
  gpus?: number;
  ipAddress?: RamlIpAddress;
  networks?: RamlNetwork[];
  ports?: number[];
  portDefinitions?: Array<{ port?: number; labels?: Record<string, string>; name?: string; protocol?: NetworkProtocol }>;
  readinessChecks?: RamlReadinessCheck[];
  residency?: { relaunchEscalationTimeoutSeconds?: number; taskLostBehavior?: 'WAIT_FOREVER' | 'RELAUNCH_AFTER_TIMEOUT' };
  resourceLimits?: { cpus?: ResourceLimit; mem?: ResourceLimit };
  requirePorts?: boolean;
  secrets?: Record<string, { source: string }>;
  taskKillGracePeriodSeconds?: number;
  upgradeStrategy?: { maximumOverCapacity: number; minimumHealthCapacity: number };
  uris?: string[];
  user?: string;
  version?: string;
  versionInfo?: { lastScalingAt: string; lastConfigChangeAt: string };
  killSelection?: 'YOUNGEST_FIRST' | 'OLDEST_FIRST';
  unreachableStrategy?: 'disabled' | { inactiveAfterSeconds?: number; expungeAfterSeconds?: number };
  tty?: boolean;
  role?: string;
}

/**
 * readApp reads `raw` (decoded JSON) as an app (`update` false: `id` required) or an app update, returning the
 * body without nulls or Marathon's 422 "Invalid JSON" answer. `pathPrefix` places errors of an app nested in a
 * group body (`/apps(0)`).
 */
export function readApp(raw: unknown, options: { update?: boolean; pathPrefix?: string } = {}): Normalized<RamlApp> {
  const schema = options.update === true ? appUpdateSchema : appSchema;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, rejection: invalidJson(jsonErrorDetails(parsed.error.issues, options.pathPrefix ?? '')) };
  return { ok: true, value: dropNulls(parsed.data) as RamlApp };
}
