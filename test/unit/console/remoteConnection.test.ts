import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { SeededRng } from '../../../core/common/rng.js';
import { RemoteConnection } from '../../../core/console/remoteConnection.js';
import { SystemClock } from '../../../core/node/systemClock.js';
import { encodeRecord } from '../../../core/protocol/recordio.js';
import type { StreamState } from '../../../core/protocol/console/channel.js';

// Fake Mesos masters on loopback: real HTTP, real redirects and real streams, scripted per test. The connection
// under test sees nothing but sockets, exactly as against a real cluster.

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

interface FakeMaster {
  url: string;
  server: Server;
  handler: Handler;
  requests: Array<{ method: string; url: string; authorization?: string }>;
  close(): Promise<void>;
}

const masters: FakeMaster[] = [];

async function fakeMaster(handler: Handler): Promise<FakeMaster> {
  const m = { handler, requests: [] } as unknown as FakeMaster;
  m.server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      m.requests.push({ method: req.method ?? '', url: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
      m.handler(req, res, body);
    });
  });
  await new Promise<void>((r) => m.server.listen(0, '127.0.0.1', () => r()));
  m.url = `http://127.0.0.1:${(m.server.address() as AddressInfo).port}`;
  m.close = () =>
    new Promise<void>((r) => {
      m.server.closeAllConnections();
      m.server.close(() => r());
    });
  masters.push(m);
  return m;
}

/** leaderBehaviour answers as a leading Mesos master would for the calls a console makes. */
function leaderBehaviour(self: () => string, extra?: Handler): Handler {
  return (req, res, body) => {
    if (req.url === '/master/redirect') {
      res.writeHead(307, { Location: `//${self().replace('http://', '')}` }).end();
    } else if (req.url === '/version') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ version: '1.11.0', build_user: 'plateau' }));
    } else if (extra) extra(req, res, body);
    else res.writeHead(404).end();
  };
}

function connection(list: string[], extra: Partial<ConstructorParameters<typeof RemoteConnection>[0]> = {}): RemoteConnection {
  return new RemoteConnection({ id: 'c1', name: 'test', masters: list, clock: new SystemClock(), rng: new SeededRng(7), ...extra });
}

