import http from 'node:http';

/** OperatorStream subscribes to a master's v1 operator API (`SUBSCRIBE` on `/api/v1`) and records its events. */
export class OperatorStream {
  readonly events: Array<Record<string, any>> = [];
  private req: http.ClientRequest | undefined;

  constructor(readonly master: string) {}

  /** open resolves once SUBSCRIBED (with the state snapshot) has arrived. */
  open(): Promise<Record<string, any>> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${this.master}/api/v1`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' } });
      this.req = req;
      req.on('response', (res) => {
        if (res.statusCode !== 200) return reject(new Error(`operator SUBSCRIBE answered ${res.statusCode}`));
        let buf = Buffer.alloc(0);
        res.on('data', (chunk: Buffer) => {
          buf = Buffer.concat([buf, chunk]);
          for (;;) {
            const nl = buf.indexOf(0x0a);
            if (nl < 0) break;
            const len = Number(buf.subarray(0, nl).toString());
            if (buf.length < nl + 1 + len) break;
            const event = JSON.parse(buf.subarray(nl + 1, nl + 1 + len).toString()) as Record<string, any>;
            buf = buf.subarray(nl + 1 + len);
            this.events.push(event);
            if (event.type === 'SUBSCRIBED') resolve(event);
          }
        });
      });
      req.on('error', reject);
      req.end(JSON.stringify({ type: 'SUBSCRIBE' }));
    });
  }

  close(): void {
    this.req?.destroy();
  }
}
