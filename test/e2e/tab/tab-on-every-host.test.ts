import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { launchBrowser, openHost, screenshot, type TestBrowser } from './support/browser.js';
import { buildTab, startDemoApp, type DemoApp } from './support/demo-app.js';
import { mobileHostScript } from './support/mobile-host.js';
import { DEMO_SECOND_TENANT_DOMAIN } from '../../../server/demo-tenant.js';

/**
 * The tab in each Microsoft 365 host it is offered in (manifest ≥ 1.13 personal tabs run in Teams, Outlook and the
 * Microsoft 365 app: https://learn.microsoft.com/microsoftteams/platform/m365-apps/extend-m365-teams-personal-tab),
 * in real Chromium against the app in demo mode. Teams mobile is played by a frameless page answering teams-js
 * through `window.nativeInterface` (support/mobile-host.ts); Outlook and the Microsoft 365 app by the local host page
 * with their host name.
 */
describe('tab on every host (browser)', function () {
  this.timeout(120_000);
  const started: { app?: DemoApp; browser?: TestBrowser } = {};
  let app: DemoApp;
  let browser: TestBrowser;

  before(async function () {
    this.timeout(180_000);
    await buildTab();
    app = started.app = await startDemoApp({ users: 60, https: true });
    browser = started.browser = await launchBrowser({ trustSimulator: true });
  });

  after(async () => {
    await started.browser?.close();
    await started.app?.stop();
  });

  async function freshPage(): Promise<Page> {
    return browser.context.newPage();
  }

  for (const clientType of ['android', 'ios'] as const) {
    it(`starts and signs in on Teams for ${clientType === 'ios' ? 'iOS' : 'Android'}: a frameless webview that answers through nativeInterface`, async () => {
      const page = await freshPage();
      try {
        await page.addInitScript(mobileHostScript({ identity: 'partnerAdmin', clientType }));

        await page.goto(`${app.publicUrl}/tab/index.html#/clients`);
        await page.getByTestId('signed-in-as').waitFor();
        await page.getByRole('heading', { name: 'Clients' }).waitFor();

        const sent = await page.evaluate<string[]>('window.mobileHostLog');
        assert.equal(
          await page.evaluate<boolean>('window.parent === window && window.opener === null'),
          true,
        );
        assert.deepEqual(sent.slice(0, 2), ['initialize', 'getContext']);
        assert.ok(sent.includes('authentication.getAuthToken'), JSON.stringify(sent));
        assert.equal(await page.getByText('open it in Teams').count(), 0);
        await page.setViewportSize({ width: 420, height: 900 });
        await screenshot(page, `host-mobile-${clientType}`);
      } finally {
        await page.close();
      }
    });
  }

  it('outside any host it does not pretend: it says where to open it', async () => {
    const page = await freshPage();
    try {
      await page.goto(`${app.publicUrl}/tab/index.html#/clients`);

      await page.getByRole('heading', { name: 'Open Identity Manager in Microsoft Teams' }).waitFor();
      assert.match(await page.locator('main').innerText(), /No Parent window found/);
    } finally {
      await page.close();
    }
  });

  for (const host of ['outlook', 'office'] as const) {
    const name = host === 'outlook' ? 'Outlook' : 'the Microsoft 365 app';
    it(`starts, signs in and works in ${name} (hostName ${host === 'outlook' ? 'Outlook' : 'Office'})`, async () => {
      const page = await freshPage();
      try {
        const frame = await openHost(page, app.publicUrl, { as: 'partnerAdmin', host });
        await frame.getByTestId('signed-in-as').waitFor();
        await frame.getByRole('link', { name: 'Contoso (demo)' }).click();
        await frame.locator('[data-user-id]').first().waitFor();
        await frame.getByRole('tab', { name: 'Reports' }).click();
        await frame.getByRole('heading', { name: 'Reports' }).waitFor();

        const context = (await page.evaluate<{ func: string }[]>('window.teamsHostLog')).map(
          (entry) => entry.func,
        );
        assert.ok(context.includes('authentication.getAuthToken'));
        assert.equal(
          await frame.evaluate<string>('document.title'),
          'Identity Manager',
          'the tab page itself is served to the host',
        );
        await screenshot(page, `host-${host}`);
      } finally {
        await page.close();
      }
    });
  }

  it('opens the admin-consent window in the click itself, and the consent connects the client', async () => {
    const page = await freshPage();
    try {
      const frame = await openHost(page, app.publicUrl, { as: 'partnerAdmin' });
      await frame.getByTestId('signed-in-as').waitFor();
      await frame.getByRole('button', { name: 'Add client' }).click();
      const dialog = frame.getByRole('dialog');
      await dialog.getByLabel('Short name').fill('northwind');
      await dialog.getByLabel('Display name').fill('Northwind');
      await dialog.getByRole('button', { name: 'Add client' }).click();
      await frame.getByRole('heading', { name: 'Setup' }).waitFor();
      await frame.getByRole('radio', { name: /^Admin consent/ }).check();
      await frame.getByLabel("Client's tenant id or verified domain").fill(DEMO_SECOND_TENANT_DOMAIN);

      const [consentWindow] = await Promise.all([
        browser.context.waitForEvent('page'),
        frame.getByRole('button', { name: 'Open admin consent' }).click(),
      ]);
      await consentWindow.waitForURL(/\/auth\/consent\/callback\?/, { timeout: 30_000 });
      await consentWindow.getByRole('heading', { name: 'Connected' }).waitFor();
      await frame.getByTestId('organization-name').waitFor({ timeout: 30_000 });

      assert.equal(
        await consentWindow.evaluate<boolean>('window.opener === null'),
        true,
        'the consent site got a handle',
      );
      assert.match(await frame.getByTestId('organization-name').innerText(), /Northwind/);
      await screenshot(page, 'host-admin-consent-connected');
      await consentWindow.close();
    } finally {
      await page.close();
    }
  });

  it('when SSO needs consent, offers Sign in: the consent window asks Entra, then the tab signs in', async () => {
    const page = await freshPage();
    try {
      const frame = await openHost(page, app.publicUrl, { as: 'clientAdmin', sso: 'consent' });

      const panel = frame.getByTestId('sign-in-problem');
      await panel.waitFor();
      assert.match(await panel.innerText(), /could not sign you in on its own \(resourceRequiresConsent\)/);
      await screenshot(page, 'host-sso-consent-needed');
      const [signInWindow] = await Promise.all([
        browser.context.waitForEvent('page'),
        panel.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      await frame.getByTestId('signed-in-as').waitFor({ timeout: 30_000 });
      if (!signInWindow.isClosed()) await signInWindow.waitForEvent('close', { timeout: 5_000 });

      const sent = (await page.evaluate<{ func: string; args: unknown[] }[]>('window.teamsHostLog')).filter(
        (entry) => entry.func.startsWith('authentication.authenticate'),
      );
      const [request, success] = sent;
      const startUrl = new URL(String(request?.args[0]));
      assert.deepEqual(
        sent.map((entry) => entry.func),
        ['authentication.authenticate', 'authentication.authenticate.success'],
      );
      assert.equal(startUrl.origin + startUrl.pathname, `${app.publicUrl}/auth/sso/start`);
      assert.equal(
        success?.args[0],
        startUrl.searchParams.get('state'),
        'the window answered with the state sent',
      );
      assert.match(await frame.getByTestId('signed-in-as').innerText(), /adele\.client/);
    } finally {
      await page.close();
    }
  });

  it('when the sign-in window fails too, says what to ask an administrator', async () => {
    const page = await freshPage();
    try {
      const frame = await openHost(page, app.publicUrl, { as: 'viewer', sso: 'consent' });
      const panel = frame.getByTestId('sign-in-problem');
      await panel.waitFor();
      // The person closes the window without signing in.
      const [signInWindow] = await Promise.all([
        browser.context.waitForEvent('page'),
        panel.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      await signInWindow.close();

      await panel.getByRole('alert').waitFor();

      assert.match(await panel.getByRole('alert').innerText(), /CancelledByUser[\s\S]*Grant admin consent/);
      await screenshot(page, 'host-sso-consent-cancelled');
    } finally {
      await page.close();
    }
  });
});
