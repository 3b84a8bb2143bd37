import { useQuery } from '@tanstack/react-query';
import { clusterTotals } from '../model/clusterState.js';
import { Connecting } from '../components/Connecting.js';
import { StreamBadges } from '../components/StreamBadges.js';
import { useConnection, useFeed } from '../data/consoleContext.js';
import { resourceText, shortState } from '../model/format.js';

interface MasterStateSummary {
  version?: string;
  leader?: string;
  hostname?: string;
  cluster?: string;
  start_time?: number;
  elected_time?: number;
}

/**
 * OverviewView answers "is my cluster all right?" at a glance: leader and version, agents by state, resources
 * used / offered / total, and tasks by state, all live from the operator stream.
 */
export function OverviewView() {
  const c = useConnection();
  const feed = useFeed();
  const master = useQuery({ queryKey: ['master-version', c.id, c.summary.leader], queryFn: () => c.get<MasterStateSummary>({ kind: 'master' }, '/version'), refetchInterval: 30_000 });
  if (!feed || !feed.state.subscribed) return <Connecting title="Overview" />;
  const totals = clusterTotals(feed.state);
  const res = totals.resources;
  const tasks = Object.entries(totals.tasksByState).sort((a, b) => b[1] - a[1]);
  return (
    <section>
      <h1>Overview</h1>
      <StreamBadges />
      <div className="cards">
        <div className="card">
          <h3>Leading master</h3>
          <div className="big" data-testid="leader">{c.summary.leader?.replace(/^https?:\/\//, '') ?? '–'}</div>
          <div className="muted">
            {c.summary.flavor === 'plateau' ? 'Plateau' : 'Apache Mesos'} {master.data?.version ?? ''}
            {master.data?.cluster ? ` · ${master.data.cluster}` : ''}
          </div>
        </div>
        <div className="card">
          <h3>Agents</h3>
          <div className="big" data-testid="agents-active">{totals.agents.active}</div>
          <div className="muted">
            active · {totals.agents.inactive} inactive · {totals.agents.removed} removed
          </div>
        </div>
        <div className="card">
          <h3>Frameworks</h3>
          <div className="big">{feed.state.frameworks.size}</div>
          <div className="muted">{feed.state.completedFrameworks.size} completed</div>
        </div>
        <div className="card">
          <h3>Tasks</h3>
          <div className="big" data-testid="tasks-live">{feed.state.tasks.size}</div>
          <div className="muted">{tasks.map(([s, n]) => `${n} ${shortState(s).toLowerCase()}`).join(' · ') || 'none'}</div>
        </div>
      </div>
      <h2>Resources</h2>
      <table className="grid">
        <thead>
          <tr>
            <th>Resource</th>
            <th>Used</th>
            <th>Offered</th>
            <th>Idle</th>
            <th>Total</th>
            <th className="wide">Allocation</th>
          </tr>
        </thead>
        <tbody>
          {(['cpus', 'mem', 'disk', 'gpus'] as const).map((n) => {
            const r = res[n];
            const fmt = (v: number) => resourceText(n, v);
            const used = r.total > 0 ? (r.used / r.total) * 100 : 0;
            const offered = r.total > 0 ? (r.offered / r.total) * 100 : 0;
            return (
              <tr key={n}>
                <td>{n}</td>
                <td>{fmt(r.used)}</td>
                <td>{fmt(r.offered)}</td>
                <td>{fmt(Math.max(0, r.total - r.used - r.offered))}</td>
                <td>{fmt(r.total)}</td>
                <td className="wide">
                  <div className="bar" title={`${used.toFixed(1)}% used, ${offered.toFixed(1)}% offered`}>
                    <span className="used" style={{ width: `${used}%` }} />
                    <span className="offered" style={{ width: `${offered}%` }} />
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
