// Master contention and detection against a real ZooKeeper ensemble (Debian's 3.8): the znodes Mesos's own tools
// read, leader hand-over when a leader's session ends, and a leader cut off from the quorum stepping down on its
// own clock.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MasterGroup, type MasterGroupState } from '../../../core/coordination/masterGroup.js';
import { masterInfoJson, packIp } from '../../../core/coordination/masterInfoJson.js';
import { parseZkUrl } from '../../../core/coordination/zkUrl.js';
import { NodeZkSession } from '../../../core/node/nodeZkSession.js';
import { SystemClock } from '../../../core/node/systemClock.js';
import type { MasterInfo } from '../../../core/protocol/mesos/v1.js';
import { waitForState } from '../../harness/schedulerClient.js';
import { startEnsemble, type ZkEnsemble } from '../../harness/zkEnsemble.js';

let zk: ZkEnsemble;
const clock = new SystemClock();
const groups: MasterGroup[] = [];

function info(n: number): MasterInfo {
  return { id: `master-${n}`, ip: packIp('127.0.0.1'), port: 5050 + n, pid: `master@127.0.0.1:${5050 + n}`, hostname: '127.0.0.1', version: '1.11.0', address: { hostname: '127.0.0.1', ip: '127.0.0.1', port: 5050 + n } };
}

function group(path: string, contend?: MasterInfo, sessionTimeoutMs = 4000): MasterGroup {
  const url = parseZkUrl(zk.zkUrl(path));
  const g = new MasterGroup({ path: url.path, clock, newSession: () => NodeZkSession.connect(url, sessionTimeoutMs, clock), ...(contend ? { contend } : {}) });
  groups.push(g);
  g.start();
  return g;
}

function until(g: MasterGroup, what: string, pred: (s: MasterGroupState) => boolean, timeoutMs = 20_000): Promise<MasterGroupState> {
  return waitForState(() => g.state(), what, pred, timeoutMs);
}

before(async () => {
  zk = await startEnsemble(3);
});

after(async () => {
  for (const g of groups) g.dispose();
  await zk?.dispose();
});

describe('MasterGroup on a real ZooKeeper ensemble', { timeout: 120_000 }, () => {
  it('writes json.info_ nodes Mesos tools read, elects the oldest, and hands over when the leader goes', async () => {
    const a = group('/mesos', info(1));
    await until(a, 'a leads', (s) => s.leading);
    const b = group('/mesos', info(2));
    const watcher = group('/mesos');
    await until(b, 'b sees a', (s) => s.leader?.id === 'master-1' && !s.leading);
    const seen = await until(watcher, 'watcher sees both', (s) => s.leader?.id === 'master-1' && s.members.length === 2);
    assert.equal(seen.leading, false, 'a detector never leads');

    // The raw znodes, as mesos-resolve or Mesos-DNS would read them.
    const raw = await NodeZkSession.connect(parseZkUrl(zk.zkUrl('/')), 4000, clock);
    const children = await raw.getChildren('/mesos');
    assert.equal(children.length, 2, `two members: ${children}`);
    assert.ok(children.every((c) => /^json\.info_\d{10}$/.test(c)), `Mesos's naming: ${children}`);
    const first = children.sort()[0] as string;
    const data = await raw.getData(`/mesos/${first}`);
    assert.equal(data, masterInfoJson(info(1)), 'the oldest node holds the leader MasterInfo, keys sorted');
    assert.match(data ?? '', /^\{"address":\{"hostname":"127\.0\.0\.1","ip":"127\.0\.0\.1","port":5051\},"hostname"/, 'alphabetical keys');
    assert.match(data ?? '', /"ip":16777343,/, "the packed ip Mesos's readers decode");
    raw.dispose();

    // The leader's session ends: b leads, the watcher follows.
    a.dispose();
    await until(b, 'b leads after a left', (s) => s.leading, 10_000);
    await until(watcher, 'watcher follows', (s) => s.leader?.id === 'master-2', 10_000);
    b.dispose();
    watcher.dispose();
  });

  it('steps down when cut off from the quorum for a session timeout, and contends again when it returns', async () => {
    const a = group('/cut', info(3), 3000);
    await until(a, 'a leads', (s) => s.leading);
    const [s1, s2] = zk.servers as [ZkEnsemble['servers'][number], ZkEnsemble['servers'][number]];
    await s1.stop();
    await s2.stop();
    const lost = Date.now();
    await until(a, 'a steps down', (s) => !s.leading, 15_000);
    const tookMs = Date.now() - lost;
    assert.ok(tookMs <= 8000, `stepped down within about a session timeout of losing the quorum (${tookMs} ms)`);
    await s1.start();
    await s2.start();
    await until(a, 'a leads again once the quorum is back', (s) => s.leading, 60_000);
    a.dispose();
  });
});
