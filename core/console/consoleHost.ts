import type { Clock } from '../common/clock.js';
import { CoreError } from '../common/errors.js';
import type { Disposable } from '../common/lifecycle.js';
import type { Rng } from '../common/rng.js';
import {
  CHANNEL_VERSION,
  parseConsoleRequest,
  type ConnectionSpec,
  type ConnectionSummary,
  type ConsoleError,
  type ConsoleMessage,
  type ConsoleRequest,
} from '../protocol/console/channel.js';
import type { ClusterConnection } from './clusterConnection.js';
import { describe } from './describeError.js';
import { RemoteConnection } from './remoteConnection.js';

/** ConsoleClient is one renderer attached to the host (an Electron window, or a browser tab over a WebSocket). */
export interface ConsoleClient {
  send(message: ConsoleMessage): void;
}

/** ConsoleHostDeps are what the host needs from its environment. */
export interface ConsoleHostDeps {
  clock: Clock;
  rng: Rng;
  host: 'electron' | 'browser';
  /** openEmbedded starts the in-process demo cluster; absent where the host cannot run one. */
  openEmbedded?: (id: string, spec: Extract<ConnectionSpec, { kind: 'embedded' }>) => Promise<ClusterConnection>;
  log?: (message: string) => void;
  /** remember is told about remote connections opened and closed, so a desktop host can restore them next time. */
  remember?: { opened(id: string, spec: Extract<ConnectionSpec, { kind: 'remote' }>): void; closed(id: string): void };
}

/**
 * ConsoleHost owns the cluster connections and the live streams renderers asked for, and answers the channel
 * contract. Electron's main process and `plateau console` both wrap one; neither transport adds behaviour. Every
 * request is validated here, whatever the transport already checked; streams belong to the client that opened
 * them and close when it goes away.
 */
export class ConsoleHost implements Disposable {
  private readonly connections = new Map<string, { connection: ClusterConnection; watch: Disposable }>();
  private readonly streams = new Map<string, { client: ConsoleClient; connectionId: string; stream: Disposable }>();
  private readonly clients = new Set<ConsoleClient>();
  private embeddedStarting: Promise<ClusterConnection> | undefined;
  private nextId = 1;
  private disposed = false;

  constructor(private readonly deps: ConsoleHostDeps) {}

  /** attach registers a client for pushed messages; disposing the result closes its streams. */
  attach(client: ConsoleClient): Disposable {
    this.clients.add(client);
    return {
      dispose: () => {
        this.clients.delete(client);
        for (const [id, s] of this.streams) {
          if (s.client === client) {
            this.streams.delete(id);
            void s.stream.dispose();
          }
        }
      },
    };
  }

  /** handle answers one raw message from `client`; it never throws. */
  async handle(client: ConsoleClient, raw: unknown): Promise<void> {
    const parsed = parseConsoleRequest(raw);
    if (!parsed.ok) {
      client.send({ kind: 'result', id: parsed.id, ok: false, error: { code: 'INVALID', message: parsed.message } });
      return;
    }
    const { request } = parsed;
    try {
      const result = await this.dispatch(client, request);
      client.send({ kind: 'result', id: request.id, ok: true, result });
    } catch (err) {
      client.send({ kind: 'result', id: request.id, ok: false, error: toConsoleError(err) });
    }
  }

  /** list returns every open connection's summary. */
  list(): ConnectionSummary[] {
    return [...this.connections.values()].map((c) => c.connection.summary());
  }

