import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { SecretBox } from '../../../src/store/secret-box.js';
import { createStore, isRepositories, type Store } from '../../../src/store/store.js';
import { describeEachEngine } from '../../support/databases.js';

describeEachEngine('the Store (the services’ unit of work)', (ctx) => {
  const store = (): Store => createStore(ctx.database.db, new SecretBox(crypto.randomBytes(32)));
  const entry = (action: string) => ({
    at: '2026-12-01T10:00:00.000Z',
    actorTenantId: 'system',
    actorObjectId: 'probe',
    actorName: null,
    clientId: null,
    action,
    targetType: null,
    targetId: null,
    before: null,
    after: null,
    channel: 'cli' as const,
  });
  const actions = async (s: Store, action: string): Promise<string[]> =>
    (await s.read.audit.query({ action, limit: 10 })).map((row) => row.action);

  it('commits everything a transaction wrote when its function resolves', async () => {
    const s = store();
    const result = await s.transaction(async (tx) => {
      await tx.audit.append(entry('probe.commit'));
      await tx.audit.append(entry('probe.commit'));
      return 'done';
    });
    assert.equal(result, 'done');
    assert.deepEqual(await actions(s, 'probe.commit'), ['probe.commit', 'probe.commit']);
  });

  it('rolls back everything a transaction wrote when its function throws, and rethrows', async () => {
    const s = store();
    await assert.rejects(
      s.transaction(async (tx) => {
        await tx.audit.append(entry('probe.rollback'));
        throw new Error('changed my mind');
      }),
      /changed my mind/,
    );
    assert.deepEqual(await actions(s, 'probe.rollback'), []);
  });

  it('makes each repository once per executor: the same within a transaction, another one outside it', async () => {
    const s = store();
    assert.equal(s.read.users, s.read.users);
    assert.ok(isRepositories(s.read));
    await s.transaction((tx) => {
      assert.equal(tx.users, tx.users);
      assert.notEqual(tx.users, s.read.users);
      assert.ok(isRepositories(tx));
      return Promise.resolve();
    });
    assert.equal(isRepositories(ctx.database.db), false);
  });
});
