import http from 'node:http';
import type { MasterLink, MasterStream } from '../agent/masterLink.js';
import { AGENT_LINK_PATH, AGENT_STREAM_HEADER, type AgentCall, type AgentEvent } from '../protocol/plateau/agentLink.js';
import { RecordIoDecoder } from '../protocol/recordio.js';

/**
 * HttpMasterLink reaches the master over HTTP at `master` (`http://host:port`, or a function giving the leader a
 * ZooKeeper detector currently knows): REGISTER opens a chunked RecordIO response that stays open; calls go as short
 * POSTs carrying the stream id header. It follows a 307 to the leading master, as agents follow Mesos's redirects.
 */
export class HttpMasterLink implements MasterLink {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  private base = '';

  constructor(private readonly master: string | (() => string | undefined)) {
    if (typeof master === 'string') this.base = master;
  }

  open(call: Extract<AgentCall, { type: 'REGISTER' | 'REREGISTER' }>, onEvent: (e: AgentEvent) => void, onClose: (err?: Error) => void): Promise<MasterStream> {
    if (typeof this.master === 'function') {
      const leader = this.master();
      if (!leader) return Promise.reject(new Error('no leading master is known yet'));
      this.base = leader;
    }
    return new Promise((resolve, reject) => {
      const body = JSON.stringify(call);
      const req = http.request(new URL(AGENT_LINK_PATH, this.base), { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Content-Length': Buffer.byteLength(body) } });
      let settled = false;
      req.on('response', (res) => {
        if (res.statusCode === 307 && res.headers.location) {
          res.resume();
          this.base = new URL(res.headers.location, this.base.replace(/^http:/, 'http:')).origin;
          this.open(call, onEvent, onClose).then(resolve, reject);
          settled = true;
          return;
        }
        if (res.statusCode !== 200) {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => reject(new Error(`master answered ${res.statusCode}: ${text}`)));
          settled = true;
          return;
        }
        const linkId = String(res.headers[AGENT_STREAM_HEADER] ?? '');
        const decoder = new RecordIoDecoder();
        let closed = false;
        const finish = (err?: Error) => {
          if (closed) return;
          closed = true;
          onClose(err);
        };
        res.on('data', (chunk: Buffer) => {
          try {
            for (const record of decoder.decode(chunk)) onEvent(JSON.parse(record) as AgentEvent);
          } catch (err) {
            req.destroy(err as Error);
          }
        });
        res.on('end', () => finish());
        res.on('error', (err) => finish(err));
        res.on('close', () => finish());
        settled = true;
        resolve({ linkId, close: () => req.destroy() });
      });
      req.on('error', (err) => {
        if (!settled) reject(err);
      });
      req.end(body);
    });
  }

  post(call: AgentCall, linkId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const body = JSON.stringify(call);
      const req = http.request(new URL(AGENT_LINK_PATH, this.base), {
        method: 'POST',
        agent: this.agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), [AGENT_STREAM_HEADER]: linkId },
      });
      req.setTimeout(10_000, () => req.destroy(new Error('master did not answer within 10 s')));
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => (res.statusCode === 202 ? resolve() : reject(new Error(`master answered ${res.statusCode}: ${text}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  dispose(): void {
    this.agent.destroy();
  }
}
