import net from 'node:net';
import type { Clock, TimerHandle } from '../common/clock.js';

/** PipelinedResponse is a whole answer to one request: its status and its body as text. */
export interface PipelinedResponse {
  status: number;
  body: string;
}

/** PipelinedHttpClientOptions bound the client: connections, requests in flight before another connection opens, answer timeout. */
export interface PipelinedHttpClientOptions {
  maxConnections?: number;
  /** depth is how many unanswered requests a connection carries before the next request opens another connection (up to `maxConnections`). */
  depth?: number;
  timeoutMs?: number;
}

interface Pending {
  resolve: (r: PipelinedResponse) => void;
  reject: (err: Error) => void;
}

const HEADER_END = Buffer.from('\r\n\r\n');
/**
 * ANSWERS_PER_TURN bounds the answers handed out in one turn of the event loop: each resolves a caller whose
 * continuation runs right after, and hundreds of answers arriving in one read would make one long turn.
 */
const ANSWERS_PER_TURN = 16;

/**
 * PipelinedHttpClient POSTs short requests to one HTTP/1.1 origin over a few keep-alive connections,
 * pipelined (RFC 9112 §9.3.2: answers come back in request order), and writes the requests a tick
 * produces with one system call per connection. A scheduler acknowledges every status update with its
 * own call, so at tens of thousands of updates Node's one-request-per-socket client costs a request
 * object, a write and a read per call; this client costs a string and a share of one write. A
 * connection that has requests in flight and answers none of them for `timeoutMs` (as a socket
 * timeout counts inactivity) fails, and with it every request still in flight there, as a dropped
 * connection does; nothing is retried, since calls are not idempotent.
 */
export class PipelinedHttpClient {
  private readonly connections: Connection[] = [];
  private readonly host: string;
  private readonly port: number;
  private readonly hostHeader: string;
  private readonly maxConnections: number;
  private readonly depth: number;
  private readonly timeoutMs: number;
  private disposed = false;

