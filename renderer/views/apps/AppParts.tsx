import { ErrorBanner } from '../../components/ErrorBanner.js';
import { href } from '../../components/router.js';
import type { MarathonApp } from '../../data/marathonQueries.js';
import { appHealth, hasHealthChecks, statusClass, type AppStatus, type MarathonDeployment } from '../../model/marathonModel.js';

/**
 * HealthBar draws an app's instances as one bar (healthy, unhealthy, running without a verdict, staged) with the
 * counts beside it, so a glance down the list finds the app in trouble.
 */
export function HealthBar({ app }: { app: MarathonApp }) {
  const h = appHealth(app);
  const total = Math.max(1, h.total);
  const checked = hasHealthChecks(app);
  const pct = (n: number) => `${(n / total) * 100}%`;
  const title = checked
    ? `${h.healthy} healthy, ${h.unhealthy} unhealthy, ${h.unknown} not checked yet, ${h.staged} staged, of ${h.total}`
    : `No health checks: ${h.unknown} running, ${h.staged} staged, of ${h.total}`;
  return (
    <div className="apps-health" title={title} data-testid="health">
      <div className="bar" aria-hidden="true">
        <span className="seg-healthy" style={{ width: pct(h.healthy) }} />
        <span className="seg-unhealthy" style={{ width: pct(h.unhealthy) }} />
        <span className="seg-unknown" style={{ width: pct(h.unknown) }} />
        <span className="seg-staged" style={{ width: pct(h.staged) }} />
      </div>
      {checked ? (
        <span>
          <span className="healthy-text">{h.healthy} healthy</span>
          {h.unhealthy > 0 && <span className="unhealthy-text">, {h.unhealthy} unhealthy</span>}
        </span>
      ) : (
        <span className="muted">no checks</span>
      )}
    </div>
  );
}

/** StatusPill shows an app's status in the colour of its severity, so Delayed and Waiting apps stand out in a list. */
export function StatusPill({ status }: { status: AppStatus }) {
  return (
    <span className={`pill ${statusClass(status)}`} data-testid="app-status">
      {status}
    </span>
  );
}

/** DeploymentProgress shows a deployment's step counter and a bar, so a stuck step is visible at a glance. */
export function DeploymentProgress({ d }: { d: MarathonDeployment }) {
  const done = Math.max(0, d.currentStep - 1);
  const pct = d.totalSteps > 0 ? (done / d.totalSteps) * 100 : 0;
  return (
    <span className="apps-progress" title={`${done} of ${d.totalSteps} steps done`}>
      <span className="bar" aria-hidden="true">
        <span className="used" style={{ width: `${pct}%` }} />
      </span>
      <span>
        step {d.currentStep} of {d.totalSteps}
      </span>
    </span>
  );
}

/** DeploymentSteps lists a deployment's steps, striking the done ones and marking the current one, to show what is left. */
export function DeploymentSteps({ d }: { d: MarathonDeployment }) {
  return (
    <ol className="apps-steps">
      {d.steps.map((s, i) => {
        const n = i + 1;
        const cls = n < d.currentStep ? 'done' : n === d.currentStep ? 'current' : '';
        return (
          <li key={n} className={cls} aria-current={n === d.currentStep ? 'step' : undefined}>
            {n}. {s.actions.map((a) => `${a.action} ${a.app ?? a.pod ?? ''}`.trim()).join(', ') || 'no actions'}
          </li>
        );
      })}
    </ol>
  );
}

/** AppLink links an app id to its detail view: a real link, so keyboard users reach apps from any table. */
export function AppLink({ id }: { id: string }) {
  return <a href={href('apps', id)}>{id}</a>;
}

/** NoMarathon is a Marathon view (titled `title`) on a cluster without Marathon: it says why it is empty and where to fix that. */
export function NoMarathon({ title }: { title: string }) {
  return (
    <section>
      <h1>{title}</h1>
      <p className="empty">
        This connection has no Marathon. Attach the cluster again with its Marathon URL on the <a href={href('connections')}>Connections</a> view.
      </p>
    </section>
  );
}

/** LoadError shows why a Marathon query failed, with a retry, so an error never passes for an empty list. */
export function LoadError({ what, error, onRetry }: { what: string; error: unknown; onRetry?(): void }) {
  return (
    <ErrorBanner what={what} error={error}>
      {onRetry && (
        <>
          {' '}
          <button type="button" className="apps-sm" onClick={onRetry}>
            Retry
          </button>
        </>
      )}
    </ErrorBanner>
  );
}
