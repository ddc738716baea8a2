import assert from 'node:assert/strict';
import { REPORTS_PACE_KEY } from '../../../src/graph/tenant-gate.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../../src/store/schema.js';
import { startTestSimulator, type TestSimulator } from '../graph/simulator-harness.js';
import { describeEachEngineWithCore, partnerAdmin } from '../services/fixtures/core-harness.js';
import { isSimGuest, succeeded } from './report-fixture.js';

const MINUTE = 60_000;

/** Stored sign-in data of some users: events, per-day counts and newest sign-ins. */
async function storedOf(
  db: Kysely<Database>,
  clientId: string,
  userIds: readonly string[],
): Promise<{ events: number; daily: number; last: number }> {
  if (userIds.length === 0) return { events: 0, daily: 0, last: 0 };
  const count = async (table: 'sign_in_events' | 'sign_in_daily' | 'sign_in_user_last'): Promise<number> =>
    (
      await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('client_id', '=', clientId)
        .where('user_id', 'in', [...userIds])
        .executeTakeFirstOrThrow()
    ).n;
  return {
    events: await count('sign_in_events'),
    daily: await count('sign_in_daily'),
    last: await count('sign_in_user_last'),
  };
}

/**
 * Rule 10, "data collection means collection": sign-ins are kept only for users enabled for data collection;
 * excluding a group deletes what was collected of its members at once, and no report counts them any more; a
 * manually disabled user's new sign-ins are not kept, and when it is imported again, collection starts then.
 */
