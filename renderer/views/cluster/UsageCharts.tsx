import { memo, useMemo, useRef } from 'react';
import { Area, AreaChart, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import { byteTicks, percentTicks, timeTicks } from '../../model/chartTicks.js';
import type { Point } from '../../model/downsample.js';
import { clockTime, formatBytes, formatNumber } from '../../model/format.js';

const HEIGHT = 180;
const MARGIN = { top: 10, right: 26, bottom: 0, left: 4 };
const percent = (v: number) => `${Math.round(v)}%`;
const THROTTLE_TICKS = [0, 25, 50, 75, 100];
const X_DOMAIN = ['dataMin', 'dataMax'];
const WAITING = 'Waiting for samples…';

/** TickProps is what recharts hands a custom axis tick: its anchor point and the tick's value. */
interface TickProps {
  x: number;
  y: number;
  textAnchor?: 'start' | 'middle' | 'end' | 'inherit';
  payload: { value: number };
}

/**
 * axisTick draws a tick label as one plain SVG `text`. Recharts' own `Text` measures every label it has not seen in a
 * hidden DOM node, to wrap it to the axis width, and a time axis brings new labels with every redraw (profiled: a few
 * per cent of a live page's script time; the page's CPU did not move measurably). Labels here are short and never
 * wrap. `dy` places the text as recharts does: below the tick on the x axis, centred on it on the y axis.
 */
function axisTick(format: (v: number) => string, dy: string) {
  return function AxisTick({ x, y, textAnchor, payload }: TickProps) {
    return (
      <text className="recharts-cartesian-axis-tick-value" x={x} y={y} dy={dy} textAnchor={textAnchor}>
        {format(payload.value)}
      </text>
    );
  };
}

const X_TICK = axisTick(clockTime, '0.71em');

interface SeriesChartProps {
  points: readonly Point[];
  /** kind picks the series colour (see ClusterStyles). */
  kind: 'memory' | 'cpu' | 'throttled';
  /** ticks are the y axis's ticks; the last is its top. */
  ticks: number[];
  format(v: number): string;
  name: string;
  limit?: { y: number; label: string };
  /** emptyText is shown until the first point. */
  emptyText: string;
}

/**
 * SeriesChart draws one downsampled series as an area over time, with an optional limit line. It is cheap on
 * purpose (the bench charts ten containers at once): no animation, no dots, and `memo` so it redraws only when its
 * points (memoised by sample count upstream) change.
 */
const SeriesChart = memo(function SeriesChart({ points, kind, ticks, format, name, limit, emptyText }: SeriesChartProps) {
  const first = points[0]?.t ?? 0;
  const last = points[points.length - 1]?.t ?? 0;
  // Everything but the data keeps its identity between redraws while its value holds, so recharts and React can
  // tell what did not change.
  const xTicks = useStableNumbers(timeTicks(first, last, 4));
  const yTicks = useStableNumbers(ticks);
  const top = yTicks[yTicks.length - 1] ?? 1;
  const yDomain = useMemo(() => [0, top], [top]);
  const yTick = useMemo(() => axisTick(format, '0.355em'), [format]);
  // The same element object lets React skip the line's own render entirely.
  const limitY = limit?.y;
  const limitLabel = limit?.label;
  const limitLine = useMemo(
    () =>
      limitY === undefined ? null : (
        <ReferenceLine y={limitY} className="cluster-limit" stroke="var(--bad)" strokeDasharray="5 4" strokeWidth={1.5} label={{ value: limitLabel, position: 'insideTopRight', fill: 'var(--bad)', fontSize: 11, fontWeight: 600 }} />
      ),
    [limitY, limitLabel],
  );
  if (points.length === 0) return <div className="empty-chart">{emptyText}</div>;
  return (
    <ResponsiveContainer width="100%" height={HEIGHT}>
      <AreaChart data={points as Point[]} margin={MARGIN} className={`cluster-series-${kind}`}>
        <XAxis dataKey="t" type="number" domain={X_DOMAIN} ticks={xTicks} interval={0} tick={X_TICK} tickMargin={4} />
        <YAxis domain={yDomain} ticks={yTicks} tick={yTick} width={62} allowDataOverflow interval={0} />
        {limitLine}
        <Area dataKey="v" name={name} type="linear" isAnimationActive={false} dot={false} activeDot={false} strokeWidth={1.5} />
      </AreaChart>
    </ResponsiveContainer>
  );
});

/** useStableNumbers returns the previous array while the numbers are the same, so memoised consumers see no change. */
function useStableNumbers(values: number[]): number[] {
  const ref = useRef(values);
  const prev = ref.current;
  if (prev !== values && (prev.length !== values.length || prev.some((v, i) => v !== values[i]))) ref.current = values;
  return ref.current;
}

function maxOf(points: readonly Point[]): number {
  let m = 0;
  for (const p of points) if (p.v > m) m = p.v;
  return m;
}

/**
 * MemoryChart plots the memory a container uses, as `free` inside it would say, against its own limit: the line is
 * what the container sees as its total memory (lxcfs's MemTotal), not the host's.
 */
export const MemoryChart = memo(function MemoryChart({ points, limitBytes, emptyText = WAITING }: { points: readonly Point[]; limitBytes?: number; emptyText?: string }) {
  const top = Math.max(limitBytes ?? 0, maxOf(points)) * 1.05;
  const ticks = useMemo(() => byteTicks(top), [top]);
  return (
    <div className="chart" data-testid="memory-chart">
      <div className="cluster-chart-head">
        <h3>Memory used</h3>
        <span className="limit" data-testid="memory-limit">
          {limitBytes !== undefined ? `limit ${formatBytes(limitBytes)}` : 'no limit reported'}
        </span>
      </div>
      <SeriesChart points={points} kind="memory" ticks={ticks} format={formatBytes} name="used" emptyText={emptyText} limit={limitBytes !== undefined ? { y: limitBytes, label: `limit ${formatBytes(limitBytes)}` } : undefined} />
    </div>
  );
});

/** CpuChart plots CPU use as a percentage of the container's CPU limit (100% = the limit), with the limit in CPUs. */
export const CpuChart = memo(function CpuChart({ points, cpusLimit, emptyText = WAITING }: { points: readonly Point[]; cpusLimit?: number; emptyText?: string }) {
  // Headroom above 100% keeps the limit line and its label off the chart's top edge.
  const top = Math.max(110, maxOf(points) * 1.05);
  const ticks = useMemo(() => percentTicks(top), [top]);
  const cpus = cpusLimit !== undefined ? `${formatNumber(cpusLimit)} CPU${cpusLimit === 1 ? '' : 's'}` : undefined;
  return (
    <div className="chart" data-testid="cpu-chart">
      <div className="cluster-chart-head">
        <h3>CPU (% of limit)</h3>
        <span className="limit" data-testid="cpu-limit">
          {cpus ? `limit ${cpus}` : 'no limit reported'}
        </span>
      </div>
      <SeriesChart points={points} kind="cpu" ticks={ticks} format={percent} name="CPU" emptyText={emptyText} limit={{ y: 100, label: cpus ? `100% = ${cpus}` : '100%' }} />
    </div>
  );
});

/** ThrottleChart plots the share of CFS periods in which the container was throttled (it wanted more CPU than its limit). */
export const ThrottleChart = memo(function ThrottleChart({ points }: { points: readonly Point[] }) {
  return (
    <div className="chart" data-testid="throttle-chart">
      <div className="cluster-chart-head">
        <h3>CPU throttling (% of periods)</h3>
      </div>
      <SeriesChart points={points} kind="throttled" ticks={THROTTLE_TICKS} format={percent} name="throttled" emptyText={WAITING} />
    </div>
  );
});
