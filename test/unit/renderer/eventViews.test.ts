import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventText, eventTime, filterEvents, seenTypes, type FeedEvent } from '../../../renderer/model/eventViews.js';

const ev = (seq: number, source: FeedEvent['source'], type: string, summary = '', data: unknown = {}): FeedEvent => ({ seq, at: seq * 1000, source, type, summary, data });
const events = [ev(1, 'mesos', 'TASK_ADDED', 'web.1 on S1'), ev(2, 'offers', 'OFFER_DECLINED', 'O1 (filter 5s)', { agentId: 'S7' }), ev(3, 'marathon', 'status_update_event', '/web web.1 → TASK_RUNNING'), ev(4, 'mesos', 'TASK_UPDATED', 'web.1 → TASK_RUNNING')];
const all = { sources: new Set<FeedEvent['source']>(), types: new Set<string>(), text: '' };

describe('filterEvents', () => {
  it('returns everything newest first without filters', () => {
    assert.deepEqual(filterEvents(events, all).map((e) => e.seq), [4, 3, 2, 1], 'newest first');
  });

  it('filters by source, type and text (JSON included)', () => {
    assert.deepEqual(filterEvents(events, { ...all, sources: new Set(['mesos']) }).map((e) => e.seq), [4, 1], 'source');
    assert.deepEqual(filterEvents(events, { ...all, types: new Set(['TASK_ADDED', 'OFFER_DECLINED']) }).map((e) => e.seq), [2, 1], 'any of the types');
    assert.deepEqual(filterEvents(events, { ...all, text: 'web.1 running' }).map((e) => e.seq), [4, 3], 'every term');
    assert.deepEqual(filterEvents(events, { ...all, text: 's7' }).map((e) => e.seq), [2], 'matches inside the JSON');
  });
});

describe('seenTypes', () => {
  it('lists types by source then name, with counts', () => {
    assert.deepEqual(
      seenTypes([...events, ev(5, 'mesos', 'TASK_UPDATED')]).map((t) => [t.source, t.type, t.count]),
      [
        ['mesos', 'TASK_ADDED', 1],
        ['mesos', 'TASK_UPDATED', 2],
        ['marathon', 'status_update_event', 1],
        ['offers', 'OFFER_DECLINED', 1],
      ],
      'grouped and counted',
    );
  });

  it('survives data that cannot be serialised', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.match(eventText(ev(9, 'mesos', 'X', 'summary', cyclic)), /summary/, 'text without the JSON');
  });
});

describe('eventTime', () => {
  it('prefers the time the event carries', () => {
    assert.equal(eventTime(ev(1, 'offers', 'OFFER_MADE', '', { at: 42 })), 42, 'offer events carry at');
    assert.equal(eventTime(ev(1, 'marathon', 'x', '', { timestamp: '2024-01-01T00:00:00.000Z' })), Date.parse('2024-01-01T00:00:00.000Z'), 'Marathon timestamp');
    assert.equal(eventTime(ev(3, 'mesos', 'TASK_ADDED', '', { task_added: {} })), 3000, 'else the time received');
    assert.equal(eventTime(ev(4, 'mesos', 'X', '', null)), 4000, 'null data');
  });
});
