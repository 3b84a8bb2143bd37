import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SeededRng } from '../../../core/common/rng.js';
import { RemoteConnection } from '../../../core/console/remoteConnection.js';
import { SystemClock } from '../../../core/node/systemClock.js';
import { tempDir } from '../../harness/plateauProcess.js';

// A cluster behind TLS signed by a private CA: the console trusts it only when given that CA, and says why not
// otherwise. The CA and the server certificate are made with openssl for this test.

const dir = tempDir('tls');
let server: Server;
let url = '';
let caPem = '';

before(async () => {
  const p = (f: string) => join(dir.path, f);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=Plateau Test CA', '-keyout', p('ca.key'), '-out', p('ca.pem'));
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', p('server.key'), '-out', p('server.csr'));
  writeFileSync(p('ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  ssl('x509', '-req', '-in', p('server.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial', '-days', '1', '-extfile', p('ext.cnf'), '-out', p('server.pem'));
  caPem = readFileSync(p('ca.pem'), 'utf8');
  server = createServer({ key: readFileSync(p('server.key')), cert: readFileSync(p('server.pem')) }, (req, res) => {
    if (req.url === '/master/redirect') return void res.writeHead(307, { Location: `//127.0.0.1:${(server.address() as AddressInfo).port}` }).end();
    if (req.url === '/version') return void res.writeHead(200).end('{"version":"1.11.0"}');
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"hostname":"tls-master"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  dir.remove();
});

describe('RemoteConnection over TLS with a private CA', () => {
  it('reaches the master over https when given the CA, keeping the scheme across the redirect', async () => {
    const c = new RemoteConnection({ id: 't', name: 'tls', masters: [url], caPem, clock: new SystemClock(), rng: new SeededRng(1) });
    await c.start();
    assert.equal(c.summary().status, 'connected', `connected: ${c.summary().detail}`);
    assert.equal(c.summary().leader, url, 'the protocol-relative redirect kept https');
    const answer = await c.request({ target: { kind: 'master' }, method: 'GET', path: '/master/state' });
    assert.equal(JSON.parse(answer.body).hostname, 'tls-master', 'state read over TLS');
    await c.dispose();
  });

  it('refuses the certificate without the CA and says why', async () => {
    const c = new RemoteConnection({ id: 't2', name: 'tls', masters: [url], clock: new SystemClock(), rng: new SeededRng(1) });
    await c.start();
    assert.equal(c.summary().status, 'reconnecting', 'not connected');
    assert.match(c.summary().detail ?? '', /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|unable to verify|certificate/i, `the certificate problem is named: ${c.summary().detail}`);
    await c.dispose();
  });
});
