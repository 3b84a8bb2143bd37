// MarathonLeaderProxy against real loopback HTTP servers: what a standby does with a request when the leader is
// elsewhere, unknown, unreachable, or when the request has already been through this standby.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { MarathonLeaderProxy } from '../../../core/api/marathonLeaderProxy.js';
import { SystemClock } from '../../../core/node/systemClock.js';

const servers: http.Server[] = [];
const proxies: MarathonLeaderProxy[] = [];

async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** standby starts a proxy server whose election says `leader` leads (or nobody, or itself). */
async function standby(leader: () => string | undefined, isLeader = () => false): Promise<{ hostPort: string; served: string[] }> {
  const served: string[] = [];
  let self = '';
  const server = http.createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  self = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const proxy = new MarathonLeaderProxy({
    self,
    leadership: { isLeader, leaderHostPort: leader },
    serve: (req, res) => {
      served.push(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"served":"here"}');
    },
    clock: new SystemClock(),
  });
  proxies.push(proxy);
  server.on('request', (req, res) => proxy.handle(req, res));
  return { hostPort: self, served };
}

after(async () => {
  for (const p of proxies) p.dispose();
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

describe('MarathonLeaderProxy', () => {
  it("answers 502 when the elected leader's id is no host:port", async () => {
    const s = await standby(() => 'not a host:port');
    const res = await fetch(`http://${s.hostPort}/v2/apps`);
    assert.equal(res.status, 502);
    assert.deepEqual(await res.json(), { message: 'Failed to successfully establish a connection to the leader.' });
  });

  it('serves on the leader with the headers Marathon stamps', async () => {
    const s = await standby(() => undefined, () => true);
    const res = await fetch(`http://${s.hostPort}/v2/apps`);
    assert.equal(res.status, 200, 'served');
    assert.equal(res.headers.get('x-marathon-leader'), `http://${s.hostPort}`, 'the leader names itself');
    assert.equal(res.headers.get('x-frame-options'), 'DENY', 'frame options');
    assert.deepEqual(s.served, ['/v2/apps'], 'by its own handler');
  });

  it('proxies a standby request with its body, Via and Forwarded-For, and passes the answer back', async () => {
    const seen: Array<{ method?: string; url?: string; via?: string | string[]; forwarded?: string | string[]; body: string }> = [];
    const leader = await listen((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, via: req.headers['x-marathon-via'], forwarded: req.headers['x-forwarded-for'], body });
        res.writeHead(201, { 'Content-Type': 'application/json', 'X-Marathon-Leader': 'http://leader', Location: '/v2/apps/x' }).end('{"id":"/x"}');
      });
    });
    const s = await standby(() => leader);
    const res = await fetch(`http://${s.hostPort}/v2/apps?force=true`, { method: 'POST', body: '{"id":"/x"}', headers: { 'Content-Type': 'application/json' } });
    assert.equal(res.status, 201, "the leader's status");
    assert.deepEqual(await res.json(), { id: '/x' }, "the leader's body");
    assert.equal(res.headers.get('location'), '/v2/apps/x', "the leader's headers");
    assert.equal(res.headers.get('x-marathon-via'), `1.1 ${s.hostPort}`, 'the standby adds its Via to the answer');
    assert.deepEqual(seen, [{ method: 'POST', url: '/v2/apps?force=true', via: `1.1 ${s.hostPort}`, forwarded: '127.0.0.1', body: '{"id":"/x"}' }], 'the leader got the request whole');
    assert.deepEqual(s.served, [], 'the standby served nothing itself');
  });

  it('answers 502 for a loop, a refused connection, and, after holding the request, for no leader', async () => {
    const s = await standby(() => '127.0.0.1:1');
    const loop = await fetch(`http://${s.hostPort}/v2/apps`, { headers: { 'X-Marathon-Via': `1.1 other:8080, 1.1 ${s.hostPort}` } });
    assert.equal(loop.status, 502, 'loop');
    assert.deepEqual(await loop.json(), { message: 'Detected proxying loop.' }, "Marathon's words for a loop");
    const refused = await fetch(`http://${s.hostPort}/v2/apps`);
    assert.equal(refused.status, 502, 'refused');
    assert.deepEqual(await refused.json(), { message: 'Connection to leader refused.' }, "Marathon's words for a refused connection");
    const none = await standby(() => undefined);
    const started = Date.now();
    const noLeader = await fetch(`http://${none.hostPort}/v2/apps`);
    assert.equal(noLeader.status, 502, 'no leader');
    assert.deepEqual(await noLeader.json(), { message: 'Could not determine the current leader' }, "Marathon's words without a leader");
    assert.ok(Date.now() - started >= 2400, 'the request was held while an election might finish (10 × 250 ms)');
  });

  it('redirects the event stream to the leader rather than proxying it', async () => {
    const s = await standby(() => '10.0.0.9:8080');
    const res = await fetch(`http://${s.hostPort}/v2/events?event_type=status_update_event`, { redirect: 'manual' });
    assert.equal(res.status, 302, 'redirect');
    assert.equal(res.headers.get('location'), 'http://10.0.0.9:8080/v2/events?event_type=status_update_event', 'to the same path on the leader');
  });
});
