import os from 'node:os';
import { join } from 'node:path';
import { createMarathon } from './createMarathon.js';
import type { RunningAgent } from './createAgent.js';
import { LocalSchedulerDriver } from './localSchedulerDriver.js';
import { consoleLogger } from './logger.js';
import { startAgent, startMaster } from './nodeStarters.js';

/** DemoOptions are `plateau demo`'s options; the console's embedded cluster uses the same ones. */
export interface DemoOptions {
  agents?: number;
  port?: number;
  marathonPort?: number;
  workDir?: string;
  allocationInterval?: string;
  quiet?: boolean;
}

/** DemoCluster is a running single-laptop cluster: where its parts listen, and how to stop it all. */
export interface DemoCluster {
  masterUrl: string;
  marathonUrl: string;
  agentUrls: string[];
  workDir: string;
  dispose(): Promise<void>;
}

/**
 * startDemoCluster runs a master, `agents` agents and Marathon in this process: what `plateau demo` serves and what
 * the console embeds. Each agent gets its own loopback address (so hostname constraints and ports behave as on
 * separate hosts), a share of the memory and its own block of ports. Taken master and Marathon ports are replaced by
 * free ones; with `port: 0` (an ephemeral cluster, as the console embeds) the agents pick free ports too, so several
 * such clusters can share a machine.
 */
export async function startDemoCluster(opts: DemoOptions = {}): Promise<DemoCluster> {
  const agentsCount = opts.agents ?? 3;
  const workDir = opts.workDir ?? join(os.homedir(), '.plateau', 'demo');
  const quiet = opts.quiet === true;
  const log = consoleLogger('demo', quiet);
  const masterFlags = { ip: '127.0.0.1', work_dir: join(workDir, 'master'), quiet, allocation_interval: opts.allocationInterval ?? '1secs', agent_ping_timeout: '5secs', max_agent_ping_timeouts: '3' };
  const master = await startMaster({ ...masterFlags, port: String(opts.port ?? 5050) }).catch(async (err: Error) => {
    if (!/EADDRINUSE/.test(err.message)) throw err;
    log.warn(`Port ${String(opts.port ?? 5050)} is taken; picking a free port`);
    return startMaster({ ...masterFlags, port: '0' });
  });
  const agents: RunningAgent[] = [];
  try {
    const hw = { cpus: os.cpus().length, memMB: Math.floor(os.totalmem() / 1048576) };
    for (let i = 0; i < agentsCount; i++) {
      const ip = `127.0.0.${i + 2}`;
      const memShare = Math.max(256, Math.floor((hw.memMB - 1024) / agentsCount));
      const ports = `[${31000 + i * 1000}-${31999 + i * 1000}]`;
      agents.push(
        await startAgent(
          { master: master.url, ip, port: opts.port === 0 ? '0' : '5051', hostname: ip, work_dir: join(workDir, `agent-${i + 1}`), resources: `cpus:${hw.cpus};mem:${memShare};disk:10240;ports:${ports}`, attributes: `rack:rack-${(i % 2) + 1};zone:zone-${i + 1}`, quiet, gc_delay: '1hrs' },
          consoleLogger(`agent-${i + 1}`, quiet),
        ),
      );
    }
    const marathonConfig = { master: master.url, ip: '127.0.0.1', hostname: '127.0.0.1', work_dir: join(workDir, 'marathon'), framework_name: 'marathon', mesos_role: '*', mesos_user: 'root', failover_timeout: 604800 };
    const marathonLog = consoleLogger('marathon', quiet);
    const marathon = await createMarathon({ ...marathonConfig, http_port: opts.marathonPort ?? 8080 }, { log: marathonLog, driver: new LocalSchedulerDriver(master.master) }).catch((err: Error) => {
      if (!/EADDRINUSE/.test(err.message)) throw err;
      log.warn(`Port ${String(opts.marathonPort ?? 8080)} is taken; picking a free port for Marathon`);
      return createMarathon({ ...marathonConfig, http_port: 0 }, { log: marathonLog, driver: new LocalSchedulerDriver(master.master) });
    });
    return {
      masterUrl: master.url,
      marathonUrl: marathon.url,
      agentUrls: agents.map((a) => a.url),
      workDir,
      dispose: async () => {
        await marathon.dispose();
        for (const a of agents) await a.destroy();
        await master.dispose();
      },
    };
  } catch (err) {
    for (const a of agents) await a.destroy().catch(() => undefined);
    await master.dispose().catch(() => undefined);
    throw err;
  }
}
