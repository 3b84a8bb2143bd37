import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import { StreamBadges } from '../components/StreamBadges.js';
import { SearchBox } from '../components/VirtualTable.js';
import { TonePill, type Tone } from '../components/TonePill.js';
import { useFeed } from '../data/consoleContext.js';
import { EVENT_SOURCES, eventTime, filterEvents, seenTypes, type EventSource, type FeedEvent } from '../model/eventViews.js';
import { clockTime, fullTime, shownCount } from '../model/format.js';
import { ClusterStyles } from './cluster/ClusterStyles.js';

const SOURCE_TONE: Record<EventSource, Tone> = { mesos: 'accent', marathon: 'ok', offers: 'offered' };
const ROW_HEIGHT = 33;

/**
 * EventsView is the live log of everything the console hears: master operator events, Marathon events and offer
 * outcomes, newest first and virtualised (the feed keeps the last 1,000). Filter by source, by any of the types seen
 * so far, and by text (over the JSON too); pause to read without the list moving; open a row to see its JSON.
 */
export function EventsView() {
  const feed = useFeed();
  const [sources, setSources] = useState<ReadonlySet<EventSource>>(new Set());
  const [types, setTypes] = useState<ReadonlySet<string>>(new Set());
  const [text, setText] = useState('');
  const [paused, setPaused] = useState<{ events: FeedEvent[]; version: number } | null>(null);
  const liveEvents = feed?.events;
  const liveVersion = feed?.eventsVersion ?? 0;
  const events = useMemo(() => {
    void liveVersion;
    // The feed appends to its array in place: copy it, so memoised views see a new list when it grows.
    return paused ? paused.events : (liveEvents ?? []).slice();
  }, [paused, liveEvents, liveVersion]);
  const shown = useMemo(() => filterEvents(events, { sources, types, text }), [events, sources, types, text]);
  const seen = useMemo(() => seenTypes(events), [events]);
  if (!feed) return <p className="empty">Connecting…</p>;
  const toggle = <T,>(set: ReadonlySet<T>, v: T): Set<T> => {
    const next = new Set(set);
    if (next.has(v)) next.delete(v);
    else next.add(v);
    return next;
  };
  const missed = paused ? liveVersion - paused.version : 0;
  const filtered = sources.size > 0 || types.size > 0 || text !== '';
  return (
    <section>
      <ClusterStyles />
      <h1>Events</h1>
      <StreamBadges />
      <div className="toolbar">
        <SearchBox value={text} onChange={setText} placeholder="Filter events (JSON too)" />
        <div className="cluster-chips" role="group" aria-label="Sources">
          {EVENT_SOURCES.map((s) => (
            <button key={s} type="button" aria-pressed={sources.has(s)} onClick={() => setSources(toggle(sources, s))}>
              {s}
            </button>
          ))}
        </div>
        <button type="button" className={paused ? 'primary' : undefined} data-testid="events-pause" aria-pressed={paused !== null} onClick={() => setPaused(paused ? null : { events: (liveEvents ?? []).slice(), version: liveVersion })}>
          {paused ? `Resume${missed > 0 ? ` (${missed} new)` : ''}` : 'Pause'}
        </button>
        {filtered && (
          <button
            type="button"
            onClick={() => {
              setSources(new Set());
              setTypes(new Set());
              setText('');
            }}
          >
            Clear filters
          </button>
        )}
        <span className="muted" data-testid="events-shown">
          {shownCount(shown.length, events.length, 'events')}
          {paused ? ' · paused' : ''}
        </span>
      </div>
      {seen.length > 0 && (
        <div className="toolbar">
          <span className="muted">Types:</span>
          <div className="cluster-chips" role="group" aria-label="Event types (none selected shows all)" data-testid="event-types">
            {seen.map((t) => (
              <button key={t.type} type="button" aria-pressed={types.has(t.type)} title={`${t.source}: ${t.count} in the log`} onClick={() => setTypes(toggle(types, t.type))}>
                {t.type}
                <span className="count">{t.count}</span>
              </button>
            ))}
          </div>
        </div>
      )}
      <EventList events={shown} empty={events.length === 0 ? 'No events yet: they appear here as the cluster changes.' : 'No event matches the filters.'} />
    </section>
  );
}

/** EventList is a virtualised list whose rows open in place to show their JSON (rows are measured, so heights vary). */
function EventList({ events, empty }: { events: FeedEvent[]; empty: string }) {
  const parent = useRef<HTMLDivElement>(null);
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const virtualizer = useVirtualizer({
    count: events.length,
    getScrollElement: () => parent.current,
    estimateSize: (i) => (open.has((events[i] as FeedEvent).seq) ? 240 : ROW_HEIGHT),
    getItemKey: (i) => (events[i] as FeedEvent).seq,
    overscan: 10,
  });
  if (events.length === 0) return <div className="empty">{empty}</div>;
  return (
    <>
      <div className="cluster-events-head" aria-hidden="true">
        <span>Time</span>
        <span>Source</span>
        <span>Type</span>
        <span>Summary</span>
      </div>
      <div ref={parent} className="cluster-events" style={{ maxHeight: 'calc(100vh - 290px)', minHeight: 200 }} data-testid="events-list">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const e = events[item.index] as FeedEvent;
            const isOpen = open.has(e.seq);
            return (
              <div key={item.key} data-index={item.index} ref={virtualizer.measureElement} className={`event${isOpen ? ' open' : ''}`} style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}>
                <button
                  type="button"
                  aria-expanded={isOpen}
                  data-testid="event-row"
                  onClick={() => {
                    const next = new Set(open);
                    if (isOpen) next.delete(e.seq);
                    else next.add(e.seq);
                    setOpen(next);
                  }}
                >
                  <span title={`${fullTime(eventTime(e))}${eventTime(e) !== e.at ? ` (received ${fullTime(e.at)})` : ''}`}>{clockTime(eventTime(e))}</span>
                  <span>
                    <TonePill tone={SOURCE_TONE[e.source]}>{e.source}</TonePill>
                  </span>
                  <span className="mono" title={e.type}>
                    {e.type}
                  </span>
                  <span title={e.summary}>{e.summary || <span className="muted">–</span>}</span>
                </button>
                {isOpen && <EventJson data={e.data} />}
              </div>
            );
          })}
        </div>
      </div>
    </>
  );
}

function EventJson({ data }: { data: unknown }) {
  const json = useMemo(() => {
    try {
      return JSON.stringify(data, null, 2);
    } catch {
      return String(data);
    }
  }, [data]);
  return (
    <pre className="log" tabIndex={0} aria-label="Event JSON">
      {json}
    </pre>
  );
}
