/**
 * MasterFlags are the master's settings under their Mesos names; durations are in milliseconds. The CLI
 * parses `--flag` and `MESOS_FLAG` into this; `GET_FLAGS` and `/master/flags` print it back.
 */
export interface MasterFlags {
  ip: string;
  port: number;
  hostname: string;
  work_dir: string;
  registry: 'replicated_log' | 'in_memory';
  allocation_interval: number;
  offer_timeout: number | undefined;
  agent_ping_timeout: number;
  max_agent_ping_timeouts: number;
  agent_reregister_timeout: number;
  heartbeat_interval: number;
  max_completed_frameworks: number;
  max_completed_tasks_per_framework: number;
  cluster: string | undefined;
  [extra: string]: string | number | boolean | undefined;
}

/** DEFAULT_MASTER_FLAGS are Mesos 1.11's defaults. */
export const DEFAULT_MASTER_FLAGS: MasterFlags = {
  ip: '127.0.0.1',
  port: 5050,
  hostname: 'localhost',
  work_dir: '/var/lib/plateau/master',
  registry: 'replicated_log',
  allocation_interval: 1000,
  offer_timeout: undefined,
  agent_ping_timeout: 15_000,
  max_agent_ping_timeouts: 5,
  agent_reregister_timeout: 600_000,
  heartbeat_interval: 15_000,
  max_completed_frameworks: 50,
  max_completed_tasks_per_framework: 1000,
  cluster: undefined,
};
