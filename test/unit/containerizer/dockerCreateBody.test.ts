import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoreError } from '../../../core/common/errors.js';
import type { LaunchSpec } from '../../../core/containerizer/containerizer.js';
import { dockerCreateBody } from '../../../core/containerizer/docker/dockerCreateBody.js';
import { parseDockerInfo } from '../../../core/containerizer/docker/dockerInfo.js';
import { applyDockerParameters, parseBytes } from '../../../core/containerizer/docker/dockerParameters.js';
import type { ContainerCreateBody } from '../../../core/containerizer/docker/dockerClient.js';

const HOST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function spec(docker: Record<string, unknown>, extra: Partial<LaunchSpec> = {}): LaunchSpec {
  return {
    containerId: 'c1',
    sandboxDir: '/work/sb',
    command: { shell: true, value: 'echo hi' },
    env: { PATH: HOST_PATH, MESOS_SANDBOX: '/work/sb', MESOS_TASK_ID: 't1' },
    resources: { cpus: 0.5, mem: 128 },
    container: { type: 'DOCKER', docker: { image: 'busybox', ...docker } },
    ...extra,
  };
}

const body = (s: LaunchSpec, labels: Record<string, string> = { 'plateau.container_id': s.containerId }, lxcfs?: string[]) =>
  dockerCreateBody(s, parseDockerInfo(s.container), { labels, ...(lxcfs ? { lxcfsProcFiles: lxcfs } : {}) });

const invalidWith = (pattern: RegExp) => (err: unknown) => err instanceof CoreError && err.code === 'INVALID' && pattern.test(err.message);

