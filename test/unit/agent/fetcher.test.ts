// The fetcher's rules with a recording FetcherIo: how each URI is named, fetched, made executable or extracted,
// and how a failure names its URI.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { archiveKind, Fetcher, FetchError, fileNameOf, type FetcherIo } from '../../../core/agent/fetcher.js';

/** recordingIo records every call as a string; `fail` makes downloads and copies of matching sources throw. */
function recordingIo(fail?: RegExp): { io: FetcherIo; calls: string[] } {
  const calls: string[] = [];
  const io: FetcherIo = {
    copy: async (source, dest) => {
      if (fail?.test(source)) throw new Error('no such file');
      calls.push(`copy ${source} ${dest}`);
    },
    download: async (url, dest) => {
      if (fail?.test(url)) throw new Error('HTTP 404 Not Found');
      calls.push(`download ${url} ${dest}`);
    },
    makeExecutable: async (path) => void calls.push(`chmod ${path}`),
    extract: async (archive, kind, directory, output) => void calls.push(`extract ${kind} ${archive} ${directory}${output ? ` ${output}` : ''}`),
    log: async () => undefined,
  };
  return { io, calls };
}

describe('fetcher', () => {
  it('names files after the URI path or output_file', () => {
    assert.equal(fileNameOf({ value: 'http://h:1/a/b/c.tar.gz?x=1' }), 'c.tar.gz', 'last path segment, no query');
    assert.equal(fileNameOf({ value: '/opt/app/run.sh' }), 'run.sh', 'local path basename');
    assert.equal(fileNameOf({ value: 'file:///opt/a%20b.txt' }), 'a b.txt', 'file URI decoded');
    assert.equal(fileNameOf({ value: 'http://h/x', output_file: 'y' }), 'y', 'output_file wins');
  });

  it('recognises the archives Mesos extracts', () => {
    for (const name of ['a.tar', 'a.tar.gz', 'a.tgz', 'a.tar.bz2', 'a.tar.xz']) assert.equal(archiveKind(name)?.kind, 'tar', name);
    assert.deepEqual(archiveKind('a.txt.gz'), { kind: 'gzip', output: 'a.txt' }, '.gz is gunzipped beside itself');
    assert.equal(archiveKind('a.zip')?.kind, 'zip', 'zip');
    assert.equal(archiveKind('a.sh'), undefined, 'not an archive');
  });

  it('copies, downloads, chmods and extracts as asked', async () => {
    const { io, calls } = recordingIo();
    await new Fetcher(io).fetchAll(
      [
        { value: '/srv/data.txt' },
        { value: 'file:///srv/b.tgz' },
        { value: 'http://h/c.tar.gz', extract: false },
        { value: 'https://h/run.sh', executable: true },
        { value: 'http://h/d.zip', output_file: 'e.zip' },
      ],
      '/sb',
    );
    assert.deepEqual(
      calls,
      ['copy /srv/data.txt /sb/data.txt', 'copy /srv/b.tgz /sb/b.tgz', 'extract tar /sb/b.tgz /sb', 'download http://h/c.tar.gz /sb/c.tar.gz', 'download https://h/run.sh /sb/run.sh', 'chmod /sb/run.sh', 'download http://h/d.zip /sb/e.zip', 'extract zip /sb/e.zip /sb'],
      `calls: ${JSON.stringify(calls)}`,
    );
  });

  it('fails with a FetchError naming the URI, and stops at the first failure', async () => {
    const { io, calls } = recordingIo(/missing/);
    const failure = await new Fetcher(io).fetchAll([{ value: 'http://h/missing.txt' }, { value: '/srv/ok.txt' }], '/sb').then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(failure instanceof FetchError, 'a FetchError');
    assert.match(failure.message, /http:\/\/h\/missing\.txt/, 'names the URI');
    assert.deepEqual(calls, [], 'nothing after the failure');
    for (const value of ['relative/path', 'ftp://h/x', 'http://h/']) {
      const err = await new Fetcher(io).fetchAll([{ value }], '/sb').then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof FetchError, `${value} is refused`);
    }
  });
});
