import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { href } from '../components/router.js';
import { Connecting } from '../components/Connecting.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { StreamBadges } from '../components/StreamBadges.js';
import { TonePill, type Tone } from '../components/TonePill.js';
import { SearchBox, VirtualTable, type Column } from '../components/VirtualTable.js';
import type { FeedSnapshot } from '../data/clusterFeeds.js';
import { useConnection, useFeed } from '../data/consoleContext.js';
import { useClusterMemo } from '../data/useClusterMemo.js';
import { frameworkNames } from '../model/clusterRows.js';
import { clockTime, formatMem, formatNumber, fullTime, shownCount } from '../model/format.js';
import type { OfferCounts, OfferRow } from '../model/offerLog.js';
import { countOutcomes, filterOffers, launchedText, outstandingOffers, OUTCOMES, tallyOffers, type LegacyMasterState, type OfferFilter, type OfferTally } from '../model/offerViews.js';
import { ClusterStyles } from './cluster/ClusterStyles.js';
import { WaitingApps } from './cluster/WaitingApps.js';

const OUTCOME_TONE: Record<OfferRow['outcome'], Tone> = { outstanding: 'accent', accepted: 'ok', declined: 'warn', rescinded: 'bad', expired: 'muted' };
const NO_FILTER: OfferFilter = { outcome: '', agentId: '', frameworkId: '', text: '' };

/**
 * OffersView is the console's headline: resource offers as they flow, newest first, each with what became of it
 * (accepted and what it launched, declined and for how long, rescinded or expired and why), counts per outcome,
 * per-agent and per-framework tallies, and below, why Marathon's waiting apps could not use what was offered. On an
 * Apache Mesos master (no offers stream) it falls back to the outstanding offers in `/master/state`, and says so.
 */
export function OffersView() {
  const feed = useFeed();
  if (!feed || !feed.state.subscribed) return <Connecting title="Offers" />;
  const unsupported = feed.streams['plateau-offers'].state === 'unsupported';
  return (
    <section>
      <ClusterStyles />
      <h1>Offers</h1>
      <StreamBadges />
      {unsupported ? <OutstandingOffers /> : <OfferStream feed={feed} />}
      <WaitingApps />
    </section>
  );
}

function OfferStream({ feed }: { feed: FeedSnapshot }) {
  const { offers, offersVersion } = feed;
  const rows = useMemo(() => {
    void offersVersion;
    return offers.list();
  }, [offers, offersVersion]);
  const names = useClusterMemo(frameworkNames, new Map<string, string>(), []);
  return <OfferList rows={rows} names={names} live />;
}

function OutstandingOffers() {
  const c = useConnection();
  const names = useClusterMemo(frameworkNames, new Map<string, string>(), []);
  const q = useQuery({ queryKey: ['master-state-offers', c.id], queryFn: () => c.get<LegacyMasterState>({ kind: 'master' }, '/master/state'), refetchInterval: 10_000 });
  const rows = useMemo(() => (q.data ? outstandingOffers(q.data) : []), [q.data]);
  return (
    <>
      <div className="banner warn cluster-inline" role="note" data-testid="offers-fallback">
        This master has no offers stream (it is not a Plateau master), so the console cannot see offers being accepted, declined or rescinded. Showing the offers
        outstanding right now, read from <code>/master/state</code> every 10 s.
      </div>
      {q.isError && <ErrorBanner what="the master's state" error={q.error} retrying />}
      {q.isPending ? <p className="empty" role="status">Loading outstanding offers…</p> : <OfferList rows={rows} names={names} live={false} />}
    </>
  );
}

