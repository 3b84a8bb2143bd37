/**
 * The view of an app instance the pure planning code reads (Marathon's `core/instance/Instance.scala`, reduced to
 * what placement, scaling and rolling restarts look at). The service builds these from its instance records;
 * nothing here changes them.
 */
import type { Attribute } from '../common/resourceTypes.js';
import type { Condition } from '../protocol/marathon/outputs.js';

/** Goal is what Marathon wants an instance to be: running, stopped (resident) or gone for good. */
export type Goal = 'Running' | 'Stopped' | 'Decommissioned';

/** InstanceCondition is an instance's condition, including `Scheduled` and `Provisioned` before the task starts. */
export type InstanceCondition = Condition | 'Scheduled' | 'Provisioned';

/** InstanceView is one instance of an app as placement and deployment planning see it. */
export interface InstanceView {
  instanceId: string;
  appId: string;
  /** runSpecVersion is the `version` of the app definition the instance was launched with. */
  runSpecVersion: string;
  condition: InstanceCondition;
  goal: Goal;
  /** hostname, agentId, attributes, region and zone describe the agent it was placed on (absent until placed). */
  hostname?: string;
  agentId?: string;
  attributes?: readonly Attribute[];
  region?: string;
  zone?: string;
  /** stagedAt, since and startedAt are ISO timestamps: launch, last condition change, first TASK_RUNNING. */
  stagedAt?: string;
  since?: string;
  startedAt?: string;
  /** healthy is `consideredHealthy`: running and passing its health checks (or having none). */
  healthy?: boolean;
}

/** isPlaced says whether the instance has an agent, so constraints can compare against it. */
export function isPlaced(instance: Pick<InstanceView, 'hostname' | 'agentId'>): boolean {
  return instance.hostname !== undefined || instance.agentId !== undefined;
}

const TERMINAL: ReadonlySet<InstanceCondition> = new Set<InstanceCondition>(['Error', 'Failed', 'Finished', 'Killed', 'Gone', 'Dropped', 'Unknown']);

/** isTerminalCondition says whether the instance's task has ended (`Condition.isTerminal`, with Unknown and Gone). */
export function isTerminalCondition(condition: InstanceCondition): boolean {
  return TERMINAL.has(condition);
}
