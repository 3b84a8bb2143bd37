// Marathon's coordination on a real ZooKeeper ensemble (Debian's 3.8): the Curator leader latch Marathon elects with
// (node names and data its standbys and tools read, hand-over when the leader's session ends) and the ZooKeeper store
// Marathon keeps its state in (bucketed layout, atomic batches, nothing written or lost without a quorum).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LeaderLatch, type LeaderLatchState } from '../../../core/coordination/leaderLatch.js';
import { ZkStore } from '../../../core/coordination/zkStore.js';
import { parseZkUrl } from '../../../core/coordination/zkUrl.js';
import { CryptoRng } from '../../../core/node/cryptoRng.js';
import { NodeZkSession } from '../../../core/node/nodeZkSession.js';
import { SystemClock } from '../../../core/node/systemClock.js';
import { waitForState } from '../../harness/schedulerClient.js';
import { startEnsemble, type ZkEnsemble } from '../../harness/zkEnsemble.js';

let zk: ZkEnsemble;
const clock = new SystemClock();
const latches: LeaderLatch[] = [];
const stores: ZkStore[] = [];

function latch(id?: string): LeaderLatch {
  const url = parseZkUrl(zk.zkUrl('/marathon'));
  const l = new LeaderLatch({ path: `${url.path}/leader-curator`, ...(id ? { id } : {}), clock, rng: new CryptoRng(), newSession: () => NodeZkSession.connect(url, 4000, clock) });
  latches.push(l);
  l.start();
  return l;
}

function store(): ZkStore {
  const url = parseZkUrl(zk.zkUrl('/marathon'));
  const s = new ZkStore(`${url.path}/state`, () => NodeZkSession.connect(url, 4000, clock));
  stores.push(s);
  return s;
}

function until(g: LeaderLatch, what: string, pred: (s: LeaderLatchState) => boolean, timeoutMs = 20_000): Promise<LeaderLatchState> {
  return waitForState(() => g.state(), what, pred, timeoutMs);
}

before(async () => {
  zk = await startEnsemble(3);
});

after(async () => {
  for (const l of latches) l.dispose();
  for (const s of stores) s.close();
  await zk?.dispose();
});

describe("Marathon's leader latch on a real ZooKeeper ensemble", { timeout: 120_000 }, () => {
  it('writes Curator-named nodes holding host:port, elects the oldest, and hands over when the leader goes', async () => {
    const a = latch('127.0.0.1:8081');
    await until(a, 'a leads', (s) => s.leading);
    const b = latch('127.0.0.1:8082');
    const watcher = latch();
    await until(b, 'b sees a', (s) => s.leader === '127.0.0.1:8081' && !s.leading && s.members.length === 2);
    await until(watcher, 'watcher sees a', (s) => s.leader === '127.0.0.1:8081');

    const raw = await NodeZkSession.connect(parseZkUrl(zk.zkUrl('/')), 4000, clock);
    const children = await raw.getChildren('/marathon/leader-curator');
    assert.equal(children.length, 2, `two participants: ${children}`);
    for (const c of children) assert.match(c, /^_c_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-latch-\d{10}$/, "Curator's protected name");
    const oldest = children.sort((x, y) => Number(x.slice(-10)) - Number(y.slice(-10)))[0] as string;
    assert.equal(await raw.getData(`/marathon/leader-curator/${oldest}`), '127.0.0.1:8081', "the oldest node holds the leader's host:port");
    raw.dispose();

    a.dispose();
    await until(b, 'b leads after a left', (s) => s.leading, 10_000);
    await until(watcher, 'watcher follows', (s) => s.leader === '127.0.0.1:8082', 10_000);
    b.dispose();
    watcher.dispose();
  });
});

