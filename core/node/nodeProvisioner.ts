import { execFile } from 'node:child_process';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreError } from '../common/errors.js';
import { notInStoreMessage, type ImageConfig, type RootfsPlan } from '../containerizer/provisioner/image.js';
import type { Provisioner } from '../containerizer/provisioner/provisioner.js';
import { LocalImageStore } from './localImageStore.js';

const run = promisify(execFile);

/** NodeProvisionerOptions configure where root filesystems go and which binaries assemble them. */
export interface NodeProvisionerOptions {
  /** workDir is the agent's `--work_dir`: images are read from its store, root filesystems made under `provisioner/`. */
  workDir: string;
  /** backend forces `overlay` or `copy`; by default overlay when a test mount of it succeeds here. */
  backend?: 'overlay' | 'copy';
  /** unshare and mount are util-linux's, used for the overlay probe. */
  unshare?: string;
  mount?: string;
}

/**
 * NodeProvisioner lays out each container's root filesystem under `<work_dir>/provisioner/containers/<id>`: for the
 * overlay backend an `upper` and `work` directory and an empty `rootfs` mount point (the wrapper mounts the overlay
 * of the image's layers there inside the container's mount namespace); for the copy backend a full copy of the
 * layers with their whiteouts applied. Either way the host keeps only plain directories, removed on destroy.
 */
export class NodeProvisioner implements Provisioner {
  readonly store: LocalImageStore;
  private readonly containersDir: string;
  private chosen: Promise<'overlay' | 'copy'> | undefined;

  constructor(private readonly options: NodeProvisionerOptions) {
    this.store = new LocalImageStore(options.workDir);
    this.containersDir = join(options.workDir, 'provisioner', 'containers');
    if (options.backend) this.chosen = Promise.resolve(options.backend);
  }

  /** backend probes once whether overlayfs can be mounted over directories of the work dir. */
  backend(): Promise<'overlay' | 'copy'> {
    this.chosen ??= this.probeOverlay();
    return this.chosen;
  }

  async provision(containerId: string, sandboxDir: string, imageName: string): Promise<{ plan: RootfsPlan; config: ImageConfig }> {
    const image = await this.store.get(imageName);
    if (!image) throw new CoreError('NOT_FOUND', notInStoreMessage(imageName));
    const dir = this.dirOf(containerId);
    const rootfs = join(dir, 'rootfs');
    await rm(dir, { recursive: true, force: true });
    await mkdir(rootfs, { recursive: true });
    try {
      if ((await this.backend()) === 'overlay') {
        const upperDir = join(dir, 'upper');
        const workDir = join(dir, 'work');
        await mkdir(upperDir);
        await mkdir(workDir);
        const lowerDirs = [...image.layers].reverse().map((id) => this.store.layerRootfs(id));
        return { plan: { rootfs, sandboxDir, overlay: { lowerDirs, upperDir, workDir } }, config: image.config };
      }
      for (const id of image.layers) {
        const hidden = await this.store.hidden(id);
        for (const p of hidden) await rm(join(rootfs, p), { recursive: true, force: true });
        await run('cp', ['-a', `${this.store.layerRootfs(id)}/.`, `${rootfs}/`]);
        for (const p of hidden) await rm(join(rootfs, p), { recursive: true, force: true });
      }
      return { plan: { rootfs, sandboxDir }, config: image.config };
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  async destroy(containerId: string): Promise<void> {
    await rm(this.dirOf(containerId), { recursive: true, force: true });
  }

  async recover(running: readonly string[]): Promise<void> {
    const keep = new Set(running);
    let names: string[];
    try {
      names = await readdir(this.containersDir);
    } catch {
      return;
    }
    for (const name of names) if (!keep.has(name)) await this.destroy(name);
  }

  private dirOf(containerId: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(containerId) || containerId === '.' || containerId === '..') throw new CoreError('INVALID', `Invalid container id '${containerId}'`);
    return join(this.containersDir, containerId);
  }

  private async probeOverlay(): Promise<'overlay' | 'copy'> {
    const probe = join(this.options.workDir, 'provisioner', 'overlay-probe');
    try {
      await rm(probe, { recursive: true, force: true });
      for (const d of ['lower', 'upper', 'work', 'merged']) await mkdir(join(probe, d), { recursive: true });
      // In a throwaway mount namespace, so the probe's mount cannot outlive it.
      await run(this.options.unshare ?? '/usr/bin/unshare', ['--mount', '--', this.options.mount ?? '/usr/bin/mount', '-t', 'overlay', 'overlay', '-o', `lowerdir=${probe}/lower,upperdir=${probe}/upper,workdir=${probe}/work`, `${probe}/merged`]);
      return 'overlay';
    } catch {
      return 'copy';
    } finally {
      await rm(probe, { recursive: true, force: true });
    }
  }
}
