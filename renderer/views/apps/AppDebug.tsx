import { useFeed } from '../../data/consoleContext.js';
import { useClusterMemo } from '../../data/useClusterMemo.js';
import type { MarathonApp } from '../../data/marathonQueries.js';
import { TaskStatePill } from '../../components/TaskStatePill.js';
import { agentHostname } from '../../model/clusterRows.js';
import type { WireTask } from '../../model/clusterState.js';
import { formatAge, formatTime, fullTime } from '../../model/format.js';
import type { WireQueueEntry } from '../../model/launchQueue.js';
import { mesosTaskName } from '../../model/marathonModel.js';
import { LaunchQueuePanel } from './LaunchQueue.js';

const RECENT = 20;

/** LastFailure shows Marathon's record of the app's last failed task: usually the first clue to a crash loop. */
export function LastFailure({ app }: { app: MarathonApp }) {
  const f = app.lastTaskFailure;
  if (!f) return <p className="muted">No task of this app has failed since Marathon started.</p>;
  return (
    <dl className="view-kv" data-testid="last-failure">
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
export function AppDebug({ app, queued, frameworkId, now }: { app: MarathonApp; queued: WireQueueEntry | undefined; frameworkId: string | undefined; now: number }) {
  const state = useFeed()?.state;
  const ended = useClusterMemo(
    (s) => {
      if (!frameworkId) return [];
      const name = mesosTaskName(app.id);
      const out: WireTask[] = [];
      for (const t of s.completedTasks.values()) if (t.framework_id.value === frameworkId && t.name === name) out.push(t);
      return out.slice(-RECENT).reverse();
    },
    [],
    [frameworkId, app.id],
  );
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
              const host = state ? agentHostname(state, t.agent_id.value) : t.agent_id.value;
              return (
                <tr key={t.task_id.value} data-key={t.task_id.value}>
                  <td className="mono">{t.task_id.value}</td>
                  <td>
                    <TaskStatePill state={t.state} />
                  </td>
                  <td>{last?.reason ?? '–'}</td>
                  <td className="view-wrap mono">{last?.message ?? '–'}</td>
                  <td>{host}</td>
                  <td title={fullTime(last?.timestamp !== undefined ? last.timestamp * 1000 : undefined)}>{last?.timestamp ? `${formatAge(last.timestamp * 1000, now)} ago` : '–'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
