/** ZkServerStatus is one ZooKeeper server as `srvr` and `mntr` describe it. */
export interface ZkServerStatus {
  server: string;
  /** serving is false when the server is down or has no quorum ("not currently serving requests"). */
  serving: boolean;
  mode?: 'leader' | 'follower' | 'standalone' | 'observer' | string;
  version?: string;
  zxid?: string;
  latency?: { min: number; avg: number; max: number };
  outstanding?: number;
  connections?: number;
  nodeCount?: number;
  /** syncedFollowers is reported by the leader only. */
  syncedFollowers?: number;
  learners?: number;
  quorumSize?: number;
  error?: string;
}

/**
 * parseSrvr reads ZooKeeper's `srvr` answer (`Zookeeper version:`, `Latency min/avg/max:`, `Outstanding:`,
 * `Zxid:`, `Mode:`, `Node count:` lines). A server without a quorum says it is not serving.
 */
export function parseSrvr(server: string, text: string): ZkServerStatus {
  if (/not currently serving requests/i.test(text)) return { server, serving: false, error: 'not serving requests (no quorum)' };
  const line = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim();
  const mode = line('Mode');
  if (!mode) return { server, serving: false, error: text.trim() === '' ? 'no answer' : text.trim().slice(0, 200) };
  const latency = line('Latency min/avg/max')?.split('/').map(Number);
  const num = (v: string | undefined) => (v === undefined || !Number.isFinite(Number(v)) ? undefined : Number(v));
  const out: ZkServerStatus = { server, serving: true, mode };
  const version = line('Zookeeper version');
  if (version) out.version = version.split(',')[0] ?? version;
  const zxid = line('Zxid');
  if (zxid) out.zxid = zxid;
  if (latency && latency.length === 3 && latency.every(Number.isFinite)) out.latency = { min: latency[0] as number, avg: latency[1] as number, max: latency[2] as number };
  const outstanding = num(line('Outstanding'));
  if (outstanding !== undefined) out.outstanding = outstanding;
  const connections = num(line('Connections'));
  if (connections !== undefined) out.connections = connections;
  const nodes = num(line('Node count'));
  if (nodes !== undefined) out.nodeCount = nodes;
  return out;
}

/** applyMntr adds what only `mntr` says (synced followers and learners on the leader, the quorum size). */
export function applyMntr(status: ZkServerStatus, text: string): ZkServerStatus {
  const values = new Map<string, string>();
  for (const l of text.split('\n')) {
    const [k, v] = l.split('\t');
    if (k && v !== undefined) values.set(k.trim(), v.trim());
  }
  const num = (k: string) => (values.has(k) && Number.isFinite(Number(values.get(k))) ? Number(values.get(k)) : undefined);
  const out = { ...status };
  const synced = num('zk_synced_followers');
  if (synced !== undefined) out.syncedFollowers = synced;
  const learners = num('zk_learners');
  if (learners !== undefined) out.learners = learners;
  const quorum = num('zk_quorum_size');
  if (quorum !== undefined) out.quorumSize = quorum;
  return out;
}

/** QuorumHealth is the one word an operator reads first. */
export type QuorumHealth = 'healthy' | 'degraded' | 'down' | 'standalone';

/**
 * quorumHealth judges the whole: down when no ZooKeeper majority serves or no master leads; degraded when a
 * ZooKeeper server is out, or fewer masters contend than the configured quorum; healthy otherwise.
 */
export function quorumHealth(servers: readonly ZkServerStatus[], masters: { leading: boolean; members: number; quorum: number }): QuorumHealth {
  if (servers.length === 0) return 'standalone';
  const serving = servers.filter((s) => s.serving).length;
  if (serving <= servers.length / 2 || !masters.leading) return 'down';
  if (serving < servers.length || masters.members < masters.quorum) return 'degraded';
  return 'healthy';
}
