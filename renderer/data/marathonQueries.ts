import { useQuery } from '@tanstack/react-query';
import { useConnection } from './consoleContext.js';
import type { WireQueueEntry } from '../model/launchQueue.js';
import { marathonKey } from './clusterFeeds.js';

/** MarathonApp is the part of Marathon's app JSON (with embeds) the console reads. */
export interface MarathonApp {
  id: string;
  cmd?: string | null;
  args?: string[] | null;
  instances: number;
  cpus: number;
  mem: number;
  disk: number;
  version: string;
  container?: { type: string; docker?: { image: string }; portMappings?: Array<{ containerPort: number; hostPort?: number; servicePort?: number; name?: string }> } | null;
  constraints?: string[][];
  labels?: Record<string, string>;
  env?: Record<string, unknown>;
  healthChecks?: Array<Record<string, unknown>>;
  tasksRunning?: number;
  tasksStaged?: number;
  tasksHealthy?: number;
  tasksUnhealthy?: number;
  deployments?: Array<{ id: string }>;
  tasks?: MarathonTask[];
  lastTaskFailure?: { message: string; state: string; timestamp: string; taskId: string; host: string };
  versionInfo?: { lastScalingAt?: string; lastConfigChangeAt?: string };
  backoffSeconds?: number;
}

/** MarathonTask is a task as `/v2/apps?embed=apps.tasks` renders it. */
export interface MarathonTask {
  id: string;
  appId: string;
  host: string;
  ports?: number[];
  slaveId?: string;
  agentId?: string;
  state?: string;
  startedAt?: string | null;
  stagedAt?: string;
  version?: string;
  healthCheckResults?: Array<{ alive: boolean; lastFailureCause?: string | null; consecutiveFailures?: number }>;
  ipAddresses?: Array<{ ipAddress: string }>;
}

export const APPS_PATH = '/v2/apps?embed=apps.tasks&embed=apps.counts&embed=apps.deployments&embed=apps.lastTaskFailure';

/** useApps lists Marathon's apps; Marathon events invalidate it, and a slow poll covers a lost stream. */
export function useApps() {
  const c = useConnection();
  return useQuery({
    queryKey: marathonKey(c.id, 'apps'),
    queryFn: async () => (await c.get<{ apps: MarathonApp[] }>({ kind: 'marathon' }, APPS_PATH)).apps,
    enabled: c.summary.marathon !== undefined,
    refetchInterval: 15_000,
  });
}

/** useDeployments lists running deployments. */
export function useDeployments() {
  const c = useConnection();
  return useQuery({
    queryKey: marathonKey(c.id, 'deployments'),
    queryFn: () => c.get<Array<Record<string, unknown>>>({ kind: 'marathon' }, '/v2/deployments'),
    enabled: c.summary.marathon !== undefined,
    refetchInterval: 15_000,
  });
}

/** useQueue lists launch-queue entries with Marathon's per-reason counts of declined offers. */
export function useQueue() {
  const c = useConnection();
  return useQuery({
    queryKey: marathonKey(c.id, 'queue'),
    queryFn: async () => (await c.get<{ queue: WireQueueEntry[] }>({ kind: 'marathon' }, '/v2/queue?embed=lastUnusedOffers')).queue,
    enabled: c.summary.marathon !== undefined,
    refetchInterval: 3000,
  });
}
