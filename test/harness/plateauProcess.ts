import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '../../bin/plateau.js');

/** PlateauProcess is one `plateau` command run as a real OS process by a test. */
export interface PlateauProcess {
  proc: ChildProcess;
  url: string;
  output(): string;
  /** kill sends `signal` and resolves when the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const live = new Set<ChildProcess>();

/** LISTENING matches the line a master or agent prints once it serves. */
const LISTENING = /(?:Master|Agent) listening on (http:\/\/[\d.]+:\d+)/;

/**
 * startPlateau runs `plateau <args>` and resolves once its log prints the URL it listens on (`ready`'s first
 * group), so tests use real processes on loopback with ports chosen by the kernel (`--port=0`). `execArgv` adds Node
 * flags that NODE_OPTIONS refuses (a benchmark's `--cpu-prof`).
 */
export function startPlateau(args: string[], env: NodeJS.ProcessEnv = {}, ready: RegExp = LISTENING, startTimeoutMs = 20_000, execArgv: string[] = []): Promise<PlateauProcess> {
  const proc = spawn(process.execPath, [...execArgv, BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  let out = '';
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`plateau ${args.join(' ')} did not start in ${startTimeoutMs / 1000} s:\n${out}`)), startTimeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolvePromise({
          proc,
          url: m[1] as string,
          output: () => out,
          kill: (signal = 'SIGTERM') =>
            new Promise((done) => {
              if (proc.exitCode !== null || proc.signalCode !== null) return done();
              proc.once('exit', () => done());
              proc.kill(signal);
            }),
        });
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('exit', (code, signal) => {
      live.delete(proc);
      clearTimeout(timer);
      reject(new Error(`plateau ${args.join(' ')} exited (${code ?? signal}) before listening:\n${out}`));
    });
  });
}

/** killAll stops every process a test started and still running (SIGKILL), for `after` hooks. */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...live].map(
      (p) =>
        new Promise<void>((done) => {
          if (p.exitCode !== null || p.signalCode !== null) return done();
          p.once('exit', () => done());
          p.kill('SIGKILL');
        }),
    ),
  );
  live.clear();
}

/** tempDir makes a scratch directory removed by the returned function. */
export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(os.tmpdir(), `plateau-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** processesMatching lists live processes whose command line contains `needle` (from /proc), to assert nothing leaked. */
export async function processesMatching(needle: string): Promise<Array<{ pid: number; cmd: string }>> {
  const { readdir, readFile } = await import('node:fs/promises');
  const out: Array<{ pid: number; cmd: string }> = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0').join(' ').trim();
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state !== 'Z' && cmd.includes(needle) && Number(entry) !== process.pid) out.push({ pid: Number(entry), cmd });
    } catch {
      // The process exited while we looked; it is not running.
    }
  }
  return out;
}

/**
 * assertNothingRunning checks that disposing what a test started left no timer, socket or server in
 * this process (the test runner's own pipe aside), waiting briefly for closes already under way.
 */
export async function assertNothingRunning(timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let left: string[] = [];
  while (Date.now() < deadline) {
    left = process.getActiveResourcesInfo().filter((r) => !['PipeWrap', 'TTYWrap', 'FSReqPromise', 'FSReqCallback'].includes(r));
    // The wait below is itself one Timeout.
    if (left.length === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`still running after dispose: ${left.join(', ')}`);
}
