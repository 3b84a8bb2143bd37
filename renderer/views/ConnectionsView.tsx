import { useState, type FormEvent } from 'react';
import { ChannelError } from '../channel/consoleChannel.js';
import { useChannel, useConnections } from '../data/consoleContext.js';

/**
 * ConnectionsView lists the open clusters and attaches new ones: the embedded demo cluster, or a remote Plateau or
 * Apache Mesos + Marathon cluster by its master URL(s), with optional credentials and a private CA.
 */
export function ConnectionsView({ onOpened }: { onOpened(id: string): void }) {
  const channel = useChannel();
  const connections = useConnections();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form, setForm] = useState({ name: '', masters: '', marathon: '', zk: '', auth: 'none', username: '', password: '', token: '', caPem: '' });
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err instanceof ChannelError || err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const masters = form.masters.split(/[\s,]+/).filter(Boolean);
      const credentials = form.auth === 'basic' ? { kind: 'basic' as const, username: form.username, password: form.password } : form.auth === 'bearer' ? { kind: 'bearer' as const, token: form.token } : undefined;
      const summary = await channel.call('connections.open', {
        spec: { kind: 'remote', name: form.name || masters[0] || 'cluster', masters, ...(form.marathon ? { marathon: form.marathon } : {}), ...(form.zk ? { zk: form.zk } : {}), ...(credentials ? { credentials } : {}), ...(form.caPem ? { caPem: form.caPem } : {}) },
      });
      onOpened(summary.id);
      window.location.hash = '#/overview';
    });
  };

  return (
    <section>
      <h1>Connections</h1>
      {connections.length === 0 && <p className="empty">No cluster attached yet. Start the demo cluster, or attach to a running one.</p>}
      <table className="grid">
        <thead>
          <tr>
            <th>Name</th>
            <th>Kind</th>
            <th>Status</th>
            <th>Leader</th>
            <th>Marathon</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {connections.map((c) => (
            <tr key={c.id}>
              <td>
                <a href="#/overview" onClick={() => onOpened(c.id)}>
                  {c.name}
                </a>
              </td>
              <td>{c.kind}</td>
              <td className={`status-${c.status}`} title={c.detail ?? ''}>
                {c.status}
                {c.detail ? `: ${c.detail}` : ''}
              </td>
              <td>{c.leader ?? '–'}</td>
              <td>{c.marathon ?? '–'}</td>
              <td className="actions">
                <button type="button" onClick={() => void run(() => channel.call('connections.reconnect', { connectionId: c.id }).then(() => undefined))}>
                  Reconnect
                </button>
                <button type="button" className="danger" onClick={() => void run(() => channel.call('connections.close', { connectionId: c.id }).then(() => undefined))}>
                  {c.kind === 'embedded' ? 'Stop' : 'Detach'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!connections.some((c) => c.kind === 'embedded') && (
        <p>
          <button type="button" disabled={busy} onClick={() => void run(async () => onOpened((await channel.call('connections.open', { spec: { kind: 'embedded' } })).id))}>
            Start the demo cluster
          </button>
        </p>
      )}
      <h2>Attach a cluster</h2>
      <form className="form" onSubmit={submit}>
        <label>
          Name <input value={form.name} onChange={set('name')} placeholder="production" />
        </label>
        <label>
          Mesos masters <input required value={form.masters} onChange={set('masters')} placeholder="http://m1:5050, http://m2:5050" />
        </label>
        <label>
          Marathon <input value={form.marathon} onChange={set('marathon')} placeholder="http://marathon:8080" />
        </label>
        <label>
          ZooKeeper <input value={form.zk} onChange={set('zk')} placeholder="zk://z1:2181,z2:2181/mesos" />
        </label>
        <label>
          Credentials
          <select value={form.auth} onChange={set('auth')}>
            <option value="none">none</option>
            <option value="basic">HTTP basic</option>
            <option value="bearer">bearer token</option>
          </select>
        </label>
        {form.auth === 'basic' && (
          <>
            <label>
              User <input value={form.username} onChange={set('username')} autoComplete="username" />
            </label>
            <label>
              Password <input type="password" value={form.password} onChange={set('password')} autoComplete="current-password" />
            </label>
          </>
        )}
        {form.auth === 'bearer' && (
          <label>
            Token <input type="password" value={form.token} onChange={set('token')} />
          </label>
        )}
        <label>
          CA certificate (PEM) <textarea rows={3} value={form.caPem} onChange={set('caPem')} placeholder="-----BEGIN CERTIFICATE-----" />
        </label>
        <button type="submit" disabled={busy}>
          Attach
        </button>
      </form>
      {error && <div className="banner error">{error}</div>}
    </section>
  );
}
