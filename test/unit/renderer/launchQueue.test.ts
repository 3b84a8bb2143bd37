import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { WireAgent } from '../../../renderer/model/clusterState.js';
import {
  backoffSeconds,
  constraintsText,
  declinedPercent,
  declineReasonText,
  instanceAsks,
  largestAgent,
  mainBlocker,
  neverFits,
  NO_OFFER_CAUSES,
  queueByApp,
  queueRows,
  reasonHelp,
  reasonTitle,
  type WireQueueEntry,
} from '../../../renderer/model/launchQueue.js';

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

describe('reason vocabulary', () => {
  const KNOWN = ['UnfulfilledRole', 'UnfulfilledConstraint', 'NoCorrespondingReservationFound', 'AgentMaintenance', 'InsufficientCpus', 'InsufficientMemory', 'InsufficientDisk', 'InsufficientGpus', 'InsufficientPorts', 'DeclinedScarceResources'];

  it('gives every known reason a title, a help text and its own sentence', () => {
    for (const r of KNOWN) {
      assert.notEqual(reasonTitle(r), r, `${r} has a short title`);
      assert.match(reasonHelp(r), /^[A-Z].*\.$/, `${r} has a help sentence`);
      assert.doesNotMatch(declineReasonText(r, 1, 2), /could not be used/, `${r} has its own decline sentence`);
    }
    assert.equal(reasonTitle('InsufficientCpus'), 'CPUs', 'cpus title');
    assert.equal(reasonTitle('DeclinedScarceResources'), 'Scarce resources', 'scarce title');
    assert.equal(reasonHelp('UnfulfilledConstraint'), "The agent does not satisfy the app's placement constraints.", 'constraint help');
  });

  it('splits the words of unknown reasons and has no help for them', () => {
    assert.equal(reasonTitle('SomethingNewHere'), 'Something New Here', 'split title');
    assert.equal(reasonHelp('SomethingNewHere'), '', 'no help');
    assert.equal(reasonTitle('constructor'), 'constructor', 'an Object.prototype key is not a known reason');
    assert.equal(declineReasonText('toString', 1, 1), '1 of 1 offer could not be used: toString.', 'nor in sentences');
  });

  it('says GPUs, ports without numbers and scarce resources in words', () => {
    assert.equal(declineReasonText('InsufficientGpus', 1, 2, { id: '/ml', gpus: 2 }), '1 of 2 offers had fewer free GPUs than one instance needs (2).', 'gpus');
    assert.equal(declineReasonText('InsufficientPorts', 3, 3), '3 of 3 offers did not have the host ports the app asks for.', 'ports without an app');
    assert.equal(declineReasonText('InsufficientPorts', 1, 1, { id: '/w', container: { portMappings: [{ hostPort: 0 }, {}] } }), '1 of 1 offer did not have the host ports the app asks for (1 port per instance).', 'mapped host ports');
    assert.equal(declineReasonText('DeclinedScarceResources', 4, 4), '4 of 4 offers carried GPUs, which Marathon saves for apps that need them.', 'scarce');
    assert.equal(declineReasonText('AgentMaintenance', 1, 0), '1 offer came from agents in a maintenance window.', 'no processed count');
    assert.equal(declineReasonText('InsufficientCpus', 1, 1, { id: '/w', cpus: 0.1 + 0.2 }), '1 of 1 offer had fewer free CPUs than one instance needs (0.3).', 'amounts trimmed to three decimals');
  });

  it('names the main reason in the headline with the same vocabulary', () => {
    const [r] = queueRows([{ app: { id: '/a' }, count: 1, processedOffersSummary: { processedOffersCount: 3, unusedOffersCount: 3, rejectSummaryLastOffers: [{ reason: 'UnfulfilledConstraint', declined: 3, processed: 3 }] } }], 0);
    assert.equal(r?.headline, '1 instance waiting; 3 of 3 offers could not be used, mostly because of placement constraints.', 'constraint headline');
    const [u] = queueRows([{ app: { id: '/a' }, count: 1, processedOffersSummary: { processedOffersCount: 3, unusedOffersCount: 3, rejectSummaryLastOffers: [{ reason: 'Brand New', declined: 3, processed: 3 }] } }], 0);
    assert.match(u?.headline ?? '', /mostly Brand New\.$/, 'unknown reasons are named as they are');
    const [s] = queueRows([{ app: { id: '/a' }, count: 2, processedOffersSummary: { processedOffersCount: 0, unusedOffersCount: 0 } }], 0);
    assert.ok(s?.headline.endsWith(`${NO_OFFER_CAUSES}.`), 'no-offer headline ends on the shared causes');
    const [ok] = queueRows([{ app: { id: '/a' }, count: 2, processedOffersSummary: { processedOffersCount: 4, unusedOffersCount: 0 } }], 0);
    assert.match(ok?.headline ?? '', /usable, so launches should follow shortly/, 'usable offers');
  });
});

