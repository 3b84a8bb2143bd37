import { useMemo, useState } from 'react';
import { StreamBadges } from '../components/StreamBadges.js';
import { matches, SearchBox, VirtualTable, type Column } from '../components/VirtualTable.js';
import { useFeed } from '../data/consoleContext.js';
import { useClusterMemo } from '../data/useClusterMemo.js';
import { frameworkRows, safeHttpUrl, shortId, type FrameworkRow } from '../model/clusterRows.js';
import { Connecting } from '../components/Connecting.js';
import { TonePill, type Tone } from '../components/TonePill.js';
import { formatMem, formatNumber, fullTime, shownCount } from '../model/format.js';
import { ClusterStyles } from './cluster/ClusterStyles.js';

const STATUS_TONE: Record<FrameworkRow['status'], Tone> = { active: 'ok', inactive: 'warn', completed: 'muted' };
type StatusFilter = FrameworkRow['status'] | '';

/**
 * FrameworksView lists the schedulers registered with the master (active, inactive, completed), live from the
 * operator stream: who they are (name, id, roles, principal, user, host, web UI), what they hold (allocated) and are
 * being offered, and how many tasks they run, so a framework hoarding offers or stuck disconnected is easy to spot.
 */
export function FrameworksView() {
  const feed = useFeed();
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState<StatusFilter>('');
  const rows = useClusterMemo(frameworkRows, [], []);
  const shown = useMemo(() => rows.filter((r) => (status === '' || r.status === status) && matches(query, r.name, r.id, r.roles.join(' '), r.principal, r.user, r.hostname)), [rows, query, status]);
  if (!feed || !feed.state.subscribed) return <Connecting title="Frameworks" />;
  const count = (s: FrameworkRow['status']) => rows.filter((r) => r.status === s).length;
  return (
    <section>
      <ClusterStyles />
      <h1>Frameworks</h1>
      <StreamBadges />
      <div className="cluster-counts" role="group" aria-label="Frameworks by state (click to filter)" data-testid="framework-counts">
        {(['active', 'inactive', 'completed'] as const).map((s) => (
          <button key={s} type="button" className={`tone-${STATUS_TONE[s]}`} aria-pressed={status === s} onClick={() => setStatus(status === s ? '' : s)}>
            <span className="n">{count(s)}</span>
            <span className="label">{s}</span>
          </button>
        ))}
      </div>
      <div className="toolbar">
        <SearchBox value={query} onChange={setQuery} placeholder="Filter by name, id, role, user" />
        <select aria-label="State" value={status} onChange={(e) => setStatus(e.target.value as StatusFilter)}>
          <option value="">All states</option>
          <option value="active">active</option>
          <option value="inactive">inactive</option>
          <option value="completed">completed</option>
        </select>
        <span className="muted">{shownCount(shown.length, rows.length, 'frameworks')}</span>
      </div>
      <VirtualTable rows={shown} columns={COLUMNS} rowKey={(r) => r.id} testId="frameworks-table" height={600} empty={rows.length === 0 ? 'No framework has registered with the master.' : 'No framework matches the filter.'} />
      <p className="cluster-note">Allocated is what a framework's tasks hold; offered is what it is being offered right now and has not answered.</p>
    </section>
  );
}

const COLUMNS: Array<Column<FrameworkRow>> = [
  { key: 'name', header: 'Name', width: 'minmax(100px, 1fr)', render: (r) => <strong title={r.name}>{r.name}</strong> },
  { key: 'id', header: 'ID', width: 'minmax(70px, 0.6fr)', render: (r) => <span className="mono muted" title={r.id}>{shortId(r.id)}</span> },
  {
    key: 'state',
    header: 'State',
    width: '96px',
    render: (r) => (
      <TonePill tone={r.status === 'active' && !r.connected ? 'warn' : STATUS_TONE[r.status]} title={r.status === 'completed' ? 'torn down or failed over past its timeout' : r.connected ? 'connected to the master' : 'disconnected: waiting for it to fail over'}>
        {r.status === 'active' && !r.connected ? 'disconnected' : r.status}
      </TonePill>
    ),
  },
  { key: 'roles', header: 'Roles', width: 'minmax(60px, 0.6fr)', render: (r) => <span title={r.roles.join(', ')}>{r.roles.join(', ')}</span> },
  { key: 'principal', header: 'Principal', width: 'minmax(60px, 0.6fr)', render: (r) => r.principal ?? <span className="muted">–</span> },
  { key: 'user', header: 'User', width: 'minmax(50px, 0.5fr)', render: (r) => r.user ?? '–' },
  { key: 'host', header: 'Host', width: 'minmax(80px, 0.8fr)', render: (r) => <span title={`${r.hostname ?? ''}${r.registeredAt ? `, registered ${fullTime(r.registeredAt)}` : ''}`}>{r.hostname ?? '–'}</span> },
  {
    key: 'ui',
    header: 'Web UI',
    width: '60px',
    render: (r) => {
      const url = safeHttpUrl(r.webuiUrl);
      return url ? (
        <a href={url} target="_blank" rel="noreferrer noopener" title={url}>
          open
        </a>
      ) : (
        <span className="muted">–</span>
      );
    },
  },
  { key: 'alloc', header: 'Allocated', width: 'minmax(120px, 1fr)', render: (r) => <Amounts a={r.allocated} /> },
  { key: 'offered', header: 'Offered', width: 'minmax(100px, 0.8fr)', render: (r) => <Amounts a={r.offered} /> },
  {
    key: 'tasks',
    header: 'Tasks',
    width: 'minmax(110px, 0.8fr)',
    render: (r) => (
      <span title={`${r.tasks.running} running, ${r.tasks.staging} staging or starting, ${r.tasks.live} live in all, ${r.tasks.completed} completed recently`}>
        {r.tasks.live} live{r.tasks.staging > 0 ? ` (${r.tasks.staging} starting)` : ''} · {r.tasks.completed} done
      </span>
    ),
  },
];

function Amounts({ a }: { a: FrameworkRow['allocated'] }) {
  const parts = [`${formatNumber(a.cpus)} CPU`, formatMem(a.mem)];
  if (a.disk > 0) parts.push(`${formatMem(a.disk)} disk`);
  if (a.gpus > 0) parts.push(`${formatNumber(a.gpus)} GPU`);
  const text = a.cpus === 0 && a.mem === 0 && a.disk === 0 && a.gpus === 0 ? '–' : parts.join(' · ');
  return <span title={text}>{text}</span>;
}
