/**
 * The shapes Marathon 1.10 answers with besides app definitions (task.raml, group.raml, deploymentPlan.raml,
 * deploymentResult.raml, queue.raml, offer.raml, readinessCheck.raml): app info with task counts, tasks,
 * groups, deployments, the launch queue with its processed-offers summary. Field names are the JSON names.
 */
import type { AppDefinition } from './appDefinition.js';

/** MesosTaskState is the task state as `/v2/tasks` prints it (task.raml `MesosTaskState`). */
export type MesosTaskState =
  | 'TASK_ERROR'
  | 'TASK_FAILED'
  | 'TASK_FINISHED'
  | 'TASK_KILLED'
  | 'TASK_KILLING'
  | 'TASK_RUNNING'
  | 'TASK_STAGING'
  | 'TASK_STARTING'
  | 'TASK_UNREACHABLE'
  | 'TASK_UNKNOWN'
  | 'TASK_GONE'
  | 'TASK_DROPPED';

/** Condition is an instance's condition in Marathon's own vocabulary (events, pods). */
export type Condition =
  | 'Error'
  | 'Failed'
  | 'Finished'
  | 'Killed'
  | 'Killing'
  | 'Running'
  | 'Staging'
  | 'Starting'
  | 'Unreachable'
  | 'UnreachableInactive'
  | 'Gone'
  | 'Dropped'
  | 'Unknown';

/** HealthResult is one health check's state for a task (`healthCheckResults[]`). */
export interface HealthResult {
  alive: boolean;
  consecutiveFailures: number;
  firstSuccess?: string;
  lastSuccess?: string;
  lastFailure?: string;
  lastFailureCause?: string;
  instanceId: string;
}

/** MarathonTask is a task as `/v2/tasks` and `/v2/apps/{id}/tasks` print it. */
export interface MarathonTask {
  appId: string;
  healthCheckResults?: HealthResult[];
  checkResult?: Record<string, unknown>;
  host: string;
  id: string;
  ipAddresses?: Array<{ ipAddress: string; protocol: 'IPv4' | 'IPv6' }>;
  ports?: number[];
  servicePorts?: number[];
  slaveId?: string;
  state: MesosTaskState;
  stagedAt?: string;
  startedAt?: string;
  version?: string;
  localVolumes?: Array<{ containerPath: string; persistenceId: string }>;
  region?: string;
  zone?: string;
  role: string;
}

/** TaskFailure is `lastTaskFailure`: the most recent failed task of an app. */
export interface TaskFailure {
  appId: string;
  host: string;
  message: string;
  state: string;
  taskId: string;
  timestamp: string;
  version: string;
  slaveId?: string;
}

/** TaskCounts counts an app's tasks by state and health. */
export interface TaskCounts {
  staged: number;
  running: number;
  healthy: number;
  unhealthy: number;
}

/** TaskStats is one entry of `taskStats`. */
export interface TaskStats {
  stats: { counts: TaskCounts; lifeTime?: { averageSeconds: number; medianSeconds: number } };
}

/** ReadinessCheckResult is one readiness probe's outcome during a deployment. */
export interface ReadinessCheckResult {
  name: string;
  taskId: string;
  ready: boolean;
  lastResponse?: { status: number; contentType: string; body: string };
}

/** AppInfo is an app as `/v2/apps` prints it: the definition plus counts and, when embedded, tasks and deployments. */
export interface AppInfo extends AppDefinition {
  tasksStaged?: number;
  tasksRunning?: number;
  tasksHealthy?: number;
  tasksUnhealthy?: number;
  deployments?: Array<{ id: string }>;
  readinessCheckResults?: ReadinessCheckResult[];
  tasks?: MarathonTask[];
  lastTaskFailure?: TaskFailure;
  /** taskStats is Marathon's field name (AppInfo's writer), with `embed=apps.taskStats`. */
  taskStats?: { startedAfterLastScaling?: TaskStats; withLatestConfig?: TaskStats; withOutdatedConfig?: TaskStats; totalSummary?: TaskStats };
}

/** GroupInfo is a group as `/v2/groups` prints it. */
export interface GroupInfo {
  id: string;
  apps?: AppInfo[];
  pods?: unknown[];
  groups?: GroupInfo[];
  dependencies?: string[];
  version?: string;
  enforceRole?: boolean;
}

/** DeploymentActionName lists the kinds of deployment action. */
export type DeploymentActionName =
  | 'StartApplication'
  | 'StopApplication'
  | 'ScaleApplication'
  | 'RestartApplication'
  | 'StartPod'
  | 'StopPod'
  | 'ScalePod'
  | 'RestartPod'
  | 'ResolveArtifacts';

/** DeploymentActionJson is one action of a step (`{"action":"ScaleApplication","app":"/web"}`). */
export interface DeploymentActionJson {
  action: DeploymentActionName;
  app?: string;
  pod?: string;
}

/** DeploymentStepJson is one step: actions run in parallel. */
export interface DeploymentStepJson {
  actions: DeploymentActionJson[];
}

/** DeploymentJson is an entry of `GET /v2/deployments`. */
export interface DeploymentJson {
  id: string;
  version: string;
  affectedApps: string[];
  affectedPods: string[];
  steps: DeploymentStepJson[];
  currentActions: Array<DeploymentActionJson & { readinessCheckResults: ReadinessCheckResult[] }>;
  currentStep: number;
  totalSteps: number;
}

/** DeploymentResult answers every change that starts a deployment (with header `Marathon-Deployment-Id`). */
export interface DeploymentResult {
  deploymentId: string;
  version: string;
}

/** DeclinedOfferStep counts, for one reason, how many offers were declined out of how many processed. */
export interface DeclinedOfferStep {
  reason: string;
  declined: number;
  processed: number;
}

/** ProcessedOffersSummary explains why an app is waiting (`/v2/queue`). */
export interface ProcessedOffersSummary {
  processedOffersCount: number;
  unusedOffersCount: number;
  lastUnusedOfferAt?: string;
  lastUsedOfferAt?: string;
  rejectSummaryLastOffers?: DeclinedOfferStep[];
  rejectSummaryLaunchAttempt?: DeclinedOfferStep[];
}

/** QueueOffer is an offer as `embed=lastUnusedOffers` prints it. */
export interface QueueOffer {
  id: string;
  hostname: string;
  agentId: string;
  resources: Array<{ name: string; role: string; scalar?: number; ranges?: Array<{ begin: number; end: number }>; set?: string[] }>;
  attributes: Array<{ name: string; text?: string; scalar?: number; ranges?: Array<{ begin: number; end: number }>; set?: string[] }>;
}

/** QueueItem is one app waiting for launches in `GET /v2/queue`. */
export interface QueueItem {
  app: AppDefinition;
  count: number;
  role: string;
  delay: { timeLeftSeconds: number; overdue: boolean };
  since: string;
  processedOffersSummary: ProcessedOffersSummary;
  lastUnusedOffers?: Array<{ offer: QueueOffer; reason: string[]; timestamp: string }>;
}
