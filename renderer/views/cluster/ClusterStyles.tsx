import { ViewStyles } from '../../components/ViewStyles.js';

/**
 * The few rules the cluster views (offers, agents, frameworks, roles, containers, events) add to styles.css:
 * outcome counts, compact usage bars, chart colours, the expandable event list; the rules they share with the
 * Marathon views are ViewStyles'.
 */
const CSS = `
.cluster-head { display: flex; align-items: baseline; gap: 12px; flex-wrap: wrap; margin: 0 0 10px; }
.cluster-head h1 { margin: 0; overflow-wrap: anywhere; }
.cluster-counts { display: flex; gap: 8px; flex-wrap: wrap; margin: 0 0 12px; }
.cluster-counts button { display: flex; flex-direction: column; align-items: flex-start; min-width: 104px; padding: 6px 12px; background: var(--panel); border-radius: 8px; }
.cluster-counts button[aria-pressed='true'] { border-color: var(--accent); box-shadow: inset 0 0 0 1px var(--accent); }
.cluster-counts .n { font-size: 20px; font-weight: 600; line-height: 1.2; }
.cluster-counts .label { font-size: 12px; color: var(--muted); }
.cluster-counts .tone-ok .n { color: var(--ok); }
.cluster-counts .tone-warn .n { color: var(--warn); }
.cluster-counts .tone-bad .n { color: var(--bad); }
.cluster-counts .tone-accent .n { color: var(--accent); }
.cluster-usage { display: flex; align-items: center; gap: 8px; min-width: 0; }
.cluster-usage .bar { width: 40px; flex: none; height: 8px; }
.cluster-usage .text { overflow: hidden; text-overflow: ellipsis; }
.cluster-split { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 14px; align-items: start; }
.cluster-split h2 { margin-top: 8px; }
table.grid tr.cluster-selected td { background: var(--panel-2); }
.cluster-linkbtn { background: none; border: 0; padding: 0; color: var(--accent); cursor: pointer; font: inherit; text-align: left; }
.cluster-linkbtn:hover { text-decoration: underline; }
.cluster-queue { display: flex; flex-direction: column; gap: 12px; }
.cluster-queue .card h3 { text-transform: none; letter-spacing: 0; font-size: 14px; color: var(--text); }
.cluster-queue .headline { margin: 2px 0 8px; }
.cluster-queue table.grid { margin-top: 6px; table-layout: fixed; }
.cluster-queue td.why { white-space: normal; min-width: 260px; }
.cluster-queue th.reason { width: 210px; }
.cluster-queue th.declined { width: 96px; }
.cluster-queue th.share { width: 150px; }
.cluster-quota { display: grid; grid-template-columns: repeat(auto-fill, minmax(600px, 1fr)); gap: 14px; }
.cluster-quota table.grid { margin: 6px 0 0; }
.cluster-quota .bar { position: relative; width: 110px; }
.cluster-quota .bar .guarantee { position: absolute; top: 0; bottom: 0; width: 2px; background: var(--warn); }
.cluster-quota .bar .used.over { background: var(--bad); }
.cluster-stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 12px; margin: 14px 0; }
.cluster-stats .big { font-size: 21px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.cluster-stats .big .of { font-size: 14px; font-weight: 400; color: var(--muted); }
.chart .cluster-chart-head { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; margin: 0 0 6px; }
.chart .cluster-chart-head .limit { font-size: 12px; color: var(--bad); font-weight: 600; }
.chart .recharts-cartesian-grid line { stroke: var(--border); }
.chart .recharts-cartesian-axis-line, .chart .recharts-cartesian-axis-tick-line { stroke: var(--border); }
.chart .cluster-series-memory .recharts-area-curve { stroke: var(--accent); }
.chart .cluster-series-memory .recharts-area-area { fill: var(--accent); fill-opacity: .18; }
.chart .cluster-series-cpu .recharts-area-curve { stroke: var(--ok); }
.chart .cluster-series-cpu .recharts-area-area { fill: var(--ok); fill-opacity: .18; }
.chart .cluster-series-throttled .recharts-area-curve { stroke: var(--warn); }
.chart .cluster-series-throttled .recharts-area-area { fill: var(--warn); fill-opacity: .18; }
.chart .cluster-limit line { stroke: var(--bad); }
.chart .cluster-limit text { fill: var(--bad); font-size: 11px; font-weight: 600; }
.chart .recharts-tooltip-wrapper .recharts-default-tooltip { background: var(--panel) !important; border-color: var(--border) !important; color: var(--text); }
.chart .empty-chart { height: 180px; display: flex; align-items: center; justify-content: center; color: var(--muted); }
.cluster-log-head { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
.cluster-log-head .tabs { flex: 1; margin: 12px 0 8px; }
pre.log.cluster-log { max-height: 420px; min-height: 120px; }
.cluster-chips { display: flex; gap: 4px; flex-wrap: wrap; }
.cluster-chips button { padding: 1px 8px; border-radius: 10px; font-size: 12px; }
.cluster-chips button[aria-pressed='true'] { border-color: var(--accent); color: var(--accent); background: var(--panel); }
.cluster-chips .count { color: var(--muted); margin-left: 4px; }
.cluster-events { border: 1px solid var(--border); border-radius: 8px; background: var(--panel); overflow: auto; }
.cluster-events .event { border-bottom: 1px solid var(--border); }
.cluster-events .event > button { display: grid; grid-template-columns: 84px 90px minmax(140px, 220px) minmax(0, 1fr); gap: 8px; align-items: center; width: 100%; height: 32px; padding: 0 10px; text-align: left; background: none; border: 0; border-radius: 0; }
.cluster-events .event > button:hover { background: var(--panel-2); }
.cluster-events .event > button > span { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.cluster-events .event.open > button { background: var(--panel-2); }
.cluster-events .event pre { margin: 0; border: 0; border-radius: 0; border-top: 1px solid var(--border); max-height: 360px; background: var(--bg); }
.cluster-events-head { display: grid; grid-template-columns: 84px 90px minmax(140px, 220px) minmax(0, 1fr); gap: 8px; padding: 0 10px; height: 30px; align-items: center; color: var(--muted); font-weight: 600; font-size: 12px; background: var(--panel-2); border: 1px solid var(--border); border-bottom: 0; border-radius: 8px 8px 0 0; }
.cluster-events-head + .cluster-events { border-radius: 0 0 8px 8px; }
.banner.cluster-inline { margin: 10px 0; }
.cluster-note { color: var(--muted); font-size: 12px; margin: 4px 0 10px; }
`;

/** ClusterStyles adds the cluster views' rules (and the shared ones) to the document once, however many views render it. */
export function ClusterStyles() {
  return <ViewStyles sheet="plateau-cluster-views" css={CSS} />;
}
