// What the cgroup isolators write and read, for cgroup v1 and v2, against an in-memory CgroupFs. (This machine's
// kernel enforces the v1 files for real in test/integration/containerizer; the v2 limit files are checked here.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CpuIsolator } from '../../../core/containerizer/cgroups/cpuIsolator.js';
import { MemoryIsolator } from '../../../core/containerizer/cgroups/memoryIsolator.js';
import { PidsIsolator } from '../../../core/containerizer/cgroups/pidsIsolator.js';
import { MemoryCgroupFs } from '../../harness/memoryCgroupFs.js';

const CG = 'plateau/c1';
const MB = 1024 * 1024;

describe('cgroups/cpu', () => {
  it('writes 1024 shares per CPU and a CFS quota of cpus x 100 ms (v1)', async () => {
    const fs = new MemoryCgroupFs(1);
    await new CpuIsolator(fs).prepare(CG, { cpus: 0.25 });
    assert.deepEqual(fs.writes.map((w) => [w.file, w.value]), [
      ['cpu.shares', '256'],
      ['cpu.cfs_period_us', '100000'],
      ['cpu.cfs_quota_us', '25000'],
    ]);
    assert.deepEqual(new CpuIsolator(fs).controllers, ['cpu', 'cpuacct', 'cpuset']);
  });

  it('writes cpu.weight and cpu.max (v2), and nothing at all for a container without cpus', async () => {
    const fs = new MemoryCgroupFs(2);
    await new CpuIsolator(fs).prepare(CG, { cpus: 2 });
    assert.deepEqual(fs.writes.map((w) => [w.file, w.value]), [
      ['cpu.weight', '79'],
      ['cpu.max', '200000 100000'],
    ]);
    const bare = new MemoryCgroupFs(2);
    await new CpuIsolator(bare).prepare(CG, {});
    assert.deepEqual(bare.writes, []);
    const noCfs = new MemoryCgroupFs(1);
    await new CpuIsolator(noCfs, { enableCfs: false }).prepare(CG, { cpus: 0.001 });
    assert.deepEqual(noCfs.writes.map((w) => [w.file, w.value]), [['cpu.shares', '2']], 'shares never go below 2');
  });

  it('reads CPU time and throttling in Mesos field names (v1 and v2)', async () => {
    const v1 = new MemoryCgroupFs(1);
    v1.set(CG, 'cpuacct.stat', 'user 250\nsystem 50\n');
    v1.set(CG, 'cpu.stat', 'nr_periods 40\nnr_throttled 30\nthrottled_time 1500000000\n');
    v1.set(CG, 'cpu.cfs_quota_us', '25000');
    v1.set(CG, 'cpu.cfs_period_us', '100000');
    assert.deepEqual(await new CpuIsolator(v1).usage(CG), {
      cpus_user_time_secs: 2.5,
      cpus_system_time_secs: 0.5,
      cpus_nr_periods: 40,
      cpus_nr_throttled: 30,
      cpus_throttled_time_secs: 1.5,
      cpus_limit: 0.25,
    });
    const v2 = new MemoryCgroupFs(2);
    v2.set(CG, 'cpu.stat', 'usage_usec 3000000\nuser_usec 2500000\nsystem_usec 500000\nnr_periods 40\nnr_throttled 30\nthrottled_usec 1500000\n');
    v2.set(CG, 'cpu.max', 'max 100000');
    v2.set(CG, 'cpu.weight', '39');
    const u = await new CpuIsolator(v2).usage(CG);
    assert.equal(u.cpus_user_time_secs, 2.5);
    assert.equal(u.cpus_throttled_time_secs, 1.5);
    assert.ok(Math.abs((u.cpus_limit ?? 0) - 1) < 0.03, `weight 39 is about one CPU (${u.cpus_limit})`);
  });
});