describe('dockerCreateBody', () => {
  it('builds what `docker run` would: name, shell entrypoint, env, limits, sandbox mount and host network', () => {
    const b = body(spec({}));
    assert.equal(b.name, 'mesos-c1', 'named mesos-<container id>');
    assert.deepEqual(b.Entrypoint, ['/bin/sh'], 'shell commands run in /bin/sh');
    assert.deepEqual(b.Cmd, ['-c', 'echo hi'], 'with -c');
    assert.deepEqual(b.Env, ['MESOS_SANDBOX=/mnt/mesos/sandbox', 'MESOS_TASK_ID=t1', 'MESOS_CONTAINER_NAME=mesos-c1'], "the host's default PATH is dropped so the image's applies");
    assert.equal(b.HostConfig.NetworkMode, 'host', 'HOST by default');
    assert.equal(b.HostConfig.CpuShares, 512, '1024 shares per cpu');
    assert.equal(b.HostConfig.CpuQuota, 50_000, 'quota = cpus × 100 ms');
    assert.equal(b.HostConfig.Memory, 128 * 1024 * 1024, 'memory limit');
    assert.equal(b.HostConfig.MemorySwap, 128 * 1024 * 1024, 'no swap');
    assert.deepEqual(b.HostConfig.Binds, ['/work/sb:/mnt/mesos/sandbox:rw'], 'sandbox mounted');
    assert.equal(b.HostConfig.Privileged, false, 'not privileged');
  });

  it('applies Mesos minimums for tiny resources and leaves limits off without resources', () => {
    const tiny = body(spec({}, { resources: { cpus: 0.001, mem: 1 } }));
    assert.equal(tiny.HostConfig.CpuShares, 2, 'MIN_CPU_SHARES');
    assert.equal(tiny.HostConfig.CpuQuota, 1000, 'MIN_CPU_CFS_QUOTA is 1 ms');
    assert.equal(tiny.HostConfig.Memory, 32 * 1024 * 1024, 'MIN_MEMORY is 32 MB');
    const none = body(spec({}, { resources: { cpus: 0, mem: 0 } }));
    assert.equal(none.HostConfig.CpuShares, undefined, 'no shares without cpus');
    assert.equal(none.HostConfig.Memory, undefined, 'no limit without mem');
  });

  it('passes argv commands to the image entrypoint and keeps the image command without one', () => {
    const argv = body(spec({}, { command: { shell: false, value: 'server', arguments: ['--port', '80'] } }));
    assert.equal(argv.Entrypoint, undefined, 'image entrypoint kept');
    assert.deepEqual(argv.Cmd, ['server', '--port', '80'], 'value then arguments, as Mesos does');
    const image = body(spec({}, { command: { shell: false } }));
    assert.equal(image.Cmd, undefined, 'image default command');
    assert.throws(() => body(spec({}, { command: { shell: true } })), invalidWith(/Shell specified but no command value provided/), 'shell needs a value');
  });

  it('maps networks, hostnames and port mappings, checking host ports against the task ports', () => {
    const bridged = body(spec({ network: 'BRIDGE', port_mappings: [{ host_port: 31001, container_port: 80 }, { host_port: '31002', container_port: '53', protocol: 'UDP' }] }, { hostPorts: [{ begin: 31000, end: 31005 }] }));
    assert.equal(bridged.HostConfig.NetworkMode, 'bridge', 'BRIDGE');
    assert.deepEqual(bridged.HostConfig.PortBindings, { '80/tcp': [{ HostPort: '31001' }], '53/udp': [{ HostPort: '31002' }] }, 'bindings');
    assert.deepEqual(bridged.ExposedPorts, { '80/tcp': {}, '53/udp': {} }, 'exposed');
    assert.throws(() => body(spec({ network: 'BRIDGE', port_mappings: [{ host_port: 40000, container_port: 80 }] }, { hostPorts: [{ begin: 31000, end: 31005 }] })), invalidWith(/^Port \[40000\] not included in resources$/), 'outside the ports');
    assert.throws(() => body(spec({ network: 'BRIDGE', port_mappings: [{ host_port: 31001, container_port: 80 }] })), invalidWith(/Port mappings require port resources/), 'no ports');
    assert.throws(() => body(spec({ network: 'NONE', port_mappings: [{ host_port: 31001, container_port: 80 }] }, { hostPorts: [{ begin: 31000, end: 31005 }] })), invalidWith(/only supported for bridge/), 'NONE has no ports');
    assert.equal(body(spec({ network: 'NONE' })).HostConfig.NetworkMode, 'none', 'NONE');
    const user = body({ ...spec({ network: 'USER' }), container: { type: 'DOCKER', docker: { image: 'busybox', network: 'USER' }, network_infos: [{ name: 'overlay-1' }], hostname: 'web' } });
    assert.equal(user.HostConfig.NetworkMode, 'overlay-1', 'USER uses network_infos[0].name');
    assert.equal(user.Hostname, 'web', 'ContainerInfo.hostname');
    assert.throws(() => body({ ...spec({}), container: { type: 'DOCKER', docker: { image: 'busybox' }, hostname: 'web' } }), invalidWith(/Unable to set hostname with host network mode/), 'no hostname on host network');
    assert.throws(() => parseDockerInfo({ type: 'DOCKER', docker: { image: 'busybox', network: 'USER' } }), invalidWith(/No network info found/), 'USER needs a network');
    assert.equal(body(spec({ network: 'BRIDGE', parameters: [{ key: 'net', value: 'mynet' }] })).HostConfig.NetworkMode, 'mynet', 'a net parameter overrides');
  });

  it('mounts volumes (relative host paths from the sandbox, relative container paths under it) and lxcfs files read-only', () => {
    const b = body(
      { ...spec({}), container: { type: 'DOCKER', docker: { image: 'busybox' }, volumes: [{ host_path: '/data', container_path: '/data', mode: 'RO' }, { host_path: 'cache', container_path: '/cache' }, { host_path: '/etc/ssl', container_path: 'ssl', mode: 'RO' }, { container_path: '/vol', source: { type: 'DOCKER_VOLUME', docker_volume: { name: 'named', driver: 'local' } } }] } },
      undefined,
      ['/var/lib/lxcfs/proc/meminfo', '/var/lib/lxcfs/proc/uptime'],
    );
    assert.deepEqual(
      b.HostConfig.Binds,
      ['/data:/data:ro', '/work/sb/cache:/cache:rw', '/etc/ssl:/mnt/mesos/sandbox/ssl:ro', 'named:/vol:rw', '/work/sb:/mnt/mesos/sandbox:rw', '/var/lib/lxcfs/proc/meminfo:/proc/meminfo:ro', '/var/lib/lxcfs/proc/uptime:/proc/uptime:ro'],
      'binds in order',
    );
    assert.equal(b.HostConfig.VolumeDriver, 'local', 'volume driver');
    assert.throws(() => parseDockerInfo({ type: 'DOCKER', docker: { image: 'x' }, volumes: [{ container_path: '/v', mode: 'RWX' }] }), invalidWith(/Unsupported volume mode/), 'bad mode');
    assert.throws(() => body({ ...spec({}), container: { type: 'DOCKER', docker: { image: 'x' }, volumes: [{ host_path: 'a', container_path: 'b' }] } }), invalidWith(/are relative/), 'both relative');
  });

  it('sets privileged and keeps our labels over parameter labels', () => {
    const b = body(spec({ privileged: 'true', parameters: [{ key: 'label', value: 'plateau.container_id=spoof' }, { key: 'label', value: 'team=a' }] }));
    assert.equal(b.HostConfig.Privileged, true, 'privileged (as a string, as Mesos JSON allows)');
    assert.deepEqual(b.Labels, { 'plateau.container_id': 'c1', team: 'a' }, 'labels');
  });

  it('validates DockerInfo', () => {
    assert.throws(() => parseDockerInfo({ type: 'DOCKER' }), invalidWith(/No docker info/), 'docker missing');
    assert.throws(() => parseDockerInfo({ type: 'DOCKER', docker: {} }), invalidWith(/image is required/), 'image missing');
    assert.throws(() => parseDockerInfo({ type: 'DOCKER', docker: { image: 'x', network: 'OVERLAY' } }), invalidWith(/Unsupported Docker network 'OVERLAY'/), 'bad network');
    assert.throws(() => parseDockerInfo({ type: 'DOCKER', docker: { image: 'x', port_mappings: [{ host_port: 0, container_port: 80 }] } }), invalidWith(/needs host_port and container_port/), 'bad port');
    assert.throws(() => parseDockerInfo({ type: 'MESOS' }), invalidWith(/ContainerInfo.type must be DOCKER/), 'not docker');
    assert.equal(parseDockerInfo({ type: 'DOCKER', docker: { image: 'x', force_pull_image: 'true' } }).forcePullImage, true, 'booleans as strings');
  });
});