describe('data collection (rule 10)', function () {
  this.timeout(120_000);
  let harness: TestSimulator;
  const start = new Date(Math.floor(Date.now() / 1000) * 1000);

  before(async () => {
    harness = await startTestSimulator({ users: 10 });
    // The tenant's clock and the product's start together, to the second.
    harness.sim.advanceClock(start.getTime() - harness.sim.now().getTime());
  });
  after(async () => {
    await harness.close();
  });

  describeEachEngineWithCore(
    'against the simulator',
    (ctx) => {
      it('excluding a group deletes its members’ sign-ins in the same step, keeps them out of every report, and collects nothing of them later; a disabled user’s new sign-ins are not kept', async () => {
        const { core, clock } = ctx;
        // A tenant of its own per engine: the test adds sign-ins to it.
        const tenant = harness.sim.addTenant({
          seed: ctx.engine === 'sqlite' ? 7101 : 7102,
          users: 80,
          groups: 10,
          nestingDepth: 3,
          signInDays: 20,
          signInsPerUserPerDay: 2,
        });
        const app = tenant.registeredApps()[0];
        assert.ok(app !== undefined);
        const db = core.database.db;
        const advance = (ms: number): void => {
          clock.advance(ms);
          harness.sim.advanceClock(ms);
        };
        const client = await core.clients.add(partnerAdmin, { name: `collect-${ctx.engine}` });
        await core.integrationStore.save({
          clientId: client.id,
          kind: 'client_credentials',
          tenantId: tenant.tenantId,
          tenantInput: tenant.domain,
          appClientId: app.clientId,
          clientSecret: app.clientSecret,
          actor: 'test',
          at: clock.now(),
        });
        await core.integrations.startImport(partnerAdmin, client.id);
        assert.ok((await core.clientSync.run(client.id)).succeeded);

        // A group with several members who sign in, and someone outside it to disable by hand.
        const members = (groupId: string): string[] =>
          [...tenant.transitiveUserMembers(groupId)].filter((id) => {
            const user = tenant.user(id);
            return user !== undefined && !isSimGuest(user);
          });
        const signedIn = new Set([...tenant.signIns()].filter(succeeded).map((signIn) => signIn.userId));
        const group = [...tenant.groups()]
          .map((candidate) => ({ id: candidate.id, members: members(candidate.id) }))
          .filter((candidate) => candidate.members.length >= 3 && candidate.members.length <= 30)
          .find((candidate) => candidate.members.filter((id) => signedIn.has(id)).length >= 3);
        assert.ok(group !== undefined, 'a group whose members sign in');
        const outsider = [...tenant.users()].find(
          (user) =>
            !isSimGuest(user) &&
            user.accountEnabled &&
            signedIn.has(user.id) &&
            !group.members.includes(user.id),
        );
        assert.ok(outsider !== undefined);

        const before = await storedOf(db, client.id, group.members);
        assert.ok(before.events > 0 && before.daily > 0 && before.last > 0, 'their sign-ins were collected');
        const usageBefore = await core.reports.applicationUsage(partnerAdmin, { client: client.id });

        // The exclusion: its preview announces the count after, and the members' data goes with it.
        const preview = await core.groups.previewExclusion(partnerAdmin, client.id, group.id);
        const result = await core.groups.confirmExclusion(partnerAdmin, client.id, preview.token);
        assert.equal(
          preview.billable.after,
          (await core.billing.summary(partnerAdmin, client.id)).counts.billable,
          "the preview's billable after is the count after the confirmation",
        );
        assert.equal(result.forgottenUsers, group.members.length);
        assert.deepEqual(await storedOf(db, client.id, group.members), { events: 0, daily: 0, last: 0 });

        const excludedIds = new Set(group.members);
        const theirs = [...tenant.signIns()].filter((signIn) => excludedIds.has(signIn.userId)).length;
        assert.equal(before.events, theirs, 'every sign-in of theirs had been collected');
        const usageAfter = await core.reports.applicationUsage(partnerAdmin, { client: client.id });
        assert.equal(
          usageAfter.totals.signIns,
          usageBefore.totals.signIns - theirs,
          'the usage report follows',
        );
        assert.ok(usageAfter.totals.activeUsers < usageBefore.totals.activeUsers);
        const sso = await core.reports.ssoCoverage(partnerAdmin, { client: client.id });
        assert.ok(
          sso.users.every((user) => !excludedIds.has(user.id)),
          'the SSO report names none of them',
        );
        const mfa = await core.reports.mfaCoverage(partnerAdmin, { client: client.id });
        assert.ok(
          mfa.users.every((user) => !excludedIds.has(user.id)),
          'the MFA report names none of them',
        );
        assert.match(mfa.header.coverage ?? '', /users enabled for data collection/);

        // The outsider is disabled by hand; then everyone concerned keeps signing in.
        await core.users.disableUser(partnerAdmin, client.id, outsider.id);
        const outsiderBefore = await storedOf(db, client.id, [outsider.id]);
        // What was collected of the outsider before the disable (the tenant's log may reach past `during`: the
        // simulator's clock runs on from an earlier engine's test, and the log is generated up to it).
        const collectedBefore = new Set(
          (
            await db
              .selectFrom('sign_in_events')
              .select('id')
              .where('client_id', '=', client.id)
              .where('user_id', '=', outsider.id)
              .execute()
          ).map((row) => row.id),
        );
        advance(10 * MINUTE);
        const during = clock.now();
        tenant.addSignIns(
          [...group.members, outsider.id].map((userId) => ({ userId, createdDateTime: during })),
        );
        // Others still collected may sign in too: the simulator's log runs ahead of the product's clock (its clock runs
        // on from the other engine's test), so the run can bring their newest sign-ins; those count, of course.
        const others = async (): Promise<number> =>
          (
            await db
              .selectFrom('sign_in_events')
              .select('id')
              .where('client_id', '=', client.id)
              .where('user_id', 'not in', [...group.members, outsider.id])
              .execute()
          ).length;
        const othersBefore = await others();
        const run = await core.signInIngestion.run(client.id, { trigger: 'manual' });
        const othersAdded = (await others()) - othersBefore;
        assert.equal(run.run.status, 'succeeded', run.run.errorMessage ?? '');
        assert.ok(
          (JSON.parse(run.run.progress) as { notCollected: number }).notCollected >= group.members.length + 1,
        );
        assert.deepEqual(await storedOf(db, client.id, group.members), { events: 0, daily: 0, last: 0 });
        assert.deepEqual(
          await storedOf(db, client.id, [outsider.id]),
          outsiderBefore,
          "a disabled user's new sign-ins are not kept; what was collected stays until retention",
        );
        const usageLater = await core.reports.applicationUsage(partnerAdmin, { client: client.id });
        // The report counts successful sign-ins to enterprise applications in its period, so of the outsider's stored
        // events only some counted before; none of the new sign-ins (theirs or the excluded group's) may count now.
        assert.ok(
          usageLater.totals.signIns <= usageAfter.totals.signIns + othersAdded,
          'reports cover collected users only: the new sign-ins of the disabled user and the excluded group do not count',
        );
        assert.ok(
          usageLater.totals.signIns >= usageAfter.totals.signIns - outsiderBefore.events + othersAdded,
          'and nothing else was lost',
        );

        // Imported again an hour later: collection restarts then — the sign-in while disabled stays uncollected,
        // even though the next read of the log goes back over it.
        advance(60 * MINUTE);
        await core.users.importUser(partnerAdmin, client.id, outsider.id);
        advance(MINUTE);
        const back = clock.now();
        tenant.addSignIns([{ userId: outsider.id, createdDateTime: back }]);
        assert.equal((await core.signInIngestion.run(client.id)).run.status, 'succeeded');
        const kept = (
          await db
            .selectFrom('sign_in_events')
            .select(['id', 'created_at'])
            .where('client_id', '=', client.id)
            .where('user_id', '=', outsider.id)
            .execute()
        ).filter((row) => !collectedBefore.has(row.id));
        assert.deepEqual(
          kept.map((row) => row.created_at),
          [back.toISOString()],
          'of what came after the disable, only the sign-in after the re-import is kept',
        );
        assert.equal(
          (await core.users.get(partnerAdmin, client.id, outsider.id)).lastActivity?.at,
          back.toISOString(),
        );
        assert.deepEqual(await storedOf(db, client.id, group.members), { events: 0, daily: 0, last: 0 });
      });
    },
    () => ({
      graphEndpoints: harness.endpoints,
      start: start.toISOString(),
      reportsPace: { key: REPORTS_PACE_KEY, minIntervalMs: 0 },
    }),
  );
});
