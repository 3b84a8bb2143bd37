import { createReadStream, type Stats } from 'node:fs';
import { open, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CoreError, toCoreError } from '../common/errors.js';
import { MESOS_STATUS, sendJson } from './mesosHttp.js';

/**
 * The `/files` endpoints of a Mesos agent (`src/files/files.cpp`): browse, read (the web UI's "pailer") and download
 * the files of attached directories — on an agent, the sandboxes — by *virtual* path, so nothing outside them leaks.
 */

/**
 * ResolveVirtualPath maps a virtual path to a real one, or undefined when nothing is attached there. It throws a
 * `CoreError` (`INVALID` → 400, `FORBIDDEN` → 403) when the path exists but must not be served; `FileAttachments`
 * implements the Mesos rules, including refusing symlinks that lead out of an attached directory.
 */
export type ResolveVirtualPath = (virtualPath: string) => string | undefined | Promise<string | undefined>;

/** FilesRoutesOptions are the inputs of `registerFilesRoutes`. */
export interface FilesRoutesOptions {
  resolve: ResolveVirtualPath;
  /** debug lists the virtual-to-real mapping for `/files/debug`; without it that route is not mounted. */
  debug?: () => Record<string, string>;
}

/** MAX_READ_LENGTH caps one `/files/read` at 16 pages, as Mesos does (`os::pagesize() * 16` with 4 KiB pages). */
export const MAX_READ_LENGTH = 16 * 4096;

type Query = Record<string, string | string[] | undefined>;

/**
 * registerFilesRoutes mounts `/files/browse`, `/files/read`, `/files/download` (and `/files/debug` when `debug` is
 * given), each also under its old `.json` name, with Mesos's parameters, status codes and plain-text errors.
 */
