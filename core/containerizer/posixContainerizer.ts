import { deferred, TerminationMemory, unknownContainer, type Deferred } from './containerBook.js';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import type { Clock, TimerHandle } from '../common/clock.js';
import { CoreError, invalid } from '../common/errors.js';
import type { Disposable } from '../common/lifecycle.js';
import {
  EXITED_WHILE_AGENT_DOWN_MESSAGE,
  type ContainerStatus,
  type Containerizer,
  type LaunchCommand,
  type LaunchSpec,
  type RecoverableContainer,
  type Termination,
} from './containerizer.js';
import type { LaunchHooks, LaunchPlan } from './launchHooks.js';
import { imageNameOf } from './provisioner/provisioner.js';
import type { ProcessExit, ProcessIdentity, ProcessLauncher, ProcessProbe, SpawnedProcess } from './processLauncher.js';
import { terminationFor, type ExitOutcome } from './termination.js';

/** PosixContainerizerOptions configures a `PosixContainerizer`; only `launcher` and `clock` are required. */
export interface PosixContainerizerOptions {
  launcher: ProcessLauncher;
  /** clock owns the kill-escalation timers and the liveness poll of recovered containers. */
  clock: Clock;
  /** pollIntervalMs is how often recovered containers (whose parent we are not) are checked for exit; default 1000. */
  pollIntervalMs?: number;
  /** switchUser honours `command.user` (Mesos `--switch_user`, default true); false runs everything as the agent's user. */
  switchUser?: boolean;
  /** shell runs both the wrapper and `shell: true` commands; default `/bin/sh`. */
  shell?: string;
  /** onWarning hears about failures that do not stop the container (e.g. an unwritable checkpoint file). */
  onWarning?: (message: string, err?: unknown) => void;
  /** hooks add isolation around each container (see `LaunchHooks`); the posix containerizer runs without. */
  hooks?: LaunchHooks;
}

/** META_DIR is the sandbox subdirectory holding the posix containerizer's own files (`exit_status`, `container.json`). */
export const META_DIR = '.plateau';

/** DEFAULT_PATH is given to tasks whose environment has no `PATH`, as Mesos does with `os::host_default_path()`. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const DEFAULT_POLL_INTERVAL_MS = 1000;

/**
 * SIGKILL_RETRY_MS is how soon a SIGKILL that could not be sent (the agent out of descriptors, say) is sent again: a
 * kill must end the container, and whoever called `kill` or `destroyAll` waits for that end.
 */
export const SIGKILL_RETRY_MS = 1000;

/**
 * The wrapper is the container's root process and the task's parent, so that the task's exit status is recorded
 * in the sandbox even when the agent is not running to reap it (our stand-in for Mesos's command executor).
 *
 * - It traps (rather than ignores) the usual termination signals: a group-wide SIGTERM then leaves the wrapper alive
 *   to record the task's status, while the task starts with those signals at their defaults (an ignored signal
 *   would have stayed ignored across exec).
 * - The task runs as a foreground subshell that execs the command: POSIX sh defers traps until a foreground command
 *   completes, so `$?` is always the task's own status, never an interrupted wait.
 * - A signal that reaches the group before the task has exec'd can be lost: the wrapper defers its trap, and a
 *   freshly forked subshell still runs the wrapper's handler until it resets it. So before signalling, `kill` writes
 *   the signal's name to `<sandbox>/.plateau/kill_signal`, and the subshell — after its traps are reset, before it
 *   execs — delivers a recorded signal to itself instead of starting the command. Writing first and checking after
 *   the reset leaves no window. (The trap's variable does the same for signals from others that beat the fork.)
 * - `$?` is 128+N when the task died of signal N; `decodeShellStatus` undoes that.
 * - Only SIGKILL (our escalation) kills the wrapper before it writes; the agent then knows it sent SIGKILL.
 * - The shell exports a `PWD` of its own; it is removed again unless the task's environment had one, so the task
 *   sees exactly the environment it was given. (Variables whose names are not shell identifiers do not survive a
 *   shell, here as in any Mesos `shell: true` task.)
 */
