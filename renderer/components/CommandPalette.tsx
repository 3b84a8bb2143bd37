import { useMemo, useState } from 'react';
import { useApps } from '../data/marathonQueries.js';
import { NAV } from './nav.js';
import { navigate } from './router.js';

/** Command is one palette entry: what it is called (dcos-style verbs) and what it does. */
export interface Command {
  title: string;
  hint?: string;
  run(): void;
}

/** fuzzyScore ranks `title` for `query`: every query character in order, tighter and earlier matches first. */
export function fuzzyScore(query: string, title: string): number {
  const q = query.toLowerCase();
  const t = title.toLowerCase();
  if (q === '') return 1;
  let score = 0;
  let at = 0;
  for (const ch of q) {
    const i = t.indexOf(ch, at);
    if (i < 0) return 0;
    score += i === at ? 3 : 1;
    at = i + 1;
  }
  return score + (t.startsWith(q) ? 10 : 0) - t.length / 100;
}

/**
 * CommandPalette (Ctrl+K) reaches every view and app by name, with the `dcos` CLI's verbs (`marathon app add`,
 * `marathon app show`, `node list`, `task list`...), so keyboard users never need the mouse.
 */
export function CommandPalette({ onClose, onTheme }: { onClose(): void; onTheme(): void }) {
  const [query, setQuery] = useState('');
  const [index, setIndex] = useState(0);
  const apps = useApps();
  const commands = useMemo<Command[]>(() => {
    const list: Command[] = [
      ...NAV.map((n) => ({ title: `go ${n.label.toLowerCase()}`, hint: `g ${n.key}`, run: () => navigate(n.route) })),
      { title: 'marathon app add', hint: 'create an app', run: () => navigate('apps-new') },
      { title: 'marathon app list', run: () => navigate('apps') },
      { title: 'marathon deployment list', run: () => navigate('deployments') },
      { title: 'node list', run: () => navigate('agents') },
      { title: 'task list', run: () => navigate('tasks') },
      { title: 'cluster list', run: () => navigate('connections') },
      { title: 'cluster attach', hint: 'attach a remote cluster', run: () => navigate('connections') },
      { title: 'toggle theme', run: onTheme },
    ];
    for (const app of apps.data ?? []) list.push({ title: `marathon app show ${app.id}`, run: () => navigate('apps', app.id) });
    return list;
  }, [apps.data, onTheme]);
  const ranked = commands
    .map((c) => ({ c, s: fuzzyScore(query, c.title) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s)
    .slice(0, 12)
    .map((x) => x.c);
  const choose = (c: Command | undefined) => {
    if (!c) return;
    c.run();
    onClose();
  };
  return (
    <div className="overlay" onClick={onClose}>
      <div className="palette" role="dialog" aria-label="Command palette" onClick={(e) => e.stopPropagation()}>
        <input
          autoFocus
          value={query}
          placeholder="Type a command or an app id…"
          aria-label="Command"
          onChange={(e) => {
            setQuery(e.target.value);
            setIndex(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') setIndex((i) => Math.min(i + 1, ranked.length - 1));
            else if (e.key === 'ArrowUp') setIndex((i) => Math.max(i - 1, 0));
            else if (e.key === 'Enter') choose(ranked[index]);
            else if (e.key === 'Escape') onClose();
            else return;
            e.preventDefault();
          }}
        />
        <ul>
          {ranked.map((c, i) => (
            <li key={c.title} className={i === index ? 'selected' : ''} onMouseEnter={() => setIndex(i)} onClick={() => choose(c)}>
              {c.title}
              {c.hint && <span className="muted"> {c.hint}</span>}
            </li>
          ))}
          {ranked.length === 0 && <li className="muted">No command matches.</li>}
        </ul>
      </div>
    </div>
  );
}
