/**
 * Mesos-run health checks (`src/checks/health_checker.cpp`): the agent probes a task's `TaskInfo.health_check`
 * (HTTP, TCP or COMMAND) on a timer and reports each change of health as a TASK_RUNNING update carrying
 * `healthy`. Failures inside the grace period are ignored until the first success; after
 * `consecutive_failures` failures outside it the task is killed. The probes themselves go through `HealthProbe`.
 */
import type { Clock, TimerHandle } from '../common/clock.js';

/** HealthProbe runs one check attempt; each method resolves when the check passes and rejects with the cause otherwise. */
export interface HealthProbe {
  http(target: { scheme: string; host: string; port: number; path: string }, timeoutMs: number): Promise<void>;
  tcp(target: { host: string; port: number }, timeoutMs: number): Promise<void>;
  command(command: string, cwd: string, env: Record<string, string>, timeoutMs: number): Promise<void>;
}

/** HealthCheckSpec is a `TaskInfo.health_check` with Mesos's defaults filled in, in milliseconds. */
export interface HealthCheckSpec {
  type: 'HTTP' | 'TCP' | 'COMMAND';
  delayMs: number;
  intervalMs: number;
  timeoutMs: number;
  consecutiveFailures: number;
  gracePeriodMs: number;
  http?: { scheme: string; port: number; path: string };
  tcp?: { port: number };
  command?: string;
}

/**
 * parseHealthCheck reads a `TaskInfo.health_check` as Mesos does, with its defaults (delay 15 s, interval 10 s,
 * timeout 20 s, 3 consecutive failures, grace 10 s); it throws on a check the agent cannot run, so the launch fails visibly.
 */
export function parseHealthCheck(raw: Record<string, unknown>): HealthCheckSpec {
  const num = (name: string, fallback: number): number => (typeof raw[name] === 'number' ? (raw[name] as number) : fallback);
  const spec = {
    delayMs: num('delay_seconds', 15) * 1000,
    intervalMs: num('interval_seconds', 10) * 1000,
    timeoutMs: num('timeout_seconds', 20) * 1000,
    consecutiveFailures: num('consecutive_failures', 3),
    gracePeriodMs: num('grace_period_seconds', 10) * 1000,
  };
  const type = raw.type ?? (raw.http ? 'HTTP' : raw.tcp ? 'TCP' : raw.command ? 'COMMAND' : undefined);
  if (type === 'HTTP') {
    const http = (raw.http ?? {}) as { scheme?: string; port?: number; path?: string };
    if (typeof http.port !== 'number') throw new Error('HTTP health check has no port');
    return { type, ...spec, http: { scheme: http.scheme ?? 'http', port: http.port, path: http.path ?? '/' } };
  }
  if (type === 'TCP') {
    const tcp = (raw.tcp ?? {}) as { port?: number };
    if (typeof tcp.port !== 'number') throw new Error('TCP health check has no port');
    return { type, ...spec, tcp: { port: tcp.port } };
  }
  if (type === 'COMMAND') {
    const command = (raw.command ?? {}) as { value?: string };
    if (!command.value) throw new Error('COMMAND health check has no command');
    return { type, ...spec, command: command.value };
  }
  throw new Error(`Unsupported health check type '${String(type)}'`);
}

/** HealthCheckerOptions are one task's check, where to run it, and what to do with its results. */
export interface HealthCheckerOptions {
  spec: HealthCheckSpec;
  clock: Clock;
  probe: HealthProbe;
  /** hosts are tried in order for HTTP and TCP checks (loopback, then the agent's ip); the check passes if any answers. */
  hosts: readonly string[];
  sandboxDir: string;
  env: Record<string, string>;
  /** onHealthChanged reports a change of health (and the first result); the agent sends it as a TASK_RUNNING update. */
  onHealthChanged(healthy: boolean, cause: string | undefined): void;
  /** onUnhealthy asks for the task to be killed after too many consecutive failures; called at most once. */
  onUnhealthy(message: string): void;
}

/** TaskHealthChecker runs one task's health check until disposed; its timer is the only resource it owns. */
export class TaskHealthChecker {
  private timer: TimerHandle | undefined;
  private disposed = false;
  private readonly startedAt: number;
  private healthy: boolean | undefined;
  private succeeded = false;
  private failures = 0;

  constructor(private readonly options: HealthCheckerOptions) {
    this.startedAt = options.clock.now();
    this.timer = options.clock.setTimeout(() => void this.run(), options.spec.delayMs);
  }

  private async run(): Promise<void> {
    if (this.disposed) return;
    const { spec, probe, hosts } = this.options;
    let cause: string | undefined;
    if (spec.command !== undefined) {
      cause = await probe.command(spec.command, this.options.sandboxDir, this.options.env, spec.timeoutMs).then(
        () => undefined,
        (err: Error) => err.message,
      );
    } else {
      for (const host of hosts) {
        const attempt = spec.http ? probe.http({ ...spec.http, host }, spec.timeoutMs) : probe.tcp({ host, port: spec.tcp?.port ?? 0 }, spec.timeoutMs);
        cause = await attempt.then(
          () => undefined,
          (err: Error) => err.message,
        );
        if (cause === undefined) break;
      }
    }
    if (this.disposed) return;
    if (cause === undefined) {
      this.succeeded = true;
      this.failures = 0;
      this.report(true, undefined);
    } else if (this.succeeded || this.options.clock.now() - this.startedAt >= spec.gracePeriodMs) {
      this.failures++;
      this.report(false, cause);
      if (spec.consecutiveFailures > 0 && this.failures >= spec.consecutiveFailures) {
        this.dispose();
        this.options.onUnhealthy(`Task was killed since health check failed ${this.failures} times consecutively: ${cause}`);
        return;
      }
    }
    this.timer = this.options.clock.setTimeout(() => void this.run(), spec.intervalMs);
  }

  private report(healthy: boolean, cause: string | undefined): void {
    if (this.healthy === healthy) return;
    this.healthy = healthy;
    this.options.onHealthChanged(healthy, cause);
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.cancel();
    this.timer = undefined;
  }
}
