/**
 * Replays the recorded Graph answers in test/fixtures/recorded/ (Microsoft's documented example responses, or what
 * `doctor --record` saved from a real tenant) through the product's sync engines: the simulator answers each request
 * with the recording (absolute links pointed back at it), and the real engines — through the real Graph client,
 * over HTTPS — write to a real store. A recording shaped differently from what the product expects fails here.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Recording } from '../../../src/graph/graph-doctor.js';
import { systemClock } from '../../../src/shared/clock.js';
import { checkPermissions } from '../../../src/graph/permission-check.js';
import { CheckpointRepository } from '../../../src/store/checkpoint-repository.js';
import { MfaRegistrationSync } from '../../../src/sync/mfa-registration-sync.js';
import { ServicePrincipalSync } from '../../../src/sync/service-principal-sync.js';
import { SignInActivitySync } from '../../../src/sync/sign-in-activity-sync.js';
import { SignInIngestion } from '../../../src/sync/sign-in-ingestion.js';
import { describeEachEngine } from '../../support/databases.js';
import { noPace } from '../reports/report-fixture.js';
import { connectClient, importEveryone, silentLogger, type SyncFixture } from '../sync/sync-harness.js';
import { startTestSimulator, type TestSimulator } from './simulator-harness.js';

const DIR = fileURLToPath(new URL('../../fixtures/recorded/', import.meta.url));

function recording(file: string): Recording {
  return JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as Recording;
}

interface Item {
  readonly id?: string;
}
const valueOf = (file: string): Item[] => (recording(file).body as { value: Item[] }).value;
const idsOf = (files: readonly string[]): string[] =>
  files.flatMap((file) => valueOf(file).flatMap((item) => (typeof item.id === 'string' ? [item.id] : [])));

/** A closing page where Microsoft's example stops at a nextLink: no items, and a deltaLink to go on from. */
const closingDeltaPage = (resource: 'users' | 'groups'): unknown => ({
  value: [],
  '@odata.deltaLink': `https://graph.microsoft.com/v1.0/${resource}/delta?$deltatoken=recorded-replay`,
});

