/**
 * Host port selection (`tasks/PortsMatcher.scala`): which of an offer's ports a task of the app takes. Fixed
 * host ports must be offered; dynamic ones (host port 0, or port definitions without `requirePorts`) are drawn
 * from a random point of the shuffled offered ranges and then consecutively, so tasks of different apps rarely
 * reuse a port a load balancer still points at, without fragmenting the ranges.
 */
import type { Rng } from '../common/rng.js';
import { shuffle } from '../common/rng.js';
import type { Resource } from '../common/resourceTypes.js';
import type { AppDefinition } from '../protocol/marathon/appDefinition.js';

/** PortWithRole is one chosen port and the offered resource it comes from (role, reservation, allocation). */
export interface PortWithRole {
  port: number;
  source: Resource;
}

/** PortsMatch is the outcome of port matching: the host port per port index and the `ports` resources to use. */
export interface PortsMatch {
  hostPorts: Array<number | undefined>;
  resources: Resource[];
}

interface PortRange {
  begin: number;
  end: number;
  source: Resource;
}

function rangesOf(resources: readonly Resource[]): PortRange[] {
  return resources.flatMap((r) => (r.ranges?.range ?? []).map((range) => ({ begin: Number(range.begin), end: Number(range.end), source: r })));
}

function* lazyRandomPorts(ranges: readonly PortRange[], rng: Rng): Generator<PortWithRole> {
  const total = ranges.reduce((n, r) => n + (r.end - r.begin + 1), 0);
  if (total === 0) return;
  const shuffled = shuffle(ranges, rng);
  const startIndex = Math.floor(rng.next() * total);
  let before = 0;
  let rangeIdx = 0;
  for (; rangeIdx < shuffled.length; rangeIdx++) {
    const size = (shuffled[rangeIdx] as PortRange).end - (shuffled[rangeIdx] as PortRange).begin + 1;
    if (before + size > startIndex) break;
    before += size;
  }
  const start = shuffled[rangeIdx] as PortRange;
  const offset = startIndex - before;
  for (let p = start.begin + offset; p <= start.end; p++) yield { port: p, source: start.source };
  for (const r of [...shuffled.slice(rangeIdx + 1), ...shuffled.slice(0, rangeIdx)]) for (let p = r.begin; p <= r.end; p++) yield { port: p, source: r.source };
  for (let p = start.begin; p < start.begin + offset; p++) yield { port: p, source: start.source };
}

function findPort(ranges: readonly PortRange[], port: number): PortWithRole | undefined {
  const r = ranges.find((x) => x.begin <= port && port <= x.end);
  return r === undefined ? undefined : { port, source: r.source };
}

function identity(r: Resource): string {
  return JSON.stringify([r.role ?? null, r.reservation ?? null, r.reservations ?? null, r.allocation_info ?? null]);
}

/**
 * portsResources turns chosen ports into `ports` resources (`PortWithRole.createPortsResources`): consecutive
 * ports from the same role and reservation share one resource, and adjacent numbers share one range, keeping
 * the ports' order.
 */
export function portsResources(ports: readonly PortWithRole[]): Resource[] {
  const out: Resource[] = [];
  let i = 0;
  while (i < ports.length) {
    const first = ports[i] as PortWithRole;
    const key = identity(first.source);
    const ranges: Array<{ begin: number; end: number }> = [];
    while (i < ports.length && identity((ports[i] as PortWithRole).source) === key) {
      const port = (ports[i] as PortWithRole).port;
      const last = ranges[ranges.length - 1];
      if (last !== undefined && last.end === port - 1) last.end = port;
      else ranges.push({ begin: port, end: port });
      i++;
    }
    const resource: Resource = { ...first.source, name: 'ports', type: 'RANGES', ranges: { range: ranges } };
    delete resource.scalar;
    delete resource.set;
    out.push(resource);
  }
  return out;
}

function take(requests: ReadonlyArray<() => PortWithRole | 'none' | undefined>): Array<PortWithRole | 'none'> | undefined {
  const out: Array<PortWithRole | 'none'> = [];
  for (const next of requests) {
    const p = next();
    if (p === undefined) return undefined;
    out.push(p);
  }
  return out;
}

function finish(chosen: Array<PortWithRole | 'none'> | undefined): PortsMatch | undefined {
  if (chosen === undefined) return undefined;
  const ports = chosen.filter((p): p is PortWithRole => p !== 'none');
  return { hostPorts: chosen.map((p) => (p === 'none' ? undefined : p.port)), resources: portsResources(ports) };
}

/**
 * matchPorts chooses the app's host ports from `offeredPorts` (the offer's `ports` resources the app may use),
 * or returns undefined when they do not suffice. With port mappings: each non-zero host port must be offered,
 * each 0 takes a random offered port (never one of the fixed ones), and a mapping without a host port takes
 * none. With port definitions: `requirePorts` takes exactly the defined ports, otherwise any ports, as many as
 * defined.
 */
export function matchPorts(app: Pick<AppDefinition, 'container' | 'portDefinitions' | 'requirePorts'>, offeredPorts: readonly Resource[], rng: Rng): PortsMatch | undefined {
  const ranges = rangesOf(offeredPorts);
  const mappings = app.container?.portMappings;
  const definitions = (app.portDefinitions ?? []).map((p) => p.port);
  if (mappings !== undefined && mappings.length > 0) {
    const fixed = new Set(mappings.map((m) => m.hostPort).filter((p): p is number => p !== undefined && p !== 0));
    let dynamic: Iterator<PortWithRole> | undefined;
    const nextDynamic = (): PortWithRole | undefined => {
      dynamic ??= (function* () {
        for (const p of lazyRandomPorts(ranges, rng)) if (!fixed.has(p.port)) yield p;
      })();
      const n = dynamic.next();
      return n.done === true ? undefined : n.value;
    };
    return finish(take(mappings.map((m) => () => (m.hostPort === undefined ? 'none' : m.hostPort === 0 ? nextDynamic() : findPort(ranges, m.hostPort)))));
  }
  if (definitions.length === 0) return { hostPorts: [], resources: [] };
  if (app.requirePorts) return finish(take(definitions.map((port) => () => findPort(ranges, port))));
  const random = lazyRandomPorts(ranges, rng);
  return finish(
    take(
      definitions.map(() => () => {
        const n = random.next();
        return n.done === true ? undefined : n.value;
      }),
    ),
  );
}
