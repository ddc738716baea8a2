import assert from 'node:assert/strict';
import { describeEachEngineWithCore, partnerAdmin, person } from './fixtures/core-harness.js';
import { seedClient } from './fixtures/directory-fixture.js';
import { NotFoundError } from '../../../src/shared/errors.js';

describeEachEngineWithCore('tab placements: where each client tab was added', (ctx) => {
  const channel = '19:abc123@thread.tacv2';

  const auditActions = async (clientId: string): Promise<string[]> => {
    const page = await ctx.core.auditLog.query(partnerAdmin, { client: clientId });
    return page.items.map((entry) => entry.action).filter((action) => action.startsWith('tab.'));
  };

  it('records a channel tab once (added again changes nothing), finds it, and forgets it once, each audited', async () => {
    const clientId = await seedClient(ctx.core.database.db, { name: `tabs-${ctx.engine}` });
    const placement = { kind: 'channel' as const, id: channel };
    const added = await ctx.core.tabPlacements.add(partnerAdmin, clientId, placement);
    assert.deepEqual(added, { clientId, kind: 'channel', id: channel });
    await ctx.core.tabPlacements.add(partnerAdmin, clientId, placement);
    assert.deepEqual(await ctx.core.tabPlacements.find(clientId, channel), added);
    assert.deepEqual(await auditActions(clientId), ['tab.add']);

    await ctx.core.tabPlacements.remove(partnerAdmin, clientId, channel);
    await ctx.core.tabPlacements.remove(partnerAdmin, clientId, channel);
    assert.equal(await ctx.core.tabPlacements.find(clientId, channel), undefined);
    assert.deepEqual(await auditActions(clientId), ['tab.remove', 'tab.add']);
  });

  it('does not tell a stranger the client exists', async () => {
    const clientId = await seedClient(ctx.core.database.db, { name: `tabs-hidden-${ctx.engine}` });
    const stranger = person('dddddddd-0000-4000-8000-000000000001', 'stranger@msp.example');
    await assert.rejects(
      ctx.core.tabPlacements.add(stranger, clientId, { kind: 'chat', id: '19:xyz@thread.v2' }),
      NotFoundError,
    );
    assert.deepEqual(await auditActions(clientId), []);
  });
});
