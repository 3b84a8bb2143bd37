// ZkRegistry hands the ZooKeeper client at most MAX_WRITES writes at once, in the order they were asked for, so a
// burst of registrations does not become one long turn of the client's work on the master's main thread.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_WRITES, ZkRegistry } from '../../../core/coordination/zkRegistry.js';
import type { ZkSession } from '../../../core/coordination/zkSession.js';

/** slowSession answers each putData only when `release` is called, recording the order and the most in flight. */
function slowSession() {
  const pending: Array<() => void> = [];
  const order: string[] = [];
  let inFlight = 0;
  let most = 0;
  const session = {
    state: () => 'connected',
    putData: (path: string) => {
      order.push(path.slice(path.lastIndexOf('/') + 1));
      inFlight++;
      most = Math.max(most, inFlight);
      return new Promise<void>((resolve) =>
        pending.push(() => {
          inFlight--;
          resolve();
        }),
      );
    },
    remove: async () => undefined,
    dispose: async () => undefined,
  } as unknown as ZkSession;
  return { session, pending, order, most: () => most, inFlight: () => inFlight };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ZkRegistry', () => {
  it('keeps at most MAX_WRITES writes in flight and starts the rest in order as earlier ones finish', async () => {
    const fake = slowSession();
    const registry = new ZkRegistry('/mesos', async () => fake.session);
    const n = MAX_WRITES * 3 + 5;
    const done: number[] = [];
    const writes = Array.from({ length: n }, (_, i) => registry.putAgent({ info: { hostname: `h${i}`, id: { value: `a${i}` } }, ip: '10.0.0.1' }).then(() => done.push(i)));
    await tick();
    assert.equal(fake.inFlight(), MAX_WRITES, 'only MAX_WRITES handed to the client');
    while (done.length < n) {
      for (const release of fake.pending.splice(0)) release();
      await tick();
    }
    await Promise.all(writes);
    assert.equal(fake.most(), MAX_WRITES);
    assert.deepEqual(fake.order, Array.from({ length: n }, (_, i) => `a${i}`), 'written in the order asked');
  });
});
