/**
 * Plateau's master/agent link. Real Mesos agents speak libprocess messages; Plateau agents instead open
 * one long-lived RecordIO stream to the master, the way a v1 scheduler subscribes, and send the rest as
 * short POSTs. The shape deliberately mirrors the scheduler API so one set of tools reads both.
 *
 *   agent ── POST /master/api/v1/plateau/agent {REGISTER|REREGISTER} ──> master   (200, RecordIO stream)
 *   agent <── REGISTERED, RUN_TASK, KILL_TASK, ACKNOWLEDGE, SHUTDOWN_FRAMEWORK, PING, HEARTBEAT ── master
 *   agent ── POST ... {PONG} ──> master                                             (202)
 *   agent ── POST ... {STATUS_UPDATE} with Plateau-Agent-Stream-Id ──> master       (202)
 */
import type { AgentInfo, ExecutorInfo, FrameworkInfo, Id, KillPolicy, MasterInfo, Task, TaskInfo, TaskStatus } from '../mesos/v1.js';

/** AGENT_LINK_PATH is the master route agents post to. */
export const AGENT_LINK_PATH = '/master/api/v1/plateau/agent';

/** AGENT_STREAM_HEADER carries the agent's stream id on every call after REGISTER, like `Mesos-Stream-Id`. */
export const AGENT_STREAM_HEADER = 'plateau-agent-stream-id';

/** AgentCall is one POST from an agent to the master. */
export type AgentCall =
  | { type: 'REGISTER'; register: { agent_info: AgentInfo; ip: string; version: string; capabilities?: string[] } }
  | {
      type: 'REREGISTER';
      reregister: {
        agent_info: AgentInfo & { id: Id };
        ip: string;
        version: string;
        capabilities?: string[];
        /** tasks are the agent's non-terminal tasks, and terminal ones whose updates are not yet acknowledged. */
        tasks: Task[];
        frameworks: FrameworkInfo[];
      };
    }
  | { type: 'PONG'; agent_id: Id }
  | {
      type: 'STATUS_UPDATE';
      agent_id: Id;
      status_update: { framework_id: Id; status: TaskStatus; latest_state: TaskStatus['state'] };
    };

/** AgentEvent is one record the master streams to an agent. */
export type AgentEvent =
  | { type: 'REGISTERED'; registered: { agent_id: Id; master_info: MasterInfo; heartbeat_interval_seconds: number } }
  | { type: 'RUN_TASK'; run_task: { framework_info: FrameworkInfo & { id: Id }; task: TaskInfo } }
  | {
      type: 'RUN_TASK_GROUP';
      run_task_group: { framework_info: FrameworkInfo & { id: Id }; executor: ExecutorInfo; task_group: { tasks: TaskInfo[] } };
    }
  | { type: 'KILL_TASK'; kill_task: { framework_id: Id; task_id: Id; kill_policy?: KillPolicy } }
  | { type: 'ACKNOWLEDGE'; acknowledge: { framework_id: Id; task_id: Id; uuid: string } }
  | { type: 'SHUTDOWN_FRAMEWORK'; shutdown_framework: { framework_id: Id } }
  | { type: 'UPDATE_FRAMEWORK'; update_framework: { framework_info: FrameworkInfo & { id: Id } } }
  | { type: 'SHUTDOWN'; shutdown: { message: string } }
  /** PING asks the agent to answer with PONG; `--max_agent_ping_timeouts` unanswered pings make it unreachable. */
  | { type: 'PING' }
  | { type: 'HEARTBEAT' };
