import { statfsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { parseAttributes, Resources, withAgentDefaults } from '../common/resources.js';
import { formatDuration } from '../common/duration.js';
import type { MasterFlags } from '../master/masterFlags.js';
import { createAgent, type RunningAgent } from './createAgent.js';
import { createMaster, type RunningMaster } from './createMaster.js';
import { parseZkUrl } from '../coordination/zkUrl.js';
import { createHaMarathon } from './createHaMarathon.js';
import { createMarathon } from './createMarathon.js';
import { readFlags, type FlagSpec } from './flagSpec.js';
import { consoleLogger } from './logger.js';

/** MASTER_FLAGS are `plateau master`'s flags, named and defaulted as Mesos 1.11's master flags. */
export const MASTER_FLAGS: FlagSpec[] = [
  { name: 'ip', kind: 'string', help: 'IP address to listen on', default: '127.0.0.1' },
  { name: 'port', kind: 'number', help: 'Port to listen on', default: '5050' },
  { name: 'hostname', kind: 'string', help: 'Hostname the master advertises (defaults to the IP)' },
  { name: 'work_dir', kind: 'string', help: 'Directory for the registry; required unless --registry=in_memory' },
  { name: 'registry', kind: 'string', help: "Persistence strategy for the registry: 'replicated_log' (SQLite under work_dir) or 'in_memory'", default: 'replicated_log' },
  { name: 'allocation_interval', kind: 'duration', help: 'Amount of time to wait between allocation cycles', default: '1secs' },
  { name: 'offer_timeout', kind: 'duration', help: 'Duration after which an outstanding offer is rescinded (unset: never)' },
  { name: 'agent_ping_timeout', kind: 'duration', help: 'How long the master waits for an agent to come back before counting a missed ping', default: '15secs' },
  { name: 'max_agent_ping_timeouts', kind: 'number', help: 'Missed pings after which an agent is marked unreachable', default: '5' },
  { name: 'agent_reregister_timeout', kind: 'duration', help: 'How long agents have to re-register after a master failover', default: '10mins' },
  { name: 'max_completed_frameworks', kind: 'number', help: 'Completed frameworks kept in memory', default: '50' },
  { name: 'max_completed_tasks_per_framework', kind: 'number', help: 'Completed tasks kept per framework', default: '1000' },
  { name: 'cluster', kind: 'string', help: 'Human readable name for the cluster' },
  { name: 'zk', kind: 'string', help: 'ZooKeeper URL for leader election and the registry, e.g. zk://h1:2181,h2:2181,h3:2181/mesos (standalone without it)' },
  { name: 'quorum', kind: 'number', help: 'With --zk: how many masters must be in the group before the leader recovers and serves (a majority of the masters)' },
  { name: 'zk_session_timeout', kind: 'duration', help: 'ZooKeeper session timeout', default: '10secs' },
  { name: 'quiet', kind: 'boolean', help: 'Log only warnings and errors', default: 'false' },
];

/** AGENT_FLAGS are `plateau agent`'s flags, named and defaulted as Mesos 1.11's agent flags. */
export const AGENT_FLAGS: FlagSpec[] = [
  { name: 'master', kind: 'string', help: 'The master to register with: host:port or http://host:port' },
  { name: 'ip', kind: 'string', help: 'IP address to listen on and advertise', default: '127.0.0.1' },
  { name: 'port', kind: 'number', help: 'Port to listen on', default: '5051' },
  { name: 'hostname', kind: 'string', help: 'Hostname the agent advertises (defaults to the IP)' },
  { name: 'work_dir', kind: 'string', help: 'Directory for sandboxes and checkpoints (required)' },
  { name: 'resources', kind: 'string', help: "Total consumable resources, e.g. 'cpus:4;mem:2048;ports:[31000-32000]' or a JSON array; missing ones are detected" },
  { name: 'attributes', kind: 'string', help: "Attributes of the machine, e.g. 'rack:abc;zone:west'" },
  { name: 'default_role', kind: 'string', help: 'Role for resources given without one', default: '*' },
  { name: 'containerizers', kind: 'string', help: 'Comma-separated containerizers', default: 'mesos' },
  { name: 'isolation', kind: 'string', help: "Isolation mechanisms: 'posix/cpu,posix/mem' (none) or cgroups isolators such as 'cgroups/cpu,cgroups/mem,cgroups/pids' (with PID, mount, UTS and IPC namespaces)", default: 'posix/cpu,posix/mem' },
  { name: 'cgroups_root', kind: 'string', help: 'Name of the root cgroup under each hierarchy for containers (agents sharing a host need distinct ones)', default: 'plateau' },
  { name: 'cgroups_enable_cfs', kind: 'boolean', help: 'Cap each container at its cpus with a CFS quota (cgroups/cpu)', default: 'true' },
  { name: 'cgroups_pids_limit', kind: 'number', help: 'Most processes and threads per container (cgroups/pids; 0 for no limit)', default: '4096' },
  { name: 'lxcfs_dir', kind: 'string', help: "Where lxcfs is mounted; its proc files are bind-mounted over each container's /proc when present ('' to never use lxcfs)", default: '/var/lib/lxcfs' },
  { name: 'gc_delay', kind: 'duration', help: 'Maximum time a finished sandbox is kept before removal', default: '1weeks' },
  { name: 'registration_backoff_factor', kind: 'duration', help: 'Backoff factor for (re-)registration attempts', default: '1secs' },
  { name: 'docker', kind: 'string', help: 'The docker CLI the docker containerizer would run (unused: Plateau talks to the Engine API)', default: 'docker' },
  { name: 'docker_socket', kind: 'string', help: 'The Docker daemon socket for --containerizers=docker (DOCKER_HOST is used when this is left at its default)', default: '/var/run/docker.sock' },
  { name: 'docker_remove_delay', kind: 'duration', help: 'How long exited Docker containers are kept before they are removed', default: '6hrs' },
  { name: 'quiet', kind: 'boolean', help: 'Log only warnings and errors', default: 'false' },
];

/** MARATHON_FLAGS are `plateau marathon`'s flags, named and defaulted as Marathon 1.10's (env twins `MARATHON_<FLAG>`). */
export const MARATHON_FLAGS: FlagSpec[] = [
  { name: 'master', kind: 'string', help: 'The Mesos master: host:port, http://host:port, or zk://host:port[,host:port...]/mesos' },
  { name: 'zk', kind: 'string', help: "ZooKeeper URL for high availability (zk://host:port[,host:port...]/marathon): leader election and Marathon's state; without it Marathon runs alone with its state in --work_dir" },
  { name: 'zk_session_timeout', kind: 'number', help: 'ZooKeeper session timeout in milliseconds', default: '10000' },
  { name: 'http_address', kind: 'string', help: 'Address to listen on', default: '127.0.0.1' },
  { name: 'http_port', kind: 'number', help: 'Port for the REST API', default: '8080' },
  { name: 'hostname', kind: 'string', help: 'Hostname Marathon advertises (defaults to http_address)' },
  { name: 'work_dir', kind: 'string', help: "Directory for Marathon's state (SQLite); required without --zk" },
  { name: 'framework_name', kind: 'string', help: 'Framework name to register with', default: 'marathon' },
  { name: 'mesos_role', kind: 'string', help: 'Mesos role for resources', default: '*' },
  { name: 'mesos_user', kind: 'string', help: 'Mesos user for tasks', default: 'root' },
  { name: 'failover_timeout', kind: 'number', help: 'Framework failover timeout in seconds', default: '604800' },
  { name: 'quiet', kind: 'boolean', help: 'Log only warnings and errors', default: 'false' },
];

export function masterUrl(master: string): string {
  if (master.startsWith('zk://')) return master;
  return /^https?:\/\//.test(master) ? master : `http://${master}`;
}

/** detectHardware reads what Mesos autodetects for absent resources: cores, memory and the work_dir's disk, in MB. */
export function detectHardware(workDir: string): { cpus: number; memMB: number; diskMB: number } {
  mkdirSync(workDir, { recursive: true });
  const fs = statfsSync(workDir);
  return { cpus: os.cpus().length, memMB: Math.floor(os.totalmem() / 1048576), diskMB: Math.floor((fs.blocks * fs.bsize) / 1048576) };
}

export function loadResourcesFlag(text: string | undefined, defaultRole: string): Resources {
  if (!text) return Resources.empty();
  const body = text.startsWith('file://') ? readFileSync(text.slice('file://'.length), 'utf8') : text;
  return Resources.parse(body.trim(), defaultRole);
}

export function flagStrings(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
}

export async function startMaster(opts: Record<string, unknown>): Promise<RunningMaster> {
  const f = readFlags(MASTER_FLAGS, opts, process.env);
  if (f.registry !== 'in_memory' && f.registry !== 'replicated_log') throw new Error(`Invalid --registry '${String(f.registry)}': expected 'replicated_log' or 'in_memory'`);
  if (f.zk && !String(f.zk).startsWith('zk://')) throw new Error(`Invalid --zk '${String(f.zk)}': expected zk://host:port[,host:port...]/path`);
  if (f.zk && f.registry === 'replicated_log' && f.quorum === undefined) throw new Error('Need to specify --quorum for replicated log based registry when using ZooKeeper');
  if (f.registry === 'replicated_log' && !f.work_dir && !f.zk) throw new Error('--work_dir is required with --registry=replicated_log');
  const log = consoleLogger('master', f.quiet === true);
  const flags: Partial<MasterFlags> = { ...(f as Partial<MasterFlags>), hostname: String(f.hostname ?? f.ip), work_dir: String(f.work_dir ?? '') };
  const running = await createMaster(flags, {
    log,
    onLostLeadership: () => {
      log.error('Exiting so that a supervisor restarts this master as a standby');
      process.exit(1);
    },
  });
  process.stdout.write(`Master listening on ${running.url}\n`);
  return running;
}

export async function startAgent(opts: Record<string, unknown>, log = consoleLogger('agent', opts.quiet === true || opts.quiet === 'true')): Promise<RunningAgent> {
  const f = readFlags(AGENT_FLAGS, opts, process.env);
  if (!f.master) throw new Error('--master is required (e.g. --master=127.0.0.1:5050)');
  if (!f.work_dir) throw new Error('--work_dir is required');
  const workDir = String(f.work_dir);
  const defaultRole = String(f.default_role);
  const resources = withAgentDefaults(loadResourcesFlag(f.resources as string | undefined, defaultRole), detectHardware(workDir));
  const attributes = f.attributes ? parseAttributes(String(f.attributes)) : [];
  const display = flagStrings({ ...f, gc_delay: formatDuration(Number(f.gc_delay)), registration_backoff_factor: formatDuration(Number(f.registration_backoff_factor)), docker_remove_delay: formatDuration(Number(f.docker_remove_delay)) });
  const running = await createAgent(
    {
      master: masterUrl(String(f.master)),
      ip: String(f.ip),
      port: Number(f.port),
      hostname: String(f.hostname ?? f.ip),
      work_dir: workDir,
      resources,
      attributes,
      gc_delay: Number(f.gc_delay),
      registration_backoff_factor: Number(f.registration_backoff_factor),
      containerizers: String(f.containerizers),
      docker_socket: String(f.docker_socket),
      docker_remove_delay: Number(f.docker_remove_delay),
      isolation: String(f.isolation),
      cgroups_root: String(f.cgroups_root),
      cgroups_enable_cfs: f.cgroups_enable_cfs !== false,
      cgroups_pids_limit: Number(f.cgroups_pids_limit),
      lxcfs_dir: String(f.lxcfs_dir ?? ''),
      flags: display,
    },
    { log },
  );
  process.stdout.write(`Agent listening on ${running.url} with ${resources.toString()}\n`);
  return running;
}

export async function startMarathon(opts: Record<string, unknown>): Promise<{ url: string; dispose(): Promise<void> }> {
  const f = readFlags(MARATHON_FLAGS, opts, process.env, 'MARATHON_');
  if (!f.master) throw new Error('--master is required (e.g. --master=127.0.0.1:5050)');
  if (f.zk !== undefined) parseZkUrl(String(f.zk));
  if (!f.work_dir && !f.zk) throw new Error('--work_dir is required (or --zk, to keep the state in ZooKeeper)');
  if (!(Number(f.zk_session_timeout) > 0)) throw new Error(`Invalid --zk_session_timeout '${String(f.zk_session_timeout)}': expected milliseconds`);
  const log = consoleLogger('marathon', f.quiet === true);
  const ip = String(f.http_address);
  const config = { master: masterUrl(String(f.master)), ip, http_port: Number(f.http_port), hostname: String(f.hostname ?? ip), framework_name: String(f.framework_name), mesos_role: String(f.mesos_role), mesos_user: String(f.mesos_user), failover_timeout: Number(f.failover_timeout) };
  const running = f.zk
    ? await createHaMarathon(
        { ...config, zk: String(f.zk), zk_session_timeout: Number(f.zk_session_timeout) },
        {
          log,
          onLostLeadership: () => {
            // Marathon exits on leadership loss so that a supervisor restarts it as a standby with no stale state.
            log.error('Exiting so that a supervisor restarts this Marathon as a standby');
            process.exit(1);
          },
        },
      )
    : await createMarathon({ ...config, work_dir: String(f.work_dir) }, { log });
  process.stdout.write(`Marathon listening on ${running.url}\n`);
  return running;
}

