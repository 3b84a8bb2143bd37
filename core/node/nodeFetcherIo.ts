import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { appendFile, chmod, copyFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createGunzip } from 'node:zlib';
import type { ArchiveKind, FetcherIo } from '../agent/fetcher.js';

/**
 * NodeFetcherIo is the real `FetcherIo`: `node:fs` for copies and modes, Node's `fetch` for http(s) downloads,
 * zlib for `.gz`, and Debian's `tar` and `unzip` for archives (which keeps every compression `tar` knows).
 */
export class NodeFetcherIo implements FetcherIo {
  async copy(source: string, dest: string): Promise<void> {
    const info = await stat(source).catch((err: NodeJS.ErrnoException) => {
      throw new Error(err.code === 'ENOENT' ? `no such file '${source}'` : err.message);
    });
    if (!info.isFile()) throw new Error(`'${source}' is not a regular file`);
    await copyFile(source, dest);
  }

  async download(url: string, dest: string, timeoutMs: number): Promise<void> {
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    } catch (err) {
      const e = err as Error & { cause?: Error };
      throw new Error(e.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : (e.cause?.message ?? e.message));
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      throw new Error(`HTTP ${response.status} ${response.statusText}`);
    }
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), createWriteStream(dest));
  }

  async makeExecutable(path: string): Promise<void> {
    const info = await stat(path);
    await chmod(path, info.mode | 0o111);
  }

  async extract(archive: string, kind: ArchiveKind, directory: string, output: string): Promise<void> {
    switch (kind) {
      case 'tar':
        // GNU tar detects gzip, bzip2 and xz compression on its own when reading a file.
        await run('tar', ['-C', directory, '-xf', archive]);
        return;
      case 'gzip':
        await pipeline(createReadStream(archive), createGunzip(), createWriteStream(output));
        return;
      case 'zip':
        await run('unzip', ['-o', '-q', '-d', directory, archive]).catch((err: NodeJS.ErrnoException) => {
          throw err.code === 'ENOENT' ? new Error(`cannot extract '${archive}': 'unzip' is not installed on this agent`) : err;
        });
        return;
    }
  }

  async log(sandboxDir: string, line: string): Promise<void> {
    await appendFile(`${sandboxDir}/stderr`, `${line}\n`);
  }
}

function run(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 300_000 }, (err, _stdout, stderr) => {
      if (!err) resolve();
      else if ((err as NodeJS.ErrnoException).code === 'ENOENT') reject(err);
      else reject(new Error(`${file} failed: ${stderr.trim() || err.message}`));
    });
  });
}
