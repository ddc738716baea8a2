import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Frame, Page } from 'playwright-core';
import { reportCard } from '../../../bot/cards/report-card.js';
import { notificationCard } from '../../../bot/cards/notification-cards.js';
import { TabLinks } from '../../../bot/tab-links.js';
import { DEMO_TEAMS_APP_ID, demoIdentities } from '../../../server/demo-identities.js';
import type { TabPlacementView } from '../../../src/services/tab-placement-service.js';
import {
  billingReport,
  mfaReport,
  notifications,
  ssoReport,
  usageReport,
} from '../../unit/bot/card-fixtures.js';
import { PRODUCT_PERMISSIONS } from '../../../sim/index.js';
import { isGuest } from '../../../src/domain/eligibility.js';
import { animationsSettled, assertAccessible } from './support/accessibility.js';
import {
  focusedName,
  go,
  launchBrowser,
  openHost,
  screenshot,
  tabFrame,
  tabTo,
  type TestBrowser,
} from './support/browser.js';

/** The channel of the local Teams host's simulated team (tab/web/dev/teams-host.ts). */
const DEMO_CHANNEL_ID = '19:demo-channel@thread.tacv2';
import { buildTab, randomSecret, startDemoApp, waitFor, type DemoApp } from './support/demo-app.js';

/**
 * The tab in a real browser (Debian's Chromium through playwright-core), inside the local Teams host page of the
 * app started in demo mode: teams-js initialises against the host, SSO tokens come from the simulator, and every
 * action goes through the tab API into the core — then the store is checked.
 */
