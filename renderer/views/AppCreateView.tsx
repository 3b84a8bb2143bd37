import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent, type InputHTMLAttributes } from 'react';
import { Crumbs } from '../components/Crumbs.js';
import { href, navigate } from '../components/router.js';
import { TabList } from '../components/TabList.js';
import { marathonKey } from '../data/clusterFeeds.js';
import { useConnection } from '../data/consoleContext.js';
import type { MarathonApp } from '../data/marathonQueries.js';
import { EMPTY_FORM, formDefinition, marathonFailure, type AppForm, type ErrorDetail } from '../model/marathonModel.js';
import { NoMarathon } from './apps/AppParts.js';
import { AppsStyles } from './apps/AppsStyles.js';
import { FailureView } from './apps/Dialog.js';

const MODES = ['form', 'json'] as const;
type Mode = (typeof MODES)[number];

/** FIELD_PATHS maps Marathon's error paths to the form field that set them. */
const FIELD_PATHS: Array<[keyof AppForm, RegExp]> = [
  ['id', /^\/id$/],
  ['cmd', /^\/(cmd|args)/],
  ['cpus', /^\/cpus$/],
  ['mem', /^\/mem$/],
  ['instances', /^\/instances$/],
  ['containerPort', /^\/container\/portMappings/],
  ['image', /^\/container/],
];

function fieldErrors(details: readonly ErrorDetail[]): Partial<Record<keyof AppForm, string>> {
  const out: Partial<Record<keyof AppForm, string>> = {};
  for (const d of details) {
    const field = FIELD_PATHS.find(([, re]) => re.test(d.path))?.[0];
    if (field) out[field] = [out[field], ...d.errors].filter(Boolean).join('; ');
  }
  return out;
}

/** parseDefinition reads the JSON editor: an object, or the parser's complaint. */
function parseDefinition(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'An app definition is a JSON object: { "id": "/my-app", … }' };
    return { ok: true, value: value as Record<string, unknown> };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/**
 * AppCreateView creates a Marathon app from a small form (id, command, resources, instances, an optional Docker
 * image and container port) or from a JSON definition. The form's JSON is previewed as it is typed and seeds the
 * JSON tab; once the JSON tab is edited it is what gets sent. Marathon's validation errors are listed next to the
 * form, each with its path, and marked on the field they concern; success opens the new app.
 */
