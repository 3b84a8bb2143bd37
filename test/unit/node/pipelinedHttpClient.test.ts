// PipelinedHttpClient against a real Node HTTP server: answers in order, any framing, failures.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import { PipelinedHttpClient } from '../../../core/node/pipelinedHttpClient.js';
import { SystemClock } from '../../../core/node/systemClock.js';

async function listen(server: net.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

function close(server: net.Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('PipelinedHttpClient', () => {
  const servers: net.Server[] = [];
  after(async () => {
    for (const s of servers) await close(s);
  });

  it('answers every request, in order, with its status and body, whatever the framing', async () => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${req.headers['content-type']} ${req.headers['mesos-stream-id']} ${body}`);
        const n = Number(JSON.parse(body).n);
        // Answers take turns: empty 202s, bodies with a length, chunked bodies, and late ones.
        const answer = () => {
          if (n % 4 === 0) res.writeHead(202).end();
          else if (n % 4 === 1) res.writeHead(400, { 'Content-Type': 'text/plain' }).end(`bad ${n} é`);
          else if (n % 4 === 2) {
            res.writeHead(200, { 'Transfer-Encoding': 'chunked' });
            res.write(`chunk ${n} `);
            res.end('end');
          } else res.writeHead(200).end(`late ${n}`);
        };
        if (n % 4 === 3) setTimeout(answer, 5);
        else answer();
      });
    });
    servers.push(server);
    const client = new PipelinedHttpClient(await listen(server), new SystemClock(), { maxConnections: 2, depth: 8 });
    const answers = await Promise.all(Array.from({ length: 200 }, (_, n) => client.post('/api/v1/scheduler', { 'Content-Type': 'application/json', 'Mesos-Stream-Id': 's1' }, JSON.stringify({ n }))));
    client.dispose();
    assert.equal(seen.length, 200, 'the server got every request');
    assert.ok(seen.every((s) => s.startsWith('POST /api/v1/scheduler application/json s1 {"n":')), 'method, path, headers and body arrive as sent');
    answers.forEach((a, n) => {
      const expected = [
        { status: 202, body: '' },
        { status: 400, body: `bad ${n} é` },
        { status: 200, body: `chunk ${n} end` },
        { status: 200, body: `late ${n}` },
      ][n % 4];
      assert.deepEqual(a, expected, `answer ${n} belongs to request ${n}`);
    });
  });

  it('fails the requests in flight when the connection drops, and connects again for the next', async () => {
    let drop = true;
    const server = net.createServer((socket) => {
      socket.once('data', () => {
        if (drop) socket.destroy();
        else socket.end('HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n');
      });
    });
    servers.push(server);
    const client = new PipelinedHttpClient(await listen(server), new SystemClock());
    await assert.rejects(client.post('/x', {}, '{}'), /socket hang up|ECONNRESET/, 'a dropped connection fails the request');
    drop = false;
    assert.deepEqual(await client.post('/x', {}, '{}'), { status: 202, body: '' }, 'a new connection serves the next request');
    client.dispose();
  });

  it('fails a connection that answers nothing within the timeout', async () => {
    const server = net.createServer((socket) => socket.resume());
    servers.push(server);
    const client = new PipelinedHttpClient(await listen(server), new SystemClock(), { timeoutMs: 200 });
    const started = Date.now();
    await assert.rejects(client.post('/x', {}, '{}'), /did not answer within 0.2 s/, 'the request times out');
    assert.ok(Date.now() - started >= 190, 'not before the timeout');
    client.dispose();
  });

  it('refuses requests once disposed', async () => {
    const client = new PipelinedHttpClient('http://127.0.0.1:9', new SystemClock());
    client.dispose();
    await assert.rejects(client.post('/x', {}, '{}'), /disposed/, 'disposed clients send nothing');
  });
});
