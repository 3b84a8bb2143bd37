import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Attribute } from '../../../core/common/resourceTypes.js';
import { attributeValueText, decimalText, meetsConstraint, selectInstancesToKill, type PlacedInstance } from '../../../core/marathon/constraints.js';
import type { Constraint } from '../../../core/protocol/marathon/appDefinition.js';
import { parseAttributes } from '../../../core/common/attributes.js';
import { offer, text } from './fixtures.js';

const on = (hostname: string, attributes = ''): PlacedInstance => ({ hostname, attributes: attributes === '' ? [] : parseAttributes(attributes) });
const offerWith = (hostname: string, attributes = '') => offer(hostname, { attributes: attributes === '' ? [] : parseAttributes(attributes) });
const meets = (o: ReturnType<typeof offer>, c: Constraint, placed: PlacedInstance[] = [], desired = 1) => meetsConstraint(placed, o, c, desired);

describe('constraints', () => {
  it('pins the seed sleep-cluster app to one host with CLUSTER', () => {
    const c: Constraint = ['hostname', 'CLUSTER', 'a.specific.node.com'];
    assert.equal(meets(offer('a.specific.node.com'), c), true, 'the named host');
    assert.equal(meets(offer('other.node.com'), c), false, 'any other host');
  });

  it('CLUSTER without a value follows the first placement', () => {
    const c: Constraint = ['rackid', 'CLUSTER'];
    assert.equal(meets(offerWith('h', 'rackid:rack-1'), c), true, 'first placement anywhere with the attribute');
    assert.equal(meets(offerWith('h', 'rackid:rack-1'), c, [on('x', 'rackid:rack-1'), on('y', 'rackid:rack-1')]), true, 'same rack');
    assert.equal(meets(offerWith('h', 'rackid:rack-2'), c, [on('x', 'rackid:rack-1')]), false, 'other rack');
    assert.equal(meets(offer('h'), c), false, 'an offer without the attribute never matches');
    assert.equal(meets(offer('host1'), ['@hostname', 'CLUSTER'], [on('host1')]), true, '@hostname works as hostname');
  });

  it('UNIQUE keeps one instance per value', () => {
    const placed = [on('host1'), on('host2'), on('host3')];
    assert.equal(meets(offer('host2'), ['hostname', 'UNIQUE']), true, 'first placement');
    assert.equal(meets(offer('host4'), ['hostname', 'UNIQUE'], placed), true, 'new host');
    assert.equal(meets(offer('host2'), ['hostname', 'UNIQUE'], placed), false, 'taken host');
    assert.equal(meets(offer('h'), ['rackid', 'UNIQUE']), false, 'missing attribute fails');
  });

  it('LIKE and UNLIKE match the whole value; a missing attribute passes only UNLIKE', () => {
    assert.equal(meets(offerWith('h', 'jdk:7'), ['jdk', 'LIKE', '7']), true, 'LIKE match');
    assert.equal(meets(offerWith('h', 'jdk:17'), ['jdk', 'LIKE', '7']), false, 'LIKE is a full match');
    assert.equal(meets(offerWith('h', 'jdk:6'), ['jdk', 'UNLIKE', '7']), true, 'UNLIKE');
    assert.equal(meets(offerWith('h', 'jdk:7'), ['jdk', 'UNLIKE', '7']), false, 'UNLIKE excluded');
    assert.equal(meets(offer('h'), ['jdk', 'UNLIKE', '7']), true, 'missing attribute passes UNLIKE');
    assert.equal(meets(offer('h'), ['jdk', 'LIKE', '.*']), false, 'missing attribute fails LIKE');
    assert.equal(meets(offerWith('h', 'jdk:[6-7]'), ['jdk', 'LIKE', '\\[6-7\\]']), true, 'ranges compare as text');
    assert.equal(meets(offerWith('h', 'rack_id:rack-2'), ['rack_id', 'LIKE', 'rack-[1-3]']), true, 'documented example');
  });

  it('MAX_PER caps instances per value', () => {
    const c: Constraint = ['hostname', 'MAX_PER', '2'];
    assert.equal(meets(offer('host1'), c, []), true, 'fresh host');
    assert.equal(meets(offer('host1'), c, [on('host1')]), true, 'one there');
    assert.equal(meets(offer('host1'), c, [on('host1'), on('host1'), on('host2')]), false, 'two there');
    assert.equal(meets(offer('host3'), c, [on('host1'), on('host1'), on('host2')]), true, 'other host');
    assert.equal(meets(offerWith('h', 'rack:1'), ['rack', 'MAX_PER', '2'], [on('x', 'rack:1.0'), on('y', 'rack:1.0')]), false, 'scalars compare formatted: 1.0 is 1');
  });

  it('GROUP_BY spreads evenly over the given number of groups (Marathon 1.10 rules)', () => {
    const rack = (n: number) => on('x', `rackid:rack-${n}`);
    const offerRack = (n: number) => offerWith('h', `foo:bar;rackid:rack-${n}`);
    const c2: Constraint = ['rackid', 'GROUP_BY', '2'];
    const c4: Constraint = ['rackid', 'GROUP_BY', '4'];
    assert.equal(meets(offerRack(1), c2, [], 5), true, 'initial placement');
    assert.equal(meets(offerRack(1), c2, [rack(1), rack(1)], 5), true, 'remainder may go to a group');
    assert.equal(meets(offerRack(1), c4, [rack(1)], 5), true, 'remainder with 4 groups');
    assert.equal(meets(offerRack(1), c2, [rack(1), rack(1), rack(1)], 5), false, 'not more than one remainder per group');
    assert.equal(meets(offerRack(1), c4, [rack(1), rack(1)], 5), false, 'not more than one remainder per group (4)');
    assert.equal(meets(offerRack(2), c2, [rack(1)], 5), true, 'second group');
    assert.equal(meets(offerRack(2), c4, [rack(1), rack(1), rack(2)], 5), false, 'only the remainder count of groups get one extra');
    assert.equal(meets(offerRack(2), c2, [rack(1), rack(1), rack(1), rack(2)], 5), true, 'final placement');
    assert.equal(meets(offerRack(3), c2, [rack(1), rack(2)], 5), false, 'no new group after enough groups');
    assert.equal(meets(offer('foohost'), c2, [], 5), false, 'offer without the attribute');
  });

  it('GROUP_BY without a value places on new or smallest groups', () => {
    const c: Constraint = ['rackid', 'GROUP_BY'];
    const rack = (n: number) => on('x', `rackid:rack-${n}`);
    assert.equal(meets(offerWith('h', 'rackid:rack-1'), c, [rack(1), rack(2)], 4), true, 'smallest group');
    assert.equal(meets(offerWith('h', 'rackid:rack-1'), c, [rack(1), rack(1), rack(2)], 4), false, 'larger group waits');
    assert.equal(meets(offerWith('h', 'rackid:rack-3'), c, [rack(1), rack(1), rack(2)], 4), true, 'new group');
  });

  it('IS compares text, and scalars formatted as Marathon does', () => {
    assert.equal(meets(offerWith('h', 'rack_id:rack-1'), ['rack_id', 'IS', 'rack-1']), true, 'text');
    assert.equal(meets(offerWith('h', 'level:10'), ['level', 'IS', '10.0']), true, 'scalar 10 is 10.0');
    assert.equal(meets(offerWith('h', 'level:10.5'), ['level', 'IS', '10']), false, 'different scalar');
  });

  it('formats attribute values as Marathon 1.10 (DecimalFormat 0.###, ranges and sets sorted)', () => {
    assert.equal(decimalText(1234.5), '1234.5', 'no grouping');
    assert.equal(decimalText(1.0005), '1', 'half even on the binary value');
    assert.equal(decimalText(2), '2', 'integers');
    const attrs: Attribute[] = parseAttributes('r:[3-4,1-2];t:x');
    assert.equal(attributeValueText(attrs[0] as Attribute), '[1-4]', 'ranges merged and sorted');
    assert.equal(attributeValueText(text('t', 'x')), 'x', 'text');
  });

  it('places instances of a UNIQUE hostname app one per agent (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 10 }), (offerHosts, instances) => {
        const placed: PlacedInstance[] = [];
        for (const h of offerHosts) {
          if (placed.length >= instances) break;
          const o = offer(`agent${h}`);
          if (meetsConstraint(placed, o, ['hostname', 'UNIQUE'], instances)) placed.push({ hostname: o.hostname });
        }
        const hosts = placed.map((p) => p.hostname);
        assert.equal(new Set(hosts).size, hosts.length, `no two instances on one host: ${hosts.join(',')}`);
        assert.equal(placed.length, Math.min(instances, new Set(offerHosts.map((h) => `agent${h}`)).size), 'every distinct agent offered is used until the app is full');
      }),
    );
  });

  it('selects instances to kill so GROUP_BY stays even', () => {
    const hosts = Array.from({ length: 20 }, (_, n) => ({ instanceId: `i${n}`, hostname: String(n % 2) }));
    const picked = selectInstancesToKill([['hostname', 'GROUP_BY']], hosts, 10);
    assert.equal(picked.length, 10, 'ten selected');
    assert.equal(picked.filter((i) => i.hostname === '0').length, 5, 'evenly from both hosts');
    const uneven = [...Array.from({ length: 20 }, (_, n) => ({ instanceId: `a${n}`, hostname: '1' })), ...Array.from({ length: 10 }, (_, n) => ({ instanceId: `b${n}`, hostname: '2' }))];
    assert.ok(
      selectInstancesToKill([['hostname', 'GROUP_BY']], uneven, 10).every((i) => i.hostname === '1'),
      'all from the larger host',
    );
    assert.deepEqual(selectInstancesToKill([], hosts, 5), [], 'nothing without GROUP_BY');
  });
});
