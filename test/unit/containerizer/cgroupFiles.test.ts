import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countLines, formatBytes, parseCpuList, parseCpuMax, parseKeyedFile, parseLimit, sharesToWeight, weightToShares } from '../../../core/containerizer/cgroups/cgroupFiles.js';
import { parseIsolation } from '../../../core/containerizer/isolation.js';
import { hostnameLines, joinCgroupLines, lxcfsFstab, lxcfsMountLines, namespacesPrefix, shellQuote, DEFAULT_LINUX_BINARIES } from '../../../core/containerizer/linuxLaunch.js';
import { CoreError } from '../../../core/common/errors.js';
import { parseCgroupMounts, v1ControllerMounts } from '../../../core/node/detectCgroupFs.js';

describe('cgroup control files', () => {
  it('reads keyed files, limits and cpu.max', () => {
    const m = parseKeyedFile('oom_kill_disable 0\nunder_oom 0\noom_kill 3\n');
    assert.equal(m.get('oom_kill'), 3);
    assert.equal(parseLimit('9223372036854771712\n'), undefined, "v1's unlimited");
    assert.equal(parseLimit('max\n'), undefined);
    assert.equal(parseLimit('-1'), undefined);
    assert.equal(parseLimit('67108864\n'), 67108864);
    assert.deepEqual(parseCpuMax('25000 100000\n'), { quotaUs: 25000, periodUs: 100000 });
    assert.deepEqual(parseCpuMax('max 100000'), { periodUs: 100000 });
    assert.equal(countLines('1\n2\n\n'), 2);
    assert.deepEqual(parseCpuList('0-2,5,7-8\n'), [0, 1, 2, 5, 7, 8]);
    assert.deepEqual(parseCpuList(''), []);
  });

  it('maps cpu.shares onto cpu.weight as runc and systemd do', () => {
    assert.equal(sharesToWeight(2), 1);
    assert.equal(sharesToWeight(1024), 39);
    assert.equal(sharesToWeight(262144), 10000);
    assert.ok(Math.abs(weightToShares(sharesToWeight(2048)) - 2048) < 30);
  });

  it('words byte counts like stout Bytes', () => {
    assert.equal(formatBytes(64 * 1024 * 1024), '64MB');
    assert.equal(formatBytes(1536), '1536B');
    assert.equal(formatBytes(2048), '2KB');
    assert.equal(formatBytes(3 * 1024 ** 3), '3GB');
    assert.equal(formatBytes(0), '0B');
  });
});

describe('parseIsolation', () => {
  it('picks the cgroup isolators, expands cgroups/all and warns about known Mesos isolators it lacks', () => {
    assert.deepEqual(parseIsolation('posix/cpu,posix/mem'), { cgroups: [], ignored: [] });
    assert.deepEqual(parseIsolation('cgroups/mem, cgroups/cpu,namespaces/pid'), { cgroups: ['cgroups/cpu', 'cgroups/mem'], ignored: [] });
    assert.deepEqual(parseIsolation('cgroups/all,filesystem/linux,docker/runtime'), { cgroups: ['cgroups/cpu', 'cgroups/mem', 'cgroups/pids'], ignored: ['filesystem/linux', 'docker/runtime'] });
  });

  it('refuses an unknown isolator, as Mesos does', () => {
    assert.throws(() => parseIsolation('cgroups/cpu,cgroups/magic'), (err: unknown) => err instanceof CoreError && err.code === 'INVALID' && /cgroups\/magic/.test(err.message));
  });
});

describe('the Linux launch command line', () => {
  it('runs the wrapper as PID 1 of new PID, mount, UTS and IPC namespaces with a fresh /proc', () => {
    assert.deepEqual(namespacesPrefix(DEFAULT_LINUX_BINARIES), ['/usr/bin/unshare', '--pid', '--fork', '--kill-child', '--mount', '--uts', '--ipc', '--mount-proc', '--']);
  });

  it("quotes every path and name it puts into the wrapper's shell lines", () => {
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
    assert.match(joinCgroupLines(['/sys/fs/cgroup/cpu/p/a b/cgroup.procs']).join('\n'), /for plateau_procs in '\/sys\/fs\/cgroup\/cpu\/p\/a b\/cgroup.procs'; do/);
    assert.deepEqual(joinCgroupLines([]), []);
    assert.deepEqual(lxcfsMountLines('/usr/bin/mount', '/sb/.plateau/lxcfs.fstab'), ["'/usr/bin/mount' --fstab '/sb/.plateau/lxcfs.fstab' --all 2>/dev/null || :"]);
    assert.equal(lxcfsFstab('/var/lib/lxcfs', ['meminfo', 'stat']), '/var/lib/lxcfs/proc/meminfo /proc/meminfo none bind 0 0\n/var/lib/lxcfs/proc/stat /proc/stat none bind 0 0\n');
    assert.equal(lxcfsFstab('/tmp/my lxcfs', ['swaps']), '/tmp/my\\040lxcfs/proc/swaps /proc/swaps none bind 0 0\n', 'fstab escapes spaces');
    assert.deepEqual(hostnameLines(undefined), []);
    assert.match(hostnameLines("web'1")[0] ?? '', /^printf '%s' 'web'\\''1' > \/proc\/sys\/kernel\/hostname/);
  });
});

describe('cgroup mount detection', () => {
  const mountinfo = [
    '25 24 0:22 / /sys/fs/cgroup ro,nosuid shared:9 - tmpfs tmpfs ro,mode=755',
    '26 25 0:23 / /sys/fs/cgroup/unified rw,nosuid shared:10 - cgroup2 cgroup2 rw',
    '29 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:13 - cgroup cgroup rw,cpu,cpuacct',
    '30 25 0:27 / /sys/fs/cgroup/memory rw,nosuid shared:14 - cgroup cgroup rw,memory',
    '31 25 0:28 /docker/abc /sys/fs/cgroup/pids rw,nosuid shared:15 - cgroup cgroup rw,pids',
    '32 25 0:29 / /sys/fs/cgroup/odd\\040name rw - cgroup cgroup rw,freezer',
  ].join('\n');

  it('maps co-mounted controllers to their shared hierarchy and skips partial (container) mounts', () => {
    const mounts = v1ControllerMounts(parseCgroupMounts(mountinfo));
    assert.equal(mounts.get('cpu'), '/sys/fs/cgroup/cpu,cpuacct');
    assert.equal(mounts.get('cpuacct'), '/sys/fs/cgroup/cpu,cpuacct');
    assert.equal(mounts.get('memory'), '/sys/fs/cgroup/memory');
    assert.equal(mounts.get('pids'), undefined, 'a sub-tree mount is not the hierarchy root');
    assert.equal(mounts.get('freezer'), '/sys/fs/cgroup/odd name');
  });
});
