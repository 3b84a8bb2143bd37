/**
 * SHARED_CSS holds the rules the Marathon views and the cluster views both use: tone pills, breadcrumbs, key/value
 * lists, wrapping and right-aligned table cells, the launch queue's declined-offer bars.
 */
const SHARED_CSS = `
.pill.tone-ok { color: var(--ok); border-color: var(--ok); }
.pill.tone-warn { color: var(--warn); border-color: var(--warn); }
.pill.tone-bad { color: var(--bad); border-color: var(--bad); }
.pill.tone-accent { color: var(--accent); border-color: var(--accent); }
.pill.tone-offered { color: var(--offered); border-color: var(--offered); }
.pill.tone-muted { color: var(--muted); }
.view-crumbs { margin: 0 0 6px; font-size: 12px; }
.view-kv { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 0; }
.view-kv dt { color: var(--muted); }
.view-kv dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
table.grid td.view-wrap { white-space: normal; overflow-wrap: anywhere; }
table.grid td.num, table.grid th.num { text-align: right; font-variant-numeric: tabular-nums; }
.vrow .num { text-align: right; font-variant-numeric: tabular-nums; }
.bar.declined-bar { width: 120px; height: 8px; }
.bar.declined-bar .declined { background: var(--bad); }
`;

/**
 * ViewStyles adds a family of views' rules (`css`, under the name `sheet`) and the rules all families share to the
 * document. React 19 hoists a `<style>` that has an `href` into the head, once per href however many views render
 * it. It exists because the build copies only styles.css, which the views leave to the shell; the rules use only
 * the theme's variables, so both themes follow.
 */
export function ViewStyles({ sheet, css }: { sheet: string; css: string }) {
  return (
    <>
      <style href="plateau-shared-views" precedence="plateau-views">
        {SHARED_CSS}
      </style>
      <style href={sheet} precedence="plateau-views">
        {css}
      </style>
    </>
  );
}
