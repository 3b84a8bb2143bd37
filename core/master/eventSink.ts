/**
 * EventSink is one open event stream (a framework's SUBSCRIBE, an agent's link, an operator or offers
 * subscriber). The master only ever sees this interface, so it stays free of HTTP; `core/api` implements
 * it over a chunked response.
 */
export interface EventSink<E> {
  /** send writes one event; after the stream closed it is a no-op. */
  send(event: E): void;
  /** close ends the stream from the master's side. */
  close(): void;
  readonly closed: boolean;
}
