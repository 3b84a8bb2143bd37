import type { Attribute } from '../../protocol/mesos/v1.js';
import type { Condition, HealthResult, MarathonTask, MesosTaskState, ReadinessCheckResult } from '../../protocol/marathon/outputs.js';
import type { InstanceView } from '../instance.js';

/**
 * InstanceRecord is what Marathon's instance tracker keeps for one instance of an app: its goal, the
 * task it runs (one task per instance for apps), where it was placed and how it is doing. It is
 * persisted as-is, so a restarted Marathon knows its tasks before the master tells it.
 */
export interface InstanceRecord extends InstanceView {
  taskId: string;
  /** state is the task's latest Mesos state, as `/v2/tasks` prints it. */
  state: MesosTaskState;
  hostPorts: number[];
  servicePorts: number[];
  ipAddresses: Array<{ ipAddress: string; protocol: 'IPv4' | 'IPv6' }>;
  role: string;
  /** launchableAt is when a Scheduled instance may be launched (the app's backoff delay); ms since the epoch. */
  launchableAt?: number;
  health: HealthResult[];
  /** ready is set once the instance passed its app's readiness checks during a deployment. */
  ready?: boolean;
  readiness?: ReadinessCheckResult[];
  /** unreachableSince is when the task became unreachable (ms since the epoch), for `unreachableStrategy`. */
  unreachableSince?: number;
  /** mesosHealthy is the `healthy` of the task's latest status update, for checks Mesos runs (MESOS_*, COMMAND). */
  mesosHealthy?: boolean;
  message?: string;
  attributes?: readonly Attribute[];
}

/** conditionOf maps a Mesos task state to Marathon's instance `Condition`. */
export function conditionOf(state: string): Condition {
  switch (state) {
    case 'TASK_STAGING':
      return 'Staging';
    case 'TASK_STARTING':
      return 'Starting';
    case 'TASK_RUNNING':
      return 'Running';
    case 'TASK_KILLING':
      return 'Killing';
    case 'TASK_FINISHED':
      return 'Finished';
    case 'TASK_FAILED':
      return 'Failed';
    case 'TASK_KILLED':
      return 'Killed';
    case 'TASK_ERROR':
      return 'Error';
    case 'TASK_UNREACHABLE':
      return 'Unreachable';
    case 'TASK_GONE':
    case 'TASK_GONE_BY_OPERATOR':
      return 'Gone';
    case 'TASK_DROPPED':
      return 'Dropped';
    case 'TASK_LOST':
    case 'TASK_UNKNOWN':
    default:
      return 'Unknown';
  }
}

// An instance unreachable for longer than its app's `inactiveAfterSeconds` no longer counts: a
// replacement runs in its place, as Marathon's UnreachableInactive.
const INACTIVE: ReadonlySet<string> = new Set(['Error', 'Failed', 'Finished', 'Killed', 'Gone', 'Dropped', 'Unknown', 'UnreachableInactive']);

/** isActive says whether an instance counts toward its app's instances (placed or about to be, not finished). */
export function isActive(i: InstanceRecord): boolean {
  return i.goal === 'Running' && !INACTIVE.has(i.condition);
}

/** isMesosRunCheck says whether Mesos, not Marathon, runs a health check (MESOS_HTTP, MESOS_HTTPS, MESOS_TCP, COMMAND). */
export function isMesosRunCheck(check: { protocol: string }): boolean {
  return check.protocol === 'COMMAND' || check.protocol.startsWith('MESOS_');
}

/**
 * isHealthy is Marathon's `consideredHealthy`: running and passing every health check (or having none).
 * `healthChecks` counts the checks Marathon runs; `mesosCheck` says the task also carries a Mesos-run check,
 * which passes only once the agent has reported the task `healthy`.
 */
export function isHealthy(i: InstanceRecord, healthChecks: number, mesosCheck = false): boolean {
  if (i.condition !== 'Running') return false;
  if (mesosCheck && i.mesosHealthy !== true) return false;
  if (healthChecks === 0) return true;
  return i.health.length >= healthChecks && i.health.every((h) => h.alive);
}

/** taskJson renders an instance's task as `/v2/apps/{id}/tasks` does (field by field: an app's answer renders thousands). */
export function taskJson(i: InstanceRecord): MarathonTask {
  const t: Record<string, unknown> = { appId: i.appId, id: i.taskId, host: i.hostname ?? '' };
  if (i.agentId) t.slaveId = i.agentId;
  t.state = i.state;
  if (i.stagedAt) t.stagedAt = i.stagedAt;
  if (i.startedAt) t.startedAt = i.startedAt;
  t.version = i.runSpecVersion;
  t.ports = i.hostPorts;
  t.servicePorts = i.servicePorts;
  t.ipAddresses = i.ipAddresses;
  if (i.health.length) t.healthCheckResults = i.health;
  if (i.region) t.region = i.region;
  if (i.zone) t.zone = i.zone;
  t.role = i.role;
  return t as unknown as MarathonTask;
}
