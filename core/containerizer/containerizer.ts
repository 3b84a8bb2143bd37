/**
 * The containerizer contract the agent drives, modelled on Mesos's `Containerizer`
 * (`launch`/`wait`/`destroy`/`recover`/`usage`): the agent decides *what* runs and when, a containerizer
 * decides *how* (posix processes today; cgroups-isolated or docker later) behind the same interface.
 */

import type { ContainerInfo } from '../protocol/mesos/v1.js';
import type { HistorySample } from './containerHistory.js';
import type { ContainerView } from './containerView.js';

/** LaunchCommand is Mesos `CommandInfo` reduced to what a containerizer needs to start a process. */
export interface LaunchCommand {
  /** shell is true for `/bin/sh -c value`; false to exec `value` with `arguments` as argv (arguments[0] is argv0). */
  shell: boolean;
  value?: string;
  arguments?: string[];
  /** user to run as; honoured only when the agent runs as root (Mesos `--switch_user`). */
  user?: string;
}

/** LaunchSpec is everything a containerizer needs to start one container; the agent has already made the sandbox. */
export interface LaunchSpec {
  /** containerId is the unique id (a uuid) the agent chose; it names the sandbox run directory too. */
  containerId: string;
  /** sandboxDir is an existing directory; `stdout` and `stderr` are appended to files in it. */
  sandboxDir: string;
  command: LaunchCommand;
  /** env is the task's complete environment (the agent composes the `MESOS_*` variables). */
  env: Record<string, string>;
  /** resources are for isolators and for the limits reported by `usage`; the posix containerizer enforces nothing. */
  resources?: { cpus?: number; mem?: number };
  /**
   * container is the task's `ContainerInfo` as the framework sent it (wire JSON); the docker containerizer reads its
   * `docker` part (image, network, port mappings, parameters, ...) and `volumes`/`hostname`. Absent for plain command tasks.
   */
  container?: ContainerInfo;
  /**
   * hostPorts are the ranges of the task's `ports` resources (inclusive); a DOCKER port mapping's `host_port` must lie
   * in one of them, as Mesos checks.
   */
  hostPorts?: Array<{ begin: number; end: number }>;
  /** task names what the container runs for, so a containerizer can tag what it creates (docker labels) and find it again. */
  task?: { agentId: string; frameworkId: string; executorId: string; taskId: string };
}

/** ContainerType is `ContainerInfo.type`: which kind of containerizer a task asks for (absent `container` means MESOS). */
export type ContainerType = 'MESOS' | 'DOCKER';

/** TerminalTaskState is the task state a finished container implies (the Mesos command executor's choices). */
export type TerminalTaskState = 'TASK_FINISHED' | 'TASK_FAILED' | 'TASK_KILLED';

/**
 * Termination says how a container ended, in the words the Mesos command executor would use, so the agent can
 * forward it as the task's terminal status update unchanged.
 */
export interface Termination {
  /** exitStatus is the exit code when the command exited normally. */
  exitStatus?: number;
  /** signal is the signal name (e.g. `SIGTERM`) when the command was terminated by a signal. */
  signal?: string;
  state: TerminalTaskState;
  /** reason is a Mesos `TaskStatus.Reason` name when one applies (e.g. `REASON_EXECUTOR_TERMINATED`). */
  reason?: string;
  /** message is e.g. "Command exited with status 1" or "Command terminated with signal Terminated". */
  message: string;
}

/**
 * ContainerStatus identifies a running container's root process; the agent checkpoints it (whole object) so that a
 * restarted agent can hand it back to `recover`.
 */
export interface ContainerStatus {
  containerId: string;
  pid: number;
  /** startedAt is the launch time in milliseconds since the epoch. */
  startedAt: number;
  /** pidStartTicks is the root process's start time from `/proc/<pid>/stat` (clock ticks after boot); it guards against pid reuse. */
  pidStartTicks?: number;
  /** bootId is the kernel boot id at launch; after a reboot no old pid can be ours. */
  bootId?: string;
  /**
   * containerizer is the `name` of the containerizer that launched it (e.g. `docker`), so that after a restart a
   * composing containerizer hands the checkpointed status back to the same kind; absent means the default one.
   */
  containerizer?: string;
}

