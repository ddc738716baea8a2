import assert from 'node:assert/strict';
import { TenantAllowList } from '../../../tab/api/tenant-allow-list.js';

const MSP = '11111111-1111-4111-8111-111111111111';
const CLIENT = '22222222-2222-4222-8222-222222222222';

describe('tenant allow list', () => {
  it("allows the MSP's own tenants without asking the core", async () => {
    let asked = 0;
    const list = new TenantAllowList({
      fixed: [MSP.toUpperCase()],
      connectedTenants: () => {
        asked++;
        return Promise.resolve([]);
      },
    });
    assert.equal(await list.isAllowed(MSP), true);
    assert.equal(asked, 0);
  });

  it("allows connected clients' tenants and refuses any other", async () => {
    const list = new TenantAllowList({ fixed: [MSP], connectedTenants: () => Promise.resolve([CLIENT]) });
    assert.equal(await list.isAllowed(CLIENT), true);
    assert.equal(await list.isAllowed('33333333-3333-4333-8333-333333333333'), false);
  });

  it('asks the core once for a burst of tokens, and again after the refresh interval or an invalidation', async () => {
    let now = 0;
    let asked = 0;
    let connected: string[] = [];
    const list = new TenantAllowList({
      fixed: [],
      refreshInMs: 30_000,
      now: () => now,
      connectedTenants: () => {
        asked++;
        return Promise.resolve(connected);
      },
    });
    await Promise.all([list.isAllowed(CLIENT), list.isAllowed(CLIENT), list.isAllowed(CLIENT)]);
    assert.equal(asked, 1);
    connected = [CLIENT];
    assert.equal(await list.isAllowed(CLIENT), false, 'still the remembered answer');
    now = 30_001;
    assert.equal(await list.isAllowed(CLIENT), true);
    assert.equal(asked, 2);
    connected = [];
    list.invalidate();
    assert.equal(await list.isAllowed(CLIENT), false);
    assert.equal(asked, 3);
  });
});