describe('mainBlocker and declinedPercent', () => {
  it('picks the reason that declined the most, the first of equals, and none when nothing was declined', () => {
    const rows = [
      { reason: 'A', declined: 0, processed: 5 },
      { reason: 'B', declined: 3, processed: 5 },
      { reason: 'C', declined: 3, processed: 5 },
      { reason: 'D', declined: 1, processed: 5 },
    ];
    assert.equal(mainBlocker(rows)?.reason, 'B', 'most declines, first of a tie');
    assert.equal(mainBlocker([{ reason: 'A', declined: 0, processed: 5 }]), undefined, 'nothing declined');
    assert.equal(mainBlocker(undefined), undefined, 'no rows');
  });

  it('computes the declined share, 0 when nothing was processed', () => {
    assert.equal(declinedPercent({ reason: 'A', declined: 1, processed: 4 }), 25, 'a quarter');
    assert.equal(declinedPercent({ reason: 'A', declined: 2, processed: 0 }), 0, 'nothing processed');
  });
});

describe('backoffSeconds', () => {
  it('is the delay left, rounded up, and 0 when overdue or absent', () => {
    assert.equal(backoffSeconds({ delay: { timeLeftSeconds: 4.1, overdue: false } }), 5, 'rounded up');
    assert.equal(backoffSeconds({ delay: { timeLeftSeconds: 30, overdue: true } }), 0, 'overdue');
    assert.equal(backoffSeconds({ delay: { timeLeftSeconds: -3, overdue: false } }), 0, 'never negative');
    assert.equal(backoffSeconds({}), 0, 'no delay');
  });

  it('shows in the headline with units', () => {
    const [r] = queueRows([{ app: { id: '/a' }, count: 1, delay: { timeLeftSeconds: 3700, overdue: false } }], 0);
    assert.match(r?.headline ?? '', /held back for 1h 1m more/, 'hours and minutes');
  });
});

describe('queueByApp', () => {
  it('indexes app entries by id and leaves pods out', () => {
    const m = queueByApp([{ app: { id: '/a' }, count: 1 }, { pod: { id: '/p' }, count: 1 }, { app: { id: '/b' } }]);
    assert.deepEqual([...m.keys()], ['/a', '/b'], 'apps only');
    assert.equal(queueByApp(undefined).size, 0, 'no queue');
  });
});

describe('instanceAsks and constraintsText', () => {
  it('lists resources, roles and constraints, leaving out what the app does not ask for', () => {
    const entry: WireQueueEntry = { app: { id: '/a', cpus: 0.5, mem: 256, disk: 1024, gpus: 1, acceptedResourceRoles: ['*', 'prod'], constraints: [['hostname', 'UNIQUE']] }, role: 'prod' };
    assert.deepEqual(instanceAsks(entry), ['0.5 CPUs', '256 MiB memory', '1.0 GiB disk', '1 GPUs', 'role prod', 'accepted roles *, prod', 'constraints hostname:UNIQUE'], 'everything');
    assert.deepEqual(instanceAsks({ app: { id: '/a', cpus: 1, mem: 32 } }), ['1 CPUs', '32.0 MiB memory'], 'the minimum');
    assert.deepEqual(instanceAsks({ app: { id: '/a', role: 'batch' } }), ['– CPUs', '0 B memory', 'role batch'], "the app's own role when the entry has none");
    assert.deepEqual(instanceAsks({ pod: { id: '/p' } }), [], 'pods ask for nothing here');
  });

  it('writes constraints as the CLI does', () => {
    assert.equal(constraintsText({ constraints: [['rack', 'CLUSTER', 'r1'], ['hostname', 'UNIQUE']] }), 'rack:CLUSTER:r1, hostname:UNIQUE', 'joined');
    assert.equal(constraintsText({}), '', 'none');
  });
});

describe('largestAgent and neverFits', () => {
  const res = (name: string, value: number) => ({ name, type: 'SCALAR', scalar: { value } });
  const agent = (active: boolean, cpus: number, mem: number): WireAgent => ({ agent_info: { hostname: 'h', resources: [res('cpus', cpus), res('mem', mem)] }, active });

  it('takes each resource from the biggest active agent', () => {
    assert.deepEqual(largestAgent([agent(true, 4, 1024), agent(true, 2, 4096), agent(false, 64, 65536)]), { cpus: 4, mem: 4096, disk: 0, gpus: 0 }, 'per resource, inactive agents left out');
    assert.equal(largestAgent([]), undefined, 'no agents');
    assert.deepEqual(largestAgent([{ ...agent(true, 1, 1), total_resources: [res('cpus', 8)] }]), { cpus: 8, mem: 0, disk: 0, gpus: 0 }, 'total_resources wins over agent_info');
  });

  it('lists what no agent could ever hold', () => {
    const largest = { cpus: 4, mem: 4096, disk: 0, gpus: 0 };
    assert.deepEqual(neverFits({ cpus: 8, mem: 1024, gpus: 1 }, largest), [{ resource: 'cpus', ask: 8, largest: 4 }, { resource: 'gpus', ask: 1, largest: 0 }], 'too many CPUs and any GPU');
    assert.deepEqual(neverFits({ cpus: 4, mem: 4096 }, largest), [], 'exactly the largest fits');
    assert.deepEqual(neverFits({ cpus: 99 }, undefined), [], 'unknown capacity says nothing');
  });
});
