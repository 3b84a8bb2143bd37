/**
 * appJson writes a stored app the way Marathon's generated RAML writers print it: fields in app.raml's order,
 * optional fields left out when unset, and the `omitEmpty` fields (`args`, `constraints`, `dependencies`,
 * `env`, `fetch`, `healthChecks`, `readinessChecks`, `secrets`, network and port-mapping `networkNames` and
 * network `labels`) left out when empty, so clients that compare field sets see what Marathon sends.
 */
import type { AppDefinition, Container, PortMapping } from './appDefinition.js';

type Json = Record<string, unknown>;

function put(out: Json, key: string, value: unknown): void {
  if (value !== undefined) out[key] = value;
}

function nonEmptyArray<T>(value: readonly T[] | undefined): readonly T[] | undefined {
  return value !== undefined && value.length > 0 ? value : undefined;
}

function nonEmptyObject(value: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  return value !== undefined && Object.keys(value).length > 0 ? value : undefined;
}

function portMappingJson(m: PortMapping): Json {
  const out: Json = {};
  put(out, 'containerPort', m.containerPort);
  put(out, 'hostPort', m.hostPort);
  put(out, 'labels', m.labels);
  put(out, 'name', m.name);
  put(out, 'protocol', m.protocol);
  put(out, 'servicePort', m.servicePort);
  put(out, 'networkNames', nonEmptyArray(m.networkNames));
  return out;
}

/** containerJson writes `container` in the field order of appContainer.raml. */
export function containerJson(c: Container): Json {
  const out: Json = { type: c.type };
  if (c.docker !== undefined) {
    const d: Json = {};
    put(d, 'credential', c.docker.credential);
    put(d, 'pullConfig', c.docker.pullConfig);
    put(d, 'forcePullImage', c.docker.forcePullImage);
    put(d, 'image', c.docker.image);
    put(d, 'parameters', c.docker.parameters);
    put(d, 'privileged', c.docker.privileged);
    out.docker = d;
  }
  put(out, 'linuxInfo', c.linuxInfo);
  out.volumes = c.volumes;
  put(out, 'portMappings', c.portMappings?.map(portMappingJson));
  return out;
}

/** appJson writes a stored app as `GET /v2/apps/{id}` prints it (before the AppInfo counters). */
export function appJson(app: AppDefinition): Json {
  const out: Json = { id: app.id };
  put(out, 'acceptedResourceRoles', nonEmptyArray(app.acceptedResourceRoles));
  put(out, 'args', nonEmptyArray(app.args));
  put(out, 'backoffFactor', app.backoffFactor);
  put(out, 'backoffSeconds', app.backoffSeconds);
  put(out, 'cmd', app.cmd);
  put(out, 'constraints', nonEmptyArray(app.constraints));
  put(out, 'container', app.container === undefined ? undefined : containerJson(app.container));
  put(out, 'cpus', app.cpus);
  put(out, 'dependencies', nonEmptyArray(app.dependencies));
  put(out, 'disk', app.disk);
  put(out, 'env', nonEmptyObject(app.env));
  put(out, 'executor', app.executor);
  put(out, 'executorResources', app.executorResources);
  put(out, 'fetch', nonEmptyArray(app.fetch));
  put(out, 'healthChecks', nonEmptyArray(app.healthChecks));
  put(out, 'check', app.check);
  put(out, 'instances', app.instances);
  put(out, 'labels', app.labels);
  put(out, 'maxLaunchDelaySeconds', app.maxLaunchDelaySeconds);
  put(out, 'mem', app.mem);
  put(out, 'gpus', app.gpus);
  put(
    out,
    'networks',
    app.networks.map((n) => {
      const net: Json = {};
      put(net, 'name', n.name);
      net.mode = n.mode;
      put(net, 'labels', nonEmptyObject(n.labels));
      return net;
    }),
  );
  put(
    out,
    'portDefinitions',
    app.portDefinitions?.map((p) => {
      const def: Json = { port: p.port };
      put(def, 'labels', nonEmptyObject(p.labels));
      put(def, 'name', p.name);
      def.protocol = p.protocol;
      return def;
    }),
  );
  put(out, 'readinessChecks', nonEmptyArray(app.readinessChecks));
  put(out, 'residency', app.residency);
  put(out, 'resourceLimits', app.resourceLimits);
  put(out, 'requirePorts', app.requirePorts);
  put(out, 'secrets', nonEmptyObject(app.secrets));
  put(out, 'taskKillGracePeriodSeconds', app.taskKillGracePeriodSeconds);
  put(out, 'upgradeStrategy', app.upgradeStrategy);
  put(out, 'user', app.user);
  put(out, 'version', app.version);
  put(out, 'versionInfo', app.versionInfo);
  put(out, 'killSelection', app.killSelection);
  put(out, 'unreachableStrategy', app.unreachableStrategy);
  put(out, 'tty', app.tty);
  put(out, 'role', app.role);
  return out;
}
