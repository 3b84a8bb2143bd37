import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerView, cpuCount, cpuView, memoryView, parseMeminfo, parseProcStatCpus, type CpuCounters } from '../../../core/containerizer/containerView.js';

const MiB = 1024 * 1024;
const HOST = 24_684_096 * 1024; // a 24 GB host's MemTotal, in bytes

describe('memoryView (lxcfs /proc/meminfo)', () => {
  it('shows the limit as MemTotal, usage subtracted as MemFree and the page cache given back in MemAvailable', () => {
    const v = memoryView({ limitBytes: 128 * MiB, usageBytes: 30 * MiB + 512, cacheBytes: 24 * MiB + 100, shmemBytes: 4096, hostTotalBytes: HOST });
    assert.equal(v.totalBytes, 128 * MiB);
    // lxcfs works in whole KiB: usage 30 MiB + 512 B is 30720 KiB.
    assert.equal(v.freeBytes, (131072 - 30720) * 1024);
    assert.equal(v.availableBytes, (131072 - 30720 + 24576) * 1024);
    assert.equal(v.cacheBytes, 24 * MiB);
    assert.equal(v.buffersBytes, 0);
    assert.equal(v.sharedBytes, 4096);
    // procps-ng 4 `free`: used = total - available, buff/cache = buffers + cached.
    assert.equal(v.usedBytes, v.totalBytes - v.availableBytes);
    assert.equal(v.buffCacheBytes, v.cacheBytes);
  });

  it("caps MemTotal at the host's memory and uses the host's when there is no limit", () => {
    assert.equal(memoryView({ limitBytes: 2 * HOST, usageBytes: 0, cacheBytes: 0, hostTotalBytes: HOST }).totalBytes, HOST);
    assert.equal(memoryView({ usageBytes: MiB, cacheBytes: 0, hostTotalBytes: HOST }).totalBytes, HOST);
  });

  it('never reports negative free memory when usage momentarily exceeds the limit', () => {
    const v = memoryView({ limitBytes: 64 * MiB, usageBytes: 65 * MiB, cacheBytes: MiB, hostTotalBytes: HOST });
    assert.equal(v.freeBytes, 0);
    assert.equal(v.availableBytes, MiB);
  });
});

describe('cpuCount and cpuView (lxcfs /proc/cpuinfo and /proc/stat)', () => {
  const base: CpuCounters = { cpusetCpus: 8, hostCpus: 8, userTicks: 0, systemTicks: 0, hostTicks: 0 };

  it('rounds a fractional quota up, caps it at the cpuset and the host, and falls back to the cpuset without one', () => {
    assert.equal(cpuCount({ ...base, quotaUs: 50_000, periodUs: 100_000 }), 1);
    assert.equal(cpuCount({ ...base, quotaUs: 150_000, periodUs: 100_000 }), 2);
    assert.equal(cpuCount({ ...base, quotaUs: 200_000, periodUs: 100_000 }), 2);
    assert.equal(cpuCount({ ...base, quotaUs: 2_000_000, periodUs: 100_000 }), 8);
    assert.equal(cpuCount({ ...base, cpusetCpus: 2, quotaUs: 400_000, periodUs: 100_000 }), 2);
    assert.equal(cpuCount(base), 8);
    assert.equal(cpuCount({ ...base, quotaUs: 50_000, periodUs: 100_000 }, { cfs: false }), 8);
  });

  it('measures utilisation against the quota in the CFS view and against the whole cpuset without it', () => {
    // One second on an 8-CPU host (800 ticks); the container used 40 ticks of user and 10 of system time.
    const before = { ...base, quotaUs: 50_000, periodUs: 100_000 };
    const after = { ...before, userTicks: 40, systemTicks: 10, hostTicks: 800 };
    const cfs = cpuView(before, after);
    assert.equal(cfs.count, 1);
    assert.equal(cfs.limit, 0.5);
    assert.equal(cfs.utilisation, 1); // 50 ticks out of the 50 a half CPU gets in a second
    assert.equal(cfs.userFraction, 0.8);
    const whole = cpuView(before, after, { cfs: false });
    assert.equal(whole.count, 8);
    assert.equal(whole.utilisation, 50 / 800);
    assert.equal(cpuView(undefined, after).utilisation, undefined, 'no utilisation from a single reading');
  });

  it('combines both into a timestamped view', () => {
    const view = containerView(undefined, { at: 1234, memory: { usageBytes: 0, cacheBytes: 0, hostTotalBytes: HOST }, cpu: base });
    assert.equal(view.timestamp, 1234);
    assert.equal(view.memory.totalBytes, HOST);
    assert.equal(view.cpu.count, 8);
  });
});

describe('parsers for /proc', () => {
  it('reads /proc/meminfo into bytes', () => {
    const m = parseMeminfo('MemTotal:       24684096 kB\nMemFree:        22954228 kB\nHugePages_Total:       0\n');
    assert.equal(m.get('MemTotal'), 24684096 * 1024);
    assert.equal(m.get('HugePages_Total'), 0);
  });

  it('sums every column of the per-CPU lines of /proc/stat, as lxcfs does', () => {
    const m = parseProcStatCpus('cpu  10 0 10 100 0 0 0 0 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\ncpu1 10 0 0 90 0 0 0 0 0 0\nintr 5\n');
    assert.deepEqual([...m], [
      [0, 55],
      [1, 100],
    ]);
  });
});
