import { useQuery } from '@tanstack/react-query';
import { feedKey, type FeedSnapshot } from '../../data/clusterFeeds.js';
import { useConnection } from '../../data/consoleContext.js';

/**
 * useFeedSelector reads one value out of the live feed and re-renders only when that value changes (react-query
 * compares the selected result structurally), not on every publish of the feed: a page that needs one task's name
 * stays idle while offers and other tasks stream by. `select` should be stable (useCallback) to save work.
 */
export function useFeedSelector<T>(select: (feed: FeedSnapshot) => T): T | undefined {
  const { id } = useConnection();
  const q = useQuery<FeedSnapshot, Error, T>({ queryKey: feedKey(id), queryFn: () => new Promise<FeedSnapshot>(() => undefined), staleTime: Infinity, gcTime: Infinity, select });
  return q.data;
}
