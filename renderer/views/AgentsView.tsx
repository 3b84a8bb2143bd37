import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Connecting } from '../components/Connecting.js';
import { Crumbs } from '../components/Crumbs.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { href, navigate } from '../components/router.js';
import { StreamBadges } from '../components/StreamBadges.js';
import { TaskStatePill } from '../components/TaskStatePill.js';
import { TonePill, type Tone } from '../components/TonePill.js';
import { matches, SearchBox, VirtualTable, type Column } from '../components/VirtualTable.js';
import { useConnection, useFeed, useNow } from '../data/consoleContext.js';
import { useClusterMemo } from '../data/useClusterMemo.js';
import { agentResourceLines, agentRows, agentStatus, attributesLine, executorIdOf, frameworkNames, shortId, tasksOnAgent, type AgentRow, type ResourceLine } from '../model/clusterRows.js';
import { attributeText, scalar, type WireTask } from '../model/clusterState.js';
import { ContainerTable, type ContainerRow } from '../model/containerTrack.js';
import type { WireMonitorEntry } from '../model/containerUsage.js';
import { formatAge, formatBytes, formatMem, formatNumber, fullTime, resourceText, shownCount } from '../model/format.js';
import { ClusterStyles } from './cluster/ClusterStyles.js';
import { UsageCell } from './cluster/UsageCell.js';

const STATUS_TONE: Record<AgentRow['status'], Tone> = { active: 'ok', inactive: 'warn', removed: 'bad' };
const AGENTS_TRAIL = [{ label: 'Agents', href: href('agents') }];

/**
 * AgentsView lists every agent the master knows (and the ones it removed) live from the operator stream: resources
 * used of total with bars, ports, attributes, task counts. It is virtualised, so a 5,000-agent cluster scrolls as
 * smoothly as a small one; a row (or its hostname link) opens the agent.
 */
export function AgentsView() {
  const feed = useFeed();
  const now = useNow(10_000);
  const [query, setQuery] = useState('');
  const rows = useClusterMemo(agentRows, [], []);
  const shown = useMemo(() => rows.filter((r) => matches(query, r.hostname, r.id, r.status, r.attributes, r.ports, r.version)), [rows, query]);
  const columns = useMemo(() => agentColumns(now), [now]);
  if (!feed || !feed.state.subscribed) return <Connecting title="Agents" />;
  const active = rows.filter((r) => r.status === 'active').length;
  return (
    <section>
      <ClusterStyles />
      <div className="cluster-head">
        <h1>Agents</h1>
        <span className="muted" data-testid="agents-summary">
          {active} active · {rows.filter((r) => r.status === 'inactive').length} inactive · {rows.filter((r) => r.status === 'removed').length} removed
        </span>
      </div>
      <StreamBadges />
      <div className="toolbar">
        <SearchBox value={query} onChange={setQuery} placeholder="Filter by host, id, attribute" />
        <span className="muted">{shownCount(shown.length, rows.length, 'agents')}</span>
      </div>
      <VirtualTable
        rows={shown}
        columns={columns}
        rowKey={(r) => r.id}
        testId="agents-table"
        height={620}
        onRowClick={(r) => navigate('agents', r.id)}
        empty={rows.length === 0 ? 'No agent has registered with the master yet.' : 'No agent matches the filter.'}
      />
    </section>
  );
}

