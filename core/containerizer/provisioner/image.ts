/**
 * Pure parts of the provisioner (Mesos's `provisioner/` with its docker store): image names, the two on-disk image
 * formats we import (a `docker save` tarball and an OCI image layout), the image config, whiteout rules, and the shell
 * lines that put a task into its assembled root filesystem. No I/O here, so all of it is unit tested as text.
 */
import { createHash } from 'node:crypto';
import { shellQuote } from '../linuxLaunch.js';

/** ImageConfig is the part of an image's config a task's launch uses (Docker/OCI `config` field names). */
export interface ImageConfig {
  Env?: string[];
  Cmd?: string[];
  Entrypoint?: string[];
  WorkingDir?: string;
}

/** LayerRef names one layer file of an image being imported, bottom layer first, relative to the image's root. */
export interface LayerRef {
  path: string;
}

/** ImageSource is what an import read from a tarball or OCI layout before extracting anything. */
export interface ImageSource {
  /** names are the `repo:tag`s the source carries (RepoTags or `org.opencontainers.image.ref.name`). */
  names: string[];
  /** configPath is the image config JSON's path relative to the source root. */
  configPath: string;
  /** layers are bottom first, as in the manifest. */
  layers: LayerRef[];
}

/** StoredImage is one entry of the local image store's index. */
export interface StoredImage {
  name: string;
  /** layers are the store's layer ids (chain ids), bottom first. */
  layers: string[];
  config: ImageConfig;
  importedAt: string;
}

/** CONTAINER_SANDBOX is where the sandbox appears inside an image's root filesystem, as in Mesos. */
export const CONTAINER_SANDBOX = '/mnt/mesos/sandbox';

/**
 * normalizeImageName turns `busybox`, `library/busybox`, `docker.io/library/busybox:1` into one `repo:tag` key
 * (default tag `latest`), so the name a task gives and the name an import recorded compare equal.
 */
export function normalizeImageName(name: string): string {
  let n = name.trim();
  if (n === '') throw new Error('empty image name');
  const at = n.indexOf('@');
  if (at >= 0) n = n.slice(0, at);
  n = n.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '').replace(/^library\//, '');
  const slash = n.lastIndexOf('/');
  const colon = n.lastIndexOf(':');
  return colon > slash ? n : `${n}:latest`;
}

/** parseDockerSave reads a `docker save` tarball's `manifest.json` (first image; its RepoTags name it). */
export function parseDockerSave(manifestJson: string): ImageSource {
  const manifest = JSON.parse(manifestJson) as unknown;
  if (!Array.isArray(manifest) || manifest.length === 0) throw new Error('manifest.json lists no image');
  const first = manifest[0] as { Config?: unknown; RepoTags?: unknown; Layers?: unknown };
  if (typeof first.Config !== 'string' || !Array.isArray(first.Layers)) throw new Error('manifest.json: Config or Layers missing');
  const names = Array.isArray(first.RepoTags) ? first.RepoTags.filter((t): t is string => typeof t === 'string').map(normalizeImageName) : [];
  return { names, configPath: safeRelative(first.Config), layers: first.Layers.map((l) => ({ path: safeRelative(String(l)) })) };
}

/** OciDescriptor is an OCI content descriptor (only the fields we read). */
export interface OciDescriptor {
  mediaType?: string;
  digest: string;
  annotations?: Record<string, string>;
}

/** blobPath is where an OCI layout keeps the blob with `digest` (`blobs/<alg>/<hex>`). */
export function blobPath(digest: string): string {
  const m = /^([a-z0-9]+):([a-f0-9]{32,})$/.exec(digest);
  if (!m) throw new Error(`invalid digest '${digest}'`);
  return `blobs/${m[1] as string}/${m[2] as string}`;
}

/**
 * ociManifestFromIndex picks the image manifest an OCI `index.json` points at: the one whose ref name matches `tag`
 * when given, else the first; a nested index is reported so the caller reads it and asks again.
 */
