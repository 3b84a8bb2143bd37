import { resourceText } from '../../model/format.js';

/**
 * UsageCell shows "used / total" with a small bar (used, then offered), so a glance down a column finds the full
 * agents. The text says the numbers, for screen readers and for anyone who cannot tell the colours apart.
 */
export function UsageCell({ name, used, offered = 0, total }: { name: string; used: number; offered?: number; total: number }) {
  const pct = (v: number) => (total > 0 ? Math.min(100, (v / total) * 100) : 0);
  const u = pct(used);
  const o = Math.min(100 - u, pct(offered));
  const text = `${resourceText(name, used)} / ${resourceText(name, total)}`;
  const title = `${name}: ${resourceText(name, used)} used${offered > 0 ? `, ${resourceText(name, offered)} offered` : ''} of ${resourceText(name, total)} (${u.toFixed(0)}% used)`;
  return (
    <span className="cluster-usage" title={title}>
      <span className="bar" aria-hidden="true">
        <span className="used" style={{ width: `${u}%` }} />
        <span className="offered" style={{ width: `${o}%` }} />
      </span>
      <span className="text">{text}</span>
    </span>
  );
}
