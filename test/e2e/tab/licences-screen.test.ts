import assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import type { demoIdentities } from '../../../server/demo-identities.js';
import { go, launchBrowser, openHost, screenshot, type TestBrowser } from './support/browser.js';
import { buildTab, startDemoApp, waitFor, type DemoApp } from './support/demo-app.js';

interface LicenceTruth {
  subscribedSkus: { skuId: string; skuPartNumber: string; enabledUnits: number; consumedUnits: number }[];
  users: { id: string; skuIds: string[] }[];
}

/**
 * The Licences screen in a real browser (Chromium through playwright-core) inside the local Teams host, against
 * the app in demo mode and its simulator: the subscriptions shown equal the simulated tenant's, no cost is shown
 * before a price is set, an admin sets a price in the screen and the cost that appears is price × seats bought;
 * a viewer sees the figures and no price editor.
 */
describe('tab: the Licences screen (browser)', function () {
  this.timeout(180_000);
  const started: { app?: DemoApp; browser?: TestBrowser } = {};
  let app: DemoApp;
  let page: Page;
  let truth: LicenceTruth;

  before(async function () {
    this.timeout(240_000);
    await buildTab();
    app = started.app = await startDemoApp({ users: 80 });
    started.browser = await launchBrowser();
    page = started.browser.page;
    const demo = await app.store.db
      .selectFrom('integrations')
      .innerJoin('clients', 'clients.id', 'integrations.client_id')
      .select(['integrations.client_id', 'integrations.tenant_id'])
      .where('clients.name', '=', 'demo')
      .executeTakeFirstOrThrow();
    // The licences are read with the directory sync the scheduler started.
    await waitFor(async () => {
      const run = await app.store.db
        .selectFrom('sync_runs')
        .select('id')
        .where('client_id', '=', demo.client_id)
        .where('kind', '=', 'licences')
        .where('status', '=', 'succeeded')
        .executeTakeFirst();
      return run !== undefined;
    }, 90_000);
    truth = (await app.simControl('GET', `/tenants/${demo.tenant_id}/licences`)) as LicenceTruth;
    assert.ok(truth.subscribedSkus.length > 0);
  });

  after(async () => {
    await started.browser?.close();
    await started.app?.stop();
  });

  async function licencesAs(as: keyof typeof demoIdentities): Promise<Frame> {
    const frame = await openHost(page, app.baseUrl, { as });
    await frame.getByTestId('signed-in-as').waitFor();
    await go(frame, '#/c/demo/licences');
    await frame.getByRole('heading', { name: 'Licences' }).waitFor();
    await frame.getByRole('table', { name: 'Subscriptions' }).waitFor();
    return frame;
  }

  async function subscriptionRows(frame: Frame): Promise<string[][]> {
    const rows = frame.getByRole('table', { name: 'Subscriptions' }).getByRole('row');
    const count = await rows.count();
    const cells: string[][] = [];
    for (let i = 1; i < count; i++) cells.push(await rows.nth(i).getByRole('cell').allInnerTexts());
    return cells;
  }

  it('shows every subscription of the tenant with seats assigned, purchased and unused, and no cost before prices', async () => {
    const frame = await licencesAs('partnerAdmin');
    const rows = await subscriptionRows(frame);
    assert.equal(rows.length, truth.subscribedSkus.length);
    for (const sku of truth.subscribedSkus) {
      const row = rows.find((cells) => cells[0]?.includes(sku.skuPartNumber));
      assert.ok(row, `${sku.skuPartNumber} is listed`);
      assert.deepEqual(
        row.slice(1, 4).map((cell) => Number(cell.replace(/[^\d]/g, ''))),
        [sku.consumedUnits, sku.enabledUnits, sku.enabledUnits - sku.consumedUnits],
      );
      assert.equal(row[5], '—', `${sku.skuPartNumber}: no price, no cost`);
    }
    // The demo tenant granted only the six read permissions: every optional action says how to grant it.
    const actions = frame.getByRole('table', { name: 'Actions on inactive users' });
    await actions.getByText('Not granted', { exact: true }).first().waitFor();
    assert.equal(await actions.getByText('Not granted', { exact: true }).count(), 3);
    await actions.getByText(/User\.EnableDisableAccount\.All/).waitFor();
    const total = frame.getByRole('group', { name: 'Monthly licence cost' });
    assert.match(await total.innerText(), /—/);
    await screenshot(page, 'licences-01-no-prices');
  });

  it('lets an admin set a price in the screen; the cost shown is the price × seats bought', async () => {
    const frame = await licencesAs('partnerAdmin');
    const e3 = truth.subscribedSkus.find((sku) => sku.skuPartNumber === 'SPE_E3');
    assert.ok(e3);
    await frame.getByLabel('Currency').fill('GBP');
    await frame.getByLabel('Price of Microsoft 365 E3', { exact: true }).fill('33.50');
    await frame.getByRole('button', { name: 'Save prices' }).click();
    const expected = `${((e3.enabledUnits * 3350) / 100).toFixed(2)} GBP`;
    await frame.getByRole('group', { name: 'Monthly licence cost' }).getByText(expected).waitFor();
    const row = (await subscriptionRows(frame)).find((cells) => cells[0]?.includes('SPE_E3'));
    assert.equal(row?.[4], '33.50 GBP');
    assert.equal(row[5], expected);
    const audit = await app.store.db
      .selectFrom('audit_log')
      .select(['action', 'after'])
      .where('action', '=', 'licence.set_prices')
      .execute();
    assert.equal(audit.length, 1);
    assert.match(audit[0]?.after ?? '', /"SPE_E3":"33\.50"/);
    await screenshot(page, 'licences-02-priced');
  });

  it('blocks sign-in of ticked inactive users after a preview and a confirmation, shows each result, and Undo restores', async () => {
    const demo = await app.store.db
      .selectFrom('integrations')
      .innerJoin('clients', 'clients.id', 'integrations.client_id')
      .select(['integrations.tenant_id', 'integrations.app_client_id'])
      .where('clients.name', '=', 'demo')
      .executeTakeFirstOrThrow();
    const accountEnabled = async (id: string): Promise<unknown> =>
      (
        (await app.simControl('GET', `/tenants/${demo.tenant_id}/users/${id}`)) as {
          user: { accountEnabled: unknown };
        }
      ).user.accountEnabled;
    await app.simControl('POST', `/tenants/${demo.tenant_id}/apps/${demo.app_client_id}/permissions`, {
      permissions: ['User.EnableDisableAccount.All'],
    });
    const frame = await licencesAs('partnerAdmin');
    const list = frame.getByRole('table', { name: 'Inactive but licensed users' });
    await list.getByRole('checkbox').first().waitFor();
    const rows = list.getByRole('row').filter({ hasNot: frame.getByText('Sign-in blocked') });
    for (let i = 1; i <= 2; i++) await rows.nth(i).getByRole('checkbox').check();
    await frame.getByRole('button', { name: 'Preview block sign-in (2)' }).click();
    await frame.getByText('2 to block, 0 already blocked, 0 not applicable.').waitFor();
    await screenshot(page, 'licences-03-block-preview');
    await frame.getByRole('button', { name: 'Confirm: block sign-in' }).click();
    const results = frame.getByRole('table', { name: 'Block sign-in results' });
    await results.waitFor();
    assert.equal(await results.getByText('done', { exact: true }).count(), 2);
    const audit = await app.store.db
      .selectFrom('audit_log')
      .select(['target_id', 'after'])
      .where('action', '=', 'user.block_sign_in')
      .execute();
    assert.equal(audit.length, 2);
    for (const entry of audit) {
      assert.match(entry.after ?? '', /"outcome":"done"/);
      assert.equal(await accountEnabled(entry.target_id ?? ''), false);
    }
    await screenshot(page, 'licences-04-blocked');
    await frame.getByRole('button', { name: 'Undo: allow sign-in again (2)' }).click();
    await waitFor(async () => {
      const undone = await app.store.db
        .selectFrom('audit_log')
        .select('target_id')
        .where('action', '=', 'user.unblock_sign_in')
        .execute();
      return undone.length === 2;
    }, 30_000);
    for (const entry of audit) assert.equal(await accountEnabled(entry.target_id ?? ''), true);
  });

  it('shows the reclaimable cost per client on the partner dashboard', async () => {
    const overview = (await app.api('partnerAdmin', 'GET', '/clients/demo/licences')).body as {
      totals: { inactiveCost: { amount: string; currency: string } | null };
    };
    const cost = overview.totals.inactiveCost;
    assert.ok(cost, 'the inactive users hold priced licences');
    const frame = await openHost(page, app.baseUrl, { as: 'partnerAdmin' });
    await frame.getByTestId('signed-in-as').waitFor();
    await go(frame, '#/clients');
    const text = `${cost.amount} ${cost.currency}`;
    await frame.getByRole('group', { name: 'Reclaimable licences / month' }).getByText(text).waitFor();
    await frame.getByRole('table', { name: 'Clients' }).getByRole('link', { name: text }).waitFor();
    await screenshot(page, 'licences-03-dashboard');
  });

  it('shows a viewer the same figures and no price editor', async () => {
    const frame = await licencesAs('viewer');
    assert.equal(await frame.getByRole('button', { name: 'Save prices' }).count(), 0);
    const row = (await subscriptionRows(frame)).find((cells) => cells[0]?.includes('SPE_E3'));
    assert.equal(row?.[4], '33.50 GBP');
    const refused = await app.api('viewer', 'PUT', '/clients/demo/licences/prices', {
      currency: 'EUR',
      prices: [],
    });
    assert.ok(refused.status === 403 || refused.status === 404, String(refused.status));
  });
});
