import { Command } from 'commander';
import { addConsoleCommands } from '../console/consoleCli.js';
import { addFlags } from './flagSpec.js';
import { startDemoCluster } from './demoCluster.js';
import { AGENT_FLAGS, MARATHON_FLAGS, MASTER_FLAGS, startAgent, startMarathon, startMaster } from './nodeStarters.js';
import { LocalImageStore } from '../node/localImageStore.js';

/** runUntilSignalled keeps a process up until SIGINT/SIGTERM, then disposes what it started. */
function runUntilSignalled(dispose: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`Received ${signal}; shutting down\n`);
    dispose().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`Shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // A parent that owns this process (the desktop app's demo cluster) closes our stdin when it goes away.
  if (process.env.PLATEAU_EXIT_ON_STDIN_CLOSE === '1') {
    process.stdin.on('end', () => stop('stdin closed'));
    process.stdin.resume();
  }
}

async function demo(opts: Record<string, unknown>): Promise<void> {
  const cluster = await startDemoCluster({
    agents: Number(opts.agents ?? 3),
    port: Number(opts.port ?? 5050),
    marathonPort: Number(opts.marathon_port ?? 8080),
    ...(opts.work_dir !== undefined ? { workDir: String(opts.work_dir) } : {}),
    allocationInterval: String(opts.allocation_interval ?? '1secs'),
    quiet: opts.quiet === true,
  });
  process.stdout.write(
    [
      '',
      'Plateau demo cluster is running:',
      `  Mesos master         ${cluster.masterUrl}   (state: ${cluster.masterUrl}/master/state, scheduler API: ${cluster.masterUrl}/api/v1/scheduler)`,
      `  Marathon             ${cluster.marathonUrl}   (apps: ${cluster.marathonUrl}/v2/apps, events: ${cluster.marathonUrl}/v2/events)`,
      ...cluster.agentUrls.map((url, i) => `  agent-${i + 1}              ${url}`),
      `  offers stream        ${cluster.masterUrl}/plateau/v1/offers`,
      `  work dir             ${cluster.workDir}`,
      'Press Ctrl-C to stop (tasks are stopped with the cluster).',
      '',
    ].join('\n'),
  );
  runUntilSignalled(() => cluster.dispose());
}

/** buildProgram assembles the `plateau` command line. */
export function buildProgram(): Command {
  const program = new Command('plateau').description('Plateau: a Mesos-compatible cluster and operations console').showHelpAfterError();
  addFlags(program.command('master').description('Run a Mesos-compatible master'), MASTER_FLAGS).action(async (opts: Record<string, unknown>) => {
    const m = await startMaster(opts);
    runUntilSignalled(() => m.dispose());
  });
  addFlags(program.command('marathon').description('Run a Marathon-compatible app scheduler (a framework on the master)'), MARATHON_FLAGS, 'MARATHON_').action(async (opts: Record<string, unknown>) => {
    const m = await startMarathon(opts);
    runUntilSignalled(() => m.dispose());
  });
  addFlags(program.command('agent').description('Run an agent that registers with a master'), AGENT_FLAGS).action(async (opts: Record<string, unknown>) => {
    const a = await startAgent(opts);
    runUntilSignalled(() => a.dispose());
  });
  const image = program.command('image').description("Manage an agent's local image store (images for container.type=MESOS tasks)");
  image
    .command('import <source>')
    .description('Import a `docker save` tarball or an OCI image layout directory into the store')
    .option('--name <repo:tag>', 'name to store the image under (default: the names the source carries)')
    .requiredOption('--work_dir <dir>', "the agent's work directory")
    .action(async (source: string, opts: { name?: string; work_dir: string }) => {
      const stored = await new LocalImageStore(opts.work_dir).import(source, opts.name);
      for (const s of stored) process.stdout.write(`Imported ${s.name} (${s.layers.length} layers)\n`);
    });
  image
    .command('list')
    .description('List the images in the store')
    .requiredOption('--work_dir <dir>', "the agent's work directory")
    .action(async (opts: { work_dir: string }) => {
      for (const s of await new LocalImageStore(opts.work_dir).list()) process.stdout.write(`${s.name}\t${s.layers.length} layers\t${s.importedAt}\n`);
    });
  program
    .command('demo')
    .description('Run a single-laptop demo cluster: a master, three agents and Marathon in one process')
    .option('--agents <n>', 'number of agents', '3')
    .option('--port <port>', 'master port (a free one is picked if taken)', '5050')
    .option('--marathon_port <port>', 'Marathon port (a free one is picked if taken)', '8080')
    .option('--work_dir <dir>', 'where the demo keeps its state (default ~/.plateau/demo)')
    .option('--allocation_interval <duration>', 'allocation interval', '1secs')
    .option('--quiet', 'log only warnings and errors')
    .action(demo);
  addConsoleCommands(program, runUntilSignalled);
  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
