import http from 'node:http';
import https from 'node:https';
import type { Clock, TimerHandle } from '../../common/clock.js';
import type { AppDefinition, ReadinessCheck } from '../../protocol/marathon/appDefinition.js';
import { portNames } from '../../protocol/marathon/appDefinition.js';
import type { ReadinessCheckResult } from '../../protocol/marathon/outputs.js';
import { isHealthy, isMesosRunCheck, type InstanceRecord } from './instanceRecord.js';

/** ReadinessProbe performs one readiness request; injected so tests could count, real by default. */
export type ReadinessProbe = (check: ReadinessCheck, host: string, port: number) => Promise<{ status: number; contentType: string; body: string } | undefined>;

/**
 * ReadinessRunner runs Marathon's readiness checks: during a deployment, a new instance that is
 * running (and healthy, if the app has health checks) is probed every `intervalSeconds` until one of
 * `httpStatusCodesForReady` comes back; only then does the deployment count it as replacing an old
 * instance. Checks stop once an instance is ready or leaves the deployment.
 */
export class ReadinessRunner {
  private readonly timers = new Map<string, TimerHandle>();

  constructor(
    private readonly clock: Clock,
    /** onResult hears every round of an instance's checks; `instance.ready` says whether it passed them all. */
    private readonly onResult: (instance: InstanceRecord) => void,
    private readonly probe: ReadinessProbe = realReadinessProbe,
  ) {}

  /** sync starts checks for the new, running instances of `deploying` apps and stops the rest. */
  sync(deploying: AppDefinition[], instancesOf: (appId: string) => InstanceRecord[]): void {
    const live = new Set<string>();
    for (const app of deploying) {
      if (app.readinessChecks.length === 0) continue;
      const hc = app.healthChecks.filter((h) => ['HTTP', 'HTTPS', 'TCP'].includes(h.protocol)).length;
      const mesos = app.healthChecks.some(isMesosRunCheck);
      for (const i of instancesOf(app.id)) {
        if (i.ready || i.goal !== 'Running' || i.runSpecVersion !== app.version || !isHealthy(i, hc, mesos)) continue;
        live.add(i.instanceId);
        if (this.timers.has(i.instanceId)) continue;
        const interval = Math.min(...app.readinessChecks.map((c) => c.intervalSeconds)) * 1000;
        const run = () => void this.check(app, i).finally(() => {
          if (this.timers.has(i.instanceId) && !i.ready) this.timers.set(i.instanceId, this.clock.setTimeout(run, interval));
          else this.timers.delete(i.instanceId);
        });
        this.timers.set(i.instanceId, this.clock.setTimeout(run, 0));
      }
    }
    for (const [id, t] of this.timers) {
      if (!live.has(id)) {
        t.cancel();
        this.timers.delete(id);
      }
    }
  }

  private async check(app: AppDefinition, i: InstanceRecord): Promise<void> {
    const names = portNames(app);
    const results: ReadinessCheckResult[] = [];
    for (const check of app.readinessChecks) {
      const port = i.hostPorts[names.indexOf(check.portName)];
      const response = port === undefined ? undefined : await this.probe(check, i.hostname ?? '127.0.0.1', port);
      const ready = response !== undefined && check.httpStatusCodesForReady.includes(response.status);
      results.push({ name: check.name, taskId: i.taskId, ready, ...(check.preserveLastResponse && response ? { lastResponse: response } : {}) });
    }
    i.readiness = results;
    if (results.every((r) => r.ready)) i.ready = true;
    this.onResult(i);
  }

  dispose(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }
}

/** realReadinessProbe GETs the check's path and returns the status, content type and body (truncated). */
export function realReadinessProbe(check: ReadinessCheck, host: string, port: number): Promise<{ status: number; contentType: string; body: string } | undefined> {
  const lib = check.protocol === 'HTTPS' ? https : http;
  return new Promise((resolve) => {
    const req = lib.get({ host, port, path: check.path, timeout: check.timeoutSeconds * 1000, rejectUnauthorized: false, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (body.length < 4096) body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body }));
      res.on('error', () => resolve(undefined));
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', () => resolve(undefined));
  });
}
