import { useDeferredValue, useMemo, useState } from 'react';
import { href, navigate } from '../components/router.js';
import { SearchBox, VirtualTable, type Column } from '../components/VirtualTable.js';
import { useConnection, useNow } from '../data/consoleContext.js';
import { useApps, type MarathonApp } from '../data/marathonQueries.js';
import { formatMem, formatNumber, shownCount } from '../model/format.js';
import { APP_STATUSES, appImageOrCmd, appMatches, appStatus, type AppStatus } from '../model/marathonModel.js';
import { AppLink, HealthBar, LoadError, NoMarathon, StatusPill } from './apps/AppParts.js';
import { AppsStyles } from './apps/AppsStyles.js';
import { useQueueIndex } from './apps/marathonHooks.js';

interface AppRow {
  app: MarathonApp;
  status: AppStatus;
}

const COLUMNS: Array<Column<AppRow>> = [
  { key: 'id', header: 'ID', width: 'minmax(160px, 2fr)', render: (r) => <AppLink id={r.app.id} /> },
  { key: 'status', header: 'Status', width: '96px', render: (r) => <StatusPill status={r.status} /> },
  {
    key: 'instances',
    header: 'Running',
    width: '80px',
    render: (r) => (
      <span title={`${r.app.tasksRunning ?? 0} running, ${r.app.tasksStaged ?? 0} staged, ${r.app.instances} wanted`} data-testid="instances">
        {r.app.tasksRunning ?? 0}/{r.app.instances}
      </span>
    ),
  },
  { key: 'health', header: 'Health', width: '230px', render: (r) => <HealthBar app={r.app} /> },
  { key: 'cpus', header: 'CPUs', width: '56px', render: (r) => formatNumber(r.app.cpus) },
  { key: 'mem', header: 'Memory', width: '76px', render: (r) => formatMem(r.app.mem) },
  {
    key: 'run',
    header: 'Image / command',
    width: 'minmax(0, 2fr)',
    render: (r) => {
      const text = appImageOrCmd(r.app);
      return (
        <span className="mono" title={text}>
          {text || '–'}
        </span>
      );
    },
  },
];

/**
 * AppsView is Marathon's app list, live: each app's status (including Waiting for offers and Delayed by backoff,
 * from the launch queue), running/wanted instances, a health bar, resources and what it runs. It filters by text
 * and `label:value` and by status, stays smooth with thousands of apps (virtualised), and leads to each app and to
 * creating one.
 */
export function AppsView() {
  const c = useConnection();
  const apps = useApps();
  const queue = useQueueIndex();
  const now = useNow(5000);
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState<AppStatus | ''>('');
  const deferredQuery = useDeferredValue(query);

  const rows = useMemo<AppRow[]>(
    () =>
      (apps.data ?? [])
        .map((app) => ({ app, status: appStatus(app, queue.byApp.get(app.id), now) }))
        .sort((a, b) => a.app.id.localeCompare(b.app.id)),
    [apps.data, queue.byApp, now],
  );
  const counts = useMemo(() => {
    const m = new Map<AppStatus, number>();
    for (const r of rows) m.set(r.status, (m.get(r.status) ?? 0) + 1);
    return m;
  }, [rows]);
  const shown = useMemo(() => rows.filter((r) => (status === '' || r.status === status) && appMatches(r.app, deferredQuery)), [rows, status, deferredQuery]);

  if (c.summary.marathon === undefined) return <NoMarathon title="Apps" />;
  const total = rows.length;
  return (
    <section>
      <AppsStyles />
      <h1>Apps</h1>
      <div className="toolbar apps-toolbar">
        <SearchBox value={query} onChange={setQuery} placeholder="Filter by id, command, image or label:value" />
        <select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value as AppStatus | '')}>
          <option value="">All statuses ({total})</option>
          {APP_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s} ({counts.get(s) ?? 0})
            </option>
          ))}
        </select>
        <span className="apps-count" aria-live="polite">
          {shownCount(shown.length, total, 'apps')}
        </span>
        <span className="apps-toolbar-spacer" />
        <a className="apps-btn primary" href={href('apps-new')}>
          Create app
        </a>
      </div>
      {apps.error ? <LoadError what="apps" error={apps.error} onRetry={() => void apps.refetch()} /> : null}
      {apps.isPending ? (
        <p className="empty">Loading apps…</p>
      ) : (
        <VirtualTable
          rows={shown}
          columns={COLUMNS}
          rowKey={(r) => r.app.id}
          onRowClick={(r) => navigate('apps', r.app.id)}
          testId="apps"
          height={640}
          empty={
            total === 0 ? (
              <>
                No apps yet. <a href={href('apps-new')}>Create an app</a> from a form or a JSON definition, or post one to Marathon's <code>/v2/apps</code> (as{' '}
                <code>dcos marathon app add app.json</code> does). It appears here as soon as Marathon accepts it.
              </>
            ) : (
              <>No app matches this filter. Filter terms match the id, command, image and labels; <code>key:value</code> matches a label.</>
            )
          }
        />
      )}
    </section>
  );
}
