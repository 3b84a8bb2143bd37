import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { MemoryStore, type Store } from '../../../core/coordination/store.js';
import { SqliteStore } from '../../../core/node/sqliteStore.js';
import { tempDir } from '../../harness/plateauProcess.js';

const dir = tempDir('store');
const stores: Array<[string, () => Store & { close?: () => void }]> = [
  ['MemoryStore', () => new MemoryStore()],
  ['SqliteStore', () => new SqliteStore(join(dir.path, `${Math.random()}.db`))],
];

for (const [name, make] of stores) {
  describe(name, () => {
    it('gets, puts, deletes and lists by prefix in key order', async () => {
      const s = make();
      await s.put('/apps/b', { id: 'b' });
      await s.put('/apps/a', { id: 'a' });
      await s.put('/apps/a/versions/1', { v: 1 });
      await s.put('/appsx', 1);
      assert.deepEqual(await s.get('/apps/a'), { id: 'a' }, 'value read back');
      assert.deepEqual(await s.list('/apps/'), ['/apps/a', '/apps/a/versions/1', '/apps/b'], 'prefix listing');
      await s.delete('/apps/a');
      assert.equal(await s.get('/apps/a'), undefined, 'deleted');
      await s.batch([{ put: '/x', value: 1 }, { delete: '/apps/b' }]);
      assert.deepEqual(await s.list('/'), ['/apps/a/versions/1', '/appsx', '/x'], 'batch applied');
      s.close?.();
    });
  });
}

describe('SqliteStore durability', () => {
  it('keeps what was written across a reopen', async () => {
    const path = join(dir.path, 'durable.db');
    const a = new SqliteStore(path);
    await a.put('/framework-id', { value: 'f-1' });
    a.close();
    const b = new SqliteStore(path);
    assert.deepEqual(await b.get('/framework-id'), { value: 'f-1' }, 'value survived');
    b.close();
    dir.remove();
  });
});
