import type { MasterInfo } from '../protocol/mesos/v1.js';

/** MASTER_INFO_PREFIX names the znodes masters join with, so Mesos's tools, Mesos-DNS and the CLI find our masters. */
export const MASTER_INFO_PREFIX = 'json.info_';

/**
 * packIp turns a dotted IPv4 address into MasterInfo's `ip`: the address's network-order bytes read as a
 * little-endian number (a + b·2⁸ + c·2¹⁶ + d·2²⁴), which is how Mesos fills the field and how its readers decode it.
 */
export function packIp(dotted: string): number {
  const parts = dotted.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return 0;
  const [a, b, c, d] = parts as [number, number, number, number];
  return a + b * 2 ** 8 + c * 2 ** 16 + d * 2 ** 24;
}

/** unpackIp is packIp's inverse. */
export function unpackIp(packed: number): string {
  return [packed & 0xff, (packed >>> 8) & 0xff, (packed >>> 16) & 0xff, (packed >>> 24) & 0xff].join('.');
}

/**
 * masterInfoJson writes MasterInfo as a Mesos master does in its `json.info_` znode: keys in alphabetical order
 * (nested ones too), unset fields left out.
 */
export function masterInfoJson(info: MasterInfo): string {
  return JSON.stringify(sortKeys(info));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}

/** parseMasterInfoJson reads a `json.info_` znode; undefined when it is not a MasterInfo. */
export function parseMasterInfoJson(text: string): MasterInfo | undefined {
  try {
    const v = JSON.parse(text) as Partial<MasterInfo>;
    if (typeof v.id !== 'string' || typeof v.port !== 'number') return undefined;
    return v as MasterInfo;
  } catch {
    return undefined;
  }
}

/** sequenceOf returns a group member's sequence number (the digits after the last `_`), or undefined. */
export function sequenceOf(child: string): number | undefined {
  const last = child.slice(child.lastIndexOf('_') + 1);
  return child.includes('_') && /^\d+$/.test(last) ? Number(last) : undefined;
}

/**
 * leadingChild picks the leader among a master group's children: the lowest sequence among `json.info_` nodes
 * (Mesos's detector takes the oldest member; `log_replicas` and other non-members are skipped).
 */
export function leadingChild(children: readonly string[]): string | undefined {
  let best: { child: string; seq: number } | undefined;
  for (const child of children) {
    if (!child.startsWith(MASTER_INFO_PREFIX)) continue;
    const seq = sequenceOf(child);
    if (seq === undefined) continue;
    if (!best || seq < best.seq) best = { child, seq };
  }
  return best?.child;
}

/** masterUrlOf is where a detected master serves HTTP: its address's IP (or hostname) and port. */
export function masterUrlOf(info: MasterInfo, scheme = 'http'): string {
  const host = info.address?.ip ?? info.address?.hostname ?? (info.ip ? unpackIp(info.ip) : info.hostname);
  const port = info.address?.port ?? info.port;
  return `${scheme}://${host}:${port}`;
}