function OfferList({ rows, names, live }: { rows: OfferRow[]; names: Map<string, string>; live: boolean }) {
  const [filter, setFilter] = useState<OfferFilter>(NO_FILTER);
  const set = (patch: Partial<OfferFilter>) => setFilter((f) => ({ ...f, ...patch }));
  const counts = useMemo(() => countOutcomes(rows), [rows]);
  const shown = useMemo(() => filterOffers(rows, filter, (id) => names.get(id)), [rows, filter, names]);
  const byAgent = useMemo(() => tallyOffers(rows, 'agent', (_k, r) => r.hostname), [rows]);
  const byFramework = useMemo(() => tallyOffers(rows, 'framework', (k) => names.get(k) ?? k), [rows, names]);
  const columns = useMemo(() => offerColumns(names, live), [names, live]);
  const filtered = filter.outcome !== '' || filter.agentId !== '' || filter.frameworkId !== '' || filter.text !== '';
  return (
    <>
      <OutcomeCounts counts={counts} total={rows.length} live={live} selected={filter.outcome} onSelect={(outcome) => set({ outcome })} />
      <div className="toolbar">
        <SearchBox value={filter.text} onChange={(text) => set({ text })} placeholder="Filter offers" />
        {live && (
          <select aria-label="Outcome" value={filter.outcome} onChange={(e) => set({ outcome: e.target.value as OfferFilter['outcome'] })}>
            <option value="">All outcomes</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        )}
        <select aria-label="Agent" value={filter.agentId} onChange={(e) => set({ agentId: e.target.value })}>
          <option value="">All agents</option>
          {byAgent.map((a) => (
            <option key={a.key} value={a.key}>
              {a.label}
            </option>
          ))}
        </select>
        <select aria-label="Framework" value={filter.frameworkId} onChange={(e) => set({ frameworkId: e.target.value })}>
          <option value="">All frameworks</option>
          {byFramework.map((f) => (
            <option key={f.key} value={f.key}>
              {f.label}
            </option>
          ))}
        </select>
        {filtered && (
          <button type="button" onClick={() => setFilter(NO_FILTER)}>
            Clear filters
          </button>
        )}
        <span className="muted" data-testid="offers-shown">
          {shownCount(shown.length, rows.length, 'offers')}
        </span>
      </div>
      <VirtualTable
        rows={shown}
        columns={columns}
        rowKey={(r) => r.offerId}
        testId="offers-table"
        height={440}
        empty={rows.length === 0 ? (live ? 'No offers yet: they appear here as the master makes them.' : 'No offers are outstanding: every offer the master made has been answered.') : 'No offer matches the filters.'}
      />
      <div className="cluster-split">
        <Tally title="By agent" testId="offers-by-agent" rows={byAgent} live={live} selected={filter.agentId} onSelect={(agentId) => set({ agentId: agentId === filter.agentId ? '' : agentId })} />
        <Tally title="By framework" testId="offers-by-framework" rows={byFramework} live={live} selected={filter.frameworkId} onSelect={(frameworkId) => set({ frameworkId: frameworkId === filter.frameworkId ? '' : frameworkId })} />
      </div>
      {live && <p className="cluster-note">Counts and tallies cover the {rows.length} offers the console holds (it keeps the newest 500).</p>}
    </>
  );
}

function OutcomeCounts({ counts, total, live, selected, onSelect }: { counts: OfferCounts; total: number; live: boolean; selected: OfferFilter['outcome']; onSelect(o: OfferFilter['outcome']): void }) {
  const outcomes = live ? OUTCOMES : (['outstanding'] as const);
  return (
    <div className="cluster-counts" data-testid="offer-counts" role="group" aria-label="Offers by outcome (click to filter)">
      <button type="button" aria-pressed={selected === ''} onClick={() => onSelect('')} data-testid="offer-count-all">
        <span className="n">{total}</span>
        <span className="label">all</span>
      </button>
      {outcomes.map((o) => (
        <button key={o} type="button" className={`tone-${OUTCOME_TONE[o]}`} aria-pressed={selected === o} onClick={() => onSelect(selected === o ? '' : o)} data-testid={`offer-count-${o}`}>
          <span className="n">{counts[o]}</span>
          <span className="label">{o}</span>
        </button>
      ))}
    </div>
  );
}

