import type { Disposable } from '../common/lifecycle.js';
import type { ConnectionSummary, HttpAnswer, HttpRequest, StreamKind, StreamState } from '../protocol/console/channel.js';

/** StreamSink receives a live stream's records (parsed JSON) and its lifecycle. */
export interface StreamSink {
  data(record: unknown): void;
  state(status: StreamState): void;
}

/**
 * ClusterConnection is one cluster the console is attached to. It speaks only public wire APIs, so the same code
 * serves the embedded demo cluster, a remote Plateau cluster and a real Apache Mesos + Marathon.
 */
export interface ClusterConnection extends Disposable {
  readonly id: string;
  summary(): ConnectionSummary;
  /** onChange fires whenever the summary changes (leader, status). */
  onChange(fn: (summary: ConnectionSummary) => void): Disposable;
  /** request proxies one HTTP call to the leading master, Marathon or an agent, following leader redirects. */
  request(req: Omit<HttpRequest, 'connectionId'>): Promise<HttpAnswer>;
  /** openStream keeps a live feed open, re-opening it with backoff after failures, until disposed. */
  openStream(kind: StreamKind, sink: StreamSink): Disposable;
  /** reconnect drops cached leader knowledge and re-opens every stream now (after sleep, or on demand). */
  reconnect(): void;
}
