import { useQuery } from '@tanstack/react-query';
import { startTransition, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Crumbs } from '../components/Crumbs.js';
import { href } from '../components/router.js';
import { TaskStatePill } from '../components/TaskStatePill.js';
import { TonePill, type Tone } from '../components/TonePill.js';
import type { FeedSnapshot } from '../data/clusterFeeds.js';
import { useConnection } from '../data/consoleContext.js';
import { agentHostname, containerIdOf, findTask } from '../model/clusterRows.js';
import { TERMINAL_STATES } from '../model/clusterState.js';
import { ContainerTrack, findSandbox, historySample, type TrackState, type WireAgentState, type WireHistorySample } from '../model/containerTrack.js';
import { StatisticsSource } from '../model/containerUsage.js';
import { clockTime, errorText, formatBytes, formatNumber, shortState } from '../model/format.js';
import { ClusterStyles } from './cluster/ClusterStyles.js';
import { SandboxLogs } from './cluster/SandboxLogs.js';
import { useFeedSelector } from './cluster/useFeedSelector.js';
import { CpuChart, MemoryChart, ThrottleChart } from './cluster/UsageCharts.js';

const POLL_MS = 2000;
const MAX_POINTS = 150;
const STATE_TONE: Record<TrackState, Tone> = { loading: 'muted', live: 'ok', ended: 'bad', absent: 'warn' };
const STATE_TEXT: Record<TrackState, string> = { loading: 'connecting', live: 'running', ended: 'ended', absent: 'not running' };

/**
 * ContainerView is one container, seen the way it sees itself: memory used against its own limit (what `free` inside
 * it shows as total), CPU as a share of its CPU limit, and throttling, charted live every 2 s from the agent (a
 * Plateau agent answers for this container alone, starting from its recorded history; an Apache Mesos agent's
 * `/monitor/statistics` lists them all), with the task's sandbox `stdout` / `stderr` tailed below. When the container
 * ends, the last charts stay, marked as ended.
 */