  constructor(
    readonly origin: string,
    private readonly clock: Clock,
    options: PipelinedHttpClientOptions = {},
  ) {
    const url = new URL(origin);
    if (url.protocol !== 'http:') throw new Error(`Protocol "${url.protocol}" not supported`);
    this.host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    this.port = Number(url.port || 80);
    this.hostHeader = url.host;
    this.maxConnections = options.maxConnections ?? 4;
    this.depth = options.depth ?? 64;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** post sends `body` to `path` with `headers` (Host and Content-Length are added) and resolves with the answer, whatever its status. */
  post(path: string, headers: Record<string, string>, body: string): Promise<PipelinedResponse> {
    if (this.disposed) return Promise.reject(new Error('client disposed'));
    let head = `POST ${path} HTTP/1.1\r\nHost: ${this.hostHeader}\r\n`;
    for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
    const request = `${head}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    return new Promise((resolve, reject) => this.pick().send(request, { resolve, reject }));
  }

  /** dispose closes every connection; requests still in flight fail. */
  dispose(): void {
    this.disposed = true;
    for (const c of [...this.connections]) c.fail(new Error('socket hang up'));
  }

  private pick(): Connection {
    let best: Connection | undefined;
    for (const c of this.connections) if (c.open && (!best || c.inflight < best.inflight)) best = c;
    if (best && (best.inflight < this.depth || this.connections.length >= this.maxConnections)) return best;
    const c = new Connection(this.host, this.port, this.clock, this.timeoutMs, (gone) => {
      const k = this.connections.indexOf(gone);
      if (k >= 0) this.connections.splice(k, 1);
    });
    this.connections.push(c);
    return c;
  }
}

/** Connection is one pipelined keep-alive connection and the requests awaiting their answers on it, oldest first. */
class Connection {
  open = true;
  private readonly socket: net.Socket;
  private readonly pending: Pending[] = [];
  private head = 0;
  private corked = false;
  private buffer: Buffer = Buffer.alloc(0);
  private timer: TimerHandle | undefined;
  /** progress is when the connection last answered, or began to wait with nothing in flight before. */
  private progress = 0;
  // The answer being read: its status and body framing once its header block is in.
  private status = 0;
  private bodyLength = -1;
  private chunked = false;
  private untilClose = false;
  private closeAfter = false;
  private body: Buffer[] = [];
  /** answered counts the answers handed out this turn; past ANSWERS_PER_TURN the rest wait for the next turn. */
  private answered = 0;
  private resumeQueued = false;

  constructor(
    host: string,
    port: number,
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    private readonly onGone: (c: Connection) => void,
  ) {
    this.socket = net.connect({ host, port });
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err) => this.fail(err));
    this.socket.on('close', () => this.fail(new Error('socket hang up')));
  }

  get inflight(): number {
    return this.pending.length - this.head;
  }

  send(request: string, p: Pending): void {
    if (this.inflight === 0) this.progress = this.clock.now();
    this.pending.push(p);
    // Requests made in the same tick leave in one write.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(request);
    if (!this.timer) this.arm(this.timeoutMs);
  }

  /** fail ends the connection: every request still in flight on it fails with `err`. */
  fail(err: Error): void {
    if (this.open) {
      this.open = false;
      this.onGone(this);
    }
    this.timer?.cancel();
    this.timer = undefined;
    this.socket.destroy();
    const left = this.pending.splice(this.head);
    this.pending.length = 0;
    this.head = 0;
    for (const p of left) p.reject(err);
  }

  /** arm checks in `ms` whether the connection went `timeoutMs` without an answer while requests were in flight (one timer per connection, not per request). */
  private arm(ms: number): void {
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.inflight === 0) return;
      const left = this.progress + this.timeoutMs - this.clock.now();
      if (left <= 0) this.fail(new Error(`master did not answer within ${this.timeoutMs / 1000} s`));
      else this.arm(left);
    }, ms);
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    if (!this.resumeQueued) this.consume();
  }

  private consume(): void {
    this.answered = 0;
    try {
      while (this.open && this.parse()) {
        if (this.answered >= ANSWERS_PER_TURN) {
          this.resumeQueued = true;
          setImmediate(() => {
            this.resumeQueued = false;
            this.consume();
          });
          return;
        }
      }
    } catch (err) {
      this.fail(err as Error);
    }
  }

  /** parse consumes one step of the answer being read (its header block, or all of its body) and says whether it made progress. */
  private parse(): boolean {
    if (this.status === 0) {
      const end = this.buffer.indexOf(HEADER_END);
      if (end < 0) return false;
      const lines = this.buffer.toString('latin1', 0, end).split('\r\n');
      this.buffer = this.buffer.subarray(end + 4);
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
      if (!m) throw new Error(`malformed HTTP answer: ${lines[0] ?? ''}`);
      const status = Number(m[1]);
      let length = -1;
      let chunked = false;
      let close = (lines[0] ?? '').startsWith('HTTP/1.0');
      for (let k = 1; k < lines.length; k++) {
        const line = lines[k] as string;
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim().toLowerCase();
        if (name === 'content-length') length = Number(value);
        else if (name === 'transfer-encoding') chunked = value.split(',').some((v) => v.trim() === 'chunked');
        else if (name === 'connection') close = value.split(',').some((v) => v.trim() === 'close');
      }
      // Interim (1xx) answers precede the real one.
      if (status >= 100 && status < 200) return true;
      this.status = status;
      this.chunked = chunked;
      this.bodyLength = chunked ? -1 : status === 204 || status === 304 ? 0 : length;
      this.untilClose = !chunked && this.bodyLength < 0;
      this.closeAfter = close;
      this.body = [];
      if (this.untilClose) this.socket.once('end', () => this.finish());
      return true;
    }
    if (this.untilClose) {
      this.body.push(this.buffer);
      this.buffer = Buffer.alloc(0);
      return false;
    }
    if (!this.chunked) {
      if (this.buffer.length < this.bodyLength) return false;
      this.body.push(this.buffer.subarray(0, this.bodyLength));
      this.buffer = this.buffer.subarray(this.bodyLength);
      this.finish();
      return true;
    }
    // Chunked: `<hex size>[;ext]\r\n<data>\r\n`, ended by a zero-size chunk and optional trailers.
    const eol = this.buffer.indexOf('\r\n');
    if (eol < 0) return false;
    const size = parseInt(this.buffer.toString('latin1', 0, eol).split(';')[0] as string, 16);
    if (Number.isNaN(size)) throw new Error('malformed chunked answer');
    if (size === 0) {
      // The last chunk's line ends where the (usually empty) trailer section begins; a blank line ends that.
      const end = this.buffer.indexOf(HEADER_END, eol);
      if (end < 0) return false;
      this.buffer = this.buffer.subarray(end + 4);
      this.finish();
      return true;
    }
    if (this.buffer.length < eol + 2 + size + 2) return false;
    this.body.push(this.buffer.subarray(eol + 2, eol + 2 + size));
    this.buffer = this.buffer.subarray(eol + 2 + size + 2);
    return true;
  }

  private finish(): void {
    const p = this.pending[this.head];
    const answer: PipelinedResponse = { status: this.status, body: Buffer.concat(this.body).toString('utf8') };
    this.status = 0;
    this.body = [];
    if (p) {
      this.answered++;
      this.progress = this.clock.now();
      this.pending[this.head++] = undefined as unknown as Pending;
      if (this.head === this.pending.length) {
        this.pending.length = 0;
        this.head = 0;
      } else if (this.head > 1024) {
        this.pending.splice(0, this.head);
        this.head = 0;
      }
      p.resolve(answer);
    }
    if (this.closeAfter || this.untilClose) this.fail(new Error('socket hang up'));
  }
}
