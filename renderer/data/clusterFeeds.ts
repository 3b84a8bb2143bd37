import type { QueryClient } from '@tanstack/react-query';
import type { StreamState } from '../../core/protocol/console/channel.js';
import type { OfferEvent } from '../../core/protocol/plateau/offerEvent.js';
import type { ConsoleChannel, StreamHandle } from '../channel/consoleChannel.js';
import { applyOperatorEvent, emptyClusterState, type ClusterState } from '../model/clusterState.js';
import { OfferLog } from '../model/offerLog.js';

/** FeedEvent is one line of the Events view: an operator or Marathon event, with where it came from. */
export interface FeedEvent {
  seq: number;
  at: number;
  source: 'mesos' | 'marathon' | 'offers';
  type: string;
  summary: string;
  data: unknown;
}

/** FeedSnapshot is what views read from the cache: the reduced state and each stream's health. */
export interface FeedSnapshot {
  state: ClusterState;
  version: number;
  offers: OfferLog;
  offersVersion: number;
  events: FeedEvent[];
  eventsVersion: number;
  streams: Record<'mesos-operator' | 'marathon-events' | 'plateau-offers', StreamState>;
}

/**
 * Snapshot is a FeedSnapshot as a class instance rather than a plain object, for react-query's structural sharing:
 * `setQueryData` compares new data with the old deeply, through plain objects and arrays, to keep unchanged parts.
 * A snapshot is new on every publish by construction (its versions move), and the deep walk went through every
 * event in the log (up to MAX_EVENTS, with their payloads) each time: a tenth of the page's script time while
 * rolling restarts churned 10,000 tasks (bench/consoleScale.bench.ts). Class instances are compared by reference.
 */
class Snapshot implements FeedSnapshot {
  constructor(
    readonly state: ClusterState,
    readonly version: number,
    readonly offers: OfferLog,
    readonly offersVersion: number,
    readonly events: FeedEvent[],
    readonly eventsVersion: number,
    readonly streams: FeedSnapshot['streams'],
  ) {}
}

/** feedKey is the react-query key of a connection's live snapshot. */
export const feedKey = (connectionId: string) => ['feed', connectionId] as const;

/** marathonKey prefixes every Marathon query of a connection, so an event can invalidate them together. */
export const marathonKey = (connectionId: string, ...rest: unknown[]) => ['marathon', connectionId, ...rest] as const;

const PUBLISH_MS = 250;
const INVALIDATE_MS = 400;
const MAX_EVENTS = 1000;

/**
 * ClusterFeeds keeps a connection's three live streams open and folds them into react-query's cache: the operator
 * stream into ClusterState, the offers stream into an OfferLog, Marathon's events into cache invalidations. Updates
 * are published at most every 250 ms, so a burst of 10,000 task updates costs a few renders, not 10,000.
 */
