import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Backoff, CONSOLE_BACKOFF } from '../../../core/common/backoff.js';
import { FakeClock } from '../../../core/common/clock.js';
import { SeededRng } from '../../../core/common/rng.js';
import { isAllowedNavigation, isTrustedSender } from '../../../core/console/ipcGuard.js';
import { SavedConnections, type SecretBox } from '../../../core/console/savedConnections.js';
import { WakeDetector } from '../../../core/console/wakeDetector.js';
import { isAllowedPath, parseConsoleRequest } from '../../../core/protocol/console/channel.js';

describe('channel contract', () => {
  it('accepts the public read and operate APIs and nothing that drives the cluster as a framework or agent', () => {
    assert.ok(isAllowedPath('master', '/master/state'), 'legacy state');
    assert.ok(isAllowedPath('master', '/api/v1'), 'operator API');
    assert.ok(isAllowedPath('master', '/plateau/v1/offers'), 'offers stream');
    assert.ok(isAllowedPath('marathon', '/v2/apps/web?force=true'), 'Marathon with a query');
    assert.ok(isAllowedPath('agent', '/files/read?path=/var/x/stdout&offset=-1'), 'agent files');
    assert.ok(!isAllowedPath('master', '/api/v1/scheduler'), 'scheduler API');
    assert.ok(!isAllowedPath('master', '/master/api/v1/plateau/agent'), 'agent link');
    assert.ok(!isAllowedPath('marathon', '/master/state'), 'wrong target');
    assert.ok(!isAllowedPath('agent', '/v2/apps'), 'Marathon path on an agent');
    assert.ok(!isAllowedPath('master', 'master/state'), 'relative');
    assert.ok(!isAllowedPath('master', '/master/state/../../x'), 'dot segments');
    assert.ok(!isAllowedPath('master', '/master/ state'), 'whitespace');
  });

  it('names the first problem of an invalid request and keeps its id', () => {
    const r = parseConsoleRequest({ id: 7, method: 'http', params: { connectionId: 'c', target: { kind: 'agent' }, method: 'GET', path: '/state' } });
    assert.ok(!r.ok, 'refused');
    assert.equal(!r.ok && r.id, 7, 'id kept');
    assert.match(!r.ok ? r.message : '', /target\.agentId/, 'path of the problem named');
    const notObject = parseConsoleRequest('hello');
    assert.ok(!notObject.ok && notObject.id === -1, 'no id for a non-object');
    const ok = parseConsoleRequest({ id: 1, method: 'connections.open', params: { spec: { kind: 'embedded' } } });
    assert.ok(ok.ok && ok.request.method === 'connections.open' && ok.request.params.spec.kind === 'embedded' && ok.request.params.spec.agents === 3, 'embedded defaults applied');
  });
});

describe('Backoff', () => {
  it('doubles from 1 s to a 30 s cap with half the delay random, and resets after a success', () => {
    const b = new Backoff(CONSOLE_BACKOFF, new SeededRng(3));
    const delays = Array.from({ length: 8 }, () => b.next());
    const bases = [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000];
    delays.forEach((d, i) => assert.ok(d >= (bases[i] as number) / 2 && d <= (bases[i] as number), `attempt ${i}: ${d} within [${(bases[i] as number) / 2}, ${bases[i]}]`));
    b.reset();
    assert.ok(b.next() <= 1000, 'reset starts over');
  });
});

describe('WakeDetector', () => {
  it('fires when the clock jumps past the slack (sleep), not on ordinary ticks', () => {
    const clock = new FakeClock();
    const woke: number[] = [];
    const d = new WakeDetector(clock, (ms) => woke.push(ms), 2000, 10_000);
    for (let i = 0; i < 10; i++) clock.advance(2000);
    assert.deepEqual(woke, [], 'no wake on regular ticks');
    // A sleep: wall time moves 60 s while no timer ran. FakeClock runs due timers on advance, so move `now` first.
    (clock as unknown as { current: number }).current += 60_000;
    clock.advance(2000);
    assert.equal(woke.length, 1, 'one wake');
    assert.ok((woke[0] ?? 0) >= 60_000, 'reports the gap');
    d.dispose();
    clock.advance(100_000);
    assert.equal(woke.length, 1, 'disposed detector is silent');
  });
});

describe('ipcGuard', () => {
  it('trusts only the app origin', () => {
    assert.ok(isTrustedSender('plateau://app/index.html'), 'app page');
    assert.ok(!isTrustedSender('https://evil.example/'), 'web page');
    assert.ok(!isTrustedSender('plateau://other/index.html'), 'other host on the scheme');
    assert.ok(!isTrustedSender(undefined), 'no frame');
    assert.ok(!isAllowedNavigation('file:///etc/passwd'), 'file navigation');
  });
});

describe('SavedConnections', () => {
  const box: SecretBox = { available: true, encrypt: (s) => Buffer.from(s).toString('base64').split('').reverse().join(''), decrypt: (s) => Buffer.from(s.split('').reverse().join(''), 'base64').toString() };
  it('keeps credentials sealed on disk and restores them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'saved-'));
    const file = join(dir, 'connections.json');
    const a = new SavedConnections(file, box);
    a.save({ kind: 'remote', name: 'prod', masters: ['http://m1:5050'], marathon: 'http://mt:8080', credentials: { kind: 'basic', username: 'ops', password: 'hunter2' } });
    const onDisk = readFileSync(file, 'utf8');
    assert.ok(!onDisk.includes('hunter2') && !onDisk.includes('"ops"'), 'no clear credentials on disk');
    const b = new SavedConnections(file, box);
    assert.deepEqual(b.list(), [{ kind: 'remote', name: 'prod', masters: ['http://m1:5050'], marathon: 'http://mt:8080', credentials: { kind: 'basic', username: 'ops', password: 'hunter2' } }], 'restored');
    b.forget({ name: 'prod', masters: ['http://m1:5050'] });
    assert.deepEqual(new SavedConnections(file, box).list(), [], 'forgotten');
    rmSync(dir, { recursive: true, force: true });
  });
  it('drops credentials where no keychain exists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'saved-'));
    const file = join(dir, 'connections.json');
    new SavedConnections(file, { ...box, available: false }).save({ kind: 'remote', name: 'p', masters: ['http://m1:5050'], credentials: { kind: 'bearer', token: 'tok' } });
    assert.ok(!readFileSync(file, 'utf8').includes('tok'), 'token not written');
    assert.equal(new SavedConnections(file, box).list()[0]?.credentials, undefined, 'restored without credentials');
    rmSync(dir, { recursive: true, force: true });
  });
});
