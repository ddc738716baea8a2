import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { assertAccessible } from './support/accessibility.js';
import { go, launchBrowser, openHost, type TestBrowser } from './support/browser.js';
import { buildTab, startDemoApp, waitFor, type DemoApp } from './support/demo-app.js';

/** Where the team looks at this feature's screenshots. */
const SHOTS = process.env.SHOTS_DIR ?? '/work/team/shots';

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `22-${name}.png`), fullPage: true });
}

/**
 * The Notifications screen (issue 16) in a real browser (Chromium through playwright-core) inside the local Teams
 * host, against the app in demo mode: the alerts sent about the demo client (its connection and first sync, recorded
 * by the real checks), acknowledged in the screen (who and when, audited); the alert settings changed in the screen
 * and saved (audited), bad input refused with a clear 400; a webhook added in the screen to a local receiver; a
 * viewer reads but changes nothing; light, dark and high contrast with no serious or critical axe-core violation.
 */
describe('tab: the Notifications screen (browser)', function () {
  this.timeout(180_000);
  const started: { app?: DemoApp; browser?: TestBrowser; receiver?: http.Server } = {};
  let app: DemoApp;
  let page: Page;
  let demoClientId: string;
  let receiverUrl: string;
  const received: string[] = [];

  before(async function () {
    this.timeout(240_000);
    await buildTab();
    const receiver = (started.receiver = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push(Buffer.concat(chunks).toString('utf8'));
        response.end('ok');
      });
    }));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${String((receiver.address() as AddressInfo).port)}/psa`;
    // The weekly summary below waits for the first read of 30 days of sign-ins, then for the alerts job: the
    // simulator without Graph's throttling lets the product read the days without the reports tier's 2 s spacing,
    // and the alerts are checked every 2 s instead of every minute. What is sent is the same.
    app = started.app = await startDemoApp({
      users: 80,
      env: { DEMO_THROTTLING: 'false', DEMO_REPORTS_PACE_MS: '0', ALERTS_CHECK_SECONDS: '2' },
    });
    // A webhook from the start (the one the screen adds comes later): the weekly summary, sent once the tenant's
    // sign-ins, MFA registrations and applications have been read, reaches it.
    const early = await app.api('partnerAdmin', 'POST', '/clients/demo/webhooks', {
      url: `${receiverUrl}?from=start`,
      secret: 'demo-psa-secret-0123456789',
    });
    assert.equal(early.status, 201, JSON.stringify(early.body));
    started.browser = await launchBrowser();
    page = started.browser.page;
    demoClientId = (
      await app.store.db
        .selectFrom('clients')
        .select('id')
        .where('name', '=', 'demo')
        .executeTakeFirstOrThrow()
    ).id;
    // The demo client's connection and first sync are real alerts, recorded by the checks after its first sync.
    await waitFor(async () => {
      const rows = await app.store.db
        .selectFrom('alerts')
        .select('kind')
        .where('client_id', '=', demoClientId)
        .execute();
      return rows.some((row) => row.kind === 'first_sync_finished');
    }, 120_000);
    // As if connected last week: this week's summary is due (a client connected this week waits for next Monday).
    await app.store.db
      .updateTable('integrations')
      .set({ created_at: '2026-01-01T00:00:00.000Z' })
      .where('client_id', '=', demoClientId)
      .execute();
  });

  after(async () => {
    await started.browser?.close();
    await started.app?.stop();
    await new Promise<void>((resolve) => {
      if (started.receiver === undefined) resolve();
      else
        started.receiver.close(() => {
          resolve();
        });
    });
  });

  async function notificationsAs(as: string, theme?: string): Promise<Frame> {
    const frame = await openHost(page, app.baseUrl, { as, ...(theme === undefined ? {} : { theme }) });
    await frame.getByTestId('signed-in-as').waitFor();
    await go(frame, '#/c/demo/notifications');
    await frame.getByRole('heading', { name: 'Notifications', exact: true }).waitFor();
    await frame.getByRole('table', { name: 'Alerts sent' }).waitFor();
    await frame.getByRole('table', { name: 'Alert settings' }).waitFor();
    return frame;
  }

  it('lists the alerts sent and lets an admin acknowledge one (who and when, audited)', async () => {
    const frame = await notificationsAs('partnerAdmin');
    const table = frame.getByRole('table', { name: 'Alerts sent' });
    await table.getByRole('cell', { name: 'First sync finished', exact: true }).waitFor();
    await table.getByRole('cell', { name: 'Client connected', exact: true }).waitFor();
    await assertAccessible(frame, 'Notifications (light)');
    await shot(page, 'notifications-light');
    const row = table.getByRole('row').filter({ hasText: 'First sync finished' });
    await row.getByRole('button', { name: /^Acknowledge/ }).click();
    await row.getByText(/^By Megan Partner|^By megan\.partner/).waitFor();
    const alert = await app.store.db
      .selectFrom('alerts')
      .select(['id', 'acknowledged_by', 'acknowledged_at'])
      .where('client_id', '=', demoClientId)
      .where('kind', '=', 'first_sync_finished')
      .executeTakeFirstOrThrow();
    assert.ok(alert.acknowledged_at);
    const audit = await app.store.db
      .selectFrom('audit_log')
      .select(['target_id', 'actor_name'])
      .where('action', '=', 'alert.acknowledged')
      .execute();
    assert.ok(audit.some((entry) => entry.target_id === String(alert.id)));
    // The screen is ready for the next one at once.
    const next = table.getByRole('row').filter({ hasText: 'Client connected' });
    await next.getByRole('button', { name: /^Acknowledge/ }).click();
    await next.getByText(/^By Megan Partner|^By megan\.partner/).waitFor();
    await shot(page, 'notifications-acknowledged');
  });

  it('changes the alert settings in the screen (audited); bad input gets a clear 400 and changes nothing', async () => {
    const frame = await notificationsAs('partnerAdmin');
    await frame.getByRole('switch', { name: 'On: Sync failing' }).click();
    await frame.getByRole('combobox', { name: 'When: Users expiring' }).selectOption('daily_digest');
    await frame.getByRole('combobox', { name: 'Hour: Users expiring' }).selectOption('7');
    await frame.getByRole('combobox', { name: 'Time zone for digest hours' }).selectOption('Europe/London');
    await frame.getByRole('button', { name: 'Save alert settings' }).click();
    await waitFor(async () => {
      const rows = await app.store.db
        .selectFrom('alert_settings')
        .selectAll()
        .where('client_id', '=', demoClientId)
        .execute();
      return rows.length > 0;
    }, 15_000);
    const rows = await app.store.db
      .selectFrom('alert_settings')
      .selectAll()
      .where('client_id', '=', demoClientId)
      .execute();
    assert.equal(rows.find((row) => row.kind === 'sync_failed')?.enabled, 0);
    const expiring = rows.find((row) => row.kind === 'users_expiring');
    assert.equal(expiring?.delivery, 'daily_digest');
    assert.equal(expiring.digest_hour, 7);
    const zone = await app.store.db
      .selectFrom('alert_time_zones')
      .select('time_zone')
      .where('client_id', '=', demoClientId)
      .executeTakeFirstOrThrow();
    assert.equal(zone.time_zone, 'Europe/London');
    const audit = await app.store.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'alerts.settings_changed')
      .execute();
    assert.equal(audit.length, 1);
    await frame.getByRole('switch', { name: 'Off: Sync failing' }).waitFor();
    await shot(page, 'settings-saved');

    const bad = await app.api('partnerAdmin', 'PUT', '/clients/demo/alert-settings', {
      settings: [
        { kind: 'sync_failed', enabled: true, conversationId: null, delivery: 'immediate', digestHour: 30 },
      ],
    });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /must be an hour from 0 to 23/);
    const after = await app.store.db
      .selectFrom('alert_settings')
      .select('enabled')
      .where('client_id', '=', demoClientId)
      .where('kind', '=', 'sync_failed')
      .executeTakeFirstOrThrow();
    assert.equal(after.enabled, 0, 'nothing changed');
  });

  it('adds a webhook in the screen; its secret is never shown, and the delivery log lists what was sent', async function () {
    this.timeout(240_000);
    const frame = await notificationsAs('partnerAdmin');
    await frame.getByLabel('Address (https://…)').fill(receiverUrl);
    await frame.getByLabel('Shared secret').fill('demo-psa-secret-0123456789');
    await frame.getByRole('button', { name: 'Add webhook' }).click();
    // The exact address: the webhook added at the start is listed too, and its address begins with this one.
    await frame
      .getByRole('table', { name: 'Webhooks' })
      .getByRole('cell', { name: receiverUrl, exact: true })
      .waitFor();
    const listed = await app.api('partnerAdmin', 'GET', '/clients/demo/webhooks');
    assert.equal(JSON.stringify(listed.body).includes('demo-psa-secret'), false);
    const refused = await app.api('partnerAdmin', 'POST', '/clients/demo/webhooks', {
      url: 'http://psa.example.com/hook',
      secret: 'demo-psa-secret-0123456789',
    });
    assert.equal(refused.status, 400);
    assert.match(JSON.stringify(refused.body), /Only https/);

    // The weekly summary reached the webhook added at the start; the log in the screen says so.
    await waitFor(
      () => Promise.resolve(received.some((body) => body.includes('"event":"weekly_digest"'))),
      150_000,
    );
    await go(frame, '#/c/demo/users');
    await go(frame, '#/c/demo/notifications');
    const log = frame.getByRole('table', { name: 'Webhook deliveries' });
    await log.getByRole('row').filter({ hasText: 'Weekly summary' }).getByText('Delivered').first().waitFor();
    await log.scrollIntoViewIfNeeded();
    await shot(page, 'webhook-log');
  });

  it('shows a viewer the alerts and settings without acknowledge or save', async () => {
    const frame = await notificationsAs('viewer');
    await frame.getByText('Only the client’s admins can change these.').waitFor();
    assert.equal(await frame.getByRole('button', { name: /^Acknowledge/ }).count(), 0);
    assert.equal(await frame.getByRole('button', { name: 'Save alert settings' }).count(), 0);
    assert.equal(await frame.getByRole('button', { name: 'Add webhook' }).count(), 0);
    const refused = await app.api('viewer', 'POST', `/clients/demo/alerts/1/acknowledge`);
    assert.ok(refused.status === 403 || refused.status === 404, String(refused.status));
    await shot(page, 'viewer');
  });

  for (const theme of ['dark', 'contrast'] as const) {
    it(`has no serious or critical accessibility violation in the ${theme} theme`, async () => {
      const frame = await notificationsAs('partnerAdmin', theme);
      await frame
        .getByRole('table', { name: 'Alerts sent' })
        .getByRole('cell', { name: 'Client connected', exact: true })
        .waitFor();
      await assertAccessible(frame, `Notifications (${theme})`);
      await shot(page, `notifications-${theme}`);
    });
  }
});
