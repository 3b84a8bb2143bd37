import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { HttpError } from '../channel/consoleChannel.js';
import { StreamBadges } from '../components/StreamBadges.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { TonePill } from '../components/TonePill.js';
import { useConnection, type CurrentConnection } from '../data/consoleContext.js';
import { useClusterMemo } from '../data/useClusterMemo.js';
import { frameworkNames } from '../model/clusterRows.js';
import { errorText, resourceText } from '../model/format.js';
import { quotaLines, roleRows, type Quantities, type RoleRow, type WireQuotaStatus, type WireRole } from '../model/roles.js';
import { ClusterStyles } from './cluster/ClusterStyles.js';

/**
 * RolesView shows how the allocator shares the cluster: each role's weight, frameworks and allocated / offered /
 * reserved resources (`/master/roles`, every 5 s), and each quota's guarantee and limit against what the role
 * consumes (`/master/quota`, or the operator API's GET_QUOTA on masters without that endpoint).
 */
export function RolesView() {
  const c = useConnection();
  const roles = useQuery({ queryKey: ['master-roles', c.id], queryFn: () => c.get<{ roles?: WireRole[] }>({ kind: 'master' }, '/master/roles'), refetchInterval: 5000 });
  const quota = useQuery({ queryKey: ['master-quota', c.id], queryFn: () => loadQuota(c), refetchInterval: 15_000, retry: 1 });
  const rows = useMemo(() => roleRows(roles.data?.roles ?? [], quota.data), [roles.data, quota.data]);
  const names = useClusterMemo(frameworkNames, new Map<string, string>(), []);
  const withQuota = rows.filter((r) => r.quota);
  return (
    <section>
      <ClusterStyles />
      <h1>Roles &amp; quota</h1>
      <StreamBadges />
      {roles.isError && <ErrorBanner what="the master's roles" error={roles.error} retrying />}
      {roles.isPending ? (
        <p className="empty" role="status">
          Loading roles…
        </p>
      ) : rows.length === 0 ? (
        <p className="empty">No roles: no framework has registered and no weight or quota is set.</p>
      ) : (
        <RolesTable rows={rows} names={names} />
      )}
      <h2>Quota</h2>
      {quota.isError && (
        <div className="banner warn cluster-inline" role="note">
          Could not read the quota configuration ({errorText(quota.error)}); showing what <code>/master/roles</code> reports.
        </div>
      )}
      {quota.isPending && !roles.data ? (
        <p className="empty" role="status">
          Loading quota…
        </p>
      ) : withQuota.length === 0 ? (
        <p className="empty" data-testid="no-quota">
          No role has a quota: every role competes for resources by weight alone.
        </p>
      ) : (
        <div className="cluster-quota" data-testid="quota">
          {withQuota.map((r) => (
            <QuotaCard key={r.name} row={r} />
          ))}
        </div>
      )}
    </section>
  );
}

/** loadQuota reads `/master/quota`; masters without it (Plateau) answer GET_QUOTA on the operator API. */
async function loadQuota(c: CurrentConnection): Promise<WireQuotaStatus> {
  try {
    return (await c.get<WireQuotaStatus>({ kind: 'master' }, '/master/quota')) ?? {};
  } catch (err) {
    if (!(err instanceof HttpError) || (err.answer.status !== 404 && err.answer.status !== 405)) throw err;
  }
  const answer = await c.send<{ get_quota?: { status?: WireQuotaStatus } }>({ kind: 'master' }, 'POST', '/api/v1', { type: 'GET_QUOTA' });
  return answer?.get_quota?.status ?? {};
}

const MAIN = ['cpus', 'mem', 'disk', 'gpus'] as const;

function amounts(q: Quantities, empty = '–'): string {
  const parts = MAIN.filter((n) => (q[n] ?? 0) > 0).map((n) => `${resourceText(n, q[n] as number)} ${n}`);
  return parts.length > 0 ? parts.join(' · ') : empty;
}

