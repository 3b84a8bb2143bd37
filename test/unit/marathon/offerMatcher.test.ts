import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SeededRng } from '../../../core/common/rng.js';
import { Resources } from '../../../core/common/resources.js';
import { funnelReason, matchOffer } from '../../../core/marathon/offerMatcher.js';
import { matchPorts, portsResources } from '../../../core/marathon/portsMatcher.js';
import { app, instance, offer, ports, scalar } from './fixtures.js';

const rng = () => new SeededRng(42);

describe('matchOffer', () => {
  const web = app({ id: '/web', cmd: 'serve', cpus: 0.5, mem: 256, disk: 10, portDefinitions: [{ port: 0 }, { port: 0 }] });

  it('takes exactly the app resources and two dynamic ports', () => {
    const m = matchOffer(web, offer('a1'), { instances: [], rng: rng() });
    assert.ok(m.matched, `matched: ${JSON.stringify(m)}`);
    const used = Resources.fromJSON(m.resources);
    assert.equal(used.scalar('cpus'), 0.5, 'cpus');
    assert.equal(used.scalar('mem'), 256, 'mem');
    assert.equal(used.scalar('disk'), 10, 'disk');
    assert.equal(used.portCount(), 2, 'two ports');
    assert.equal(m.hostPorts.length, 2, 'one host port per port definition');
    for (const p of m.hostPorts) assert.ok(p !== undefined && p >= 31000 && p <= 32000, `port ${String(p)} from the offer`);
    assert.notEqual(m.hostPorts[0], m.hostPorts[1], 'distinct ports');
  });

  it('reports each missing scalar with Marathon reason names', () => {
    const m = matchOffer(web, offer('a1', { resources: [scalar('cpus', 0.1), scalar('mem', 64), ports([[31000, 31010]])] }), { instances: [], rng: rng() });
    assert.deepEqual(m, { matched: false, reasons: ['InsufficientCpus', 'InsufficientMemory', 'InsufficientDisk'] }, 'cpus, mem and disk missing');
    assert.equal(funnelReason(['InsufficientMemory', 'UnfulfilledConstraint']), 'UnfulfilledConstraint', 'the funnel picks the first reason in its order');
  });

  it('reports InsufficientPorts only when everything else fits', () => {
    const m = matchOffer(web, offer('a1', { resources: [scalar('cpus', 1), scalar('mem', 512), scalar('disk', 100), ports([[31000, 31000]])] }), { instances: [], rng: rng() });
    assert.deepEqual(m, { matched: false, reasons: ['InsufficientPorts'] }, 'one port for two');
  });

  it('honours requirePorts with the exact port numbers', () => {
    const fixed = app({ id: '/f', cmd: 'serve', requirePorts: true, portDefinitions: [{ port: 31005 }] });
    const m = matchOffer(fixed, offer('a1'), { instances: [], rng: rng() });
    assert.ok(m.matched, 'matched');
    assert.deepEqual(m.hostPorts, [31005], 'the defined port');
    const miss = matchOffer(fixed, offer('a1', { resources: [scalar('cpus', 2), scalar('mem', 1024), ports([[32000, 33000]])] }), { instances: [], rng: rng() });
    assert.deepEqual(miss, { matched: false, reasons: ['InsufficientPorts'] }, 'port not offered');
  });

  it('maps BRIDGE hostPort 0 to any offered port and fixed host ports to themselves', () => {
    const bridged = app({
      id: '/mysql',
      container: { type: 'DOCKER', docker: { image: 'mysql' }, portMappings: [{ containerPort: 3306, hostPort: 0 }, { containerPort: 80, hostPort: 31007 }] },
      networks: [{ mode: 'container/bridge' }],
    });
    const m = matchOffer(bridged, offer('a1', { resources: [scalar('cpus', 2), scalar('mem', 1024), ports([[31005, 31008]])] }), { instances: [], rng: rng() });
    assert.ok(m.matched, 'matched');
    assert.equal(m.hostPorts[1], 31007, 'fixed host port');
    assert.ok(m.hostPorts[0] !== undefined && m.hostPorts[0] !== 31007 && m.hostPorts[0] >= 31005 && m.hostPorts[0] <= 31008, 'dynamic port never takes the fixed one');
  });

  it('asks no host port for container-network mappings without one', () => {
    const overlay = app({ id: '/o', cmd: 'serve', networks: [{ mode: 'container', name: 'overlay' }], container: { type: 'MESOS', portMappings: [{ containerPort: 8080 }] } });
    const m = matchOffer(overlay, offer('a1'), { instances: [], rng: rng() });
    assert.ok(m.matched, 'matched');
    assert.deepEqual(m.hostPorts, [undefined], 'no host port');
    assert.equal(Resources.fromJSON(m.resources).portCount(), 0, 'no ports resource');
  });

  it('accepts the app role and * by default, and only acceptedResourceRoles when given', () => {
    const reserved = offer('a1', { resources: [scalar('cpus', 4, 'prod'), scalar('mem', 4096, 'prod'), scalar('disk', 100, 'prod'), ports([[31000, 31100]], 'prod')] });
    const plain = app({ id: '/p', cmd: 'serve' });
    assert.deepEqual(matchOffer(plain, reserved, { instances: [], rng: rng() }), { matched: false, reasons: ['InsufficientCpus', 'InsufficientMemory', 'UnfulfilledRole'] }, 'role * cannot use prod resources');
    const prod = { ...plain, role: 'prod' };
    assert.ok(matchOffer(prod, reserved, { instances: [], rng: rng() }).matched, 'role prod can');
    const unreservedOnly = { ...prod, acceptedResourceRoles: ['*'] };
    assert.equal(matchOffer(unreservedOnly, reserved, { instances: [], rng: rng() }).matched, false, 'acceptedResourceRoles ["*"] refuses reserved resources');
    const mixed = offer('a2', { resources: [scalar('cpus', 0.5, 'prod'), scalar('cpus', 1), scalar('mem', 512)] });
    const m = matchOffer({ ...prod, cpus: 1, mem: 128, portDefinitions: [] }, mixed, { instances: [], rng: rng() });
    assert.ok(m.matched, 'cpus taken from two roles');
    assert.deepEqual(
      m.resources.filter((r) => r.name === 'cpus').map((r) => [r.role ?? '*', r.scalar?.value]),
      [
        ['prod', 0.5],
        ['*', 0.5],
      ],
      'reserved first, in offer order',
    );
  });

  it('checks constraints against the placed instances of the current configuration', () => {
    const unique = app({ id: '/u', cmd: 'serve', instances: 3, constraints: [['hostname', 'UNIQUE']] });
    const placed = [instance(unique, 'i1', 'a1')];
    assert.deepEqual(matchOffer(unique, offer('a1'), { instances: placed, rng: rng() }), { matched: false, reasons: ['UnfulfilledConstraint'] }, 'host taken');
    assert.ok(matchOffer(unique, offer('a2'), { instances: placed, rng: rng() }).matched, 'other host');
    const older = [instance(unique, 'i0', 'a1', { runSpecVersion: '2000-01-01T00:00:00.000Z' })];
    assert.ok(matchOffer(unique, offer('a1'), { instances: older, rng: rng() }).matched, 'instances of older configurations are ignored');
  });

  it('keeps GPU agents for GPU apps unless scheduling is unrestricted', () => {
    const gpuOffer = offer('g1', { resources: [scalar('cpus', 4), scalar('mem', 4096), scalar('gpus', 1), ports([[31000, 31010]])] });
    const plain = app({ id: '/p', cmd: 'serve' });
    assert.deepEqual(matchOffer(plain, gpuOffer, { instances: [], rng: rng() }), { matched: false, reasons: ['DeclinedScarceResources'] }, 'restricted by default');
    assert.ok(matchOffer(plain, gpuOffer, { instances: [], rng: rng(), gpuSchedulingBehavior: 'unrestricted' }).matched, 'unrestricted');
  });

  it('never uses more than the offer holds, and matches whenever the offer is big enough (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4000 }).map((n) => n / 1000),
        fc.integer({ min: 1, max: 4096 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (cpus, mem, portCount, seed) => {
          const a = app({ id: '/prop', cmd: 'serve', cpus, mem, portDefinitions: Array.from({ length: portCount }, () => ({ port: 0 })) });
          const o = offer('a1', { resources: [scalar('cpus', 2), scalar('mem', 2048), ports([[31000, 31002], [40000, 40001]])] });
          const m = matchOffer(a, o, { instances: [], rng: new SeededRng(seed) });
          const fits = cpus <= 2 && mem <= 2048 && portCount <= 5;
          assert.equal(m.matched, fits, `cpus ${cpus} mem ${mem} ports ${portCount}`);
          if (m.matched) {
            const used = Resources.fromJSON(m.resources);
            assert.ok(Resources.fromJSON(o.resources).contains(used), 'used resources come from the offer');
            assert.equal(new Set(m.hostPorts).size, portCount, 'distinct host ports');
          }
        },
      ),
    );
  });
});

describe('matchPorts', () => {
  it('draws dynamic ports consecutively from a random start, wrapping around', () => {
    const m = matchPorts({ portDefinitions: [{ port: 0, protocol: 'tcp', labels: {} }, { port: 0, protocol: 'tcp', labels: {} }, { port: 0, protocol: 'tcp', labels: {} }], requirePorts: false }, [ports([[100, 101], [200, 201]])], rng());
    assert.ok(m !== undefined, 'enough ports');
    assert.equal(new Set(m.hostPorts).size, 3, 'distinct');
  });

  it('merges adjacent ports of one resource into ranges', () => {
    const source = ports([[1, 10]]);
    assert.deepEqual(
      portsResources([1, 2, 3, 7].map((port) => ({ port, source }))),
      [{ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 1, end: 3 }, { begin: 7, end: 7 }] } }],
      'ranges',
    );
  });
});
