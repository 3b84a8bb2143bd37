// Mesos-run health checks under a FakeClock: defaults, the grace period, change-only reports and the kill after
// `consecutive_failures` failures.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../../core/common/clock.js';
import { parseHealthCheck, TaskHealthChecker, type HealthProbe } from '../../../core/agent/healthChecker.js';

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** scripted is a probe whose every attempt passes or fails as `ok()` says at that moment. */
function scripted(ok: () => boolean): HealthProbe {
  const attempt = async (): Promise<void> => {
    if (!ok()) throw new Error('refused');
  };
  return { http: attempt, tcp: attempt, command: attempt };
}

describe('TaskHealthChecker', () => {
  it('fills in the Mesos defaults', () => {
    const spec = parseHealthCheck({ type: 'TCP', tcp: { port: 80 } });
    assert.deepEqual([spec.delayMs, spec.intervalMs, spec.timeoutMs, spec.consecutiveFailures, spec.gracePeriodMs], [15_000, 10_000, 20_000, 3, 10_000], 'defaults 15/10/20/3/10');
    assert.throws(() => parseHealthCheck({ type: 'HTTP', http: {} }), /no port/, 'an HTTP check needs a port');
  });

  it('ignores failures in the grace period, reports changes only, and kills after consecutive failures', async () => {
    const clock = new FakeClock();
    let up = false;
    const changes: boolean[] = [];
    const kills: string[] = [];
    const spec = parseHealthCheck({ type: 'HTTP', http: { port: 80 }, delay_seconds: 0, interval_seconds: 1, grace_period_seconds: 3, consecutive_failures: 2 });
    const checker = new TaskHealthChecker({ spec, clock, probe: scripted(() => up), hosts: ['127.0.0.1'], sandboxDir: '/sb', env: {}, onHealthChanged: (h) => changes.push(h), onUnhealthy: (m) => kills.push(m) });
    // Checks at 0 s, 1 s and 2 s all fall inside the 3 s grace period.
    for (let s = 0; s < 2; s++) {
      clock.advance(1000);
      await flush();
    }
    assert.deepEqual(changes, [], 'failures in the grace period are not reported');
    up = true;
    for (let s = 0; s < 3; s++) {
      clock.advance(1000);
      await flush();
    }
    assert.deepEqual(changes, [true], 'one report for the first success, none for repeats');
    up = false;
    clock.advance(1000);
    await flush();
    assert.deepEqual(changes, [true, false], 'the first failure after success is reported');
    assert.equal(kills.length, 0, 'one failure does not kill');
    clock.advance(1000);
    await flush();
    assert.equal(kills.length, 1, 'two consecutive failures kill');
    assert.match(kills[0] ?? '', /2 times/, `kill message: ${kills[0]}`);
    clock.advance(10_000);
    await flush();
    assert.equal(kills.length, 1, 'no checks after the kill');
    checker.dispose();
  });
});