describe('applyDockerParameters', () => {
  const apply = (parameters: Array<{ key: string; value: string }>, mode = 'bridge'): ContainerCreateBody => {
    const b: ContainerCreateBody = { name: 'n', Image: 'i', Env: ['A=1'], HostConfig: { NetworkMode: mode } };
    applyDockerParameters(b, parameters);
    return b;
  };

  it('maps the common docker run flags to the Engine API', () => {
    const b = apply([
      { key: 'label', value: 'a=b' },
      { key: 'label', value: 'flag' },
      { key: 'env', value: 'A=2' },
      { key: 'env', value: 'B=x=y' },
      { key: 'link', value: 'db' },
      { key: 'link', value: 'cache:c' },
      { key: 'hostname', value: 'h' },
      { key: 'user', value: 'nobody' },
      { key: 'workdir', value: '/w' },
      { key: 'entrypoint', value: '/init' },
      { key: 'add-host', value: 'db:10.0.0.1' },
      { key: 'dns', value: '1.1.1.1' },
      { key: 'cap-add', value: 'NET_ADMIN' },
      { key: 'ulimit', value: 'nofile=1024:2048' },
      { key: 'memory-swap', value: '-1' },
      { key: 'shm-size', value: '64m' },
      { key: 'pids-limit', value: '100' },
      { key: 'read-only', value: 'true' },
      { key: 'sysctl', value: 'net.core.somaxconn=1024' },
      { key: 'tmpfs', value: '/run:size=1m' },
      { key: '--volume', value: '/a:/b:ro' },
      { key: 'publish', value: '127.0.0.1:8080:80/tcp' },
      { key: 'network-alias', value: 'web' },
      { key: 'log-opt', value: 'max-size=10m' },
      { key: 'init', value: '' },
      { key: 'cpus', value: '1.5' },
    ]);
    assert.deepEqual(b.Labels, { a: 'b', flag: '' }, 'labels');
    assert.deepEqual(b.Env, ['A=2', 'B=x=y'], 'env replaces by name');
    assert.deepEqual(b.HostConfig.Links, ['db:db', 'cache:c'], 'links');
    assert.equal(b.Hostname, 'h', 'hostname');
    assert.equal(b.User, 'nobody', 'user');
    assert.equal(b.WorkingDir, '/w', 'workdir');
    assert.deepEqual(b.Entrypoint, ['/init'], 'entrypoint');
    assert.deepEqual(b.HostConfig.ExtraHosts, ['db:10.0.0.1'], 'add-host');
    assert.deepEqual(b.HostConfig.Dns, ['1.1.1.1'], 'dns');
    assert.deepEqual(b.HostConfig.CapAdd, ['NET_ADMIN'], 'cap-add');
    assert.deepEqual(b.HostConfig.Ulimits, [{ Name: 'nofile', Soft: 1024, Hard: 2048 }], 'ulimit');
    assert.equal(b.HostConfig.MemorySwap, -1, 'memory-swap');
    assert.equal(b.HostConfig.ShmSize, 64 * 1024 * 1024, 'shm-size');
    assert.equal(b.HostConfig.PidsLimit, 100, 'pids-limit');
    assert.equal(b.HostConfig.ReadonlyRootfs, true, 'read-only');
    assert.deepEqual(b.HostConfig.Sysctls, { 'net.core.somaxconn': '1024' }, 'sysctl');
    assert.deepEqual(b.HostConfig.Tmpfs, { '/run': 'size=1m' }, 'tmpfs');
    assert.deepEqual(b.HostConfig.Binds, ['/a:/b:ro'], 'volume (leading dashes ignored)');
    assert.deepEqual(b.HostConfig.PortBindings, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] }, 'publish');
    assert.deepEqual(b.NetworkingConfig?.EndpointsConfig.bridge?.Aliases, ['web'], 'network-alias on the container network');
    assert.deepEqual(b.HostConfig.LogConfig, { Type: 'json-file', Config: { 'max-size': '10m' } }, 'log-opt');
    assert.equal(b.HostConfig.Init, true, 'init with no value is true');
    assert.equal(b.HostConfig.CpuQuota, 150_000, 'cpus');
  });

  it('rejects unknown and managed flags, and values it cannot parse, naming them', () => {
    assert.throws(() => apply([{ key: 'frobnicate', value: '1' }]), invalidWith(/^Unsupported docker parameter '--frobnicate=1'; supported: add-host, /), 'unknown');
    assert.throws(() => apply([{ key: 'name', value: 'x' }]), invalidWith(/'--name' is not allowed: the container is named mesos-<container id>/), 'name');
    assert.throws(() => apply([{ key: 'restart', value: 'always' }]), invalidWith(/'--restart' is not allowed/), 'restart');
    assert.throws(() => apply([{ key: 'memory', value: 'lots' }]), invalidWith(/Invalid value 'lots' for docker parameter '--memory'/), 'size');
    assert.throws(() => apply([{ key: 'log-driver', value: 'syslog' }]), invalidWith(/'--log-driver': expected one of json-file, local, journald/), 'unfollowable log driver');
    assert.throws(() => apply([{ key: 'env', value: 'NOVALUE' }]), invalidWith(/expected NAME=VALUE/), 'env without value');
  });

  it('parses docker sizes', () => {
    assert.equal(parseBytes('512m'), 512 * 1024 * 1024, 'm');
    assert.equal(parseBytes('1g'), 1024 ** 3, 'g');
    assert.equal(parseBytes('1.5GiB'), 1.5 * 1024 ** 3, 'GiB');
    assert.equal(parseBytes('100'), 100, 'bytes');
    assert.equal(parseBytes('12q'), undefined, 'junk');
  });
});
