import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { tempDir } from './plateauProcess.js';

/** ZK_CLASSPATH is Debian's ZooKeeper (package `zookeeper`): its jar's manifest names every dependency. */
const ZK_CLASSPATH = '/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar';

/** ZkServer is one member of a test ensemble, which a test can stop, kill and start again. */
export interface ZkServer {
  id: number;
  clientPort: number;
  running(): boolean;
  start(): Promise<void>;
  /** stop sends SIGTERM and waits for the exit; kill sends SIGKILL. */
  stop(): Promise<void>;
  kill(): Promise<void>;
}

/** ZkEnsemble is a real ZooKeeper ensemble on loopback ports of its own. */
export interface ZkEnsemble {
  servers: ZkServer[];
  /** connectString is `127.0.0.1:p1,127.0.0.1:p2,...`. */
  connectString: string;
  zkUrl(path: string): string;
  dispose(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** fourLetterWord sends a ZooKeeper four-letter command (`srvr`, `mntr`...) and returns the answer. */
export function fourLetterWord(port: number, word: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let out = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${word} on ${port} timed out`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(word));
    socket.on('data', (d) => (out += d.toString()));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

/** serverMode reads `Mode:` from `srvr`: leader, follower, standalone, or undefined when not serving. */
export async function serverMode(port: number): Promise<string | undefined> {
  try {
    return /^Mode: (\w+)/m.exec(await fourLetterWord(port, 'srvr'))?.[1];
  } catch {
    return undefined;
  }
}

/**
 * startEnsemble runs `size` ZooKeeper servers (Debian's package, one JVM each) on free loopback ports, four-letter
 * words allowed and the admin server off (it would take 8080), and resolves once a quorum serves.
 */
export async function startEnsemble(size = 3, tickTimeMs = 500): Promise<ZkEnsemble> {
  const dir = tempDir('zk');
  const ports = await Promise.all(Array.from({ length: size * 3 }, () => freePort()));
  const members = Array.from({ length: size }, (_, i) => ({ id: i + 1, client: ports[i * 3] as number, peer: ports[i * 3 + 1] as number, election: ports[i * 3 + 2] as number }));
  const procs = new Map<number, ChildProcess>();
  const servers: ZkServer[] = members.map((m) => {
    const home = join(dir.path, String(m.id));
    mkdirSync(join(home, 'data'), { recursive: true });
    writeFileSync(join(home, 'data', 'myid'), `${m.id}\n`);
    const cfg = [
      `tickTime=${tickTimeMs}`,
      'initLimit=10',
      'syncLimit=5',
      `dataDir=${join(home, 'data')}`,
      `clientPort=${m.client}`,
      'clientPortAddress=127.0.0.1',
      ...(size > 1 ? members.map((o) => `server.${o.id}=127.0.0.1:${o.peer}:${o.election}`) : []),
      '4lw.commands.whitelist=*',
      'admin.enableServer=false',
      // Sessions of 1-20 s are granted as asked (the defaults are 2-20 ticks).
      'minSessionTimeout=1000',
      'maxSessionTimeout=20000',
    ].join('\n');
    writeFileSync(join(home, 'zoo.cfg'), `${cfg}\n`);
    const server: ZkServer = {
      id: m.id,
      clientPort: m.client,
      running: () => procs.has(m.id),
      start: async () => {
        if (procs.has(m.id)) return;
        const p = spawn('java', ['-Xmx128m', '-cp', ZK_CLASSPATH, 'org.apache.zookeeper.server.quorum.QuorumPeerMain', join(home, 'zoo.cfg')], { stdio: 'ignore' });
        procs.set(m.id, p);
        p.once('exit', () => procs.delete(m.id));
      },
      stop: () => stopProc(procs.get(m.id), 'SIGTERM'),
      kill: () => stopProc(procs.get(m.id), 'SIGKILL'),
    };
    return server;
  });
  for (const s of servers) await s.start();
  const deadline = Date.now() + 60_000;
  for (;;) {
    const modes = await Promise.all(servers.map((s) => serverMode(s.clientPort)));
    if (modes.every((m) => m !== undefined)) break;
    if (Date.now() > deadline) {
      for (const s of servers) await s.kill();
      dir.remove();
      throw new Error(`ZooKeeper ensemble did not form within 60 s (modes: ${modes.join(', ')})`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const connectString = servers.map((s) => `127.0.0.1:${s.clientPort}`).join(',');
  return {
    servers,
    connectString,
    zkUrl: (path) => `zk://${connectString}${path}`,
    dispose: async () => {
      for (const s of servers) await s.kill();
      dir.remove();
    },
  };
}

function stopProc(p: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (!p || p.exitCode !== null || p.signalCode !== null) return resolve();
    p.once('exit', () => resolve());
    p.kill(signal);
  });
}