export function ociManifestFromIndex(indexJson: string, tag?: string): { descriptor: OciDescriptor; nested: boolean; refName?: string } {
  const index = JSON.parse(indexJson) as { manifests?: OciDescriptor[] };
  const manifests = index.manifests ?? [];
  if (manifests.length === 0) throw new Error('OCI index lists no manifest');
  const ref = (d: OciDescriptor): string | undefined => d.annotations?.['org.opencontainers.image.ref.name'];
  const chosen = (tag !== undefined ? manifests.find((d) => ref(d) === tag) : undefined) ?? manifests[0] as OciDescriptor;
  const nested = chosen.mediaType === 'application/vnd.oci.image.index.v1+json' || chosen.mediaType === 'application/vnd.docker.distribution.manifest.list.v2+json';
  const refName = ref(chosen);
  return { descriptor: chosen, nested, ...(refName !== undefined ? { refName } : {}) };
}

/** parseOciManifest reads an OCI image manifest into the config and layer blob paths. */
export function parseOciManifest(manifestJson: string, names: string[]): ImageSource {
  const manifest = JSON.parse(manifestJson) as { config?: OciDescriptor; layers?: OciDescriptor[] };
  if (!manifest.config || !Array.isArray(manifest.layers)) throw new Error('OCI manifest: config or layers missing');
  return { names, configPath: blobPath(manifest.config.digest), layers: manifest.layers.map((l) => ({ path: blobPath(l.digest) })) };
}

/** parseImageConfig keeps what a launch needs from an image config JSON (Docker's and OCI's share `config`). */
export function parseImageConfig(configJson: string): ImageConfig {
  const raw = JSON.parse(configJson) as { config?: Record<string, unknown> | null };
  const c = raw.config ?? {};
  const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : undefined);
  const out: ImageConfig = {};
  const env = strings(c.Env);
  const cmd = strings(c.Cmd);
  const entrypoint = strings(c.Entrypoint);
  if (env) out.Env = env;
  if (cmd) out.Cmd = cmd;
  if (entrypoint) out.Entrypoint = entrypoint;
  if (typeof c.WorkingDir === 'string' && c.WorkingDir !== '') out.WorkingDir = c.WorkingDir;
  return out;
}

/** chainId names a layer by its content and everything under it (Docker's ChainID), so a layer dir is reusable. */
export function chainId(parent: string | undefined, layerDigest: string): string {
  return parent === undefined ? layerDigest : createHash('sha256').update(`sha256:${parent} sha256:${layerDigest}`).digest('hex');
}

/** Whiteout is what one `.wh.` entry of a layer means. */
export type Whiteout = { kind: 'file'; target: string } | { kind: 'opaque'; dir: string };

/**
 * whiteoutOf says what the layer entry at `path` (relative, `/`-separated) means: `.wh..wh..opq` hides everything below
 * its directory, `.wh.<name>` hides `<name>` of lower layers, anything else is an ordinary file (undefined).
 */
export function whiteoutOf(path: string): Whiteout | undefined {
  const slash = path.lastIndexOf('/');
  const dir = slash < 0 ? '' : path.slice(0, slash);
  const base = path.slice(slash + 1);
  if (base === '.wh..wh..opq') return { kind: 'opaque', dir };
  if (base.startsWith('.wh.') && base.length > 4) return { kind: 'file', target: dir === '' ? base.slice(4) : `${dir}/${base.slice(4)}` };
  return undefined;
}

/**
 * hiddenPaths turns a layer's whiteouts into the explicit list of lower paths it hides: a file whiteout hides its
 * target, an opaque directory hides each lower entry of that directory the layer does not itself provide. Both the
 * overlay form (a 0/0 character device per path) and the copy backend (delete per path) are made from this list.
 */
export function hiddenPaths(whiteouts: readonly Whiteout[], lowerEntries: (dir: string) => string[], ownEntries: (dir: string) => string[]): string[] {
  const out = new Set<string>();
  for (const w of whiteouts) {
    if (w.kind === 'file') out.add(w.target);
    else {
      const own = new Set(ownEntries(w.dir));
      for (const name of lowerEntries(w.dir)) if (!own.has(name)) out.add(w.dir === '' ? name : `${w.dir}/${name}`);
    }
  }
  return [...out].sort();
}

