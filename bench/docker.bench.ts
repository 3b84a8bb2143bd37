// bench/docker.bench.ts compares the docker containerizer's launch-to-running time with a `docker run -d` loop
// against the same daemon in the same run (the tests' own dockerd, build/start-test-dockerd.sh). Both start the same
// container: the busybox test image running `sleep`, with the same memory and CPU limits, labels, environment and
// sandbox bind mount. Launches are sequential and interleaved (one of each per round) so that daemon drift hits both
// alike; cleanup (stop/remove) happens between rounds and is not timed. A third column times the bare Engine API
// create + start, to show what the containerizer itself adds.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import type { LaunchSpec } from '../core/containerizer/containerizer.js';
import { DockerContainerizer } from '../core/containerizer/docker/dockerContainerizer.js';
import { DockerSocketClient } from '../core/node/dockerSocketClient.js';
import { NodeContainerFiles } from '../core/node/nodeContainerFiles.js';
import { SystemClock } from '../core/node/systemClock.js';
import { ensureTestDockerd, TEST_DOCKER_IMAGE, TEST_DOCKER_SOCKET } from '../test/harness/testDockerd.js';

const ROUNDS = 20;
const WARMUP = 3;
const exec = promisify(execFile);

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] as number;
}

function summary(samples: number[]): { p50: number; p90: number; max: number; mean: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: quantile(s, 0.5), p90: quantile(s, 0.9), max: s[s.length - 1] as number, mean: s.reduce((a, b) => a + b, 0) / s.length };
}

const ms = (n: number) => n.toFixed(1);

