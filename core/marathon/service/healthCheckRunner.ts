import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Clock, TimerHandle } from '../../common/clock.js';
import type { AppDefinition, HealthCheck } from '../../protocol/marathon/appDefinition.js';
import { isoTimestamp } from '../../protocol/marathon/appConfig.js';
import type { InstanceRecord } from './instanceRecord.js';

/** MARATHON_RUN are the health check protocols Marathon runs itself (Mesos runs the others). */
const MARATHON_RUN: ReadonlySet<string> = new Set(['HTTP', 'HTTPS', 'TCP']);

/** HealthVerdict is what one probe found. */
export interface HealthVerdict {
  alive: boolean;
  cause?: string;
}

/** Probe runs one HTTP, HTTPS or TCP check; injected so tests can count probes, real by default. */
export type Probe = (check: HealthCheck, host: string, port: number) => Promise<HealthVerdict>;

/**
 * HealthCheckRunner runs the health checks Marathon itself performs (HTTP, HTTPS, TCP) against
 * running instances: every `intervalSeconds`, each with `timeoutSeconds`; failures inside
 * `gracePeriodSeconds` before the first success do not count; after `maxConsecutiveFailures` the
 * instance is reported for killing. MESOS_* and COMMAND checks run on the agent instead.
 */
export class HealthCheckRunner {
  private readonly timers = new Map<string, TimerHandle>();

  constructor(
    private readonly clock: Clock,
    private readonly onResult: (instance: InstanceRecord, index: number, changed: boolean) => void,
    private readonly onUnhealthy: (instance: InstanceRecord, reason: string) => void,
    private readonly probe: Probe = realProbe,
  ) {}

  /**
   * sync starts checks for newly running instances and stops them for instances that went away. It looks
   * only at the instances of apps with checks Marathon runs, so apps without cost it nothing per instance.
   */
  sync(apps: Map<string, AppDefinition>, instancesOf: (appId: string) => Iterable<InstanceRecord>): void {
    const live = new Set<string>();
    for (const app of apps.values()) {
      if (!app.healthChecks.some((check) => MARATHON_RUN.has(check.protocol))) continue;
      for (const i of instancesOf(app.id)) this.syncInstance(app, i, live);
    }
    for (const [key, t] of this.timers) {
      if (!live.has(key)) {
        t.cancel();
        this.timers.delete(key);
      }
    }
  }

  private syncInstance(app: AppDefinition, i: InstanceRecord, live: Set<string>): void {
    if (i.condition !== 'Running' || i.goal !== 'Running') return;
    app.healthChecks.forEach((check, index) => {
      if (!MARATHON_RUN.has(check.protocol)) return;
      const key = `${i.instanceId}#${index}`;
      live.add(key);
      if (this.timers.has(key)) return;
      const startedAt = i.startedAt ? Date.parse(i.startedAt) : this.clock.now();
      const run = () => void this.check(i, check, index, startedAt).finally(() => {
        if (this.timers.has(key)) this.timers.set(key, this.clock.setTimeout(run, check.intervalSeconds * 1000));
      });
      this.timers.set(key, this.clock.setTimeout(run, 0));
    });
  }

  private async check(i: InstanceRecord, check: HealthCheck, index: number, startedAt: number): Promise<void> {
    const port = check.port ?? i.hostPorts[check.portIndex ?? 0];
    const verdict: HealthVerdict = port === undefined ? { alive: false, cause: 'no port for the health check' } : await this.probe(check, i.hostname ?? '127.0.0.1', port);
    const now = this.clock.now();
    const stamp = isoTimestamp(now);
    const previous = i.health[index];
    const result = previous ?? { alive: false, consecutiveFailures: 0, instanceId: i.instanceId };
    if (verdict.alive) {
      result.alive = true;
      result.consecutiveFailures = 0;
      result.firstSuccess ??= stamp;
      result.lastSuccess = stamp;
    } else {
      const inGrace = !result.firstSuccess && now - startedAt < check.gracePeriodSeconds * 1000;
      result.lastFailure = stamp;
      result.lastFailureCause = verdict.cause;
      if (!inGrace) {
        result.consecutiveFailures++;
        result.alive = false;
      }
    }
    const changed = previous === undefined || previous.alive !== result.alive;
    i.health[index] = result;
    this.onResult(i, index, changed);
    if (!verdict.alive && result.consecutiveFailures >= check.maxConsecutiveFailures && check.maxConsecutiveFailures > 0) {
      this.onUnhealthy(i, `${check.protocol} health check failed ${result.consecutiveFailures} times: ${verdict.cause ?? 'unhealthy'}`);
    }
  }

  dispose(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }
}

/** realProbe performs a check over the network: 2xx and 3xx are healthy for HTTP(S), a connect for TCP. */
export function realProbe(check: HealthCheck, host: string, port: number): Promise<HealthVerdict> {
  const timeoutMs = check.timeoutSeconds * 1000;
  if (check.protocol === 'TCP') {
    return new Promise((resolve) => {
      const socket = net.connect({ host, port, timeout: timeoutMs });
      socket.once('connect', () => {
        socket.destroy();
        resolve({ alive: true });
      });
      socket.once('timeout', () => {
        socket.destroy();
        resolve({ alive: false, cause: `connection to ${host}:${port} timed out` });
      });
      socket.once('error', (err) => resolve({ alive: false, cause: err.message }));
    });
  }
  const lib = check.protocol === 'HTTPS' ? https : http;
  return new Promise((resolve) => {
    const req = lib.get({ host, port, path: check.path ?? '/', timeout: timeoutMs, rejectUnauthorized: false, agent: false }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 400 ? { alive: true } : { alive: false, cause: `HTTP ${code}` });
    });
    req.once('timeout', () => req.destroy(new Error(`no answer within ${check.timeoutSeconds} s`)));
    req.once('error', (err) => resolve({ alive: false, cause: err.message }));
  });
}