/**
 * envExports are the shell lines giving a task its image's `Env` under its own: a variable the task sets wins, and
 * `MESOS_SANDBOX` points at the sandbox as seen inside the image. Names that are not shell identifiers are dropped.
 */
export function envExports(imageEnv: readonly string[], taskEnv: Readonly<Record<string, string>>): string[] {
  const lines: string[] = [];
  for (const entry of imageEnv) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const name = entry.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || name in taskEnv) continue;
    lines.push(`export ${name}=${shellQuote(entry.slice(eq + 1))}`);
  }
  lines.push(`export MESOS_SANDBOX=${shellQuote(CONTAINER_SANDBOX)}`);
  return lines;
}

/** RootfsPlan says how one container's root filesystem is put together inside its mount namespace. */
export interface RootfsPlan {
  rootfs: string;
  sandboxDir: string;
  /** overlay, when set, mounts the layers (top first) with upper and work directories over `rootfs`; else it is a copy. */
  overlay?: { lowerDirs: string[]; upperDir: string; workDir: string };
}

/**
 * rootfsMountLines are wrapper prelude lines (run as PID 1 of the container's private mount namespace, so every mount
 * goes away with the namespace): the overlay, the container's own `/proc` (with any lxcfs files), the host's `/dev`, and
 * the sandbox at `/mnt/mesos/sandbox`.
 */
export function rootfsMountLines(mount: string, plan: RootfsPlan): string[] {
  const m = shellQuote(mount);
  const r = shellQuote(plan.rootfs);
  const fail = (what: string): string => `|| { echo 'plateau: failed to ${what}' >&2; exit 1; }`;
  const lines: string[] = [];
  if (plan.overlay) {
    const o = plan.overlay;
    lines.push(`${m} -t overlay overlay -o ${shellQuote(`lowerdir=${o.lowerDirs.join(':')},upperdir=${o.upperDir},workdir=${o.workDir}`)} ${r} ${fail('mount the image overlay')}`);
  }
  lines.push(
    `mkdir -p ${r}/proc ${r}/dev ${r}/tmp ${shellQuote(`${plan.rootfs}${CONTAINER_SANDBOX}`)} ${fail('make mount points in the image')}`,
    `${m} --rbind /proc ${r}/proc ${fail('mount /proc in the image')}`,
    `${m} --rbind /dev ${r}/dev ${fail('mount /dev in the image')}`,
    `${m} --bind ${shellQuote(plan.sandboxDir)} ${shellQuote(`${plan.rootfs}${CONTAINER_SANDBOX}`)} ${fail('mount the sandbox in the image')}`,
  );
  return lines;
}

/**
 * chrootPrefix is the argv put before the task's: a host shell that exports the image's environment and execs
 * util-linux `unshare --root --wd` (no new namespaces: it only changes root and enters the sandbox, as `user`'s uid
 * and gid when given), so the task's own argv — `/bin/sh` for shell commands — is resolved inside the image and the
 * task starts in `/mnt/mesos/sandbox`.
 */
export function chrootPrefix(shell: string, unshare: string, rootfs: string, exports: readonly string[], user?: string): string[] {
  const ids = user === undefined ? '' : ' --setuid="$(id -u -- "$u")" --setgid="$(id -g -- "$u")"';
  const script = [
    'r=$1; u=$2; shift 2',
    ...exports,
    `exec ${shellQuote(unshare)} --root="$r" --wd=${shellQuote(CONTAINER_SANDBOX)}${ids} -- "$@"`,
  ].join('\n');
  return [shell, '-c', script, 'plateau-chroot', rootfs, user ?? ''];
}

/** notInStoreMessage is the launch failure for an image the store does not hold, telling the operator the fix. */
export function notInStoreMessage(name: string): string {
  return `image '${name}' is not in the local store; import it with \`plateau image import\``;
}

function safeRelative(p: string): string {
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  if (p.startsWith('/') || parts.some((s) => s === '..')) throw new Error(`unsafe path '${p}' in image`);
  return parts.join('/');
}
