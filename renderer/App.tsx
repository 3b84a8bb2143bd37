import { useEffect, useMemo, useState } from 'react';
import type { HttpTarget } from '../core/protocol/console/channel.js';
import { CommandPalette } from './components/CommandPalette.js';
import { Layout } from './components/Layout.js';
import { useRoute } from './components/router.js';
import { ConnectionContext, useChannel, useConnections, useFeeds, type CurrentConnection } from './data/consoleContext.js';
import { ConnectionsView } from './views/ConnectionsView.js';
import { viewFor } from './views/routes.js';

const SELECTED_KEY = 'plateau.connection';
const THEME_KEY = 'plateau.theme';

/** App picks the connection to show, keeps its feeds open, and renders the routed view. */
export function App() {
  const channel = useChannel();
  const connections = useConnections();
  const route = useRoute();
  const [selected, setSelected] = useState<string | null>(() => localStorage.getItem(SELECTED_KEY));
  const [theme, setTheme] = useState<'dark' | 'light'>(() => (localStorage.getItem(THEME_KEY) as 'dark' | 'light' | null) ?? (window.matchMedia?.('(prefers-color-scheme: light)').matches ? 'light' : 'dark'));
  const [paletteOpen, setPaletteOpen] = useState(false);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem(THEME_KEY, theme);
  }, [theme]);

  const summary = connections.find((c) => c.id === selected) ?? connections[0];
  useEffect(() => {
    if (summary && summary.id !== selected) {
      setSelected(summary.id);
      localStorage.setItem(SELECTED_KEY, summary.id);
    }
  }, [summary, selected]);
  useFeeds(summary);

  const current = useMemo<CurrentConnection | null>(() => {
    if (!summary) return null;
    return {
      summary,
      id: summary.id,
      get: <T,>(target: HttpTarget, path: string) => channel.json<T>(summary.id, target, 'GET', path),
      send: <T,>(target: HttpTarget, method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown) => channel.json<T>(summary.id, target, method, path, body),
    };
  }, [channel, summary]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setPaletteOpen((o) => !o);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const select = (id: string) => {
    setSelected(id);
    localStorage.setItem(SELECTED_KEY, id);
  };

  if (!current || route[0] === 'connections') {
    return (
      <Layout connections={connections} current={current} onSelect={select} theme={theme} onTheme={setTheme} onPalette={() => setPaletteOpen(true)}>
        <ConnectionsView onOpened={select} />
      </Layout>
    );
  }
  return (
    <ConnectionContext.Provider value={current}>
      <Layout connections={connections} current={current} onSelect={select} theme={theme} onTheme={setTheme} onPalette={() => setPaletteOpen(true)}>
        {viewFor(route)}
      </Layout>
      {paletteOpen && <CommandPalette onClose={() => setPaletteOpen(false)} onTheme={() => setTheme(theme === 'dark' ? 'light' : 'dark')} />}
    </ConnectionContext.Provider>
  );
}