function agentColumns(now: number): Array<Column<AgentRow>> {
  return [
    { key: 'host', header: 'Hostname', width: 'minmax(100px, 1.2fr)', render: (r) => <a href={href('agents', r.id)} onClick={(e) => e.stopPropagation()}>{r.hostname}</a> },
    { key: 'id', header: 'ID', width: 'minmax(64px, 0.6fr)', render: (r) => <span className="mono muted" title={r.id}>{shortId(r.id)}</span> },
    { key: 'state', header: 'State', width: '76px', render: (r) => <TonePill tone={STATUS_TONE[r.status]}>{r.status}</TonePill> },
    { key: 'cpus', header: 'CPUs used', width: '112px', render: (r) => <UsageCell name="cpus" {...r.cpus} /> },
    { key: 'mem', header: 'Memory used', width: '168px', render: (r) => <UsageCell name="mem" {...r.mem} /> },
    { key: 'disk', header: 'Disk used', width: '168px', render: (r) => <UsageCell name="disk" {...r.disk} /> },
    { key: 'ports', header: 'Ports', width: 'minmax(90px, 0.8fr)', render: (r) => <span className="mono" title={r.ports}>{r.ports || '–'}</span> },
    { key: 'attrs', header: 'Attributes', width: 'minmax(90px, 1fr)', render: (r) => <span title={r.attributes}>{r.attributes || '–'}</span> },
    { key: 'tasks', header: 'Tasks', width: '48px', render: (r) => <span className="num">{r.tasks}</span> },
    { key: 'reg', header: 'Registered', width: '78px', render: (r) => <span title={fullTime(r.registeredAt)}>{r.registeredAt ? `${formatAge(r.registeredAt, now)} ago` : '–'}</span> },
  ];
}

/**
 * AgentDetailView is one agent: its resources (total, allocated, offered), attributes, tasks, and the containers it
 * runs with their live usage (the agent's `/monitor/statistics`, polled every 2 s), each linking to its container
 * page with charts and sandbox logs.
 */
