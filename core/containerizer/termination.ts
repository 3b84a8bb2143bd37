import type { Termination } from './containerizer.js';

/**
 * ExitOutcome is what is known about how a container's command ended: an exit code, a terminating signal, or
 * nothing (the process is gone and left no record).
 */
export type ExitOutcome = { kind: 'exited'; code: number } | { kind: 'signaled'; signal: string } | { kind: 'unknown' };

// The descriptions glibc's strsignal(3) gives, which is what the Mesos command executor prints.
const SIGNAL_DESCRIPTIONS: Record<string, string> = {
  SIGHUP: 'Hangup',
  SIGINT: 'Interrupt',
  SIGQUIT: 'Quit',
  SIGILL: 'Illegal instruction',
  SIGTRAP: 'Trace/breakpoint trap',
  SIGABRT: 'Aborted',
  SIGBUS: 'Bus error',
  SIGFPE: 'Floating point exception',
  SIGKILL: 'Killed',
  SIGUSR1: 'User defined signal 1',
  SIGSEGV: 'Segmentation fault',
  SIGUSR2: 'User defined signal 2',
  SIGPIPE: 'Broken pipe',
  SIGALRM: 'Alarm clock',
  SIGTERM: 'Terminated',
  SIGSTKFLT: 'Stack fault',
  SIGCHLD: 'Child exited',
  SIGCONT: 'Continued',
  SIGSTOP: 'Stopped (signal)',
  SIGTSTP: 'Stopped',
  SIGTTIN: 'Stopped (tty input)',
  SIGTTOU: 'Stopped (tty output)',
  SIGURG: 'Urgent I/O condition',
  SIGXCPU: 'CPU time limit exceeded',
  SIGXFSZ: 'File size limit exceeded',
  SIGVTALRM: 'Virtual timer expired',
  SIGPROF: 'Profiling timer expired',
  SIGWINCH: 'Window changed',
  SIGIO: 'I/O possible',
  SIGPWR: 'Power failure',
  SIGSYS: 'Bad system call',
};

/** describeSignal turns `SIGTERM` into "Terminated", as strsignal(3) does, so messages match real Mesos agents. */
export function describeSignal(signal: string): string {
  return SIGNAL_DESCRIPTIONS[signal] ?? `Unknown signal ${signal}`;
}

/** describeOutcome words an outcome like Mesos's `WSTRINGIFY`, e.g. "exited with status 1". */
export function describeOutcome(outcome: ExitOutcome): string {
  switch (outcome.kind) {
    case 'exited':
      return `exited with status ${outcome.code}`;
    case 'signaled':
      return `terminated with signal ${describeSignal(outcome.signal)}`;
    case 'unknown':
      return 'ended with an unknown status';
  }
}

/**
 * terminationFor maps an outcome to a `Termination` with the Mesos command executor's rules: a container we killed is
 * `TASK_KILLED` whatever its status; otherwise exit code 0 is `TASK_FINISHED` and anything else `TASK_FAILED`.
 * `unknownMessage` words the failure when the status was lost.
 */
export function terminationFor(outcome: ExitOutcome, killed: boolean, unknownMessage = 'Failed to get exit status for Command'): Termination {
  if (outcome.kind === 'unknown') {
    return killed
      ? { state: 'TASK_KILLED', message: unknownMessage }
      : { state: 'TASK_FAILED', reason: 'REASON_EXECUTOR_TERMINATED', message: unknownMessage };
  }
  const message = `Command ${describeOutcome(outcome)}`;
  const detail = outcome.kind === 'exited' ? { exitStatus: outcome.code } : { signal: outcome.signal };
  if (killed) return { ...detail, state: 'TASK_KILLED', message };
  if (outcome.kind === 'exited' && outcome.code === 0) return { ...detail, state: 'TASK_FINISHED', message };
  return { ...detail, state: 'TASK_FAILED', message };
}
