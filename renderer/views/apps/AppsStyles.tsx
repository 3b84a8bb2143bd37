import { ViewStyles } from '../../components/ViewStyles.js';

/**
 * The few rules the Marathon views add to styles.css (health bars, dialogs, compact row buttons, link buttons,
 * the queue's reason table); the rules they share with the cluster views are ViewStyles'.
 */
const CSS = `
.apps-btn { display: inline-flex; align-items: center; background: var(--panel-2); color: var(--text); border: 1px solid var(--border); border-radius: 5px; padding: 5px 10px; font: inherit; white-space: nowrap; }
.apps-btn:hover { border-color: var(--accent); text-decoration: none; }
.apps-btn.primary, button.primary.apps-danger { color: #fff; }
.apps-btn.primary { background: var(--accent); border-color: var(--accent); }
button.primary.apps-danger { background: var(--bad); border-color: var(--bad); }
button.apps-sm, .apps-btn.apps-sm { padding: 1px 7px; font-size: 12px; line-height: 18px; }
.apps-toolbar-spacer { flex: 1; }
.apps-toolbar .search { min-width: 380px; }
.apps-health { display: flex; align-items: center; gap: 8px; min-width: 0; }
.apps-health .bar { width: 72px; flex: none; height: 8px; }
.apps-health .seg-healthy { background: var(--ok); }
.apps-health .seg-unhealthy { background: var(--bad); }
.apps-health .seg-unknown { background: var(--accent); opacity: .55; }
.apps-health .seg-staged { background: var(--warn); opacity: .7; }
.apps-head { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; margin: 0 0 12px; }
.apps-head h1 { margin: 0; word-break: break-all; }
.apps-dialog { width: min(520px, 92vw); }
.apps-dialog.wide { width: min(900px, 94vw); }
.apps-dialog h2 { margin: 0 0 12px; font-size: 16px; word-break: break-all; }
.apps-dialog-body { display: flex; flex-direction: column; gap: 10px; }
.apps-dialog-body label { display: flex; flex-direction: column; gap: 3px; color: var(--muted); font-size: 12px; }
.apps-dialog-body label > input { color: var(--text); }
.apps-dialog-body pre.log { max-height: 50vh; }
.apps-dialog-actions { justify-content: flex-end; margin-top: 14px; }
.apps-failure ul { margin: 6px 0 0; padding-left: 18px; }
.apps-failure code { color: inherit; }
.apps-section { margin: 16px 0 0; }
.apps-create { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 18px; align-items: start; max-width: 1200px; }
@media (max-width: 900px) { .apps-create { grid-template-columns: minmax(0, 1fr); } }
.apps-create .form { grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); }
.apps-create textarea.apps-json { width: 100%; min-height: 380px; resize: vertical; }
.apps-create pre.log { max-height: 420px; }
.apps-create input:disabled { opacity: .5; cursor: not-allowed; }
.apps-field-error { color: var(--bad); font-size: 12px; }
.form label > input[aria-invalid='true'], textarea[aria-invalid='true'] { border-color: var(--bad); }
.apps-hint { color: var(--muted); font-size: 12px; }
.apps-reasons tr.blocker td:first-child { font-weight: 600; }
.apps-reasons td.help { white-space: normal; color: var(--muted); min-width: 240px; }
.apps-steps { list-style: none; margin: 6px 0 0; padding: 0; display: flex; flex-direction: column; gap: 2px; }
.apps-steps li.current { color: var(--accent); font-weight: 600; }
.apps-steps li.done { color: var(--muted); text-decoration: line-through; }
.apps-progress { display: flex; align-items: center; gap: 8px; }
.apps-progress .bar { width: 120px; height: 8px; }
.apps-deployment { margin: 0 0 8px; }
.apps-deployment-head { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
.card.apps-alert { border-color: var(--warn); }
.card.apps-bad { border-color: var(--bad); }
.apps-card-text { overflow-wrap: anywhere; }
table.grid tr.current-version td:first-child { color: var(--accent); }
.vrow .cell-actions { display: flex; gap: 4px; }
.healthy-text { color: var(--ok); }
.unhealthy-text { color: var(--bad); font-weight: 600; }
.apps-count { color: var(--muted); font-size: 12px; }
`;

/** AppsStyles adds the Marathon views' rules (and the shared ones) to the document once, however many views render it. */
export function AppsStyles() {
  return <ViewStyles sheet="plateau-apps-views" css={CSS} />;
}
