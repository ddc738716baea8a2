import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { Frame, Page } from 'playwright-core';
import type { demoIdentities } from '../../../server/demo-identities.js';
import type { CrossClientSearchResult, PartnerDashboard } from '../../../src/contracts/index.js';
import { assertAccessible } from './support/accessibility.js';
import { go, launchBrowser, openHost, screenshot, type TestBrowser } from './support/browser.js';
import { buildTab, startDemoApp, waitFor, type DemoApp } from './support/demo-app.js';

/** Where the team looks at screenshots (besides test-results/screenshots). */
const SHOTS = '/work/team/shots';
const THEMES = ['default', 'dark', 'contrast'] as const;

/**
 * The partner dashboard and the cross-client search in a real browser (Chromium through playwright-core) inside
 * the local Teams host, against the app in demo mode: the figures shown are the dashboard service's, sorting and
 * filtering work, the search finds users in every client the person may see (and no other), with each row's state
 * and allowed actions; light, dark and high contrast pass axe-core with no serious or critical violation.
 */
describe('tab: the partner dashboard and the cross-client search (browser)', function () {
  this.timeout(240_000);
  const started: { app?: DemoApp; browser?: TestBrowser } = {};
  let app: DemoApp;
  let page: Page;
  /** A demo user's first name, also given to a user of a second client. */
  let firstName: string;

  before(async function () {
    this.timeout(300_000);
    await buildTab();
    app = started.app = await startDemoApp({ users: 60 });
    started.browser = await launchBrowser();
    page = started.browser.page;
    // The figures settle once the demo client's first sync has read everything (MFA registrations last).
    await waitFor(async () => {
      const runs = await app.store.db.selectFrom('sync_runs').select(['kind', 'status']).execute();
      return (
        runs.some((run) => run.kind === 'mfa_registration' && run.status === 'succeeded') &&
        runs.every((run) => run.status !== 'running')
      );
    }, 120_000);
    // A second client, with one user who shares a first name with a demo user (as a sync would leave it).
    const added = await app.api('partnerAdmin', 'POST', '/clients', {
      name: 'second',
      displayName: 'Second Ltd',
    });
    assert.equal(added.status, 201);
    const secondId = (added.body as { id: string }).id;
    const demoUser = await app.store.db
      .selectFrom('directory_users')
      .innerJoin('clients', 'clients.id', 'directory_users.client_id')
      .select('directory_users.display_name')
      .where('clients.name', '=', 'demo')
      .where('directory_users.user_type', '=', 'Member')
      .where('directory_users.display_name', 'is not', null)
      .orderBy('directory_users.display_name')
      .executeTakeFirstOrThrow();
    firstName = (demoUser.display_name ?? '').split(' ')[0] ?? '';
    assert.ok(firstName.length >= 2);
    // Long, as a guest's UPN is, with no space to wrap at: the results must not run into the next column.
    const upn = `${firstName.toLowerCase()}.second.with.a.rather.long.address@secondclient.example.onmicrosoft.com`;
    await app.store.db
      .insertInto('directory_users')
      .values({
        client_id: secondId,
        id: crypto.randomUUID(),
        display_name: `${firstName} Second`,
        user_principal_name: upn,
        mail: upn,
        user_type: 'Member',
        account_enabled: 1,
        department: null,
        job_title: null,
        created_date_time: new Date().toISOString(),
        entra_state: 'active',
        collection_state: 'not_imported',
        disable_reason: null,
        imported_at: null,
        last_sign_in_at: null,
        last_sign_in_app: null,
        sign_in_activity_at: null,
        search_text: `${firstName} second ${upn} ${upn}`.toLowerCase(),
        seen_generation: 1,
        updated_at: new Date().toISOString(),
        collected_from: null,
      })
      .execute();
  });

  after(async () => {
    await started.browser?.close();
    await started.app?.stop();
  });

  async function signedIn(as: keyof typeof demoIdentities, theme = 'default'): Promise<Frame> {
    const frame = await openHost(page, app.baseUrl, { as, theme });
    await frame.getByTestId('signed-in-as').waitFor();
    return frame;
  }

  /** axe-core on the screen at rest: the pointer away from rows it last clicked over (hover is not the rest state). */
  async function accessible(frame: Frame, name: string): Promise<void> {
    await page.mouse.move(0, 0);
    await assertAccessible(frame, name);
  }

  async function shot(name: string): Promise<void> {
    await screenshot(page, `21-${name}`);
    await page.screenshot({ path: `${SHOTS}/21-${name}.png`, fullPage: true });
  }

  for (const theme of THEMES) {
    it(`shows every client with the dashboard service's figures, sortable and filterable (${theme})`, async () => {
      const dashboard = (await app.api('partnerAdmin', 'GET', '/dashboard')).body as PartnerDashboard;
      const demo = dashboard.clients.find((row) => row.name === 'demo');
      assert.ok(demo && dashboard.clients.some((row) => row.name === 'second'));
      const frame = await signedIn('partnerAdmin', theme);
      await go(frame, '#/clients');
      const table = frame.getByRole('table', { name: 'Clients' });
      const row = table.locator('tr[data-client="demo"]');
      await row.waitFor();
      const cells = await row.getByRole('cell').allInnerTexts();
      assert.equal(cells[2], demo.users.toLocaleString('en-GB'));
      assert.match(cells[3] ?? '', new RegExp(`^${demo.billable.toLocaleString('en-GB')}`));
      assert.match(cells[4] ?? '', new RegExp(`^${demo.expired.toLocaleString('en-GB')}`));
      assert.equal(
        cells[5],
        demo.mfaRegisteredPercent === null ? 'no data yet' : `${demo.mfaRegisteredPercent} %`,
      );
      assert.equal(cells[7], demo.guests.toLocaleString('en-GB'));
      // Without licence prices, the card counts the inactive users holding licences, as the table's column does.
      const reclaimable = (await app.api('partnerAdmin', 'GET', '/licences/reclaimable')).body as {
        clients: { inactiveLicensedUsers: number; reclaimableCost: unknown }[];
      };
      assert.ok(reclaimable.clients.every((client) => client.reclaimableCost === null));
      const inactive = reclaimable.clients.reduce((sum, client) => sum + client.inactiveLicensedUsers, 0);
      await frame
        .getByRole('group', { name: 'Reclaimable licences', exact: true })
        .getByText(
          inactive === 0 ? '—' : `${inactive.toLocaleString('en-GB')} user${inactive === 1 ? '' : 's'}`,
          {
            exact: true,
          },
        )
        .waitFor();
      await frame
        .getByRole('group', { name: 'Reclaimable licences', exact: true })
        .getByText("set prices under a client's Licences for the cost", { exact: false })
        .waitFor();
      // A figure's header lines up with its figures, right-aligned, as the figures are.
      const [headerRight, figureRight] = await frame.evaluate<number[]>(`(() => {
        // Where the words end (the text itself, not the boxes around it).
        const right = (element) => {
          const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
          let end = 0;
          for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
            const range = document.createRange();
            range.selectNodeContents(node);
            end = Math.max(end, range.getBoundingClientRect().right);
          }
          return end;
        };
        const header = [...document.querySelectorAll('th')].find((th) => th.textContent.trim() === 'Users');
        return [right(header), right(document.querySelector('tr[data-client="demo"] td:nth-child(3)'))];
      })()`);
      assert.ok(
        Math.abs((headerRight ?? 0) - (figureRight ?? 0)) < 16,
        `the Users header ends at ${String(headerRight)} px, its figures at ${String(figureRight)} px`,
      );
      await accessible(frame, `dashboard (${theme})`);
      await shot(`dashboard-${theme}`);

      // Sorted by users, most first: demo (60 users) above second (1 user); then the other way round.
      const users = table.getByRole('columnheader', { name: 'Users' });
      await users.click();
      await users.click();
      assert.equal(await users.getAttribute('aria-sort'), 'descending');
      const order = async (): Promise<(string | null)[]> => {
        const listed = table.locator('tr[data-client]');
        const names: (string | null)[] = [];
        for (let i = 0; i < (await listed.count()); i++)
          names.push(await listed.nth(i).getAttribute('data-client'));
        return names;
      };
      assert.deepEqual(await order(), ['demo', 'second']);
      await users.click();
      assert.deepEqual(await order(), ['second', 'demo']);
      // Filtered: by name, and to the clients that need attention (second is not connected).
      await frame.getByLabel('Filter clients by name').fill('secon');
      await waitFor(async () => (await order()).join() === 'second', 5_000);
      await frame.getByLabel('Filter clients by name').fill('no such client');
      await frame.getByText('No client matches these filters.').waitFor();
      await frame.getByLabel('Filter clients by name').fill('');
      await frame.getByLabel('Show').selectOption('not-connected');
      await waitFor(async () => (await order()).join() === 'second', 5_000);
      // One click into the client.
      await frame.getByLabel('Show').selectOption('all');
      await table.getByRole('link', { name: demo.displayName }).click();
      await frame.getByRole('tablist', { name: `${demo.displayName} sections` }).waitFor();
    });

    it(`finds users across every client, with their client, state and what the admin may do (${theme})`, async () => {
      const frame = await signedIn('partnerAdmin', theme);
      await go(frame, '#/clients');
      await frame.getByLabel('Find a user or group in every client').fill(firstName);
      await frame.getByRole('button', { name: 'Search', exact: true }).click();
      const found = frame.getByRole('table', { name: 'Users found' });
      await found.waitFor();
      const rows = found.locator('tr[data-user]');
      const texts = await rows.allInnerTexts();
      assert.ok(
        texts.some((text) => text.includes('Second Ltd')),
        'the second client’s user is found',
      );
      assert.ok(
        texts.some((text) => text.includes('Contoso') || text.includes('demo')),
        'a demo user is found',
      );
      const truth = (await app.api('partnerAdmin', 'GET', `/search?text=${encodeURIComponent(firstName)}`))
        .body as CrossClientSearchResult;
      assert.equal(await rows.count(), truth.users.length);
      // Each row shows its client, its states and the actions the core allowed (Open is the row's link).
      const labels = { import: 'Import', disable: 'Disable' } as const;
      for (const hit of truth.users) {
        const row = found.locator(`tr[data-user="${hit.userPrincipalName ?? hit.id}"]`);
        const text = await row.innerText();
        assert.ok(text.includes(hit.client.displayName), text);
        for (const state of hit.states) assert.ok(text.includes(state), `${text} has ${state}`);
        const allowed = hit.actions.filter((action) => action !== 'open');
        for (const action of allowed) assert.ok(text.includes(labels[action]), `${text} offers ${action}`);
        if (allowed.length === 0) assert.ok(text.includes('View only'), text);
      }
      // Nothing runs out of its cell (a long UPN wraps within the user's column).
      const overflowing = await frame.evaluate(`[...document.querySelectorAll('tr[data-user] td')]
        .filter((cell) => cell.scrollWidth > cell.clientWidth + 1).map((cell) => cell.innerText)`);
      assert.deepEqual(overflowing, []);
      const second = truth.users.find((hit) => hit.client.name === 'second');
      assert.deepEqual(second?.states, ['not imported']);
      assert.deepEqual(second.actions, ['open', 'import']);
      await accessible(frame, `search (${theme})`);
      await shot(`search-${theme}`);
    });
  }

  it('lands a client admin straight in their client, and their search never shows another client’s users', async () => {
    const frame = await openHost(page, app.baseUrl, { as: 'clientAdmin' });
    await frame.getByRole('tablist', { name: /sections$/ }).waitFor();
    assert.match(await frame.evaluate<string>('window.location.hash'), /^#\/c\/demo\/users/);
    await shot('client-admin-lands');
    await go(frame, `#/search?q=${encodeURIComponent(firstName)}`);
    const found = frame.getByRole('table', { name: 'Users found' });
    await found.waitFor();
    const texts = await found.locator('tr[data-user]').allInnerTexts();
    assert.ok(texts.length > 0);
    assert.ok(texts.every((text) => !text.includes('Second Ltd')));
    await frame.getByText(/in 1 client\./).waitFor();
  });

  it('gives a viewer the rows and no action but opening them', async () => {
    const frame = await signedIn('viewer');
    // Licence prices are an admin's to set: the dashboard does not send a viewer to set them.
    await go(frame, '#/clients');
    const reclaimable = frame.getByRole('group', { name: 'Reclaimable licences', exact: true });
    await reclaimable.getByText('the cost shows once an admin sets the prices', { exact: false }).waitFor();
    assert.equal(await reclaimable.getByText('set prices under', { exact: false }).count(), 0);
    await go(frame, `#/search?q=${encodeURIComponent(firstName)}`);
    const found = frame.getByRole('table', { name: 'Users found' });
    await found.waitFor();
    const rows = found.locator('tr[data-user]');
    const count = await rows.count();
    assert.ok(count > 0);
    assert.equal(await found.getByText('View only').count(), count);
    await shot('search-viewer');
  });

  it('answers an empty or too long search with a 400 that says what to type', async () => {
    for (const text of ['', 'a', 'x'.repeat(101)]) {
      const answer = await app.api('partnerAdmin', 'GET', `/search?text=${encodeURIComponent(text)}`);
      assert.equal(answer.status, 400, text);
      assert.match(JSON.stringify(answer.body), /type at least 2 characters|at most 100 characters/);
    }
    const missing = await app.api('partnerAdmin', 'GET', '/search');
    assert.equal(missing.status, 400);
    assert.match(JSON.stringify(missing.body), /type part of a name, UPN or mail/);
    const frame = await signedIn('partnerAdmin');
    await go(frame, '#/search?q=a');
    await frame
      .getByRole('alert')
      .getByText(/type at least 2 characters/)
      .waitFor();
  });
});
