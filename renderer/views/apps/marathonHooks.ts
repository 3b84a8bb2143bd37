import { useQuery } from '@tanstack/react-query';
import { marathonKey } from '../../data/clusterFeeds.js';
import { useConnection } from '../../data/consoleContext.js';
import { useQueue, type MarathonApp } from '../../data/marathonQueries.js';
import { queueByApp, type WireQueueEntry } from '../../model/launchQueue.js';
import { appPath, type MarathonDeployment, type MarathonInfo } from '../../model/marathonModel.js';

/** useApp reads one app with its tasks, counts, deployments and last failure; Marathon events refresh it. */
export function useApp(appId: string) {
  const c = useConnection();
  return useQuery({
    queryKey: marathonKey(c.id, 'app', appId),
    queryFn: async () => (await c.get<{ app: MarathonApp }>({ kind: 'marathon' }, appPath(appId))).app,
    enabled: c.summary.marathon !== undefined,
    refetchInterval: 10_000,
    retry: (count, err) => count < 2 && (err as { answer?: { status?: number } }).answer?.status !== 404,
  });
}

/**
 * useMarathonInfo reads `/v2/info` (Marathon's framework id links tasks to their containers). It is kept outside
 * the `marathon` key prefix, so the event stream's invalidations do not refetch it every few hundred ms.
 */
export function useMarathonInfo() {
  const c = useConnection();
  return useQuery({
    queryKey: ['marathon-info', c.id],
    queryFn: () => c.get<MarathonInfo>({ kind: 'marathon' }, '/v2/info'),
    enabled: c.summary.marathon !== undefined,
    staleTime: 5 * 60_000,
  });
}

/** useAppVersions lists an app's stored versions, newest first. */
export function useAppVersions(appId: string, enabled: boolean) {
  const c = useConnection();
  return useQuery({
    queryKey: marathonKey(c.id, 'versions', appId),
    queryFn: async () => [...(await c.get<{ versions: string[] }>({ kind: 'marathon' }, appPath(appId, '/versions'))).versions].sort().reverse(),
    enabled: enabled && c.summary.marathon !== undefined,
  });
}

/** useAppVersion reads one stored version of an app; versions never change, so it is fetched once. */
export function useAppVersion(appId: string, version: string | null) {
  const c = useConnection();
  return useQuery({
    queryKey: ['marathon-version', c.id, appId, version],
    queryFn: () => c.get<Record<string, unknown>>({ kind: 'marathon' }, appPath(appId, `/versions/${encodeURIComponent(version ?? '')}`)),
    enabled: version !== null && c.summary.marathon !== undefined,
    staleTime: Infinity,
  });
}

/** useQueueIndex is the launch queue indexed by app id. */
export function useQueueIndex() {
  const queue = useQueue();
  return { query: queue, byApp: indexQueue(queue.data) };
}

const queueCache = new WeakMap<object, Map<string, WireQueueEntry>>();
const EMPTY_QUEUE = new Map<string, WireQueueEntry>();

function indexQueue(data: WireQueueEntry[] | undefined): Map<string, WireQueueEntry> {
  if (!data) return EMPTY_QUEUE;
  let m = queueCache.get(data);
  if (!m) {
    m = queueByApp(data);
    queueCache.set(data, m);
  }
  return m;
}

/** deploymentsOf types `useDeployments()`'s entries. */
export function deploymentsOf(data: unknown): MarathonDeployment[] {
  return Array.isArray(data) ? (data as MarathonDeployment[]) : [];
}
