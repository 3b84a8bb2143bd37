import type { FastifyInstance } from 'fastify';
import { applyMntr, parseSrvr, quorumHealth, type ZkServerStatus } from '../coordination/zkServerStatus.js';
import type { MasterGroupState } from '../coordination/masterGroup.js';
import type { MasterInfo } from '../protocol/mesos/v1.js';

/** QUORUM_PATH is Plateau's quorum-health extension; every master serves it (it is about the masters themselves). */
export const QUORUM_PATH = '/plateau/v1/quorum';

/** QuorumSource is what the quorum view reads: the ZooKeeper servers, the master group, and this master. */
export interface QuorumSource {
  /** servers are the `--zk` URL's `host:port`s; empty when the master runs standalone. */
  servers: string[];
  zkPath?: string;
  quorum: number;
  self: MasterInfo;
  electedTime(): number | undefined;
  group(): MasterGroupState | undefined;
  fourLetterWord(server: string, word: string): Promise<string>;
  now(): number;
  /** schedulers are the frameworks subscribed to this master (on the leader) and where their UIs are. */
  schedulers(): Array<{ id: string; name: string; webui_url?: string; connected: boolean }>;
}

/**
 * schedulerLeader reads which instance of an HA scheduler leads from its FrameworkInfo: Marathon (and Metronome)
 * subscribe with `webui_url` pointing at the instance that holds leadership, and a failover re-subscribes with the
 * new leader's, so the master always knows where the leading scheduler is.
 */
function schedulerLeader(webuiUrl: string | undefined): string | null {
  if (!webuiUrl) return null;
  try {
    return new URL(webuiUrl).host;
  } catch {
    return null;
  }
}

/**
 * registerQuorumRoutes serves `GET /plateau/v1/quorum`: each ZooKeeper server's mode, zxid, latency, outstanding
 * requests and synced followers (from `srvr` and `mntr`), the masters contending and which leads, whether the
 * configured quorum is met, and one word for all of it (healthy, degraded, down, or standalone).
 */
export function registerQuorumRoutes(app: FastifyInstance, source: QuorumSource): void {
  app.get(QUORUM_PATH, async (_req, reply) => {
    const servers: ZkServerStatus[] = await Promise.all(
      source.servers.map(async (server) => {
        try {
          const status = parseSrvr(server, await source.fourLetterWord(server, 'srvr'));
          return status.serving ? applyMntr(status, await source.fourLetterWord(server, 'mntr').catch(() => '')) : status;
        } catch (err) {
          return { server, serving: false, error: (err as Error).message };
        }
      }),
    );
    const group = source.group();
    const members = group ? group.members : [source.self];
    const leader = group ? group.leader : source.self;
    const leading = group ? group.leading : true;
    const status = quorumHealth(servers, { leading: leader !== undefined, members: members.length, quorum: source.quorum });
    const electedAt = source.electedTime();
    return reply.send({
      status,
      checked_at_ms: source.now(),
      zookeeper: source.servers.length > 0 ? { path: source.zkPath ?? '/', servers } : null,
      masters: {
        quorum: source.quorum,
        quorum_met: members.length >= source.quorum,
        leader: leader ? masterSummary(leader) : null,
        members: members.map((m) => ({ ...masterSummary(m), leading: leader?.id === m.id })),
        this_master: { ...masterSummary(source.self), leading, ...(leading && electedAt !== undefined ? { elected_time_ms: electedAt } : {}) },
        ...(group ? { zookeeper_connected: group.connected } : {}),
      },
      schedulers: leading ? source.schedulers().map((f) => ({ framework_id: f.id, name: f.name, leader: schedulerLeader(f.webui_url), connected: f.connected })) : [],
    });
  });
}

function masterSummary(m: MasterInfo): { id: string; pid?: string; hostname?: string; port: number } {
  return { id: m.id, ...(m.pid ? { pid: m.pid } : {}), ...(m.hostname ? { hostname: m.hostname } : {}), port: m.address?.port ?? m.port };
}
