import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import type { HealthProbe } from '../agent/healthChecker.js';

/**
 * NodeHealthProbe is the real `HealthProbe`: Node's `fetch` for HTTP(S) checks (2xx and 3xx pass, as in Mesos),
 * a socket connect for TCP, and `/bin/sh -c` in the sandbox with the task's environment for COMMAND checks.
 */
export class NodeHealthProbe implements HealthProbe {
  async http(target: { scheme: string; host: string; port: number; path: string }, timeoutMs: number): Promise<void> {
    const path = target.path.startsWith('/') ? target.path : `/${target.path}`;
    const url = `${target.scheme}://${target.host}:${target.port}${path}`;
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    } catch (err) {
      const e = err as Error & { cause?: Error };
      throw new Error(e.name === 'TimeoutError' ? `${url} timed out after ${timeoutMs} ms` : `${url}: ${e.cause?.message ?? e.message}`);
    }
    await response.body?.cancel().catch(() => undefined);
    if (response.status < 200 || response.status >= 400) throw new Error(`${url} answered ${response.status}`);
  }

  tcp(target: { host: string; port: number }, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: target.host, port: target.port });
      socket.setTimeout(timeoutMs, () => {
        socket.destroy();
        reject(new Error(`connecting to ${target.host}:${target.port} timed out after ${timeoutMs} ms`));
      });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', (err) => reject(new Error(`connecting to ${target.host}:${target.port}: ${err.message}`)));
    });
  }

  command(command: string, cwd: string, env: Record<string, string>, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', command], { cwd, env, stdio: 'ignore', detached: true });
      const timer = setTimeout(() => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
        reject(new Error(`command timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new Error(signal ? `command was killed by ${signal}` : `command exited with status ${String(code)}`));
      });
    });
  }
}
