import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ComposingContainerizer } from '../../../core/containerizer/composingContainerizer.js';
import { launchesType, type ContainerStatus, type ContainerType, type Containerizer, type LaunchSpec, type RecoverableContainer, type Termination } from '../../../core/containerizer/containerizer.js';

/** RecordingContainerizer launches nothing; it records which calls reached it. */
class RecordingContainerizer implements Containerizer {
  readonly calls: string[] = [];
  readonly live = new Set<string>();
  constructor(
    readonly name: string,
    readonly containerTypes?: readonly ContainerType[],
  ) {}
  async launch(spec: LaunchSpec): Promise<ContainerStatus> {
    this.calls.push(`launch ${spec.containerId}`);
    this.live.add(spec.containerId);
    return { containerId: spec.containerId, pid: 1, startedAt: 0, ...(this.name === 'docker' ? { containerizer: 'docker' } : {}) };
  }
  async wait(id: string): Promise<Termination> {
    this.calls.push(`wait ${id}`);
    return { state: 'TASK_FINISHED', message: this.name };
  }
  async kill(id: string): Promise<void> {
    this.calls.push(`kill ${id}`);
  }
  async recover(checkpointed: RecoverableContainer[]): Promise<string[]> {
    this.calls.push(`recover ${checkpointed.map((c) => c.containerId).join(',')}`);
    return checkpointed.map((c) => c.containerId);
  }
  async usage(id: string): Promise<Record<string, number>> {
    this.calls.push(`usage ${id}`);
    return { timestamp: 1 };
  }
  containers(): string[] {
    return [...this.live];
  }
  async dispose(): Promise<void> {
    this.calls.push('dispose');
  }
  async destroyAll(): Promise<void> {
    this.calls.push('destroyAll');
  }
}

const spec = (id: string, type?: 'DOCKER' | 'MESOS'): LaunchSpec => ({ containerId: id, sandboxDir: '/sb', command: { shell: true, value: 'x' }, env: {}, ...(type ? { container: { type } } : {}) });

describe('ComposingContainerizer', () => {
  it('routes DOCKER containers to docker and the rest to the other containerizer, for every later call too', async () => {
    const docker = new RecordingContainerizer('docker', ['DOCKER']);
    const posix = new RecordingContainerizer('posix');
    const c = new ComposingContainerizer({ docker, other: posix });
    assert.equal(c.name, 'docker,posix', 'named after both');
    assert.ok(launchesType(c, 'DOCKER') && launchesType(c, 'MESOS'), 'launches both types');
    await c.launch(spec('d', 'DOCKER'));
    await c.launch(spec('m', 'MESOS'));
    await c.launch(spec('p'));
    assert.equal((await c.wait('d')).message, 'docker', 'wait goes to docker');
    assert.equal((await c.wait('p')).message, 'posix', 'wait goes to posix');
    await c.kill('d', 0);
    await c.usage('m');
    assert.deepEqual(docker.calls, ['launch d', 'wait d', 'kill d'], 'docker calls');
    assert.deepEqual(posix.calls, ['launch m', 'launch p', 'wait p', 'usage m'], 'posix calls');
    assert.deepEqual(c.containers().sort(), ['d', 'm', 'p'], 'containers of both');
    await c.dispose();
    assert.ok(docker.calls.includes('dispose') && posix.calls.includes('dispose'), 'both disposed');
  });

  it('hands checkpointed containers back to the containerizer that launched them', async () => {
    const docker = new RecordingContainerizer('docker', ['DOCKER']);
    const posix = new RecordingContainerizer('posix');
    const c = new ComposingContainerizer({ docker, other: posix });
    const running = await c.recover([
      { containerId: 'a', pid: 1, startedAt: 0, sandboxDir: '/a', containerizer: 'docker' },
      { containerId: 'b', pid: 2, startedAt: 0, sandboxDir: '/b' },
    ]);
    assert.deepEqual(running.sort(), ['a', 'b'], 'both running');
    assert.deepEqual(docker.calls, ['recover a'], 'docker recovers its own');
    assert.deepEqual(posix.calls, ['recover b'], 'posix the rest');
    await c.wait('a');
    assert.deepEqual(docker.calls, ['recover a', 'wait a'], 'and then waits on it');
  });

  it('fails DOCKER launches with the reason when no daemon was reachable, and lets the rest run', async () => {
    const posix = new RecordingContainerizer('posix');
    const c = new ComposingContainerizer({ other: posix, dockerUnavailable: 'cannot reach the Docker daemon at unix:///nope.sock' });
    assert.equal(c.name, 'posix', 'offers no docker containerizer');
    assert.ok(launchesType(c, 'DOCKER'), 'still claims DOCKER so the failure says why');
    await assert.rejects(c.launch(spec('d', 'DOCKER')), /^CoreError: Docker containerizer is not available: cannot reach the Docker daemon at unix:\/\/\/nope.sock$/, 'reason');
    await c.launch(spec('p'));
    await c.recover([{ containerId: 'old', pid: 1, startedAt: 0, sandboxDir: '/o', containerizer: 'docker' }]);
    const t = await c.wait('old');
    assert.equal(t.state, 'TASK_FAILED', 'an old docker container cannot be followed');
    assert.match(t.message, /Cannot recover the Docker container: cannot reach/, 'and says why');
  });
});
