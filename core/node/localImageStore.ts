import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import {
  chainId,
  hiddenPaths,
  normalizeImageName,
  ociManifestFromIndex,
  parseDockerSave,
  parseImageConfig,
  parseOciManifest,
  whiteoutOf,
  type ImageSource,
  type StoredImage,
  type Whiteout,
} from '../containerizer/provisioner/image.js';

const run = promisify(execFile);

/** imageStoreDir is where an agent keeps imported images: `<work_dir>/store/images`. */
export function imageStoreDir(workDir: string): string {
  return join(workDir, 'store', 'images');
}

/**
 * LocalImageStore is the agent's local image store (Mesos's docker store without a puller): images are imported
 * from a `docker save` tarball or an OCI layout, each layer extracted once (by Debian's `tar`) into a directory
 * named by its chain id, with its whiteouts turned into overlayfs whiteouts (0/0 character devices), and an index
 * `images.json` maps `repo:tag` to layers and config.
 */
export class LocalImageStore {
  readonly root: string;

  constructor(workDir: string) {
    this.root = imageStoreDir(workDir);
  }

  /** layerRootfs is the extracted tree of the layer `id`. */
  layerRootfs(id: string): string {
    return join(this.root, 'layers', id, 'rootfs');
  }

  /** hidden lists the lower paths the layer `id` whites out (for the copy backend). */
  async hidden(id: string): Promise<string[]> {
    return JSON.parse(await readFile(join(this.root, 'layers', id, 'hidden.json'), 'utf8')) as string[];
  }

  /** list returns every stored image, by name. */
  async list(): Promise<StoredImage[]> {
    return Object.values(await this.index()).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** get returns the stored image `name` (normalised), or undefined. */
  async get(name: string): Promise<StoredImage | undefined> {
    return (await this.index())[normalizeImageName(name)];
  }

  /**
   * import reads `source` (a `docker save` tarball or an OCI layout directory) and stores it under `name`, or under
   * the names the source carries; it returns the stored entries.
   */
  async import(source: string, name?: string): Promise<StoredImage[]> {
    await mkdir(join(this.root, 'tmp'), { recursive: true });
    const scratch = await mkdtemp(join(this.root, 'tmp', 'import-'));
    try {
      let dir = source;
      if (!(await stat(source)).isDirectory()) {
        await run('tar', ['-xf', source, '-C', scratch]);
        dir = scratch;
      }
      const image = await readSource(dir, name);
      const names = name !== undefined ? [normalizeImageName(name)] : image.names;
      if (names.length === 0) throw new Error(`'${source}' names no image; give one with --name repo:tag`);
      const layers: string[] = [];
      for (const layer of image.layers) {
        const file = join(dir, layer.path);
        const id = chainId(layers.at(-1), await sha256File(file));
        await this.extractLayer(file, id, layers);
        layers.push(id);
      }
      const config = parseImageConfig(await readFile(join(dir, image.configPath), 'utf8'));
      const importedAt = new Date().toISOString();
      const stored = names.map((n) => ({ name: n, layers, config, importedAt }));
      const index = await this.index();
      for (const s of stored) index[s.name] = s;
      await writeFile(join(this.root, 'images.json.tmp'), `${JSON.stringify(index, null, 2)}\n`);
      await rename(join(this.root, 'images.json.tmp'), join(this.root, 'images.json'));
      return stored;
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  private async index(): Promise<Record<string, StoredImage>> {
    try {
      return JSON.parse(await readFile(join(this.root, 'images.json'), 'utf8')) as Record<string, StoredImage>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
  }

  /** extractLayer unpacks one layer over `lowers` (unless already stored) and converts its whiteouts. */
  private async extractLayer(file: string, id: string, lowers: readonly string[]): Promise<void> {
    const final = join(this.root, 'layers', id);
    if (await exists(join(final, 'hidden.json'))) return;
    const tmp = `${final}.tmp`;
    await rm(tmp, { recursive: true, force: true });
    const rootfs = join(tmp, 'rootfs');
    await mkdir(rootfs, { recursive: true });
    // GNU tar detects gzip itself; as root it keeps owners and modes, which the image's files need.
    await run('tar', ['-xpf', file, '-C', rootfs, '--numeric-owner', '--no-overwrite-dir']);
    const whiteouts: Array<{ marker: string; w: Whiteout }> = [];
    await walk(rootfs, '', (rel) => {
      const w = whiteoutOf(rel);
      if (w) whiteouts.push({ marker: rel, w });
    });
    const listDir = async (base: string, dir: string): Promise<string[]> => {
      try {
        return await readdir(join(base, dir));
      } catch {
        return [];
      }
    };
    const lowerEntries = new Map<string, string[]>();
    const ownEntries = new Map<string, string[]>();
    for (const { w } of whiteouts) {
      if (w.kind !== 'opaque') continue;
      const all = new Set<string>();
      for (const lower of lowers) for (const e of await listDir(this.layerRootfs(lower), w.dir)) all.add(e);
      lowerEntries.set(w.dir, [...all]);
      ownEntries.set(w.dir, (await listDir(rootfs, w.dir)).filter((e) => !e.startsWith('.wh.')));
    }
    const hidden = hiddenPaths(
      whiteouts.map((x) => x.w),
      (d) => lowerEntries.get(d) ?? [],
      (d) => ownEntries.get(d) ?? [],
    );
    for (const { marker } of whiteouts) await rm(join(rootfs, marker), { force: true });
    for (const p of hidden) {
      const target = join(rootfs, p);
      if (await exists(target)) continue;
      await mkdir(dirname(target), { recursive: true });
      await run('mknod', [target, 'c', '0', '0']);
    }
    await writeFile(join(tmp, 'hidden.json'), `${JSON.stringify(hidden)}\n`);
    await rm(final, { recursive: true, force: true });
    await rename(tmp, final);
  }
}

/** readSource finds the layers and config of a docker-save tree or an OCI layout at `dir`. */
async function readSource(dir: string, name?: string): Promise<ImageSource> {
  if (await exists(join(dir, 'manifest.json'))) return parseDockerSave(await readFile(join(dir, 'manifest.json'), 'utf8'));
  if (!(await exists(join(dir, 'index.json')))) throw new Error(`'${dir}' is neither a docker save tarball (manifest.json) nor an OCI layout (index.json)`);
  const tag = name === undefined ? undefined : normalizeImageName(name).slice(normalizeImageName(name).lastIndexOf(':') + 1);
  let picked = ociManifestFromIndex(await readFile(join(dir, 'index.json'), 'utf8'), tag);
  const refName = picked.refName;
  for (let depth = 0; picked.nested && depth < 4; depth++) {
    picked = ociManifestFromIndex(await readFile(join(dir, blobPathOf(picked.descriptor.digest)), 'utf8'));
  }
  const names = refName !== undefined && refName.includes(':') ? [normalizeImageName(refName)] : [];
  return parseOciManifest(await readFile(join(dir, blobPathOf(picked.descriptor.digest)), 'utf8'), names);
}

function blobPathOf(digest: string): string {
  const [alg, hex] = digest.split(':');
  if (!alg || !hex || !/^[a-f0-9]+$/.test(hex)) throw new Error(`invalid digest '${digest}'`);
  return join('blobs', alg, hex);
}

async function walk(base: string, rel: string, visit: (rel: string) => void): Promise<void> {
  for (const e of await readdir(join(base, rel), { withFileTypes: true })) {
    const child = rel === '' ? e.name : `${rel}/${e.name}`;
    visit(child);
    if (e.isDirectory()) await walk(base, child, visit);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => hash.update(d))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}
