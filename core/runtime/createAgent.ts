import { join } from 'node:path';
import type { Clock } from '../common/clock.js';
import type { Rng } from '../common/rng.js';
import type { Resources } from '../common/resources.js';
import type { Attribute } from '../protocol/mesos/v1.js';
import { Agent } from '../agent/agent.js';
import { Sandboxes } from '../agent/sandbox.js';
import { SandboxGc } from '../agent/sandboxGc.js';
import { Fetcher } from '../agent/fetcher.js';
import { NodeFetcherIo } from '../node/nodeFetcherIo.js';
import { NodeHealthProbe } from '../node/nodeHealthProbe.js';
import { registerAgentRoutes } from '../api/agentRoutes.js';
import { confineTo, registerFilesRoutes } from '../api/filesRoutes.js';
import { PosixContainerizer } from '../containerizer/posixContainerizer.js';
import { ComposingContainerizer } from '../containerizer/composingContainerizer.js';
import type { Containerizer } from '../containerizer/containerizer.js';
import { DockerContainerizer } from '../containerizer/docker/dockerContainerizer.js';
import { DockerSocketClient, dockerEndpoint } from '../node/dockerSocketClient.js';
import { NodeContainerFiles } from '../node/nodeContainerFiles.js';
import { ChildProcessLauncher } from '../node/childProcessLauncher.js';
import { DEFAULT_ISOLATION, parseIsolation } from '../containerizer/isolation.js';
import { DEFAULT_CGROUPS_ROOT, DEFAULT_LXCFS_DIR, MesosContainerizer, type LxcfsStatus } from '../containerizer/mesosContainerizer.js';
import { detectCgroupFs } from '../node/detectCgroupFs.js';
import { NodeProvisioner } from '../node/nodeProvisioner.js';
import { CoreError } from '../common/errors.js';
import { userInfo } from 'node:os';
import { CryptoRng } from '../node/cryptoRng.js';
import { FileAgentStore } from '../node/fileAgentStore.js';
import { HttpMasterLink } from '../node/httpMasterLink.js';
import { NodeSandboxFs } from '../node/nodeSandboxFs.js';
import { SystemClock } from '../node/systemClock.js';
import { createHttpServer } from './httpServer.js';
import { detectMasters, leaderUrl } from './masterDetector.js';
import type { Logger } from './logger.js';

/** AgentConfig is what `plateau agent` resolved from its flags. */
export interface AgentConfig {
  master: string;
  ip: string;
  port: number;
  hostname: string;
  work_dir: string;
  resources: Resources;
  attributes: Attribute[];
  gc_delay: number;
  registration_backoff_factor: number;
  containerizers: string;
  /** docker_socket is `--docker_socket`; `DOCKER_HOST` applies when it is absent or left at the default. */
  docker_socket?: string;
  /** docker_remove_delay is `--docker_remove_delay` in milliseconds (default 6 hours). */
  docker_remove_delay?: number;
  /** lxcfs_dir is where lxcfs is mounted (default `/var/lib/lxcfs`); docker containers get its /proc files when present. */
  lxcfs_dir?: string;
  /** isolation is `--isolation` (default `posix/cpu,posix/mem`); any `cgroups/*` isolator selects the Mesos containerizer. */
  isolation?: string;
  /** cgroups_root, cgroups_enable_cfs and cgroups_pids_limit tune the cgroups isolators (Mesos names). */
  cgroups_root?: string;
  cgroups_enable_cfs?: boolean;
  cgroups_pids_limit?: number;
  flags: Record<string, string>;
}

/** RunningAgent is a started agent with its HTTP server. */
export interface RunningAgent {
  agent: Agent;
  url: string;
  port: number;
  /** dispose stops the agent process's work but leaves tasks running (as an agent restart does). */
  dispose(): Promise<void>;
  /** destroy kills the agent's tasks too. */
  destroy(): Promise<void>;
}

/**
 * createAgent is the agent's composition root: checkpoint store, sandboxes and their GC, the posix
 * containerizer, the HTTP link to the master, and the agent's own HTTP server.
 */
