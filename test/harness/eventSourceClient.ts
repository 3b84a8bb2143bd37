// A standard EventSource client for tests (Node 20 has none built in): the WHATWG HTML "Server-sent events"
// parsing and dispatch rules, over fetch, with reconnection. Only what a client of /v2/events needs is left out
// (CORS and credentials modes). The parser itself is core/protocol/sse.ts.

import { SseParser, type SseMessage } from '../../core/protocol/sse.js';

export type { SseMessage };

/** EventSourceClient is `new EventSource(url)`: CONNECTING, OPEN or CLOSED; reconnects after a dropped stream. */
export class EventSourceClient {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  readyState = EventSourceClient.CONNECTING;
  /** messages keeps every dispatched event, in order, for tests to wait on. */
  readonly messages: SseMessage[] = [];
  onopen: (() => void) | undefined;
  onerror: ((err: unknown) => void) | undefined;
  onmessage: ((m: SseMessage) => void) | undefined;
  private readonly listeners = new Map<string, Array<(m: SseMessage) => void>>();
  private reconnectMs = 3000;
  private abort = new AbortController();
  private readonly parser: SseParser;
  private waiters: Array<() => void> = [];

  constructor(readonly url: string) {
    this.parser = new SseParser(
      (m) => this.deliver(m),
      (ms) => (this.reconnectMs = ms),
    );
    void this.connect();
  }

  addEventListener(type: string, fn: (m: SseMessage) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }

  close(): void {
    this.readyState = EventSourceClient.CLOSED;
    this.abort.abort();
  }

  /** next resolves with the first message (from index `from`) that satisfies `pred`, or rejects after `timeoutMs`. */
  async next(pred: (m: SseMessage) => boolean, timeoutMs: number, from = 0): Promise<SseMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(pred);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms (saw ${this.messages.map((m) => m.type).join(', ')})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private deliver(m: SseMessage): void {
    if (this.readyState === EventSourceClient.CLOSED) return;
    this.messages.push(m);
    if (m.type === 'message') this.onmessage?.(m);
    for (const fn of this.listeners.get(m.type) ?? []) fn(m);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private async connect(): Promise<void> {
    while (this.readyState !== EventSourceClient.CLOSED) {
      try {
        const headers: Record<string, string> = { Accept: 'text/event-stream', 'Cache-Control': 'no-cache' };
        if (this.parser.lastEventId !== '') headers['Last-Event-ID'] = this.parser.lastEventId;
        const res = await fetch(this.url, { headers, signal: this.abort.signal });
        if (res.status !== 200 || !String(res.headers.get('content-type')).startsWith('text/event-stream')) {
          // Not an event stream: fail the connection for good, as the standard says.
          await res.body?.cancel();
          this.readyState = EventSourceClient.CLOSED;
          this.onerror?.(new Error(`EventSource failed: HTTP ${res.status} ${res.headers.get('content-type')}`));
          return;
        }
        this.readyState = EventSourceClient.OPEN;
        this.onopen?.();
        const decoder = new TextDecoder('utf-8');
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) this.parser.push(decoder.decode(chunk, { stream: true }));
        this.parser.end();
      } catch (err) {
        if (this.readyState === EventSourceClient.CLOSED) return;
        this.onerror?.(err);
      }
      if (this.readyState === EventSourceClient.CLOSED) return;
      this.readyState = EventSourceClient.CONNECTING;
      await new Promise((r) => setTimeout(r, this.reconnectMs));
    }
  }
}