export function registerFilesRoutes(app: FastifyInstance, options: FilesRoutesOptions): void {
  const route = (name: string, handler: (query: Query, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>): void => {
    for (const path of [`/files/${name}`, `/files/${name}.json`]) {
      app.get(path, async (request, reply) => {
        try {
          return await handler(request.query as Query, request, reply);
        } catch (err) {
          return sendFilesError(reply, err);
        }
      });
    }
  };
  route('browse', (query, request, reply) => browse(options.resolve, query, request, reply));
  route('read', (query, request, reply) => read(options.resolve, query, request, reply));
  route('download', (query, _request, reply) => download(options.resolve, query, reply));
  const debug = options.debug;
  if (debug) route('debug', async (_query, request, reply) => sendJson(request, reply, debug()));
}

/** filesRoutesPlugin is `registerFilesRoutes` in fastify's plugin shape, for `app.register(filesRoutesPlugin, options)`. */
export async function filesRoutesPlugin(app: FastifyInstance, options: FilesRoutesOptions): Promise<void> {
  registerFilesRoutes(app, options);
}

/** BrowseEntry is one element of a `/files/browse` answer, as `ls -l` would show it. */
export interface BrowseEntry {
  path: string;
  nlink: number;
  size: number;
  /** mtime is in whole seconds since the epoch. */
  mtime: number;
  mode: string;
  uid: string;
  gid: string;
}

async function browse(resolve: ResolveVirtualPath, query: Query, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const path = requirePath(query);
  const real = await resolveOrNotFound(resolve, path);
  let names: string[] = [];
  try {
    names = await readdir(real);
  } catch (err) {
    // Browsing a file (or an unreadable directory) lists nothing, as `os::ls` failing does in Mesos.
    if (!isFsError(err)) throw err;
  }
  const [users, groups] = await Promise.all([readIdNames('/etc/passwd'), readIdNames('/etc/group')]);
  const entries: Array<{ key: string; entry: BrowseEntry }> = [];
  await Promise.all(
    names.map(async (name) => {
      let s: Stats;
      try {
        s = await stat(join(real, name)); // follows symlinks, as stat(2) in Mesos; dangling ones are skipped
      } catch (err) {
        if (isFsError(err)) return;
        throw err;
      }
      entries.push({ key: name, entry: fileInfo(joinVirtual(path, name), s, users, groups) });
    }),
  );
  entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return sendJson(request, reply, entries.map((e) => e.entry));
}

async function read(resolve: ResolveVirtualPath, query: Query, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const path = requirePath(query);
  const offset = parseInteger(query, 'offset') ?? -1;
  if (offset < -1) throw invalidRequest(`Negative offset provided: ${offset}.\n`);
  const requestedLength = parseInteger(query, 'length');
  if (requestedLength !== undefined && requestedLength < -1) throw invalidRequest(`Negative length provided: ${requestedLength}.\n`);
  // The pailer first asks with offset=-1 for the size alone; length=-1 means "to the end", like no length at all.
  let length = requestedLength === undefined || requestedLength === -1 ? undefined : requestedLength;
  let start = offset;
  if (offset === -1) {
    start = 0;
    length = 0;
  }
  const real = await resolveOrNotFound(resolve, path);
  await requireRegularFile(real, 'read');
  const handle = await open(real, 'r');
  try {
    const size = (await handle.stat()).size;
    const answer = (data: string): unknown => sendJson(request, reply, { data, offset: offset === -1 ? size : offset });
    if (start >= size) return answer('');
    const wanted = Math.min(length ?? size - start, MAX_READ_LENGTH);
    if (wanted === 0) return answer('');
    const buffer = Buffer.alloc(wanted);
    const { bytesRead } = await handle.read(buffer, 0, wanted, start);
    return answer(buffer.subarray(0, bytesRead).toString('utf8'));
  } finally {
    await handle.close();
  }
}

async function download(resolve: ResolveVirtualPath, query: Query, reply: FastifyReply): Promise<unknown> {
  const path = requirePath(query);
  const real = await resolveOrNotFound(resolve, path);
  const s = await requireRegularFile(real, 'download');
  const name = basename(real);
  // Fastify owns the stream from here: it pipes it and destroys it when the response ends or the client goes away.
  return reply
    .code(200)
    .header('Content-Type', MIME_TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream')
    .header('Content-Disposition', `attachment; filename=${name}`)
    .header('Content-Length', String(s.size))
    .send(createReadStream(real));
}

/**
 * FileAttachments is the virtual file table of Mesos's `FilesProcess`: directories (or single files) are attached
 * under virtual paths; a lookup takes the longest attached prefix, appends the rest, canonicalises the result and
 * refuses anything that ends up outside the attached directory (e.g. through `..` or a symlink).
 */
export class FileAttachments {
  private readonly paths = new Map<string, string>();

  /** attach exposes `realPath` (canonicalised now, so it must exist) under `virtualPath`. */
  async attach(realPath: string, virtualPath: string): Promise<void> {
    let canonical: string;
    try {
      canonical = await realpath(realPath);
    } catch (err) {
      throw new CoreError('NOT_FOUND', `Failed to get realpath of '${realPath}': ${(err as Error).message}`, { cause: err });
    }
    this.paths.set(stripTrailingSlashes(virtualPath), canonical);
  }

  /** detach stops exposing `virtualPath`. */
  detach(virtualPath: string): void {
    this.paths.delete(stripTrailingSlashes(virtualPath));
  }

  /** entries returns the table, for `/files/debug`. */
  entries(): Record<string, string> {
    return Object.fromEntries([...this.paths].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /** resolve implements `ResolveVirtualPath`. */
  readonly resolve = async (virtualPath: string): Promise<string | undefined> => {
    const tokens = stripTrailingSlashes(virtualPath).split('/');
    const suffix: string[] = [];
    while (tokens.length > 0) {
      const prefix = tokens.join('/');
      const root = this.paths.get(prefix);
      if (root === undefined) {
        suffix.unshift(tokens.pop() as string);
        continue;
      }
      let rootStat: Stats;
      try {
        rootStat = await stat(root);
      } catch (err) {
        if (isFsError(err)) return undefined;
        throw err;
      }
      // A file attached under a name has no children: asking for one is "not found", not a bad request.
      if (!rootStat.isDirectory()) return suffix.length === 0 ? root : undefined;
      const candidate = join(root, ...suffix);
      let canonical: string;
      try {
        canonical = await realpath(candidate);
      } catch (err) {
        if (isFsError(err)) return undefined;
        throw err;
      }
      if (!isWithin(canonical, root)) throw new CoreError('INVALID', `'${candidate}' is inaccessible`);
      return canonical;
    }
    return undefined;
  };
}

/**
 * confineTo wraps a hand-written resolver so that whatever it returns is canonicalised and must lie inside `root`
 * (e.g. `<work_dir>/slaves`): a mapping built with `path.join` alone lets `..` segments and symlinks planted by a
 * task reach any file the agent can read.
 */
export function confineTo(root: string, resolve: ResolveVirtualPath): (virtualPath: string) => Promise<string | undefined> {
  return async (virtualPath) => {
    const candidate = await resolve(virtualPath);
    if (candidate === undefined) return undefined;
    let canonicalRoot: string;
    let canonical: string;
    try {
      canonicalRoot = await realpath(root);
      canonical = await realpath(candidate);
    } catch (err) {
      if (isFsError(err)) return undefined;
      throw err;
    }
    if (!isWithin(canonical, canonicalRoot)) throw new CoreError('INVALID', `'${candidate}' is inaccessible`);
    return canonical;
  };
}

function isWithin(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`);
}

/**
 * requireRegularFile refuses directories (with Mesos's message) and also FIFOs, sockets and devices a task may have
 * created in its sandbox: opening a FIFO blocks until a writer appears, which would tie up one of libuv's few
 * file-system threads per request.
 */
async function requireRegularFile(real: string, verb: 'read' | 'download'): Promise<Stats> {
  const s = await stat(real);
  if (s.isDirectory()) throw invalidRequest(`Cannot ${verb} a directory.\n`);
  if (!s.isFile()) throw invalidRequest(`Cannot ${verb} a special file.\n`);
  return s;
}

function requirePath(query: Query): string {
  const path = first(query.path);
  if (path === undefined || path === '') throw invalidRequest("Expecting 'path=value' in query.\n");
  return path;
}

async function resolveOrNotFound(resolve: ResolveVirtualPath, path: string): Promise<string> {
  let real: string | undefined;
  try {
    real = await resolve(path);
  } catch (err) {
    const e = toCoreError(err);
    // Mesos answers a path that breaks out of its sandbox with 400 and the reason, ending in ".\n".
    if (e.code === 'INVALID') throw invalidRequest(`${e.message}.\n`);
    throw e;
  }
  if (real === undefined) throw new CoreError('NOT_FOUND', '');
  return real;
}

function parseInteger(query: Query, name: string): number | undefined {
  const text = first(query[name]);
  if (text === undefined) return undefined;
  if (!/^[+-]?\d+$/.test(text.trim()) || !Number.isSafeInteger(Number(text))) {
    throw invalidRequest(`Failed to parse ${name}: Failed to convert '${text}' to number.\n`);
  }
  return Number(text);
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** invalidRequest marks a message that already has Mesos's exact wording (trailing ".\n" included). */
function invalidRequest(message: string): CoreError {
  return Object.assign(new CoreError('INVALID', message), { verbatim: true });
}

// `/files` is served by every process and never redirects, so NOT_LEADER is plain unavailability here.
const FILES_STATUS: Record<CoreError['code'], number> = { ...MESOS_STATUS, NOT_LEADER: 503 };

function sendFilesError(reply: FastifyReply, err: unknown): FastifyReply {
  if (isFsError(err) && (err as NodeJS.ErrnoException).code === 'ENOENT') return reply.code(404).send();
  const e = toCoreError(err);
  if (e.code === 'INTERNAL') reply.log.error({ err: e.cause ?? e }, 'files endpoint failed');
  if (e.code === 'NOT_FOUND' && e.message === '') return reply.code(404).send();
  const verbatim = (e as { verbatim?: boolean }).verbatim === true;
  const body = verbatim ? e.message : `${e.message}.\n`;
  return reply.code(FILES_STATUS[e.code]).type('text/plain; charset=utf-8').send(body);
}

function fileInfo(path: string, s: Stats, users: Map<number, string>, groups: Map<number, string>): BrowseEntry {
  return {
    path,
    nlink: s.nlink,
    size: s.size,
    mtime: Math.floor(s.mtimeMs / 1000),
    mode: modeString(s),
    uid: users.get(s.uid) ?? String(s.uid),
    gid: groups.get(s.gid) ?? String(s.gid),
  };
}

/** modeString renders a mode as `ls -l` does (`drwxr-x---`), which is what Mesos's browse answer carries. */
export function modeString(s: Pick<Stats, 'mode' | 'isDirectory' | 'isFile' | 'isCharacterDevice' | 'isBlockDevice' | 'isFIFO' | 'isSymbolicLink' | 'isSocket'>): string {
  const type = s.isFile()
    ? '-'
    : s.isDirectory()
      ? 'd'
      : s.isCharacterDevice()
        ? 'c'
        : s.isBlockDevice()
          ? 'b'
          : s.isFIFO()
            ? 'p'
            : s.isSymbolicLink()
              ? 'l'
              : s.isSocket()
                ? 's'
                : '-';
  let bits = '';
  for (const shift of [6, 3, 0]) {
    const triple = (s.mode >> shift) & 7;
    bits += (triple & 4 ? 'r' : '-') + (triple & 2 ? 'w' : '-') + (triple & 1 ? 'x' : '-');
  }
  return type + bits;
}

/** joinVirtual joins like stout's `path::join`: exactly one slash between the parts. */
function joinVirtual(dir: string, name: string): string {
  return `${dir.replace(/\/+$/, '')}/${name}`;
}

function stripTrailingSlashes(path: string): string {
  return path.replace(/\/+$/, '');
}

// Account names for browse's uid/gid, read fresh per request (the files are small) so renames show up at once.
async function readIdNames(file: string): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (isFsError(err)) return names;
    throw err;
  }
  for (const line of text.split('\n')) {
    const [name, , id] = line.split(':');
    if (name && id !== undefined && /^\d+$/.test(id) && !names.has(Number(id))) names.set(Number(id), name);
  }
  return names;
}

function isFsError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

// The common extensions of libprocess's MIME table; anything else downloads as application/octet-stream.
const MIME_TYPES: Record<string, string> = {
  '.txt': 'text/plain',
  '.htm': 'text/html',
  '.html': 'text/html',
  '.css': 'text/css',
  '.js': 'application/x-javascript',
  '.xml': 'text/xml',
  '.tsv': 'text/tab-separated-values',
  '.sh': 'application/x-sh',
  '.py': 'text/x-python',
  '.c': 'text/plain',
  '.h': 'text/plain',
  '.pdf': 'application/pdf',
  '.ps': 'application/postscript',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.bmp': 'image/x-ms-bmp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.zip': 'application/zip',
  '.tar': 'application/x-tar',
  '.gtar': 'application/x-gtar',
  '.mp3': 'audio/mpeg',
  '.mp4': 'video/mp4',
  '.mpeg': 'video/mpeg',
  '.mov': 'video/quicktime',
  '.wav': 'audio/x-wav',
  '.bin': 'application/octet-stream',
  '.so': 'application/octet-stream',
  '.exe': 'application/octet-stream',
};
