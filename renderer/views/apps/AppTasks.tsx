import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { href } from '../../components/router.js';
import { VirtualTable, type Column } from '../../components/VirtualTable.js';
import { marathonKey } from '../../data/clusterFeeds.js';
import { useConnection, useFeed, useNow } from '../../data/consoleContext.js';
import type { MarathonApp, MarathonTask } from '../../data/marathonQueries.js';
import { TaskStatePill } from '../../components/TaskStatePill.js';
import { formatAge, formatShortTime, formatTime } from '../../model/format.js';
import { appPath, isLocked, lastHealthy, marathonFailure, taskHealth } from '../../model/marathonModel.js';
import { FailureView } from './Dialog.js';

interface KillRequest {
  taskId: string;
  scale: boolean;
  force: boolean;
}

/**
 * AppTasks is the app's task table: each task's Mesos state, health verdict, host and ports, age and version,
 * with "Kill" (Marathon starts a replacement), "Kill & scale" (one instance fewer) and a "Stats" link to the
 * container view. A kill refused because a deployment holds the app offers to force it.
 */
export function AppTasks({ app, frameworkId }: { app: MarathonApp; frameworkId: string | undefined }) {
  const c = useConnection();
  const queryClient = useQueryClient();
  const now = useNow(5000);
  const feed = useFeed();
  const liveTasks = feed?.state.tasks;
  const feedVersion = feed?.version;
  const kill = useMutation({
    mutationFn: ({ taskId, scale, force }: KillRequest) => {
      const params = [scale ? 'scale=true' : '', force ? 'force=true' : ''].filter(Boolean).join('&');
      return c.send<unknown>({ kind: 'marathon' }, 'DELETE', appPath(app.id, `/tasks/${encodeURIComponent(taskId)}${params ? `?${params}` : ''}`));
    },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: marathonKey(c.id) }),
  });
  const tasks = useMemo(() => [...(app.tasks ?? [])].sort((a, b) => (a.stagedAt ?? '').localeCompare(b.stagedAt ?? '') || a.id.localeCompare(b.id)), [app.tasks]);
  const { isSuccess, reset } = kill;
  useEffect(() => {
    if (!isSuccess) return undefined;
    const t = setTimeout(reset, 8000);
    return () => clearTimeout(t);
  }, [isSuccess, reset]);
  const configAt = app.versionInfo?.lastConfigChangeAt;
  const checked = (app.healthChecks ?? []).length > 0;
  const outdated = (t: MarathonTask) => !!t.version && !!configAt && t.version < configAt;
  const mutate = kill.mutate;
  const busyTask = kill.isPending ? kill.variables?.taskId : undefined;

  const columns = useMemo<Array<Column<MarathonTask>>>(
    () => [
      {
        key: 'id',
        header: 'Task',
        width: 'minmax(200px, 3fr)',
        render: (t) => (
          <span className="mono" title={t.id}>
            {t.id}
          </span>
        ),
      },
      {
        key: 'state',
        header: 'State',
        width: '118px',
        render: (t) => (t.state ? <TaskStatePill state={t.state} /> : <span className="muted">–</span>),
      },
      {
        key: 'health',
        header: 'Health',
        width: '86px',
        render: (t) => {
          const mesos = frameworkId ? lastHealthy(liveTasks?.get(`${frameworkId}/${t.id}`)?.statuses) : undefined;
          const h = taskHealth(t, mesos);
          const cause = t.healthCheckResults?.find((r) => !r.alive)?.lastFailureCause;
          const title = cause ?? ((t.healthCheckResults ?? []).length === 0 && mesos !== undefined ? "from the health check Mesos runs" : h === 'unknown' ? (checked ? 'no health check result yet' : 'the app has no health checks') : undefined);
          return (
            <span className={h === 'unknown' ? 'pill muted' : `pill ${h}`} title={title}>
              {h}
            </span>
          );
        },
      },
      { key: 'host', header: 'Host', width: 'minmax(90px, 1fr)', render: (t) => <span title={t.slaveId ?? t.agentId}>{t.host || '–'}</span> },
      { key: 'ports', header: 'Ports', width: '96px', render: (t) => <span className="mono">{(t.ports ?? []).join(', ') || '–'}</span> },
      {
        key: 'started',
        header: 'Started',
        width: '64px',
        render: (t) => {
          const at = t.startedAt ?? t.stagedAt;
          return <span title={`${t.startedAt ? 'started' : 'staged'} ${formatTime(at)}`}>{at ? formatAge(Date.parse(at), now) : '–'}</span>;
        },
      },
      {
        key: 'version',
        header: 'Version',
        width: '130px',
        render: (t) => (
          <span
            title={outdated(t) ? `${t.version}: launched from an older configuration than the app's current one` : t.version}
            className={outdated(t) ? 'unhealthy-text' : ''}
          >
            {formatShortTime(t.version, now)}
          </span>
        ),
      },
      {
        key: 'actions',
        header: '',
        width: '210px',
        render: (t) => {
          const agentId = t.slaveId ?? t.agentId;
          const busy = busyTask === t.id;
          return (
            <div className="cell-actions">
              <button type="button" className="apps-sm" disabled={busy} title="Kill this task; Marathon starts a replacement" onClick={() => mutate({ taskId: t.id, scale: false, force: false })}>
                Kill
              </button>
              <button type="button" className="apps-sm" disabled={busy} title="Kill this task and run one instance fewer" onClick={() => mutate({ taskId: t.id, scale: true, force: false })}>
                Kill &amp; scale
              </button>
              {agentId && frameworkId ? (
                <a className="apps-btn apps-sm" href={href('containers', agentId, frameworkId, t.id)} title="Resource usage of this task's container">
                  Stats
                </a>
              ) : (
                <span className="muted" title={frameworkId ? 'The task has no agent yet' : "Marathon's framework id is not known yet"}>
                  Stats
                </span>
              )}
            </div>
          );
        },
      },
    ],
    [configAt, checked, busyTask, frameworkId, mutate, now, liveTasks, feedVersion],
  );

  const failure = kill.error ? marathonFailure(kill.error) : null;
  const last = kill.variables;
  return (
    <div>
      {kill.isSuccess && last && (
        <div className="banner ok" role="status">
          Killed <code>{last.taskId}</code>. {last.scale ? `Marathon scales ${app.id} down by one.` : 'Marathon starts a replacement.'}
        </div>
      )}
      {failure && last && (
        <FailureView failure={failure}>
          {isLocked(failure) && (
            <div className="actions" style={{ marginTop: 6 }}>
              <button type="button" className="danger apps-sm" onClick={() => kill.mutate({ ...last, force: true })}>
                Force
              </button>
              <span className="muted">cancels the running deployment.</span>
            </div>
          )}
        </FailureView>
      )}
      <VirtualTable
        rows={tasks}
        columns={columns}
        rowKey={(t) => t.id}
        testId="app-tasks"
        height={480}
        empty={app.instances === 0 ? 'No tasks: the app is suspended (0 instances). Scale it up to run it.' : 'No tasks are running yet. If this lasts, the launch queue above says why.'}
      />
    </div>
  );
}
