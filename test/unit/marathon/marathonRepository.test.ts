import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStore } from '../../../core/coordination/store.js';
import { MarathonRepository } from '../../../core/marathon/service/marathonRepository.js';
import type { AppDefinition } from '../../../core/protocol/marathon/appDefinition.js';
import type { Group } from '../../../core/protocol/marathon/group.js';

const version = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();

describe('MarathonRepository', () => {
  it('keeps only the newest versions of the root group and of each changed app', async () => {
    const repo = new MarathonRepository(new MemoryStore(), 3);
    for (let n = 0; n < 5; n++) {
      const v = version(n);
      const app = { id: '/web', version: v } as AppDefinition;
      const other = { id: '/db', version: version(0) } as AppDefinition;
      await repo.putRoot({ id: '/', version: v, apps: [app, other], groups: [], dependencies: [] } as unknown as Group, n === 0 ? [app, other] : [app]);
    }
    assert.deepEqual(await repo.rootVersions(), [version(2), version(3), version(4)], 'the three newest root versions');
    assert.deepEqual(await repo.appVersions('/web'), [version(2), version(3), version(4)], "the three newest of the app that kept changing");
    assert.deepEqual(await repo.appVersions('/db'), [version(0)], 'an app that did not change keeps its version');
    assert.equal((await repo.load()).root?.version, version(4), 'the current root is the newest');
  });

  it('tells its observer of a write again once it settled, so a look deferred from then sees what the caller changed after it', async () => {
    // A store whose writes take longer than a turn, as ZooKeeper's do.
    class SlowStore extends MemoryStore {
      override async put(key: string, value: unknown): Promise<void> {
        await new Promise((r) => setTimeout(r, 20));
        await super.put(key, value);
      }
    }
    const repo = new MarathonRepository(new SlowStore());
    const scheduler: { frameworkId?: string } = {};
    const seen: Array<string | undefined> = [];
    repo.observe({ touch: () => undefined, changed: () => setImmediate(() => seen.push(scheduler.frameworkId)) });
    // As the scheduler does on SUBSCRIBED: persist, then take the id.
    await repo.putFrameworkId('fw-1');
    scheduler.frameworkId = 'fw-1';
    await new Promise((r) => setImmediate(r));
    assert.equal(seen.at(-1), 'fw-1', `the last look saw the id (looks: ${JSON.stringify(seen)})`);
  });
});
