// Builders shared by the Marathon unit tests: apps go through the real normalisation, offers are v1 JSON.
import assert from 'node:assert/strict';
import type { Attribute, Resource } from '../../../core/common/resourceTypes.js';
import type { AppDefinition } from '../../../core/protocol/marathon/appDefinition.js';
import { normalizeApp } from '../../../core/protocol/marathon/normalizeApp.js';
import type { Offer } from '../../../core/protocol/mesos/v1.js';
import type { InstanceView } from '../../../core/marathon/instance.js';

/** NOW is the fixed request time of the tests (2023-11-14T22:13:20.000Z). */
export const NOW = 1_700_000_000_000;

/** app normalises a body as `POST /v2/apps` would and fails the test if Marathon would reject it. */
export function app(body: Record<string, unknown>): AppDefinition {
  const result = normalizeApp(body, { now: NOW });
  if (!result.ok) assert.fail(`expected ${JSON.stringify(body)} to be valid, got ${JSON.stringify(result.rejection)}`);
  return result.value;
}

/** rejection normalises a body that must be rejected and returns Marathon's status and body. */
export function rejection(body: unknown): { status: number; body: unknown } {
  const result = normalizeApp(body, { now: NOW });
  if (result.ok) assert.fail(`expected ${JSON.stringify(body)} to be rejected, got ${JSON.stringify(result.value)}`);
  return result.rejection;
}

/** scalar builds an unreserved scalar resource (with a role for reserved ones). */
export function scalar(name: string, value: number, role?: string): Resource {
  return role === undefined ? { name, type: 'SCALAR', scalar: { value } } : { name, type: 'SCALAR', scalar: { value }, role };
}

/** ports builds a `ports` resource from `[begin, end]` pairs. */
export function ports(ranges: Array<[number, number]>, role?: string): Resource {
  const r: Resource = { name: 'ports', type: 'RANGES', ranges: { range: ranges.map(([begin, end]) => ({ begin, end })) } };
  return role === undefined ? r : { ...r, role };
}

/** text builds a TEXT attribute. */
export function text(name: string, value: string): Attribute {
  return { name, type: 'TEXT', text: { value } };
}

/** offer builds an offer from one agent with the usual resources unless others are given. */
export function offer(hostname: string, options: { resources?: Resource[]; attributes?: Attribute[]; agentId?: string } = {}): Offer {
  return {
    id: { value: `offer-${hostname}` },
    framework_id: { value: 'marathon' },
    agent_id: { value: options.agentId ?? `agent-${hostname}` },
    hostname,
    resources: options.resources ?? [scalar('cpus', 4), scalar('mem', 4096), scalar('disk', 10000), ports([[31000, 32000]])],
    attributes: options.attributes ?? [],
  };
}

/** instance builds a running instance of `appDef` on `hostname`. */
export function instance(appDef: AppDefinition, id: string, hostname: string, extra: Partial<InstanceView> = {}): InstanceView {
  return { instanceId: id, appId: appDef.id, runSpecVersion: appDef.version, condition: 'Running', goal: 'Running', hostname, agentId: `agent-${hostname}`, healthy: true, ...extra };
}
