// The provisioner against the real kernel: images imported from `docker save` (the test dockerd's busybox) and from
// an OCI layout made here, a two-layer image with whiteouts built by hand, tasks run inside the image through the
// Mesos containerizer (overlay and copy backends), recovery, and an agent reporting a missing image. Without root,
// cgroups or the test dockerd the suite skips with the reason, except under CI=true, where it fails instead.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CgroupFs } from '../../../core/containerizer/cgroups/cgroupFs.js';
import type { LaunchSpec } from '../../../core/containerizer/containerizer.js';
import { MesosContainerizer } from '../../../core/containerizer/mesosContainerizer.js';
import { PosixContainerizer } from '../../../core/containerizer/posixContainerizer.js';
import { ChildProcessLauncher } from '../../../core/node/childProcessLauncher.js';
import { LocalImageStore } from '../../../core/node/localImageStore.js';
import { NodeProvisioner } from '../../../core/node/nodeProvisioner.js';
import { SystemClock } from '../../../core/node/systemClock.js';
import { IN_CI, killMarked, linuxContainerProblem, runningWithMarker } from '../../harness/linuxContainers.js';
import { killAll, startPlateau, type PlateauProcess } from '../../harness/plateauProcess.js';
import { getJson, SchedulerClient, waitFor } from '../../harness/schedulerClient.js';
import { ensureTestDockerd, TEST_DOCKER_IMAGE, TEST_DOCKER_SOCKET } from '../../harness/testDockerd.js';

const env = await linuxContainerProblem();
const docker = env.problem === undefined ? await ensureTestDockerd() : {};
const problem = env.problem ?? docker.skip;
const skip = problem !== undefined && !IN_CI ? `cannot provision real containers here: ${problem}` : false;

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** ociFromDockerSave rewrites an extracted `docker save` tree as an OCI image layout (uncompressed layers). */
async function ociFromDockerSave(saved: string, out: string, refName: string): Promise<void> {
  const manifest = JSON.parse(await readFile(join(saved, 'manifest.json'), 'utf8'))[0] as { Config: string; Layers: string[] };
  await mkdir(join(out, 'blobs', 'sha256'), { recursive: true });
  const blob = async (data: Buffer): Promise<{ digest: string; size: number }> => {
    const hex = sha256(data);
    await writeFile(join(out, 'blobs', 'sha256', hex), data);
    return { digest: `sha256:${hex}`, size: data.length };
  };
  const config = await blob(await readFile(join(saved, manifest.Config)));
  const layers = [];
  for (const l of manifest.Layers) layers.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...(await blob(await readFile(join(saved, l)))) });
  const m = await blob(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config }, layers })));
  await writeFile(join(out, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(join(out, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m, annotations: { 'org.opencontainers.image.ref.name': refName } }] }));
}

/**
 * layeredImage builds a `docker save` tarball by hand: busybox's layer, a layer adding files, and a layer whiting one
 * out (`.wh.gone`) and making a directory opaque (`.wh..wh..opq`) while adding a file to it.
 */
async function layeredImage(saved: string, dir: string): Promise<string> {
  const base = JSON.parse(await readFile(join(saved, 'manifest.json'), 'utf8'))[0] as { Config: string; Layers: string[] };
  const tree = join(dir, 'tree');
  await mkdir(join(tree, 'l1', 'data', 'sub'), { recursive: true });
  await writeFile(join(tree, 'l1', 'data', 'gone'), 'lower\n');
  await writeFile(join(tree, 'l1', 'data', 'kept'), 'lower\n');
  await writeFile(join(tree, 'l1', 'data', 'sub', 'a'), 'lower\n');
  await mkdir(join(tree, 'l2', 'data', 'sub'), { recursive: true });
  await writeFile(join(tree, 'l2', 'data', '.wh.gone'), '');
  await writeFile(join(tree, 'l2', 'data', 'sub', '.wh..wh..opq'), '');
  await writeFile(join(tree, 'l2', 'data', 'sub', 'c'), 'upper\n');
  const img = join(dir, 'img');
  await mkdir(img);
  await copyFile(join(saved, base.Layers[0] as string), join(img, 'l0.tar'));
  execFileSync('tar', ['-cf', join(img, 'l1.tar'), '-C', join(tree, 'l1'), 'data']);
  execFileSync('tar', ['-cf', join(img, 'l2.tar'), '-C', join(tree, 'l2'), 'data']);
  await copyFile(join(saved, base.Config), join(img, 'config.json'));
  await writeFile(join(img, 'manifest.json'), JSON.stringify([{ Config: 'config.json', RepoTags: ['plateau/layered:v1'], Layers: ['l0.tar', 'l1.tar', 'l2.tar'] }]));
  const tarball = join(dir, 'layered.tar');
  execFileSync('tar', ['-cf', tarball, '-C', img, '.']);
  return tarball;
}

