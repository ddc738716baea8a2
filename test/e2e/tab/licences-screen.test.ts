import assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import type { demoIdentities } from '../../../server/demo-identities.js';
import { assertAccessible } from './support/accessibility.js';
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
    // Why no cost shows, and where to set the prices: the link takes the admin to the price editor.
    await frame
      .getByText(`${String(truth.subscribedSkus.length)} products have no price, so their cost is not shown.`)
      .waitFor();
    await frame
      .getByText(/^\d+ inactive users hold licences \(set prices to see what they cost a month\)\.$/)
      .waitFor();
    await frame.getByRole('link', { name: 'Set your prices' }).click();
    // Scrolled to it: the heading comes into the viewport (the tab's content security policy allows no evaluated
    // script, so the test reads where the browser lays it out).
    const heading = frame.getByRole('heading', { name: 'Your prices' });
    const viewport = page.viewportSize();
    assert.ok(viewport);
    let top = Infinity;
    for (let tries = 0; tries < 50 && !(top >= 0 && top < viewport.height); tries++) {
      await page.waitForTimeout(100);
      top = (await heading.boundingBox())?.y ?? Infinity;
    }
    assert.ok(
      top >= 0 && top < viewport.height,
      `Your prices at y=${String(top)}, viewport ${String(viewport.height)}`,
    );
    assert.ok(frame.url().endsWith('#/c/demo/licences'), `the route stays: ${frame.url()}`);
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

  it('blocks sign-in and removes the licences of ticked expired users after previews and confirmations; the tenant and the audit log show each user; Undo restores both', async () => {
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
    const skusInTenant = async (id: string): Promise<string[]> =>
      (
        ((await app.simControl('GET', `/tenants/${demo.tenant_id}/licences`)) as LicenceTruth).users.find(
          (u) => u.id === id,
        )?.skuIds ?? []
      ).sort();
    const auditOf = (action: string) =>
      app.store.db
        .selectFrom('audit_log')
        .select(['target_id', 'after'])
        .where('action', '=', action)
        .execute();
    // Expired users: the tenant's activity read, applied by a directory sync, then an import with a 7-day threshold.
    const demoClientId = (
      await app.store.db
        .selectFrom('clients')
        .select('id')
        .where('name', '=', 'demo')
        .executeTakeFirstOrThrow()
    ).id;
    await waitFor(async () => {
      const integration = await app.store.db
        .selectFrom('integrations')
        .select('activity_data')
        .where('client_id', '=', demoClientId)
        .executeTakeFirst();
      return integration?.activity_data === 'available';
    }, 90_000);
    const directoryRuns = async (): Promise<number> =>
      (
        await app.store.db
          .selectFrom('sync_runs')
          .select('id')
          .where('client_id', '=', demoClientId)
          .where('kind', '=', 'directory')
          .where('status', '=', 'succeeded')
          .execute()
      ).length;
    const runs = await directoryRuns();
    assert.equal((await app.api('partnerAdmin', 'POST', '/clients/demo/sync', {})).status, 202);
    await waitFor(async () => (await directoryRuns()) > runs, 60_000);
    assert.equal((await app.api('partnerAdmin', 'POST', '/clients/demo/import', {})).status, 200);
    assert.equal(
      (await app.api('partnerAdmin', 'PUT', '/clients/demo/settings/expiry', { days: 7 })).status,
      200,
    );
    let frame = await licencesAs('partnerAdmin');
    let list = frame.getByRole('table', { name: 'Inactive but licensed users' });
    await list.getByRole('checkbox').first().waitFor();
    const expiredRows = list
      .getByRole('row')
      .filter({ has: frame.getByText('Expired', { exact: true }) })
      .filter({ hasNot: frame.getByText('Sign-in blocked') });
    // The two users by their user principal name (shown under the name), to find them again after each reload.
    const upns: string[] = [];
    const names = new Map<string, string>();
    for (let i = 0; i < 2; i++) {
      const cell = await expiredRows.nth(i).getByRole('cell').nth(1).innerText();
      const upn = cell.split(/\s+/).find((word) => word.includes('@')) ?? '';
      upns.push(upn);
      names.set(upn, cell.slice(0, cell.indexOf(upn)).trim());
    }
    assert.ok(upns.every((upn) => upn !== ''));
    const tick = async (): Promise<void> => {
      list = frame.getByRole('table', { name: 'Inactive but licensed users' });
      for (const upn of upns)
        await list.getByRole('row').filter({ hasText: upn }).getByRole('checkbox').check();
    };
    await tick();
    // Before the client's admin grants the permission: the preview says the action is not available, why and how to
    // grant it (the core's words, as the CLI and the bot say it), and offers no Confirm.
    await frame.getByRole('button', { name: 'Preview block sign-in (2)' }).click();
    const refused = frame.getByRole('region', { name: 'Block sign-in preview' });
    await refused
      .getByText(
        /^Not available for this client yet\. Not granted: to block .*User\.EnableDisableAccount\.All.*grant consent\.$/,
      )
      .waitFor();
    assert.equal(await refused.getByRole('button', { name: /^Confirm/ }).count(), 0);
    await screenshot(page, 'licences-03a-block-preview-not-granted');
    // Block sign-in and remove licences: the two permissions the client's admin granted (Undo needs the same ones).
    await app.simControl('POST', `/tenants/${demo.tenant_id}/apps/${demo.app_client_id}/permissions`, {
      permissions: ['User.EnableDisableAccount.All', 'LicenseAssignment.ReadWrite.All'],
    });
    await frame.getByRole('button', { name: 'Preview block sign-in (2)' }).click();
    await refused.getByText(/^Not available/).waitFor({ state: 'detached' });
    await frame.getByText('2 to change, 0 already blocked, 0 not applicable.').waitFor();
    await assertAccessible(frame, 'Licences: block sign-in preview');
    await screenshot(page, 'licences-03-block-preview');
    await frame.getByRole('button', { name: 'Confirm: block sign-in' }).click();
    const blocked = frame.getByRole('table', { name: 'Block sign-in results' });
    await blocked.waitFor();
    assert.equal(await blocked.getByText('done', { exact: true }).count(), 2);
    // Each result names the person, with the sign-in name under it (as the list does).
    for (const upn of upns) {
      const who = await blocked
        .getByRole('row')
        .filter({ hasText: upn })
        .getByRole('cell')
        .first()
        .innerText();
      assert.ok(names.get(upn), upn);
      assert.deepEqual(
        who.split('\n').map((line) => line.trim()),
        [names.get(upn), upn],
      );
    }
    const blockAudit = await auditOf('user.block_sign_in');
    assert.equal(blockAudit.length, 2);
    const ids = blockAudit.map((entry) => entry.target_id ?? '');
    for (const entry of blockAudit) {
      assert.match(entry.after ?? '', /"outcome":"done"/);
      assert.match(entry.after ?? '', /"displayName":"[^"]+"/);
      assert.equal(await accountEnabled(entry.target_id ?? ''), false);
    }
    await screenshot(page, 'licences-04-blocked');

    // The same users (now shown as blocked) lose their licences: the preview names each licence and the cost.
    const held = new Map<string, string[]>();
    for (const id of ids) held.set(id, await skusInTenant(id));
    assert.ok([...held.values()].every((skus) => skus.length > 0));
    await frame.getByRole('button', { name: 'Preview block sign-in (0)' }).waitFor();
    await tick();
    await frame.getByRole('button', { name: 'Preview remove licences (2)' }).click();
    const preview = frame.getByRole('region', { name: 'Remove licences preview' });
    await preview
      .getByText(/2 to change, 0 holding none, 0 not applicable\. Reclaimed: [\d.]+ GBP a month\./)
      .waitFor();
    await preview
      .getByRole('table', { name: 'Remove licences: who' })
      .getByText(/Microsoft 365 E3/)
      .first()
      .waitFor();
    await assertAccessible(frame, 'Licences: remove licences preview');
    await screenshot(page, 'licences-05-remove-preview');
    await frame.getByRole('button', { name: 'Confirm: remove licences' }).click();
    const removed = frame.getByRole('table', { name: 'Remove licences results' });
    await removed.waitFor();
    assert.equal(await removed.getByText('done', { exact: true }).count(), 2);
    for (const id of ids) assert.deepEqual(await skusInTenant(id), [], id);
    const removeAudit = await auditOf('user.remove_licences');
    assert.deepEqual(removeAudit.map((entry) => entry.target_id).sort(), [...ids].sort());
    for (const entry of removeAudit) {
      assert.match(entry.after ?? '', /"outcome":"done"/);
      const after = JSON.parse(entry.after ?? '{}') as { skuIds: string[] };
      assert.deepEqual([...after.skuIds].sort(), held.get(entry.target_id ?? ''));
    }
    await screenshot(page, 'licences-06-removed');

    // Undo: the same licences back, then sign-in allowed again.
    await frame.getByRole('button', { name: 'Undo: give the licences back (2)' }).click();
    await frame.getByRole('table', { name: 'Give the licences back results' }).waitFor();
    for (const id of ids) assert.deepEqual(await skusInTenant(id), held.get(id), id);
    frame = await licencesAs('partnerAdmin');
    await frame
      .getByRole('table', { name: 'Inactive but licensed users' })
      .getByRole('checkbox')
      .first()
      .waitFor();
    await tick();
    await frame.getByRole('button', { name: 'Preview allow sign-in again (2)' }).click();
    await frame.getByRole('button', { name: 'Confirm: allow sign-in again' }).click();
    await frame.getByRole('table', { name: 'Allow sign-in again results' }).waitFor();
    for (const id of ids) assert.equal(await accountEnabled(id), true);
    const undone = await auditOf('user.unblock_sign_in');
    assert.equal(undone.length, 2);
    await assertAccessible(frame, 'Licences: results');
    await screenshot(page, 'licences-07-undone');
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

  it('shows each user’s licence cost on the Users screen and, before a new expiry threshold is saved, what it would do and cost', async () => {
    const frame = await openHost(page, app.baseUrl, { as: 'partnerAdmin' });
    await frame.getByTestId('signed-in-as').waitFor();
    await go(frame, '#/c/demo/users');
    const table = frame.getByRole('table', { name: /^Users of / });
    await table.getByRole('columnheader', { name: 'Licences / month' }).waitFor();
    await table.getByRole('cell', { name: '33.50 GBP' }).first().waitFor();
    await assertAccessible(frame, 'Users with licence cost');
    await screenshot(page, 'licences-08-users-cost');
    await go(frame, '#/c/demo/setup');
    const days = frame.getByRole('spinbutton', { name: /Days without activity/ });
    await days.fill('8');
    await days.press('Tab');
    const preview = frame.getByTestId('threshold-preview');
    await preview.waitFor();
    const expected = (await app.api('partnerAdmin', 'GET', '/clients/demo/settings/expiry/preview?days=8'))
      .body as {
      newlyExpired: number;
      newlyExpiredLicenceCost: { amount: string; currency: string } | null;
    };
    assert.match(
      await preview.innerText(),
      new RegExp(`At 8 days: ${expected.newlyExpired.toString()} more users expire`),
    );
    if (expected.newlyExpiredLicenceCost !== null)
      assert.match(
        await preview.innerText(),
        new RegExp(`${expected.newlyExpiredLicenceCost.amount} GBP a month`),
      );
    await screenshot(page, 'licences-09-threshold-preview');
  });

  it('shows a viewer the same figures and no price editor', async () => {
    const frame = await licencesAs('viewer');
    assert.equal(await frame.getByRole('button', { name: 'Save prices' }).count(), 0);
    assert.equal(await frame.getByRole('link', { name: 'Set your prices' }).count(), 0);
    const row = (await subscriptionRows(frame)).find((cells) => cells[0]?.includes('SPE_E3'));
    assert.equal(row?.[4], '33.50 GBP');
    const refused = await app.api('viewer', 'PUT', '/clients/demo/licences/prices', {
      currency: 'EUR',
      prices: [],
    });
    assert.ok(refused.status === 403 || refused.status === 404, String(refused.status));
  });
});
