import assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import { jargonIn } from '../../support/plain-language.js';
import { animationsSettled, assertAccessible } from './support/accessibility.js';
import { go, launchBrowser, openHost, screenshot, type TestBrowser } from './support/browser.js';
import { buildTab, startDemoApp, waitFor, type DemoApp } from './support/demo-app.js';

type Theme = 'default' | 'dark' | 'contrast';

/** Every screen of the tab: its route, who looks at it, and what shows it has finished loading. */
interface ScreenCase {
  readonly name: string;
  readonly hash: string;
  readonly as?: 'partnerAdmin' | 'clientAdmin' | 'viewer' | 'outsider';
  ready(frame: Frame): Promise<void>;
  /** After loading: open a dialog, choose a report… */
  act?(frame: Frame): Promise<void>;
}

/**
 * axe-core (WCAG 2.1 A and AA) over every screen of the tab in a real browser, inside the local Teams host, in the
 * three Teams themes: light, dark and high contrast. A serious or critical violation on any of them fails.
 * Rules: https://learn.microsoft.com/en-us/microsoftteams/platform/concepts/design/design-teams-app-basic-ui-components
 * (Teams apps follow the host's theme) and https://www.w3.org/TR/WCAG21/.
 */
describe('tab: no serious or critical accessibility violation on any screen, in every theme (browser, axe-core)', function () {
  this.timeout(240_000);
  const started: { app?: DemoApp; browser?: TestBrowser } = {};
  let app: DemoApp;
  let page: Page;
  let groupId: string;

  before(async function () {
    this.timeout(300_000);
    await buildTab();
    app = started.app = await startDemoApp({ users: 80 });
    started.browser = await launchBrowser();
    page = started.browser.page;
    const demo = await app.store.db
      .selectFrom('clients')
      .select('id')
      .where('name', '=', 'demo')
      .executeTakeFirstOrThrow();
    // A user whose sign-in is blocked in Entra and a dynamic group, first by name, so that the badges saying so are
    // on the screens axe reads: the demo tenant has no dynamic group, and blocked users only by chance. Both badges
    // were once outlined in Fluent's "subtle" colour — white text on no fill, unseen on a white table.
    const tenant = await app.store.db
      .selectFrom('integrations')
      .select('tenant_id')
      .where('client_id', '=', demo.id)
      .executeTakeFirstOrThrow();
    await app.simControl('POST', `/tenants/${tenant.tenant_id}/users`, {
      displayName: 'Aaron Abbott',
      userPrincipalName: 'aaron.abbott@contoso.onmicrosoft.com',
      accountEnabled: false,
    });
    await app.simControl('POST', `/tenants/${tenant.tenant_id}/groups`, {
      displayName: 'Aardvark Dynamic',
      securityEnabled: true,
      groupTypes: ['DynamicMembership'],
      membershipRule: 'user.department -eq "Sales"',
      membershipRuleProcessingState: 'On',
    });
    const users = async (): Promise<number> =>
      (
        await app.store.db
          .selectFrom('directory_users')
          .select('id')
          .where('client_id', '=', demo.id)
          .where('display_name', 'in', ['Aaron Abbott'])
          .execute()
      ).length;
    assert.equal((await app.api('partnerAdmin', 'POST', '/clients/demo/sync', {})).status, 202);
    await waitFor(async () => (await users()) === 1, 60_000);
    // Reports need the tenant's activity: wait for the first sign-in ingestion, then import.
    await waitFor(async () => {
      const integration = await app.store.db
        .selectFrom('integrations')
        .select('activity_data')
        .where('client_id', '=', demo.id)
        .executeTakeFirst();
      return integration?.activity_data === 'available';
    }, 120_000);
    assert.equal((await app.api('partnerAdmin', 'POST', '/clients/demo/import', {})).status, 200);
    assert.equal(
      (await app.api('partnerAdmin', 'POST', '/clients', { name: 'fabrikam', displayName: 'Fabrikam' }))
        .status,
      201,
    );
    const group = await app.store.db
      .selectFrom('group_user_closure')
      .select(['group_id as id', (eb) => eb.fn.countAll<number>().as('members')])
      .where('client_id', '=', demo.id)
      .groupBy('group_id')
      .orderBy('members', 'desc')
      .executeTakeFirstOrThrow();
    groupId = group.id;
  });

  after(async () => {
    await started.browser?.close();
    await started.app?.stop();
  });

  const heading = (name: string | RegExp) => async (frame: Frame) => {
    await frame.getByRole('heading', { name }).first().waitFor();
  };
  const rows = async (frame: Frame) => {
    await frame.locator('[data-user-id]').first().waitFor();
  };
  const report = (tab: string): ((frame: Frame) => Promise<void>) => {
    return async (frame: Frame) => {
      await frame.getByRole('tab', { name: tab }).click();
      await frame.getByRole('figure').first().waitFor();
    };
  };

  const screens: ScreenCase[] = [
    {
      name: 'clients',
      hash: '#/clients',
      ready: async (frame) => {
        await frame.getByRole('table', { name: 'Clients' }).waitFor();
      },
    },
    {
      name: 'add-client-dialog',
      hash: '#/clients',
      ready: async (frame) => {
        await frame.getByRole('table', { name: 'Clients' }).waitFor();
      },
      act: async (frame) => {
        await frame.getByRole('button', { name: 'Add client' }).first().click();
        await frame.getByRole('dialog').waitFor();
      },
    },
    { name: 'users', hash: '#/c/demo/users', ready: rows },
    { name: 'entra-users', hash: '#/c/demo/entra-users', ready: heading('Entra ID users') },
    {
      name: 'groups',
      hash: '#/c/demo/groups',
      ready: async (frame) => {
        await frame
          .getByRole('button', { name: /^Exclude/ })
          .first()
          .waitFor();
      },
    },
    { name: 'group-members', hash: '', ready: rows },
    {
      name: 'report-usage',
      hash: '#/c/demo/reports',
      ready: heading('Reports'),
      act: report('Application usage'),
    },
    { name: 'report-sso', hash: '#/c/demo/reports', ready: heading('Reports'), act: report('SSO coverage') },
    { name: 'report-mfa', hash: '#/c/demo/reports', ready: heading('Reports'), act: report('MFA coverage') },
    {
      name: 'report-billing',
      hash: '#/c/demo/reports',
      ready: heading('Reports'),
      act: report('Users and billing'),
    },
    {
      name: 'licences',
      hash: '#/c/demo/licences',
      ready: async (frame) => {
        await frame.getByRole('table', { name: 'Subscriptions' }).waitFor();
      },
    },
    {
      name: 'setup-connected',
      hash: '#/c/demo/setup',
      ready: async (frame) => {
        await frame.getByTestId('organization-name').waitFor();
      },
    },
    { name: 'setup-credentials', hash: '#/c/fabrikam/setup', ready: heading(/How should the app sign in/) },
    {
      name: 'setup-consent',
      hash: '#/c/fabrikam/setup',
      ready: heading(/How should the app sign in/),
      act: async (frame) => {
        await frame.getByRole('radio', { name: /^Admin consent/ }).check();
      },
    },
    {
      name: 'audit-client',
      hash: '#/c/demo/audit',
      ready: async (frame) => {
        await frame.getByRole('table', { name: 'Audit log entries' }).waitFor();
      },
    },
    {
      name: 'audit-all',
      hash: '#/audit',
      ready: async (frame) => {
        await frame.getByRole('table', { name: 'Audit log entries' }).waitFor();
      },
    },
    { name: 'viewer-users', hash: '#/c/demo/users', as: 'viewer', ready: rows },
    {
      name: 'outsider',
      hash: '#/clients',
      as: 'outsider',
      ready: async (frame) => {
        await frame.getByText(/no client assigned/).waitFor();
      },
    },
  ];

  for (const theme of ['default', 'dark', 'contrast'] as const satisfies readonly Theme[]) {
    for (const screen of screens) {
      it(`${screen.name} in the ${theme === 'default' ? 'light' : theme} theme`, async () => {
        const frame = await openHost(page, app.baseUrl, { as: screen.as ?? 'partnerAdmin', theme });
        await frame.getByTestId('signed-in-as').waitFor();
        await go(frame, screen.hash === '' ? `#/c/demo/groups/${groupId}` : screen.hash);
        await screen.ready(frame);
        await screen.act?.(frame);
        await waitFor(
          async () =>
            (await frame.evaluate<string>('document.documentElement.dataset.theme')) ===
            (theme === 'default' ? 'default' : theme),
          5_000,
        ).catch(() => undefined);
        await animationsSettled(frame); // Fluent's colour transitions, for the picture (axe waits for them too)
        await screenshot(page, `a11y-${theme}-${screen.name}`);
        await assertAccessible(frame, `${screen.name} (${theme})`);
        if (theme === 'default') {
          // What the admin reads and hears on the screen, whatever its source (the tab or the server): plain.
          const texts = await frame.evaluate<string[]>(
            `[document.body.innerText, ...[...document.querySelectorAll('[aria-label],[title],[placeholder]')]
              .flatMap((e) => ['aria-label', 'title', 'placeholder'].map((a) => e.getAttribute(a) ?? ''))]`,
          );
          const offending = texts
            .flatMap((text) => text.split('\n'))
            .flatMap((line) => jargonIn(line).map((problem) => `${problem} in "${line.slice(0, 160)}"`));
          assert.deepEqual(offending, [], `${screen.name}: jargon on screen`);
        }
      });
    }
  }
});
