import http from 'node:http';

/**
 * SchedulerClient is a minimal Mesos v1 HTTP scheduler written only against the public API description
 * (`docs/scheduler-http-api.md`), with its own RecordIO re-framing, so tests exercise the wire format
 * rather than Plateau's own codec.
 */
export class SchedulerClient {
  readonly events: Array<Record<string, any>> = [];
  streamId = '';
  frameworkId = '';
  private req: http.ClientRequest | undefined;
  private waiters: Array<{ pred: (e: Record<string, any>) => boolean; resolve: (e: Record<string, any>) => void }> = [];
  closed = false;

  constructor(readonly master: string) {}

  /** subscribe opens the event stream; it resolves with the SUBSCRIBED event. */
  subscribe(frameworkInfo: Record<string, unknown>): Promise<Record<string, any>> {
    return new Promise((resolve, reject) => {
      const body = JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: frameworkInfo } });
      const req = http.request(`${this.master}/api/v1/scheduler`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json', Connection: 'close' } });
      this.req = req;
      req.on('response', (res) => {
        if (res.statusCode !== 200) {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => reject(Object.assign(new Error(`SUBSCRIBE answered ${res.statusCode}: ${text}`), { status: res.statusCode, body: text })));
          return;
        }
        this.streamId = String(res.headers['mesos-stream-id']);
        let buf = Buffer.alloc(0);
        res.on('data', (chunk: Buffer) => {
          buf = Buffer.concat([buf, chunk]);
          for (;;) {
            const nl = buf.indexOf(0x0a);
            if (nl < 0) break;
            const len = Number(buf.subarray(0, nl).toString('ascii'));
            if (buf.length < nl + 1 + len) break;
            const event = JSON.parse(buf.subarray(nl + 1, nl + 1 + len).toString('utf8')) as Record<string, any>;
            buf = buf.subarray(nl + 1 + len);
            this.onEvent(event);
            if (event.type === 'SUBSCRIBED') {
              this.frameworkId = event.subscribed.framework_id.value;
              resolve(event);
            }
          }
        });
        res.on('close', () => (this.closed = true));
      });
      req.on('error', (err) => {
        this.closed = true;
        reject(err);
      });
      req.end(body);
    });
  }

  private onEvent(event: Record<string, any>): void {
    this.events.push(event);
    this.waiters = this.waiters.filter((w) => {
      if (!w.pred(event)) return true;
      w.resolve(event);
      return false;
    });
  }

  /** next resolves with the first event (already received or future) matching `pred`. */
  next(pred: (e: Record<string, any>) => boolean, timeoutMs = 15_000, fromIndex = 0): Promise<Record<string, any>> {
    const seen = this.events.slice(fromIndex).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching event within ${timeoutMs} ms; last events: ${JSON.stringify(this.events.slice(-5))}`)), timeoutMs);
      this.waiters.push({ pred, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  }

  /** acknowledgeUpdates makes this client acknowledge every update that carries a uuid, as a real scheduler must. */
  acknowledgeUpdates(): void {
    let seen = 0;
    const tick = setInterval(() => {
      for (; seen < this.events.length; seen++) {
        const e = this.events[seen] as Record<string, any>;
        if (e.type === 'UPDATE' && e.update.status.uuid) {
          void this.call({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: e.update.status.agent_id, task_id: e.update.status.task_id, uuid: e.update.status.uuid } }).catch(() => undefined);
        }
      }
      if (this.closed) clearInterval(tick);
    }, 20);
  }

  /** call posts a non-SUBSCRIBE call with the stream id; resolves with the status and body. */
  call(call: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
    return post(`${this.master}/api/v1/scheduler`, JSON.stringify({ framework_id: { value: this.frameworkId }, ...call }), { 'Mesos-Stream-Id': this.streamId, ...headers });
  }

  close(): void {
    this.req?.destroy();
    this.closed = true;
  }
}

/** post sends a JSON body and collects the answer. */
export function post(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers } });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** getJson fetches a URL and parses JSON. */
export async function getJson(url: string): Promise<any> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  return res.json();
}

/** waitFor polls `check` until it returns a truthy value. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** waitForState polls an in-process state until `pred` holds, naming the last state seen when it times out. */
export async function waitForState<S>(read: () => S, what: string, pred: (s: S) => boolean, timeoutMs = 20_000): Promise<S> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = read();
    if (pred(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; state ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
