import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { FileAttachments, MAX_READ_LENGTH, confineTo, registerFilesRoutes } from '../../../core/api/filesRoutes.js';

const VIRTUAL = '/frameworks/f-1/executors/e-1/runs/latest';

describe('/files endpoints', () => {
  let root: string;
  let sandbox: string;
  let app: FastifyInstance;
  const attachments = new FileAttachments();
  const big = 'x'.repeat(MAX_READ_LENGTH + 100);

  const get = async (url: string) => app.inject({ method: 'GET', url });
  const q = (params: Record<string, string>): string => new URLSearchParams(params).toString();

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'plateau-files-'));
    sandbox = join(root, 'sandbox');
    await mkdir(join(sandbox, 'sub'), { recursive: true });
    await writeFile(join(sandbox, 'stdout'), 'hello stdout\n');
    await writeFile(join(sandbox, 'stderr'), '');
    await writeFile(join(sandbox, 'big.txt'), big);
    await writeFile(join(sandbox, 'sub', 'nested'), 'deep');
    await writeFile(join(root, 'secret'), 'outside the sandbox');
    await symlink(join(root, 'secret'), join(sandbox, 'escape'));
    await symlink(join(sandbox, 'stdout'), join(sandbox, 'inside-link'));
    await utimes(join(sandbox, 'stdout'), 1_700_000_000, 1_700_000_123);
    execFileSync('mkfifo', [join(sandbox, 'sub', 'fifo')]);
    await attachments.attach(sandbox, VIRTUAL);
    await attachments.attach(sandbox, sandbox);
    await attachments.attach(join(sandbox, 'stdout'), '/single-file');
    app = Fastify();
    registerFilesRoutes(app, { resolve: attachments.resolve, debug: () => attachments.entries() });
    await app.ready();
  });

  after(async () => {
    await app.close();
    await rm(root, { recursive: true, force: true });
  });

  describe('browse', () => {
    it('lists a directory like ls -l, sorted, with user and group names', async () => {
      const res = await get(`/files/browse?${q({ path: VIRTUAL })}`);
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      const listing = res.json() as Array<Record<string, unknown>>;
      assert.deepEqual(
        listing.map((e) => e.path),
        // Like Mesos, browse stats through symlinks, so the escaping one is listed; reading it is refused below.
        ['big.txt', 'escape', 'inside-link', 'stderr', 'stdout', 'sub'].map((n) => `${VIRTUAL}/${n}`),
      );
      const stdout = listing.find((e) => e.path === `${VIRTUAL}/stdout`);
      assert.deepEqual(stdout, { path: `${VIRTUAL}/stdout`, nlink: 1, size: 13, mtime: 1_700_000_123, mode: '-rw-r--r--', uid: 'root', gid: 'root' });
      const sub = listing.find((e) => e.path === `${VIRTUAL}/sub`);
      assert.match(String(sub?.mode), /^drwx/);
    });

    it('answers the same under the old .json name, by real path, and with a trailing slash', async () => {
      const byVirtual = (await get(`/files/browse?${q({ path: VIRTUAL })}`)).json() as Array<{ path: string }>;
      const legacy = (await get(`/files/browse.json?${q({ path: `${VIRTUAL}/` })}`)).json() as Array<{ path: string }>;
      assert.deepEqual(legacy, byVirtual);
      const byReal = (await get(`/files/browse?${q({ path: sandbox })}`)).json() as Array<{ path: string }>;
      assert.deepEqual(byReal.map((e) => e.path), byVirtual.map((e) => e.path.replace(VIRTUAL, sandbox)));
      const nested = (await get(`/files/browse?${q({ path: `${VIRTUAL}/sub` })}`)).json() as Array<{ path: string }>;
      assert.deepEqual(nested.map((e) => e.path), [`${VIRTUAL}/sub/fifo`, `${VIRTUAL}/sub/nested`]);
      assert.match(String((nested[0] as unknown as { mode: string }).mode), /^p/);
    });

    it('wraps the answer for ?jsonp=', async () => {
      const res = await get(`/files/browse?${q({ path: `${VIRTUAL}/sub`, jsonp: 'cb' })}`);
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/javascript/);
      assert.match(res.body, /^cb\(\[\{"path":".*\/sub\/fifo".*\]\);?$/);
    });

    it('lists nothing for a file, and 404s paths that are not attached or do not exist', async () => {
      assert.deepEqual((await get(`/files/browse?${q({ path: `${VIRTUAL}/stdout` })}`)).json(), []);
      const unknown = await get(`/files/browse?${q({ path: '/frameworks/other' })}`);
      assert.equal(unknown.statusCode, 404);
      assert.equal(unknown.body, '');
      assert.equal((await get(`/files/browse?${q({ path: `${VIRTUAL}/missing` })}`)).statusCode, 404);
      assert.equal((await get(`/files/browse?${q({ path: '/single-file/child' })}`)).statusCode, 404);
    });

    it('requires a path', async () => {
      for (const url of ['/files/browse', '/files/browse?path=']) {
        const res = await get(url);
        assert.equal(res.statusCode, 400);
        assert.equal(res.body, "Expecting 'path=value' in query.\n");
        assert.match(String(res.headers['content-type']), /^text\/plain/);
      }
    });
  });

  describe('read', () => {
    const read = async (params: Record<string, string>) => get(`/files/read?${q({ path: `${VIRTUAL}/stdout`, ...params })}`);

    it('returns the size alone for offset=-1 (or no offset), as the pailer first asks', async () => {
      assert.deepEqual((await read({ offset: '-1' })).json(), { data: '', offset: 13 });
      assert.deepEqual((await read({})).json(), { data: '', offset: 13 });
      assert.equal((await read({})).body, '{"data":"","offset":13}', 'keys in Mesos order');
    });

    it('reads from an offset, for a length or to the end; length=-1 means to the end', async () => {
      assert.deepEqual((await read({ offset: '0' })).json(), { data: 'hello stdout\n', offset: 0 });
      assert.deepEqual((await read({ offset: '6', length: '3' })).json(), { data: 'std', offset: 6 });
      assert.deepEqual((await read({ offset: '6', length: '-1' })).json(), { data: 'stdout\n', offset: 6 });
      assert.deepEqual((await read({ offset: '0', length: '0' })).json(), { data: '', offset: 0 });
      assert.deepEqual((await read({ offset: '100' })).json(), { data: '', offset: 100 });
      assert.deepEqual((await get(`/files/read.json?${q({ path: `${VIRTUAL}/stdout`, offset: '0', length: '5' })}`)).json(), { data: 'hello', offset: 0 });
      assert.deepEqual((await get(`/files/read?${q({ path: '/single-file', offset: '0', length: '5' })}`)).json(), { data: 'hello', offset: 0 });
    });

    it('caps one read at 16 pages', async () => {
      const res = await get(`/files/read?${q({ path: `${VIRTUAL}/big.txt`, offset: '0' })}`);
      const body = res.json() as { data: string; offset: number };
      assert.equal(body.data.length, MAX_READ_LENGTH);
      const rest = (await get(`/files/read?${q({ path: `${VIRTUAL}/big.txt`, offset: String(MAX_READ_LENGTH) })}`)).json() as { data: string };
      assert.equal(rest.data.length, 100);
    });

    it('answers bad offsets and lengths with 400 and the Mesos wording', async () => {
      const cases: Array<[Record<string, string>, string]> = [
        [{ offset: 'hello' }, "Failed to parse offset: Failed to convert 'hello' to number.\n"],
        [{ offset: '0', length: 'hello' }, "Failed to parse length: Failed to convert 'hello' to number.\n"],
        [{ offset: '-2' }, 'Negative offset provided: -2.\n'],
        [{ offset: '0', length: '-2' }, 'Negative length provided: -2.\n'],
      ];
      for (const [params, message] of cases) {
        const res = await read(params);
        assert.equal(res.statusCode, 400, JSON.stringify(params));
        assert.equal(res.body, message);
      }
    });

    it('refuses directories and paths that lead out of the sandbox', async () => {
      const dir = await get(`/files/read?${q({ path: `${VIRTUAL}/sub`, offset: '0' })}`);
      assert.equal(dir.statusCode, 400);
      assert.equal(dir.body, 'Cannot read a directory.\n');
      const escape = await get(`/files/read?${q({ path: `${VIRTUAL}/escape`, offset: '0' })}`);
      assert.equal(escape.statusCode, 400);
      assert.match(escape.body, /is inaccessible\.\n$/);
      assert.doesNotMatch(escape.body, /outside the sandbox/);
      const dotdot = await get(`/files/read?${q({ path: `${VIRTUAL}/sub/../../secret`, offset: '0' })}`);
      assert.equal(dotdot.statusCode, 400);
      const inside = await get(`/files/read?${q({ path: `${VIRTUAL}/inside-link`, offset: '0' })}`);
      assert.deepEqual(inside.json(), { data: 'hello stdout\n', offset: 0 });
      assert.equal((await get(`/files/read?${q({ path: `${VIRTUAL}/nope`, offset: '0' })}`)).statusCode, 404);
      // A FIFO would block the reader until some writer appeared.
      const fifo = await get(`/files/read?${q({ path: `${VIRTUAL}/sub/fifo`, offset: '0' })}`);
      assert.equal(fifo.statusCode, 400);
      assert.equal((await get(`/files/download?${q({ path: `${VIRTUAL}/sub/fifo` })}`)).statusCode, 400);
    });
  });

  describe('download', () => {
    it('sends the raw file as an attachment', async () => {
      const res = await get(`/files/download?${q({ path: `${VIRTUAL}/stdout` })}`);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'application/octet-stream');
      assert.equal(res.headers['content-disposition'], 'attachment; filename=stdout');
      assert.equal(res.body, 'hello stdout\n');
      const txt = await get(`/files/download.json?${q({ path: `${VIRTUAL}/big.txt` })}`);
      assert.match(String(txt.headers['content-type']), /^text\/plain/);
      assert.equal(txt.body.length, big.length, 'download is not capped');
    });

    it('refuses directories, unknown paths and escapes', async () => {
      const dir = await get(`/files/download?${q({ path: VIRTUAL })}`);
      assert.equal(dir.statusCode, 400);
      assert.equal(dir.body, 'Cannot download a directory.\n');
      assert.equal((await get(`/files/download?${q({ path: `${VIRTUAL}/nope` })}`)).statusCode, 404);
      assert.equal((await get(`/files/download?${q({ path: `${VIRTUAL}/escape` })}`)).statusCode, 400);
      assert.equal((await get('/files/download')).statusCode, 400);
    });
  });

  it('shows the attachment table on /files/debug', async () => {
    const res = await get('/files/debug');
    assert.equal(res.statusCode, 200);
    const table = res.json() as Record<string, string>;
    assert.equal(table[VIRTUAL], sandbox);
    assert.equal(table['/single-file'], join(sandbox, 'stdout'));
  });

  it('serves nothing once a sandbox is detached', async () => {
    const other = new FileAttachments();
    await other.attach(sandbox, '/x');
    assert.equal(await other.resolve('/x/stdout'), join(sandbox, 'stdout'));
    other.detach('/x/');
    assert.equal(await other.resolve('/x/stdout'), undefined);
  });

  it('confines a hand-written resolver to its root, whatever `..` or symlinks it meets', async () => {
    // A naive mapping: the virtual path is simply appended to the sandbox.
    const naive = (p: string): string => join(sandbox, p);
    const confined = confineTo(sandbox, naive);
    assert.equal(await confined('/stdout'), join(sandbox, 'stdout'));
    assert.equal(await confined('/inside-link'), join(sandbox, 'stdout'));
    assert.equal(await confined('/missing'), undefined);
    for (const escape of ['/escape', '/../secret', '/sub/../../secret']) {
      await assert.rejects(confined(escape), /is inaccessible/, escape);
    }
    const server = Fastify();
    registerFilesRoutes(server, { resolve: confined });
    const res = await server.inject({ method: 'GET', url: `/files/read?${q({ path: '/../secret', offset: '0' })}` });
    assert.equal(res.statusCode, 400);
    assert.doesNotMatch(res.body, /outside the sandbox/);
    await server.close();
  });

  it('serves over a real socket too', async () => {
    // A download has a Content-Length, so the client may finish reading before the server has marked the
    // keep-alive connection idle; without forcing, close() would then wait for the 72 s keep-alive timeout.
    const server = Fastify({ forceCloseConnections: true });
    registerFilesRoutes(server, { resolve: attachments.resolve });
    try {
      const address = await server.listen({ host: '127.0.0.1', port: 0 });
      const res = await fetch(`${address}/files/read?${q({ path: `${VIRTUAL}/stdout`, offset: '0' })}`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { data: 'hello stdout\n', offset: 0 });
      const dl = await fetch(`${address}/files/download?${q({ path: `${VIRTUAL}/big.txt` })}`);
      assert.equal((await dl.text()).length, big.length);
    } finally {
      await server.close();
    }
  });
});
