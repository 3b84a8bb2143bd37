import { useMemo } from 'react';
import { useFeed } from '../../data/consoleContext.js';
import { formatAge, formatMem, formatNumber } from '../../model/format.js';
import { formatTime, largestAgent, mainBlocker, neverFits, reasonHelp, reasonTitle, type Capacity, type QueueEntry, type ReasonCount } from './marathonModel.js';

const amount = (k: keyof Capacity, n: number) => (k === 'mem' || k === 'disk' ? formatMem(n) : `${formatNumber(n)} ${k === 'cpus' ? 'CPUs' : 'GPUs'}`);

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
            const share = r.processed > 0 ? (r.declined / r.processed) * 100 : 0;
            return (
              <tr key={r.reason} className={r === blocker ? 'blocker' : ''} data-key={r.reason}>
                <td title={r.reason}>
                  {reasonTitle(r.reason)} <span className="muted mono">{r.reason}</span>
                </td>
                <td className="help">{reasonHelp(r.reason)}</td>
                <td className="num">{r.processed}</td>
                <td className={`num${r.declined > 0 ? ' unhealthy-text' : ''}`}>{r.declined}</td>
                <td>
                  <span className="bar" title={`${share.toFixed(0)}% of the offers checked were declined here`}>
                    <span className="declined" style={{ width: `${share}%` }} />
                  </span>
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
export function LaunchQueuePanel({ entry, now, detailed }: { entry: QueueEntry; now: number; detailed?: boolean }) {
  const feed = useFeed();
  const agents = feed?.state.agents;
  const agentsVersion = feed?.version;
  // The state is mutated in place: its version is what says the agents changed.
  const largest = useMemo(() => (agents && agentsVersion !== undefined ? largestAgent(agents.values()) : undefined), [agents, agentsVersion]);
  const summary = entry.processedOffersSummary;
  const since = entry.since ? Date.parse(entry.since) : NaN;
  const delayed = entry.delay && !entry.delay.overdue && entry.delay.timeLeftSeconds > 0;
  const lastRows = summary?.rejectSummaryLastOffers ?? [];
  const attemptRows = summary?.rejectSummaryLaunchAttempt ?? [];
  const blocker = mainBlocker(lastRows) ?? mainBlocker(attemptRows);
  const app = entry.app;
  const asks = app
    ? [
        `${formatNumber(app.cpus)} CPUs`,
        `${formatMem(app.mem ?? 0)} memory`,
        app.disk ? `${formatMem(app.disk)} disk` : '',
        app.gpus ? `${app.gpus} GPUs` : '',
        (entry.role ?? app.role) ? `role ${entry.role ?? app.role}` : '',
        (app.acceptedResourceRoles ?? []).length > 0 ? `accepted roles ${(app.acceptedResourceRoles ?? []).join(', ')}` : '',
        (app.constraints ?? []).length > 0 ? `constraints ${(app.constraints ?? []).map((c) => c.join(':')).join(', ')}` : '',
      ].filter(Boolean)
    : [];
  const tooBig = app ? neverFits({ cpus: app.cpus, mem: app.mem, disk: app.disk, gpus: app.gpus }, largest) : [];
  return (
    <div className={`card ${delayed ? 'apps-bad' : 'apps-alert'}`} data-testid="launch-queue">
      <h3>{delayed ? 'Delayed by backoff' : 'Waiting in the launch queue'}</h3>
      <p className="apps-card-text">
        <strong>{entry.count}</strong> instance{entry.count === 1 ? '' : 's'} waiting to launch
        {Number.isFinite(since) ? ` for ${formatAge(since, now)} (since ${formatTime(entry.since)})` : ''}.
        {delayed && (
          <>
            {' '}
            Marathon holds the next launch for <strong>{entry.delay?.timeLeftSeconds}s</strong> more because earlier tasks failed; fix the cause (see the last failure), then
            use <em>Reset delay</em> to retry at once.
          </>
        )}
      </p>
      {summary && (
        <p className="apps-card-text">
          Marathon checked <strong>{summary.processedOffersCount}</strong> offer{summary.processedOffersCount === 1 ? '' : 's'} for it;{' '}
          <strong>{summary.unusedOffersCount}</strong> did not fit
          {summary.lastUnusedOfferAt ? ` (the last at ${formatTime(summary.lastUnusedOfferAt)})` : ''}.
          {summary.processedOffersCount === 0 && ' No offer has reached Marathon since: the cluster may have no free resources for its role, or they are offered to other frameworks.'}
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
                <tr key={`${u.offer.id}-${i}`}>
                  <td title={u.offer.agentId}>{u.offer.hostname ?? u.offer.agentId ?? '–'}</td>
                  <td className="apps-wrap">{u.reason.map(reasonTitle).join(', ') || '–'}</td>
                  <td title={u.timestamp}>{formatAge(Date.parse(u.timestamp), now)} ago</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
