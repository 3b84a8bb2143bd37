import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CoreError, toCoreError } from '../common/errors.js';
import type { EventSink } from '../master/eventSink.js';

/**
 * MESOS_STATUS maps each `CoreError` code to the status Mesos answers with, in one table (as tRPC's
 * `getHTTPStatusCode` does), so no handler picks its own.
 */
export const MESOS_STATUS: Record<CoreError['code'], number> = {
  INVALID: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNSUPPORTED: 501,
  UNAVAILABLE: 503,
  NOT_LEADER: 307,
  INTERNAL: 500,
};

/** sendMesosError answers as Mesos does: the status from `MESOS_STATUS` and a plain-text message. */
export function sendMesosError(reply: FastifyReply, err: unknown): FastifyReply {
  const e = toCoreError(err);
  if (e.code === 'INTERNAL') reply.log.error({ err: e.cause ?? e }, 'internal error');
  return reply.code(MESOS_STATUS[e.code]).type('text/plain; charset=utf-8').send(e.message);
}

/**
 * parseMesosJson parses a request body with the leniency of Mesos's JSON-to-protobuf conversion: an
 * explicit `null` means the field is unset, so nulls are dropped before any validation sees them. A body
 * without the text `null` anywhere has no null to drop and is not walked: after a master failover every agent's
 * REREGISTER (all its tasks) arrives at once, and copying each parsed body was a sixth of the new leader's
 * parsing time (bench/results/masterFailover.md).
 */
export function parseMesosJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CoreError('INVALID', `Failed to parse body into JSON: ${(err as Error).message}`);
  }
  return text.includes('null') ? dropNulls(value) : value;
}

function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map(dropNulls);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = dropNulls(v);
    return out;
  }
  return value;
}

/**
 * checkMesosContentType applies Mesos's content negotiation for `/api/v1*`: POST only, a JSON body, and
 * a response type the client accepts. Plateau speaks JSON only; a protobuf-only client gets 415/406.
 */
export function checkMesosContentType(request: FastifyRequest): void {
  const type = request.headers['content-type'];
  if (!type) throw new CoreError('INVALID', 'Expecting \'Content-Type\' to be present');
  const mime = type.split(';')[0]?.trim().toLowerCase();
  if (mime !== 'application/json') {
    throw Object.assign(new CoreError('UNSUPPORTED', `Expecting 'Content-Type' of application/json${mime === 'application/x-protobuf' ? ' (Plateau does not speak protobuf)' : ''}`), { status: 415 });
  }
  if (!acceptsJson(request.headers.accept)) {
    throw Object.assign(new CoreError('UNSUPPORTED', 'Expecting \'Accept\' to allow application/json'), { status: 406 });
  }
}

/** acceptsJson says whether an Accept header allows a JSON answer (absent means anything). */
export function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((part) => {
    const [mime, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q && Number(q.slice(2)) === 0) return false;
    return mime === 'application/json' || mime === '*/*' || mime === 'application/*';
  });
}

/** statusOf picks the HTTP status for an error, honouring a specific status attached to it (415, 406). */
export function statusOf(err: unknown): number {
  const explicit = (err as { status?: number } | null)?.status;
  if (typeof explicit === 'number') return explicit;
  return MESOS_STATUS[toCoreError(err).code];
}

/**
 * RecordIoSink streams events as RecordIO over a hijacked chunked response: the SUBSCRIBE answer of
 * the scheduler and operator APIs, and the agent link. `onClose` fires once when either side ends it.
 */
export class RecordIoSink<E> implements EventSink<E> {
  private ended = false;

  /** The 200 header (with `headers` such as `Mesos-Stream-Id`) goes out with the first event, so a request that fails validation can still be answered with an error status. */
  constructor(
    private readonly res: ServerResponse,
    private readonly headers: Record<string, string>,
    private readonly onClose: () => void,
  ) {
    res.on('close', () => this.finish());
  }

  send(event: E): void {
    if (this.ended) return;
    if (!this.res.headersSent) this.res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache', ...this.headers });
    // One string, framed as RecordIO (`<bytes>\n<json>`): Node encodes it once on the way to the socket, where
    // encodeRecord's two encodings and a copy cost the new leader of a failover a few percent over a thousand REGISTEREDs.
    const json = JSON.stringify(event);
    this.res.write(`${Buffer.byteLength(json)}\n${json}`);
  }

  /** fail answers with an error instead of a stream; only possible before the first event. */
  fail(status: number, message: string): void {
    if (this.ended) return;
    if (!this.res.headersSent) {
      this.res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
      this.res.end(message);
    } else this.res.end();
    this.ended = true;
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.res.end();
    this.onClose();
  }

  get closed(): boolean {
    return this.ended;
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.onClose();
  }
}

/** sendJson writes a JSON body, wrapped in `cb(...)` when the request asks for it with `?jsonp=cb`, as Mesos's read-only endpoints allow. */
export function sendJson(request: FastifyRequest, reply: FastifyReply, body: unknown): FastifyReply {
  const jsonp = (request.query as Record<string, string | undefined>).jsonp;
  if (jsonp && /^[A-Za-z_$][\w$.]*$/.test(jsonp)) {
    return reply.type('text/javascript').send(`${jsonp}(${JSON.stringify(body)})`);
  }
  return reply.type('application/json').send(JSON.stringify(body));
}
