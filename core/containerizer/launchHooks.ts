import type { LaunchSpec, Termination } from './containerizer.js';
import type { ExitOutcome } from './termination.js';

/**
 * LaunchHooks let a containerizer reuse `PosixContainerizer`'s wrapper, kill and recovery logic while adding
 * isolation around it (Mesos's `LinuxLauncher` + isolators around the same executor): `prepare` runs before the
 * wrapper is spawned and says how to start it, `ended` runs once when a container is over, `recovered` once after an
 * agent restart. The posix containerizer itself runs with no hooks.
 */
export interface LaunchHooks {
  /**
   * prepare sets up a container about to be launched (e.g. creates its cgroups and writes its limits) and returns how
   * to start its wrapper. If it throws, the launch fails; if anything after it fails, `ended` is still called.
   */
  prepare(spec: LaunchSpec): Promise<LaunchPlan>;
  /**
   * ended runs once a prepared container is over, after its session was SIGKILLed: kill whatever is left, release
   * what `prepare` made, and return a limitation (e.g. the memory limit) to report instead of the exit status.
   */
  ended(containerId: string, end: ContainerEnd): Promise<Termination | undefined>;
  /** recovered runs after `recover` with the containers still running, so orphans of other agent runs can be cleaned up. */
  recovered(running: readonly string[]): Promise<void>;
  /**
   * signal, when present, sends `signal` to every process of a container instead of signalling the wrapper's
   * session (e.g. through the container's cgroup, which no process can leave and which needs no `/proc` scan).
   * It resolves false when it cannot (say, a container recovered from a run without cgroups): then the session is
   * signalled as usual.
   */
  signal?(containerId: string, signal: NodeJS.Signals): Promise<boolean>;
}

/** LaunchPlan says how to start one container's wrapper shell. */
export interface LaunchPlan {
  /** prefix is an argv that runs the wrapper shell (e.g. `unshare --pid --fork ... --`); empty to run it directly. */
  prefix: string[];
  /** prelude are shell lines the wrapper runs first, before it forks the task (e.g. joining cgroups, mounts). */
  prelude: string[];
  /** commandPrefix is put before the task's argv (e.g. `setpriv` to switch users inside the namespaces). */
  commandPrefix?: string[];
  /** userHandled says the plan switches users itself, so the wrapper is spawned as the agent's user. */
  userHandled?: boolean;
}

/** ContainerEnd is what `ended` learns about how a container ended. */
export interface ContainerEnd {
  outcome: ExitOutcome;
  /** killed is true when the agent asked for the container to be killed. */
  killed: boolean;
  /** launched is false when the launch failed after `prepare`. */
  launched: boolean;
}
