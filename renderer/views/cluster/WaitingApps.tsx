import { useMemo } from 'react';
import { DeclinedBar } from '../../components/DeclinedBar.js';
import { ErrorBanner } from '../../components/ErrorBanner.js';
import { href } from '../../components/router.js';
import { TonePill } from '../../components/TonePill.js';
import { useConnection, useNow } from '../../data/consoleContext.js';
import { useQueue } from '../../data/marathonQueries.js';
import { formatDuration } from '../../model/format.js';
import { declinedPercent, queueRows, type QueueRow } from '../../model/launchQueue.js';

/**
 * WaitingApps answers "why are apps waiting?" under the offers: for every app in Marathon's launch queue, how many
 * instances wait, any backoff delay, and why Marathon could not use the offers it saw, one plain sentence per reason.
 * It polls `/v2/queue?embed=lastUnusedOffers` every 3 s (Marathon events also refresh it).
 */
export function WaitingApps() {
  const c = useConnection();
  const queue = useQueue();
  const now = useNow(5000);
  const rows = useMemo(() => queueRows(queue.data ?? [], now), [queue.data, now]);
  let body;
  if (c.summary.marathon === undefined) body = <p className="empty">This connection has no Marathon, so there is no launch queue to explain.</p>;
  else if (queue.isPending) body = <p className="empty" role="status">Loading Marathon's launch queue…</p>;
  else if (queue.isError && !queue.data) body = <ErrorBanner what="Marathon's launch queue" error={queue.error} retrying />;
  else if (rows.length === 0) body = <p className="empty">No app is waiting for resources: Marathon's launch queue is empty.</p>;
  else
    body = (
      <div className="cluster-queue">
        {queue.isError && <ErrorBanner what="Marathon's launch queue" error={queue.error} retrying />}
        {rows.map((r) => (
          <QueueCard key={r.id} row={r} />
        ))}
      </div>
    );
  return (
    <section aria-labelledby="waiting-apps" data-testid="launch-queue">
      <h2 id="waiting-apps">Why are apps waiting?</h2>
      {body}
    </section>
  );
}

function QueueCard({ row }: { row: QueueRow }) {
  return (
    <div className="card" data-testid="queue-entry" data-app={row.id}>
      <div className="cluster-head">
        <h3>{row.kind === 'app' ? <a href={href('apps', row.id)}>{row.id}</a> : row.id}</h3>
        <TonePill tone="warn">{row.waiting} waiting</TonePill>
        {row.delaySeconds > 0 && (
          <TonePill tone="bad" title="Marathon backs off after failed launches">
            delayed {formatDuration(row.delaySeconds)}
          </TonePill>
        )}
        {row.role && <span className="muted">role {row.role}</span>}
        <span className="muted">
          {row.processed} offers seen · {row.unused} unused
        </span>
      </div>
      <p className="headline">{row.headline}</p>
      {row.reasons.length > 0 && (
        <table className="grid">
          <thead>
            <tr>
              <th className="reason">Reason</th>
              <th className="num declined">Declined</th>
              <th className="share">Share</th>
              <th>What it means</th>
            </tr>
          </thead>
          <tbody>
            {row.reasons.map((r) => {
              const pct = declinedPercent(r);
              return (
                <tr key={r.reason} data-reason={r.reason}>
                  <td className="mono">{r.reason}</td>
                  <td className="num">
                    {r.declined}
                    {r.processed > 0 ? ` / ${r.processed}` : ''}
                  </td>
                  <td>
                    <DeclinedBar percent={pct} title={`${pct.toFixed(0)}% of the offers seen`} />
                  </td>
                  <td className="why">{r.text}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {row.lastHosts.length > 0 && <p className="cluster-note">Last unused offers came from {row.lastHosts.join(', ')}.</p>}
    </div>
  );
}