/** RecoverableContainer is what the agent checkpointed for one container: its status and where its sandbox is. */
export type RecoverableContainer = ContainerStatus & { sandboxDir: string };

/** Containerizer launches, watches, kills and recovers containers for one agent. */
export interface Containerizer {
  /** name is the containerizer's `--containerizers` name, e.g. `posix`. */
  readonly name: string;
  /**
   * containerTypes are the `ContainerInfo.type`s it can launch; absent means `['MESOS']` (tasks without a `container`
   * count as MESOS), or `['DOCKER']` for a containerizer named `docker`.
   */
  readonly containerTypes?: readonly ContainerType[];
  /** launch starts the container and resolves once its root process exists. */
  launch(spec: LaunchSpec): Promise<ContainerStatus>;
  /** wait resolves once, when the container ends (also for recovered ones). */
  wait(containerId: string): Promise<Termination>;
  /**
   * kill sends SIGTERM to the container's whole process group, then SIGKILL after `gracePeriodMs`, and resolves when
   * the container is dead; its `Termination` then has state `TASK_KILLED`.
   */
  kill(containerId: string, gracePeriodMs: number): Promise<void>;
  /**
   * recover re-adopts still-running containers from checkpointed statuses after an agent restart. For containers that
   * exited while the agent was down, `wait()` resolves with their recorded exit status (or `TASK_FAILED`
   * "container exited while the agent was down" when none was recorded). It returns the ids still running.
   */
  recover(checkpointed: RecoverableContainer[]): Promise<string[]>;
  /**
   * usage reads basic statistics for `/monitor/statistics`: `timestamp`, `cpus_user_time_secs`,
   * `cpus_system_time_secs`, `mem_rss_bytes`, `processes`, `threads` (plus `cpus_limit`/`mem_limit_bytes` when known).
   */
  usage(containerId: string): Promise<Record<string, number>>;
  /**
   * view is the container view extension (see README.md, "The container view"): what the container sees of itself
   * through lxcfs, read now. Optional: containerizers without cgroups (posix, docker) omit it or resolve undefined.
   * It rejects with `NOT_FOUND` for a container it does not know.
   */
  view?(containerId: string): Promise<ContainerView | undefined>;
  /**
   * samples returns the container's sampled views from its bounded ring, oldest first, those recorded at or after
   * `sinceMs` (milliseconds since the epoch) only; undefined when this containerizer keeps none.
   */
  samples?(containerId: string, sinceMs?: number): Array<HistorySample<ContainerView>> | undefined;
  /** containers lists the ids of live containers. */
  containers(): string[];
  /**
   * dispose stops watchers and timers only; tasks keep running, because agent restarts must not kill tasks. Pending
   * `wait()`s stay unsettled (their containers have not ended); later calls reject with `UNAVAILABLE`.
   */
  dispose(): Promise<void>;
  /** destroyAll kills every live container (used to shut a demo cluster down). */
  destroyAll(gracePeriodMs: number): Promise<void>;
}

/** launchesType says whether `containerizer` can launch containers of `type` (see `Containerizer.containerTypes`). */
export function launchesType(containerizer: Pick<Containerizer, 'name' | 'containerTypes'>, type: ContainerType): boolean {
  const types = containerizer.containerTypes ?? (containerizer.name === 'docker' ? ['DOCKER'] : ['MESOS']);
  return types.includes(type);
}

/** EXITED_WHILE_AGENT_DOWN_MESSAGE is the `Termination.message` for a container that ended unobserved and left no exit status. */
export const EXITED_WHILE_AGENT_DOWN_MESSAGE = 'container exited while the agent was down';
