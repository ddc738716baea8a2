import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from '../../support/processes.js';
import { startDemoApp, type DemoApp } from '../tab/support/demo-app.js';
import { AgentsPlayground, headingOf, textOf, type CardJson } from './support/agents-playground.js';

const PERSONAL = 'personal-chat-megan';

interface ParseEvent {
  readonly message: string;
}
interface AdaptiveCardsModule {
  readonly Versions: { readonly v1_5: unknown };
  readonly SerializationContext: new (version: unknown) => {
    readonly eventCount: number;
    getEventAt(index: number): ParseEvent;
  };
  readonly AdaptiveCard: new () => {
    parse(json: unknown, context: unknown): void;
    validateProperties(): { readonly validationEvents: readonly ParseEvent[] };
    render(): unknown;
  };
}
// The Adaptive Cards SDK's UMD bundle (as test/unit/bot/cards.test.ts loads it): parses and validates without a DOM.
const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as AdaptiveCardsModule;

function problemsOf(card: CardJson): string[] {
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  return [
    ...Array.from(
      { length: context.eventCount },
      (_, index) => `parse: ${context.getEventAt(index).message}`,
    ),
    ...parsed.validateProperties().validationEvents.map((event) => `validate: ${event.message}`),
  ];
}

/**
 * The weekly summary (issue 16) through a real Teams client: the app in demo mode and the Microsoft 365 Agents
 * Playground. Once the demo tenant's activity has been read, the scheduled alerts job sends the client's weekly
 * summary proactively to the partner admin's personal chat; the card arrives, parses and validates with the Adaptive
 * Cards SDK, and its figures are the client's; the alert is listed on the Notifications screen.
 */
describe('bot in the Agents Playground: the weekly summary card', function () {
  this.timeout(60_000);
  const started: { app?: DemoApp; playground?: AgentsPlayground } = {};
  let app: DemoApp;
  let playground: AgentsPlayground;

  before(async function () {
    this.timeout(150_000);
    // The summary waits for the first read of 30 days of sign-ins, then for the alerts job: the simulator without
    // Graph's throttling lets the product read the days without the reports tier's 2 s spacing (30 requests, a
    // minute, otherwise), and the alerts are checked every 2 s instead of every minute. What arrives is the same.
    app = started.app = await startDemoApp({
      users: 200,
      autoImport: true,
      env: { DEMO_THROTTLING: 'false', DEMO_REPORTS_PACE_MS: '0', ALERTS_CHECK_SECONDS: '2' },
    });
    playground = started.playground = await AgentsPlayground.start({
      appEndpoint: `${app.baseUrl}/api/messages`,
      configPath: path.join(repoRoot, '.m365agentsplayground.yml'),
    });
  });

  after(async function () {
    this.timeout(30_000);
    await started.playground?.stop();
    await started.app?.stop();
  });

  it('arrives in the personal chat, renders, and shows the client’s figures', async function () {
    this.timeout(240_000);
    // As if connected last week (a client connected this week gets its first summary next Monday), and due from
    // Monday 00:00 in the client's time zone: whatever day the test runs, this week's is due.
    await app.store.db
      .updateTable('integrations')
      .set({ created_at: '2026-01-01T00:00:00.000Z' })
      .where(
        'client_id',
        '=',
        (
          await app.store.db
            .selectFrom('clients')
            .select('id')
            .where('name', '=', 'demo')
            .executeTakeFirstOrThrow()
        ).id,
      )
      .execute();
    const saved = await app.api('partnerAdmin', 'PUT', '/clients/demo/alert-settings', {
      timeZone: 'UTC',
      settings: [
        { kind: 'weekly_digest', enabled: true, conversationId: null, delivery: 'immediate', digestHour: 0 },
      ],
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    const mark = playground.mark();
    await playground.install(PERSONAL);
    const weekly = await playground.next(
      (event) =>
        event.fromBot &&
        event.conversationId === PERSONAL &&
        (headingOf(event.card) ?? '').startsWith('Weekly summary'),
      { since: mark, timeoutMs: 200_000 },
    );
    assert.ok(weekly.card);
    assert.equal(headingOf(weekly.card), 'Weekly summary — Contoso (demo)');
    assert.deepEqual(problemsOf(weekly.card), []);
    const text = textOf(weekly.card);
    const billing = (await app.api('partnerAdmin', 'GET', '/clients/demo/billing')).body as {
      counts: { billable: number };
    };
    assert.ok(
      text.includes(billing.counts.billable.toLocaleString('en-US')),
      `the card does not show ${String(billing.counts.billable)} billable users:\n${text}`,
    );
    for (const label of ['Registered for MFA', 'App sign-ins through single sign-on', 'Most used apps'])
      assert.ok(text.includes(label), `${label} missing:\n${text}`);
    const usage = (await app.api('partnerAdmin', 'GET', '/clients/demo/reports/usage')).body as {
      applications: { appName: string }[];
    };
    assert.ok(usage.applications.length > 0, 'the imported users signed in to apps');
    for (const top of usage.applications.slice(0, 5))
      assert.ok(text.includes(top.appName), `${top.appName} missing from the top apps:\n${text}`);

    const listed = (await app.api('viewer', 'GET', '/clients/demo/alerts')).body as {
      alerts: { kind: string; name: string }[];
    };
    assert.ok(
      listed.alerts.some((alert) => alert.kind === 'weekly_digest' && alert.name === 'Weekly summary'),
    );
  });
});
