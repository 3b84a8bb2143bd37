/**
 * Wire types shared by the Mesos v1 scheduler, operator and agent APIs (`include/mesos/v1/mesos.proto`),
 * with the proto field names the JSON uses. Only the fields Plateau reads or writes are typed; unknown
 * fields a client sends are kept where they pass through (labels, discovery, container).
 */
import type { Attribute, Resource } from './resource.js';

export type { Attribute, Resource } from './resource.js';

/** Id is Mesos's wrapper message for every id: `{"value":"..."}`. */
export interface Id {
  value: string;
}

/** Label and Labels are key/value metadata attached to frameworks, tasks and statuses. */
export interface Label {
  key: string;
  value?: string;
}
export interface Labels {
  labels: Label[];
}

/** FrameworkCapabilityType lists the capabilities a framework may declare when it subscribes. */
export type FrameworkCapabilityType =
  | 'REVOCABLE_RESOURCES'
  | 'TASK_KILLING_STATE'
  | 'GPU_RESOURCES'
  | 'SHARED_RESOURCES'
  | 'PARTITION_AWARE'
  | 'MULTI_ROLE'
  | 'RESERVATION_REFINEMENT'
  | 'REGION_AWARE';

/** FrameworkInfo describes a framework as it subscribes; `id` is set when it re-subscribes. */
export interface FrameworkInfo {
  user: string;
  name: string;
  id?: Id;
  failover_timeout?: number;
  checkpoint?: boolean;
  role?: string;
  roles?: string[];
  hostname?: string;
  principal?: string;
  webui_url?: string;
  capabilities?: Array<{ type: FrameworkCapabilityType | string }>;
  labels?: Labels;
  offer_filters?: Record<string, unknown>;
}

/** Environment is the set of variables a `CommandInfo` adds to the task's environment. */
export interface Environment {
  variables?: Array<{ name: string; type?: 'VALUE' | 'SECRET' | 'UNKNOWN'; value?: string }>;
}

/** CommandInfo says what to run: `shell` (default true) runs `value` with `/bin/sh -c`. */
export interface CommandInfo {
  uris?: Array<{ value: string; executable?: boolean; extract?: boolean; cache?: boolean; output_file?: string }>;
  environment?: Environment;
  shell?: boolean;
  value?: string;
  arguments?: string[];
  user?: string;
}

/** DurationInfo is a duration in nanoseconds. */
export interface DurationInfo {
  nanoseconds: number;
}

/** KillPolicy sets the grace period between SIGTERM and SIGKILL for a task. */
export interface KillPolicy {
  grace_period?: DurationInfo;
}

/** ExecutorInfo describes a custom or default executor. */
export interface ExecutorInfo {
  type?: 'UNKNOWN' | 'DEFAULT' | 'CUSTOM';
  executor_id: Id;
  framework_id?: Id;
  command?: CommandInfo;
  container?: ContainerInfo;
  resources?: Resource[];
  name?: string;
  source?: string;
  labels?: Labels;
}

/** ContainerInfo is passed through to the containerizer; Plateau reads `type`, `docker` and `mesos`. */
export interface ContainerInfo {
  type: 'DOCKER' | 'MESOS';
  volumes?: unknown[];
  hostname?: string;
  docker?: Record<string, unknown>;
  mesos?: Record<string, unknown>;
  network_infos?: NetworkInfo[];
  [key: string]: unknown;
}

/** NetworkInfo carries a container's IP addresses, which Mesos-DNS reads from statuses. */
export interface NetworkInfo {
  ip_addresses?: Array<{ protocol?: 'IPv4' | 'IPv6'; ip_address?: string }>;
  name?: string;
  groups?: string[];
  labels?: Labels;
  port_mappings?: Array<{ host_port: number; container_port: number; protocol?: string }>;
}

/** TaskInfo is what a framework asks the master to launch. */
export interface TaskInfo {
  name: string;
  task_id: Id;
  agent_id: Id;
  resources?: Resource[];
  executor?: ExecutorInfo;
  command?: CommandInfo;
  container?: ContainerInfo;
  health_check?: Record<string, unknown>;
  check?: Record<string, unknown>;
  kill_policy?: KillPolicy;
  data?: string;
  labels?: Labels;
  discovery?: Record<string, unknown>;
  max_completion_time?: DurationInfo;
  limits?: Record<string, unknown>;
}

