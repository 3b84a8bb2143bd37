import type { Disposable } from '../../core/common/lifecycle.js';
import type { AppendFile, ContainerFiles } from '../../core/containerizer/docker/containerFiles.js';
import type {
  ContainerCreateBody,
  ContainerDetails,
  ContainerSummary,
  ContainerWait,
  DockerClient,
  DockerStats,
  DockerVersion,
  LogFollowOptions,
} from '../../core/containerizer/docker/dockerClient.js';

interface FakeContainer {
  id: string;
  body: ContainerCreateBody;
  running: boolean;
  exitCode: number;
  oomKilled: boolean;
  finishedAt?: number;
  waiters: Array<(code: number) => void>;
  followers: Set<LogFollowOptions>;
  logs: Array<{ stream: 'stdout' | 'stderr'; timestamp: string; data: Uint8Array }>;
}

/**
 * FakeDocker is an in-memory `DockerClient` (Nomad's `drivers/mock` in spirit): containers exist as records, "run"
 * until `exit()` is called, and log what `log()` is given, so containerizer policy can be tested on a `FakeClock`.
 */
export class FakeDocker implements DockerClient {
  readonly endpoint = 'fake://docker';
  readonly containers = new Map<string, FakeContainer>();
  readonly images = new Set<string>(['busybox']);
  readonly calls: string[] = [];
  disposed = false;
  private next = 1;

  async version(): Promise<DockerVersion> {
    return { version: 'fake', apiVersion: '1.41' };
  }
  async hasImage(image: string): Promise<boolean> {
    return this.images.has(image);
  }
  async pullImage(image: string): Promise<void> {
    this.calls.push(`pull ${image}`);
    throw new Error('registry unreachable');
  }
  async createContainer(body: ContainerCreateBody): Promise<string> {
    this.calls.push(`create ${body.name}`);
    if (!this.images.has(body.Image)) throw Object.assign(new Error(`No such image: ${body.Image}`), { statusCode: 404 });
    const id = `docker-${this.next++}`;
    this.containers.set(id, { id, body, running: false, exitCode: 0, oomKilled: false, waiters: [], followers: new Set(), logs: [] });
    return id;
  }
  async startContainer(id: string): Promise<void> {
    this.calls.push(`start ${id}`);
    this.get(id).running = true;
  }
  async inspectContainer(idOrName: string): Promise<ContainerDetails | undefined> {
    const c = this.containers.get(idOrName) ?? [...this.containers.values()].find((x) => x.body.name === idOrName);
    if (!c) return undefined;
    const state = { status: c.running ? 'running' : 'exited', running: c.running, pid: c.running ? 4242 : 0, exitCode: c.exitCode, oomKilled: c.oomKilled, error: '', startedAt: 1 };
    return { id: c.id, name: c.body.name, labels: c.body.Labels ?? {}, state: c.finishedAt !== undefined ? { ...state, finishedAt: c.finishedAt } : state };
  }
  async listContainers(labels: Record<string, string | true>): Promise<ContainerSummary[]> {
    return [...this.containers.values()]
      .filter((c) => Object.entries(labels).every(([k, v]) => (v === true ? k in (c.body.Labels ?? {}) : c.body.Labels?.[k] === v)))
      .map((c) => ({ id: c.id, names: [c.body.name], labels: c.body.Labels ?? {}, state: c.running ? 'running' : 'exited' }));
  }
  waitContainer(id: string): ContainerWait {
    const c = this.get(id);
    let dispose = (): void => undefined;
    const exited = new Promise<number>((resolve, reject) => {
      if (!c.running) return resolve(c.exitCode);
      c.waiters.push(resolve);
      dispose = () => reject(new Error('aborted'));
    });
    exited.catch(() => undefined);
    return { exited, dispose: () => dispose() };
  }
  async stopContainer(id: string, timeoutSecs: number): Promise<void> {
    this.calls.push(`stop ${id} ${timeoutSecs}`);
    if (this.containers.get(id)?.running) this.exit(id, 143);
  }
  async removeContainer(id: string): Promise<void> {
    this.calls.push(`remove ${id}`);
    this.containers.delete(id);
  }
  followLogs(id: string, options: LogFollowOptions): Disposable {
    const c = this.get(id);
    const sinceKey = options.since;
    for (const r of c.logs) if (sinceKey === undefined || r.timestamp >= isoOf(sinceKey)) options.onRecord(r);
    if (!c.running) {
      options.onEnd();
      return { dispose: () => undefined };
    }
    c.followers.add(options);
    return { dispose: () => void c.followers.delete(options) };
  }
  async stats(): Promise<DockerStats> {
    return { cpu_stats: { cpu_usage: { usage_in_usermode: 2e9, usage_in_kernelmode: 5e8 }, throttling_data: { periods: 10, throttled_periods: 3, throttled_time: 1e8 } }, memory_stats: { usage: 1000, limit: 2000, stats: { total_rss: 600, total_cache: 300 } }, pids_stats: { current: 2 } };
  }
  dispose(): void {
    this.disposed = true;
  }

  /** log appends a message to a container's log, delivering it to followers. */
  log(id: string, stream: 'stdout' | 'stderr', text: string, timestamp: string): void {
    const c = this.get(id);
    const record = { stream, timestamp, data: new TextEncoder().encode(text) };
    c.logs.push(record);
    for (const f of c.followers) f.onRecord(record);
  }

  /** exit ends a running container with `code`, ending its log streams and waits. */
  exit(id: string, code: number, oomKilled = false, finishedAt = 2): void {
    const c = this.get(id);
    c.running = false;
    c.exitCode = code;
    c.oomKilled = oomKilled;
    c.finishedAt = finishedAt;
    for (const f of c.followers) f.onEnd();
    c.followers.clear();
    for (const w of c.waiters.splice(0)) w(code);
  }

  byName(name: string): FakeContainer | undefined {
    return [...this.containers.values()].find((c) => c.body.name === name);
  }

  private get(id: string): FakeContainer {
    const c = this.containers.get(id);
    if (!c) throw Object.assign(new Error(`No such container: ${id}`), { statusCode: 404 });
    return c;
  }
}

function isoOf(since: string): string {
  const [s, n] = since.split('.');
  return `${new Date(Number(s) * 1000).toISOString().slice(0, 19)}.${(n ?? '0').padStart(9, '0')}Z`;
}

/** MemoryFiles is an in-memory `ContainerFiles`. */
export class MemoryFiles implements ContainerFiles {
  readonly files = new Map<string, string>();
  async readText(path: string): Promise<string | undefined> {
    return this.files.get(path);
  }
  async writeText(path: string, text: string): Promise<void> {
    this.files.set(path, text);
  }
  async exists(path: string): Promise<boolean> {
    return this.files.has(path);
  }
  openAppend(path: string): AppendFile {
    return {
      write: (data) => this.files.set(path, (this.files.get(path) ?? '') + new TextDecoder().decode(data)),
      close: async () => undefined,
    };
  }
}