const TRAPPED_SIGNALS = ['HUP', 'INT', 'QUIT', 'TERM', 'USR1', 'USR2'];
const WRAPPER_SCRIPT = [
  'status_file=$1',
  'kill_file=$2',
  'if [ "$3" = unset-pwd ]; then unset PWD; fi',
  'shift 3',
  'plateau_signal=',
  ...TRAPPED_SIGNALS.map((sig) => `trap 'plateau_signal=${sig}' ${sig}`),
  '(',
  '  plateau_kill=',
  '  if [ -f "$kill_file" ]; then read -r plateau_kill < "$kill_file"; fi',
  '  if [ -n "$plateau_kill" ]; then plateau_signal=$plateau_kill; fi',
  '  if [ -n "$plateau_signal" ]; then kill -s "$plateau_signal" 0; exit 1; fi',
  '  exec "$@"',
  ')',
  'status=$?',
  'printf \'%s\\n\' "$status" > "$status_file"',
  'exit "$status"',
].join('\n');


interface Container {
  readonly id: string;
  readonly sandboxDir: string;
  state: 'launching' | 'running' | 'terminated';
  /** recovered is true when another agent instance launched it, so we learn of its end by polling. */
  readonly recovered: boolean;
  readonly launched: Promise<void>;
  readonly done: Deferred<Termination>;
  resources?: { cpus?: number; mem?: number };
  status?: ContainerStatus;
  child?: SpawnedProcess;
  exitSubscription?: Disposable;
  killed: boolean;
  sigkillSent: boolean;
  escalation?: { handle: TimerHandle; at: number };
  /** limitation, when set, is how the container ended instead of its exit status (see `limit`). */
  limitation?: Termination;
}

/**
 * PosixContainerizer runs each task as a plain process tree in its own session, with no isolation (Mesos's
 * `PosixLauncher` with the posix isolators). Tasks outlive the agent: they are detached, write straight to the
 * sandbox's `stdout`/`stderr`, and leave their exit status in `<sandbox>/.plateau/exit_status` for a restarted agent.
 */
export class PosixContainerizer implements Containerizer {
  readonly name = 'posix';
  private readonly live = new Map<string, Container>();
  private readonly finished = new TerminationMemory();
  private readonly launcher: ProcessLauncher;
  private readonly clock: Clock;
  private readonly pollIntervalMs: number;
  private readonly switchUser: boolean;
  private readonly shell: string;
  private readonly warn: (message: string, err?: unknown) => void;
  private readonly hooks: LaunchHooks | undefined;
  private poll: TimerHandle | undefined;
  private polling = false;
  private disposed = false;

  constructor(options: PosixContainerizerOptions) {
    this.launcher = options.launcher;
    this.clock = options.clock;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.switchUser = options.switchUser ?? true;
    this.shell = options.shell ?? '/bin/sh';
    this.warn = options.onWarning ?? (() => undefined);
    this.hooks = options.hooks;
  }