export function AppCreateView() {
  const c = useConnection();
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<Mode>('form');
  const [form, setForm] = useState<AppForm>(EMPTY_FORM);
  const [json, setJson] = useState<string | null>(null);
  const formJson = useMemo(() => JSON.stringify(formDefinition(form), null, 2), [form]);
  const jsonText = json ?? formJson;
  const parsed = useMemo(() => parseDefinition(jsonText), [jsonText]);

  const create = useMutation({
    mutationFn: (definition: Record<string, unknown>) => c.send<MarathonApp>({ kind: 'marathon' }, 'POST', '/v2/apps', definition),
    onSuccess: (app, definition) => {
      void queryClient.invalidateQueries({ queryKey: marathonKey(c.id) });
      const id = app?.id ?? (typeof definition.id === 'string' ? definition.id : '');
      navigate('apps', id.startsWith('/') ? id : `/${id}`);
    },
  });
  const failure = create.error ? marathonFailure(create.error) : null;
  const errors = mode === 'form' && failure ? fieldErrors(failure.details) : {};

  if (c.summary.marathon === undefined) return <NoMarathon title="Create app" />;

  const set = (k: keyof AppForm) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (create.isPending) return;
    if (mode === 'json') {
      if (parsed.ok) create.mutate(parsed.value);
      return;
    }
    create.mutate(formDefinition(form));
  };
  const switchTo = (m: Mode) => {
    setMode(m);
    create.reset();
  };
  const field = (k: keyof AppForm, label: string, props: InputHTMLAttributes<HTMLInputElement> = {}) => (
    <label>
      {label}
      <input value={form[k]} onChange={set(k)} aria-invalid={errors[k] ? true : undefined} aria-describedby={errors[k] ? `create-err-${k}` : undefined} {...props} />
      {errors[k] && (
        <span className="apps-field-error" id={`create-err-${k}`}>
          {errors[k]}
        </span>
      )}
    </label>
  );
  const jsonEdited = json !== null && json !== formJson;

  return (
    <section>
      <AppsStyles />
      <Crumbs trail={[{ label: 'Apps', href: href('apps') }]} />
      <h1>Create app</h1>
      <TabList tabs={MODES} selected={mode} onSelect={switchTo} label="Define the app with" idOf={(m) => `create-tab-${m}`} panelOf={() => 'create-panel'} render={(m) => (m === 'form' ? 'Form' : 'JSON')} />
      <form onSubmit={submit} id="create-panel" role="tabpanel" aria-labelledby={`create-tab-${mode}`} noValidate>
        {mode === 'form' ? (
          <div className="apps-create">
            <div>
              <div className="form">
                {field('id', 'ID', { required: true, placeholder: '/prod/web', autoFocus: true, spellCheck: false })}
                {field('instances', 'Instances', { type: 'number', min: 0, step: 1 })}
                <label className="full">
                  Command
                  <input value={form.cmd} onChange={set('cmd')} placeholder="python3 -m http.server $PORT0" spellCheck={false} aria-invalid={errors.cmd ? true : undefined} className="mono" />
                  {errors.cmd && <span className="apps-field-error">{errors.cmd}</span>}
                </label>
                {field('cpus', 'CPUs', { type: 'number', min: 0, step: 0.1 })}
                {field('mem', 'Memory (MiB)', { type: 'number', min: 0, step: 1 })}
                {field('image', 'Docker image (optional)', { placeholder: 'nginx:1.27', spellCheck: false })}
                {field('containerPort', 'Container port (optional)', { type: 'number', min: 0, max: 65535, disabled: form.image.trim() === '', title: form.image.trim() === '' ? 'A port mapping needs a Docker image' : undefined })}
              </div>
              <p className="apps-hint">
                The id is a path of lowercase segments (<code>/team/app</code>). Give a command, a Docker image, or both. A container port is mapped to a dynamic host port on
                the bridge network. Health checks, constraints, labels and the rest go in the JSON tab.
              </p>
              {jsonEdited && <p className="apps-hint">The JSON tab holds your own edits; this tab sends the form's definition below.</p>}
            </div>
            <div>
              <h3>Definition preview</h3>
              <pre className="log mono" data-testid="json-preview" aria-label="Definition preview">
                {formJson}
              </pre>
            </div>
          </div>
        ) : (
          <div className="apps-create">
            <div>
              <textarea
                className="apps-json"
                aria-label="App definition JSON"
                value={jsonText}
                onChange={(e) => setJson(e.target.value)}
                spellCheck={false}
                aria-invalid={!parsed.ok}
                aria-describedby="create-json-status"
                autoFocus
              />
              <div id="create-json-status" className={parsed.ok ? 'apps-hint' : 'apps-field-error'}>
                {parsed.ok ? 'Valid JSON. This definition is what Create sends.' : `Not valid JSON: ${parsed.error}`}
              </div>
              <div className="actions" style={{ marginTop: 6 }}>
                <button type="button" className="apps-sm" disabled={!jsonEdited} onClick={() => setJson(null)}>
                  Reset from form
                </button>
                <button type="button" className="apps-sm" disabled={!parsed.ok} onClick={() => parsed.ok && setJson(JSON.stringify(parsed.value, null, 2))}>
                  Format
                </button>
              </div>
            </div>
            <div className="apps-hint">
              <h3>The JSON tab</h3>
              <p>
                Paste or edit a full Marathon app definition: <code>healthChecks</code>, <code>constraints</code>, <code>labels</code>, <code>env</code>, <code>fetch</code>,{' '}
                <code>upgradeStrategy</code>… It starts as the form's definition; after you edit it, the form no longer changes it.
              </p>
            </div>
          </div>
        )}
        {failure && (
          <div className="apps-section" data-testid="create-error">
            <FailureView failure={failure} />
          </div>
        )}
        <div className="actions apps-section">
          <button type="submit" className="primary" disabled={create.isPending || (mode === 'json' && !parsed.ok)} aria-busy={create.isPending}>
            Create
          </button>
          <a className="apps-btn" href={href('apps')}>
            Cancel
          </a>
          {create.isPending && <span className="muted">Creating…</span>}
        </div>
      </form>
    </section>
  );
}