describe('the provisioner (docker save and OCI images, overlay and copy backends)', { skip, timeout: 180_000 }, () => {
  const clock = new SystemClock();
  const marker = `provisioner-${process.pid}`;
  const cgroupsRoot = `plateau-provisioner-test-${process.pid}`;
  let dir: string;
  let workDir: string;
  let savedTar: string;
  let saved: string;
  const owned: MesosContainerizer[] = [];

  const make = (backend: 'overlay' | 'copy'): MesosContainerizer => {
    const c = new MesosContainerizer({ launcher: new ChildProcessLauncher(), cgroups: env.fs as CgroupFs, clock, cgroupsRoot, lxcfsDir: '', sampleIntervalMs: 0, pollIntervalMs: 50, provisioner: new NodeProvisioner({ workDir, backend }) });
    owned.push(c);
    return c;
  };

  const spec = async (value: string, image: string): Promise<LaunchSpec> => {
    const containerId = randomUUID();
    const sandboxDir = join(dir, 'sandboxes', containerId);
    await mkdir(sandboxDir, { recursive: true });
    return {
      containerId,
      sandboxDir,
      command: { shell: true, value },
      env: { PLATEAU_TEST_MARKER: marker, MESOS_SANDBOX: sandboxDir, TASK_VAR: 'task' },
      resources: { cpus: 0.5, mem: 64 },
      container: { type: 'MESOS', mesos: { image: { type: 'DOCKER', docker: { name: image } } } },
    };
  };

  const mountsUnder = async (path: string): Promise<string[]> => (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').filter((l) => l.includes(path));
  const leftRootfses = async (): Promise<string[]> => readdir(join(workDir, 'provisioner', 'containers')).catch(() => []);

  before(async () => {
    if (problem !== undefined) throw new Error(`CI=true but the provisioner cannot run here: ${problem}`);
    dir = await mkdtemp(join(tmpdir(), 'plateau-provisioner-'));
    workDir = join(dir, 'agent');
    savedTar = join(dir, 'busybox.tar');
    execFileSync('docker', ['-H', `unix://${TEST_DOCKER_SOCKET}`, 'save', '-o', savedTar, TEST_DOCKER_IMAGE]);
    saved = join(dir, 'saved');
    await mkdir(saved);
    execFileSync('tar', ['-xf', savedTar, '-C', saved]);
  });

  after(async () => {
    for (const c of owned) await c.destroyAll(0).catch(() => undefined);
    for (const c of owned) await c.dispose();
    await killMarked(marker);
    await killAll();
    const fs = env.fs as CgroupFs | undefined;
    if (fs) {
      for (const name of await fs.children(cgroupsRoot)) {
        await fs.kill(`${cgroupsRoot}/${name}`);
        await fs.remove(`${cgroupsRoot}/${name}`);
      }
      await fs.remove(cgroupsRoot);
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('imports a docker save tarball and an OCI layout, and lists them', async () => {
    const store = new LocalImageStore(workDir);
    const fromTar = await store.import(savedTar);
    assert.deepEqual(fromTar.map((s) => s.name), ['plateau/busybox:latest'], 'named by RepoTags');
    const oci = join(dir, 'oci');
    await ociFromDockerSave(saved, oci, 'plateau/busybox-oci:1');
    const fromOci = await store.import(oci);
    assert.deepEqual(fromOci.map((s) => s.name), ['plateau/busybox-oci:1'], 'named by the ref name annotation');
    assert.deepEqual(fromOci[0]?.layers, fromTar[0]?.layers, 'the same layer is stored once');
    assert.deepEqual(fromOci[0]?.config.Cmd, ['/bin/sh'], 'the image config is kept');
    await store.import(await layeredImage(saved, join(dir, 'layered')));
    assert.deepEqual((await store.list()).map((s) => s.name), ['plateau/busybox-oci:1', 'plateau/busybox:latest', 'plateau/layered:v1'], 'all three listed');
    assert.ok(existsSync(join(store.layerRootfs(fromTar[0]?.layers[0] as string), 'bin', 'busybox')), 'the layer is extracted');
  });

  it('lists images through `plateau image list` and imports with --name', async () => {
    const out = execFileSync(process.execPath, ['bin/plateau.js', 'image', 'import', savedTar, '--name', 'renamed/busybox', '--work_dir', workDir], { encoding: 'utf8' });
    assert.match(out, /Imported renamed\/busybox:latest \(1 layers\)/, out);
    const list = execFileSync(process.execPath, ['bin/plateau.js', 'image', 'list', '--work_dir', workDir], { encoding: 'utf8' });
    assert.match(list, /^renamed\/busybox:latest\t1 layers/m, list);
  });

  for (const backend of ['overlay', 'copy'] as const) {
    it(`runs a task inside the image with the ${backend} backend and leaves nothing behind`, async () => {
      const c = make(backend);
      const prov = new NodeProvisioner({ workDir });
      if (backend === 'overlay') assert.equal(await prov.backend(), 'overlay', 'overlayfs is available on this host');
      const checks = [
        'test -x /bin/busybox',
        'test ! -e /etc/debian_version',
        'test -r /proc/self/status',
        'test "$MESOS_SANDBOX" = /mnt/mesos/sandbox',
        'test "$TASK_VAR" = task',
        'test "$(pwd)" = /mnt/mesos/sandbox',
        'echo inside > "$MESOS_SANDBOX/written"',
        'exit 7',
      ].join(' && ');
      const s = await spec(checks, 'plateau/busybox');
      await c.launch(s);
      const t = await c.wait(s.containerId);
      assert.equal(t.exitStatus, 7, `${t.message}: ${await readFile(join(s.sandboxDir, 'stderr'), 'utf8')}`);
      assert.equal(await readFile(join(s.sandboxDir, 'written'), 'utf8'), 'inside\n', 'the task wrote to its sandbox');
      const layered = await spec('test ! -e /data/gone && test -e /data/kept && test ! -e /data/sub/a && test -e /data/sub/c && test -x /bin/busybox', 'plateau/layered:v1');
      await c.launch(layered);
      const lt = await c.wait(layered.containerId);
      assert.equal(lt.exitStatus, 0, `whiteouts hide lower files: ${await readFile(join(layered.sandboxDir, 'stderr'), 'utf8')}`);
      assert.deepEqual(await mountsUnder(dir), [], 'no mounts left on the host');
      assert.deepEqual(await leftRootfses(), [], 'root filesystems removed');
      assert.deepEqual(await runningWithMarker(marker), [], 'no processes left');
    });
  }

  it('fails a task naming an image that is not stored', async () => {
    const c = make('overlay');
    const s = await spec('true', 'nowhere/missing:2');
    await assert.rejects(c.launch(s), /image 'nowhere\/missing:2' is not in the local store; import it with `plateau image import`/, 'the reason is given');
    assert.deepEqual(await leftRootfses(), [], 'nothing left');
  });

  it('refuses an image task in the posix containerizer instead of running it on the host', async () => {
    const posix = new PosixContainerizer({ launcher: new ChildProcessLauncher(), clock, pollIntervalMs: 50 });
    try {
      await assert.rejects(posix.launch(await spec('true', 'plateau/busybox')), /container images need the Mesos containerizer/, 'refused with the reason');
    } finally {
      await posix.dispose();
    }
  });

  it('keeps a running container rootfs across recovery and removes dead ones', async () => {
    const first = make('overlay');
    const s = await spec('sleep 1000', 'plateau/busybox');
    const status = await first.launch(s);
    await first.dispose();
    await mkdir(join(workDir, 'provisioner', 'containers', 'dead-container', 'rootfs'), { recursive: true });
    const second = make('overlay');
    const running = await second.recover([{ ...status, sandboxDir: s.sandboxDir }]);
    assert.deepEqual(running, [s.containerId], 'the container is recovered');
    assert.deepEqual(await leftRootfses(), [s.containerId], 'the dead rootfs is removed, the running one kept');
    await second.kill(s.containerId, 0);
    assert.deepEqual(await leftRootfses(), [], 'removed after the kill');
    assert.deepEqual(await mountsUnder(dir), [], 'no mounts left on the host');
  });

  describe('through an agent', () => {
    let master: PlateauProcess;
    let framework: SchedulerClient;
    const used = new Set<string>();

    const launch = async (id: string, cmd: string, image: string): Promise<void> => {
      const offers = await framework.next((e) => e.type === 'OFFERS' && e.offers.offers.some((o: any) => !used.has(o.id.value)), 15_000);
      const offer = offers.offers.offers.find((o: any) => !used.has(o.id.value));
      used.add(offer.id.value);
      const task = {
        name: id,
        task_id: { value: id },
        agent_id: offer.agent_id,
        resources: [
          { name: 'cpus', type: 'SCALAR', scalar: { value: 0.5 }, allocation_info: { role: '*' } },
          { name: 'mem', type: 'SCALAR', scalar: { value: 64 }, allocation_info: { role: '*' } },
        ],
        command: { shell: true, value: cmd },
        container: { type: 'MESOS', mesos: { image: { type: 'DOCKER', docker: { name: image } } } },
      };
      const res = await framework.call({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [task] } }], filters: { refuse_seconds: 0 } } });
      assert.equal(res.status, 202, res.body);
    };
    const update = (id: string, state: string): Promise<Record<string, any>> =>
      framework.next((e) => e.type === 'UPDATE' && e.update.status.task_id.value === id && ['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_LOST', 'TASK_ERROR', state].includes(e.update.status.state), 30_000);

    before(async () => {
      master = await startPlateau(['master', '--port=0', '--registry=in_memory', '--allocation_interval=100ms', '--quiet']);
      await startPlateau(['agent', `--master=${master.url}`, '--port=0', `--work_dir=${workDir}`, '--resources=cpus:2;mem:512;disk:1024;ports:[33100-33199]', '--isolation=cgroups/cpu,cgroups/mem,cgroups/pids', `--cgroups_root=${cgroupsRoot}`, `--lxcfs_dir=${join(dir, 'no-lxcfs')}`, '--registration_backoff_factor=100ms']);
      await waitFor(async () => (await getJson(`${master.url}/master/slaves`)).slaves.length === 1, 15_000, 'the agent registered');
      framework = new SchedulerClient(master.url);
      await framework.subscribe({ user: 'root', name: 'provisioner-test', roles: ['*'], capabilities: [{ type: 'MULTI_ROLE' }] });
      framework.acknowledgeUpdates();
    });

    after(() => framework?.close());

    it('runs a task in an imported image and fails one naming a missing image', async () => {
      await launch('in-image', 'test -x /bin/busybox && test ! -e /etc/debian_version', 'plateau/busybox');
      const done = await update('in-image', 'TASK_FINISHED');
      assert.equal(done.update.status.state, 'TASK_FINISHED', JSON.stringify(done.update.status));
      await launch('no-image', 'true', 'nowhere/missing');
      const failed = await update('no-image', 'TASK_FAILED');
      assert.equal(failed.update.status.state, 'TASK_FAILED', JSON.stringify(failed.update.status));
      assert.equal(failed.update.status.reason, 'REASON_CONTAINER_LAUNCH_FAILED', 'launch failure reason');
      assert.match(failed.update.status.message, /image 'nowhere\/missing' is not in the local store; import it with `plateau image import`/, 'the message says why');
    });
  });
});