  /** open attaches to a cluster; at most one embedded cluster runs, and opening it again returns the same one. */
  async open(spec: ConnectionSpec): Promise<ConnectionSummary> {
    if (this.disposed) throw new CoreError('UNAVAILABLE', 'The console is shutting down');
    let connection: ClusterConnection;
    if (spec.kind === 'embedded') {
      const existing = [...this.connections.values()].find((c) => c.connection.summary().kind === 'embedded');
      if (existing) return existing.connection.summary();
      if (!this.deps.openEmbedded) throw new CoreError('UNAVAILABLE', 'This console cannot run an embedded cluster');
      this.embeddedStarting ??= this.deps.openEmbedded(`embedded-${this.nextId++}`, spec).finally(() => (this.embeddedStarting = undefined));
      connection = await this.embeddedStarting;
      if (this.connections.has(connection.id)) return connection.summary();
    } else {
      const remote = new RemoteConnection({ id: `conn-${this.nextId++}`, name: spec.name, masters: spec.masters, ...(spec.marathon ? { marathon: spec.marathon } : {}), ...(spec.zk ? { zk: spec.zk } : {}), ...(spec.credentials ? { credentials: spec.credentials } : {}), ...(spec.caPem ? { caPem: spec.caPem } : {}), clock: this.deps.clock, rng: this.deps.rng });
      await remote.start();
      connection = remote;
      this.deps.remember?.opened(remote.id, spec);
    }
    if (this.disposed) {
      await connection.dispose();
      throw new CoreError('UNAVAILABLE', 'The console is shutting down');
    }
    const watch = connection.onChange(() => this.broadcastConnections());
    this.connections.set(connection.id, { connection, watch });
    this.broadcastConnections();
    return connection.summary();
  }

  /** close detaches from a cluster (stopping the embedded one) and ends its streams. */
  async close(connectionId: string): Promise<void> {
    const entry = this.connections.get(connectionId);
    if (!entry) throw new CoreError('NOT_FOUND', `No connection '${connectionId}'`);
    this.connections.delete(connectionId);
    if (!this.disposed) this.deps.remember?.closed(connectionId);
    for (const [id, s] of this.streams) {
      if (s.connectionId === connectionId) {
        this.streams.delete(id);
        await s.stream.dispose();
      }
    }
    await entry.watch.dispose();
    await entry.connection.dispose();
    this.broadcastConnections();
  }

  /** wake re-opens every stream now: the machine woke from sleep, or the network came back. */
  wake(): void {
    this.deps.log?.('Woke up: reconnecting every cluster');
    for (const { connection } of this.connections.values()) connection.reconnect();
  }

  private connection(id: string): ClusterConnection {
    const entry = this.connections.get(id);
    if (!entry) throw new CoreError('NOT_FOUND', `No connection '${id}'`);
    return entry.connection;
  }

  private async dispatch(client: ConsoleClient, request: ConsoleRequest): Promise<unknown> {
    switch (request.method) {
      case 'hello':
        if (request.params.version !== CHANNEL_VERSION) throw new CoreError('INVALID', `Channel version ${request.params.version} is not supported (this host speaks ${CHANNEL_VERSION})`);
        return { version: CHANNEL_VERSION, host: this.deps.host, connections: this.list() };
      case 'connections.list':
        return this.list();
      case 'connections.open':
        return this.open(request.params.spec);
      case 'connections.close':
        await this.close(request.params.connectionId);
        return null;
      case 'connections.reconnect':
        this.connection(request.params.connectionId).reconnect();
        return null;
      case 'http': {
        const { connectionId, ...rest } = request.params;
        return this.connection(connectionId).request(rest);
      }
      case 'stream.open': {
        const { connectionId, stream: kind } = request.params;
        const connection = this.connection(connectionId);
        const streamId = `s${this.nextId++}`;
        const stream = connection.openStream(kind, {
          data: (data) => client.send({ kind: 'stream', streamId, data }),
          state: (status) => client.send({ kind: 'streamState', streamId, status }),
        });
        this.streams.set(streamId, { client, connectionId, stream });
        return { streamId };
      }
      case 'stream.close': {
        const s = this.streams.get(request.params.streamId);
        if (!s || s.client !== client) throw new CoreError('NOT_FOUND', `No stream '${request.params.streamId}'`);
        this.streams.delete(request.params.streamId);
        await s.stream.dispose();
        return null;
      }
    }
  }

  private broadcastConnections(): void {
    const message: ConsoleMessage = { kind: 'connections', connections: this.list() };
    for (const c of this.clients) c.send(message);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.streams.values()) await s.stream.dispose();
    this.streams.clear();
    await this.embeddedStarting?.catch(() => undefined);
    for (const id of [...this.connections.keys()]) await this.close(id).catch(() => undefined);
    this.clients.clear();
  }
}

function toConsoleError(err: unknown): ConsoleError {
  if (err instanceof CoreError) {
    const code = err.code === 'INVALID' || err.code === 'NOT_FOUND' || err.code === 'UNAVAILABLE' ? err.code : 'INTERNAL';
    return { code, message: err.message };
  }
  return { code: 'INTERNAL', message: describe(err) };
}
