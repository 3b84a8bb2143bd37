import { useMemo, useState } from 'react';
import { useConnection, useNow } from '../data/consoleContext.js';
import { useDeployments } from '../data/marathonQueries.js';
import { formatAge, formatTime } from '../model/format.js';
import type { MarathonDeployment } from '../model/marathonModel.js';
import { AppLink, DeploymentProgress, DeploymentSteps, LoadError, NoMarathon } from './apps/AppParts.js';
import { AppsStyles } from './apps/AppsStyles.js';
import { ActionDialog } from './apps/Dialog.js';
import { deploymentsOf, useQueueIndex } from './apps/marathonHooks.js';

type Pending = { kind: 'rollback' | 'stop'; d: MarathonDeployment } | null;

/**
 * DeploymentsView lists Marathon's running deployments, live: the apps each one changes, its current step of the
 * total with the actions under way, and how long it has run; with "Rollback" (Marathon starts a deployment back to
 * the previous state) and "Stop" (cancel where it stands), each confirmed first. A deployment stuck because its
 * app finds no offers says so and links to the app's reasons.
 */
export function DeploymentsView() {
  const c = useConnection();
  const now = useNow(5000);
  const deployments = useDeployments();
  const queue = useQueueIndex();
  const [pending, setPending] = useState<Pending>(null);
  const list = useMemo(() => [...deploymentsOf(deployments.data)].sort((a, b) => a.version.localeCompare(b.version)), [deployments.data]);

  if (c.summary.marathon === undefined) return <NoMarathon title="Deployments" />;
  return (
    <section>
      <AppsStyles />
      <h1>Deployments</h1>
      {deployments.error ? <LoadError what="deployments" error={deployments.error} onRetry={() => void deployments.refetch()} /> : null}
      {deployments.isPending ? (
        <p className="empty">Loading deployments…</p>
      ) : list.length === 0 ? (
        <p className="empty">No deployment is running. Marathon deploys when an app is created, scaled, restarted, changed or destroyed; each deployment shows here until it finishes.</p>
      ) : (
        <table className="grid" data-testid="deployments">
          <thead>
            <tr>
              <th>Deployment</th>
              <th>Apps</th>
              <th>Progress</th>
              <th>Under way</th>
              <th>Started</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((d) => {
              const waiting = d.affectedApps.filter((id) => queue.byApp.has(id));
              return (
                <tr key={d.id} data-key={d.id}>
                  <td className="mono" title={d.id}>
                    {d.id}
                  </td>
                  <td className="view-wrap">
                    {d.affectedApps.map((id, i) => (
                      <span key={id}>
                        {i > 0 ? ', ' : ''}
                        <AppLink id={id} />
                      </span>
                    ))}
                    {(d.affectedPods ?? []).length > 0 && <span className="muted"> pods {(d.affectedPods ?? []).join(', ')}</span>}
                  </td>
                  <td>
                    <DeploymentProgress d={d} />
                    <details>
                      <summary className="muted">all steps</summary>
                      <DeploymentSteps d={d} />
                    </details>
                  </td>
                  <td className="view-wrap">
                    {d.currentActions.map((x) => `${x.action} ${x.app ?? x.pod ?? ''}`.trim()).join(', ') || '–'}
                    {waiting.length > 0 && (
                      <div className="unhealthy-text">
                        waiting for offers:{' '}
                        {waiting.map((id, i) => (
                          <span key={id}>
                            {i > 0 ? ', ' : ''}
                            <AppLink id={id} />
                          </span>
                        ))}
                      </div>
                    )}
                  </td>
                  <td title={formatTime(d.version)}>{formatAge(Date.parse(d.version), now)} ago</td>
                  <td>
                    <div className="actions">
                      <button type="button" onClick={() => setPending({ kind: 'rollback', d })} title="Start a deployment that returns the apps to their state before this one">
                        Rollback
                      </button>
                      <button type="button" className="danger" onClick={() => setPending({ kind: 'stop', d })} title="Cancel this deployment where it stands, without rolling back">
                        Stop
                      </button>
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {pending?.kind === 'rollback' && (
        <ActionDialog
          title="Roll back this deployment?"
          confirmLabel="Roll back"
          run={() => c.send({ kind: 'marathon' }, 'DELETE', `/v2/deployments/${encodeURIComponent(pending.d.id)}`)}
          onClose={() => setPending(null)}
        >
          <p>
            Marathon cancels deployment <code>{pending.d.id}</code> and starts a new one that returns {pending.d.affectedApps.join(', ') || 'its apps'} to where they were before it.
          </p>
        </ActionDialog>
      )}
      {pending?.kind === 'stop' && (
        <ActionDialog
          title="Stop this deployment?"
          confirmLabel="Stop deployment"
          danger
          run={() => c.send({ kind: 'marathon' }, 'DELETE', `/v2/deployments/${encodeURIComponent(pending.d.id)}?force=true`)}
          onClose={() => setPending(null)}
        >
          <p>
            Marathon cancels deployment <code>{pending.d.id}</code> where it stands and does not roll back: {pending.d.affectedApps.join(', ') || 'its apps'} may be left half
            deployed, with tasks of old and new versions.
          </p>
        </ActionDialog>
      )}
    </section>
  );
}
