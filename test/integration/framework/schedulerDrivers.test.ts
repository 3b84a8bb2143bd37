// The two ways an embedded framework reaches a master, against a real master: over HTTP (surviving a
// master restart by re-subscribing with its id) and by direct calls.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { join } from 'node:path';
import { FakeClock } from '../../../core/common/clock.js';
import { Resources } from '../../../core/common/resources.js';
import { HttpSchedulerDriver } from '../../../core/node/httpSchedulerDriver.js';
import { SystemClock } from '../../../core/node/systemClock.js';
import { CryptoRng } from '../../../core/node/cryptoRng.js';
import { createAgent } from '../../../core/runtime/createAgent.js';
import { createMaster, type RunningMaster } from '../../../core/runtime/createMaster.js';
import { LocalSchedulerDriver } from '../../../core/runtime/localSchedulerDriver.js';
import type { SchedulerEvent } from '../../../core/protocol/mesos/scheduler.js';
import { assertNothingRunning, tempDir } from '../../harness/plateauProcess.js';
import { waitFor } from '../../harness/schedulerClient.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const dir = tempDir('drivers');

async function cluster(port = 0): Promise<RunningMaster> {
  return createMaster({ ip: '127.0.0.1', port, hostname: '127.0.0.1', work_dir: join(dir.path, 'master'), registry: 'replicated_log', allocation_interval: 100 }, { log: quiet });
}

describe('scheduler drivers', { timeout: 60_000 }, () => {
  after(async () => {
    dir.remove();
    await assertNothingRunning();
  });

  it('HttpSchedulerDriver subscribes, receives offers and re-subscribes with its id after a master restart', async () => {
    let m = await cluster();
    const agent = await createAgent({ master: m.url, ip: '127.0.0.1', port: 0, hostname: 'd1', work_dir: join(dir.path, 'agent'), resources: Resources.parse('cpus:1;mem:256'), attributes: [], gc_delay: 60_000, registration_backoff_factor: 100, containerizers: 'mesos', flags: {} }, { log: quiet });
    const events: SchedulerEvent[] = [];
    const disconnects: string[] = [];
    const driver = new HttpSchedulerDriver(m.url, new SystemClock(), new CryptoRng());
    driver.start({ user: 'root', name: 'driver-test', failover_timeout: 60 }, { onEvent: (e) => events.push(e), onDisconnected: (r) => disconnects.push(r) });
    await waitFor(() => events.some((e) => e.type === 'OFFERS'), 10_000, 'offers');
    const id = driver.frameworkId;
    assert.ok(id, 'framework id known');
    const offer = events.find((e) => e.type === 'OFFERS');
    assert.ok(offer?.type === 'OFFERS');
    await driver.call({ type: 'DECLINE', decline: { offer_ids: [offer.offers.offers[0]!.id], filters: { refuse_seconds: 0 } } });

    const port = m.port;
    await m.dispose();
    await waitFor(() => disconnects.length > 0, 5_000, 'disconnect noticed');
    m = await cluster(port);
    await waitFor(() => driver.connected && m.master.frameworks.get(id)?.connected, 15_000, 're-subscribed');
    assert.equal(driver.frameworkId, id, 'same framework id after the master restart');
    await driver.dispose();
    await agent.dispose();
    await m.dispose();
  });

  it('HttpSchedulerDriver with a detector tries a newly named leader at once, not after the backoff grown while none was known', async () => {
    const m = await cluster();
    // The driver's timers run on a clock moved by hand: its HTTP is real, but no backoff can fire unless advanced.
    const clock = new FakeClock();
    let leader: string | undefined;
    const events: SchedulerEvent[] = [];
    const driver = new HttpSchedulerDriver(() => leader, clock, new CryptoRng());
    try {
      driver.start({ user: 'root', name: 'follower', failover_timeout: 60 }, { onEvent: (e) => events.push(e), onDisconnected: () => undefined });
      // No leader for a while: every attempt finds none and the backoff grows to its 30 s cap.
      for (let i = 0; i < 12; i++) clock.advance(31_000);
      assert.equal(driver.connected, false, 'not subscribed while no leader is known');
      leader = m.url;
      driver.followLeader();
      clock.advance(0);
      await waitFor(() => driver.connected, 5_000, 'subscribed to the newly named leader without waiting out the backoff');
      assert.ok(events.some((e) => e.type === 'SUBSCRIBED'), 'SUBSCRIBED received');
    } finally {
      await driver.dispose();
      await m.dispose();
    }
  });

  it('LocalSchedulerDriver subscribes and calls through the master object', async () => {
    const m = await createMaster({ ip: '127.0.0.1', port: 0, hostname: '127.0.0.1', registry: 'in_memory', work_dir: '', allocation_interval: 100 }, { log: quiet });
    const driver = new LocalSchedulerDriver(m.master);
    const events: SchedulerEvent[] = [];
    driver.start({ user: 'root', name: 'local' }, { onEvent: (e) => events.push(e), onDisconnected: () => undefined });
    await waitFor(() => events.some((e) => e.type === 'SUBSCRIBED'), 5_000, 'subscribed');
    await driver.call({ type: 'SUPPRESS', suppress: {} });
    assert.ok(m.master.frameworks.get(driver.frameworkId ?? '')?.suppressedRoles.has('*'), 'suppressed through the master');
    await driver.dispose();
    await m.dispose();
  });
});
