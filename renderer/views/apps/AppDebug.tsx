import { useMemo } from 'react';
import { useFeed } from '../../data/consoleContext.js';
import type { MarathonApp } from '../../data/marathonQueries.js';
import type { WireTask } from '../../model/clusterState.js';
import { formatAge } from '../../model/format.js';
import { LaunchQueuePanel } from './LaunchQueue.js';
import { formatTime, mesosTaskName, type QueueEntry } from './marathonModel.js';

const RECENT = 20;

/** LastFailure shows Marathon's record of the app's last failed task: usually the first clue to a crash loop. */
export function LastFailure({ app }: { app: MarathonApp }) {
  const f = app.lastTaskFailure;
  if (!f) return <p className="muted">No task of this app has failed since Marathon started.</p>;
  return (
    <dl className="apps-kv" data-testid="last-failure">
      <dt>State</dt>
      <dd>
        <span className="pill state-FAILED">{f.state}</span>
      </dd>
      <dt>Message</dt>
      <dd className="mono">{f.message || '(none)'}</dd>
      <dt>When</dt>
      <dd>{formatTime(f.timestamp)}</dd>
      <dt>Task</dt>
      <dd className="mono">{f.taskId}</dd>
      <dt>Host</dt>
      <dd>{f.host || '–'}</dd>
    </dl>
  );
}

/**
 * AppDebug gathers what explains a misbehaving app: Marathon's last task failure, the launch queue's reasons for
 * declining offers (agent by agent), and the app's recently ended tasks as the Mesos master saw them, with each
 * one's final state, reason and message.
 */
export function AppDebug({ app, queued, frameworkId, now }: { app: MarathonApp; queued: QueueEntry | undefined; frameworkId: string | undefined; now: number }) {
  const feed = useFeed();
  const version = feed?.version;
  const state = feed?.state;
  const ended = useMemo(() => {
    if (!state || !frameworkId) return [];
    const name = mesosTaskName(app.id);
    const out: WireTask[] = [];
    for (const t of state.completedTasks.values()) if (t.framework_id.value === frameworkId && t.name === name) out.push(t);
    return out.slice(-RECENT).reverse();
    // The state is mutated in place: `version` is what says it moved.
  }, [state, version, frameworkId, app.id]);
  return (
    <div>
      <h2>Last task failure</h2>
      <LastFailure app={app} />
      <h2>Launch queue</h2>
      {queued ? <LaunchQueuePanel entry={queued} now={now} detailed /> : <p className="muted">The app is not waiting for offers: every wanted instance has been launched.</p>}
      <h2>Recently ended tasks</h2>
      {!frameworkId ? (
        <p className="muted">Waiting for Marathon's framework id…</p>
      ) : ended.length === 0 ? (
        <p className="muted">The master has no ended task of this app in its recent history.</p>
      ) : (
        <table className="grid" data-testid="ended-tasks">
          <thead>
            <tr>
              <th>Task</th>
              <th>State</th>
              <th>Reason</th>
              <th>Message</th>
              <th>Agent</th>
              <th>Ended</th>
            </tr>
          </thead>
          <tbody>
            {ended.map((t) => {
              const last = t.statuses?.at(-1);
              const host = state?.agents.get(t.agent_id.value)?.agent_info.hostname ?? state?.removedAgents.get(t.agent_id.value)?.agent_info.hostname ?? t.agent_id.value;
              return (
                <tr key={t.task_id.value} data-key={t.task_id.value}>
                  <td className="mono">{t.task_id.value}</td>
                  <td>
                    <span className={`pill state-${t.state.replace(/^TASK_/, '')}`}>{t.state}</span>
                  </td>
                  <td>{last?.reason ?? '–'}</td>
                  <td className="apps-wrap mono">{last?.message ?? '–'}</td>
                  <td>{host}</td>
                  <td title={last?.timestamp ? new Date(last.timestamp * 1000).toLocaleString() : ''}>{last?.timestamp ? `${formatAge(last.timestamp * 1000, now)} ago` : '–'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