  async launch(spec: LaunchSpec): Promise<ContainerStatus> {
    this.assertUsable();
    if (this.live.has(spec.containerId) || this.finished.has(spec.containerId)) {
      throw new CoreError('CONFLICT', `Container '${spec.containerId}' already exists`);
    }
    // Without hooks nothing would provision a task's image and it would silently run on the host's filesystem.
    const image = this.hooks ? undefined : imageNameOf(spec.container);
    if (image !== undefined) throw new CoreError('UNAVAILABLE', `cannot provision image '${image}': container images need the Mesos containerizer (--isolation with cgroups/* isolators)`);
    const argv = commandArgv(spec.command, this.shell);
    const gate = deferred<void>();
    const c: Container = {
      id: spec.containerId,
      sandboxDir: spec.sandboxDir,
      state: 'launching',
      recovered: false,
      launched: gate.promise,
      done: deferred<Termination>(),
      killed: false,
      sigkillSent: false,
    };
    if (spec.resources) c.resources = spec.resources;
    this.live.set(c.id, c);
    let plan: LaunchPlan | undefined;
    try {
      const env = { ...spec.env };
      env.PATH ??= DEFAULT_PATH;
      // The wrapper writes into the meta directory, which must exist before the task can possibly end. The hooks'
      // preparation is independent of it, so both run at once; whatever `prepare` made is released if either fails.
      const [written, prepared] = await Promise.allSettled([
        this.launcher.writeText(join(spec.sandboxDir, META_DIR, 'command.json'), `${JSON.stringify(spec.command)}\n`),
        this.hooks ? this.hooks.prepare(spec) : Promise.resolve(undefined),
      ]);
      if (prepared.status === 'fulfilled') plan = prepared.value;
      if (written.status === 'rejected') throw written.reason;
      if (prepared.status === 'rejected') throw prepared.reason;
      const script = plan && plan.prelude.length > 0 ? `${plan.prelude.join('\n')}\n${WRAPPER_SCRIPT}` : WRAPPER_SCRIPT;
      const wrapperArgs = ['-c', script, 'plateau-executor', exitStatusPath(spec.sandboxDir), killSignalPath(spec.sandboxDir), 'PWD' in spec.env ? 'keep-pwd' : 'unset-pwd', ...(plan?.commandPrefix ?? []), ...argv];
      const [file, ...prefixArgs] = plan && plan.prefix.length > 0 ? [...plan.prefix, this.shell] : [this.shell];
      const request = {
        file: file as string,
        args: [...prefixArgs, ...wrapperArgs],
        env,
        cwd: spec.sandboxDir,
        stdoutPath: join(spec.sandboxDir, 'stdout'),
        stderrPath: join(spec.sandboxDir, 'stderr'),
      };
      const user = spec.command.user;
      const child = await this.launcher.spawn(this.switchUser && user !== undefined && !plan?.userHandled ? { ...request, user } : request);
      const status: ContainerStatus = { containerId: c.id, pid: child.identity.pid, startedAt: this.clock.now() };
      if (child.identity.startTicks !== undefined) status.pidStartTicks = child.identity.startTicks;
      if (child.identity.bootId !== undefined) status.bootId = child.identity.bootId;
      c.status = status;
      c.child = child;
      c.state = 'running';
      if (this.disposed) {
        // Disposed while spawning: the task keeps running (as on any agent restart); we just stop watching.
        child.release();
      } else {
        c.exitSubscription = child.onExit((exit) => void this.onChildExit(c, exit));
      }
      await this.checkpoint(c);
      gate.resolve();
      return { ...status };
    } catch (err) {
      this.live.delete(c.id);
      if (plan) await this.hookEnded(c, { outcome: { kind: 'unknown' }, killed: false, launched: false });
      const failure =
        err instanceof CoreError ? err : new CoreError('INTERNAL', `Failed to launch container '${c.id}': ${(err as Error).message}`, { cause: err });
      gate.reject(failure);
      c.done.reject(failure);
      throw failure;
    }
  }

  wait(containerId: string): Promise<Termination> {
    if (this.disposed) return Promise.reject(new CoreError('UNAVAILABLE', 'Containerizer disposed'));
    const c = this.live.get(containerId);
    if (c) return c.done.promise;
    const termination = this.finished.get(containerId);
    if (termination) return Promise.resolve({ ...termination });
    return Promise.reject(unknownContainer(containerId));
  }

  async kill(containerId: string, gracePeriodMs: number): Promise<void> {
    this.assertUsable();
    const c = this.live.get(containerId);
    if (!c) {
      if (this.finished.has(containerId)) return;
      throw unknownContainer(containerId);
    }
    try {
      await c.launched;
    } catch {
      return; // the launch failed: there is nothing to kill, and the launcher's caller has the error
    }
    if (c.state === 'terminated') {
      await c.done.promise;
      return;
    }
    if (!c.killed) {
      c.killed = true;
      await this.signal(c, 'SIGTERM');
    }
    this.scheduleEscalation(c, Math.max(0, gracePeriodMs));
    await c.done.promise;
  }

  async recover(checkpointed: RecoverableContainer[]): Promise<string[]> {
    this.assertUsable();
    const running: string[] = [];
    for (const cp of checkpointed) {
      const existing = this.live.get(cp.containerId);
      if (existing) {
        if (existing.state !== 'terminated') running.push(existing.id);
        continue;
      }
      if (this.finished.has(cp.containerId)) continue;
      const c = await this.adopt(cp);
      if (c.state === 'running') running.push(c.id);
    }
    this.ensurePolling();
    await this.hooks?.recovered(running);
    return running;
  }

