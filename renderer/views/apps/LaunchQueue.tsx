import { DeclinedBar } from '../../components/DeclinedBar.js';
import { useClusterMemo } from '../../data/useClusterMemo.js';
import { formatAge, formatDuration, formatTime, resourceText } from '../../model/format.js';
import {
  backoffSeconds,
  declinedPercent,
  instanceAsks,
  largestAgent,
  mainBlocker,
  neverFits,
  NO_OFFER_CAUSES,
  reasonHelp,
  reasonTitle,
  type Capacity,
  type ReasonCount,
  type WireQueueEntry,
} from '../../model/launchQueue.js';

const amount = (k: keyof Capacity, n: number) => (k === 'mem' || k === 'disk' ? resourceText(k, n) : `${resourceText(k, n)} ${k === 'cpus' ? 'CPUs' : 'GPUs'}`);

function ReasonTable({ title, rows }: { title: string; rows: readonly ReasonCount[] }) {
  const blocker = mainBlocker(rows);
  return (
    <div className="apps-section">
      <h3>{title}</h3>
      <table className="grid apps-reasons" data-testid="queue-reasons">
        <thead>
          <tr>
            <th>Check</th>
            <th>What it means</th>
            <th className="num">Offers checked</th>
            <th className="num">Declined</th>
            <th>Share declined</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const share = declinedPercent(r);
            return (
              <tr key={r.reason} className={r === blocker ? 'blocker' : ''} data-key={r.reason}>
                <td title={r.reason}>
                  {reasonTitle(r.reason)} <span className="muted mono">{r.reason}</span>
                </td>
                <td className="help">{reasonHelp(r.reason)}</td>
                <td className="num">{r.processed}</td>
                <td className={`num${r.declined > 0 ? ' unhealthy-text' : ''}`}>{r.declined}</td>
                <td>
                  <DeclinedBar percent={share} title={`${share.toFixed(0)}% of the offers checked were declined here`} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/**
 * LaunchQueuePanel answers "why is my app not starting?" from Marathon's launch queue: how many instances wait and
 * since when, a backoff delay and its time left, how many offers Marathon looked at and why it declined them
 * (role, constraints, CPUs, memory, disk, ports...: `processedOffersSummary`), what the app asks for, and with
 * `detailed`, the last declined offers agent by agent.
 */
export function LaunchQueuePanel({ entry, now, detailed }: { entry: WireQueueEntry; now: number; detailed?: boolean }) {
  const largest = useClusterMemo((state) => largestAgent(state.agents.values()), undefined, []);
  const summary = entry.processedOffersSummary;
  const since = entry.since ? Date.parse(entry.since) : NaN;
  const delay = backoffSeconds(entry);
  const waiting = entry.count ?? 0;
  const checked = summary?.processedOffersCount ?? 0;
  const lastRows = summary?.rejectSummaryLastOffers ?? [];
  const attemptRows = summary?.rejectSummaryLaunchAttempt ?? [];
  const blocker = mainBlocker(lastRows) ?? mainBlocker(attemptRows);
  const app = entry.app;
  const asks = instanceAsks(entry);
  const tooBig = app ? neverFits({ cpus: app.cpus, mem: app.mem, disk: app.disk, gpus: app.gpus }, largest) : [];
  return (
    <div className={`card ${delay > 0 ? 'apps-bad' : 'apps-alert'}`} data-testid="launch-queue">
      <h3>{delay > 0 ? 'Delayed by backoff' : 'Waiting in the launch queue'}</h3>
      <p className="apps-card-text">
        <strong>{waiting}</strong> instance{waiting === 1 ? '' : 's'} waiting to launch
        {Number.isFinite(since) ? ` for ${formatAge(since, now)} (since ${formatTime(entry.since)})` : ''}.
        {delay > 0 && (
          <>
            {' '}
            Marathon holds the next launch for <strong>{formatDuration(delay)}</strong> more because earlier tasks failed; fix the cause (see the last failure), then
            use <em>Reset delay</em> to retry at once.
          </>
        )}
      </p>
      {summary && (
        <p className="apps-card-text">
          Marathon checked <strong>{checked}</strong> offer{checked === 1 ? '' : 's'} for it;{' '}
          <strong>{summary.unusedOffersCount ?? 0}</strong> did not fit
          {summary.lastUnusedOfferAt ? ` (the last at ${formatTime(summary.lastUnusedOfferAt)})` : ''}.
          {checked === 0 && ` No offer has reached Marathon since: ${NO_OFFER_CAUSES}.`}
        </p>
      )}
      {tooBig.length > 0 && (
        <p className="apps-card-text unhealthy-text" data-testid="never-fits">
          No agent is big enough, so waiting will not help: one instance asks for{' '}
          {tooBig.map((t) => `${amount(t.resource, t.ask)} (the largest agent has ${amount(t.resource, t.largest)} in all)`).join(', ')}. Lower the request or add a larger agent.
        </p>
      )}
      {blocker && (
        <p className="apps-card-text" data-testid="main-blocker">
          Most offers were declined for <strong>{reasonTitle(blocker.reason)}</strong> ({blocker.reason}, {blocker.declined} of {blocker.processed}): {reasonHelp(blocker.reason)}
        </p>
      )}
      {asks.length > 0 && <p className="apps-card-text muted">One instance asks for {asks.join(' · ')}.</p>}
      {lastRows.length > 0 && <ReasonTable title="Why the last offers were declined" rows={lastRows} />}
      {attemptRows.length > 0 && <ReasonTable title="Why the last launch attempt's offers were declined" rows={attemptRows} />}
      {summary && lastRows.length === 0 && attemptRows.length === 0 && <p className="muted">Marathon has not declined an offer for this app yet.</p>}
      {detailed && (entry.lastUnusedOffers ?? []).length > 0 && (
        <div className="apps-section">
          <h3>Last declined offers</h3>
          <table className="grid">
            <thead>
              <tr>
                <th>Agent</th>
                <th>Declined for</th>
                <th>When</th>
              </tr>
            </thead>
            <tbody>
              {(entry.lastUnusedOffers ?? []).map((u, i) => (
                <tr key={`${u.offer?.id}-${i}`}>
                  <td title={u.offer?.agentId}>{u.offer?.hostname ?? u.offer?.agentId ?? '–'}</td>
                  <td className="view-wrap">{(u.reason ?? []).map(reasonTitle).join(', ') || '–'}</td>
                  <td title={u.timestamp}>{u.timestamp ? `${formatAge(Date.parse(u.timestamp), now)} ago` : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
