import { z } from 'zod';
import { SCHEDULER_CALL_TYPES, type SchedulerCall } from './scheduler.js';

// Mesos converts JSON to protobuf leniently: numbers may arrive as strings and booleans as "true".
// Unknown fields are ignored. These schemas check only what the master relies on and keep the rest.
const num = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/).transform(Number)]);
const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const id = z.looseObject({ value: z.string() });

const frameworkInfo = z.looseObject({
  user: z.string(),
  name: z.string(),
  id: id.optional(),
  failover_timeout: num.optional(),
  checkpoint: bool.optional(),
  role: z.string().optional(),
  roles: z.array(z.string()).optional(),
  hostname: z.string().optional(),
  principal: z.string().optional(),
  webui_url: z.string().optional(),
  capabilities: z.array(z.looseObject({ type: z.string() })).optional(),
});

const filters = z.looseObject({ refuse_seconds: num.optional() });
const roles = z.looseObject({ roles: z.array(z.string()).optional() });

const schedulerCall = z.looseObject({
  type: z.enum(SCHEDULER_CALL_TYPES),
  framework_id: id.optional(),
  subscribe: z.looseObject({ framework_info: frameworkInfo, suppressed_roles: z.array(z.string()).optional() }).optional(),
  accept: z.looseObject({ offer_ids: z.array(id).default([]), operations: z.array(z.looseObject({ type: z.string() })).optional(), filters: filters.optional() }).optional(),
  decline: z.looseObject({ offer_ids: z.array(id).default([]), filters: filters.optional() }).optional(),
  revive: roles.optional(),
  suppress: roles.optional(),
  kill: z.looseObject({ task_id: id, agent_id: id.optional(), kill_policy: z.looseObject({ grace_period: z.looseObject({ nanoseconds: num }).optional() }).optional() }).optional(),
  shutdown: z.looseObject({ executor_id: id, agent_id: id }).optional(),
  acknowledge: z.looseObject({ agent_id: id, task_id: id, uuid: z.string() }).optional(),
  reconcile: z.looseObject({ tasks: z.array(z.looseObject({ task_id: id, agent_id: id.optional() })).optional() }).optional(),
  message: z.looseObject({ agent_id: id, executor_id: id, data: z.string() }).optional(),
  update_framework: z.looseObject({ framework_info: frameworkInfo, suppressed_roles: z.array(z.string()).optional() }).optional(),
});

/** SchedulerCallParse is the outcome of `parseSchedulerCall`: the call, or Mesos's style of error text. */
export type SchedulerCallParse = { ok: true; call: SchedulerCall } | { ok: false; error: string };

/**
 * parseSchedulerCall checks a decoded JSON body against the v1 `scheduler::Call` shape, then applies
 * Mesos's `validation::scheduler::call::validate` rule that the body named by `type` is present.
 */
export function parseSchedulerCall(body: unknown): SchedulerCallParse {
  const parsed = schedulerCall.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    return { ok: false, error: `Failed to convert JSON into Call protobuf: ${where ? `'${where}': ` : ''}${issue?.message ?? 'invalid'}` };
  }
  const call = parsed.data as unknown as SchedulerCall;
  const field = call.type.toLowerCase() as keyof SchedulerCall;
  const needsBody = ['SUBSCRIBE', 'ACCEPT', 'DECLINE', 'KILL', 'SHUTDOWN', 'ACKNOWLEDGE', 'RECONCILE', 'MESSAGE', 'UPDATE_FRAMEWORK'];
  if (call.type === 'UNKNOWN') return { ok: false, error: 'Received an UNKNOWN call' };
  if (needsBody.includes(call.type) && call[field] === undefined) {
    return { ok: false, error: `Expecting '${String(field)}' to be present` };
  }
  if (call.type !== 'SUBSCRIBE' && !call.framework_id) return { ok: false, error: "Expecting 'framework_id' to be present" };
  return { ok: true, call };
}
