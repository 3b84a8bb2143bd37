import type { Clock } from '../common/clock.js';
import type { Disposable } from '../common/lifecycle.js';
import type { Rng } from '../common/rng.js';
import type { ConnectionSummary, HttpAnswer, HttpRequest, StreamKind } from '../protocol/console/channel.js';
import type { DemoCluster, DemoOptions } from '../runtime/demoCluster.js';
import type { ClusterConnection, StreamSink } from './clusterConnection.js';
import { RemoteConnection } from './remoteConnection.js';

/**
 * EmbeddedConnection is the demo cluster started inside the console's own process (the README's run command). It
 * starts the cluster, then talks to it exactly as to a remote one, over loopback HTTP: the console has one code path,
 * and what an operator sees in the demo is what a production cluster would show.
 */
export class EmbeddedConnection implements ClusterConnection {
  private constructor(
    private readonly cluster: DemoCluster,
    private readonly remote: RemoteConnection,
  ) {}

  get id(): string {
    return this.remote.id;
  }

  /** start runs the demo cluster and attaches to it. */
  static async start(id: string, name: string, demo: DemoOptions, deps: { clock: Clock; rng: Rng; startDemo: (o: DemoOptions) => Promise<DemoCluster> }): Promise<EmbeddedConnection> {
    const cluster = await deps.startDemo(demo);
    const remote = new RemoteConnection({ id, name, kind: 'embedded', masters: [cluster.masterUrl], marathon: cluster.marathonUrl, clock: deps.clock, rng: deps.rng });
    await remote.start();
    return new EmbeddedConnection(cluster, remote);
  }

  summary(): ConnectionSummary {
    return this.remote.summary();
  }
  onChange(fn: (summary: ConnectionSummary) => void): Disposable {
    return this.remote.onChange(fn);
  }
  request(req: Omit<HttpRequest, 'connectionId'>): Promise<HttpAnswer> {
    return this.remote.request(req);
  }
  openStream(kind: StreamKind, sink: StreamSink): Disposable {
    return this.remote.openStream(kind, sink);
  }
  reconnect(): void {
    this.remote.reconnect();
  }

  async dispose(): Promise<void> {
    await this.remote.dispose();
    await this.cluster.dispose();
  }
}