export async function createAgent(config: AgentConfig, deps: { log: Logger; clock?: Clock; rng?: Rng }): Promise<RunningAgent> {
  const unknown = config.containerizers.split(',').map((c) => c.trim()).filter((c) => !['posix', 'mesos', 'docker'].includes(c));
  if (unknown.length > 0) throw new CoreError('INVALID', `Unknown containerizer(s) in --containerizers: ${unknown.join(', ')} (expected mesos, docker or posix)`);
  const clock = deps.clock ?? new SystemClock();
  const fs = new NodeSandboxFs();
  const sandboxes = new Sandboxes(config.work_dir, fs);
  const gc = new SandboxGc({ clock, fs, gcDelayMs: config.gc_delay, onRemoved: (path, err) => (err ? deps.log.warn(`Failed to garbage collect ${path}: ${String(err)}`) : deps.log.info(`Garbage collected ${path}`)) });
  const local = await localContainerizer(config, { log: deps.log, clock });
  const containerizer = await withDockerContainerizer(local.containerizer, config, { log: deps.log, clock });
  // With `--master=zk://...` the agent finds the leading master as Mesos agents do: by watching the masters' group.
  const group = config.master.startsWith('zk://') ? detectMasters(config.master, clock, deps.log) : undefined;
  const link = new HttpMasterLink(group ? () => leaderUrl(group) : config.master);
  const app = createHttpServer();
  const settings = { hostname: config.hostname, ip: config.ip, port: config.port, resources: config.resources, attributes: config.attributes, registrationBackoffMs: config.registration_backoff_factor, capabilities: ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT', 'TASK_KILLING_STATE'] };
  const agent = new Agent({
    settings,
    clock,
    rng: deps.rng ?? new CryptoRng(),
    store: new FileAgentStore(config.work_dir),
    link,
    containerizer,
    sandboxes: { create: (ids) => sandboxes.create(ids), scheduleGc: (dir) => void gc.schedule(dir) },
    fetcher: new Fetcher(new NodeFetcherIo()),
    healthProbe: new NodeHealthProbe(),
    log: (level, msg) => deps.log[level](msg),
  });
  // A newly detected leading master starts the agent's registration backoff over, as Mesos's detection does.
  let leaderId = group?.state().leader?.id;
  const leaderSub = group?.onChange((state) => {
    if (state.leader === undefined || state.leader.id === leaderId) return;
    leaderId = state.leader.id;
    agent.masterChanged();
  });
  registerAgentRoutes(app, agent, () => ({ ...config.flags, ...local.flags() }));
  // Only sandboxes are exposed; confineTo resolves symlinks and `..` so a task cannot point outside them.
  registerFilesRoutes(app, { resolve: confineTo(join(config.work_dir, 'slaves'), (virtualPath) => resolveSandboxPath(agent, config.work_dir, virtualPath)) });
  await app.listen({ host: config.ip, port: config.port });
  const address = app.server.address();
  // With `--port=0` the real port is known only after listen; the agent advertises it when it registers.
  const port = typeof address === 'object' && address ? address.port : config.port;
  settings.port = port;
  await agent.start();
  const url = `http://${config.ip}:${port}`;
  const stop = async (kill: boolean) => {
    if (kill) await agent.destroy();
    else await agent.dispose();
    await gc.dispose();
    link.dispose();
    void leaderSub?.dispose();
    group?.dispose();
    await app.close();
  };
  return { agent, url, port, dispose: () => stop(false), destroy: () => stop(true) };
}

/**
 * withDockerContainerizer adds the docker containerizer when `--containerizers` names `docker`: `other` (whatever
 * runs non-DOCKER tasks) and a `DockerContainerizer` behind a `ComposingContainerizer`. When no daemon answers at
 * `--docker_socket`/`DOCKER_HOST`, it warns, offers no docker containerizer, and DOCKER tasks fail saying why.
 */
export async function withDockerContainerizer(other: Containerizer, config: AgentConfig, deps: { log: Logger; clock: Clock }): Promise<Containerizer> {
  if (!config.containerizers.split(',').some((c) => c.trim() === 'docker')) return other;
  const client = new DockerSocketClient(dockerEndpoint(config.docker_socket, process.env.DOCKER_HOST));
  try {
    const v = await client.version();
    deps.log.info(`Docker containerizer: Docker ${v.version} (API ${v.apiVersion}) at ${client.endpoint}`);
  } catch (err) {
    client.dispose();
    const reason = `cannot reach the Docker daemon at ${client.endpoint} (${(err as Error).message})`;
    deps.log.warn(`Docker containerizer disabled: ${reason}; DOCKER tasks will fail`);
    return new ComposingContainerizer({ other, dockerUnavailable: reason });
  }
  const docker = new DockerContainerizer({
    client,
    files: new NodeContainerFiles(),
    clock: deps.clock,
    ...(config.docker_remove_delay !== undefined ? { removeDelayMs: config.docker_remove_delay } : {}),
    scope: config.work_dir,
    lxcfsDir: config.lxcfs_dir ?? '/var/lib/lxcfs',
    onWarning: (m, err) => deps.log.warn(err === undefined ? m : `${m}: ${err instanceof Error ? err.message : String(err)}`),
  });
  return new ComposingContainerizer({ docker, other });
}

/**
 * localContainerizer builds what runs non-DOCKER tasks from `--isolation`: without a `cgroups/*` isolator, the posix
 * containerizer (Mesos's default, no isolation); with one, the Mesos containerizer (namespaces, cgroups v1 or v2,
 * lxcfs). Like Mesos, the agent refuses to start on an unknown isolator or when cgroups cannot be used. `flags` adds
 * what the agent reports about it, e.g. `lxcfs`, to its `/flags` and `/state`.
 */
export async function localContainerizer(config: AgentConfig, deps: { log: Logger; clock: Clock }): Promise<{ containerizer: Containerizer; flags: () => Record<string, string> }> {
  const isolation = parseIsolation(config.isolation ?? DEFAULT_ISOLATION);
  if (isolation.ignored.length > 0) deps.log.warn(`Isolators not implemented by Plateau are ignored: ${isolation.ignored.join(', ')}`);
  const launcher = new ChildProcessLauncher();
  if (isolation.cgroups.length === 0) {
    return { containerizer: new PosixContainerizer({ launcher, clock: deps.clock, onWarning: (m, err) => deps.log.warn(err === undefined ? m : `${m}: ${err instanceof Error ? err.message : String(err)}`) }), flags: () => ({ lxcfs: 'unused (no cgroups isolator in --isolation)' }) };
  }
  if (process.getuid?.() !== 0) throw new CoreError('UNAVAILABLE', `--isolation=${config.isolation} needs the agent to run as root (cgroups and namespaces)`);
  const cgroups = await detectCgroupFs();
  const mesos = new MesosContainerizer({
    launcher,
    cgroups,
    clock: deps.clock,
    isolators: isolation.cgroups,
    cgroupsRoot: config.cgroups_root ?? DEFAULT_CGROUPS_ROOT,
    enableCfs: config.cgroups_enable_cfs ?? true,
    ...(config.cgroups_pids_limit !== undefined ? { pidsLimit: config.cgroups_pids_limit } : {}),
    lxcfsDir: config.lxcfs_dir ?? DEFAULT_LXCFS_DIR,
    agentUser: userInfo().username,
    provisioner: new NodeProvisioner({ workDir: config.work_dir }),
    onWarning: (m, err) => deps.log.warn(err === undefined ? m : `${m}: ${err instanceof Error ? err.message : String(err)}`),
  });
  const lxcfs = await mesos.probeLxcfs(true);
  const status = mesos.status();
  deps.log.info(`Mesos containerizer: ${status.isolation.join(',')} on cgroup v${status.cgroupsVersion} under '${status.cgroupsRoot}', namespaces ${status.namespaces.join(',')}`);
  if (lxcfs.available) deps.log.info(`lxcfs at '${lxcfs.dir}': containers see their own ${lxcfs.files.join(', ')}`);
  else deps.log.warn(`lxcfs is not used: ${lxcfs.reason ?? 'unavailable'}; containers see the host's /proc/meminfo, /proc/cpuinfo, ...`);
  const describe = (l: LxcfsStatus): string => (l.available ? `enabled at ${l.dir} (${l.files.join(',')})` : `unavailable: ${l.reason ?? 'unknown'}`);
  return { containerizer: mesos, flags: () => ({ lxcfs: describe(mesos.status().lxcfs), cgroups_version: String(status.cgroupsVersion) }) };
}

/**
 * resolveSandboxPath maps a `/files` path onto disk, exposing only this agent's sandboxes: either a real
 * path inside `<work_dir>/slaves` or the virtual `/frameworks/<fw>/executors/<ex>/runs/latest/...` form.
 */
function resolveSandboxPath(agent: Agent, workDir: string, path: string): string | undefined {
  const root = join(workDir, 'slaves');
  const virtual = /^\/frameworks\/([^/]+)\/executors\/([^/]+)\/runs\/latest(\/.*)?$/.exec(path);
  if (virtual && agent.agentId) {
    return join(root, agent.agentId, 'frameworks', virtual[1] as string, 'executors', virtual[2] as string, 'runs', 'latest', virtual[3] ?? '');
  }
  const real = join('/', path);
  return real === root || real.startsWith(`${root}/`) ? real : undefined;
}
