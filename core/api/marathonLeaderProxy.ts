import http from 'node:http';
import type { Clock, TimerHandle } from '../common/clock.js';

/** MarathonLeadership is what the proxy asks about the election on every request. */
export interface MarathonLeadership {
  /** isLeader is true once this Marathon is elected and ready to serve. */
  isLeader(): boolean;
  /** leaderHostPort is the elected Marathon's `host:port`, as its latch node holds it. */
  leaderHostPort(): string | undefined;
}

/** MarathonLeaderProxyOptions wire the proxy to this Marathon's identity, the election and the leader's own handler. */
export interface MarathonLeaderProxyOptions {
  /** self is this Marathon's `host:port`, the id it joined the election with. */
  self: string;
  leadership: MarathonLeadership;
  /** serve handles a request on the leader (the `/v2` API); it is only called while `isLeader()`. */
  serve: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  clock: Clock;
  /** forwardTimeoutMs bounds a proxied request without an answer (Marathon's `leader_proxy_read_timeout`, 10 s). */
  forwardTimeoutMs?: number;
}

/** VIA_HEADER carries the proxies a request went through, for loop detection (plain `Via` is dropped by some clients). */
const VIA_HEADER = 'x-marathon-via';
/** HOP_BY_HOP headers are the connection's own and are not forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host', 'te', 'trailer']);
/** EVENTS_PATH is redirected rather than proxied: an event stream belongs on a direct connection to the leader. */
const EVENTS_PATH = '/v2/events';

/**
 * MarathonLeaderProxy is what every Marathon in an HA group puts in front of its API, as Marathon's LeaderProxyFilter
 * does: the leader answers itself and stamps `X-Marathon-Leader`; a standby proxies the request to the leader (adding
 * `X-Marathon-Via` so a loop is caught with a 502), redirects `/v2/events` there with a 302, and, while no other leader
 * is known, holds the request for up to 2.5 s before answering 502 "Could not determine the current leader". Clients
 * can therefore be pointed at any Marathon, as they can be with Marathon.
 */
export class MarathonLeaderProxy {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly via: string;
  private readonly waits = new Set<TimerHandle>();
  private disposed = false;

  constructor(private readonly options: MarathonLeaderProxyOptions) {
    this.via = `1.1 ${options.self}`;
  }

  /** handle is the HTTP server's request listener. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    // A leader id that is no host:port (the latch node holds whatever its writer put there) must cost one answer, not the process.
    this.route(req, res, 10).catch(() => {
      req.resume();
      sendError(res, 502, 'Failed to successfully establish a connection to the leader.');
    });
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse, retries: number): Promise<void> {
    const { leadership, self } = this.options;
    if (leadership.isLeader()) {
      res.setHeader('X-Marathon-Leader', `http://${self}`);
      res.setHeader('X-Frame-Options', 'DENY');
      res.setHeader('X-XSS-Protection', '1; mode=block');
      this.options.serve(req, res);
      return;
    }
    const leader = leadership.leaderHostPort();
    if (leader === undefined || leader === self) {
      // An election is under way (or we were elected but are not serving yet): hold the request a little.
      if (retries > 0 && !this.disposed) {
        await new Promise<void>((resolve) => {
          const timer = this.options.clock.setTimeout(() => {
            this.waits.delete(timer);
            resolve();
          }, 250);
          this.waits.add(timer);
        });
        if (!this.disposed) return this.route(req, res, retries - 1);
      }
      return sendError(res, 502, 'Could not determine the current leader');
    }
    const target = `http://${leader}${req.url ?? '/'}`;
    if ((req.url ?? '').startsWith(EVENTS_PATH)) {
      req.resume();
      res.writeHead(302, { Location: target, 'Content-Length': '0' }).end();
      return;
    }
    this.forward(new URL(target), req, res);
  }

  private forward(url: URL, req: http.IncomingMessage, res: http.ServerResponse): void {
    const incomingVia = headerValues(req.headers[VIA_HEADER]);
    if (incomingVia.includes(this.via)) {
      req.resume();
      return sendError(res, 502, 'Detected proxying loop.');
    }
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name) && name !== VIA_HEADER && value !== undefined) headers[name] = value;
    headers.host = url.host;
    headers[VIA_HEADER] = [...incomingVia, this.via].join(', ');
    const peer = req.socket.remoteAddress ?? '';
    headers['x-forwarded-for'] = [...headerValues(req.headers['x-forwarded-for']), peer].filter((v) => v !== '').join(', ');
    const upstream = http.request(url, { method: req.method, headers, agent: this.agent, timeout: this.options.forwardTimeoutMs ?? 10_000 });
    upstream.on('response', (answer) => {
      const out: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
      out[VIA_HEADER] = this.via;
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
    });
    upstream.on('timeout', () => upstream.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (res.headersSent) {
        res.destroy(err);
        return;
      }
      if (err.code === 'ECONNREFUSED') sendError(res, 502, 'Connection to leader refused.');
      else if (err.code === 'ETIMEDOUT') sendError(res, 504, 'Connection to leader timed out.');
      else sendError(res, 502, 'Failed to successfully establish a connection to the leader.');
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  dispose(): void {
    this.disposed = true;
    for (const timer of this.waits) timer.cancel();
    this.waits.clear();
    this.agent.destroy();
  }
}

function headerValues(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/** sendError answers in Marathon's error shape, `{"message": ...}`. */
function sendError(res: http.ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ message });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
}