describe('cgroups/mem', () => {
  it('sets soft and hard limits, then memsw where the kernel accounts swap (v1)', async () => {
    const fs = new MemoryCgroupFs(1);
    fs.set(CG, 'memory.memsw.limit_in_bytes', '9223372036854771712');
    await new MemoryIsolator(fs).prepare(CG, { mem: 64 });
    assert.deepEqual(fs.writes.map((w) => [w.file, w.value]), [
      ['memory.soft_limit_in_bytes', String(64 * MB)],
      ['memory.limit_in_bytes', String(64 * MB)],
      ['memory.memsw.limit_in_bytes', String(64 * MB)],
    ]);
    const small = new MemoryCgroupFs(1);
    await new MemoryIsolator(small).prepare(CG, { mem: 4 });
    assert.equal(small.writes.find((w) => w.file === 'memory.limit_in_bytes')?.value, String(32 * MB), "Mesos's 32 MB minimum");
  });

  it('sets memory.max, no swap and group OOM kills (v2)', async () => {
    const fs = new MemoryCgroupFs(2);
    fs.set(CG, 'memory.swap.max', 'max');
    fs.set(CG, 'memory.oom.group', '0');
    await new MemoryIsolator(fs).prepare(CG, { mem: 100 });
    assert.deepEqual(fs.writes.map((w) => [w.file, w.value]), [
      ['memory.max', String(100 * MB)],
      ['memory.swap.max', '0'],
      ['memory.oom.group', '1'],
    ]);
  });

  it("reads memory statistics as Mesos's memory subsystem maps them (v1 totals, v2 anon/file)", async () => {
    const v1 = new MemoryCgroupFs(1);
    v1.set(CG, 'memory.usage_in_bytes', '3000');
    v1.set(CG, 'memory.limit_in_bytes', String(64 * MB));
    v1.set(CG, 'memory.stat', 'cache 1\nrss 2\ntotal_cache 1000\ntotal_rss 2000\ntotal_mapped_file 300\ntotal_swap 0\ntotal_unevictable 0\n');
    const u1 = await new MemoryIsolator(v1).usage(CG);
    assert.equal(u1.mem_total_bytes, 3000);
    assert.equal(u1.mem_limit_bytes, 64 * MB);
    assert.equal(u1.mem_rss_bytes, 2000);
    assert.equal(u1.mem_anon_bytes, 2000);
    assert.equal(u1.mem_cache_bytes, 1000);
    assert.equal(u1.mem_file_bytes, 1000);
    assert.equal(u1.mem_mapped_file_bytes, 300);
    const v2 = new MemoryCgroupFs(2);
    v2.set(CG, 'memory.current', '5000');
    v2.set(CG, 'memory.max', 'max');
    v2.set(CG, 'memory.swap.current', '7');
    v2.set(CG, 'memory.stat', 'anon 4000\nfile 1000\nfile_mapped 200\nunevictable 0\n');
    const u2 = await new MemoryIsolator(v2).usage(CG);
    assert.equal(u2.mem_total_bytes, 5000);
    assert.equal(u2.mem_limit_bytes, undefined, 'no limit');
    assert.equal(u2.mem_rss_bytes, 4000);
    assert.equal(u2.mem_cache_bytes, 1000);
    assert.equal(u2.mem_swap_bytes, 7);
  });

  it('reports an OOM kill as REASON_CONTAINER_LIMITATION_MEMORY with the Mesos message', async () => {
    const v1 = new MemoryCgroupFs(1);
    v1.set(CG, 'memory.oom_control', 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n');
    const iso = new MemoryIsolator(v1);
    assert.equal(await iso.limitation(CG, 'SIGKILL'), undefined, 'no OOM kill, no limitation');
    v1.set(CG, 'memory.oom_control', 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n');
    v1.set(CG, 'memory.limit_in_bytes', String(64 * MB));
    v1.set(CG, 'memory.max_usage_in_bytes', String(64 * MB));
    v1.set(CG, 'memory.stat', 'total_rss 67108864\n');
    assert.deepEqual(await iso.limitation(CG), {
      reason: 'REASON_CONTAINER_LIMITATION_MEMORY',
      message: 'Memory limit exceeded: Requested: 64MB Maximum Used: 64MB\n\nMEMORY STATISTICS: \ntotal_rss 67108864',
    });
    // Kernels before 4.13 have no oom_kill counter: a SIGKILL after hitting the limit counts.
    const old = new MemoryCgroupFs(1);
    old.set(CG, 'memory.oom_control', 'oom_kill_disable 0\nunder_oom 0\n');
    old.set(CG, 'memory.failcnt', '12');
    assert.equal(await new MemoryIsolator(old).limitation(CG, 'SIGTERM'), undefined);
    assert.equal((await new MemoryIsolator(old).limitation(CG, 'SIGKILL'))?.reason, 'REASON_CONTAINER_LIMITATION_MEMORY');
    const v2 = new MemoryCgroupFs(2);
    v2.set(CG, 'memory.events', 'low 0\nhigh 0\nmax 9\noom 1\noom_kill 1\n');
    assert.equal((await new MemoryIsolator(v2).limitation(CG))?.reason, 'REASON_CONTAINER_LIMITATION_MEMORY');
  });
});

describe('cgroups/pids', () => {
  it('writes pids.max from --cgroups_pids_limit, and nothing for 0', async () => {
    const fs = new MemoryCgroupFs(2);
    await new PidsIsolator(fs, 64).prepare(CG);
    await new PidsIsolator(fs, 0).prepare('plateau/c2');
    assert.deepEqual(fs.writes, [{ cgroup: CG, file: 'pids.max', value: '64' }]);
  });
});
