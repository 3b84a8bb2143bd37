import { useDeferredValue, useMemo, useState } from 'react';
import { Connecting } from '../components/Connecting.js';
import { href, navigate } from '../components/router.js';
import { TaskStatePill } from '../components/TaskStatePill.js';
import { SearchBox, VirtualTable, type Column } from '../components/VirtualTable.js';
import { useFeed, useNow } from '../data/consoleContext.js';
import { useClusterMemo } from '../data/useClusterMemo.js';
import { formatAge, formatMem, formatNumber, fullTime, shownCount } from '../model/format.js';
import { HAS_CONTAINER, rowMatches, taskRows, type TaskRow } from '../model/taskRows.js';
import { AppsStyles } from './apps/AppsStyles.js';

/**
 * TasksView lists every task of the cluster from the master's event stream, live — any framework's, not only
 * Marathon's — with the completed ones on request. It filters by text and state, stays smooth with 10,000 tasks
 * (rows are derived once per state change and only visible rows are rendered), and opens a running task's
 * container view.
 */
export function TasksView() {
  const feed = useFeed();
  const now = useNow(10_000);
  const [query, setQuery] = useState('');
  const [stateFilter, setStateFilter] = useState('');
  const [withCompleted, setWithCompleted] = useState(false);
  const deferredQuery = useDeferredValue(query);
  const rows = useClusterMemo((state) => taskRows(state, withCompleted), [], [withCompleted]);
  const stateCounts = useMemo(() => {
    const m = new Map<string, number>();
    for (const r of rows) m.set(r.state, (m.get(r.state) ?? 0) + 1);
    return [...m].sort((a, b) => a[0].localeCompare(b[0]));
  }, [rows]);
  const shown = useMemo(() => {
    const terms = deferredQuery.toLowerCase().split(/\s+/).filter(Boolean);
    if (terms.length === 0 && stateFilter === '') return rows;
    return rows.filter((r) => (stateFilter === '' || r.state === stateFilter) && rowMatches(r, terms));
  }, [rows, deferredQuery, stateFilter]);

  const columns = useMemo<Array<Column<TaskRow>>>(
    () => [
      {
        key: 'id',
        header: 'Task',
        width: 'minmax(200px, 3fr)',
        render: (r) =>
          HAS_CONTAINER.has(r.state) ? (
            <a href={href('containers', r.agentId, r.frameworkId, r.executorId)} className="mono" title={`${r.id}: open its container`} onClick={(e) => e.stopPropagation()}>
              {r.id}
            </a>
          ) : (
            <span className="mono" title={r.id}>
              {r.id}
            </span>
          ),
      },
      { key: 'name', header: 'Name', width: 'minmax(100px, 1fr)', render: (r) => <span title={r.name}>{r.name}</span> },
      { key: 'framework', header: 'Framework', width: '110px', render: (r) => <span title={r.frameworkId}>{r.framework}</span> },
      { key: 'state', header: 'State', width: '120px', render: (r) => <TaskStatePill state={r.state} /> },
      { key: 'agent', header: 'Agent', width: '110px', render: (r) => <span title={r.agentId}>{r.host}</span> },
      { key: 'cpus', header: 'CPUs', width: '56px', render: (r) => formatNumber(r.cpus) },
      { key: 'mem', header: 'Memory', width: '80px', render: (r) => formatMem(r.mem) },
      { key: 'updated', header: 'Updated', width: '70px', render: (r) => (r.updated ? <span title={fullTime(r.updated)}>{formatAge(r.updated, now)} ago</span> : '–') },
    ],
    [now],
  );

  if (!feed || !feed.state.subscribed) return <Connecting title="Tasks" />;
  const live = feed.state.tasks.size;
  return (
    <section>
      <AppsStyles />
      <h1>Tasks</h1>
      <div className="toolbar apps-toolbar">
        <SearchBox value={query} onChange={setQuery} placeholder="Filter by task id, name, framework, state or agent" />
        <select aria-label="State" value={stateFilter} onChange={(e) => setStateFilter(e.target.value)}>
          <option value="">All states ({rows.length})</option>
          {stateCounts.map(([s, n]) => (
            <option key={s} value={s}>
              {s} ({n})
            </option>
          ))}
          {stateFilter !== '' && !stateCounts.some(([s]) => s === stateFilter) && <option value={stateFilter}>{stateFilter} (0)</option>}
        </select>
        <label className="muted">
          <input type="checkbox" checked={withCompleted} onChange={(e) => setWithCompleted(e.target.checked)} /> Show completed ({feed.state.completedTasks.size})
        </label>
        <span className="apps-count" aria-live="polite">
          {shownCount(shown.length, rows.length, 'tasks')}
        </span>
      </div>
      <VirtualTable
        rows={shown}
        columns={columns}
        rowKey={(r) => r.key}
        testId="tasks"
        height={680}
        onRowClick={(r) => {
          if (HAS_CONTAINER.has(r.state)) navigate('containers', r.agentId, r.frameworkId, r.executorId);
        }}
        empty={
          rows.length === 0
            ? live === 0 && !withCompleted
              ? 'No task is running on the cluster. Tasks appear here as frameworks (Marathon apps, jobs…) launch them; tick “Show completed” to see the ones that ended.'
              : 'No task.'
            : 'No task matches this filter.'
        }
      />
    </section>
  );
}
