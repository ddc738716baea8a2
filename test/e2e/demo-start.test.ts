import assert from 'node:assert/strict';
import { startDemoApp, waitFor, type DemoApp } from './tab/support/demo-app.js';
import { PRODUCT_PERMISSIONS } from '../../sim/index.js';

const DAY = 86_400_000;

/** A simulated user as the simulator's control API lists it: its directory facts and its signInActivity. */
interface TruthUser {
  readonly user: {
    readonly id: string;
    readonly userPrincipalName: string;
    readonly userType: string | null;
    readonly accountEnabled: boolean;
  };
  readonly signInActivity: { readonly lastSuccessfulSignInDateTime: string | null } | null;
}

interface Billing {
  readonly activityData: string;
  readonly counts: { readonly imported: number; readonly expired: number; readonly billable: number };
}

/**
 * A fresh `npm start` with default settings (demo mode: the built-in tenant of 2,000 users, untidy as real tenants
 * are, Graph's throttling limits enforced, its initial import started at once, a 30-day threshold). Billing is what an MSP invoices from, so it must be right from the first
 * minute: until the tenant's activity has been read the client says "reading activity…"; once the first activity
 * pass has finished, the billable count and the expired users are exactly what the simulator's truth gives.
 */
describe('a fresh demo start, default settings (the real server)', function () {
  this.timeout(240_000);
  let app: DemoApp;

  before(async function () {
    this.timeout(180_000);
    app = await startDemoApp({ defaults: true });
  });
  after(async () => {
    await app.stop();
  });

  async function billing(): Promise<Billing> {
    const response = await app.api('partnerAdmin', 'GET', '/clients/demo/billing');
    assert.equal(response.status, 200);
    return response.body as Billing;
  }

  it('records its own set-up in the audit log as the demo set-up, not as the scheduler', async () => {
    const rows = await app.store.db
      .selectFrom('audit_log')
      .select(['action', 'actor_name', 'channel'])
      .where('action', 'in', ['client.add', 'integration.start_import', 'role.assign'])
      .execute();
    assert.deepEqual([...new Set(rows.map((row) => row.action))].sort(), [
      'client.add',
      'integration.start_import',
      'role.assign',
    ]);
    for (const row of rows)
      assert.deepEqual([row.actor_name, row.channel], ['demo setup', 'system'], row.action);
  });

  it('checks its connection as a real one is checked: the six permissions granted, the result kept', async () => {
    const response = await app.api('partnerAdmin', 'GET', '/clients/demo/integration');
    assert.equal(response.status, 200);
    const { integration } = response.body as {
      integration: { permissionChecks: { permission?: string; passed: boolean }[] };
    };
    const permissions = integration.permissionChecks.filter((check) => check.permission !== undefined);
    assert.deepEqual(permissions.map((check) => check.permission).sort(), [...PRODUCT_PERMISSIONS].sort());
    assert.ok(permissions.every((check) => check.passed));
  });

  it('shows "reading activity…" until the first activity pass, then exactly the truth: billable count and expired users', async () => {
    const first = await billing();
    if (first.activityData !== 'available') {
      // Before the activity is read nobody is shown expired — and the client says why.
      assert.equal(first.activityData, 'unknown');
      assert.equal(first.counts.expired, 0);
    }
    await waitFor(async () => (await billing()).activityData === 'available', 150_000, 500);
    const at = Date.now();
    const served = await billing();

    // The truth, from the simulator itself: every member (guests by Microsoft's definitions are never imported)
    // is imported at start; expired when its last successful sign-in is older than 30 days; billable when, on top,
    // its account is enabled. Nobody was imported more than 30 days ago, so no one expires without activity.
    const { users } = (await app.simControl('GET', '/tenants/contoso.onmicrosoft.com/users')) as {
      users: TruthUser[];
    };
    const guest = (user: TruthUser['user']): boolean =>
      user.userType === 'Guest' || (user.userType === null && user.userPrincipalName.includes('#EXT#'));
    const members = users.filter((entry) => !guest(entry.user));
    const cutoff = at - 30 * DAY;
    const expired = new Set(
      members
        .filter((entry) => {
          const last = entry.signInActivity?.lastSuccessfulSignInDateTime ?? null;
          return last !== null && Date.parse(last) < cutoff;
        })
        .map((entry) => entry.user.id),
    );
    const billable = members.filter((entry) => entry.user.accountEnabled && !expired.has(entry.user.id));

    assert.equal(served.counts.imported, members.length, 'every member imported');
    assert.equal(served.counts.expired, expired.size, 'the expired count');
    assert.equal(served.counts.billable, billable.length, 'the billable count');
    const listed = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await app.api(
        'partnerAdmin',
        'GET',
        `/clients/demo/users?expired=true&limit=500${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
      );
      const body = page.body as { items: { id: string }[]; nextCursor: string | null };
      for (const item of body.items) listed.add(item.id);
      cursor = body.nextCursor ?? undefined;
    } while (cursor !== undefined);
    assert.deepEqual(listed, expired, 'the "Expired only" list is exactly the expired users');
    process.stdout.write(
      `      fresh demo start: ${String(members.length)} members imported, ${String(expired.size)} expired, ${String(served.counts.billable)} billable (truth ${String(billable.length)})\n`,
    );

    // Demo mode throttles as Graph does (DEMO_THROTTLING defaults to true), and the product never asked again
    // before a Retry-After had passed.
    const faults = (await app.simControl('GET', '/faults')) as { realisticThrottling: boolean };
    assert.equal(faults.realisticThrottling, true, 'realistic throttling is on by default in demo mode');
    const stats = (await app.simControl('GET', '/stats')) as {
      throttledResponses: number;
      retryAfterViolations: unknown[];
    };
    assert.deepEqual(stats.retryAfterViolations, []);
    process.stdout.write(`      throttled answers so far: ${String(stats.throttledResponses)}\n`);

    // Today's billing snapshot was taken from these figures, not from before the activity was read.
    const history = await app.api('partnerAdmin', 'GET', '/clients/demo/billing/history');
    const days = (history.body as { days: { day: string; billable: number }[] }).days;
    assert.deepEqual(
      days.map((day) => day.billable),
      [billable.length],
    );
  });
});