  /**
   * limit ends a running container because it hit a limit (as Mesos destroys a container when an isolator reports a
   * limitation): it is SIGKILLed at once and `wait` resolves with `limitation` rather than its exit status.
   */
  async limit(containerId: string, limitation: Termination): Promise<void> {
    this.assertUsable();
    const c = this.live.get(containerId);
    if (!c) return;
    try {
      await c.launched;
    } catch {
      return;
    }
    // A container the agent is already killing ends as TASK_KILLED, whatever limit it hits on the way.
    if (c.state === 'terminated' || c.killed) return;
    c.limitation ??= { ...limitation };
    c.escalation?.handle.cancel();
    await this.escalate(c);
    await c.done.promise;
  }

  async usage(containerId: string): Promise<Record<string, number>> {
    const c = this.live.get(containerId);
    if (!c || c.state !== 'running' || !c.status) throw unknownContainer(containerId);
    const u = await this.launcher.sessionUsage(identityOf(c.status));
    const stats: Record<string, number> = {
      timestamp: this.clock.now() / 1000,
      processes: u.processes,
      threads: u.threads,
      cpus_user_time_secs: u.userSecs,
      cpus_system_time_secs: u.systemSecs,
      mem_rss_bytes: u.rssBytes,
    };
    if (c.resources?.cpus !== undefined) stats.cpus_limit = c.resources.cpus;
    if (c.resources?.mem !== undefined) stats.mem_limit_bytes = Math.round(c.resources.mem * 1024 * 1024);
    return stats;
  }

  containers(): string[] {
    return [...this.live.values()].filter((c) => c.state !== 'terminated').map((c) => c.id);
  }

  async destroyAll(gracePeriodMs: number): Promise<void> {
    this.assertUsable();
    await Promise.all(this.containers().map((id) => this.kill(id, gracePeriodMs)));
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.poll?.cancel();
    this.poll = undefined;
    // Pending `wait()`s are left unsettled on purpose: the containers have not ended, and an agent that is going
    // down must not record them as failed. The next agent instance learns their fate through `recover`.
    for (const c of this.live.values()) {
      c.escalation?.handle.cancel();
      c.escalation = undefined;
      void c.exitSubscription?.dispose();
      c.child?.release();
    }
    this.live.clear();
    this.finished.clear();
  }

  private async adopt(cp: RecoverableContainer): Promise<Container> {
    const status: ContainerStatus = { containerId: cp.containerId, pid: cp.pid, startedAt: cp.startedAt };
    if (cp.pidStartTicks !== undefined) status.pidStartTicks = cp.pidStartTicks;
    if (cp.bootId !== undefined) status.bootId = cp.bootId;
    const c: Container = {
      id: cp.containerId,
      sandboxDir: cp.sandboxDir,
      state: 'running',
      recovered: true,
      launched: Promise.resolve(),
      done: deferred<Termination>(),
      killed: false,
      sigkillSent: false,
      status,
    };
    // Fill in what the agent may not have checkpointed from our own record in the sandbox.
    const record = await this.readCheckpoint(cp.sandboxDir);
    if (record && record.pid === cp.pid) {
      if (status.pidStartTicks === undefined && record.pidStartTicks !== undefined) status.pidStartTicks = record.pidStartTicks;
      if (status.bootId === undefined && record.bootId !== undefined) status.bootId = record.bootId;
      if (record.resources) c.resources = record.resources;
    }
    this.live.set(c.id, c);
    if (!isSameProcess(status, await this.launcher.probe(status.pid))) {
      await this.finish(c, (await this.recordedOutcome(c)) ?? { kind: 'unknown' }, EXITED_WHILE_AGENT_DOWN_MESSAGE);
    }
    return c;
  }

  private async onChildExit(c: Container, exit: ProcessExit): Promise<void> {
    let outcome = await this.recordedOutcome(c);
    if (!outcome) {
      if (exit.signal !== null) outcome = { kind: 'signaled', signal: exit.signal };
      else if (exit.code !== null) outcome = decodeShellStatus(exit.code);
      else outcome = { kind: 'unknown' };
    }
    await this.finish(c, outcome);
  }

  private ensurePolling(): void {
    if (this.poll || this.disposed) return;
    if (![...this.live.values()].some((c) => c.recovered && c.state === 'running')) return;
    this.poll = this.clock.setInterval(() => void this.pollRecovered(), this.pollIntervalMs);
  }

