import type { ResourceStatistics } from '../resourceStatistics.js';
import type { CgroupController } from './cgroupFs.js';

/**
 * The part of Mesos's isolator lifecycle (`include/mesos/slave/isolator.hpp`: prepare, isolate, watch, usage,
 * cleanup) that a cgroup isolator needs here. The containerizer owns the cgroup itself (create, join, kill,
 * remove); an isolator only says which controllers it needs, writes its limits, reads its statistics and reports
 * the limitation it watches for.
 */

/** ContainerResources are the resources a container was launched with, as the agent passes them. */
export interface ContainerResources {
  cpus?: number;
  mem?: number;
}

/**
 * ContainerLimitation is Mesos's `ContainerLimitation`: why an isolator ended a container. The containerizer reports
 * it as the container's termination (`TASK_FAILED` with this reason and message), as Mesos does.
 */
export interface ContainerLimitation {
  /** reason is a `TaskStatus.Reason` name, e.g. `REASON_CONTAINER_LIMITATION_MEMORY`. */
  reason: string;
  message: string;
}

/** CgroupIsolator is one `cgroups/<name>` isolator working on a container's cgroup. */
export interface CgroupIsolator {
  /** name is the `--isolation` name, e.g. `cgroups/mem`. */
  readonly name: string;
  /** controllers are the controllers the isolator's files live in; the containerizer creates the cgroup with them. */
  readonly controllers: readonly CgroupController[];
  /** prepare writes the container's limits before its first process joins the cgroup. */
  prepare(cgroup: string, resources: ContainerResources): Promise<void>;
  /** usage reads this isolator's share of the container's `ResourceStatistics`. */
  usage(cgroup: string): Promise<Partial<ResourceStatistics>>;
  /**
   * limitation says whether the container hit a limit this isolator enforces (only `cgroups/mem` has one: the
   * kernel's OOM killer ran in the cgroup); `killedBySignal` is the signal that ended the container, if any.
   */
  limitation?(cgroup: string, killedBySignal?: string): Promise<ContainerLimitation | undefined>;
}
