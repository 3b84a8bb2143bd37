/** NAV lists the views in the sidebar, with their `g <key>` shortcut. */
export const NAV: Array<{ route: string; label: string; key: string }> = [
  { route: 'overview', label: 'Overview', key: 'o' },
  { route: 'offers', label: 'Offers', key: 'f' },
  { route: 'agents', label: 'Agents', key: 'n' },
  { route: 'frameworks', label: 'Frameworks', key: 'w' },
  { route: 'roles', label: 'Roles & quota', key: 'r' },
  { route: 'apps', label: 'Apps', key: 'a' },
  { route: 'deployments', label: 'Deployments', key: 'd' },
  { route: 'tasks', label: 'Tasks', key: 't' },
  { route: 'events', label: 'Events', key: 'e' },
  { route: 'quorum', label: 'Quorum', key: 'q' },
  { route: 'connections', label: 'Connections', key: 'c' },
];