  /** pollRecovered checks recovered containers: we are not their parent, so no exit event will tell us they ended. */
  private async pollRecovered(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const watched = [...this.live.values()].filter((c) => c.recovered && c.state === 'running');
      await Promise.all(
        watched.map(async (c) => {
          const status = c.status as ContainerStatus;
          if (isSameProcess(status, await this.launcher.probe(status.pid))) return;
          await this.finish(c, (await this.recordedOutcome(c)) ?? { kind: 'unknown' });
        }),
      );
    } catch (err) {
      this.warn('Failed to poll recovered containers', err);
    } finally {
      this.polling = false;
    }
    if (![...this.live.values()].some((c) => c.recovered && c.state === 'running')) {
      this.poll?.cancel();
      this.poll = undefined;
    }
  }

  private scheduleEscalation(c: Container, gracePeriodMs: number): void {
    if (c.state === 'terminated' || c.sigkillSent) return;
    const at = this.clock.now() + gracePeriodMs;
    // As in the Mesos command executor, a later kill may shorten the grace period but never extend it.
    if (c.escalation && c.escalation.at <= at) return;
    c.escalation?.handle.cancel();
    const handle = this.clock.setTimeout(() => void this.escalate(c), gracePeriodMs);
    c.escalation = { handle, at };
  }

  /** escalate sends SIGKILL, and sends it again every `SIGKILL_RETRY_MS` until it goes through or the container ends. */
  private async escalate(c: Container): Promise<void> {
    c.escalation = undefined;
    if (c.state === 'terminated' || this.disposed) return;
    c.sigkillSent = true;
    if (!(await this.signal(c, 'SIGKILL'))) this.retryEscalation(c);
  }

  private retryEscalation(c: Container): void {
    // The container may have ended, or the containerizer gone down, while the signal was being sent.
    if (c.state === 'terminated' || this.disposed || c.escalation) return;
    const handle = this.clock.setTimeout(() => void this.escalate(c), SIGKILL_RETRY_MS);
    c.escalation = { handle, at: this.clock.now() + SIGKILL_RETRY_MS };
  }

  /** signal sends `signal` to the container's process tree; false when sending failed (the failure is reported). */
  private async signal(c: Container, signal: NodeJS.Signals): Promise<boolean> {
    if (!c.status) return true; // nothing was started: there is nothing to signal
    if (signal !== 'SIGKILL') {
      // See WRAPPER_SCRIPT: the record must exist before the signal is sent. SIGKILL needs none (nothing survives it).
      try {
        await this.launcher.writeText(killSignalPath(c.sandboxDir), `${signal.replace(/^SIG/, '')}\n`);
      } catch (err) {
        this.warn(`Failed to record ${signal} for container '${c.id}'`, err);
      }
    }
    try {
      const handled = (await this.hooks?.signal?.(c.id, signal)) ?? false;
      if (!handled) await this.launcher.signalSession(identityOf(c.status), signal);
      return true;
    } catch (err) {
      this.warn(`Failed to send ${signal} to container '${c.id}'${signal === 'SIGKILL' && c.state !== 'terminated' ? `; retrying in ${SIGKILL_RETRY_MS} ms` : ''}`, err);
      return false;
    }
  }

  /**
   * finish settles a container once. When the root process is gone, anything left in its session (say, a
   * background job of a shell command) is killed, as Mesos destroys the container when its executor exits.
   */
  private async finish(c: Container, outcome: ExitOutcome, unknownMessage?: string): Promise<void> {
    if (c.state === 'terminated') return;
    c.state = 'terminated';
    c.escalation?.handle.cancel();
    c.escalation = undefined;
    void c.exitSubscription?.dispose();
    c.child?.release();
    await this.signal(c, 'SIGKILL');
    const limited = await this.hookEnded(c, { outcome, killed: c.killed, launched: true });
    if (outcome.kind === 'unknown' && c.killed) {
      outcome = c.sigkillSent ? { kind: 'signaled', signal: 'SIGKILL' } : { kind: 'signaled', signal: 'SIGTERM' };
    }
    // A limitation the agent's own kill did not cause wins over the exit status (the task died *of* it).
    const termination = c.limitation ?? (limited && !c.killed ? limited : terminationFor(outcome, c.killed, unknownMessage));
    if (this.live.get(c.id) === c) {
      this.live.delete(c.id);
      this.remember(c.id, termination);
    }
    c.done.resolve(termination);
  }

  private async hookEnded(c: Container, end: Parameters<LaunchHooks['ended']>[1]): Promise<Termination | undefined> {
    if (!this.hooks) return undefined;
    try {
      return await this.hooks.ended(c.id, end);
    } catch (err) {
      this.warn(`Failed to clean up container '${c.id}'`, err);
      return undefined;
    }
  }

  private remember(id: string, termination: Termination): void {
    this.finished.remember(id, termination);
  }

  private async recordedOutcome(c: Container): Promise<ExitOutcome | undefined> {
    let text: string | undefined;
    try {
      text = await this.launcher.readText(exitStatusPath(c.sandboxDir));
    } catch (err) {
      this.warn(`Failed to read the exit status of container '${c.id}'`, err);
      return undefined;
    }
    // An empty or partial file means the wrapper was killed while writing; treat it as no record.
    const trimmed = text?.trim() ?? '';
    if (!/^\d{1,3}$/.test(trimmed) || Number(trimmed) > 255) return undefined;
    return decodeShellStatus(Number(trimmed));
  }

  private async checkpoint(c: Container): Promise<void> {
    const record = { ...c.status, sandboxDir: c.sandboxDir, resources: c.resources };
    try {
      await this.launcher.writeText(join(c.sandboxDir, META_DIR, 'container.json'), `${JSON.stringify(record)}\n`);
    } catch (err) {
      this.warn(`Failed to checkpoint container '${c.id}'`, err);
    }
  }

  private async readCheckpoint(sandboxDir: string): Promise<(ContainerStatus & { resources?: { cpus?: number; mem?: number } }) | undefined> {
    try {
      const text = await this.launcher.readText(join(sandboxDir, META_DIR, 'container.json'));
      return text === undefined ? undefined : (JSON.parse(text) as ContainerStatus & { resources?: { cpus?: number; mem?: number } });
    } catch (err) {
      this.warn(`Failed to read the checkpoint in '${sandboxDir}'`, err);
      return undefined;
    }
  }

  private assertUsable(): void {
    if (this.disposed) throw new CoreError('UNAVAILABLE', 'Containerizer disposed');
  }
}

