import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DemoCluster, DemoOptions } from '../runtime/demoCluster.js';

const PLATEAU_BIN = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), 'bin', 'plateau.js');

/**
 * startDemoProcess runs the demo cluster as a `plateau demo` child process under Node, for hosts that cannot load
 * the cluster's native modules in-process (Electron's ABI differs from Node's for better-sqlite3). The child is
 * owned: disposing stops it and waits for its exit; if the parent dies first, its stdin closing stops it too.
 */
export function startDemoProcess(opts: DemoOptions, nodeBinary: string): Promise<DemoCluster> {
  const args = [PLATEAU_BIN, 'demo', '--port', String(opts.port ?? 0), '--marathon_port', String(opts.marathonPort ?? 0), '--agents', String(opts.agents ?? 3), '--quiet'];
  if (opts.workDir) args.push('--work_dir', opts.workDir);
  const child = spawn(nodeBinary, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PLATEAU_EXIT_ON_STDIN_CLOSE: '1' } });
  return new Promise<DemoCluster>((resolvePromise, reject) => {
    let out = '';
    let err = '';
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const fail = (why: string) => {
      child.kill('SIGKILL');
      reject(new Error(`plateau demo ${why}${err ? `: ${err.trim().split('\n').slice(-3).join(' ')}` : ''}`));
    };
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    child.once('exit', (code) => fail(`exited with ${code}`));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const master = /Mesos master\s+(http:\/\/\S+)/.exec(out)?.[1];
      const marathon = /Marathon\s+(http:\/\/\S+)/.exec(out)?.[1];
      if (!master || !marathon || !/Press Ctrl-C/.test(out)) return;
      child.removeAllListeners('exit');
      const agentUrls = [...out.matchAll(/agent-\d+\s+(http:\/\/\S+)/g)].map((m) => m[1] as string);
      resolvePromise({
        masterUrl: master,
        marathonUrl: marathon,
        agentUrls,
        workDir: /work dir\s+(\S+)/.exec(out)?.[1] ?? '',
        dispose: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}
