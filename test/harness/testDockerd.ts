import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DockerSocketClient } from '../../core/node/dockerSocketClient.js';

/** TEST_DOCKER_SOCKET is the tests' own dockerd socket (build/start-test-dockerd.sh), or `PLATEAU_TEST_DOCKER_SOCKET`. */
export const TEST_DOCKER_SOCKET = process.env.PLATEAU_TEST_DOCKER_SOCKET ?? '/run/plateau-test/docker.sock';

/** TEST_DOCKER_IMAGE is the small local image start-test-dockerd.sh imports from busybox-static. */
export const TEST_DOCKER_IMAGE = process.env.PLATEAU_TEST_DOCKER_IMAGE ?? 'plateau/busybox:latest';

const startScript = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'build', 'start-test-dockerd.sh');

async function ready(): Promise<string | undefined> {
  const client = new DockerSocketClient({ socketPath: TEST_DOCKER_SOCKET });
  try {
    await client.version();
    if (!(await client.hasImage(TEST_DOCKER_IMAGE))) return `image ${TEST_DOCKER_IMAGE} is missing`;
    return undefined;
  } catch (err) {
    return `no dockerd answers at ${TEST_DOCKER_SOCKET} (${(err as Error).message})`;
  } finally {
    client.dispose();
  }
}

/**
 * ensureTestDockerd makes sure the tests' dockerd runs and has the test image, starting it with
 * build/start-test-dockerd.sh (idempotent) when running as root. It resolves `{ skip: reason }` when that is not
 * possible and CI is unset, so a developer without root sees why the Docker tests did not run; under `CI=true` it
 * throws instead, because CI must never skip them.
 */
export async function ensureTestDockerd(): Promise<{ skip?: string }> {
  let problem = await ready();
  if (problem !== undefined && process.getuid?.() === 0) {
    let scriptError = '';
    try {
      await promisify(execFile)('bash', [startScript], { timeout: 180_000, env: { ...process.env, PLATEAU_TEST_DOCKER_SOCKET: TEST_DOCKER_SOCKET, PLATEAU_TEST_DOCKER_IMAGE: TEST_DOCKER_IMAGE } });
    } catch (err) {
      scriptError = `; build/start-test-dockerd.sh failed: ${(err as { stderr?: string }).stderr?.trim() || (err as Error).message}`;
    }
    const still = await ready();
    problem = still === undefined ? undefined : `${still}${scriptError}`;
  } else if (problem !== undefined) {
    problem = `${problem}; starting the test dockerd needs root (run build/start-test-dockerd.sh as root)`;
  }
  if (problem === undefined) return {};
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`Docker tests cannot run under CI: ${problem}`);
  return { skip: `Docker tests skipped: ${problem}` };
}