/** exitStatusPath is where the wrapper records the task's `$?` inside a sandbox. */
export function exitStatusPath(sandboxDir: string): string {
  return join(sandboxDir, META_DIR, 'exit_status');
}

/** killSignalPath is where `kill` records the signal it is about to send, for a task that has not started yet. */
export function killSignalPath(sandboxDir: string): string {
  return join(sandboxDir, META_DIR, 'kill_signal');
}

/**
 * decodeShellStatus undoes the shell's encoding of a status: 128+N means "killed by signal N". A command that
 * deliberately exits with 129–192 is indistinguishable from a signalled one at this level, as with any `sh` wrapper.
 */
export function decodeShellStatus(status: number): ExitOutcome {
  if (status > 128) {
    const signal = signalName(status - 128);
    if (signal) return { kind: 'signaled', signal };
  }
  return { kind: 'exited', code: status };
}

function signalName(signo: number): string | undefined {
  for (const [name, value] of Object.entries(osConstants.signals)) {
    if (value === signo) return name;
  }
  return undefined;
}

function commandArgv(command: LaunchCommand, shell: string): string[] {
  if (command.shell) {
    if (command.value === undefined || command.value === '') throw invalid('Shell command needs a value');
    return [shell, '-c', command.value];
  }
  if (command.value === undefined || command.value === '') throw invalid('Command needs a value to execute');
  // POSIX sh cannot set argv[0] apart from the program path, so the program is named by `value` and
  // `arguments[0]` only documents the intended argv0.
  return [command.value, ...(command.arguments ?? []).slice(1)];
}

function identityOf(status: ContainerStatus): ProcessIdentity {
  const identity: ProcessIdentity = { pid: status.pid };
  if (status.pidStartTicks !== undefined) identity.startTicks = status.pidStartTicks;
  if (status.bootId !== undefined) identity.bootId = status.bootId;
  return identity;
}

function isSameProcess(status: ContainerStatus, probe: ProcessProbe | undefined): boolean {
  if (!probe || probe.state === 'Z') return false;
  if (status.bootId !== undefined && probe.bootId !== undefined && status.bootId !== probe.bootId) return false;
  if (status.pidStartTicks !== undefined && probe.startTicks !== undefined && status.pidStartTicks !== probe.startTicks) return false;
  return true;
}

