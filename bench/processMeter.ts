// bench/processMeter.ts measures one benchmark process over a window: its CPU, its main event loop's
// delay, its garbage collections and its heap, so each process of a multi-process benchmark reports its
// own figures.
import type { ApiThreadFigures } from '../core/runtime/marathonApiThread.js';
import { constants, monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram, type PerformanceEntry } from 'node:perf_hooks';

/** ProcessFigures are what a `ProcessMeter` saw between `start` and `stop`: a thread's figures (the main thread's, here) and the process's. */
export interface ProcessFigures extends ApiThreadFigures {
  /** cpuMs is user + system CPU of the whole process (every thread) in the window. */
  cpuMs: number;
  /** gcMajor* are the mark-compact collections among them (the others are scavenges and callbacks). */
  gcMajorCount: number;
  gcMajorMaxMs: number;
}

/**
 * ProcessMeter is a measuring window over the current process; the benchmark's child processes each run
 * one, so a stall in one process is told apart from a stall in another.
 */
export class ProcessMeter {
  private cpu0 = process.cpuUsage();
  private loop: IntervalHistogram | undefined;
  private gc: PerformanceObserver | undefined;
  private gcCount = 0;
  private gcMs = 0;
  private gcMaxMs = 0;
  private gcMajorCount = 0;
  private gcMajorMaxMs = 0;

  /** start opens the window (again, if one was open). */
  start(): void {
    this.stopObservers();
    this.cpu0 = process.cpuUsage();
    this.gcCount = 0;
    this.gcMs = 0;
    this.gcMaxMs = 0;
    this.gcMajorCount = 0;
    this.gcMajorMaxMs = 0;
    this.loop = monitorEventLoopDelay({ resolution: 1 });
    this.loop.enable();
    this.gc = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) this.countGc(e);
    });
    this.gc.observe({ entryTypes: ['gc'] });
  }

  /** stop closes the window and returns its figures; the heap is the one in use at that moment. */
  stop(): ProcessFigures {
    const cpu = process.cpuUsage(this.cpu0);
    for (const e of this.gc?.takeRecords() ?? []) this.countGc(e);
    const loop = this.loop;
    const figures: ProcessFigures = {
      cpuMs: (cpu.user + cpu.system) / 1000,
      loopP50Ms: loop ? loop.percentile(50) / 1e6 : NaN,
      loopP99Ms: loop ? loop.percentile(99) / 1e6 : NaN,
      loopMaxMs: loop ? loop.max / 1e6 : NaN,
      gcCount: this.gcCount,
      gcMs: this.gcMs,
      gcMaxMs: this.gcMaxMs,
      gcMajorCount: this.gcMajorCount,
      gcMajorMaxMs: this.gcMajorMaxMs,
      heapMb: process.memoryUsage().heapUsed / 2 ** 20,
    };
    this.stopObservers();
    return figures;
  }

  private countGc(e: PerformanceEntry): void {
    this.gcCount++;
    this.gcMs += e.duration;
    this.gcMaxMs = Math.max(this.gcMaxMs, e.duration);
    if (((e as { detail?: { kind?: number } }).detail)?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      this.gcMajorCount++;
      this.gcMajorMaxMs = Math.max(this.gcMajorMaxMs, e.duration);
    }
  }

  private stopObservers(): void {
    this.loop?.disable();
    this.loop = undefined;
    this.gc?.disconnect();
    this.gc = undefined;
  }
}
