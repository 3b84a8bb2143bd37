import { useState } from 'react';
import { useConnection, useNow } from '../../data/consoleContext.js';
import type { MarathonApp } from '../../data/marathonQueries.js';
import { formatAge, formatTime } from '../../model/format.js';
import { appPath, changedFields, definitionOf } from '../../model/marathonModel.js';
import { LoadError } from './AppParts.js';
import { ActionDialog } from './Dialog.js';
import { useAppVersion, useAppVersions } from './marathonHooks.js';

function VersionDiff({ app, version }: { app: MarathonApp; version: string }) {
  const v = useAppVersion(app.id, version);
  if (v.isPending) return <p className="muted">Loading version {version}…</p>;
  if (v.error) return <LoadError what={`version ${version}`} error={v.error} />;
  const changed = changedFields(definitionOf(app), v.data);
  return (
    <>
      <p data-testid="version-diff">
        {changed.length === 0 ? 'Same definition as the running one (only the instance count or version may differ).' : <>Differs from the running definition in: {changed.map((k, i) => <span key={k}>{i > 0 ? ', ' : ''}<code>{k}</code></span>)}</>}
      </p>
      <pre className="log mono" aria-label={`Definition at ${version}`}>
        {JSON.stringify(v.data, null, 2)}
      </pre>
    </>
  );
}

/**
 * AppVersions lists the app's stored versions, newest first: "View" shows a version's definition and which
 * fields differ from the running one; "Apply" rolls the app back (or forward) to it, asking first and offering
 * to force past a deployment that holds the app.
 */
export function AppVersions({ app }: { app: MarathonApp }) {
  const c = useConnection();
  const now = useNow(10_000);
  const versions = useAppVersions(app.id, true);
  const [viewing, setViewing] = useState<string | null>(null);
  const [applying, setApplying] = useState<string | null>(null);
  if (versions.isPending) return <p className="empty">Loading versions…</p>;
  if (versions.error) return <LoadError what="versions" error={versions.error} onRetry={() => void versions.refetch()} />;
  const configAt = app.versionInfo?.lastConfigChangeAt;
  return (
    <div>
      <table className="grid" data-testid="app-versions">
        <thead>
          <tr>
            <th>Version</th>
            <th>Age</th>
            <th />
            <th />
          </tr>
        </thead>
        <tbody>
          {versions.data.map((v) => {
            const current = v === app.version;
            return (
              <tr key={v} data-key={v} className={current ? 'current-version' : ''}>
                <td title={v}>
                  <span className="mono">{v}</span> <span className="muted">{formatTime(v)}</span>
                </td>
                <td>{formatAge(Date.parse(v), now)} ago</td>
                <td>
                  {current && <span className="pill state-RUNNING">current</span>}
                  {!current && v === configAt && <span className="pill">current configuration</span>}
                </td>
                <td className="actions">
                  <button type="button" className="apps-sm" aria-expanded={viewing === v} onClick={() => setViewing(viewing === v ? null : v)}>
                    {viewing === v ? 'Hide' : 'View'}
                  </button>
                  <button type="button" className="apps-sm" disabled={current} title={current ? 'This is the running version' : 'Deploy this version of the app'} onClick={() => setApplying(v)}>
                    Apply
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {versions.data.length === 0 && <p className="empty">Marathon keeps no versions of this app.</p>}
      {viewing && (
        <div className="apps-section">
          <h3>Version {viewing}</h3>
          <VersionDiff app={app} version={viewing} />
        </div>
      )}
      {applying && (
        <ActionDialog
          title={`Apply version ${applying}?`}
          confirmLabel="Apply version"
          wide
          run={(force) => c.send({ kind: 'marathon' }, 'PUT', appPath(app.id, force ? '?force=true' : ''), { version: applying })}
          onDone={() => setViewing(null)}
          onClose={() => setApplying(null)}
        >
          <p>
            Marathon deploys <code>{app.id}</code> as it was defined at {formatTime(applying)}, replacing its tasks according to its upgrade strategy.
          </p>
          <VersionDiff app={app} version={applying} />
        </ActionDialog>
      )}
    </div>
  );
}