/** TaskState is the Mesos task state machine's vocabulary. */
export type TaskState =
  | 'TASK_STAGING'
  | 'TASK_STARTING'
  | 'TASK_RUNNING'
  | 'TASK_KILLING'
  | 'TASK_FINISHED'
  | 'TASK_FAILED'
  | 'TASK_KILLED'
  | 'TASK_ERROR'
  | 'TASK_LOST'
  | 'TASK_DROPPED'
  | 'TASK_UNREACHABLE'
  | 'TASK_GONE'
  | 'TASK_GONE_BY_OPERATOR'
  | 'TASK_UNKNOWN';

/** TERMINAL_TASK_STATES are the states a task never leaves. */
export const TERMINAL_TASK_STATES: ReadonlySet<TaskState> = new Set<TaskState>([
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_ERROR',
  'TASK_LOST',
  'TASK_DROPPED',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
]);

/** isTerminalState says whether a task in `state` is finished for good. */
export function isTerminalState(state: TaskState): boolean {
  return TERMINAL_TASK_STATES.has(state);
}

/** ContainerStatus is the container part of a `TaskStatus`. */
export interface ContainerStatus {
  container_id?: ContainerId;
  network_infos?: NetworkInfo[];
  cgroup_info?: Record<string, unknown>;
  executor_pid?: number;
}

/** ContainerId identifies a container; nested containers carry their parent. */
export interface ContainerId {
  value: string;
  parent?: ContainerId;
}

/** TaskStatus is one status update of a task; `uuid` present means it must be acknowledged. */
export interface TaskStatus {
  task_id: Id;
  state: TaskState;
  message?: string;
  source?: 'SOURCE_MASTER' | 'SOURCE_AGENT' | 'SOURCE_EXECUTOR';
  reason?: string;
  data?: string;
  agent_id?: Id;
  executor_id?: Id;
  timestamp?: number;
  uuid?: string;
  healthy?: boolean;
  labels?: Labels;
  container_status?: ContainerStatus;
  unreachable_time?: { nanoseconds: number };
  limitation?: Record<string, unknown>;
}

/** Address is the `address` of MasterInfo, which mesos-go based tools read first. */
export interface Address {
  hostname?: string;
  ip?: string;
  port: number;
}

/** MasterInfo identifies a master; it is also the JSON stored in ZooKeeper's `json.info_` nodes. */
export interface MasterInfo {
  id: string;
  ip: number;
  port: number;
  pid?: string;
  hostname?: string;
  version?: string;
  address?: Address;
  capabilities?: Array<{ type: string }>;
}

/** AgentInfo identifies an agent and what it has. */
export interface AgentInfo {
  hostname: string;
  port?: number;
  resources?: Resource[];
  attributes?: Attribute[];
  id?: Id;
}

/** Offer is a set of resources on one agent offered to one framework. */
export interface Offer {
  id: Id;
  framework_id: Id;
  agent_id: Id;
  hostname: string;
  url?: { scheme: string; address: Address; path?: string };
  resources: Resource[];
  attributes?: Attribute[];
  executor_ids?: Id[];
  allocation_info?: { role: string };
  /** unavailability is set while the agent's machine is scheduled for maintenance. */
  unavailability?: { start: { nanoseconds: number }; duration?: { nanoseconds: number } };
}

/** Filters tell the master how long to withhold declined resources (`refuse_seconds`, default 5). */
export interface Filters {
  refuse_seconds?: number;
}

/** OfferOperation is one operation inside an ACCEPT call. */
export interface OfferOperation {
  type: 'LAUNCH' | 'LAUNCH_GROUP' | 'RESERVE' | 'UNRESERVE' | 'CREATE' | 'DESTROY' | string;
  id?: Id;
  launch?: { task_infos: TaskInfo[] };
  launch_group?: { executor: ExecutorInfo; task_group: { tasks: TaskInfo[] } };
  reserve?: { source?: Resource[]; resources: Resource[] };
  unreserve?: { resources: Resource[] };
}

/** Task is the master's (and operator API's) record of a launched task. */
export interface Task {
  name: string;
  task_id: Id;
  framework_id: Id;
  executor_id?: Id;
  agent_id: Id;
  state: TaskState;
  resources: Resource[];
  statuses: TaskStatus[];
  status_update_state?: TaskState;
  status_update_uuid?: string;
  labels?: Labels;
  discovery?: Record<string, unknown>;
  container?: ContainerInfo;
  health_check?: Record<string, unknown>;
  kill_policy?: KillPolicy;
  user?: string;
  limits?: Record<string, unknown>;
}