/** run times ROUNDS sequential launches each way and returns the markdown section for bench/results.md. */
export async function run(): Promise<string> {
  const dockerd = await ensureTestDockerd();
  if (dockerd.skip !== undefined) return `Not run: ${dockerd.skip}.`;
  const root = await mkdtemp(join(tmpdir(), 'plateau-docker-bench-'));
  const scope = `plateau-bench-${randomUUID()}`;
  const raw = new Docker({ socketPath: TEST_DOCKER_SOCKET });
  const containerizer = new DockerContainerizer({ client: new DockerSocketClient({ socketPath: TEST_DOCKER_SOCKET }), files: new NodeContainerFiles(), clock: new SystemClock(), removeDelayMs: 0, scope });
  const docker = (await exec('bash', ['-c', 'command -v /usr/bin/docker || command -v docker'])).stdout.trim();
  const dockerVersion = (await exec(docker, ['-H', `unix://${TEST_DOCKER_SOCKET}`, 'version', '--format', '{{.Client.Version}} / daemon {{.Server.Version}}'])).stdout.trim();
  const loadBefore = loadavg()[0] as number;
  const ours: number[] = [];
  const cli: number[] = [];
  const api: number[] = [];
  try {
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      const id = randomUUID();
      const sandboxDir = join(root, id);
      await mkdir(sandboxDir);
      const spec: LaunchSpec = {
        containerId: id,
        sandboxDir,
        command: { shell: true, value: 'sleep 300' },
        env: { MESOS_TASK_ID: `bench-${round}`, MESOS_SANDBOX: sandboxDir },
        resources: { cpus: 0.1, mem: 32 },
        container: { type: 'DOCKER', docker: { image: TEST_DOCKER_IMAGE } },
        task: { agentId: 'bench', frameworkId: 'bench', executorId: `bench-${round}`, taskId: `bench-${round}` },
      };
      const t0 = performance.now();
      await containerizer.launch(spec);
      const oursMs = performance.now() - t0;

      const name = `plateau-bench-run-${id}`;
      const args = ['-H', `unix://${TEST_DOCKER_SOCKET}`, 'run', '-d', '--name', name, '--label', `plateau.scope=${scope}`, '--label', `plateau.container_id=${id}`, '--memory', String(32 * 1024 * 1024), '--memory-swap', String(32 * 1024 * 1024), '--cpu-shares', '102', '--cpu-period', '100000', '--cpu-quota', '10000', '--net', 'host', '-e', `MESOS_TASK_ID=bench-${round}`, '-e', 'MESOS_SANDBOX=/mnt/mesos/sandbox', '-v', `${sandboxDir}:/mnt/mesos/sandbox:rw`, '--entrypoint', '/bin/sh', TEST_DOCKER_IMAGE, '-c', 'sleep 300'];
      const t1 = performance.now();
      await exec(docker, args);
      const cliMs = performance.now() - t1;

      // The bare Engine API calls `docker run -d` makes (create, start), without the CLI's process start: what the
      // containerizer's own overhead is measured against.
      const apiName = `plateau-bench-api-${id}`;
      const t2 = performance.now();
      const container = await raw.createContainer({ name: apiName, Image: TEST_DOCKER_IMAGE, Entrypoint: ['/bin/sh'], Cmd: ['-c', 'sleep 300'], Env: [`MESOS_TASK_ID=bench-${round}`, 'MESOS_SANDBOX=/mnt/mesos/sandbox'], Labels: { 'plateau.scope': scope, 'plateau.container_id': id }, HostConfig: { NetworkMode: 'host', Memory: 32 * 1024 * 1024, MemorySwap: 32 * 1024 * 1024, CpuShares: 102, CpuPeriod: 100_000, CpuQuota: 10_000, Binds: [`${sandboxDir}:/mnt/mesos/sandbox:rw`] } });
      await container.start();
      const apiMs = performance.now() - t2;

      if (round >= WARMUP) {
        ours.push(oursMs);
        cli.push(cliMs);
        api.push(apiMs);
      }
      // Untimed cleanup, so the next round starts from the same state.
      await containerizer.kill(id, 0);
      await raw.getContainer(name).remove({ force: true });
      await container.remove({ force: true });
    }
  } finally {
    await containerizer.destroyAll(0).catch(() => undefined);
    await containerizer.dispose();
    const left = await raw.listContainers({ all: true, filters: { label: [`plateau.scope=${scope}`] } });
    await Promise.all(left.map((c) => raw.getContainer(c.Id).remove({ force: true })));
    await rm(root, { recursive: true, force: true });
  }
  const a = summary(ours);
  const b = summary(cli);
  const c = summary(api);
  const overhead = (a.p50 / b.p50 - 1) * 100;
  const overApi = (a.p50 / c.p50 - 1) * 100;
  const overheadMean = (a.mean / b.mean - 1) * 100;
  return [
    `Launch-to-running of ${ROUNDS} sequential containers each way (after ${WARMUP} warm-up rounds), interleaved, against the tests' own dockerd (${dockerVersion}; overlay2, cgroup v1). Plateau: \`DockerContainerizer.launch\` (create with limits, labels, env and the sandbox mount, start, inspect for the pid; log streaming and the exit wait are set up before it returns). Baseline: \`docker run -d\` with the same options, timed from spawning the CLI until it exits (it returns once the container started). Image \`${TEST_DOCKER_IMAGE}\` running \`sleep\`.`,
    '',
    '| launcher | p50 | p90 | max | mean |',
    '|---|---|---|---|---|',
    `| DockerContainerizer.launch | ${ms(a.p50)} ms | ${ms(a.p90)} ms | ${ms(a.max)} ms | ${ms(a.mean)} ms |`,
    `| docker run -d | ${ms(b.p50)} ms | ${ms(b.p90)} ms | ${ms(b.max)} ms | ${ms(b.mean)} ms |`,
    `| Engine API create + start only (dockerode) | ${ms(c.p50)} ms | ${ms(c.p90)} ms | ${ms(c.max)} ms | ${ms(c.mean)} ms |`,
    '',
    `Overhead of the containerizer over \`docker run\`: ${overhead >= 0 ? '+' : ''}${overhead.toFixed(1)} % at p50, ${overheadMean >= 0 ? '+' : ''}${overheadMean.toFixed(1)} % on the mean (target ≤ +10 %). ${overhead <= 10 ? 'Target met.' : 'Target missed.'} Against the bare create + start calls (no CLI process) the containerizer costs ${overApi >= 0 ? '+' : ''}${overApi.toFixed(1)} % at p50: its extra work is one inspect for the pid and validating/building the create body. Most of every figure is the daemon creating and starting the container (runc, overlay mount, cgroups). Load average (1 min) on this shared machine: ${loadBefore.toFixed(1)} before, ${(loadavg()[0] as number).toFixed(1)} after; the rounds are interleaved so load hits all three columns alike.`,
  ].join('\n');
}

