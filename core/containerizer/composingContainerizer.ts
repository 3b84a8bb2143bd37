import { CoreError } from '../common/errors.js';
import {
  launchesType,
  type ContainerStatus,
  type ContainerType,
  type Containerizer,
  type LaunchSpec,
  type RecoverableContainer,
  type Termination,
} from './containerizer.js';
import type { HistorySample } from './containerHistory.js';
import type { ContainerView } from './containerView.js';

/** ComposingContainerizerOptions names the two containerizers an agent with `--containerizers=docker,mesos` runs. */
export interface ComposingContainerizerOptions {
  /** docker launches DOCKER containers; absent when no Docker daemon answered (then `dockerUnavailable` says why). */
  docker?: Containerizer;
  /** dockerUnavailable is the reason DOCKER tasks fail when `docker` is absent, e.g. "cannot reach the Docker daemon at ...". */
  dockerUnavailable?: string;
  /** other launches every other task (the posix or mesos containerizer). */
  other: Containerizer;
}

const MAX_ROUTES = 4096;

/** Routed is what a container's owner must answer once the container is launched or recovered. */
type Routed = Pick<Containerizer, 'wait' | 'kill' | 'usage' | 'view' | 'samples'>;

/**
 * ComposingContainerizer lets one agent run DOCKER tasks in Docker and the rest with another containerizer, like Mesos's
 * `ComposingContainerizer`. Mesos offers a launch to each containerizer in `--containerizers` order until one accepts;
 * here the task's `ContainerInfo.type` decides, which comes to the same thing for `docker,mesos`. Each container
 * stays with the containerizer that launched it — after a restart too, through `ContainerStatus.containerizer`.
 */
export class ComposingContainerizer implements Containerizer {
  readonly name: string;
  readonly containerTypes: readonly ContainerType[];
  /** routes remembers which containerizer owns each container it has seen, so `wait`/`kill`/`usage` find it. */
  private readonly routes = new Map<string, Routed>();

  constructor(private readonly options: ComposingContainerizerOptions) {
    this.name = options.docker ? `${options.docker.name},${options.other.name}` : options.other.name;
    // DOCKER is claimed even without a daemon, so such tasks fail with the reason rather than a generic refusal.
    this.containerTypes = ['DOCKER', ...(options.other.containerTypes ?? ['MESOS']).filter((t) => t !== 'DOCKER')];
  }

  async launch(spec: LaunchSpec): Promise<ContainerStatus> {
    const target = this.pick(spec.container?.type === 'DOCKER' ? 'DOCKER' : 'MESOS');
    this.route(spec.containerId, target);
    return target.launch(spec);
  }

  wait(containerId: string): Promise<Termination> {
    return this.owner(containerId).wait(containerId);
  }

  kill(containerId: string, gracePeriodMs: number): Promise<void> {
    return this.owner(containerId).kill(containerId, gracePeriodMs);
  }

  async recover(checkpointed: RecoverableContainer[]): Promise<string[]> {
    const { docker, other } = this.options;
    const mine = checkpointed.filter((c) => c.containerizer === 'docker');
    const rest = checkpointed.filter((c) => c.containerizer !== 'docker');
    for (const c of rest) this.route(c.containerId, other);
    const running = await other.recover(rest);
    if (docker) {
      for (const c of mine) this.route(c.containerId, docker);
      running.push(...(await docker.recover(mine)));
    } else if (mine.length > 0) {
      // Without a daemon the docker containers can be neither watched nor reported; their tasks fail, saying why.
      const lost = new LostContainers(this.options.dockerUnavailable ?? 'the docker containerizer is not available');
      for (const c of mine) this.route(c.containerId, lost);
    }
    return running;
  }

  usage(containerId: string): Promise<Record<string, number>> {
    return this.owner(containerId).usage(containerId);
  }

  /** view forwards to the container's owner; undefined when the owner keeps no container view (docker). */
  async view(containerId: string): Promise<ContainerView | undefined> {
    const owner = this.owner(containerId);
    return owner.view ? owner.view(containerId) : undefined;
  }

  /** samples forwards to the container's owner; undefined when the owner keeps no samples (docker). */
  samples(containerId: string, sinceMs?: number): Array<HistorySample<ContainerView>> | undefined {
    return this.owner(containerId).samples?.(containerId, sinceMs);
  }

  containers(): string[] {
    return [...(this.options.docker?.containers() ?? []), ...this.options.other.containers()];
  }

  async destroyAll(gracePeriodMs: number): Promise<void> {
    await Promise.all([this.options.docker?.destroyAll(gracePeriodMs), this.options.other.destroyAll(gracePeriodMs)]);
  }

  async dispose(): Promise<void> {
    this.routes.clear();
    await Promise.all([this.options.docker?.dispose(), this.options.other.dispose()]);
  }

  private pick(type: ContainerType): Containerizer {
    const { docker, other } = this.options;
    if (type !== 'DOCKER') return other;
    if (docker) return docker;
    if (launchesType(other, 'DOCKER')) return other;
    throw new CoreError('UNAVAILABLE', `Docker containerizer is not available: ${this.options.dockerUnavailable ?? 'it was not configured'}`);
  }

  private route(containerId: string, target: Routed): void {
    this.routes.delete(containerId);
    this.routes.set(containerId, target);
    if (this.routes.size > MAX_ROUTES) {
      const oldest = this.routes.keys().next();
      if (!oldest.done) this.routes.delete(oldest.value);
    }
  }

  private owner(containerId: string): Routed {
    const known = this.routes.get(containerId);
    if (known) return known;
    return this.options.docker?.containers().includes(containerId) ? this.options.docker : this.options.other;
  }
}

/** LostContainers answers for checkpointed docker containers an agent without a Docker daemon cannot follow. */
class LostContainers implements Routed {
  constructor(private readonly reason: string) {}

  wait(): Promise<Termination> {
    return Promise.resolve({ state: 'TASK_FAILED', reason: 'REASON_CONTAINER_UPDATE_FAILED', message: `Cannot recover the Docker container: ${this.reason}` });
  }

  kill(): Promise<void> {
    return Promise.resolve();
  }

  usage(containerId: string): Promise<Record<string, number>> {
    return Promise.reject(new CoreError('NOT_FOUND', `Unknown container '${containerId}'`));
  }
}
