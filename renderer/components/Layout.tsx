import type { ReactNode } from 'react';
import type { ConnectionSummary } from '../../core/protocol/console/channel.js';
import { useHostLink, type CurrentConnection } from '../data/consoleContext.js';
import { useKeyboardNavigation } from './keyboard.js';
import { NAV } from './nav.js';
import { href, useRoute } from './router.js';

interface LayoutProps {
  connections: ConnectionSummary[];
  current: CurrentConnection | null;
  onSelect(id: string): void;
  theme: 'dark' | 'light';
  onTheme(t: 'dark' | 'light'): void;
  onPalette(): void;
  children: ReactNode;
}

/** Layout is the window frame: sidebar, connection switcher, link status, and the routed view. */
export function Layout({ connections, current, onSelect, theme, onTheme, onPalette, children }: LayoutProps) {
  const route = useRoute();
  const link = useHostLink();
  useKeyboardNavigation();
  const status = current?.summary.status;
  return (
    <div className="app">
      <nav className="sidebar" aria-label="Views">
        <div className="brand">Plateau</div>
        {NAV.map((n) => (
          <a key={n.route} href={href(n.route)} className={route[0] === n.route ? 'active' : ''} title={`g ${n.key}`}>
            {n.label}
          </a>
        ))}
        <div className="sidebar-foot">
          <button type="button" onClick={onPalette} title="Ctrl+K">
            Commands <kbd>Ctrl K</kbd>
          </button>
          <button type="button" onClick={() => onTheme(theme === 'dark' ? 'light' : 'dark')} aria-label="Toggle theme">
            {theme === 'dark' ? 'Light theme' : 'Dark theme'}
          </button>
        </div>
      </nav>
      <div className="main">
        <header className="topbar">
          <select aria-label="Cluster" value={current?.id ?? ''} onChange={(e) => onSelect(e.target.value)}>
            {connections.length === 0 && <option value="">No cluster</option>}
            {connections.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          {current && (
            <span className={`pill status-${status}`} data-testid="connection-status" title={current.summary.detail ?? ''}>
              {status}
              {current.summary.leader ? ` · leader ${current.summary.leader.replace(/^https?:\/\//, '')}` : ''}
            </span>
          )}
          {link !== 'open' && <span className="pill status-reconnecting">console host: {link}</span>}
        </header>
        {current && status === 'reconnecting' && <div className="banner warn">Reconnecting to {current.summary.name}: {current.summary.detail ?? 'the master is unreachable'}. Showing the last known state.</div>}
        <main className="content">{children}</main>
      </div>
    </div>
  );
}
