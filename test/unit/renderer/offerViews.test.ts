import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OfferRow } from '../../../renderer/model/offerLog.js';
import { countOutcomes, filterOffers, launchedText, outstandingOffers, rangesCount, tallyOffers, type OfferFilter } from '../../../renderer/model/offerViews.js';

const row = (offerId: string, agentId: string, frameworkId: string, outcome: OfferRow['outcome'], extra: Partial<OfferRow> = {}): OfferRow => ({
  offerId,
  at: 1,
  agentId,
  hostname: `host-${agentId}`,
  frameworkId,
  role: '*',
  resources: { cpus: 1, mem: 128, disk: 0, ports: 10 },
  outcome,
  ...extra,
});
const rows = [row('O4', 'A1', 'F1', 'accepted', { launched: ['web'] }), row('O3', 'A2', 'F1', 'declined'), row('O2', 'A1', 'F2', 'rescinded', { reason: 'agent removed' }), row('O1', 'A1', 'F1', 'outstanding')];
const names = (id: string) => ({ F1: 'marathon', F2: 'spark' })[id];
const none: OfferFilter = { outcome: '', agentId: '', frameworkId: '', text: '' };

describe('filterOffers', () => {
  it('keeps everything without a filter, in order', () => {
    assert.deepEqual(filterOffers(rows, none, names).map((r) => r.offerId), ['O4', 'O3', 'O2', 'O1'], 'no filter keeps all rows newest first');
  });

  it('filters by outcome, agent and framework together', () => {
    assert.deepEqual(filterOffers(rows, { ...none, outcome: 'accepted' }, names).map((r) => r.offerId), ['O4'], 'outcome');
    assert.deepEqual(filterOffers(rows, { ...none, agentId: 'A1', frameworkId: 'F1' }, names).map((r) => r.offerId), ['O4', 'O1'], 'agent and framework');
  });

  it('matches text against framework names, hosts, reasons and launched tasks', () => {
    assert.deepEqual(filterOffers(rows, { ...none, text: 'spark' }, names).map((r) => r.offerId), ['O2'], 'framework name');
    assert.deepEqual(filterOffers(rows, { ...none, text: 'REMOVED host-a1' }, names).map((r) => r.offerId), ['O2'], 'every term must match, case-insensitively');
    assert.deepEqual(filterOffers(rows, { ...none, text: 'web' }, names).map((r) => r.offerId), ['O4'], 'launched task name');
  });
});

describe('countOutcomes and tallyOffers', () => {
  it('counts every outcome, zero included', () => {
    assert.deepEqual(countOutcomes(rows), { outstanding: 1, accepted: 1, declined: 1, rescinded: 1, expired: 0 }, 'one of each but expired');
  });

  it('tallies per agent, busiest first, with an accept rate over settled offers', () => {
    const t = tallyOffers(rows, 'agent', (_k, r) => r.hostname);
    assert.deepEqual(
      t.map((x) => [x.key, x.label, x.made, x.accepted, x.declined]),
      [
        ['A1', 'host-A1', 3, 1, 0],
        ['A2', 'host-A2', 1, 0, 1],
      ],
      'A1 made 3 offers, A2 one',
    );
    assert.equal(t[0]?.acceptRate, 0.5, 'A1: 1 accepted of 2 settled (the outstanding one does not count)');
    assert.equal(t[1]?.acceptRate, 0, 'A2: declined its only offer');
  });

  it('leaves the accept rate undefined while nothing is settled', () => {
    const t = tallyOffers([row('O9', 'A1', 'F1', 'outstanding')], 'framework', (k) => k);
    assert.equal(t[0]?.acceptRate, undefined, 'no settled offers, no rate');
  });
});

describe('outstandingOffers', () => {
  it('reads the offers of /master/state with hostnames, roles and port counts', () => {
    const out = outstandingOffers({
      slaves: [{ id: 'S1', hostname: 'agent-1' }],
      frameworks: [
        {
          id: 'F1',
          role: 'web',
          offers: [
            { id: 'M-O2', framework_id: 'F1', slave_id: 'S1', resources: { cpus: 2, mem: 1024, disk: 10, ports: '[31000-31004, 31010-31010]' } },
            { id: 'M-O10', slave_id: 'S9', allocation_info: { role: 'batch' } },
          ],
        },
      ],
    });
    assert.deepEqual(
      out.map((r) => [r.offerId, r.hostname, r.frameworkId, r.role, r.resources.cpus, r.resources.ports, r.outcome]),
      [
        ['M-O10', 'S9', 'F1', 'batch', 0, 0, 'outstanding'],
        ['M-O2', 'agent-1', 'F1', 'web', 2, 6, 'outstanding'],
      ],
      'newest (highest) offer id first; unknown agents show their id; allocation_info wins over the framework role',
    );
  });

  it('copes with an empty state', () => {
    assert.deepEqual(outstandingOffers({}), [], 'no frameworks, no offers');
  });
});

describe('rangesCount and launchedText', () => {
  it('counts ports in a legacy ranges string', () => {
    assert.equal(rangesCount('[31000-31005, 31010-31010]'), 7, 'six plus one');
    assert.equal(rangesCount(undefined), 0, 'no ports');
  });

  it('groups repeated task names', () => {
    assert.equal(launchedText(['web', 'web', 'db']), 'launched 3 tasks: web ×2, db', 'grouped');
    assert.equal(launchedText(['web']), 'launched web', 'single task');
    assert.equal(launchedText([]), 'accepted without launching a task', 'nothing launched');
  });
});