export class ClusterFeeds {
  private readonly state: ClusterState = emptyClusterState();
  private readonly offers = new OfferLog(500);
  private events: FeedEvent[] = [];
  private eventsVersion = 0;
  private seq = 0;
  private streamStates: FeedSnapshot['streams'] = { 'mesos-operator': { state: 'connecting' }, 'marathon-events': { state: 'connecting' }, 'plateau-offers': { state: 'connecting' } };
  private readonly handles: StreamHandle[] = [];
  private publishTimer: ReturnType<typeof setTimeout> | undefined;
  private invalidateTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly channel: ConsoleChannel,
    private readonly connectionId: string,
    private readonly queryClient: QueryClient,
    hasMarathon: boolean,
  ) {
    this.handles.push(
      channel.stream(connectionId, 'mesos-operator', (d) => this.onOperator(d as { type?: string } & Record<string, unknown>), (s) => this.onState('mesos-operator', s)),
      channel.stream(connectionId, 'plateau-offers', (d) => this.onOffer(d as OfferEvent), (s) => this.onState('plateau-offers', s)),
    );
    if (hasMarathon) this.handles.push(channel.stream(connectionId, 'marathon-events', (d) => this.onMarathon(d as { eventType?: string } & Record<string, unknown>), (s) => this.onState('marathon-events', s)));
    else this.streamStates['marathon-events'] = { state: 'unsupported', error: 'this connection has no Marathon' };
    this.publish();
  }

  private onOperator(event: { type?: string } & Record<string, unknown>): void {
    applyOperatorEvent(this.state, event);
    if (event.type !== 'SUBSCRIBED') this.log('mesos', event.type ?? 'UNKNOWN', operatorSummary(event), event);
    this.schedule();
  }

  private onOffer(event: OfferEvent): void {
    this.offers.apply(event);
    if (event.type !== 'OFFER_MADE') this.log('offers', event.type, offerSummary(event), event);
    this.schedule();
  }

  private onMarathon(event: { eventType?: string } & Record<string, unknown>): void {
    const type = event.eventType ?? 'event';
    this.log('marathon', type, marathonSummary(event), event);
    this.schedule();
    if (type === 'event_stream_attached' || type === 'event_stream_detached') return;
    this.invalidateTimer ??= setTimeout(() => {
      this.invalidateTimer = undefined;
      void this.queryClient.invalidateQueries({ queryKey: marathonKey(this.connectionId) });
    }, INVALIDATE_MS);
  }

  private onState(kind: keyof FeedSnapshot['streams'], s: StreamState): void {
    this.streamStates = { ...this.streamStates, [kind]: s };
    // A stream that came back may have missed events: refetch what polls.
    if (s.state === 'open' && kind === 'marathon-events') void this.queryClient.invalidateQueries({ queryKey: marathonKey(this.connectionId) });
    this.schedule();
  }

  private log(source: FeedEvent['source'], type: string, summary: string, data: unknown): void {
    this.events.push({ seq: ++this.seq, at: Date.now(), source, type, summary, data });
    if (this.events.length > MAX_EVENTS * 1.2) this.events = this.events.slice(-MAX_EVENTS);
    this.eventsVersion++;
  }

  private schedule(): void {
    this.publishTimer ??= setTimeout(() => {
      this.publishTimer = undefined;
      this.publish();
    }, PUBLISH_MS);
  }

  private publish(): void {
    const snapshot = new Snapshot(this.state, this.state.version, this.offers, this.offers.version, this.events, this.eventsVersion, this.streamStates);
    this.queryClient.setQueryData(feedKey(this.connectionId), snapshot);
  }

  dispose(): void {
    for (const h of this.handles) h.close();
    clearTimeout(this.publishTimer);
    clearTimeout(this.invalidateTimer);
  }
}

function operatorSummary(e: Record<string, unknown>): string {
  const any = e as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  switch (e.type) {
    case 'TASK_ADDED':
      return `${any.task_added.task.task_id.value} on ${any.task_added.task.agent_id.value}`;
    case 'TASK_UPDATED':
      return `${any.task_updated.status.task_id.value} → ${any.task_updated.state}${any.task_updated.status.message ? ` (${any.task_updated.status.message})` : ''}`;
    case 'AGENT_ADDED':
      return `${any.agent_added.agent.agent_info.hostname} (${any.agent_added.agent.agent_info.id?.value ?? ''})`;
    case 'AGENT_REMOVED':
      return any.agent_removed.agent_id.value;
    case 'FRAMEWORK_ADDED':
    case 'FRAMEWORK_UPDATED': {
      const f = (any.framework_added ?? any.framework_updated).framework;
      return `${f.framework_info.name} (${f.framework_info.id?.value ?? ''})`;
    }
    case 'FRAMEWORK_REMOVED':
      return `${any.framework_removed.framework_info.name}`;
    default:
      return '';
  }
}

function offerSummary(e: OfferEvent): string {
  switch (e.type) {
    case 'OFFER_MADE':
      return e.offer.id.value;
    case 'OFFER_ACCEPTED':
      return `${e.offerIds.join(', ')} launched ${e.launched.map((l) => l.taskId).join(', ') || 'nothing'}`;
    case 'OFFER_DECLINED':
      return `${e.offerId} (filter ${e.refuseSeconds}s)`;
    default:
      return `${e.offerId}: ${e.reason}`;
  }
}

function marathonSummary(e: Record<string, unknown>): string {
  const any = e as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  if (any.taskStatus) return `${any.appId ?? ''} ${any.taskId ?? ''} → ${any.taskStatus}`;
  if (any.plan?.id) return `${any.plan.id}`;
  if (any.appId) return `${any.appId}${any.alive !== undefined ? ` healthy=${any.alive}` : ''}`;
  return '';
}