describeEachEngine('recorded Graph answers replayed through the sync engines', (ctx) => {
  let harness: TestSimulator;
  let fixture: SyncFixture;

  before(async () => {
    harness = await startTestSimulator({ users: 20, groups: 4, signInDays: 2 });
  });
  after(async () => {
    await harness.close();
  });

  const served: string[] = [];

  /** Serves the recordings, in order, to the requests matching `pathPattern`; then the simulator answers again. */
  function serve(pathPattern: string, bodies: readonly unknown[]): void {
    for (const body of bodies)
      served.push(
        harness.sim.faults.recordedAnswer({
          pathPattern,
          next: 1,
          tenantId: harness.tenant.tenantId,
          body,
        }),
      );
  }

  it('directory sync: the documented users and groups delta rounds, an item without id skipped and counted, the changes round applied', async () => {
    fixture = await connectClient(ctx.database, harness);
    const userFiles = ['user-delta-1.json', 'user-delta-2-no-id.json'];
    const groupFiles = ['group-delta-1.json', 'group-delta-2.json', 'group-delta-3.json'];
    serve('^/v1.0/users/delta', [
      ...userFiles.map((file) => recording(file).body),
      closingDeltaPage('users'),
    ]);
    serve(
      '^/v1.0/groups/delta',
      groupFiles.map((file) => recording(file).body),
    );

    const first = await fixture.directorySync.run(fixture.clientId);
    assert.equal(first.run.status, 'succeeded', first.run.errorMessage ?? '');
    const db = ctx.database.db;
    const users = await db
      .selectFrom('directory_users')
      .select('id')
      .where('client_id', '=', fixture.clientId)
      .execute();
    assert.deepEqual(
      users.map((row) => row.id).sort(),
      idsOf(userFiles)
        .map((id) => id.toLowerCase())
        .sort(),
    );
    assert.ok((JSON.parse(first.run.progress) as { skipped: number }).skipped >= 1, 'the item without id');
    const groups = await db
      .selectFrom('directory_groups')
      .select('id')
      .where('client_id', '=', fixture.clientId)
      .execute();
    assert.deepEqual(
      groups.map((row) => row.id).sort(),
      [...new Set(idsOf(groupFiles).map((id) => id.toLowerCase()))].sort(),
    );
    const edges = async (): Promise<number> =>
      (
        await db
          .selectFrom('group_members')
          .select('member_id')
          .where('client_id', '=', fixture.clientId)
          .execute()
      ).length;
    const before = await edges();
    assert.ok(before > 0);

    // The next round starts from the saved deltaLink: Microsoft's example of the changes since.
    serve('^/v1.0/groups/delta', [recording('group-delta-4-changes.json').body]);
    serve('^/v1.0/users/delta', [closingDeltaPage('users')]);
    const second = await fixture.directorySync.run(fixture.clientId);
    assert.equal(second.run.status, 'succeeded', second.run.errorMessage ?? '');
    const added = await db
      .selectFrom('group_members')
      .select('member_id')
      .where('client_id', '=', fixture.clientId)
      .where('group_id', '=', '2e5807ce-58f3-4a94-9b37-ffff2e085957')
      .where('member_id', '=', '37de1ae3-408f-4702-8636-20824abda004')
      .execute();
    assert.equal(added.length, 1, 'the member the changes round adds');
  });

  it('MFA registration: the documented userRegistrationDetails page stored row by row', async () => {
    serve('^/v1.0/reports/authenticationMethods/userRegistrationDetails', [
      recording('user-registration-details.json').body,
    ]);
    const mfa = new MfaRegistrationSync({
      store: fixture.store,
      graphs: fixture.graphs,
      integrations: fixture.integrations,
      runner: fixture.runner,
      clock: systemClock,
      logger: silentLogger,
      pace: noPace,
    });
    const outcome = await mfa.run(fixture.clientId);
    assert.equal(outcome.run.status, 'succeeded', outcome.run.errorMessage ?? '');
    const rows = await ctx.database.db
      .selectFrom('mfa_registrations')
      .select('user_id')
      .where('client_id', '=', fixture.clientId)
      .execute();
    assert.deepEqual(
      rows.map((row) => row.user_id).sort(),
      idsOf(['user-registration-details.json'])
        .map((id) => id.toLowerCase())
        .sort(),
    );
  });

  it('connection check: the documented organization read (name and verified domains)', async () => {
    serve('^/v1.0/organization$', [recording('organization.json').body]);
    const result = await checkPermissions(fixture.graphs.create(harness.credentials));
    assert.equal(result.organization?.displayName, 'Contoso');
    assert.deepEqual(result.organization.verifiedDomains, [
      { name: 'Contoso.onmicrosoft.com', isDefault: true, isInitial: true },
    ]);
  });

  it('enterprise applications: the documented servicePrincipals page stored', async () => {
    serve('^/v1.0/servicePrincipals$', [recording('service-principals.json').body]);
    const outcome = await new ServicePrincipalSync({
      store: fixture.store,
      graphs: fixture.graphs,
      integrations: fixture.integrations,
      runner: fixture.runner,
      clock: systemClock,
    }).run(fixture.clientId);
    assert.equal(outcome.run.status, 'succeeded', outcome.run.errorMessage ?? '');
    const rows = await ctx.database.db
      .selectFrom('service_principals')
      .select(['id', 'app_id', 'display_name'])
      .where('client_id', '=', fixture.clientId)
      .execute();
    assert.deepEqual(rows, [
      {
        id: '59e617e5-e447-4adc-8b88-00af644d7c92',
        app_id: '65415bb1-9267-4313-bbf5-ae259732ee12',
        display_name: 'foo',
      },
    ]);
  });

  it('signInActivity: the documented page (no lastSuccessfulSignInDateTime, a 0001-01-01 date) read to the end', async () => {
    serve('^/v1.0/users$', [recording('users-sign-in-activity.json').body]);
    const outcome = await new SignInActivitySync({
      store: fixture.store,
      graphs: fixture.graphs,
      integrations: fixture.integrations,
      runner: fixture.runner,
      clock: systemClock,
      logger: silentLogger,
      pace: noPace,
    }).run(fixture.clientId);
    assert.equal(outcome.run.status, 'succeeded', outcome.run.errorMessage ?? '');
    assert.equal((await fixture.integrations.find(fixture.clientId))?.activityData, 'available');
  });

  it('sign-in ingestion: the documented /beta pages (a status without errorCode among them) read and followed without failing', async () => {
    await importEveryone(ctx.database.db, fixture.clientId);
    const files = ['signins-beta-1.json', 'signins-beta-2.json', 'signins-beta-3-status-without-code.json'];
    serve(
      '^/beta/auditLogs/sign[iI]ns',
      files.map((file) => recording(file).body),
    );
    const ingestion = new SignInIngestion({
      store: fixture.store,
      graphs: fixture.graphs,
      integrations: fixture.integrations,
      runner: fixture.runner,
      clock: systemClock,
      logger: silentLogger,
      retentionDays: 90,
      pace: noPace,
    });
    const outcome = await ingestion.run(fixture.clientId);
    assert.equal(outcome.run.status, 'succeeded', outcome.run.errorMessage ?? '');
    // The documented sign-ins are of users this directory does not hold: read, counted, not kept (rule 10). Two of
    // the documented pages hold the same sign-in (one id): one sign-in, counted once.
    const progress = JSON.parse(outcome.run.progress) as { notCollected: number };
    assert.ok(progress.notCollected >= new Set(idsOf(files)).size, outcome.run.progress);
  });

  it('sign-in ingestion on v1.0 (a tenant refusing /beta): the documented v1.0 page read', async () => {
    const refusal = harness.sim.faults.serverError({
      pathPattern: '^/beta/auditLogs/signIns',
      status: 404 as 503,
      next: 1,
      tenantId: harness.tenant.tenantId,
    });
    serve('^/v1.0/auditLogs/signIns', [recording('signins-v1.json').body]);
    const outcome = await new SignInIngestion({
      store: fixture.store,
      graphs: fixture.graphs,
      integrations: fixture.integrations,
      runner: fixture.runner,
      clock: systemClock,
      logger: silentLogger,
      retentionDays: 90,
      pace: noPace,
    }).run(fixture.clientId);
    harness.sim.faults.remove(refusal);
    assert.equal(outcome.run.status, 'succeeded', outcome.run.errorMessage ?? '');
    const checkpoint = await new CheckpointRepository(ctx.database.db).get(fixture.clientId, 'sign_ins');
    assert.equal(checkpoint?.state.source, 'v1.0');
  });

  it('asked for every recording it was given: each answered once and gone', () => {
    assert.deepEqual(
      served.filter((id) => harness.sim.faults.remove(id)),
      [],
    );
  });
});
