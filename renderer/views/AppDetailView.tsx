import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { Crumbs } from '../components/Crumbs.js';
import { href, navigate } from '../components/router.js';
import { TabList } from '../components/TabList.js';
import { marathonKey } from '../data/clusterFeeds.js';
import { useConnection, useNow } from '../data/consoleContext.js';
import { useDeployments, type MarathonApp } from '../data/marathonQueries.js';
import { formatAge, formatMem, formatNumber, formatTime, plural } from '../model/format.js';
import { appImageOrCmd, appPath, appStatus, canonicalAppId, definitionOf, marathonFailure } from '../model/marathonModel.js';
import { AppDebug } from './apps/AppDebug.js';
import { DeploymentProgress, DeploymentSteps, HealthBar, LoadError, NoMarathon, StatusPill } from './apps/AppParts.js';
import { AppsStyles } from './apps/AppsStyles.js';
import { AppTasks } from './apps/AppTasks.js';
import { AppVersions } from './apps/AppVersions.js';
import { ActionDialog, FailureView } from './apps/Dialog.js';
import { LaunchQueuePanel } from './apps/LaunchQueue.js';
import { deploymentsOf, useApp, useMarathonInfo, useQueueIndex } from './apps/marathonHooks.js';

const TABS = ['Tasks', 'Configuration', 'Versions', 'Debug'] as const;
const APPS_TRAIL = [{ label: 'Apps', href: href('apps') }];
type Tab = (typeof TABS)[number];
type Pending = 'scale' | 'restart' | 'suspend' | 'destroy' | null;

function ScaleDialog({ app, onClose }: { app: MarathonApp; onClose(): void }) {
  const c = useConnection();
  const [count, setCount] = useState(String(app.instances > 0 ? app.instances : 1));
  const valid = /^\d+$/.test(count.trim());
  return (
    <ActionDialog
      title={`Scale ${app.id}`}
      confirmLabel="Scale app"
      canConfirm={valid}
      run={(force) => c.send({ kind: 'marathon' }, 'PUT', appPath(app.id, force ? '?force=true' : ''), { instances: Number(count.trim()) })}
      onClose={onClose}
    >
      <label>
        Instances
        <input aria-label="Instances" type="number" min={0} step={1} value={count} onChange={(e) => setCount(e.target.value)} data-autofocus aria-invalid={!valid} />
      </label>
      <p className="muted">
        Now {app.instances} wanted, {app.tasksRunning ?? 0} running. Scaling down kills the youngest instances first unless the app's <code>killSelection</code> says otherwise.
      </p>
    </ActionDialog>
  );
}

function AppConfiguration({ app }: { app: MarathonApp }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const text = JSON.stringify(definitionOf(app), null, 2);
  const copy = () => {
    const done = navigator.clipboard?.writeText(text);
    if (!done) return setCopied('failed');
    done.then(
      () => setCopied('yes'),
      () => setCopied('failed'),
    );
  };
  return (
    <div>
      <div className="toolbar">
        <button type="button" className="apps-sm" onClick={copy}>
          Copy JSON
        </button>
        <span className="muted" role="status">
          {copied === 'yes' ? 'Copied.' : copied === 'failed' ? 'The clipboard is not available here: select the text instead.' : 'The definition Marathon stores, without its runtime fields (tasks, counts, deployments).'}
        </span>
      </div>
      <pre className="log mono" data-testid="app-config" style={{ maxHeight: 'none' }}>
        {text}
      </pre>
    </div>
  );
}

/**
 * AppDetailView is one Marathon app: its status, instances, health, version, last failure and running deployments
 * (step by step); and when it waits in the launch queue, why — Marathon's per-reason counts of declined offers,
 * the question Marathon's own UI never answered. It scales, restarts, suspends, destroys and resets the backoff
 * delay, and has tabs for the tasks (kill, kill & scale, container stats), the configuration JSON, the versions
 * (view and roll back) and a debug page.
 */
