// Server-Sent Events parsing by the WHATWG HTML rules, shared by the console host (reading Marathon's /v2/events
// and Plateau's offers stream) and the tests' EventSource client. Pure: the caller feeds decoded text.

/** SseMessage is one dispatched event: its type (`message` by default), data and last event id. */
export interface SseMessage {
  type: string;
  data: string;
  lastEventId: string;
}

/**
 * SseParser turns a text stream into events by the WHATWG rules: lines end with CRLF, LF or CR (also across
 * chunks); a line starting with `:` is a comment; `field: value` loses one space after the colon; `data` lines
 * join with LF; an empty line dispatches (nothing when no data was given); `id` without NUL sets the last event
 * id; `retry` with only digits sets the reconnection time; a leading BOM is dropped.
 */
export class SseParser {
  lastEventId = '';
  private idBuffer = '';
  private eventType = '';
  private data = '';
  private pending = '';
  private skipLf = false;
  private started = false;

  constructor(
    private readonly dispatch: (message: SseMessage) => void,
    private readonly onRetry: (ms: number) => void = () => undefined,
  ) {}

  /** push feeds decoded text. */
  push(text: string): void {
    let chunk = text;
    if (!this.started && chunk.length > 0) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    for (const ch of chunk) {
      if (this.skipLf) {
        this.skipLf = false;
        if (ch === '\n') continue;
      }
      if (ch === '\r' || ch === '\n') {
        if (ch === '\r') this.skipLf = true;
        const line = this.pending;
        this.pending = '';
        this.line(line);
      } else this.pending += ch;
    }
  }

  /** end drops an incomplete event, as the end of a stream does. */
  end(): void {
    this.pending = '';
    this.data = '';
    this.eventType = '';
    this.skipLf = false;
  }

  private line(line: string): void {
    if (line === '') {
      this.lastEventId = this.idBuffer;
      if (this.data === '') {
        this.eventType = '';
        return;
      }
      const data = this.data.endsWith('\n') ? this.data.slice(0, -1) : this.data;
      const message = { type: this.eventType === '' ? 'message' : this.eventType, data, lastEventId: this.lastEventId };
      this.data = '';
      this.eventType = '';
      this.dispatch(message);
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.eventType = value;
    else if (field === 'data') this.data += `${value}\n`;
    else if (field === 'id') {
      if (!value.includes('\0')) this.idBuffer = value;
    } else if (field === 'retry') {
      if (/^[0-9]+$/.test(value)) this.onRetry(Number(value));
    }
  }
}
