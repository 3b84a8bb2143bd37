import type { Command } from 'commander';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CryptoRng } from '../node/cryptoRng.js';
import { SystemClock } from '../node/systemClock.js';
import type { ConnectionSpec } from '../protocol/console/channel.js';
import { startDemoCluster } from '../runtime/demoCluster.js';
import { consoleLogger } from '../runtime/logger.js';
import { ConsoleHost } from './consoleHost.js';
import { startConsoleServer, type RunningConsoleServer } from './consoleServer.js';
import { EmbeddedConnection } from './embeddedConnection.js';
import { electronAvailability, ELECTRON_MAIN_ENTRY, buildElectronMain } from './electronLauncher.js';
import { buildRenderer } from './rendererBuild.js';
import { WakeDetector } from './wakeDetector.js';

/** ConsoleOptions are `plateau console`'s options. */
export interface ConsoleOptions {
  host: string;
  port: number;
  embedded: boolean;
  agents: number;
  workDir?: string;
  master?: string[];
  marathon?: string;
  zk?: string;
  name?: string;
  quiet: boolean;
}

/** RunningConsole is the browser console: host, server and the wake detector, disposed together. */
export interface RunningConsole {
  url: string;
  host: ConsoleHost;
  dispose(): Promise<void>;
}

/**
 * runConsole builds the renderer, starts a ConsoleHost (with the embedded demo cluster and any remote cluster
 * named on the command line) and serves both to a browser: `plateau console`, and what the end-to-end tests drive.
 */
export async function runConsole(o: ConsoleOptions): Promise<RunningConsole> {
  const log = consoleLogger('console', o.quiet);
  const clock = new SystemClock();
  const rng = new CryptoRng();
  const rendererDir = await buildRenderer();
  const host = new ConsoleHost({
    clock,
    rng,
    host: 'browser',
    openEmbedded: (id, spec) =>
      EmbeddedConnection.start(id, spec.name, { agents: spec.agents, port: 0, marathonPort: 0, workDir: o.workDir ?? join(process.cwd(), '.work', 'console-demo'), quiet: o.quiet }, { clock, rng, startDemo: startDemoCluster }),
    log: (m) => log.info(m),
  });
  const wake = new WakeDetector(clock, (ms) => {
    log.info(`Clock jumped ${Math.round(ms / 1000)} s (sleep?)`);
    host.wake();
  });
  let server: RunningConsoleServer | undefined;
  try {
    if (o.embedded) await host.open({ kind: 'embedded', name: 'Demo cluster', agents: o.agents });
    if (o.master && o.master.length > 0) {
      const spec: ConnectionSpec = { kind: 'remote', name: o.name ?? o.master[0] ?? 'cluster', masters: o.master.map(withScheme), ...(o.marathon ? { marathon: withScheme(o.marathon) } : {}), ...(o.zk ? { zk: o.zk } : {}) };
      await host.open(spec);
    }
    server = await startConsoleServer({ host: o.host, port: o.port, rendererDir, consoleHost: host });
  } catch (err) {
    wake.dispose();
    await host.dispose();
    throw err;
  }
  const running = server;
  return {
    url: running.url,
    host,
    dispose: async () => {
      wake.dispose();
      await running.dispose();
      await host.dispose();
    },
  };
}

function withScheme(url: string): string {
  return /^https?:\/\//.test(url) ? url : `http://${url}`;
}

/** addConsoleCommands adds `plateau console` (browser) and `plateau start` (Electron when it can, else browser). */
export function addConsoleCommands(program: Command, runUntilSignalled: (dispose: () => Promise<void>) => void): void {
  const common = (cmd: Command) =>
    cmd
      .option('--host <ip>', 'address to serve the console on', '127.0.0.1')
      .option('--port <port>', 'port to serve the console on (0 picks a free one)', '4040')
      .option('--master <urls...>', 'attach to a cluster: its master URL(s)')
      .option('--marathon <url>', "the attached cluster's Marathon URL")
      .option('--zk <zk://...>', "the attached cluster's ZooKeeper, for the quorum view")
      .option('--name <name>', 'name for the attached cluster')
      .option('--agents <n>', 'agents in the embedded demo cluster', '3')
      .option('--work_dir <dir>', "where the embedded demo cluster keeps its state (default ./.work/console-demo)")
      .option('--quiet', 'log only warnings and errors');
  const optionsOf = (opts: Record<string, unknown>, embedded: boolean): ConsoleOptions => ({
    host: String(opts.host),
    port: Number(opts.port),
    embedded,
    agents: Number(opts.agents),
    ...(opts.work_dir ? { workDir: String(opts.work_dir) } : {}),
    ...(opts.master ? { master: opts.master as string[] } : {}),
    ...(opts.marathon ? { marathon: String(opts.marathon) } : {}),
    ...(opts.zk ? { zk: String(opts.zk) } : {}),
    ...(opts.name ? { name: String(opts.name) } : {}),
    quiet: opts.quiet === true,
  });
  common(program.command('console').description('Serve the console to a browser (the same renderer as the desktop app)'))
    .option('--embedded', 'also start the demo cluster inside the console')
    .action(async (opts: Record<string, unknown>) => {
      const c = await runConsole(optionsOf(opts, opts.embedded === true));
      process.stdout.write(`Plateau console: open ${c.url} in a browser\n`);
      runUntilSignalled(() => c.dispose());
    });
  common(program.command('start').description('Open the desktop console with the embedded demo cluster (in a browser when Electron is unavailable)'))
    .option('--no-electron', 'always use the browser console')
    .action(async (opts: Record<string, unknown>) => {
      const electron = opts.electron === false ? { ok: false as const, reason: '--no-electron was given' } : await electronAvailability();
      if (electron.ok) {
        await buildRenderer();
        await buildElectronMain();
        process.stdout.write(`Starting the Plateau desktop app (Electron ${electron.version})\n`);
        const child = spawn(electron.binary, [ELECTRON_MAIN_ENTRY], { stdio: 'inherit', env: { ...process.env, PLATEAU_CONSOLE_AGENTS: String(opts.agents), PLATEAU_NODE: process.execPath } });
        child.on('exit', (code) => process.exit(code ?? 0));
        runUntilSignalled(async () => void child.kill('SIGTERM'));
        return;
      }
      process.stdout.write(`The desktop app cannot start here: ${electron.reason}.\nFalling back to the browser console.\n`);
      const c = await runConsole(optionsOf(opts, true));
      process.stdout.write(`\nPlateau console with the demo cluster: open ${c.url} in a browser\n`);
      runUntilSignalled(() => c.dispose());
    });
}