export function AppDetailView({ appId: rawId }: { appId: string }) {
  const appId = canonicalAppId(rawId);
  const c = useConnection();
  const queryClient = useQueryClient();
  const now = useNow(5000);
  const app = useApp(appId);
  const queue = useQueueIndex();
  const deployments = useDeployments();
  const info = useMarathonInfo();
  const [tab, setTab] = useState<Tab>('Tasks');
  const [pending, setPending] = useState<Pending>(null);
  const resetDelay = useMutation({
    mutationFn: () => c.send<null>({ kind: 'marathon' }, 'DELETE', `/v2/queue${appId}/delay`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: marathonKey(c.id) }),
  });
  const { isSuccess: resetDone, reset: clearReset } = resetDelay;
  useEffect(() => {
    if (!resetDone) return undefined;
    const t = setTimeout(clearReset, 8000);
    return () => clearTimeout(t);
  }, [resetDone, clearReset]);
  const mine = useMemo(() => deploymentsOf(deployments.data).filter((d) => d.affectedApps.includes(appId)), [deployments.data, appId]);

  if (c.summary.marathon === undefined) return <NoMarathon title={appId} />;
  const notFound = (app.error as { answer?: { status?: number } } | null)?.answer?.status === 404;
  if (notFound || (app.isPending && !app.data) || (app.error && !app.data)) {
    return (
      <section>
        <AppsStyles />
        <Crumbs trail={APPS_TRAIL} />
        <h1>{appId}</h1>
        {notFound ? (
          <p className="empty">
            Marathon has no app <code>{appId}</code>: it may have been destroyed. <a href={href('apps')}>Back to the apps</a>.
          </p>
        ) : app.error ? (
          <LoadError what="the app" error={app.error} onRetry={() => void app.refetch()} />
        ) : (
          <p className="empty">Loading the app…</p>
        )}
      </section>
    );
  }
  const a = app.data as MarathonApp;
  const queued = queue.byApp.get(appId);
  const status = appStatus(a, queued, now);
  const frameworkId = info.data?.frameworkId;
  const resetFailure = resetDelay.error ? marathonFailure(resetDelay.error) : null;

  return (
    <section>
      <AppsStyles />
      <Crumbs trail={APPS_TRAIL} />
      <div className="apps-head">
        <h1>{a.id}</h1>
        <StatusPill status={status} />
      </div>
      <div className="toolbar" role="toolbar" aria-label="App actions">
        <button type="button" onClick={() => setPending('scale')}>
          Scale
        </button>
        <button type="button" onClick={() => setPending('restart')} disabled={a.instances === 0} title={a.instances === 0 ? 'A suspended app has no tasks to restart' : 'Replace every task, honouring the upgrade strategy'}>
          Restart
        </button>
        <button type="button" onClick={() => setPending('suspend')} disabled={a.instances === 0} title={a.instances === 0 ? 'Already suspended' : 'Scale to 0 instances, keeping the definition'}>
          Suspend
        </button>
        <button
          type="button"
          onClick={() => resetDelay.mutate()}
          disabled={!queued || resetDelay.isPending}
          title={queued ? 'Forget the backoff delay and launch at once' : 'The app is not in the launch queue, so it has no delay to reset'}
        >
          Reset delay
        </button>
        <button type="button" className="danger" onClick={() => setPending('destroy')}>
          Destroy
        </button>
      </div>
      {resetDelay.isSuccess && (
        <div className="banner ok" role="status">
          Launch delay reset: Marathon launches {a.id} with the next fitting offer.
        </div>
      )}
      {resetFailure && <FailureView failure={resetFailure} />}
      {app.error ? <LoadError what="the latest state of the app (showing the last known)" error={app.error} /> : null}

      <div className="cards">
        <div className="card">
          <h3>Instances</h3>
          <div className="big" data-testid="app-instances">
            {a.tasksRunning ?? 0}/{a.instances}
          </div>
          <div className="muted">
            running of wanted{a.tasksStaged ? ` · ${a.tasksStaged} staged` : ''}
            {queued ? ` · ${queued.count ?? 0} waiting` : ''}
          </div>
        </div>
        <div className="card">
          <h3>Health</h3>
          <HealthBar app={a} />
          <div className="muted" style={{ marginTop: 6 }}>
            {(a.healthChecks ?? []).length > 0 ? plural((a.healthChecks ?? []).length, 'health check') : 'No health checks defined'}
          </div>
        </div>
        <div className="card">
          <h3>Version</h3>
          <div className="apps-card-text mono" data-testid="app-version">
            {a.version}
          </div>
          <div className="muted">
            {a.versionInfo?.lastConfigChangeAt ? `configured ${formatAge(Date.parse(a.versionInfo.lastConfigChangeAt), now)} ago` : ''}
            {a.versionInfo?.lastScalingAt ? ` · scaled ${formatAge(Date.parse(a.versionInfo.lastScalingAt), now)} ago` : ''}
          </div>
        </div>
        <div className="card">
          <h3>Resources per instance</h3>
          <div>
            {formatNumber(a.cpus)} CPUs · {formatMem(a.mem)}
            {a.disk ? ` · ${formatMem(a.disk)} disk` : ''}
          </div>
          <div className="muted mono apps-card-text" title={appImageOrCmd(a)}>
            {appImageOrCmd(a) || '–'}
          </div>
        </div>
        <div className={`card${a.lastTaskFailure ? ' apps-bad' : ''}`}>
          <h3>Last failure</h3>
          {a.lastTaskFailure ? (
            <div className="apps-card-text" data-testid="app-last-failure">
              <span className="pill state-FAILED">{a.lastTaskFailure.state}</span> <span className="muted">{formatAge(Date.parse(a.lastTaskFailure.timestamp), now)} ago</span>
              <div className="mono">{a.lastTaskFailure.message || '(no message)'}</div>
              <div className="muted" title={a.lastTaskFailure.timestamp}>
                {formatTime(a.lastTaskFailure.timestamp)} on {a.lastTaskFailure.host || 'an unknown host'}
              </div>
            </div>
          ) : (
            <div className="muted">None</div>
          )}
        </div>
      </div>

      {mine.length > 0 && (
        <div className="apps-section" data-testid="app-deployments">
          <h2>Deployments in progress</h2>
          {mine.map((d) => (
            <div className="card apps-deployment" key={d.id} data-key={d.id}>
              <div className="apps-deployment-head">
                <span className="muted">Deployment</span>
                <code>{d.id}</code>
                <DeploymentProgress d={d} />
                <span className="apps-toolbar-spacer" />
                <a href={href('deployments')}>Roll back or stop it on Deployments</a>
              </div>
              <div className="muted" style={{ marginTop: 4 }}>
                Now: {d.currentActions.map((x) => `${x.action} ${x.app ?? x.pod ?? ''}`.trim()).join(', ') || '–'}
              </div>
              <DeploymentSteps d={d} />
            </div>
          ))}
        </div>
      )}

      {queued && (
        <div className="apps-section">
          <h2>Why isn't it running?</h2>
          <LaunchQueuePanel entry={queued} now={now} />
        </div>
      )}

      <TabList tabs={TABS} selected={tab} onSelect={setTab} label="App details" idOf={(t) => `app-tab-${t}`} panelOf={() => 'app-tab-panel'} />
      <div id="app-tab-panel" role="tabpanel" aria-labelledby={`app-tab-${tab}`}>
        {tab === 'Tasks' && <AppTasks app={a} frameworkId={frameworkId} />}
        {tab === 'Configuration' && <AppConfiguration app={a} />}
        {tab === 'Versions' && <AppVersions app={a} />}
        {tab === 'Debug' && <AppDebug app={a} queued={queued} frameworkId={frameworkId} now={now} />}
      </div>

      {pending === 'scale' && <ScaleDialog app={a} onClose={() => setPending(null)} />}
      {pending === 'restart' && (
        <ActionDialog
          title={`Restart ${a.id}?`}
          confirmLabel="Restart app"
          run={(force) => c.send({ kind: 'marathon' }, 'POST', appPath(a.id, `/restart${force ? '?force=true' : ''}`))}
          onClose={() => setPending(null)}
        >
          <p>Marathon replaces every task of the app with a new one, keeping its upgrade strategy's capacity while it does.</p>
        </ActionDialog>
      )}
      {pending === 'suspend' && (
        <ActionDialog
          title={`Suspend ${a.id}?`}
          confirmLabel="Suspend app"
          danger
          run={(force) => c.send({ kind: 'marathon' }, 'PUT', appPath(a.id, force ? '?force=true' : ''), { instances: 0 })}
          onClose={() => setPending(null)}
        >
          <p>
            Marathon scales the app to 0 instances and kills its {a.tasksRunning ?? 0} running task{a.tasksRunning === 1 ? '' : 's'}. The definition is kept: Scale brings it back.
          </p>
        </ActionDialog>
      )}
      {pending === 'destroy' && (
        <ActionDialog
          title={`Destroy ${a.id}?`}
          confirmLabel="Destroy app"
          danger
          run={() => c.send({ kind: 'marathon' }, 'DELETE', appPath(a.id))}
          onDone={() => {
            queryClient.removeQueries({ queryKey: marathonKey(c.id, 'app', appId) });
            navigate('apps');
          }}
          onClose={() => setPending(null)}
        >
          <p>
            Marathon kills all tasks of <code>{a.id}</code> and deletes the app with its versions. This cannot be undone.
          </p>
        </ActionDialog>
      )}
    </section>
  );
}
