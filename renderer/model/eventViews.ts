/**
 * The Events view's filtering of the feed's event log: by source, by type (any of the selected types), and by text
 * over type, summary and the event's JSON. Pure.
 */

/** EventSource is where an event came from. */
export type EventSource = 'mesos' | 'marathon' | 'offers';

/** FeedEvent is the shape of the feed's events (data/clusterFeeds.ts), restated so this module stays DOM-free. */
export interface FeedEvent {
  seq: number;
  at: number;
  source: EventSource;
  type: string;
  summary: string;
  data: unknown;
}

/** EVENT_SOURCES lists the sources in the order the filter shows them. */
export const EVENT_SOURCES: readonly EventSource[] = ['mesos', 'marathon', 'offers'];

/** EventFilter: an empty `sources` or `types` set means "all". */
export interface EventFilter {
  sources: ReadonlySet<EventSource>;
  types: ReadonlySet<string>;
  text: string;
}

/** SeenType is an event type that occurred, with its source and how often. */
export interface SeenType {
  type: string;
  source: EventSource;
  count: number;
}

/** seenTypes lists the types present in `events`, grouped by source then by name. */
export function seenTypes(events: readonly FeedEvent[]): SeenType[] {
  const out = new Map<string, SeenType>();
  for (const e of events) {
    const t = out.get(e.type);
    if (t) t.count++;
    else out.set(e.type, { type: e.type, source: e.source, count: 1 });
  }
  return [...out.values()].sort((a, b) => EVENT_SOURCES.indexOf(a.source) - EVENT_SOURCES.indexOf(b.source) || a.type.localeCompare(b.type));
}

/**
 * eventTime is when an event happened: its own timestamp when it carries one (offer events' `at`, Marathon's ISO
 * `timestamp`), else when the console received it, which for replayed history is later than the event.
 */
export function eventTime(e: FeedEvent): number {
  const d = e.data as { at?: unknown; timestamp?: unknown } | null | undefined;
  if (d && typeof d === 'object') {
    if (typeof d.at === 'number' && Number.isFinite(d.at) && d.at > 0) return d.at;
    if (typeof d.timestamp === 'string') {
      const t = Date.parse(d.timestamp);
      if (Number.isFinite(t)) return t;
    }
  }
  return e.at;
}

const jsonCache = new WeakMap<FeedEvent, string>();

/** eventText is everything the text filter searches in an event (its JSON is rendered once and cached). */
export function eventText(e: FeedEvent): string {
  let json = jsonCache.get(e);
  if (json === undefined) {
    try {
      json = JSON.stringify(e.data) ?? '';
    } catch {
      json = '';
    }
    jsonCache.set(e, json);
  }
  return `${e.source} ${e.type} ${e.summary} ${json}`.toLowerCase();
}

/** filterEvents returns the matching events, newest first. */
export function filterEvents(events: readonly FeedEvent[], filter: EventFilter): FeedEvent[] {
  const terms = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  const out: FeedEvent[] = [];
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i] as FeedEvent;
    if (filter.sources.size > 0 && !filter.sources.has(e.source)) continue;
    if (filter.types.size > 0 && !filter.types.has(e.type)) continue;
    if (terms.length > 0) {
      const text = eventText(e);
      if (!terms.every((t) => text.includes(t))) continue;
    }
    out.push(e);
  }
  return out;
}
