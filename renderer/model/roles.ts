/**
 * Roles and quota as the Roles view shows them: `/master/roles` (weights, allocated / offered / reserved resources,
 * frameworks) joined with the quota configuration (`/master/quota`, or the operator API's GET_QUOTA), and each
 * quota's consumption against its guarantee and limit. Accepts the shapes of Apache Mesos 1.9+ and of Plateau. Pure.
 */
import type { WireResource } from './clusterState.js';

/** Quantities maps a resource name to an amount (`{cpus: 2, mem: 1024}`). */
export type Quantities = Record<string, number>;

/** WireRole is one element of `/master/roles`'s `roles`. */
export interface WireRole {
  name: string;
  weight?: number;
  frameworks?: string[];
  resources?: Record<string, number | string>;
  allocated?: Record<string, number | string>;
  offered?: Record<string, number | string>;
  reserved?: Record<string, number | string>;
  quota?: { role?: string; guarantee?: Record<string, number | string>; limit?: Record<string, number | string>; consumed?: Record<string, number | string> };
}

/** WireQuotaStatus is `/master/quota`'s answer, and GET_QUOTA's `status`. */
export interface WireQuotaStatus {
  infos?: Array<{ role: string; principal?: string; guarantee?: WireResource[] }>;
  configs?: Array<{ role: string; guarantees?: Record<string, { value: number }>; limits?: Record<string, { value: number }> }>;
}

/** RoleQuota is one role's quota: guaranteed and limited quantities (either may be empty). */
export interface RoleQuota {
  guarantees: Quantities;
  limits: Quantities;
}

/** RoleRow is one role as the view shows it. */
export interface RoleRow {
  name: string;
  weight: number;
  frameworks: string[];
  allocated: Quantities;
  offered: Quantities;
  reserved: Quantities;
  quota?: RoleQuota;
  /** consumed is what counts against quota: the master's figure when it gives one, else allocated. */
  consumed: Quantities;
}

/** QuotaLine compares one resource's consumption with its quota. */
export interface QuotaLine {
  name: string;
  consumed: number;
  guarantee?: number;
  limit?: number;
  /** state: 'over' past the limit, 'under' below the guarantee, 'ok' in between. */
  state: 'ok' | 'under' | 'over';
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** scalars keeps the numeric entries of a legacy summary (dropping `ports` and set strings). */
export function scalars(summary: Record<string, number | string> | undefined): Quantities {
  const out: Quantities = {};
  for (const [k, v] of Object.entries(summary ?? {})) if (typeof v === 'number' && Number.isFinite(v)) out[k] = round(v);
  return out;
}

function fromValues(q: Record<string, { value: number }> | undefined): Quantities {
  const out: Quantities = {};
  for (const [k, v] of Object.entries(q ?? {})) if (typeof v?.value === 'number') out[k] = round(v.value);
  return out;
}

function fromResources(list: WireResource[] | undefined): Quantities {
  const out: Quantities = {};
  for (const r of list ?? []) if (r.scalar) out[r.name] = round((out[r.name] ?? 0) + r.scalar.value);
  return out;
}

/** quotaByRole reads a quota status: `configs` (Mesos 1.9+: guarantees and limits) win over the older `infos`. */
export function quotaByRole(status: WireQuotaStatus | undefined): Map<string, RoleQuota> {
  const out = new Map<string, RoleQuota>();
  for (const i of status?.infos ?? []) {
    const g = fromResources(i.guarantee);
    out.set(i.role, { guarantees: g, limits: { ...g } });
  }
  for (const c of status?.configs ?? []) out.set(c.role, { guarantees: fromValues(c.guarantees), limits: fromValues(c.limits) });
  return out;
}

/**
 * roleRows joins the roles with their quota: a role with a quota but no activity still gets a row, and a quota the
 * roles endpoint carries inline (Plateau and Mesos 1.9+ do) is used when no quota status is given.
 */
export function roleRows(roles: readonly WireRole[], status?: WireQuotaStatus): RoleRow[] {
  const quotas = quotaByRole(status);
  const rows = new Map<string, RoleRow>();
  for (const r of roles) {
    const inline = r.quota && (r.quota.guarantee || r.quota.limit) ? { guarantees: scalars(r.quota.guarantee), limits: scalars(r.quota.limit) } : undefined;
    const allocated = scalars(r.allocated ?? r.resources);
    rows.set(r.name, {
      name: r.name,
      weight: r.weight ?? 1,
      frameworks: r.frameworks ?? [],
      allocated,
      offered: scalars(r.offered),
      reserved: scalars(r.reserved),
      quota: quotas.get(r.name) ?? inline,
      consumed: r.quota?.consumed ? scalars(r.quota.consumed) : allocated,
    });
  }
  for (const [name, quota] of quotas) {
    if (!rows.has(name)) rows.set(name, { name, weight: 1, frameworks: [], allocated: {}, offered: {}, reserved: {}, quota, consumed: {} });
  }
  return [...rows.values()].sort((a, b) => (a.name === '*' ? -1 : b.name === '*' ? 1 : a.name.localeCompare(b.name)));
}

/** quotaLines compares a role's consumption with its quota, resource by resource (cpus, mem, disk, gpus first). */
export function quotaLines(row: RoleRow): QuotaLine[] {
  if (!row.quota) return [];
  const order = ['cpus', 'mem', 'disk', 'gpus'];
  const names = [...new Set([...Object.keys(row.quota.guarantees), ...Object.keys(row.quota.limits)])].sort((a, b) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
  return names.map((name) => {
    const consumed = row.consumed[name] ?? 0;
    const guarantee = row.quota?.guarantees[name];
    const limit = row.quota?.limits[name];
    const state = limit !== undefined && consumed > limit ? 'over' : guarantee !== undefined && consumed < guarantee ? 'under' : 'ok';
    return { name, consumed, guarantee, limit, state };
  });
}
