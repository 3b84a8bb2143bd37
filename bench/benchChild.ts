// bench/benchChild.ts runs a benchmark's parts as separate Node processes (as they run in production)
// and talks to them over the IPC channel: the parent side is `BenchChild`, the child side `answerParent`.
// Children die with the benchmark: the parent kills them on exit, and a child whose parent went away
// (IPC disconnect) exits by itself.
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** BenchMessage is one IPC message: a request from the parent, its answer (same `type`), or a notice from the child. */
export type BenchMessage = { type: string } & Record<string, unknown>;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const live = new Set<ChildProcess>();
let exitHook = false;

/**
 * BenchChild is one child process of a benchmark, running a TypeScript entry under tsx; `request` sends a
 * message and resolves with the child's answer of the same type, `on` receives the child's notices.
 */
export class BenchChild {
  private readonly waiting = new Map<string, Array<{ resolve: (m: BenchMessage) => void; reject: (err: Error) => void }>>();
  private readonly listeners = new Map<string, (m: BenchMessage) => void>();
  private exited: Error | undefined;
  private readonly exit: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly proc: ChildProcess,
  ) {
    this.exit = new Promise((done) => {
      proc.once('exit', (code, signal) => {
        live.delete(proc);
        this.exited = new Error(`${name} exited (${code ?? signal})`);
        for (const list of this.waiting.values()) for (const w of list) w.reject(this.exited);
        this.waiting.clear();
        done();
      });
    });
    proc.on('message', (raw) => {
      const m = raw as BenchMessage;
      const w = this.waiting.get(m.type)?.shift();
      if (w) w.resolve(m);
      else this.listeners.get(m.type)?.(m);
    });
  }

  /** start forks `entry` (a path relative to the repository) with `args`; `execArgv` adds Node flags (e.g. `--cpu-prof`). */
  static start(name: string, entry: string, args: string[], execArgv: string[] = []): BenchChild {
    if (!exitHook) {
      exitHook = true;
      process.on('exit', () => {
        for (const p of live) p.kill('SIGKILL');
      });
    }
    const proc = fork(resolve(ROOT, entry), args, { cwd: ROOT, execArgv: ['--import', 'tsx', ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    live.add(proc);
    return new BenchChild(name, proc);
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** next resolves with the child's next message of `type` (sent unasked, e.g. when it is ready). */
  next<T extends BenchMessage>(type: string, timeoutMs = 120_000): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise<T>((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        const list = this.waiting.get(type) ?? [];
        const k = list.indexOf(entry);
        if (k >= 0) list.splice(k, 1);
        reject(new Error(`${this.name} sent no '${type}' within ${timeoutMs} ms`));
      }, timeoutMs);
      const entry = {
        resolve: (m: BenchMessage) => {
          clearTimeout(timer);
          resolvePromise(m as T);
        },
        reject: (err: Error) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      let list = this.waiting.get(type);
      if (!list) this.waiting.set(type, (list = []));
      list.push(entry);
    });
  }

  /** request sends `message` and resolves with the child's answer (the next message of the same type). */
  request<T extends BenchMessage>(message: BenchMessage, timeoutMs?: number): Promise<T> {
    const answer = this.next<T>(message.type, timeoutMs);
    this.proc.send(message);
    return answer;
  }

  /** on hands every unasked message of `type` to `fn`. */
  on(type: string, fn: (m: BenchMessage) => void): void {
    this.listeners.set(type, fn);
  }

  /** stop asks the child to dispose what it runs and exit, and kills it if it has not within `timeoutMs`. */
  async stop(timeoutMs = 20_000): Promise<void> {
    if (this.exited) return;
    if (this.proc.connected) this.proc.send({ type: 'stop' });
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), timeoutMs);
    await this.exit;
    clearTimeout(timer);
  }

  /** kill ends the child at once (after a failure). */
  async kill(): Promise<void> {
    if (this.exited) return;
    this.proc.kill('SIGKILL');
    await this.exit;
  }
}

/**
 * answerParent serves a child's side of the channel: each request goes to the handler of its type and
 * the handler's result is sent back under the same type; `stop` runs `dispose` and exits. A child whose
 * parent has gone exits at once, so a failed benchmark leaves nothing running.
 */
export function answerParent(handlers: Record<string, (m: BenchMessage) => unknown>, dispose: () => Promise<void>): void {
  process.on('disconnect', () => process.exit(1));
  process.on('message', (raw) => {
    const m = raw as BenchMessage;
    if (m.type === 'stop') {
      dispose().then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`dispose failed: ${String(err)}\n`);
          process.exit(1);
        },
      );
      return;
    }
    const handler = handlers[m.type];
    if (!handler) return;
    Promise.resolve()
      .then(() => handler(m))
      .then(
        (out) => tell({ ...(out as Record<string, unknown>), type: m.type }),
        (err: unknown) => {
          process.stderr.write(`${m.type} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
          process.exit(1);
        },
      );
  });
}

/** tell sends a notice (or an answer) to the parent. */
export function tell(message: BenchMessage): void {
  process.send?.(message);
}