function RolesTable({ rows, names }: { rows: RoleRow[]; names: Map<string, string> }) {
  return (
    <table className="grid" data-testid="roles-table">
      <thead>
        <tr>
          <th>Role</th>
          <th className="num">Weight</th>
          <th>Frameworks</th>
          <th className="num">CPUs</th>
          <th className="num">Memory</th>
          <th className="num">Disk</th>
          <th className="num">GPUs</th>
          <th>Offered</th>
          <th>Reserved</th>
          <th>Quota</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const fw = r.frameworks.map((id) => names.get(id) ?? id);
          return (
            <tr key={r.name} data-role={r.name}>
              <td className="mono">{r.name}</td>
              <td className="num">{r.weight}</td>
              <td className="view-wrap" title={r.frameworks.join(', ')}>
                {fw.length > 0 ? fw.join(', ') : <span className="muted">none</span>}
              </td>
              {MAIN.map((n) => (
                <td key={n} className="num">
                  {resourceText(n, r.allocated[n] ?? 0)}
                </td>
              ))}
              <td>{amounts(r.offered)}</td>
              <td>{amounts(r.reserved)}</td>
              <td>{r.quota ? <a href={`#quota-${encodeURIComponent(r.name)}`} onClick={(e) => jumpTo(e, `quota-${r.name}`)}>see below</a> : <span className="muted">none</span>}</td>
            </tr>
          );
        })}
      </tbody>
      <caption className="cluster-note" style={{ captionSide: 'bottom', textAlign: 'left' }}>
        CPUs, memory, disk and GPUs are allocated to the role's tasks.
      </caption>
    </table>
  );
}

/** jumpTo scrolls to an element without touching the hash, which holds the route. */
function jumpTo(e: { preventDefault(): void }, id: string): void {
  e.preventDefault();
  const el = document.getElementById(id);
  el?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  el?.focus();
}

function QuotaCard({ row }: { row: RoleRow }) {
  const lines = quotaLines(row);
  return (
    <div className="card" id={`quota-${row.name}`} tabIndex={-1} data-testid="quota-role" data-role={row.name}>
      <h3>
        Role <span className="mono">{row.name}</span>
      </h3>
      <table className="grid">
        <thead>
          <tr>
            <th>Resource</th>
            <th className="num">Consumed</th>
            <th className="num">Guarantee</th>
            <th className="num">Limit</th>
            <th>Consumed of limit</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => {
            const scale = l.limit ?? l.guarantee ?? 0;
            const pct = scale > 0 ? Math.min(100, (l.consumed / scale) * 100) : 0;
            const mark = l.guarantee !== undefined && l.limit !== undefined && l.limit > 0 ? Math.min(100, (l.guarantee / l.limit) * 100) : undefined;
            const tone = l.state === 'over' ? 'bad' : l.state === 'under' ? 'accent' : 'ok';
            const what = l.state === 'over' ? 'over its limit' : l.state === 'under' ? 'below its guarantee (the rest is held for it)' : 'within quota';
            return (
              <tr key={l.name}>
                <td>{l.name}</td>
                <td className="num">{resourceText(l.name, l.consumed)}</td>
                <td className="num">{l.guarantee === undefined ? '–' : resourceText(l.name, l.guarantee)}</td>
                <td className="num">{l.limit === undefined ? 'none' : resourceText(l.name, l.limit)}</td>
                <td>
                  <span className="cluster-usage" title={`${resourceText(l.name, l.consumed)} consumed: ${what}`}>
                    <span className="bar" aria-hidden="true">
                      <span className={`used${l.state === 'over' ? ' over' : ''}`} style={{ width: `${pct}%` }} />
                      {mark !== undefined && <span className="guarantee" style={{ left: `${mark}%` }} />}
                    </span>
                    <TonePill tone={tone}>{l.state === 'over' ? 'over limit' : l.state === 'under' ? 'under guarantee' : 'ok'}</TonePill>
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="cluster-note">Consumed counts what the role's tasks hold (and its reservations, where the master reports them). The yellow mark is the guarantee.</p>
    </div>
  );
}
