// bench/chromeTrace.ts: what the console benchmarks read from a Chromium trace. Frame time is the renderer main
// thread's busy time per 60 Hz slot (with vsync on, frame intervals read 16.7 ms whatever a frame cost), so both
// console benches record a trace of the browser and turn it into slots here.
import type { CDPSession } from 'playwright-core';

/**
 * FRAME_SLOT_MS is one frame at 60 Hz. Frame time is measured as the renderer main thread's busy time in each such
 * slot, from a Chromium trace: with vsync on, the interval between frames reads 16.7 ms whatever a frame cost, and a
 * frame is late exactly when its slot's main-thread work (scripts, style, layout, paint, commit) overruns it.
 */
export const FRAME_SLOT_MS = 1000 / 60;

export interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string; data?: { url?: string } };
}

/**
 * mainThreadSlots turns a trace into the busy milliseconds per 60 Hz slot of each main thread rendering a page under `urlPrefix`: the top-level tasks
 * (events not nested in another on the same thread) are spread over the slots they overlap.
 */
export function mainThreadSlots(events: TraceEvent[], urlPrefix: string): { slots: Map<number, number[]>; overrunBy: Map<string, number> } {
  // The pages' renderers: those running the console's scripts (Chromium keeps spare renderers that draw nothing).
  const pages = new Set<number>();
  for (const e of events) if (e.args?.data?.url?.startsWith(urlPrefix)) pages.add(e.pid);
  const mains = new Set<string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && pages.has(e.pid)) mains.add(`${e.pid}:${e.tid}`);
  const byThread = new Map<string, TraceEvent[]>();
  let t0 = Number.POSITIVE_INFINITY;
  let t1 = 0;
  for (const e of events) {
    if (e.ph !== 'X' || typeof e.dur !== 'number') continue;
    const key = `${e.pid}:${e.tid}`;
    if (!mains.has(key)) continue;
    t0 = Math.min(t0, e.ts);
    t1 = Math.max(t1, e.ts + e.dur);
    const list = byThread.get(key) ?? [];
    list.push(e);
    byThread.set(key, list);
  }
  const slotUs = FRAME_SLOT_MS * 1000;
  const count = Math.max(0, Math.ceil((t1 - t0) / slotUs));
  const out = new Map<number, number[]>();
  const overrunBy = new Map<string, number>();
  for (const [key, list] of byThread) {
    const tops: Array<{ start: number; stop: number; name: string }> = [];
    list.sort((x, y) => x.ts - y.ts || (y.dur ?? 0) - (x.dur ?? 0));
    const busy = new Array<number>(count).fill(0);
    let end = Number.NEGATIVE_INFINITY; // end of the current top-level task
    for (const e of list) {
      const start = Math.max(e.ts, end);
      const stop = e.ts + (e.dur ?? 0);
      if (stop <= start) continue; // nested in (or covered by) the task before
      end = stop;
      tops.push({ start, stop, name: e.name });
      const last = Math.min(count - 1, Math.floor((stop - t0) / slotUs));
      for (let slot = Math.floor((start - t0) / slotUs); slot <= last; slot++) {
        const piece = Math.min(stop, t0 + (slot + 1) * slotUs) - Math.max(start, t0 + slot * slotUs);
        if (piece > 0) busy[slot] = (busy[slot] ?? 0) + piece / 1000;
      }
    }
    out.set(Number(key.split(':')[0]), busy);
    // What filled the frames that overran: the longest top-level task in each.
    const longest = new Map<number, { name: string; us: number }>();
    for (const t of tops) {
      for (let slot = Math.floor((t.start - t0) / slotUs); slot <= Math.min(count - 1, Math.floor((t.stop - t0) / slotUs)); slot++) {
        if ((busy[slot] ?? 0) <= 16) continue;
        const us = Math.min(t.stop, t0 + (slot + 1) * slotUs) - Math.max(t.start, t0 + slot * slotUs);
        if (us > (longest.get(slot)?.us ?? 0)) longest.set(slot, { name: t.name, us });
      }
    }
    for (const { name } of longest.values()) overrunBy.set(name, (overrunBy.get(name) ?? 0) + 1);
  }
  return { slots: out, overrunBy };
}

/**
 * recordTrace traces the browser behind `browserCdp` (the timeline categories frame time needs) while `during` runs,
 * and gives the events: the bench's own steps run inside the trace rather than beside it.
 */
export async function recordTrace(browserCdp: CDPSession, during: () => Promise<void>): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  const onData = (e: { value: object[] }) => {
    for (const ev of e.value) events.push(ev as TraceEvent);
  };
  browserCdp.on('Tracing.dataCollected', onData);
  const complete = new Promise((resolve) => browserCdp.once('Tracing.tracingComplete', resolve));
  try {
    await browserCdp.send('Tracing.start', { traceConfig: { includedCategories: ['devtools.timeline', 'toplevel'] }, transferMode: 'ReportEvents' });
    try {
      await during();
    } finally {
      await browserCdp.send('Tracing.end');
      await complete;
    }
  } finally {
    browserCdp.off('Tracing.dataCollected', onData);
  }
  return events;
}

/** metric reads one of the page's CDP Performance metrics (TaskDuration, JSHeapUsedSize, Nodes…). */
export async function metric(cdp: CDPSession, name: string): Promise<number> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
  return metrics.find((m) => m.name === name)?.value ?? 0;
}

/** pct is the p-th percentile of `values` (nearest rank); 0 for none. */
export function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}
