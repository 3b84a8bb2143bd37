import { useMemo, useSyncExternalStore } from 'react';

/** Route is the parsed location hash: `#/apps/%2Fweb` → ['apps', '/web']. */
export type Route = string[];

/** parseRoute splits a hash into decoded parts; the empty hash is the overview. */
export function parseRoute(hash: string): Route {
  const h = hash.replace(/^#\/?/, '');
  return h === '' ? ['overview'] : h.split('/').map((p) => decodeURIComponent(p));
}

function subscribe(fn: () => void): () => void {
  window.addEventListener('hashchange', fn);
  return () => window.removeEventListener('hashchange', fn);
}

/** useRoute follows the hash route (hash routing needs no server fallback in the browser or Electron). */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return useMemo(() => parseRoute(hash), [hash]);
}

/** href builds a hash link from route parts. */
export function href(...parts: string[]): string {
  return `#/${parts.map((p) => encodeURIComponent(p)).join('/')}`;
}

/** navigate moves to a route. */
export function navigate(...parts: string[]): void {
  window.location.hash = href(...parts).slice(1);
}
