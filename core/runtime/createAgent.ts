import { join } from 'node:path';
import type { Clock } from '../common/clock.js';
import type { Rng } from '../common/rng.js';
import type { Resources } from '../common/resources.js';
import type { Attribute } from '../protocol/mesos/v1.js';
import { Agent } from '../agent/agent.js';
import { Sandboxes } from '../agent/sandbox.js';
import { SandboxGc } from '../agent/sandboxGc.js';
import { registerAgentRoutes } from '../api/agentRoutes.js';
import { confineTo, registerFilesRoutes } from '../api/filesRoutes.js';
import { PosixContainerizer } from '../containerizer/posixContainerizer.js';
import { ChildProcessLauncher } from '../node/childProcessLauncher.js';
import { CryptoRng } from '../node/cryptoRng.js';
import { FileAgentStore } from '../node/fileAgentStore.js';
import { HttpMasterLink } from '../node/httpMasterLink.js';
import { NodeSandboxFs } from '../node/nodeSandboxFs.js';
import { SystemClock } from '../node/systemClock.js';
import { createHttpServer } from './httpServer.js';
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
  if (config.containerizers.split(',').some((c) => c.trim() !== 'posix' && c.trim() !== 'mesos')) {
    deps.log.warn(`Only the posix launcher is available in this build; ignoring --containerizers=${config.containerizers}`);
  }
  const clock = deps.clock ?? new SystemClock();
  const fs = new NodeSandboxFs();
  const sandboxes = new Sandboxes(config.work_dir, fs);
  const gc = new SandboxGc({ clock, fs, gcDelayMs: config.gc_delay, onRemoved: (path, err) => (err ? deps.log.warn(`Failed to garbage collect ${path}: ${String(err)}`) : deps.log.info(`Garbage collected ${path}`)) });
  const containerizer = new PosixContainerizer({ launcher: new ChildProcessLauncher(), clock, onWarning: (m) => deps.log.warn(m) });
  const link = new HttpMasterLink(config.master);
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
    log: (level, msg) => deps.log[level](msg),
  });
  registerAgentRoutes(app, agent, () => config.flags);
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
    await app.close();
  };
  return { agent, url, port, dispose: () => stop(false), destroy: () => stop(true) };
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
