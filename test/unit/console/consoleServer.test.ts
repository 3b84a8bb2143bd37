import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { SeededRng } from '../../../core/common/rng.js';
import { ConsoleHost } from '../../../core/console/consoleHost.js';
import { startConsoleServer, type RunningConsoleServer } from '../../../core/console/consoleServer.js';
import { SystemClock } from '../../../core/node/systemClock.js';
import type { ConsoleMessage } from '../../../core/protocol/console/channel.js';

// The browser transport end to end: a real WebSocket to a real console server whose host talks to a fake master
// over HTTP. Checks the contract is enforced at the host whatever the client sends.

let master: Server;
let masterUrl = '';
let sseOpen = 0;
let sseClosed = 0;
let server: RunningConsoleServer;
let host: ConsoleHost;
const rendererDir = mkdtempSync(join(tmpdir(), 'plateau-renderer-'));

before(async () => {
  master = createServer((req, res) => {
    if (req.url === '/master/redirect') return void res.writeHead(307, { Location: `//${masterUrl.slice(7)}` }).end();
    if (req.url === '/version') return void res.writeHead(200).end(JSON.stringify({ version: '1.11.0', build_user: 'plateau' }));
    if (req.url === '/master/state') return void res.writeHead(200, { 'Content-Type': 'application/json', 'Set-Cookie': 'x=1' }).end('{"hostname":"m1"}');
    if (req.url === '/plateau/v1/offers') {
      sseOpen++;
      req.on('close', () => sseClosed++);
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      return void res.write('data: {"type":"OFFER_DECLINED","offerId":"o1"}\n\n');
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => master.listen(0, '127.0.0.1', () => r()));
  masterUrl = `http://127.0.0.1:${(master.address() as AddressInfo).port}`;
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  host = new ConsoleHost({ clock: new SystemClock(), rng: new SeededRng(1), host: 'browser' });
  server = await startConsoleServer({ host: '127.0.0.1', port: 0, rendererDir, consoleHost: host });
});

after(async () => {
  await server.dispose();
  await host.dispose();
  master.closeAllConnections();
  await new Promise<void>((r) => master.close(() => r()));
  rmSync(rendererDir, { recursive: true, force: true });
});

/** Client is a test's WebSocket end of the channel. */
class Client {
  readonly messages: ConsoleMessage[] = [];
  private nextId = 1;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => this.messages.push(JSON.parse(String(d)) as ConsoleMessage));
  }
  static async open(origin = server.url): Promise<Client> {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/channel`, { origin });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new Client(ws);
  }
  async call(method: string, params: unknown): Promise<Extract<ConsoleMessage, { kind: 'result' }>> {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ id, method, params }));
    return this.wait(`result ${id}`, (m) => m.kind === 'result' && m.id === id) as Promise<Extract<ConsoleMessage, { kind: 'result' }>>;
  }
  async wait(what: string, pred: (m: ConsoleMessage) => boolean, timeoutMs = 5000): Promise<ConsoleMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.messages.find(pred);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; saw ${JSON.stringify(this.messages).slice(0, 500)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

describe('console server and host', () => {
  it('serves the renderer with its Content-Security-Policy', async () => {
    const res = await fetch(`${server.url}/index.html`);
    assert.equal(res.status, 200, 'index served');
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/, 'CSP sent');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', 'nosniff sent');
  });

  it('refuses a WebSocket from another origin', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/channel`, { origin: 'http://evil.example' });
    const code = await new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
    assert.equal(code, 1008, 'closed as a policy violation');
  });

  it('answers contract violations with INVALID and the request id, and checks the channel version', async () => {
    const c = await Client.open();
    const bad = await c.call('connections.explode', {});
    assert.equal(bad.ok, false, 'unknown method refused');
    assert.equal(!bad.ok && bad.error.code, 'INVALID', 'INVALID code');
    const hello = await c.call('hello', { version: 99 });
    assert.ok(!hello.ok && /version 99/.test(hello.error.message), 'version mismatch named');
    const open = await c.call('connections.open', { spec: { kind: 'remote', name: 'x', masters: ['ftp://nope'] } });
    assert.ok(!open.ok && /spec\.masters\.0: expected an http/.test(open.error.message), `bad URL named with its path: ${JSON.stringify(open)}`);
    c.ws.send('not json');
    await c.wait('a JSON error', (m) => m.kind === 'result' && m.id === -1 && !m.ok);
    c.ws.close();
  });

  it('opens a remote cluster, proxies allowed reads only, and pushes the connection list', async () => {
    const c = await Client.open();
    const opened = await c.call('connections.open', { spec: { kind: 'remote', name: 'prod', masters: [masterUrl] } });
    assert.ok(opened.ok, `opened: ${JSON.stringify(opened)}`);
    const summary = (opened as { result: { id: string; status: string; leader: string } }).result;
    assert.equal(summary.status, 'connected', 'connected');
    assert.equal(summary.leader, masterUrl, 'leader');
    await c.wait('connections push', (m) => m.kind === 'connections' && m.connections.some((x) => x.id === summary.id));
    const state = await c.call('http', { connectionId: summary.id, target: { kind: 'master' }, method: 'GET', path: '/master/state' });
    assert.ok(state.ok, 'state proxied');
    const answer = (state as { result: { status: number; body: string; headers: Record<string, string> } }).result;
    assert.equal(answer.body, '{"hostname":"m1"}', 'body passed through');
    assert.equal(answer.headers['set-cookie'], undefined, 'headers outside the console list are dropped');
    for (const path of ['/master/api/v1/scheduler', '/api/v1/scheduler', '/master/api/v1/plateau/agent', '/../etc/passwd', '//evil.example/x', '/master/../api/v1/scheduler']) {
      const r = await c.call('http', { connectionId: summary.id, target: { kind: 'master' }, method: 'POST', path, body: '{}' });
      assert.ok(!r.ok && r.error.code === 'INVALID', `${path} refused`);
    }
    const unknown = await c.call('http', { connectionId: 'conn-404', target: { kind: 'master' }, method: 'GET', path: '/master/state' });
    assert.ok(!unknown.ok && unknown.error.code === 'NOT_FOUND', 'unknown connection');
    c.ws.close();
  });

  it("delivers a stream to the client that opened it and closes it when that client goes away", async () => {
    const c = await Client.open();
    const list = await c.call('connections.list', {});
    const id = ((list as { result: Array<{ id: string }> }).result[0] as { id: string }).id;
    const before = sseClosed;
    const opened = await c.call('stream.open', { connectionId: id, stream: 'plateau-offers' });
    const streamId = (opened as { result: { streamId: string } }).result.streamId;
    const data = await c.wait('offer event', (m) => m.kind === 'stream' && m.streamId === streamId);
    assert.deepEqual((data as { data: unknown }).data, { type: 'OFFER_DECLINED', offerId: 'o1' }, 'SSE data parsed and forwarded');
    await c.wait('open state', (m) => m.kind === 'streamState' && m.streamId === streamId && m.status.state === 'open');
    const other = await Client.open();
    const steal = await other.call('stream.close', { streamId });
    assert.ok(!steal.ok && steal.error.code === 'NOT_FOUND', "a client cannot close another client's stream");
    other.ws.close();
    c.ws.close();
    const deadline = Date.now() + 5000;
    while (sseClosed === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(sseClosed, before + 1, 'the upstream stream closed with its client');
    assert.ok(sseOpen >= 1, 'stream was opened upstream');
  });
});
