/**
 * mapBounded maps `items` through `fn` with at most `limit` calls in flight, keeping the order of `items` in the
 * result. It exists because `Promise.all(items.map(fn))` starts every call at once: over a few hundred files that is
 * a few hundred open descriptors, and when several such fan-outs overlap a process runs into its descriptor limit
 * (EMFILE) instead of merely waiting. Like `Promise.all`, it rejects with the first error (calls already started
 * still run to completion; no new ones start).
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`mapBounded limit must be a positive integer, got ${limit}`);
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i] as T, i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
