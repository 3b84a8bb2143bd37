import type { ImageConfig, RootfsPlan } from './image.js';

/**
 * Provisioner is what the Mesos containerizer asks for a container's root filesystem (Mesos's `Provisioner`): it
 * resolves a task's image from the local store and lays out the directories, while the mounts themselves are made by
 * the container's wrapper inside its own mount namespace, so they die with it and never leak onto the host.
 */
export interface Provisioner {
  /** provision prepares `containerId`'s root filesystem from `imageName`; it rejects when the image is not stored. */
  provision(containerId: string, sandboxDir: string, imageName: string): Promise<{ plan: RootfsPlan; config: ImageConfig }>;
  /** destroy removes what `provision` made for a container that is over (idempotent). */
  destroy(containerId: string): Promise<void>;
  /** recover removes the root filesystems of containers not in `running`, after an agent restart. */
  recover(running: readonly string[]): Promise<void>;
  /** backend says how root filesystems are assembled here: `overlay` or `copy`. */
  backend(): Promise<'overlay' | 'copy'>;
}

/**
 * imageNameOf reads the image a task names (`container.type=MESOS`, `mesos.image` of type DOCKER), undefined when it
 * names none; other image types are refused with a reason, as Plateau has no appc store.
 */
export function imageNameOf(container: { type?: string; mesos?: Record<string, unknown> } | undefined): string | undefined {
  if (container?.type !== 'MESOS' || container.mesos === undefined) return undefined;
  const image = container.mesos.image as { type?: string; docker?: { name?: unknown } } | undefined;
  if (image === undefined) return undefined;
  if (image.type !== 'DOCKER') throw new Error(`unsupported image type '${String(image.type)}' (only DOCKER images are provisioned)`);
  if (typeof image.docker?.name !== 'string' || image.docker.name === '') throw new Error('mesos.image.docker.name is missing');
  return image.docker.name;
}
