import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useConnection } from '../data/consoleContext.js';

interface ZkServer {
  server: string;
  serving: boolean;
  mode?: string;
  zxid?: string;
  latency?: { min: number; avg: number; max: number };
  outstanding?: number;
  syncedFollowers?: number;
  nodeCount?: number;
  error?: string;
}

interface QuorumAnswer {
  status: 'healthy' | 'degraded' | 'down' | 'standalone';
  checked_at_ms: number;
  zookeeper: { path: string; servers: ZkServer[] } | null;
  masters: {
    quorum: number;
    quorum_met: boolean;
    leader: { id: string; pid?: string; hostname?: string; port: number } | null;
    members: Array<{ id: string; pid?: string; hostname?: string; port: number; leading: boolean }>;
    this_master: { id: string; leading: boolean; elected_time_ms?: number };
    zookeeper_connected?: boolean;
  };
  /** schedulers are the subscribed frameworks and their leading instance (older masters leave this out). */
  schedulers?: Array<{ framework_id: string; name: string; leader: string | null; connected: boolean }>;
}

/** MarathonInfo is the part of Marathon's `/v2/info` that says who leads and whether it runs HA. */
interface MarathonInfo {
  elected: boolean;
  leader: string | null;
  zookeeper_config?: { zk?: string };
}

const HISTORY = 120;

/**
 * QuorumView answers "is the control plane safe?": one word (healthy, degraded, down), each ZooKeeper server's
 * mode, zxid, latency and backlog, the masters contending and which leads since when, and how the state moved over
 * the last minutes. It reads Plateau's `/plateau/v1/quorum`; a real Mesos master has no such endpoint, and the view
 * says so.
 */
export function QuorumView() {
  const c = useConnection();
  const q = useQuery({ queryKey: ['quorum', c.id], queryFn: () => c.get<QuorumAnswer>({ kind: 'master' }, '/plateau/v1/quorum'), refetchInterval: 3000, retry: 0 });
  const marathon = useQuery({
    queryKey: ['marathon-info', c.id],
    queryFn: () => c.get<MarathonInfo>({ kind: 'marathon' }, '/v2/info'),
    enabled: c.summary.marathon !== undefined,
    refetchInterval: 5000,
    retry: 0,
  });
  const [history, setHistory] = useState<Array<{ at: number; status: string }>>([]);
  const last = useRef<number>(0);
  useEffect(() => {
    const d = q.data;
    if (!d || d.checked_at_ms === last.current) return;
    last.current = d.checked_at_ms;
    setHistory((h) => [...h.slice(-(HISTORY - 1)), { at: d.checked_at_ms, status: d.status }]);
  }, [q.data]);
  if (q.isError) return <section><h1>Quorum</h1><p className="empty">This master does not report quorum health ({(q.error as Error).message}). Plateau masters serve it at /plateau/v1/quorum.</p></section>;
  const d = q.data;
  if (!d) return <section><h1>Quorum</h1><p className="empty">Asking the master…</p></section>;
  const since = d.masters.this_master.elected_time_ms;
  return (
    <section>
      <h1>
        Quorum <span className={`pill quorum-${d.status}`} data-testid="quorum-status">{d.status}</span>
      </h1>
      <div className="cards">
        <div className="card">
          <h3>Leading master</h3>
          <div className="big">{d.masters.leader ? `${d.masters.leader.hostname ?? ''}:${d.masters.leader.port}` : 'none'}</div>
          <div className="muted">{d.masters.this_master.leading && since ? `since ${new Date(since).toLocaleTimeString()}` : d.masters.leader?.pid ?? 'no leader elected'}</div>
        </div>
        <div className="card">
          <h3>Masters</h3>
          <div className="big">{d.masters.members.length}</div>
          <div className="muted">
            contending · quorum {d.masters.quorum} {d.masters.quorum_met ? 'met' : 'NOT met'}
          </div>
        </div>
        <div className="card" data-testid="marathon-leader">
          <h3>Leading Marathon</h3>
          <div className="big">{marathon.data?.leader ?? d.schedulers?.find((f) => f.name === 'marathon')?.leader ?? (c.summary.marathon ? 'unknown' : '–')}</div>
          <div className="muted">
            {marathon.isError ? `Marathon unreachable: ${(marathon.error as Error).message}` : marathon.data?.zookeeper_config?.zk ? `HA through ${marathon.data.zookeeper_config.zk}` : c.summary.marathon ? 'a single Marathon (no --zk)' : 'no Marathon on this connection'}
          </div>
        </div>
        <div className="card">
          <h3>ZooKeeper</h3>
          <div className="big">{d.zookeeper ? `${d.zookeeper.servers.filter((s) => s.serving).length} / ${d.zookeeper.servers.length}` : '–'}</div>
          <div className="muted">{d.zookeeper ? `servers serving · ${d.zookeeper.path}` : 'standalone master (no --zk)'}</div>
        </div>
      </div>
      <h2>History</h2>
      <div className="quorum-history" aria-label="Quorum status history" data-testid="quorum-history">
        {history.map((h) => (
          <span key={h.at} className={`tick quorum-${h.status}`} title={`${new Date(h.at).toLocaleTimeString()}: ${h.status}`} />
        ))}
      </div>
      {d.zookeeper && (
        <>
          <h2>ZooKeeper servers</h2>
          <table className="grid" data-testid="zk-servers">
            <thead>
              <tr>
                <th>Server</th>
                <th>Mode</th>
                <th>Zxid</th>
                <th>Latency min / avg / max (ms)</th>
                <th>Outstanding</th>
                <th>Synced followers</th>
                <th>Znodes</th>
              </tr>
            </thead>
            <tbody>
              {d.zookeeper.servers.map((s) => (
                <tr key={s.server}>
                  <td>{s.server}</td>
                  <td className={s.serving ? 'healthy' : 'unhealthy'}>{s.serving ? s.mode : `down: ${s.error ?? 'no answer'}`}</td>
                  <td className="mono">{s.zxid ?? '–'}</td>
                  <td>{s.latency ? `${s.latency.min} / ${s.latency.avg} / ${s.latency.max}` : '–'}</td>
                  <td>{s.outstanding ?? '–'}</td>
                  <td>{s.syncedFollowers ?? (s.mode === 'leader' ? 0 : '–')}</td>
                  <td>{s.nodeCount ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {d.schedulers && d.schedulers.length > 0 && (
        <>
          <h2>Schedulers</h2>
          <table className="grid" data-testid="schedulers">
            <thead>
              <tr>
                <th>Framework</th>
                <th>Id</th>
                <th>Leading instance</th>
                <th>Subscribed</th>
              </tr>
            </thead>
            <tbody>
              {d.schedulers.map((f) => (
                <tr key={f.framework_id}>
                  <td>{f.name}</td>
                  <td className="mono">{f.framework_id}</td>
                  <td>{f.leader ?? '–'}</td>
                  <td className={f.connected ? 'healthy' : 'unhealthy'}>{f.connected ? 'yes' : 'disconnected'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h2>Masters</h2>
      <table className="grid">
        <thead>
          <tr>
            <th>Master</th>
            <th>Id</th>
            <th>Role</th>
          </tr>
        </thead>
        <tbody>
          {d.masters.members.map((m) => (
            <tr key={m.id}>
              <td>{m.pid ?? `${m.hostname}:${m.port}`}</td>
              <td className="mono">{m.id}</td>
              <td className={m.leading ? 'healthy' : ''}>{m.leading ? 'leader' : 'standby'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
