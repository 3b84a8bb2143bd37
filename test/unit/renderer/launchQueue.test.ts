import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { declineReasonText, duration, queueRows, type WireQueueEntry } from '../../../renderer/model/launchQueue.js';

const NOW = Date.parse('2024-01-01T00:10:00.000Z');

describe('declineReasonText', () => {
  it('explains resource shortfalls with what the app asks for', () => {
    const app = { id: '/web', cpus: 4, mem: 256, disk: 10, gpus: 1 };
    assert.equal(declineReasonText('InsufficientCpus', 6, 6, app), '6 of 6 offers had fewer free CPUs than one instance needs (4).', 'cpus');
    assert.equal(declineReasonText('InsufficientMemory', 1, 3, app), '1 of 3 offers had less free memory than one instance needs (256 MB).', 'memory');
    assert.equal(declineReasonText('InsufficientDisk', 2, 2, app), '2 of 2 offers had less free disk than one instance needs (10 MB).', 'disk');
  });

  it('explains constraints, roles and ports', () => {
    const app = { id: '/web', constraints: [['hostname', 'UNIQUE'], ['rack', 'CLUSTER', 'r1']], portDefinitions: [{ port: 0 }, { port: 0 }], requirePorts: true };
    assert.match(declineReasonText('UnfulfilledConstraint', 3, 4, app), /placement constraints \(hostname:UNIQUE, rack:CLUSTER:r1\)/, 'lists the constraints');
    assert.match(declineReasonText('UnfulfilledRole', 3, 4, app, 'prod'), /role "prod"/, 'names the role');
    assert.match(declineReasonText('InsufficientPorts', 1, 1, app), /2 ports per instance\) \(the app requires its exact port numbers\)/, 'counts ports and mentions requirePorts');
  });

  it('falls back to the reason name for unknown reasons, and handles zero processed', () => {
    assert.equal(declineReasonText('SomethingNew', 2, 0), '2 offers could not be used: SomethingNew.', 'unknown reason');
  });
});

describe('queueRows', () => {
  const entry = (over: Partial<WireQueueEntry>): WireQueueEntry => ({
    app: { id: '/big', cpus: 4 },
    count: 2,
    role: '*',
    delay: { timeLeftSeconds: 0, overdue: true },
    since: '2024-01-01T00:00:00.000Z',
    processedOffersSummary: {
      processedOffersCount: 6,
      unusedOffersCount: 6,
      rejectSummaryLastOffers: [
        { reason: 'UnfulfilledRole', declined: 0, processed: 6 },
        { reason: 'InsufficientMemory', declined: 2, processed: 6 },
        { reason: 'InsufficientCpus', declined: 6, processed: 6 },
      ],
    },
    lastUnusedOffers: [{ offer: { hostname: 'a' } }, { offer: { hostname: 'b' } }, { offer: { hostname: 'a' } }],
    ...over,
  });

  it('keeps reasons with declines, most first, with a headline', () => {
    const [r] = queueRows([entry({})], NOW);
    assert.ok(r, 'one row');
    assert.deepEqual(r.reasons.map((x) => [x.reason, x.declined]), [['InsufficientCpus', 6], ['InsufficientMemory', 2]], 'zero-decline reasons are dropped');
    assert.equal(r.headline, '2 instances waiting for 10m; 6 of 6 offers could not be used, mostly for lack of CPUs.', 'headline');
    assert.deepEqual(r.lastHosts, ['a', 'b'], 'distinct hosts, newest first');
    assert.equal(r.kind, 'app', 'an app entry');
  });

  it('says when Marathon is backing off or has seen no offers', () => {
    const [delayed] = queueRows([entry({ delay: { timeLeftSeconds: 42.2, overdue: false } })], NOW);
    assert.equal(delayed?.delaySeconds, 43, 'rounded up');
    assert.match(delayed?.headline ?? '', /held back for 43s more/, 'backoff headline');
    const [starved] = queueRows([entry({ processedOffersSummary: { processedOffersCount: 0, unusedOffersCount: 0 } })], NOW);
    assert.match(starved?.headline ?? '', /no offers have reached Marathon/, 'no offers headline');
  });

  it('handles pods and missing fields', () => {
    const [p] = queueRows([{ pod: { id: '/pod' } }], NOW);
    assert.deepEqual([p?.id, p?.kind, p?.waiting, p?.processed, p?.reasons.length], ['/pod', 'pod', 0, 0, 0], 'defaults');
  });

  it('orders apps by unused offers', () => {
    const rows = queueRows([entry({ app: { id: '/a' }, processedOffersSummary: { processedOffersCount: 1, unusedOffersCount: 1 } }), entry({ app: { id: '/b' } })], NOW);
    assert.deepEqual(rows.map((r) => r.id), ['/b', '/a'], 'most unused first');
  });
});

describe('duration', () => {
  it('renders compactly', () => {
    assert.deepEqual([duration(5), duration(60), duration(200), duration(7260), duration(90000)], ['5s', '1m', '3m 20s', '2h 1m', '1d 1h'], 'durations');
  });
});