function offerColumns(names: Map<string, string>, live: boolean): Array<Column<OfferRow>> {
  const cols: Array<Column<OfferRow>> = [
    { key: 'time', header: 'Time', width: '72px', render: (r) => <span title={fullTime(r.at)}>{clockTime(r.at)}</span> },
    { key: 'agent', header: 'Agent', width: 'minmax(90px, 1fr)', render: (r) => <a href={href('agents', r.agentId)} title={r.agentId} onClick={(e) => e.stopPropagation()}>{r.hostname}</a> },
    { key: 'framework', header: 'Framework', width: 'minmax(90px, 1fr)', render: (r) => <span title={r.frameworkId}>{names.get(r.frameworkId) ?? r.frameworkId}</span> },
    { key: 'role', header: 'Role', width: '70px', render: (r) => r.role },
    { key: 'cpus', header: 'CPUs', width: '52px', render: (r) => <span className="num">{formatNumber(r.resources.cpus)}</span> },
    { key: 'mem', header: 'Mem', width: '76px', render: (r) => formatMem(r.resources.mem) },
    { key: 'disk', header: 'Disk', width: '76px', render: (r) => formatMem(r.resources.disk) },
    { key: 'ports', header: 'Ports', width: '52px', render: (r) => <span className="num">{r.resources.ports}</span> },
    { key: 'outcome', header: 'Outcome', width: '104px', render: (r) => <TonePill tone={OUTCOME_TONE[r.outcome]} title={r.outcomeAt ? `${r.outcome} at ${fullTime(r.outcomeAt)}` : undefined}>{r.outcome}</TonePill> },
  ];
  if (live) cols.push({ key: 'detail', header: 'Details', width: 'minmax(160px, 2fr)', render: (r) => <OfferDetail row={r} /> });
  else cols.push({ key: 'id', header: 'Offer', width: 'minmax(160px, 2fr)', render: (r) => <span className="mono" title={r.offerId}>{r.offerId}</span> });
  return cols;
}

function OfferDetail({ row }: { row: OfferRow }) {
  switch (row.outcome) {
    case 'accepted': {
      const text = launchedText(row.launched);
      return <span title={text}>{text}</span>;
    }
    case 'declined':
      return <span title={`The framework will not be offered these resources again for ${row.refuseSeconds ?? 5} s (its decline filter)`}>filtered for {formatNumber(row.refuseSeconds ?? 5)} s</span>;
    case 'rescinded':
    case 'expired':
      return <span title={row.reason}>{row.reason ?? ''}</span>;
    default:
      return <span className="muted">waiting for the framework</span>;
  }
}

function Tally({ title, testId, rows, live, selected, onSelect }: { title: string; testId: string; rows: OfferTally[]; live: boolean; selected: string; onSelect(key: string): void }) {
  return (
    <section aria-label={title}>
      <h2>{title}</h2>
      {rows.length === 0 ? (
        <p className="empty">No offers.</p>
      ) : (
        <table className="grid" data-testid={testId}>
          <thead>
            <tr>
              <th>{title === 'By agent' ? 'Agent' : 'Framework'}</th>
              <th className="num">Offers</th>
              {live && (
                <>
                  <th className="num">Accepted</th>
                  <th className="num">Declined</th>
                  <th className="num">Rescinded / expired</th>
                  <th className="num">Accept rate</th>
                </>
              )}
            </tr>
          </thead>
          <tbody>
            {rows.map((t) => (
              <tr key={t.key} className={selected === t.key ? 'cluster-selected' : undefined}>
                <td>
                  <button type="button" className="cluster-linkbtn" aria-pressed={selected === t.key} title={`Show only ${t.label}'s offers`} onClick={() => onSelect(t.key)}>
                    {t.label}
                  </button>
                </td>
                <td className="num">{t.made}</td>
                {live && (
                  <>
                    <td className="num">{t.accepted}</td>
                    <td className="num">{t.declined}</td>
                    <td className="num">{t.rescinded + t.expired}</td>
                    <td className="num">{t.acceptRate === undefined ? '–' : `${Math.round(t.acceptRate * 100)}%`}</td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