describe('tab in the local Teams host (browser)', function () {
  this.timeout(120_000);
  let app: DemoApp;
  let browser: TestBrowser;
  /** What `before` managed to start, for `after` to stop even when `before` failed halfway. */
  const started: { app?: DemoApp; browser?: TestBrowser } = {};
  let page: Page;
  let demoClientId: string;

  before(async function () {
    this.timeout(180_000);
    await buildTab();
    app = started.app = await startDemoApp({ users: 150 });
    browser = started.browser = await launchBrowser();
    page = browser.page;
    const demo = await app.store.db
      .selectFrom('clients')
      .select('id')
      .where('name', '=', 'demo')
      .executeTakeFirstOrThrow();
    demoClientId = demo.id;
    // Expiry needs the tenant's activity data: wait for the first sign-in ingestion the scheduler starts.
    await waitFor(async () => {
      const integration = await app.store.db
        .selectFrom('integrations')
        .select('activity_data')
        .where('client_id', '=', demoClientId)
        .executeTakeFirst();
      return integration?.activity_data === 'available';
    }, 90_000);
    // A directory sync applies the ingested sign-ins as users' last activity; then the initial import, with a
    // 7-day threshold, leaves the demo client with imported users, some of them expired.
    const runs = await countSucceededDirectoryRuns(app, demoClientId);
    assert.equal((await app.api('partnerAdmin', 'POST', '/clients/demo/sync', {})).status, 202);
    await waitFor(async () => (await countSucceededDirectoryRuns(app, demoClientId)) > runs, 60_000);
    assert.equal((await app.api('partnerAdmin', 'POST', '/clients/demo/import', {})).status, 200);
    assert.equal(
      (await app.api('partnerAdmin', 'PUT', '/clients/demo/settings/expiry', { days: 7 })).status,
      200,
    );
  });

  after(async () => {
    await started.browser?.close();
    await started.app?.stop();
  });

  async function signedIn(as: keyof typeof demoIdentities, hash = '#/clients'): Promise<Frame> {
    const frame = await openHost(page, app.baseUrl, { as });
    await frame.getByTestId('signed-in-as').waitFor();
    await go(frame, hash);
    return frame;
  }

  /** Grants the product's app these permissions in the demo tenant, as its admin's consent would; its tenant id. */
  async function grantInDemoTenant(permissions: readonly string[]): Promise<string> {
    const { tenant_id: tenantId, app_client_id: appClientId } = await app.store.db
      .selectFrom('integrations')
      .select(['tenant_id', 'app_client_id'])
      .where('client_id', '=', demoClientId)
      .executeTakeFirstOrThrow();
    await app.simControl('POST', `/tenants/${tenantId}/apps/${appClientId}/permissions`, { permissions });
    return tenantId;
  }

  /** A demo user's collection state and why, as the store holds it. */
  async function storedCollection(
    userId: string,
  ): Promise<{ collection_state: string; disable_reason: string | null }> {
    return app.store.db
      .selectFrom('directory_users')
      .select(['collection_state', 'disable_reason'])
      .where('client_id', '=', demoClientId)
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
  }

  it('connects a client with client credentials after saying clearly that a wrong secret is wrong, then rotates the secret and removes the connection', async () => {
    const appId = crypto.randomUUID();
    const secret = randomSecret();
    const tenant = (await app.simControl('POST', '/tenants', {
      seed: 4242,
      displayName: 'Fabrikam Ltd',
      domain: 'fabrikam.onmicrosoft.com',
      users: 30,
      signInDays: 5,
      apps: [{ clientId: appId, clientSecret: secret, permissions: [...PRODUCT_PERMISSIONS] }],
    })) as { tenantId: string; domain: string; displayName: string };
    const frame = await signedIn('partnerAdmin');
    await screenshot(page, '01-clients');

    await frame.getByRole('button', { name: 'Add client' }).click();
    const dialog = frame.getByRole('dialog');
    await dialog.getByLabel('Short name').fill('fabrikam');
    await dialog.getByLabel('Display name').fill('Fabrikam');
    await screenshot(page, '02-add-client-dialog');
    await dialog.getByRole('button', { name: 'Add client' }).click();
    await frame.getByRole('heading', { name: 'Setup' }).waitFor();
    // Not connected: the lists of its directory say why they are empty, not that no user "matches".
    for (const [tab, text] of [
      ['Users', 'No user is read yet'],
      ['Entra ID users', 'No user is read yet'],
      ['Groups', 'No group is read yet'],
    ] as const) {
      await frame.getByRole('tab', { name: tab, exact: true }).click();
      await frame.getByText(`${text}: connect the client's Entra tenant under Setup.`).waitFor();
    }
    await frame.getByRole('tab', { name: 'Setup', exact: true }).click();
    await frame.getByRole('heading', { name: 'Setup' }).waitFor();

    const form = frame.getByRole('form', { name: 'Client credentials' });
    // Inline validation: a malformed application id is named before anything is sent.
    await form.getByLabel('Application (client) id').fill('not-a-guid');
    await form.getByLabel('Tenant id or verified domain').click();
    await form.getByText('The application (client) id is a GUID').waitFor();
    await screenshot(page, '03-setup-inline-validation');

    await form.getByLabel('Tenant id or verified domain').fill(tenant.domain);
    await form.getByLabel('Application (client) id').fill(appId);
    await form.getByLabel('Client secret').fill('this-is-not-the-secret');
    await form.getByRole('button', { name: 'Test and connect' }).click();
    const failure = frame.getByTestId('connect-failure');
    await failure.waitFor();
    const failureText = await failure.innerText();
    assert.match(failureText, /secret/i, `the message names the secret: ${failureText}`);
    await screenshot(page, '04-setup-wrong-secret');
    const fabrikam = await app.store.db
      .selectFrom('clients')
      .select('id')
      .where('name', '=', 'fabrikam')
      .executeTakeFirstOrThrow();
    const integrationOfFabrikam = () =>
      app.store.db
        .selectFrom('integrations')
        .select('client_id')
        .where('client_id', '=', fabrikam.id)
        .executeTakeFirst();
    assert.equal(await integrationOfFabrikam(), undefined, 'nothing is saved after a failed check');

    await form.getByLabel('Client secret').fill(secret);
    await form.getByRole('button', { name: 'Test and connect' }).click();
    await frame.getByTestId('organization-name').getByText('Fabrikam Ltd').waitFor();
    // The check made when connecting is kept, and Setup sums it up before any other test.
    assert.equal(await frame.getByTestId('permissions-granted').innerText(), '6 of 6 granted');
    await frame.getByRole('button', { name: 'Test connection' }).click();
    await frame.getByTestId('connection-checks').first().waitFor();
    const checks = await frame.getByTestId('connection-checks').innerText();
    for (const permission of PRODUCT_PERMISSIONS)
      assert.match(checks, new RegExp(permission.replace('.', '\\.')));
    await screenshot(page, '05-setup-connected');

    const saved = await app.store.db
      .selectFrom('integrations')
      .select(['tenant_id', 'app_client_id', 'organization_name', 'status', 'secret_ciphertext'])
      .where('client_id', '=', fabrikam.id)
      .executeTakeFirstOrThrow();
    assert.equal(saved.tenant_id, tenant.tenantId);
    assert.equal(saved.app_client_id, appId);
    assert.equal(saved.organization_name, 'Fabrikam Ltd');
    assert.equal(saved.status, 'connected');
    assert.ok(
      saved.secret_ciphertext !== null && !saved.secret_ciphertext.includes(secret),
      'the secret is encrypted',
    );

    // Rotating: a wrong secret is refused inside the dialog, which stays open to correct it; the right one is
    // checked and saved, and the dialog closes.
    await frame.getByRole('button', { name: 'Rotate secret…' }).click();
    const rotate = frame.getByRole('dialog');
    await rotate.getByLabel('New client secret').fill('still-not-the-secret');
    await rotate.getByRole('button', { name: 'Check and save' }).click();
    const refusal = await rotate.getByRole('alert').innerText();
    assert.match(refusal, /secret/i, `the dialog says the secret is wrong: ${refusal}`);
    await rotate.getByLabel('New client secret').fill(secret);
    await rotate.getByRole('button', { name: 'Check and save' }).click();
    await rotate.waitFor({ state: 'detached' });

    // Removing asks for the client's name, then deletes the integration.
    await frame.getByRole('button', { name: 'Remove…' }).click();
    const remove = frame.getByRole('alertdialog');
    await remove.getByLabel('Type fabrikam to confirm').fill('fabrikam');
    await remove.getByRole('button', { name: 'Remove connection' }).click();
    await remove.waitFor({ state: 'detached' });
    await frame.getByRole('form', { name: 'Client credentials' }).waitFor();
    assert.equal(await integrationOfFabrikam(), undefined, 'the integration is gone');
  });

  it('excludes a group through the preview dialog, by keyboard alone, after an explicit "cannot be undone"', async () => {
    const target = await app.store.db
      .selectFrom('directory_groups as g')
      .innerJoin('group_user_closure as c', (join) =>
        join.onRef('c.group_id', '=', 'g.id').onRef('c.client_id', '=', 'g.client_id'),
      )
      .select(['g.id', 'g.display_name'])
      .select((eb) => eb.fn.countAll<number>().as('members'))
      .where('g.client_id', '=', demoClientId)
      .where('g.excluded_at', 'is', null)
      .where('g.display_name', 'is not', null)
      .groupBy(['g.id', 'g.display_name'])
      .having((eb) => eb.fn.countAll(), '>=', 2)
      .having((eb) => eb.fn.countAll(), '<=', 20)
      .orderBy('g.display_name')
      .executeTakeFirstOrThrow();
    const name = target.display_name ?? '';
    const frame = await signedIn('partnerAdmin', '#/c/demo/groups');
    const search = frame.getByRole('searchbox');
    await search.waitFor();
    await search.focus();
    await page.keyboard.type(name);
    await frame.locator(`[data-group-id="${target.id}"]`).waitFor();
    await screenshot(page, '06-groups');

    await tabTo(page, frame, `Exclude ${name}`);
    await page.keyboard.press('Enter');
    const dialog = frame.getByRole('alertdialog');
    await dialog.getByTestId('exclusion-summary').waitFor();
    const summary = await dialog.getByTestId('exclusion-summary').innerText();
    assert.match(summary, new RegExp(`disables ${target.members} user`));
    // The same figures in the same words as the bot and the CLI: "Billable users: 120 → 112 (−8)".
    const figures = await dialog.getByTestId('exclusion-figures').innerText();
    const previewedAfter = Number((/→\s*([\d,]+)/.exec(figures)?.[1] ?? '').replace(/,/g, ''));
    assert.ok(Number.isInteger(previewedAfter), figures);
    await dialog.getByText('This cannot be undone.').waitFor();
    const confirm = dialog.getByRole('button', { name: 'Exclude group' });
    assert.equal(await confirm.isDisabled(), true, 'confirming needs the explicit acknowledgement first');
    assert.ok(
      await frame.evaluate<boolean>(`document.activeElement?.closest('[role="alertdialog"]') != null`),
      'focus moved into the dialog',
    );
    await screenshot(page, '07-exclude-preview');

    await tabTo(page, frame, `I understand that excluding ${name} cannot be undone`);
    await page.keyboard.press('Space');
    await tabTo(page, frame, 'Exclude group');
    assert.equal(await confirm.isDisabled(), false);
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await frame.getByText(`${name} excluded`, { exact: true }).waitFor();
    const billing = await app.api('partnerAdmin', 'GET', '/clients/demo/billing');
    assert.equal(
      (billing.body as { counts: { billable: number } }).counts.billable,
      previewedAfter,
      "the preview's billable after is the count after the confirmation",
    );

    const group = await app.store.db
      .selectFrom('directory_groups')
      .select(['excluded_at', 'excluded_by'])
      .where('client_id', '=', demoClientId)
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow();
    assert.notEqual(group.excluded_at, null);
    assert.equal(group.excluded_by, demoIdentities.partnerAdmin.upn);
    const members = await app.store.db
      .selectFrom('group_user_closure as c')
      .innerJoin('directory_users as u', (join) =>
        join.onRef('u.id', '=', 'c.user_id').onRef('u.client_id', '=', 'c.client_id'),
      )
      .select(['u.collection_state', 'u.disable_reason'])
      .where('c.client_id', '=', demoClientId)
      .where('c.group_id', '=', target.id)
      .execute();
    assert.equal(members.length, target.members);
    for (const member of members) {
      assert.equal(member.collection_state, 'disabled');
      assert.ok(
        member.disable_reason === 'excluded_group' ||
          member.disable_reason === 'manual' ||
          member.disable_reason === 'deleted_in_entra',
      );
    }
    const audit = await app.store.db
      .selectFrom('audit_log')
      .select(['channel', 'actor_object_id'])
      .where('action', '=', 'group.exclude')
      .where('target_id', '=', target.id)
      .executeTakeFirstOrThrow();
    assert.equal(audit.channel, 'tab');
    assert.equal(audit.actor_object_id, demoIdentities.partnerAdmin.objectId);
  });

  it('closes a dialog with Escape and gives focus back to the button that opened it', async () => {
    const frame = await signedIn('partnerAdmin', '#/c/demo/users');
    const firstDisable = frame.getByRole('button', { name: /^Disable / }).first();
    await firstDisable.waitFor();
    const label = (await firstDisable.getAttribute('aria-label')) ?? '';
    await firstDisable.focus();
    await page.keyboard.press('Enter');
    const dialog = frame.getByRole('alertdialog');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await focusedName(frame), label);
  });

  it('disables a user from the users list, and the store says disabled by an admin', async () => {
    const user = await app.store.db
      .selectFrom('directory_users')
      .select(['id', 'display_name', 'user_principal_name'])
      .where('client_id', '=', demoClientId)
      .where('collection_state', '=', 'imported')
      .where('user_type', '=', 'Member')
      .orderBy('display_name', 'desc')
      .executeTakeFirstOrThrow();
    const frame = await signedIn('partnerAdmin', '#/c/demo/users');
    await frame.getByRole('searchbox').fill(user.user_principal_name ?? '');
    const row = frame.locator(`[data-user-id="${user.id}"]`);
    await row.waitFor();
    await waitFor(async () => (await frame.locator('[data-user-id]').count()) === 1, 10_000);
    await screenshot(page, '08-users-search');
    await row.getByRole('button', { name: `Disable ${user.display_name ?? ''}` }).click();
    const dialog = frame.getByRole('alertdialog');
    await screenshot(page, '09-disable-dialog');
    await dialog.getByRole('button', { name: 'Disable user' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByText('Disabled · by an admin').waitFor();

    assert.deepEqual(await storedCollection(user.id), {
      collection_state: 'disabled',
      disable_reason: 'manual',
    });
  });

  it('offboards a leaver from the users list: the steps first, then each one’s result — the one not granted skipped with how to grant it — and the tenant and the store say so', async () => {
    // Granted: blocking sign-in and licences; not granted: revoking sessions (User.RevokeSessions.All).
    const tenantId = await grantInDemoTenant([
      'User.EnableDisableAccount.All',
      'LicenseAssignment.ReadWrite.All',
    ]);
    const licensed = async (): Promise<Map<string, string[]>> =>
      new Map(
        (
          (await app.simControl('GET', `/tenants/${tenantId}/licences`)) as {
            users: { id: string; skuIds: string[] }[];
          }
        ).users.map((u) => [u.id, u.skuIds]),
      );
    const holding = await licensed();
    const candidates = await app.store.db
      .selectFrom('directory_users')
      .select(['id', 'display_name', 'user_principal_name'])
      .where('client_id', '=', demoClientId)
      .where('collection_state', '=', 'imported')
      .where('user_type', '=', 'Member')
      .where('account_enabled', '=', 1)
      .orderBy('display_name')
      .execute();
    const leaver = candidates.find((user) => (holding.get(user.id)?.length ?? 0) > 0);
    assert.ok(leaver, 'an imported member who may sign in and holds licences');

    const frame = await signedIn('partnerAdmin', '#/c/demo/users');
    await frame.getByRole('searchbox').fill(leaver.user_principal_name ?? '');
    const row = frame.locator(`[data-user-id="${leaver.id}"]`);
    await row.waitFor();
    await row.getByRole('button', { name: `Offboard… ${leaver.display_name ?? ''}` }).click();
    const dialog = frame.getByRole('alertdialog');
    const steps = dialog.getByRole('table', { name: 'Offboarding steps' });
    await steps.waitFor();
    const cells = async (table: typeof steps, step: string): Promise<string[]> =>
      table.locator(`tr[data-step="${step}"]`).getByRole('cell').allInnerTexts();
    assert.deepEqual((await cells(steps, 'block_sign_in')).slice(0, 2), ['Block sign-in', 'To do']);
    const revoke = await cells(steps, 'revoke_sessions');
    assert.deepEqual(revoke.slice(0, 2), ['Sign out everywhere', 'Skipped (not granted)']);
    assert.match(revoke[2] ?? '', /User\.RevokeSessions\.All/);
    await dialog
      .getByText(/^Not granted for this client yet: User\.RevokeSessions\.All\. .*grant consent/)
      .waitFor();
    assert.deepEqual((await cells(steps, 'remove_licences')).slice(0, 2), ['Remove licences', 'To do']);
    assert.deepEqual((await cells(steps, 'stop_collection')).slice(0, 2), [
      'Stop collecting and billing',
      'To do',
    ]);
    await assertAccessible(frame, 'offboarding dialog');
    await screenshot(page, '09b-offboard-dialog');
    await dialog.getByRole('button', { name: 'Offboard', exact: true }).click();
    const results = dialog.getByRole('table', { name: 'Offboarding results' });
    await results.waitFor();
    await dialog.getByText(`${leaver.display_name ?? ''} offboarded, not every step`).waitFor();
    assert.equal((await cells(results, 'block_sign_in'))[1], 'Done');
    assert.equal((await cells(results, 'revoke_sessions'))[1], 'Skipped (not granted)');
    assert.equal((await cells(results, 'remove_licences'))[1], 'Done');
    assert.equal((await cells(results, 'stop_collection'))[1], 'Done');
    await screenshot(page, '09c-offboard-results');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByText('Disabled · by an admin').waitFor();

    const inTenant = (await app.simControl('GET', `/tenants/${tenantId}/users/${leaver.id}`)) as {
      user: { accountEnabled: boolean };
    };
    assert.equal(inTenant.user.accountEnabled, false);
    assert.equal((await licensed()).get(leaver.id)?.length ?? 0, 0);
    assert.deepEqual(await storedCollection(leaver.id), {
      collection_state: 'disabled',
      disable_reason: 'manual',
    });
  });

  it('shows a user synchronised from on-premises Active Directory as such, and its offboarding leaves blocking to Active Directory', async () => {
    // Graph refuses to block such a user; Microsoft has it disabled in Active Directory
    // (https://learn.microsoft.com/en-us/entra/identity/users/users-revoke-access, the hybrid environment).
    const tenantId = await grantInDemoTenant(['User.EnableDisableAccount.All']);
    const member = await app.store.db
      .selectFrom('directory_users')
      .select(['id', 'display_name', 'user_principal_name'])
      .where('client_id', '=', demoClientId)
      .where('collection_state', '=', 'imported')
      .where('user_type', '=', 'Member')
      .where('account_enabled', '=', 1)
      .orderBy('display_name', 'desc')
      .executeTakeFirstOrThrow();
    await app.simControl('PATCH', `/tenants/${tenantId}/users/${member.id}`, { onPremisesSyncEnabled: true });
    assert.equal((await app.api('partnerAdmin', 'POST', '/clients/demo/sync', {})).status, 202);
    await waitFor(
      async () =>
        (
          await app.store.db
            .selectFrom('directory_users')
            .select('on_premises_sync')
            .where('client_id', '=', demoClientId)
            .where('id', '=', member.id)
            .executeTakeFirstOrThrow()
        ).on_premises_sync === 1,
      60_000,
    );

    const frame = await signedIn('partnerAdmin', '#/c/demo/users');
    await frame.getByRole('searchbox').fill(member.user_principal_name ?? '');
    const row = frame.locator(`[data-user-id="${member.id}"]`);
    await row.getByText('On-premises AD', { exact: true }).waitFor();
    await row.getByRole('button', { name: `Offboard… ${member.display_name ?? ''}` }).click();
    const dialog = frame.getByRole('alertdialog');
    const steps = dialog.getByRole('table', { name: 'Offboarding steps' });
    await steps.waitFor();
    assert.deepEqual(await steps.locator('tr[data-step="block_sign_in"]').getByRole('cell').allInnerTexts(), [
      'Block sign-in',
      'Not applicable',
      'Synchronised from on-premises Active Directory: disable the account there; Microsoft Entra Connect blocks ' +
        'its sign-in at its next sync.',
    ]);
    await screenshot(page, '09d-offboard-synced-from-active-directory');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('filters expired users, showing exactly those rule 8 expires on the data the store holds', async () => {
    // Rule 8 from scratch on the stored activity: imported, and the newest of the log's and signInActivity's last
    // success (or the import, without any) older than the 7-day threshold.
    const cutoff = new Date(Date.now() - 7 * 86_400_000).toISOString();
    const rows = await app.store.db
      .selectFrom('directory_users')
      .select(['id', 'imported_at', 'last_sign_in_at', 'sign_in_activity_at'])
      .where('client_id', '=', demoClientId)
      .where('collection_state', '=', 'imported')
      .where('entra_state', '!=', 'deleted')
      .execute();
    const expired = rows.filter((row) => {
      const times = [row.last_sign_in_at, row.sign_in_activity_at].filter((at): at is string => at !== null);
      const latest =
        times.length === 0 ? null : times.map((at) => Date.parse(at)).reduce((a, b) => Math.max(a, b));
      return latest === null
        ? row.imported_at !== null && row.imported_at < cutoff
        : latest < Date.parse(cutoff);
    });
    assert.ok(expired.length > 0, 'the demo tenant has expired users after the import');
    const frame = await signedIn('partnerAdmin', '#/c/demo/users');
    await frame.locator('[data-user-id]').first().waitFor();
    await frame.getByRole('checkbox', { name: 'Expired only' }).check();
    await frame.getByText(`of ${expired.length}`, { exact: false }).waitFor();
    await waitFor(
      async () => (await frame.locator('[data-user-id]').count()) === Math.min(expired.length, 50),
      10_000,
    );
    const shown = await frame.evaluate<string[]>(
      `[...document.querySelectorAll('[data-user-id]')].map((row) => row.getAttribute('data-user-id'))`,
    );
    const expiredIds = new Set(expired.map((row) => row.id));
    for (const id of shown) assert.ok(expiredIds.has(id), `row ${id} is an expired user`);
    // The Expiry column leads with the outcome an admin looks for, above rule 8's explanation.
    const expiryCells = await frame.evaluate<string[]>(
      `[...document.querySelectorAll('[data-user-id] td:nth-child(5)')].map((cell) => cell.textContent ?? '')`,
    );
    assert.equal(expiryCells.length, shown.length);
    for (const text of expiryCells) assert.match(text, /^Expired \S.*threshold 7$/, text);
    await screenshot(page, '10-users-expired');

    // Expiring within 7 days instead (one or the other): imported users who expire soon unless they sign in.
    await frame.getByRole('checkbox', { name: 'Expiring within 7 days' }).check();
    assert.equal(await frame.getByRole('checkbox', { name: 'Expired only' }).isChecked(), false);
    await waitFor(async () => {
      const cells = await frame.evaluate<string[]>(
        `[...document.querySelectorAll('[data-user-id] td:nth-child(5)')].map((cell) => cell.textContent ?? '')`,
      );
      return (
        cells.length > 0 &&
        cells.every((text) => /^Expires .*?, (in \d+ (minutes?|hours?|days?)|tomorrow|today)/.test(text))
      );
    }, 10_000);
    const soon = await frame.evaluate<string[]>(
      `[...document.querySelectorAll('[data-user-id] td:nth-child(5)')].map((cell) => cell.textContent ?? '')`,
    );
    for (const text of soon) {
      const days = /, in (\d+) days/.exec(text)?.[1];
      assert.ok(days === undefined || Number(days) <= 7, text);
    }
  });

  it('from the billing report, opens the users whose sign-in is blocked in Entra: exactly those', async () => {
    // Someone blocks an imported, billable user's sign-in in Entra; the next sync brings it.
    const page1 = (await app.api(
      'partnerAdmin',
      'GET',
      '/clients/demo/users?state=imported&expired=false&signInBlocked=false&limit=1',
    )) as { status: number; body: { items: { id: string; billable: boolean }[] } };
    const target = page1.body.items[0];
    assert.ok(target?.billable === true, JSON.stringify(page1.body));
    const { tenant_id: tenantId } = await app.store.db
      .selectFrom('integrations')
      .select('tenant_id')
      .where('client_id', '=', demoClientId)
      .executeTakeFirstOrThrow();
    const blockInEntra = async (blocked: boolean): Promise<void> => {
      await app.simControl('PATCH', `/tenants/${tenantId}/users/${target.id}`, { accountEnabled: !blocked });
      const runs = await countSucceededDirectoryRuns(app, demoClientId);
      assert.equal((await app.api('partnerAdmin', 'POST', '/clients/demo/sync', {})).status, 202);
      await waitFor(async () => (await countSucceededDirectoryRuns(app, demoClientId)) > runs, 60_000);
    };
    await blockInEntra(true);
    try {
      const blocked = await app.store.db
        .selectFrom('directory_users')
        .select('id')
        .where('client_id', '=', demoClientId)
        .where('account_enabled', '=', 0)
        .execute();
      const ids = new Set(blocked.map((row) => row.id));
      assert.ok(ids.has(target.id));
      const frame = await signedIn('partnerAdmin', '#/c/demo/reports');
      await frame.getByRole('tab', { name: 'Users and billing' }).click();
      // The Imported card says how many imported users are blocked (the expired among them count as expired), and
      // links to the users whose sign-in is blocked.
      const report = (await app.api('partnerAdmin', 'GET', '/clients/demo/reports/billing')) as {
        body: { current: { blockedInEntra: number } };
      };
      assert.ok(report.body.current.blockedInEntra >= 1, JSON.stringify(report.body.current));
      const link = frame.getByRole('link', { name: /blocked in Entra$/ });
      assert.equal(
        (await link.textContent())?.trim(),
        `${report.body.current.blockedInEntra.toLocaleString('en-US')} blocked in Entra`,
      );
      await link.click();
      assert.equal(await frame.getByRole('checkbox', { name: 'Sign-in blocked only' }).isChecked(), true);
      await frame.getByText(`of ${String(ids.size)}`, { exact: false }).waitFor();
      const shown = await frame.evaluate<string[]>(
        `[...document.querySelectorAll('[data-user-id]')].map((row) => row.getAttribute('data-user-id'))`,
      );
      assert.equal(shown.length, Math.min(ids.size, 50));
      for (const id of shown) assert.ok(ids.has(id), `row ${id} is a user whose sign-in is blocked`);
      for (const row of await frame.locator('[data-user-id]').all())
        assert.match((await row.textContent()) ?? '', /Sign-in blocked/);
      await screenshot(page, '10-users-sign-in-blocked');
    } finally {
      await blockInEntra(false);
    }
  });

  it('downloads the filtered users as CSV through a one-minute single-use signed link the host opens, one row per user in the store', async () => {
    // Guests as the product's rule names them (userType Guest, or no userType on an #EXT# account): the demo
    // tenant is untidy, as Microsoft's are.
    const guests = (
      await app.store.db
        .selectFrom('directory_users')
        .select(['user_principal_name', 'user_type'])
        .where('client_id', '=', demoClientId)
        .where('entra_state', '!=', 'deleted')
        .execute()
    ).filter((row) => isGuest({ userType: row.user_type, userPrincipalName: row.user_principal_name }));
    const frame = await signedIn('partnerAdmin', '#/c/demo/users');
    await frame.locator('[data-user-id]').first().waitFor();
    await frame.getByRole('combobox', { name: 'Account type' }).click();
    await frame.getByRole('option', { name: 'Guests only' }).click();
    await frame.getByText(`of ${guests.length}`, { exact: false }).waitFor();

    // The tab asks the host to open the link (app.openLink); the host opens it outside the tab, as Teams does.
    // (Chromium credits a download opened in a new window to the page that opened it: the host.)
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      frame.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const file = await download.path();
    const rows: Record<string, string>[] = parseCsv(fs.readFileSync(file, 'utf8'), {
      columns: true,
      bom: true,
    });
    const [link = ''] = await page.evaluate<string[]>('window.teamsHostOpenedLinks');
    const again = await fetch(link);

    assert.match(
      link,
      /^http:\/\/127\.0\.0\.1:\d+\/api\/tab\/clients\/demo\/users\.csv\?guest=true&link=[\w-]{22}\.[\w-]{43}$/,
    );
    assert.equal(download.suggestedFilename(), 'demo-users.csv');
    assert.deepEqual(
      rows.map((row) => row.userPrincipalName).sort(),
      guests.map((row) => row.user_principal_name).sort(),
    );
    assert.ok(rows.every((row) => row.userType === 'guest' && row.billable === 'no'));
    assert.equal(again.status, 410, 'the link worked twice');
    assert.equal(((await again.json()) as { error: { code: string } }).error.code, 'download_link_used');
  });

  it('starts a sync from the status bar and shows its live progress until it has finished', async () => {
    // Slow Graph down, so the run lasts long enough to be watched.
    const fault = (await app.simControl('POST', '/faults/latency', { ms: 1200, target: 'graph' })) as {
      id: string;
    };
    try {
      const before = await countSucceededDirectoryRuns(app, demoClientId);
      const frame = await signedIn('partnerAdmin', '#/c/demo/users');
      const bar = frame.getByTestId('sync-status');
      await bar.getByRole('button', { name: 'Sync now' }).click();
      await bar.getByText('Syncing with Entra ID…').waitFor();
      // The phase in words ("Reading users", "Reading groups and memberships"…) and what has been read so far.
      await bar.getByText(/^(Reading|Working out)/).waitFor();
      await screenshot(page, '11-sync-progress');
      await bar.getByText(/Last sync/).waitFor({ timeout: 60_000 });
      // What started it and what it changed, in words.
      await bar
        .getByText(/^manual sync · (no changes|[\d,]+ users? and [\d,]+ groups? added, changed or removed)$/)
        .waitFor();
      assert.equal(await countSucceededDirectoryRuns(app, demoClientId), before + 1);
      const run = await app.store.db
        .selectFrom('sync_runs')
        .select('trigger')
        .where('client_id', '=', demoClientId)
        .where('kind', '=', 'directory')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      assert.equal(run.trigger, 'manual');
    } finally {
      await app.simControl('DELETE', `/faults/${fault.id}`);
    }
  });

  it('shows a client admin only their client, and refuses the outsider everything', async () => {
    const adminFrame = await signedIn('clientAdmin');
    await adminFrame.getByText('Client admin · one client').waitFor();
    const rows = adminFrame.getByRole('table', { name: 'Clients' }).getByRole('row');
    await waitFor(async () => (await rows.count()) === 2, 10_000);
    assert.match(await rows.nth(1).innerText(), /Contoso/);

    const outsiderFrame = await signedIn('outsider');
    await outsiderFrame.getByText('You have no client assigned yet').waitFor();
    await go(outsiderFrame, '#/c/demo/users');
    await outsiderFrame.getByRole('alert').getByText('no access').waitFor();
    await screenshot(page, '11b-outsider-refused');
  });

  it('configures a channel tab for one client, which then shows only that client', async () => {
    const frame = await openHost(page, app.baseUrl, { as: 'clientAdmin', surface: 'channel', reset: true });
    await frame.getByText('Show one client in this channel').waitFor();
    const save = page.getByRole('button', { name: 'Save' });
    await waitFor(async () => !(await save.isDisabled()), 10_000);
    await screenshot(page, '12-channel-configure');
    await save.click();
    const bound = await waitForTabFrame(page);
    await bound.getByRole('heading', { name: 'Contoso (demo)' }).waitFor();
    assert.equal(
      await bound.getByRole('link', { name: 'Clients' }).count(),
      0,
      'no way out to other clients',
    );
    const config = await page.evaluate<string | null>(`sessionStorage.getItem('teams-host.channel-config')`);
    assert.match(config ?? '', new RegExp(`client:${demoClientId}`));
    const placement = await app.store.db
      .selectFrom('tab_placements')
      .select(['place_kind', 'place_id'])
      .where('client_id', '=', demoClientId)
      .execute();
    assert.deepEqual(placement, [{ place_kind: 'channel', place_id: DEMO_CHANNEL_ID }], 'where the tab is');
    const audited = await app.store.db
      .selectFrom('audit_log')
      .select('target_id')
      .where('action', '=', 'tab.add')
      .execute();
    assert.deepEqual(
      audited.map((row) => row.target_id),
      [DEMO_CHANNEL_ID],
    );
    await screenshot(page, '13-channel-tab');
  });

  /** Every "open in the tab" link the bot's cards carry, built as the bot builds them, for the demo client. */
  function cardLinks(place?: TabPlacementView): string[] {
    const links = new TabLinks({ publicBaseUrl: app.baseUrl, teamsAppId: DEMO_TEAMS_APP_ID });
    const demo = { id: demoClientId, name: 'demo', displayName: 'Contoso (demo)' };
    const built = [
      ...[usageReport, ssoReport, mfaReport, billingReport].map((report) =>
        reportCard(report, links.client(demo, { section: 'reports', kind: report.kind }, place)),
      ),
      ...notifications.flatMap((notification) =>
        notification.kind === 'app_secret_expiring'
          ? []
          : [notificationCard({ ...notification, client: demo }, links, place)],
      ),
    ];
    const urls = JSON.stringify(built)
      .match(/"type":"Action\.OpenUrl","title":"[^"]*","url":"[^"]*"/g)
      ?.map((found) => (JSON.parse(`{${found}}`) as { url: string }).url);
    return [...new Set(urls ?? [])];
  }

  /** Follows a deep link in the local Teams host, as Teams does when a card's button is clicked. */
  async function follow(url: string, as: keyof typeof demoIdentities): Promise<Frame> {
    const query = new URLSearchParams({ as, deepLink: url });
    await page.goto(`${app.baseUrl}/dev/teams-host.html?${query.toString()}`);
    const frame = await tabFrame(page);
    await frame.getByTestId('signed-in-as').waitFor();
    return frame;
  }

  /** The screen and filter a link names, seen in the tab. */
  async function assertScreen(frame: Frame, url: string): Promise<string> {
    const route = (JSON.parse(new URL(url).searchParams.get('context') ?? '{}') as { subEntityId: string })
      .subEntityId;
    const report = /^\/c\/demo\/reports\/(usage|sso|mfa|billing)$/.exec(route)?.[1];
    if (route === '/c/demo/users?expired=1') {
      await frame.getByRole('heading', { name: 'Users' }).waitFor();
      assert.equal(await frame.getByRole('checkbox', { name: 'Expired only' }).isChecked(), true, route);
      // Expiry is computed when read (issue 11); the expired set itself is checked against the simulator's truth in
      // demo-start.test.ts, so here the users API's "expired" list is the reference for what the screen shows.
      const expiredPage = await app.api('partnerAdmin', 'GET', '/clients/demo/users?expired=true&limit=500');
      const expired = (expiredPage.body as { items: { id: string }[] }).items;
      await frame.locator('[data-user-id]').first().waitFor();
      const shown = await frame.evaluate<string[]>(
        `[...document.querySelectorAll('[data-user-id]')].map((row) => row.getAttribute('data-user-id'))`,
      );
      const expiredIds = new Set(expired.map((row) => row.id));
      assert.ok(
        shown.length > 0 && shown.every((id) => expiredIds.has(id)),
        `${route}: not only expired users`,
      );
      return 'users-expired';
    }
    if (route === '/c/demo/users?expiring=1') {
      await frame.getByRole('heading', { name: 'Users' }).waitFor();
      assert.equal(
        await frame.getByRole('checkbox', { name: 'Expiring within 7 days' }).isChecked(),
        true,
        route,
      );
      // The users API's own answer to "expiring within 7 days" is the reference for what the screen shows.
      const soonPage = await app.api(
        'partnerAdmin',
        'GET',
        '/clients/demo/users?expiringWithinDays=7&limit=500',
      );
      const soon = new Set((soonPage.body as { items: { id: string }[] }).items.map((row) => row.id));
      await frame.locator('[data-user-id]').first().waitFor();
      const shown = await frame.evaluate<string[]>(
        `[...document.querySelectorAll('[data-user-id]')].map((row) => row.getAttribute('data-user-id'))`,
      );
      assert.ok(
        shown.length > 0 && shown.every((id) => soon.has(id)),
        `${route}: not only users expiring soon`,
      );
      return 'users-expiring';
    }
    if (report !== undefined) {
      const labels: Record<string, string> = {
        usage: 'Application usage',
        sso: 'SSO coverage',
        mfa: 'MFA coverage',
        billing: 'Users and billing',
      };
      const label = labels[report] ?? report;
      await frame.getByRole('heading', { name: 'Reports' }).waitFor();
      assert.equal(
        await frame.getByRole('tab', { name: label }).getAttribute('aria-selected'),
        'true',
        route,
      );
      return `report-${report}`;
    }
    if (route === '/c/demo/setup') {
      await frame.getByRole('heading', { name: 'Setup' }).waitFor();
      return 'setup';
    }
    if (route === '/c/demo/notifications') {
      await frame.getByRole('heading', { name: 'Notifications' }).waitFor();
      return 'notifications';
    }
    assert.fail(`a card links to ${route}, which this test does not know`);
  }

  it('every card link that opens the tab is a Teams deep link, and opens the named screen with its filter', async () => {
    const urls = cardLinks();
    assert.deepEqual(
      urls.map((url) => new URL(url).pathname),
      urls.map(() => `/l/entity/${DEMO_TEAMS_APP_ID}/clients`),
    );
    const seen: string[] = [];
    for (const url of urls) {
      const frame = await follow(url, 'partnerAdmin');

      const screen = await assertScreen(frame, url);

      seen.push(screen);
      await screenshot(page, `22-deep-link-${screen}`);
    }
    assert.deepEqual([...new Set(seen)].sort(), [
      'notifications',
      'report-billing',
      'report-mfa',
      'report-sso',
      'report-usage',
      'setup',
      'users-expired',
      'users-expiring',
    ]);
  });

  it('in the channel where the client’s tab was added, card links open that channel tab on the named screen', async () => {
    const placed = await app.store.db
      .selectFrom('tab_placements')
      .select(['client_id', 'place_kind', 'place_id'])
      .where('client_id', '=', demoClientId)
      .executeTakeFirstOrThrow();
    const place = { clientId: placed.client_id, kind: placed.place_kind, id: placed.place_id };
    const [first, ...others] = cardLinks(place);
    assert.ok(first !== undefined && others.length > 0);

    for (const url of [first, ...others]) {
      const link = new URL(url);
      assert.equal(
        link.pathname,
        `/l/entity/${DEMO_TEAMS_APP_ID}/${encodeURIComponent(`client:${demoClientId}`)}`,
      );
      assert.equal(
        (JSON.parse(link.searchParams.get('context') ?? '{}') as { channelId?: string }).channelId,
        DEMO_CHANNEL_ID,
      );
      const frame = await follow(url, 'clientAdmin');
      await assertScreen(frame, url);
      assert.equal(await page.getByLabel('Surface').inputValue(), 'channel');
    }
    await screenshot(page, '23-deep-link-channel-tab');
  });

  it('follows the Teams theme as it changes: dark, then high contrast', async () => {
    const frame = await signedIn('partnerAdmin', '#/c/demo/users');
    await frame.locator('[data-user-id]').first().waitFor();
    const background = (): Promise<string> =>
      frame.evaluate<string>(
        `getComputedStyle(document.querySelector('.fui-FluentProvider') ?? document.body).backgroundColor`,
      );
    const light = await background();
    await page.getByLabel('Theme').selectOption('dark');
    await waitFor(
      async () => (await frame.evaluate<string>('document.documentElement.dataset.theme')) === 'dark',
      5_000,
    );
    const dark = await background();
    assert.notEqual(dark, light);
    // Fluent's colour transitions settled, for the picture (one that never settles is pictured as it stands).
    await animationsSettled(frame).catch(() => undefined);
    await screenshot(page, '14-theme-dark');
    await page.getByLabel('Theme').selectOption('contrast');
    await waitFor(
      async () => (await frame.evaluate<string>('document.documentElement.dataset.theme')) === 'contrast',
      5_000,
    );
    await animationsSettled(frame).catch(() => undefined);
    await screenshot(page, '15-theme-high-contrast');
  });

  it('saves a screenshot of every screen', async () => {
    const frame = await signedIn('partnerAdmin', '#/c/demo/entra-users');
    await frame.getByRole('heading', { name: 'Entra ID users' }).waitFor();
    // After the initial import only guests are left here: the screen says so, and each says why it cannot be imported.
    await frame
      .getByTestId('importable-summary')
      .getByText(/^Nobody here can be imported: everyone eligible is imported already/)
      .waitFor();
    const guestRow = frame.locator('[data-user-id]').first();
    await guestRow.getByText('No — guest account').waitFor();
    assert.equal(
      await guestRow.getByRole('button', { name: /^Import / }).getAttribute('aria-disabled'),
      'true',
    );
    await screenshot(page, '16-entra-users');
    // "Can be imported only" asks the server for rule 3's eligible users: after the initial import there are none.
    await frame.getByRole('checkbox', { name: 'Can be imported only' }).check();
    await frame.getByText('Every eligible user is imported already.').waitFor();
    await frame.getByRole('checkbox', { name: 'Can be imported only' }).uncheck();
    await guestRow.getByText('No — guest account').waitFor();
    const group = await app.store.db
      .selectFrom('group_user_closure')
      .select(['group_id as id', (eb) => eb.fn.countAll<number>().as('members')])
      .where('client_id', '=', demoClientId)
      .groupBy('group_id')
      .orderBy('members', 'desc')
      .executeTakeFirstOrThrow();
    await go(frame, `#/c/demo/groups/${group.id}`);
    await frame.locator('[data-user-id]').first().waitFor();
    await screenshot(page, '17-group-members');
    // No group is imported for reporting yet: the group filter is off, and says why beside it (a disabled control
    // shows no tooltip), tied to it as its description.
    await go(frame, '#/c/demo/reports');
    const groupFilter = frame.getByRole('combobox', { name: 'Group' });
    await frame.getByText('Import groups for reporting under Groups first').waitFor();
    assert.equal(await groupFilter.isDisabled(), true);
    const describedBy = JSON.stringify((await groupFilter.getAttribute('aria-describedby')) ?? '');
    const description = await frame.evaluate<string>(
      `${describedBy}.split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' ')`,
    );
    assert.equal(description.trim(), 'Import groups for reporting under Groups first');
    for (const [tab, file] of [
      ['Application usage', '18-report-usage'],
      ['SSO coverage', '19-report-sso'],
      ['MFA coverage', '20-report-mfa'],
      ['Users and billing', '21-report-billing'],
    ] as const) {
      await go(frame, '#/c/demo/reports');
      await frame.getByRole('tab', { name: tab }).click();
      await frame.getByRole('figure').first().waitFor();
      await animationsSettled(frame).catch(() => undefined);
      await screenshot(page, file);
    }
    await go(frame, '#/c/demo/setup');
    await frame.getByTestId('organization-name').waitFor();
    await screenshot(page, '22-setup-demo');
    await go(frame, '#/c/demo/audit');
    await frame.getByRole('table', { name: 'Audit log entries' }).waitFor();
    await screenshot(page, '23-audit-client');
    await go(frame, '#/audit');
    await frame.getByText('Every change made by a person, on every client you may see.').waitFor();
    await screenshot(page, '24-audit-all');
  });
});

async function countSucceededDirectoryRuns(app: DemoApp, clientId: string): Promise<number> {
  const row = await app.store.db
    .selectFrom('sync_runs')
    .select((eb) => eb.fn.countAll<number>().as('runs'))
    .where('client_id', '=', clientId)
    .where('kind', '=', 'directory')
    .where('status', '=', 'succeeded')
    .executeTakeFirstOrThrow();
  return row.runs;
}

async function waitForTabFrame(page: Page): Promise<Frame> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const frame = page.frames().find((candidate) => candidate.url().includes('/tab/index.html#/c/'));
    if (frame !== undefined) return frame;
    await page.waitForTimeout(100);
  }
  throw new Error('the configured channel tab never loaded');
}