export function AgentDetailView({ agentId }: { agentId: string }) {
  const feed = useFeed();
  const now = useNow(10_000);
  if (!feed || !feed.state.subscribed) return <Connecting title="Agent" />;
  const removed = !feed.state.agents.has(agentId);
  const agent = feed.state.agents.get(agentId) ?? feed.state.removedAgents.get(agentId);
  if (!agent) {
    return (
      <section>
        <Crumbs trail={AGENTS_TRAIL} />
        <h1>Unknown agent</h1>
        <p className="empty">
          The master does not know an agent <code>{agentId}</code>. It may have been removed before the console connected.
        </p>
      </section>
    );
  }
  const status = agentStatus(agent, removed);
  const total = agent.total_resources ?? agent.agent_info.resources;
  const registered = agent.registered_time ? Math.round(agent.registered_time.nanoseconds / 1e6) : undefined;
  return (
    <section>
      <ClusterStyles />
      <Crumbs trail={AGENTS_TRAIL} />
      <div className="cluster-head">
        <h1>{agent.agent_info.hostname}</h1>
        <TonePill tone={STATUS_TONE[status]} testId="agent-state">
          {status}
        </TonePill>
        <span className="mono muted">{agentId}</span>
      </div>
      <StreamBadges />
      <div className="cards">
        {(['cpus', 'mem', 'disk'] as const).map((n) => (
          <div className="card" key={n}>
            <h3>{n === 'mem' ? 'Memory' : n === 'cpus' ? 'CPUs' : 'Disk'}</h3>
            <div className="big">{resourceText(n, scalar(agent.allocated_resources, n))}</div>
            <div className="muted">
              allocated of {resourceText(n, scalar(total, n))} · {resourceText(n, scalar(agent.offered_resources, n))} offered
            </div>
          </div>
        ))}
        <div className="card">
          <h3>Agent</h3>
          <div className="muted">{agent.version ? `Mesos ${agent.version}` : 'version unknown'}</div>
          <div className="muted" title={fullTime(registered)}>
            {registered ? `registered ${formatAge(registered, now)} ago` : ''}
          </div>
          {agent.pid && <div className="muted mono">{agent.pid}</div>}
        </div>
      </div>
      <div className="cluster-split">
        <section aria-labelledby="agent-resources">
          <h2 id="agent-resources">Resources</h2>
          <table className="grid" data-testid="agent-resources">
            <thead>
              <tr>
                <th>Resource</th>
                <th className="num">Total</th>
                <th className="num">Allocated</th>
                <th className="num">Offered</th>
                <th className="num">Free</th>
                <th>Use</th>
              </tr>
            </thead>
            <tbody>
              {agentResourceLines(agent).map((l) => (
                <tr key={l.name}>
                  <td>{l.name}</td>
                  <td className="num" title={l.ranges?.total}>
                    {resourceText(l.name, l.total)}
                  </td>
                  <td className="num" title={l.ranges?.allocated}>
                    {resourceText(l.name, l.allocated)}
                  </td>
                  <td className="num" title={l.ranges?.offered}>
                    {resourceText(l.name, l.offered)}
                  </td>
                  <td className="num">{resourceText(l.name, l.free)}</td>
                  <td>
                    <UsageCell name={l.name} used={l.allocated} offered={l.offered} total={l.total} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <PortRanges lines={agentResourceLines(agent)} />
        </section>
        <section aria-labelledby="agent-attributes">
          <h2 id="agent-attributes">Attributes</h2>
          {(agent.agent_info.attributes ?? []).length === 0 ? (
            <p className="empty">This agent has no attributes.</p>
          ) : (
            <table className="grid" data-testid="agent-attributes" title={attributesLine(agent)}>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Value</th>
                </tr>
              </thead>
              <tbody>
                {(agent.agent_info.attributes ?? []).map((a) => (
                  <tr key={a.name}>
                    <td>{a.name}</td>
                    <td className="mono">{attributeText(a)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
      {removed ? <p className="banner warn cluster-inline">The master removed this agent; its containers cannot be read.</p> : <AgentContainers agentId={agentId} />}
      <AgentTasks agentId={agentId} />
    </section>
  );
}

function PortRanges({ lines }: { lines: ResourceLine[] }) {
  const r = lines.find((l) => l.ranges)?.ranges;
  if (!r) return null;
  return (
    <p className="cluster-note">
      Ports <span className="mono">{r.total}</span>
      {r.allocated && (
        <>
          {' '}
          · allocated <span className="mono">{r.allocated}</span>
        </>
      )}
      {r.offered && (
        <>
          {' '}
          · offered <span className="mono">{r.offered}</span>
        </>
      )}
    </p>
  );
}

function AgentTasks({ agentId }: { agentId: string }) {
  const feed = useFeed();
  const tasks = useClusterMemo((state) => tasksOnAgent(state, agentId), [], [agentId]);
  const names = useClusterMemo(frameworkNames, new Map<string, string>(), []);
  const columns: Array<Column<WireTask>> = useMemo(
    () => [
      { key: 'name', header: 'Task', width: 'minmax(140px, 1.5fr)', render: (t) => <span title={t.task_id.value}>{t.name || t.task_id.value}</span> },
      { key: 'fw', header: 'Framework', width: 'minmax(90px, 0.8fr)', render: (t) => <span title={t.framework_id.value}>{names.get(t.framework_id.value) ?? t.framework_id.value}</span> },
      { key: 'state', header: 'State', width: '96px', render: (t) => <TaskStatePill state={t.state} short /> },
      { key: 'cpus', header: 'CPUs', width: '56px', render: (t) => <span className="num">{formatNumber(scalar(t.resources, 'cpus'))}</span> },
      { key: 'mem', header: 'Mem', width: '80px', render: (t) => formatMem(scalar(t.resources, 'mem')) },
      { key: 'id', header: 'Task ID', width: 'minmax(140px, 1.5fr)', render: (t) => <span className="mono muted" title={t.task_id.value}>{t.task_id.value}</span> },
      {
        key: 'container',
        header: 'Container',
        width: '92px',
        render: (t) => (
          <a href={href('containers', agentId, t.framework_id.value, executorIdOf(t))} title="Usage charts and sandbox logs">
            open
          </a>
        ),
      },
    ],
    [names, agentId],
  );
  const live = tasks.filter((t) => feed?.state.tasks.has(`${t.framework_id.value}/${t.task_id.value}`)).length;
  return (
    <section aria-labelledby="agent-tasks">
      <h2 id="agent-tasks">
        Tasks <span className="muted">({live} live, {tasks.length - live} recently completed)</span>
      </h2>
      <VirtualTable rows={tasks} columns={columns} rowKey={(t) => `${t.framework_id.value}/${t.task_id.value}`} testId="agent-tasks" height={360} empty="No tasks on this agent." />
    </section>
  );
}

function AgentContainers({ agentId }: { agentId: string }) {
  const c = useConnection();
  const feed = useFeed();
  // One table per agent: it remembers the previous reading of each container, for CPU rates.
  const tracker = useMemo(() => new ContainerTable(), [agentId]);
  const q = useQuery({
    queryKey: ['agent-containers', c.id, agentId],
    queryFn: async () => tracker.update(await c.get<WireMonitorEntry[]>({ kind: 'agent', agentId }, '/monitor/statistics')),
    refetchInterval: 2000,
    staleTime: 0,
    gcTime: 0,
  });
  const names = feed?.state.frameworks;
  const columns: Array<Column<ContainerRow>> = [
    {
      key: 'exec',
      header: 'Executor',
      width: 'minmax(180px, 2fr)',
      render: (r) => (
        <a href={href('containers', agentId, r.entry.framework_id, r.entry.executor_id)} title={r.entry.executor_name ?? r.entry.executor_id}>
          {r.entry.executor_id}
        </a>
      ),
    },
    { key: 'fw', header: 'Framework', width: 'minmax(90px, 0.8fr)', render: (r) => <span title={r.entry.framework_id}>{names?.get(r.entry.framework_id)?.framework_info.name ?? r.entry.framework_id}</span> },
    { key: 'source', header: 'Source', width: 'minmax(100px, 1fr)', render: (r) => <span className="muted" title={r.entry.source}>{r.entry.source ?? '–'}</span> },
    {
      key: 'cpu',
      header: 'CPU % of limit',
      width: 'minmax(150px, 1fr)',
      render: (r) =>
        r.sample.cpuPercent === undefined ? (
          <span className="muted">measuring…</span>
        ) : (
          <PercentCell percent={r.sample.cpuPercent} text={`${r.sample.cpuPercent.toFixed(1)}% of ${formatNumber(r.sample.cpusLimit)} CPU`} />
        ),
    },
    {
      key: 'mem',
      header: 'Memory used / limit',
      width: 'minmax(170px, 1.2fr)',
      render: (r) =>
        r.sample.memUsedBytes === undefined ? (
          <span className="muted">–</span>
        ) : (
          <PercentCell percent={r.sample.memLimitBytes ? (r.sample.memUsedBytes / r.sample.memLimitBytes) * 100 : 0} text={`${formatBytes(r.sample.memUsedBytes)} / ${formatBytes(r.sample.memLimitBytes)}`} />
        ),
    },
  ];
  let body;
  if (q.isPending) body = <p className="empty" role="status">Reading the agent's container statistics…</p>;
  else if (q.isError && !q.data) body = <ErrorBanner what="the agent's /monitor/statistics" error={q.error} retrying />;
  else
    body = (
      <>
        {q.isError && <ErrorBanner what="the agent's /monitor/statistics" error={q.error} retrying />}
        <VirtualTable rows={q.data ?? []} columns={columns} rowKey={(r) => r.key} testId="agent-containers" height={300} empty="No containers are running on this agent." />
      </>
    );
  return (
    <section aria-labelledby="agent-containers">
      <h2 id="agent-containers">
        Containers <span className="muted">(live, every 2 s)</span>
      </h2>
      {body}
    </section>
  );
}

function PercentCell({ percent, text }: { percent: number; text: string }) {
  const p = Math.max(0, Math.min(100, percent));
  return (
    <span className="cluster-usage" title={text}>
      <span className="bar" aria-hidden="true">
        <span className="used" style={{ width: `${p}%`, background: percent >= 90 ? 'var(--bad)' : undefined }} />
      </span>
      <span className="text">{text}</span>
    </span>
  );
}
