import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  blobPath,
  chainId,
  chrootPrefix,
  envExports,
  hiddenPaths,
  normalizeImageName,
  notInStoreMessage,
  ociManifestFromIndex,
  parseDockerSave,
  parseImageConfig,
  parseOciManifest,
  rootfsMountLines,
  whiteoutOf,
} from '../../../core/containerizer/provisioner/image.js';
import { imageNameOf } from '../../../core/containerizer/provisioner/provisioner.js';

const HEX = 'a'.repeat(64);

describe('provisioner image parsing', () => {
  it('normalises image names to repo:tag', () => {
    assert.equal(normalizeImageName('busybox'), 'busybox:latest', 'default tag');
    assert.equal(normalizeImageName('library/busybox:1.36'), 'busybox:1.36', 'library/ dropped');
    assert.equal(normalizeImageName('docker.io/plateau/busybox'), 'plateau/busybox:latest', 'docker.io dropped');
    assert.equal(normalizeImageName('localhost:5000/x'), 'localhost:5000/x:latest', 'a registry port is not a tag');
    assert.throws(() => normalizeImageName(' '), /empty/, 'empty names are refused');
  });

  it('reads a docker save manifest', () => {
    const src = parseDockerSave(JSON.stringify([{ Config: 'c.json', RepoTags: ['plateau/busybox:latest'], Layers: ['l1/layer.tar', 'l2/layer.tar'] }]));
    assert.deepEqual(src, { names: ['plateau/busybox:latest'], configPath: 'c.json', layers: [{ path: 'l1/layer.tar' }, { path: 'l2/layer.tar' }] }, 'layers bottom first');
    assert.throws(() => parseDockerSave(JSON.stringify([{ Config: 'c.json', Layers: ['../x'] }])), /unsafe path/, 'no escaping the tarball');
    assert.throws(() => parseDockerSave('[]'), /no image/, 'an empty manifest');
  });

  it('reads an OCI index and manifest', () => {
    const index = JSON.stringify({ manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${HEX}`, annotations: { 'org.opencontainers.image.ref.name': 'x/y:1' } }] });
    const picked = ociManifestFromIndex(index);
    assert.equal(picked.nested, false, 'a manifest, not an index');
    assert.equal(picked.refName, 'x/y:1', 'the ref name');
    assert.equal(blobPath(`sha256:${HEX}`), `blobs/sha256/${HEX}`, 'blob path');
    const src = parseOciManifest(JSON.stringify({ config: { digest: `sha256:${HEX}` }, layers: [{ digest: `sha256:${'b'.repeat(64)}` }] }), ['x/y:1']);
    assert.deepEqual(src.layers, [{ path: `blobs/sha256/${'b'.repeat(64)}` }], 'layer blobs');
    assert.throws(() => blobPath('sha256:../../etc'), /invalid digest/, 'digests are validated');
  });

  it('keeps Env, Cmd, Entrypoint and WorkingDir of an image config', () => {
    const c = parseImageConfig(JSON.stringify({ config: { Env: ['A=1'], Cmd: ['/bin/sh'], Entrypoint: null, WorkingDir: '/w', Labels: {} } }));
    assert.deepEqual(c, { Env: ['A=1'], Cmd: ['/bin/sh'], WorkingDir: '/w' }, 'config fields');
    assert.deepEqual(parseImageConfig('{}'), {}, 'no config at all');
  });

  it('names layers by their chain', () => {
    assert.equal(chainId(undefined, HEX), HEX, 'the bottom layer is its digest');
    assert.notEqual(chainId(HEX, HEX), HEX, 'a layer above another differs');
    assert.equal(chainId(HEX, 'c'.repeat(64)), chainId(HEX, 'c'.repeat(64)), 'deterministic');
  });

  it('applies the whiteout rules', () => {
    assert.deepEqual(whiteoutOf('etc/.wh.passwd'), { kind: 'file', target: 'etc/passwd' }, 'file whiteout');
    assert.deepEqual(whiteoutOf('.wh.top'), { kind: 'file', target: 'top' }, 'top-level whiteout');
    assert.deepEqual(whiteoutOf('var/cache/.wh..wh..opq'), { kind: 'opaque', dir: 'var/cache' }, 'opaque directory');
    assert.equal(whiteoutOf('etc/passwd'), undefined, 'ordinary file');
    const hidden = hiddenPaths(
      [{ kind: 'file', target: 'etc/passwd' }, { kind: 'opaque', dir: 'var/cache' }],
      (d) => (d === 'var/cache' ? ['a', 'b', 'kept'] : []),
      (d) => (d === 'var/cache' ? ['kept'] : []),
    );
    assert.deepEqual(hidden, ['etc/passwd', 'var/cache/a', 'var/cache/b'], 'opaque hides lower entries the layer does not provide');
  });
});

describe('provisioner launch lines', () => {
  it('merges the image Env under the task env', () => {
    const lines = envExports(['PATH=/img/bin', 'HOME=/root', 'BAD-NAME=x', 'Q=it\'s'], { HOME: '/task' });
    assert.deepEqual(lines, ["export PATH='/img/bin'", "export Q='it'\\''s'", "export MESOS_SANDBOX='/mnt/mesos/sandbox'"], 'task wins, bad names dropped');
  });

  it('mounts the overlay, /proc, /dev and the sandbox', () => {
    const lines = rootfsMountLines('/usr/bin/mount', { rootfs: '/w/r', sandboxDir: '/s', overlay: { lowerDirs: ['/l2', '/l1'], upperDir: '/w/u', workDir: '/w/w' } });
    assert.match(lines[0] as string, /-t overlay overlay -o 'lowerdir=\/l2:\/l1,upperdir=\/w\/u,workdir=\/w\/w' '\/w\/r'/, 'overlay, top layer first');
    assert.ok(lines.some((l) => l.includes("--bind '/s' '/w/r/mnt/mesos/sandbox'")), 'sandbox bind');
    assert.ok(lines.some((l) => l.includes("--rbind /proc '/w/r'/proc")), '/proc');
    const copy = rootfsMountLines('/usr/bin/mount', { rootfs: '/w/r', sandboxDir: '/s' });
    assert.ok(!copy.some((l) => l.includes('overlay')), 'no overlay for a copy');
  });

  it('enters the image with unshare --root, optionally as a user', () => {
    const argv = chrootPrefix('/bin/sh', '/usr/bin/unshare', '/w/r', ['export A=1'], 'nobody');
    assert.equal(argv[0], '/bin/sh', 'host shell');
    assert.match(argv[2] as string, /--root="\$r" --wd='\/mnt\/mesos\/sandbox' --setuid=/, 'root, wd and ids');
    assert.deepEqual(argv.slice(3), ['plateau-chroot', '/w/r', 'nobody'], 'arguments');
  });

  it('reads the image a task names', () => {
    assert.equal(imageNameOf(undefined), undefined, 'no container');
    assert.equal(imageNameOf({ type: 'MESOS', mesos: { image: { type: 'DOCKER', docker: { name: 'a/b' } } } }), 'a/b', 'docker image');
    assert.throws(() => imageNameOf({ type: 'MESOS', mesos: { image: { type: 'APPC', appc: {} } } }), /unsupported image type/, 'appc refused');
    assert.match(notInStoreMessage('x'), /^image 'x' is not in the local store; import it with `plateau image import`$/, 'message');
  });
});