async function waitFor<T>(what: string, fn: () => T | undefined, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

after(async () => {
  for (const m of masters) await m.close();
});

describe('RemoteConnection', () => {
  it('finds the leader through /master/redirect, skipping a master with no leader and one that is down', async () => {
    const leader = await fakeMaster(() => undefined);
    leader.handler = leaderBehaviour(() => leader.url);
    const standby = await fakeMaster((req, res) => {
      if (req.url === '/master/redirect') res.writeHead(307, { Location: `//${leader.url.replace('http://', '')}/master/redirect` }).end();
      else res.writeHead(307, { Location: `//${leader.url.replace('http://', '')}${req.url}` }).end();
    });
    const electing = await fakeMaster((_req, res) => res.writeHead(503).end('No leader elected'));
    const down = await fakeMaster(() => undefined);
    await down.close();
    const c = connection([down.url, electing.url, standby.url]);
    await c.start();
    const s = c.summary();
    assert.equal(s.status, 'connected', `status: ${s.detail}`);
    assert.equal(s.leader, leader.url, 'leader found through the standby');
    assert.equal(s.flavor, 'plateau', 'flavor read from /version');
    await c.dispose();
  });

  it('reports every master it tried when none leads, and stays reconnecting', async () => {
    const electing = await fakeMaster((_req, res) => res.writeHead(503).end());
    const gone = await fakeMaster(() => undefined);
    await gone.close();
    const c = connection([electing.url, gone.url]);
    await c.start();
    const s = c.summary();
    assert.equal(s.status, 'reconnecting', 'not connected');
    assert.match(s.detail ?? '', /no leading master/, 'says the master has no leader');
    assert.match(s.detail ?? '', /ECONNREFUSED/, 'says the other master refused');
    await c.dispose();
  });

  it('follows a 307 from a master that lost leadership and remembers the new leader', async () => {
    const newLeader = await fakeMaster(() => undefined);
    newLeader.handler = leaderBehaviour(() => newLeader.url, (req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ at: 'new', path: req.url })));
    const oldLeader = await fakeMaster(() => undefined);
    oldLeader.handler = leaderBehaviour(() => oldLeader.url);
    const c = connection([oldLeader.url, newLeader.url]);
    await c.start();
    assert.equal(c.summary().leader, oldLeader.url, 'first leader');
    oldLeader.handler = (req, res) => res.writeHead(307, { Location: `//${newLeader.url.replace('http://', '')}${req.url}` }).end();
    const answer = await c.request({ target: { kind: 'master' }, method: 'GET', path: '/master/state' });
    assert.equal(answer.status, 200, 'answered by the new leader');
    assert.deepEqual(JSON.parse(answer.body), { at: 'new', path: '/master/state' }, 'path kept across the redirect');
    assert.equal(c.summary().leader, newLeader.url, 'new leader remembered');
    await c.dispose();
  });

  it('searches the masters again when the leader stops answering', async () => {
    const a = await fakeMaster(() => undefined);
    const b = await fakeMaster(() => undefined);
    let leaderIs = a;
    const behave = (self: FakeMaster): Handler => (req, res) => {
      if (req.url === '/master/redirect') res.writeHead(307, { Location: `//${leaderIs.url.replace('http://', '')}` }).end();
      else if (req.url === '/version') res.writeHead(200).end('{}');
      else res.writeHead(200).end(JSON.stringify({ served_by: self.url }));
    };
    a.handler = behave(a);
    b.handler = behave(b);
    const c = connection([a.url, b.url]);
    await c.start();
    assert.equal(c.summary().leader, a.url, 'a leads');
    leaderIs = b;
    await a.close();
    const answer = await c.request({ target: { kind: 'master' }, method: 'GET', path: '/master/state-summary' });
    assert.equal(JSON.parse(answer.body).served_by, b.url, 'the request went to the new leader');
    assert.equal(c.summary().leader, b.url, 'leader updated');
    assert.equal(c.summary().flavor, 'mesos', 'a master without build_user plateau is Apache Mesos');
    await c.dispose();
  });

  it('sends credentials on every call and resolves agents from /master/slaves', async () => {
    const agent = await fakeMaster((req, res) => res.writeHead(200).end(JSON.stringify({ agent: true, url: req.url })));
    const leader = await fakeMaster(() => undefined);
    leader.handler = leaderBehaviour(
      () => leader.url,
      (req, res) => {
        if (req.url === '/master/slaves') res.writeHead(200).end(JSON.stringify({ slaves: [{ id: 'A1', pid: `slave(1)@${agent.url.replace('http://', '')}`, hostname: 'ignored' }] }));
        else res.writeHead(404).end();
      },
    );
    const c = connection([leader.url], { credentials: { kind: 'basic', username: 'ops', password: 's3cret' } });
    await c.start();
    const answer = await c.request({ target: { kind: 'agent', agentId: 'A1' }, method: 'GET', path: '/monitor/statistics' });
    assert.deepEqual(JSON.parse(answer.body), { agent: true, url: '/monitor/statistics' }, 'agent reached at its pid address');
    const expected = `Basic ${Buffer.from('ops:s3cret').toString('base64')}`;
    assert.ok(leader.requests.every((r) => r.authorization === expected), 'every master call authenticated');
    assert.equal(agent.requests[0]?.authorization, expected, 'agent call authenticated');
    await assert.rejects(c.request({ target: { kind: 'agent', agentId: 'nope' }, method: 'GET', path: '/monitor/statistics' }), /not registered/, 'unknown agent');
    await assert.rejects(c.request({ target: { kind: 'marathon' }, method: 'GET', path: '/v2/apps' }), /no Marathon URL/, 'no Marathon configured');
    await c.dispose();
  });

  it('re-opens the operator stream with backoff after it drops, and cuts a stream that stops heartbeating', async () => {
    let subscribes = 0;
    const leader = await fakeMaster(() => undefined);
    leader.handler = leaderBehaviour(
      () => leader.url,
      (req, res) => {
        if (req.url !== '/api/v1' || req.method !== 'POST') return void res.writeHead(404).end();
        subscribes++;
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write(encodeRecord(JSON.stringify({ type: 'SUBSCRIBED', subscribed: { get_state: {}, heartbeat_interval_seconds: 0.1 } })));
        res.write(encodeRecord(JSON.stringify({ type: 'HEARTBEAT' })));
        res.write(encodeRecord(JSON.stringify({ type: 'TASK_ADDED', n: subscribes })));
        // First stream: end at once (a master restart). Later streams: go silent (a dead peer after sleep).
        if (subscribes === 1) res.end();
      },
    );
    const c = connection([leader.url]);
    await c.start();
    const data: unknown[] = [];
    const states: StreamState[] = [];
    const stream = c.openStream('mesos-operator', { data: (d) => data.push(d), state: (s) => states.push(s) });
    await waitFor('three subscriptions', () => subscribes >= 3, 15_000);
    await stream.dispose();
    assert.ok(data.some((d) => (d as { type: string }).type === 'SUBSCRIBED'), 'SUBSCRIBED delivered');
    assert.ok(!data.some((d) => (d as { type: string }).type === 'HEARTBEAT'), 'heartbeats are not delivered');
    const retries = states.filter((s): s is Extract<StreamState, { state: 'retrying' }> => s.state === 'retrying');
    assert.ok(retries.some((r) => r.error === 'the stream ended'), `a dropped stream is retried: ${JSON.stringify(retries)}`);
    assert.ok(retries.some((r) => /no heartbeat/.test(r.error)), `a silent stream is cut: ${JSON.stringify(retries)}`);
    assert.ok(retries.every((r) => r.inMs >= 500 && r.inMs <= 1000), `first retries wait 0.5-1 s (backoff reset after each success): ${retries.map((r) => r.inMs)}`);
    assert.equal(states[states.length - 1]?.state, 'closed', 'disposed stream says closed');
    await c.dispose();
  });

  it('reports the offers stream as unsupported on a real Mesos master, and reconnectNow skips the backoff', async () => {
    let sse = 0;
    const leader = await fakeMaster(() => undefined);
    leader.handler = leaderBehaviour(
      () => leader.url,
      (req, res) => {
        if (req.url === '/plateau/v1/offers') return void res.writeHead(404).end();
        if (req.url === '/v2/events') {
          sse++;
          res.writeHead(200, { 'Content-Type': 'text/event-stream' });
          res.write(`event: event_stream_attached\ndata: {"eventType":"event_stream_attached","n":${sse}}\n\n`);
          return undefined;
        }
        res.writeHead(404).end();
      },
    );
    const c = connection([leader.url], { marathon: leader.url });
    await c.start();
    const offerStates: StreamState[] = [];
    const offers = c.openStream('plateau-offers', { data: () => undefined, state: (s) => offerStates.push(s) });
    await waitFor('unsupported', () => offerStates.find((s) => s.state === 'unsupported'));
    const events: unknown[] = [];
    const marathon = c.openStream('marathon-events', { data: (d) => events.push(d), state: () => undefined });
    await waitFor('first SSE event', () => events.length >= 1);
    c.reconnect();
    await waitFor('second SSE event after reconnect', () => events.length >= 2, 3000);
    assert.deepEqual(events.map((e) => (e as { n: number }).n), [1, 2], 'the stream was re-opened at once');
    await offers.dispose();
    await marathon.dispose();
    await c.dispose();
  });
});
