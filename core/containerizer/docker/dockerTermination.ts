import type { Termination } from '../containerizer.js';
import type { ContainerState } from './dockerClient.js';

/** CONTAINER_GONE_MESSAGE is the failure message when a container vanished before its exit status was read. */
export const CONTAINER_GONE_MESSAGE = 'Container no longer exists; its exit status is unknown';

/**
 * dockerTermination words how a Docker container ended, as the Mesos docker containerizer and executor do: a
 * container the agent killed is `TASK_KILLED`; one the kernel OOM-killed (Docker's `State.OOMKilled` with a failing
 * exit) is `TASK_FAILED` with `REASON_CONTAINER_LIMITATION_MEMORY`, as Mesos's memory limitation; otherwise exit
 * status 0 is `TASK_FINISHED` and anything else `TASK_FAILED` "Container exited with status N". `memMb` is the
 * task's memory, quoted in the OOM message. `state` is undefined when the container is gone.
 */
export function dockerTermination(state: ContainerState | undefined, killed: boolean, memMb?: number): Termination {
  if (!state) return killed ? { state: 'TASK_KILLED', message: 'Container killed' } : { state: 'TASK_FAILED', reason: 'REASON_EXECUTOR_TERMINATED', message: CONTAINER_GONE_MESSAGE };
  const exitStatus = state.exitCode;
  if (killed) return { exitStatus, state: 'TASK_KILLED', message: 'Container killed' };
  if (state.oomKilled && exitStatus !== 0) {
    const requested = memMb !== undefined && memMb > 0 ? ` Requested: ${formatMb(memMb)}` : '';
    return { exitStatus, state: 'TASK_FAILED', reason: 'REASON_CONTAINER_LIMITATION_MEMORY', message: `Memory limit exceeded:${requested}; the container was OOM-killed (exit status ${exitStatus})` };
  }
  const detail = state.error ? `: ${state.error}` : '';
  if (exitStatus === 0) return { exitStatus, state: 'TASK_FINISHED', message: 'Container exited with status 0' };
  return { exitStatus, state: 'TASK_FAILED', message: `Container exited with status ${exitStatus}${detail}` };
}

function formatMb(mb: number): string {
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)}MB`;
}