describe("Marathon's ZooKeeper store", { timeout: 180_000 }, () => {
  it('keeps keys bucketed under /marathon/state, lists prefixes, and applies batches atomically', async () => {
    const s = store();
    await s.put('/marathon/framework-id', { value: 'fw-1' });
    await s.batch([
      { put: '/marathon/group/root', value: { id: '/', version: 'v2' } },
      { put: '/marathon/group/versions/v2', value: { id: '/', version: 'v2' } },
      { put: '/marathon/apps/prod/web/versions/v2', value: { id: '/prod/web' } },
      { put: '/marathon/apps/prod/web/api/versions/v2', value: { id: '/prod/web/api' } },
    ]);
    const instances = Array.from({ length: 200 }, (_, i) => `prod_web.instance-${String(i).padStart(4, '0')}`);
    await Promise.all(instances.map((id) => s.put(`/marathon/instance/${id}`, { instanceId: id })));

    assert.deepEqual(await s.get('/marathon/framework-id'), { value: 'fw-1' }, 'a single-node category');
    assert.deepEqual(await s.get('/marathon/group/root'), { id: '/', version: 'v2' }, 'the root group');
    assert.equal(await s.get('/marathon/apps/none/versions/v1'), undefined, 'a missing key reads as undefined');
    assert.deepEqual(await s.list('/marathon/apps/prod/web/versions/'), ['/marathon/apps/prod/web/versions/v2'], "a prefix lists only its own keys, not a nested app's");
    assert.deepEqual(await s.list('/marathon/instance/'), instances.map((id) => `/marathon/instance/${id}`), 'every instance, sorted, across all buckets');

    const raw = await NodeZkSession.connect(parseZkUrl(zk.zkUrl('/')), 4000, clock);
    const buckets = (await raw.getChildren('/marathon/state/instance')).sort();
    assert.equal(buckets.length, 16, `instances spread over 16 buckets: ${buckets}`);
    assert.ok(buckets.every((b) => /^[0-9a-f]$/.test(b)), 'buckets are named 0-f');
    raw.dispose();

    // A batch with one value ZooKeeper could not hold is refused whole: nothing of it is written.
    await assert.rejects(
      s.batch([
        { put: '/marathon/group/root', value: { id: '/', version: 'v3' } },
        { put: '/marathon/group/versions/v3', value: { id: '/', version: 'v3' } },
        { put: '/marathon/apps/big/versions/v3', value: 'x'.repeat(2_000_000) },
      ]),
      /over ZooKeeper's node limit/,
      'an oversized value is refused with a clear error',
    );
    assert.deepEqual(await s.get('/marathon/group/root'), { id: '/', version: 'v2' }, 'the refused batch changed nothing');
    assert.equal(await s.get('/marathon/group/versions/v3'), undefined, 'no part of the refused batch was written');

    await s.batch([{ delete: '/marathon/instance/prod_web.instance-0000' }, { delete: '/marathon/instance/never-there' }]);
    assert.equal((await s.list('/marathon/instance/')).length, 199, 'deleted, and deleting a missing key is no error');

    // Writes issued together that create the same new node (a batch asks which nodes exist, then commits) all land,
    // in the order they were issued; one CI run saw a POST /v2/apps refused with NODE_EXISTS by this race.
    const racing = Array.from({ length: 8 }, (_, i) => s.batch([{ put: '/marathon/deployment/race', value: { n: i } }, { put: `/marathon/deployment/race-${i}`, value: { n: i } }]));
    await Promise.all([...racing, s.put('/marathon/deployment/race', { n: 'put' }), s.delete('/marathon/deployment/race-0')]);
    assert.deepEqual(await s.get('/marathon/deployment/race'), { n: 'put' }, 'the last write issued is the one kept');
    assert.equal(await s.get('/marathon/deployment/race-0'), undefined, 'the delete issued after the create applied after it');
    await s.batch([{ delete: '/marathon/deployment/race' }, ...racing.map((_, i) => ({ delete: `/marathon/deployment/race-${i}` }))]);
  });

  it('refuses writes without a quorum, loses nothing, and works again when the quorum returns', async () => {
    const s = store();
    await s.put('/marathon/deployment/d1', { id: 'd1' });
    const [s1, s2] = zk.servers as [ZkEnsemble['servers'][number], ZkEnsemble['servers'][number]];
    await s1.stop();
    await s2.stop();
    const write = s.put('/marathon/deployment/d2', { id: 'd2' });
    await assert.rejects(write, 'a write without a quorum fails rather than pretending');
    await s1.start();
    await s2.start();
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        assert.deepEqual(await s.get('/marathon/deployment/d1'), { id: 'd1' }, 'what was written before is still there');
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    await s.put('/marathon/deployment/d2', { id: 'd2' });
    assert.deepEqual(await s.list('/marathon/deployment/'), ['/marathon/deployment/d1', '/marathon/deployment/d2'], 'writes work again');
  });
});
