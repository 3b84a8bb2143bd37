/**
 * Marathon's app normalisation (`api/v2/AppNormalization.scala`): translating the deprecated API (`ports`,
 * `uris`, `ipAddress`, `container.docker.network`, `container.docker.portMappings`) into the canonical one,
 * filling the role before validation, and the network-dependent defaults after it. Functions here return new
 * objects; `NormalizationError` carries the messages Marathon throws (which it answers with HTTP 500).
 */
import type { ResolvedConfig } from './appConfig.js';
import type { RamlApp, RamlContainer, RamlHealthCheck, RamlNetwork, RamlPortMapping } from './appSchema.js';

/** NormalizationError is Marathon's `NormalizationException`: a combination of fields it cannot translate. */
export class NormalizationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NormalizationError';
  }
}

const EXTRACTABLE = ['.tar', '.tar.gz', '.tar.bz2', '.tar.xz', '.gz', '.tgz', '.tbz2', '.txz', '.zip'];

/** isExtract says whether the fetcher should unpack `uri` (`FetchUri.isExtract`: by the path's file extension). */
export function isExtract(uri: string): boolean {
  const path = uri.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/]*/, '').replace(/[?#].*$/, '');
  return EXTRACTABLE.some((ext) => path.endsWith(ext));
}

function translateFetch(app: RamlApp): RamlApp['fetch'] {
  const uris = app.uris;
  if (uris !== undefined && uris.length > 0) {
    if (app.fetch !== undefined && app.fetch.length > 0) throw new NormalizationError('cannot specify both uris and fetch fields');
    return uris.map((uri) => ({ uri, extract: isExtract(uri) }));
  }
  return app.fetch;
}

/** translateNetworks is `NetworkTranslation`: legacy `ipAddress` and `docker.network` to `networks`. */
function translateNetworks(app: RamlApp, config: ResolvedConfig): RamlNetwork[] | undefined {
  const ip = app.ipAddress;
  const dockerNetwork = app.container?.docker?.network;
  const networks = app.networks !== undefined && app.networks.length > 0 ? app.networks : undefined;
  const labels = ip?.labels !== undefined ? { labels: ip.labels } : {};
  if (ip !== undefined && dockerNetwork !== undefined && networks === undefined) {
    switch (dockerNetwork) {
      case 'HOST':
        return [{ mode: 'host' }];
      case 'USER':
        return [{ mode: 'container', ...(ip.networkName !== undefined ? { name: ip.networkName } : {}), ...labels }];
      case 'BRIDGE':
        return [{ mode: 'container/bridge', ...labels }];
      default:
        throw new NormalizationError(`unsupported docker network type ${dockerNetwork}`);
    }
  }
  if (ip !== undefined && dockerNetwork === undefined && networks === undefined) {
    if (ip.networkName === config.mesosBridgeName) return [{ mode: 'container/bridge', ...labels }];
    return [{ mode: 'container', ...(ip.networkName !== undefined ? { name: ip.networkName } : {}), ...labels }];
  }
  if (ip === undefined && dockerNetwork !== undefined && networks === undefined) {
    switch (dockerNetwork) {
      case 'HOST':
        return [{ mode: 'host' }];
      case 'USER':
        return [{ mode: 'container' }];
      case 'BRIDGE':
        return [{ mode: 'container/bridge' }];
      default:
        throw new NormalizationError(`unsupported docker network type ${dockerNetwork}`);
    }
  }
  if (ip === undefined && dockerNetwork === undefined) return networks;
  throw new NormalizationError('cannot mix deprecated and canonical network APIs');
}

/** migrateDockerPortMappings moves `container.docker.portMappings` to `container.portMappings`. */
function migrateDockerPortMappings(c: RamlContainer): RamlContainer {
  const dockerMappings = c.docker?.portMappings;
  if (dockerMappings === undefined || c.docker === undefined) return c;
  const own = c.portMappings !== undefined && c.portMappings.length > 0;
  if (own && dockerMappings.length > 0) throw new NormalizationError('cannot specify both portMappings and docker.portMappings');
  return { ...c, docker: omit(c.docker, 'portMappings'), portMappings: own ? c.portMappings : dockerMappings };
}

/** migrateIpDiscovery turns `ipAddress.discovery.ports` of a MESOS container into port mappings without host ports. */
function migrateIpDiscovery(c: RamlContainer, app: RamlApp): RamlContainer {
  const ports = app.ipAddress?.discovery?.ports ?? [];
  if (ports.length === 0) return c;
  const type = c.type ?? 'DOCKER';
  if (type !== 'MESOS') throw new NormalizationError(`ipAddress.discovery.ports do not apply for container type ${type}`);
  if (c.portMappings !== undefined && c.portMappings.length > 0) {
    throw new NormalizationError('container.portMappings and ipAddress.discovery.ports must not both be set');
  }
  const portMappings: RamlPortMapping[] = ports.map((p) => ({
    containerPort: p.number ?? 0,
    name: p.name,
    protocol: p.protocol ?? 'tcp',
    ...(p.labels !== undefined ? { labels: p.labels } : {}),
  }));
  return { ...c, portMappings };
}

function dropDockerNetwork(c: RamlContainer): RamlContainer {
  if (c.docker?.network === undefined) return c;
  return { ...c, docker: omit(c.docker, 'network') };
}

const isHost = (n: RamlNetwork): boolean => n.mode === 'host';

/** DEFAULT_PORT_MAPPING is the mapping an app on a non-host network gets when it declares none. */
const DEFAULT_PORT_MAPPING: RamlPortMapping = { name: 'default' };

/**
 * normalizeDeprecated is `AppNormalization.forDeprecated`: the id made absolute, deprecated fields translated,
 * port definitions and port mappings defaulted according to the networks, and the health checks' default
 * `portIndex` of 0 added when the app declares ports.
 */
export function normalizeDeprecated(app: RamlApp, config: ResolvedConfig): RamlApp {
  const fetch = translateFetch(app);
  const networks = translateNetworks(app, config) ?? [];
  const migratedPortDefinitions = app.portDefinitions ?? app.ports?.map((port) => ({ port }));
  const nonHost = networks.some((n) => !isHost(n));
  const portDefinitions = nonHost ? undefined : (migratedPortDefinitions ?? [{ name: 'default' }]);
  let container = app.container ?? (app.ipAddress !== undefined ? ({ type: 'MESOS' } as RamlContainer) : undefined);
  if (container !== undefined) {
    // The order matters, as in Marathon: migrate, drop the docker network, drop or default the mappings, pad them.
    container = dropDockerNetwork(migrateIpDiscovery(migrateDockerPortMappings(container), app));
    if (networks.length === 0 || networks.some(isHost)) container = { ...container, portMappings: undefined };
    else if (container.portMappings === undefined) container = { ...container, portMappings: [DEFAULT_PORT_MAPPING] };
    if (nonHost) {
      const delta = (migratedPortDefinitions?.length ?? 0) - (container.portMappings?.length ?? 0);
      if (delta > 0) container = { ...container, portMappings: [...(container.portMappings ?? []), ...Array.from({ length: delta }, () => ({}))] };
    }
    if (container.portMappings === undefined) container = omit(container, 'portMappings');
  }
  // As in Marathon, mappings count when present at all (an Option), definitions only when non-empty.
  const declaresPorts = (app.portDefinitions ?? []).length > 0 || container?.portMappings !== undefined;
  const healthChecks = declaresPorts ? app.healthChecks?.map(defaultHealthCheckPortIndex) : app.healthChecks;
  const residency = container?.volumes?.some((v) => 'persistent' in v) === true ? (app.residency ?? {}) : app.residency;
  return strip({
    ...omit(app, 'uris', 'ipAddress', 'ports'),
    fetch,
    networks,
    container,
    portDefinitions,
    healthChecks,
    residency,
    readinessChecks: app.readinessChecks?.map((rc) => ({ ...rc, httpStatusCodesForReady: rc.httpStatusCodesForReady ?? [200] })),
  });
}

/** defaultHealthCheckPortIndex adds `portIndex: 0` to a non-command check that names neither port nor index. */
export function defaultHealthCheckPortIndex(hc: RamlHealthCheck): RamlHealthCheck {
  if ((hc.protocol ?? 'HTTP') === 'COMMAND') return hc;
  return hc.port === undefined && hc.portIndex === undefined ? { ...hc, portIndex: 0 } : hc;
}

/**
 * normalizeDeprecatedUpdate is `forDeprecatedUpdates`: the same translations for an update, without defaults
 * (they are computed once the update has been applied to the app).
 */
export function normalizeDeprecatedUpdate(update: RamlApp, config: ResolvedConfig): RamlApp {
  const fetch = translateFetch(update);
  const networks = translateNetworks(update, config);
  let container = update.container ?? (update.ipAddress !== undefined ? ({ type: 'MESOS' } as RamlContainer) : undefined);
  if (container !== undefined) container = dropDockerNetwork(migrateIpDiscovery(migrateDockerPortMappings(container), update));
  const portDefinitions = update.portDefinitions ?? update.ports?.map((port) => ({ port }));
  return strip({
    ...omit(update, 'uris', 'ipAddress', 'ports'),
    fetch,
    networks,
    container,
    portDefinitions,
    healthChecks: update.healthChecks?.map(defaultHealthCheckPortIndex),
    readinessChecks: update.readinessChecks?.map((rc) => ({ ...rc, httpStatusCodesForReady: rc.httpStatusCodesForReady ?? [200] })),
  });
}

/** normalizePreValidation is `forPreValidation`: an app without a role gets the default role. */
export function normalizePreValidation(app: RamlApp, config: ResolvedConfig): RamlApp {
  return { ...app, role: app.role ?? config.defaultRole };
}

/**
 * normalizePostValidation is `forPostValidation`: host networking when no network is given, default container
 * network names, a Mesos container for non-host networks without one, host port 0 for bridge mappings without
 * one, the docker network field cleared, the default unreachable strategy, and `requirePorts` only for host
 * networking.
 */
export function normalizePostValidation(app: RamlApp, config: ResolvedConfig): RamlApp {
  const given = (app.networks ?? []).map((n) => (n.name === undefined && (n.mode ?? 'container') === 'container' && config.defaultNetworkName !== undefined ? { ...n, name: config.defaultNetworkName } : n));
  const networks: RamlNetwork[] = given.length > 0 ? given : [{ mode: 'host' }];
  if (networks.some((n) => (n.mode ?? 'container') === 'container' && n.name === undefined)) {
    throw new NormalizationError('container network name is not defined');
  }
  const bridged = networks.some((n) => n.mode === 'container/bridge');
  const nonHost = networks.some((n) => n.mode !== 'host');
  let container = app.container ?? (nonHost ? ({ type: 'MESOS', portMappings: [DEFAULT_PORT_MAPPING] } as RamlContainer) : undefined);
  if (container !== undefined) {
    container = dropDockerNetwork(container);
    if (bridged && container.portMappings !== undefined) {
      container = { ...container, portMappings: container.portMappings.map((m) => (m.hostPort === undefined ? { ...m, hostPort: 0 } : m)) };
    }
  }
  const resident = container?.volumes?.some((v) => 'persistent' in v) === true;
  const unreachableStrategy = app.unreachableStrategy ?? (resident ? 'disabled' : {});
  return strip({ ...app, networks, container, unreachableStrategy, requirePorts: nonHost ? false : app.requirePorts });
}

/** omit returns a copy of `value` without `keys`. */
export function omit<T extends object, K extends keyof T>(value: T, ...keys: K[]): Omit<T, K> {
  const out = { ...value } as Record<string, unknown>;
  for (const k of keys) delete out[k as string];
  return out as Omit<T, K>;
}

/** strip removes keys whose value is `undefined`, so "absent" has one representation. */
export function strip<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as T;
}
