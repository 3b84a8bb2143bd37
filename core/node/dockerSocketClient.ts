import http from 'node:http';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import type { Disposable } from '../common/lifecycle.js';
import type {
  ContainerCreateBody,
  ContainerDetails,
  ContainerState,
  ContainerSummary,
  ContainerWait,
  DockerClient,
  DockerStats,
  DockerVersion,
  LogFollowOptions,
} from '../containerizer/docker/dockerClient.js';

/** DEFAULT_DOCKER_SOCKET is Mesos's `--docker_socket` default. */
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/** DockerEndpoint is where a daemon listens: a Unix socket, or plain-HTTP TCP (`tcp://host:port`). */
export type DockerEndpoint = { socketPath: string } | { host: string; port: number };

/**
 * dockerEndpoint picks the daemon to talk to the way Mesos and the docker CLI would together: an explicit
 * `--docker_socket` (anything but the default) wins; otherwise `DOCKER_HOST` (`unix:///path` or `tcp://host:port`)
 * when set; otherwise the default socket. TLS endpoints (`DOCKER_TLS_VERIFY`) are not supported.
 */
export function dockerEndpoint(dockerSocket: string | undefined, dockerHost: string | undefined): DockerEndpoint {
  if (dockerSocket !== undefined && dockerSocket !== '' && dockerSocket !== DEFAULT_DOCKER_SOCKET) return { socketPath: dockerSocket.replace(/^unix:\/\//, '') };
  if (dockerHost !== undefined && dockerHost !== '') {
    if (dockerHost.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) || DEFAULT_DOCKER_SOCKET };
    const url = new URL(dockerHost.includes('://') ? dockerHost.replace(/^tcp:/, 'http:') : `http://${dockerHost}`);
    if (url.protocol !== 'http:') throw new Error(`Unsupported DOCKER_HOST '${dockerHost}': expected unix:///path or tcp://host:port`);
    return { host: url.hostname, port: Number(url.port || 2375) };
  }
  return { socketPath: DEFAULT_DOCKER_SOCKET };
}

/** describeEndpoint renders an endpoint as `unix:///path` or `tcp://host:port`. */
export function describeEndpoint(endpoint: DockerEndpoint): string {
  return 'socketPath' in endpoint ? `unix://${endpoint.socketPath}` : `tcp://${endpoint.host}:${endpoint.port}`;
}

/**
 * DockerSocketClient is the real `DockerClient`: dockerode over the daemon's socket, with one keep-alive HTTP agent
 * of its own (launches reuse connections; `dispose` closes them) and every long-lived request — waits, log streams,
 * pulls — owned and aborted on `dispose`.
 */
export class DockerSocketClient implements DockerClient {
  readonly endpoint: string;
  private readonly agent = new http.Agent({ keepAlive: true });
  private readonly docker: Docker;
  private readonly pending = new Set<AbortController>();
  private readonly streams = new Set<Readable>();
  private disposed = false;

  constructor(endpoint: DockerEndpoint, private readonly requestTimeoutMs = 30_000) {
    this.endpoint = describeEndpoint(endpoint);
    this.docker = new Docker({ ...endpoint, ...('host' in endpoint ? { protocol: 'http' as const } : {}), agent: this.agent } as unknown as Docker.DockerOptions);
  }

  async version(): Promise<DockerVersion> {
    const version = this.docker.version as unknown as (opts: { abortSignal: AbortSignal }) => Promise<Docker.DockerVersion>;
    const v = await version.call(this.docker, { abortSignal: AbortSignal.timeout(Math.min(this.requestTimeoutMs, 5000)) });
    return { version: v.Version, apiVersion: v.ApiVersion };
  }

  async hasImage(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect({ abortSignal: this.timeout() } as Docker.ImageInspectOptions);
      return true;
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw err;
    }
  }

  pullImage(image: string): Promise<void> {
    return this.owned(async (signal) => {
      const stream = (await this.docker.pull(image, { abortSignal: signal })) as Readable;
      this.streams.add(stream);
      try {
        const output = await new Promise<Array<Record<string, unknown>>>((resolve, reject) => this.docker.modem.followProgress(stream, (err: Error | null, out: Array<Record<string, unknown>>) => (err ? reject(err) : resolve(out))));
        const failed = output.find((o) => o.error !== undefined || o.errorDetail !== undefined);
        if (failed) throw new Error(String(failed.error ?? (failed.errorDetail as { message?: string } | undefined)?.message ?? 'pull failed'));
      } finally {
        this.streams.delete(stream);
      }
    });
  }

  async createContainer(body: ContainerCreateBody): Promise<string> {
    const container = await this.docker.createContainer({ ...body, abortSignal: this.timeout() } as Docker.ContainerCreateOptions);
    return container.id;
  }

  async startContainer(id: string): Promise<void> {
    await this.docker.getContainer(id).start({ abortSignal: this.timeout() });
  }

  async inspectContainer(idOrName: string): Promise<ContainerDetails | undefined> {
    try {
      const info = await this.docker.getContainer(idOrName).inspect({ abortSignal: this.timeout() });
      const state: ContainerState = {
        status: info.State.Status,
        running: info.State.Running,
        pid: info.State.Pid,
        exitCode: info.State.ExitCode,
        oomKilled: info.State.OOMKilled,
        error: info.State.Error ?? '',
      };
      const startedAt = dockerTime(info.State.StartedAt);
      const finishedAt = dockerTime(info.State.FinishedAt);
      if (startedAt !== undefined) state.startedAt = startedAt;
      if (finishedAt !== undefined) state.finishedAt = finishedAt;
      const details: ContainerDetails = { id: info.Id, name: info.Name.replace(/^\//, ''), labels: info.Config.Labels ?? {}, state };
      const ip = (info.NetworkSettings as { IPAddress?: string } | undefined)?.IPAddress;
      if (ip) details.ipAddress = ip;
      return details;
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  async listContainers(labels: Record<string, string | true>): Promise<ContainerSummary[]> {
    const label = Object.entries(labels).map(([k, v]) => (v === true ? k : `${k}=${v}`));
    const list = await this.docker.listContainers({ all: true, filters: { label }, abortSignal: this.timeout() });
    return list.map((c) => ({ id: c.Id, names: c.Names.map((n) => n.replace(/^\//, '')), labels: c.Labels ?? {}, state: c.State }));
  }

  waitContainer(id: string): ContainerWait {
    const controller = new AbortController();
    const exited = this.owned(async (signal) => {
      const result = (await this.docker.getContainer(id).wait({ condition: 'not-running', abortSignal: signal })) as { StatusCode: number };
      return result.StatusCode;
    }, controller);
    exited.catch(() => undefined);
    return { exited, dispose: () => controller.abort() };
  }

  async stopContainer(id: string, timeoutSecs: number): Promise<void> {
    try {
      await this.owned((signal) => this.docker.getContainer(id).stop({ t: timeoutSecs, abortSignal: signal }));
    } catch (err) {
      // 304: already stopped; 404: already gone. Either way it is not running, which is what was asked.
      if (statusOf(err) === 304 || statusOf(err) === 404) return;
      throw err;
    }
  }

  async removeContainer(id: string, force = false): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ v: true, force, abortSignal: this.timeout() });
    } catch (err) {
      // 404: gone already; 409 with "already in progress": another removal is under way.
      if (statusOf(err) === 404 || (statusOf(err) === 409 && /in progress/i.test(String((err as Error).message)))) return;
      throw err;
    }
  }

  followLogs(id: string, options: LogFollowOptions): Disposable {
    const controller = new AbortController();
    let stream: Readable | undefined;
    let ended = false;
    const end = (err?: Error) => {
      if (ended) return;
      ended = true;
      if (stream) this.streams.delete(stream);
      this.pending.delete(controller);
      options.onEnd(err);
    };
    this.pending.add(controller);
    const query = { follow: true as const, stdout: true, stderr: true, timestamps: true, ...(options.since !== undefined ? { since: options.since } : {}), abortSignal: controller.signal };
    this.docker
      .getContainer(id)
      .logs(query as unknown as Docker.ContainerLogsOptions & { follow: true })
      .then(
        (s) => {
          stream = s as unknown as Readable;
          if (ended || this.disposed) {
            stream.destroy();
            end();
            return;
          }
          this.streams.add(stream);
          const demux = new LogDemuxer(options.onRecord);
          stream.on('data', (chunk: Buffer) => demux.push(chunk));
          stream.on('error', (err: Error) => end(controller.signal.aborted ? undefined : err));
          stream.on('end', () => end());
          stream.on('close', () => end());
        },
        (err: Error) => end(controller.signal.aborted ? undefined : err),
      );
    return {
      dispose: () => {
        controller.abort();
        stream?.destroy();
        end();
      },
    };
  }

  async stats(id: string): Promise<DockerStats> {
    // `one-shot` (API 1.41+) answers at once instead of waiting a second for a CPU delta the caller does not need.
    return (await this.docker.getContainer(id).stats({ stream: false, 'one-shot': true, abortSignal: this.timeout() } as unknown as { stream: false })) as unknown as DockerStats;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const c of this.pending) c.abort();
    this.pending.clear();
    for (const s of this.streams) s.destroy();
    this.streams.clear();
    this.agent.destroy();
  }

  private timeout(): AbortSignal {
    return AbortSignal.timeout(this.requestTimeoutMs);
  }

  /** owned runs a request that may outlive the default timeout (waits, stops, pulls) but must end with the client. */
  private async owned<T>(run: (signal: AbortSignal) => Promise<T>, controller = new AbortController()): Promise<T> {
    if (this.disposed) throw new Error('Docker client disposed');
    this.pending.add(controller);
    try {
      return await run(controller.signal);
    } finally {
      this.pending.delete(controller);
    }
  }
}

/**
 * LogDemuxer splits Docker's multiplexed log stream (8-byte headers: stream type, 3 zero bytes, big-endian length)
 * into records and the `timestamps=1` prefix off each message.
 */
class LogDemuxer {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly onRecord: LogFollowOptions['onRecord']) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 8) {
      const size = this.buffer.readUInt32BE(4);
      if (this.buffer.length < 8 + size) break;
      const kind = this.buffer[0];
      const payload = this.buffer.subarray(8, 8 + size);
      this.buffer = this.buffer.subarray(8 + size);
      const space = payload.indexOf(0x20);
      const timestamp = space > 0 ? payload.subarray(0, space).toString('latin1') : '';
      this.onRecord({ stream: kind === 2 ? 'stderr' : 'stdout', timestamp, data: space > 0 ? payload.subarray(space + 1) : payload });
    }
  }
}

function statusOf(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null ? (err as { statusCode?: number }).statusCode : undefined;
}

/** dockerTime turns Docker's RFC 3339 time into epoch milliseconds; its zero time (`0001-01-01...`) is undefined. */
function dockerTime(text: string | undefined): number | undefined {
  if (!text || text.startsWith('0001-')) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
