import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningAgent } from '../../core/runtime/createAgent.js';
import { createMarathon, type RunningMarathon } from '../../core/runtime/createMarathon.js';
import type { RunningMaster } from '../../core/runtime/createMaster.js';
import type { Logger } from '../../core/runtime/logger.js';
import { assertNothingRunning } from './plateauProcess.js';
import { waitFor } from './schedulerClient.js';

/** quietLog is a Logger that drops everything, for clusters composed inside a test. */
export const quietLog: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** marathonConfigFor is the Marathon every cluster test runs: over HTTP to `masterUrl`, state under `workDir`. */
export function marathonConfigFor(masterUrl: string, workDir: string) {
  return { master: masterUrl, ip: '127.0.0.1', hostname: '127.0.0.1', http_port: 0, work_dir: join(workDir, 'marathon'), framework_name: 'marathon', mesos_role: '*', mesos_user: 'root', failover_timeout: 3600 };
}

/** startMarathon starts that Marathon and resolves once the master has registered it. */
export async function startMarathon(masterUrl: string, workDir: string): Promise<RunningMarathon> {
  const marathon = await createMarathon(marathonConfigFor(masterUrl, workDir), { log: quietLog });
  await waitFor(() => marathon.service.scheduler.frameworkId, 10_000, 'Marathon registered');
  return marathon;
}

/**
 * stopCluster takes a test cluster down in dependency order (Marathon, agents with their tasks, the
 * master), runs `cleanup` for anything the test left outside them, removes the work directory, and
 * asserts nothing is left running.
 */
export async function stopCluster(parts: { marathon?: RunningMarathon; agents: RunningAgent[]; master?: RunningMaster; workDir: string }, cleanup?: () => Promise<void>): Promise<void> {
  await parts.marathon?.dispose();
  for (const a of parts.agents) await a.destroy();
  await parts.master?.dispose();
  await cleanup?.();
  rmSync(parts.workDir, { recursive: true, force: true });
  await assertNothingRunning();
}
