import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { mapBounded } from '../common/concurrency.js';

/**
 * Readers for Linux `/proc`, used to tell a live process from a reused pid, to find every process of a container's
 * session, and to sum its resource use (what Mesos's `os::processes()`/`os::pstree()` do in stout).
 */

/** CLOCK_TICKS_PER_SECOND is `sysconf(_SC_CLK_TCK)`; Linux fixes the user-visible value at 100 on every architecture we run on. */
export const CLOCK_TICKS_PER_SECOND = 100;

/** ProcStat holds the fields of `/proc/<pid>/stat` we use. */
export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
  numThreads: number;
  startTicks: number;
}

/**
 * parseProcStat parses one `/proc/<pid>/stat` line. The command name is in parentheses and may itself contain spaces
 * and parentheses, so fields are counted from the last `)`.
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 1).trim().split(/\s+/);
  // rest[0] is field 3 (state); field n is rest[n - 3].
  const field = (n: number): number => Number(rest[n - 3]);
  const state = rest[0];
  if (!Number.isInteger(pid) || state === undefined || rest.length < 20) return undefined;
  return {
    pid,
    comm: text.slice(open + 1, close),
    state,
    ppid: field(4),
    pgrp: field(5),
    session: field(6),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
    numThreads: field(20),
    startTicks: field(22),
  };
}

let procfsAvailable: boolean | undefined;

/** hasProcfs reports whether `/proc/self/stat` exists; without it callers fall back to `kill(pid, 0)`. */
export function hasProcfs(): boolean {
  procfsAvailable ??= existsSync('/proc/self/stat');
  return procfsAvailable;
}

/** readProcStat reads one process's stat, or undefined when it is gone. */
export async function readProcStat(pid: number): Promise<ProcStat | undefined> {
  try {
    return parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch (err) {
    if (isGone(err)) return undefined;
    throw err;
  }
}

/**
 * PROC_SCAN_CONCURRENCY is how many `/proc/<pid>/stat` files one scan reads at once. Reading them all at once held a
 * descriptor per process on the host: a kill of 70 containers on a host of 700 processes opened ~50,000 files
 * together and failed with EMFILE, leaving tasks unkilled. A few dozen reads in flight keep a scan as fast.
 */
export const PROC_SCAN_CONCURRENCY = 32;

/**
 * listProcStats reads the stat of every process, at most `PROC_SCAN_CONCURRENCY` files at a time; processes that
 * vanish while we read are skipped.
 */
export async function listProcStats(): Promise<ProcStat[]> {
  const names = await readdir('/proc');
  const pids = names.filter((n) => /^\d+$/.test(n)).map(Number);
  const stats = await mapBounded(pids, PROC_SCAN_CONCURRENCY, (pid) => readProcStat(pid));
  return stats.filter((s): s is ProcStat => s !== undefined);
}

/** readRssBytes reads `VmRSS` from `/proc/<pid>/status` (0 for kernel threads and zombies, undefined when gone). */
export async function readRssBytes(pid: number): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch (err) {
    if (isGone(err)) return undefined;
    throw err;
  }
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return match ? Number(match[1]) * 1024 : 0;
}

let bootId: string | undefined;

/** readBootId reads the kernel's boot id once; undefined without procfs. */
export async function readBootId(): Promise<string | undefined> {
  if (bootId !== undefined || !hasProcfs()) return bootId;
  try {
    bootId = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
  } catch (err) {
    if (!isGone(err)) throw err;
  }
  return bootId;
}

function isGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ESRCH';
}
