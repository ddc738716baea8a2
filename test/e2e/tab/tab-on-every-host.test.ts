import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { launchBrowser, openHost, screenshot, type TestBrowser } from './support/browser.js';
import { buildTab, startDemoApp, type DemoApp } from './support/demo-app.js';
import { mobileHostScript } from './support/mobile-host.js';

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
    app = started.app = await startDemoApp({ users: 60 });
    browser = started.browser = await launchBrowser();
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

        await page.goto(`${app.baseUrl}/tab/index.html#/clients`);
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
      await page.goto(`${app.baseUrl}/tab/index.html#/clients`);

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
        const frame = await openHost(page, app.baseUrl, { as: 'partnerAdmin', host });
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

  it('when SSO needs consent, asks the person to sign in instead of failing, and says what to do if that fails', async () => {
    const page = await freshPage();
    try {
      const frame = await openHost(page, app.baseUrl, { as: 'clientAdmin', sso: 'consent' });

      const panel = frame.getByTestId('sign-in-problem');
      await panel.waitFor();
      assert.match(await panel.innerText(), /could not sign you in on its own \(resourceRequiresConsent\)/);
      await screenshot(page, 'host-sso-consent-needed');
      await panel.getByRole('button', { name: 'Sign in' }).click();
      // The local host runs on http: teams-js opens a sign-in window for https pages only, as real hosts require.
      await panel.getByRole('alert').waitFor();

      assert.match(
        await panel.getByRole('alert').innerText(),
        /Sign-in did not complete[\s\S]*Grant admin consent/,
      );
    } finally {
      await page.close();
    }
  });
});
