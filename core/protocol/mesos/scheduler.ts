/**
 * Wire types of the Mesos v1 scheduler API (`include/mesos/v1/scheduler/scheduler.proto`): the `Call`
 * a framework POSTs to `/api/v1/scheduler` and the `Event`s streamed back in RecordIO.
 */
import type {
  FrameworkInfo,
  Filters,
  Id,
  KillPolicy,
  MasterInfo,
  Offer,
  OfferOperation,
  TaskStatus,
} from './v1.js';

/** SchedulerCallType lists every call type the v1 scheduler API defines. */
export const SCHEDULER_CALL_TYPES = [
  'UNKNOWN',
  'SUBSCRIBE',
  'TEARDOWN',
  'ACCEPT',
  'DECLINE',
  'ACCEPT_INVERSE_OFFERS',
  'DECLINE_INVERSE_OFFERS',
  'REVIVE',
  'KILL',
  'SHUTDOWN',
  'ACKNOWLEDGE',
  'ACKNOWLEDGE_OPERATION_STATUS',
  'RECONCILE',
  'RECONCILE_OPERATIONS',
  'MESSAGE',
  'REQUEST',
  'SUPPRESS',
  'UPDATE_FRAMEWORK',
] as const;
export type SchedulerCallType = (typeof SCHEDULER_CALL_TYPES)[number];

/** SchedulerCall is the body of one POST to `/api/v1/scheduler`. */
export interface SchedulerCall {
  type: SchedulerCallType;
  framework_id?: Id;
  subscribe?: { framework_info: FrameworkInfo; suppressed_roles?: string[]; offer_constraints?: unknown };
  accept?: { offer_ids: Id[]; operations?: OfferOperation[]; filters?: Filters };
  decline?: { offer_ids: Id[]; filters?: Filters };
  revive?: { roles?: string[] };
  suppress?: { roles?: string[] };
  kill?: { task_id: Id; agent_id?: Id; kill_policy?: KillPolicy };
  shutdown?: { executor_id: Id; agent_id: Id };
  acknowledge?: { agent_id: Id; task_id: Id; uuid: string };
  reconcile?: { tasks?: Array<{ task_id: Id; agent_id?: Id }> };
  message?: { agent_id: Id; executor_id: Id; data: string };
  request?: { requests?: unknown[] };
  update_framework?: { framework_info: FrameworkInfo; suppressed_roles?: string[]; offer_constraints?: unknown };
}

/** SchedulerEvent is one record of the SUBSCRIBE stream. */
export type SchedulerEvent =
  | { type: 'SUBSCRIBED'; subscribed: { framework_id: Id; heartbeat_interval_seconds: number; master_info: MasterInfo } }
  | { type: 'OFFERS'; offers: { offers: Offer[] } }
  | { type: 'RESCIND'; rescind: { offer_id: Id } }
  | { type: 'UPDATE'; update: { status: TaskStatus } }
  | { type: 'MESSAGE'; message: { agent_id: Id; executor_id: Id; data: string } }
  | { type: 'FAILURE'; failure: { agent_id?: Id; executor_id?: Id; status?: number } }
  | { type: 'ERROR'; error: { message: string }; message?: string }
  | { type: 'HEARTBEAT' };
