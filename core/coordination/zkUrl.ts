import { invalid } from '../common/errors.js';

/** ZkUrl is a parsed `zk://[user:pass@]host:port[,host:port...]/path`, as Mesos and Marathon take it. */
export interface ZkUrl {
  /** servers are `host:port` pairs, in the order given. */
  servers: string[];
  /** path is the znode everything lives under, without a trailing slash (`/` at the root). */
  path: string;
  /** auth is digest credentials (`user:pass`), from what precedes the last `@`. */
  auth?: { user: string; password: string };
}

/**
 * parseZkUrl reads Mesos's `--zk` form: the scheme must be `zk://`; credentials, when present, are everything before
 * the last `@`; the path starts at the first `/` after the hosts and loses a trailing slash; a host without a port
 * gets ZooKeeper's 2181.
 */
export function parseZkUrl(text: string): ZkUrl {
  const t = text.trim();
  if (!t.startsWith('zk://')) throw invalid(`Expecting 'zk://' at the beginning of the URL: '${text}'`);
  let rest = t.slice('zk://'.length);
  let auth: ZkUrl['auth'];
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const creds = rest.slice(0, at);
    const colon = creds.indexOf(':');
    if (colon <= 0) throw invalid(`ZooKeeper credentials must be 'user:password': '${text}'`);
    auth = { user: creds.slice(0, colon), password: creds.slice(colon + 1) };
    rest = rest.slice(at + 1);
  }
  const slash = rest.indexOf('/');
  const hosts = slash >= 0 ? rest.slice(0, slash) : rest;
  let path = slash >= 0 ? rest.slice(slash) : '/';
  if (path.length > 1) path = path.replace(/\/+$/, '');
  if (path === '') path = '/';
  const servers = hosts.split(',').map((h) => h.trim());
  if (servers.length === 0 || servers.some((h) => h === '')) throw invalid(`ZooKeeper URL names no servers: '${text}'`);
  for (const s of servers) {
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(s);
    if (!m || (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 65535))) throw invalid(`Invalid ZooKeeper server '${s}' in '${text}'`);
  }
  return { servers: servers.map((s) => (/:\d+$/.test(s) ? s : `${s}:2181`)), path, ...(auth ? { auth } : {}) };
}

/** zkChild joins a child name to a parent path. */
export function zkChild(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}
