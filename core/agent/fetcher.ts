/**
 * The agent's URI fetcher: before a task's command runs, every `CommandInfo.uris` entry is brought into the
 * sandbox, as Mesos's fetcher does. Local paths and `file://` URIs are copied, `http(s)://` URIs downloaded;
 * the file is named after the URI's last path segment (or `output_file`), made executable when asked, and
 * otherwise extracted when it is a recognised archive and `extract` is not false. `cache` is not honoured:
 * every URI is fetched afresh for every task. All disk and network work goes through `FetcherIo`.
 */
import type { CommandInfo } from '../protocol/mesos/v1.js';

/** FetchUri is one `CommandInfo.uris` entry. */
export type FetchUri = NonNullable<CommandInfo['uris']>[number];

/** ArchiveKind names how an archive is unpacked; each kind is a separate tool, so `FetcherIo` picks the tool. */
export type ArchiveKind = 'tar' | 'gzip' | 'zip';

/** FetcherIo is the fetcher's file and network access, so the fetch rules can be tested without disk or network. */
export interface FetcherIo {
  /** copy copies the local file `source` to `dest`. */
  copy(source: string, dest: string): Promise<void>;
  /** download saves `url`'s body to `dest`, failing on a non-2xx answer or after `timeoutMs`. */
  download(url: string, dest: string, timeoutMs: number): Promise<void>;
  /** makeExecutable adds the execute bits to `path`. */
  makeExecutable(path: string): Promise<void>;
  /** extract unpacks `archive` of `kind` into `directory` (a `.gz` file becomes `output`). */
  extract(archive: string, kind: ArchiveKind, directory: string, output: string): Promise<void>;
  /** log appends one line to the sandbox's stderr, where Mesos's fetcher leaves its output. */
  log(sandboxDir: string, line: string): Promise<void>;
}

/** DEFAULT_FETCH_TIMEOUT_MS bounds one download, so a stalled server fails the task instead of hanging its launch. */
export const DEFAULT_FETCH_TIMEOUT_MS = 60_000;

/** FetchError is a failed fetch of one URI; its message names the URI, for the task's TASK_FAILED message. */
export class FetchError extends Error {
  constructor(
    readonly uri: string,
    cause: string,
  ) {
    super(`Failed to fetch '${uri}': ${cause}`);
    this.name = 'FetchError';
  }
}

/** archiveKind says how Mesos's fetcher would extract a file named `name`, or undefined when it is not an archive. */
export function archiveKind(name: string): { kind: ArchiveKind; output: string } | undefined {
  const lower = name.toLowerCase();
  if (['.tar', '.tar.gz', '.tgz', '.tar.bz2', '.tbz2', '.tar.xz', '.txz'].some((s) => lower.endsWith(s))) return { kind: 'tar', output: '' };
  if (lower.endsWith('.zip')) return { kind: 'zip', output: '' };
  if (lower.endsWith('.gz')) return { kind: 'gzip', output: name.slice(0, -3) };
  return undefined;
}

/** fileNameOf is the name a URI is fetched under: `output_file`, else the last segment of the URI's path. */
export function fileNameOf(uri: FetchUri): string {
  if (uri.output_file) return uri.output_file;
  const path = /^[a-z][a-z0-9+.-]*:\/\//i.test(uri.value) ? new URL(uri.value).pathname : uri.value;
  const name = decodeURIComponent(path.split('/').filter((s) => s !== '').pop() ?? '');
  return name;
}

/**
 * Fetcher fetches a task's URIs into its sandbox; `fetchAll` throws a `FetchError` at the first URI that
 * cannot be fetched, which the agent turns into TASK_FAILED (REASON_CONTAINER_LAUNCH_FAILED), as Mesos does.
 */
export class Fetcher {
  constructor(
    private readonly io: FetcherIo,
    private readonly timeoutMs = DEFAULT_FETCH_TIMEOUT_MS,
  ) {}

  async fetchAll(uris: readonly FetchUri[], sandboxDir: string): Promise<void> {
    for (const uri of uris) await this.fetchOne(uri, sandboxDir);
  }

  private async fetchOne(uri: FetchUri, sandboxDir: string): Promise<void> {
    await this.io.log(sandboxDir, `Fetching URI '${uri.value}'`);
    if (uri.cache) await this.io.log(sandboxDir, `Fetcher cache is not supported; fetching '${uri.value}' directly into the sandbox`);
    try {
      let name: string;
      try {
        name = fileNameOf(uri);
      } catch {
        throw new FetchError(uri.value, 'malformed URI');
      }
      if (name === '' || name === '.' || name === '..' || name.startsWith('/') || name.split('/').includes('..')) throw new FetchError(uri.value, `cannot name a file in the sandbox after it ('${name}')`);
      const dest = `${sandboxDir}/${name}`;
      const value = uri.value;
      if (/^https?:\/\//i.test(value)) {
        await this.io.log(sandboxDir, `Downloading resource from '${value}' to '${dest}'`);
        await this.io.download(value, dest, this.timeoutMs);
      } else if (/^file:\/\//i.test(value)) {
        await this.io.copy(decodeURIComponent(new URL(value).pathname), dest);
      } else if (value.startsWith('/')) {
        await this.io.copy(value, dest);
      } else {
        const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1];
        throw new FetchError(value, scheme ? `unsupported scheme '${scheme}' (only file, http and https are supported)` : 'a local path must be absolute');
      }
      await this.io.log(sandboxDir, `Fetched '${value}' to '${dest}'`);
      if (uri.executable) {
        await this.io.makeExecutable(dest);
        return;
      }
      const archive = uri.extract === false ? undefined : archiveKind(name);
      if (archive) {
        const output = archive.output ? `${sandboxDir}/${archive.output}` : '';
        await this.io.extract(dest, archive.kind, sandboxDir, output);
        await this.io.log(sandboxDir, `Extracted '${dest}' into '${sandboxDir}'`);
      }
    } catch (err) {
      const failure = err instanceof FetchError ? err : new FetchError(uri.value, (err as Error).message);
      await this.io.log(sandboxDir, failure.message).catch(() => undefined);
      throw failure;
    }
  }
}