export function ContainerView({ agentId, frameworkId, executorId }: { agentId: string; frameworkId: string; executorId: string }) {
  const c = useConnection();
  const track = useMemo(() => new ContainerTrack(frameworkId, executorId), [agentId, frameworkId, executorId]);
  const [version, setVersion] = useState(0);
  const [pollError, setPollError] = useState<string | undefined>();

  // Poll the container's statistics; the track says whether anything changed, so an idle container costs no render.
  const plateauAgent = c.summary.flavor === 'plateau';
  const source = useMemo(() => new StatisticsSource((path) => c.get<unknown>({ kind: 'agent', agentId }, path), frameworkId, executorId, plateauAgent), [c, agentId, frameworkId, executorId, plateauAgent]);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The error is set only when it changes: React keeps each setState queued until the page renders again, and the
    // page of an ended container does not (see useFileTail).
    let shownError: string | undefined | null = null;
    const showError = (error: string | undefined) => {
      if (error === shownError) return;
      shownError = error;
      setPollError(error);
    };
    const tick = async () => {
      try {
        const entries = await source.read();
        if (stopped) return;
        // A transition: React renders the charts in slices and yields to the browser, so a redraw never costs a frame.
        if (track.observe(entries)) startTransition(() => setVersion(track.version));
        showError(undefined);
      } catch (err) {
        if (stopped) return;
        showError(errorText(err));
      }
      if (!stopped) timer = setTimeout(() => void tick(), POLL_MS);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [source, track]);

  const agentState = useQuery({
    queryKey: ['agent-state', c.id, agentId],
    queryFn: () => c.get<WireAgentState>({ kind: 'agent', agentId }, '/state'),
    refetchInterval: (q) => (q.state.data && findSandbox(q.state.data, frameworkId, executorId)?.directory ? false : 10_000),
  });
  const sandbox = useMemo(() => (agentState.data ? findSandbox(agentState.data, frameworkId, executorId) : undefined), [agentState.data, frameworkId, executorId]);
  // Only what this page shows of the feed: it need not redraw while offers and other tasks stream by.
  const selectInfo = useCallback(
    (feed: FeedSnapshot) => {
      const { state } = feed;
      const fw = state.frameworks.get(frameworkId) ?? state.completedFrameworks.get(frameworkId);
      return { task: findTask(state, agentId, frameworkId, executorId), frameworkName: fw?.framework_info.name, hostname: agentHostname(state, agentId) };
    },
    [agentId, frameworkId, executorId],
  );
  const info = useFeedSelector(selectInfo);
  const task = info?.task;
  const containerId = (task && containerIdOf(task)) ?? sandbox?.containerId;
  const taskEnded = task !== undefined && TERMINAL_STATES.has(task.state);

  // On Plateau agents, start the charts from the agent's recorded history (once per container).
  const historyFor = useRef<string | undefined>(undefined);
  const [historyNote, setHistoryNote] = useState<string | undefined>();
  useEffect(() => {
    if (c.summary.flavor !== 'plateau' || !containerId || historyFor.current === `${track.frameworkId}/${track.executorId}/${containerId}`) return undefined;
    historyFor.current = `${track.frameworkId}/${track.executorId}/${containerId}`;
    let stopped = false;
    c.get<{ samples?: WireHistorySample[] }>({ kind: 'agent', agentId }, `/plateau/v1/containers/${encodeURIComponent(containerId)}/samples`)
      .then((answer) => {
        if (stopped) return;
        const samples = (answer?.samples ?? []).map(historySample);
        if (track.addHistory(samples)) setVersion(track.version);
        setHistoryNote(samples.length > 0 ? `The charts start from ${samples.length} samples the agent recorded before this page opened.` : undefined);
      })
      .catch((err: unknown) => {
        if (!stopped) setHistoryNote(`The agent has no recorded history for this container (${errorText(err)}).`);
      });
    return () => {
      stopped = true;
    };
  }, [c, agentId, containerId, track]);

  const charts = useMemo(() => {
    void version;
    return track.chartData(MAX_POINTS);
  }, [track, version]);
  const now = track.current;
  const frameworkName = info?.frameworkName;
  const hostname = info?.hostname ?? agentId;
  const emptyText = track.state === 'absent' ? 'No samples: the container is not running.' : 'Waiting for samples…';
  const memPct = now.memUsedBytes !== undefined && now.memLimitBytes ? (now.memUsedBytes / now.memLimitBytes) * 100 : undefined;

  return (
    <section>
      <ClusterStyles />
      <Crumbs
        trail={[
          { label: 'Agents', href: href('agents') },
          { label: hostname, href: href('agents', agentId) },
        ]}
      />
      <div className="cluster-head">
        <h1>{task?.name || executorId}</h1>
        <TonePill tone={STATE_TONE[track.state]} testId="container-state">
          {STATE_TEXT[track.state]}
        </TonePill>
        {task && <TaskStatePill state={task.state} short />}
      </div>
      <dl className="view-kv">
        <dt>Agent</dt>
        <dd>
          <a href={href('agents', agentId)}>{hostname}</a> <span className="mono muted">{agentId}</span>
        </dd>
        <dt>Framework</dt>
        <dd>
          {frameworkName ?? ''} <span className="mono muted">{frameworkId}</span>
        </dd>
        <dt>Executor</dt>
        <dd className="mono">{executorId}</dd>
        {task && task.task_id.value !== executorId && (
          <>
            <dt>Task</dt>
            <dd className="mono">{task.task_id.value}</dd>
          </>
        )}
        <dt>Container</dt>
        <dd className="mono">{containerId ?? <span className="muted">unknown</span>}</dd>
      </dl>
      {pollError && (
        <div className="banner error" role="alert">
          Could not read the agent's {source.path}: {pollError} — retrying every 2 s.
        </div>
      )}
      {track.state === 'ended' && (
        <div className="banner warn cluster-inline" role="status" data-testid="container-ended">
          Container ended: the agent stopped reporting it{now.at ? ` after ${clockTime(now.at)}` : ''}. The charts keep its last samples.
        </div>
      )}
      {track.state === 'absent' && (
        <div className="banner warn cluster-inline" role="status" data-testid="container-absent">
          {taskEnded ? `This container has ended (its task is ${shortState(task.state)}): the agent no longer reports its usage.` : 'The agent is not running this container: it has ended, or not started yet.'}
          {charts.memory.length > 0 ? ' The charts show its recorded history.' : ''}
        </div>
      )}
      <div className="cluster-stats">
        <div className="card">
          <h3>Memory</h3>
          <div className="big" data-testid="memory-now">
            {now.memUsedBytes !== undefined ? (
              <>
                {formatBytes(now.memUsedBytes)} <span className="of">/ {formatBytes(now.memLimitBytes)}</span>
              </>
            ) : (
              '–'
            )}
          </div>
          <div className="muted">{memPct !== undefined ? `${memPct.toFixed(1)}% of the container's limit` : 'used / limit'}</div>
        </div>
        <div className="card">
          <h3>CPU</h3>
          <div className="big" data-testid="cpu-now">
            {now.cpuPercent !== undefined ? `${now.cpuPercent.toFixed(1)}%` : '–'}
          </div>
          <div className="muted">{now.cpusLimit !== undefined ? `${formatNumber(now.cpusUsed ?? 0)} of ${formatNumber(now.cpusLimit)} CPUs` : track.state === 'live' ? 'measuring…' : 'of the CPU limit'}</div>
        </div>
        <div className="card">
          <h3>Throttled</h3>
          <div className="big" data-testid="throttled-now">
            {now.throttledPercent !== undefined ? `${now.throttledPercent.toFixed(1)}%` : '–'}
          </div>
          <div className="muted">{now.throttledPercent !== undefined ? 'of CPU periods' : 'not reported by this agent'}</div>
        </div>
      </div>
      {track.state === 'loading' && !pollError ? (
        <p className="empty" role="status">
          Reading the container's statistics…
        </p>
      ) : (
        <div className="charts">
          <MemoryChart points={charts.memory} limitBytes={now.memLimitBytes} emptyText={emptyText} />
          <CpuChart points={charts.cpu} cpusLimit={now.cpusLimit} emptyText={emptyText} />
          {charts.throttled.length > 0 && <ThrottleChart points={charts.throttled} />}
        </div>
      )}
      {historyNote && <p className="cluster-note">{historyNote}</p>}
      {sandbox?.directory ? (
        <SandboxLogs agentId={agentId} directory={sandbox.directory} follow={track.state !== 'ended' && !taskEnded} />
      ) : (
        <section aria-labelledby="sandbox-logs">
          <h2 id="sandbox-logs">Sandbox logs</h2>
          {agentState.isPending ? (
            <p className="empty" role="status">
              Finding the sandbox…
            </p>
          ) : agentState.isError ? (
            <div className="banner error" role="alert">
              Could not read the agent's /state to find the sandbox: {errorText(agentState.error)}
            </div>
          ) : (
            <p className="empty">The agent does not list this executor's sandbox (it may have been garbage-collected).</p>
          )}
        </section>
      )}
    </section>
  );
}
