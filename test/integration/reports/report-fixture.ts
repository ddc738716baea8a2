import type { Kysely } from 'kysely';
import { isSimGuest, type SimSignIn, type SimTenant } from '../../../sim/index.js';
import { REPORTS_PACE_KEY } from '../../../src/graph/tenant-gate.js';
import type { Clock } from '../../../src/shared/clock.js';
import type { Database } from '../../../src/store/schema.js';
import { MfaRegistrationSync } from '../../../src/sync/mfa-registration-sync.js';
import { ServicePrincipalSync } from '../../../src/sync/service-principal-sync.js';
import { SignInIngestion, type SignInIngestionOptions } from '../../../src/sync/sign-in-ingestion.js';
import { silentLogger, type SyncFixture } from '../sync/sync-harness.js';

/** No spacing between reports-tier requests: the simulator does not throttle unless told to. */
export const noPace = { key: REPORTS_PACE_KEY, minIntervalMs: 0 };

/** Sign-in ingestion, MFA registration and service principal syncs for a connected test client. */
export function activityStreams(
  db: Kysely<Database>,
  fixture: SyncFixture,
  clock: Clock,
  options: Partial<SignInIngestionOptions> = {},
): { ingestion: SignInIngestion; mfa: MfaRegistrationSync; servicePrincipals: ServicePrincipalSync } {
  const shared = {
    db,
    store: fixture.store,
    graphs: fixture.graphs,
    integrations: fixture.integrations,
    runner: fixture.runner,
    clock,
  };
  return {
    ingestion: new SignInIngestion({
      ...shared,
      logger: silentLogger,
      retentionDays: 90,
      pace: noPace,
      ...options,
    }),
    mfa: new MfaRegistrationSync({ ...shared, logger: silentLogger, pace: noPace }),
    servicePrincipals: new ServicePrincipalSync(shared),
  };
}

/** Per user, application and day, as the test computes it from the simulator's log. */
export interface DailyTruth {
  signIns: number;
  successes: number;
  mfa: number;
  singleFactor: number;
}

export const succeeded = (signIn: SimSignIn): boolean => signIn.status.errorCode === 0;

/** The tenant's sign-ins as the product can read them: all from /beta, the interactive ones from v1.0. */
export function visibleSignIns(tenant: SimTenant, source: 'beta' | 'v1.0' = 'beta'): SimSignIn[] {
  return [...tenant.signIns({ interactiveOnly: source === 'v1.0' })];
}

/**
 * The sign-ins the product keeps once every eligible user is imported: those of members (rule 10 — guests are
 * never imported, so their sign-ins are not collected).
 */
export function collectedSignIns(tenant: SimTenant, source: 'beta' | 'v1.0' = 'beta'): SimSignIn[] {
  return visibleSignIns(tenant, source).filter((signIn) => {
    const user = tenant.user(signIn.userId);
    return user !== undefined && !isSimGuest(user);
  });
}

export { isSimGuest };

/** `day|user|app` → counts, computed from the simulator's sign-ins. */
export function dailyTruth(signIns: readonly SimSignIn[], knowRequirement = true): Map<string, DailyTruth> {
  const out = new Map<string, DailyTruth>();
  for (const signIn of signIns) {
    const key = `${signIn.createdDateTime.slice(0, 10)}|${signIn.userId}|${signIn.appId}`;
    const row = out.get(key) ?? { signIns: 0, successes: 0, mfa: 0, singleFactor: 0 };
    row.signIns++;
    if (succeeded(signIn)) {
      row.successes++;
      if (knowRequirement && signIn.authenticationRequirement === 'multiFactorAuthentication') row.mfa++;
      if (knowRequirement && signIn.authenticationRequirement === 'singleFactorAuthentication')
        row.singleFactor++;
    }
    out.set(key, row);
  }
  return out;
}

/** The stored `sign_in_daily` of a client in the same shape. */
export async function storedDaily(db: Kysely<Database>, clientId: string): Promise<Map<string, DailyTruth>> {
  const rows = await db.selectFrom('sign_in_daily').selectAll().where('client_id', '=', clientId).execute();
  return new Map(
    rows.map((row) => [
      `${row.day}|${row.user_id}|${row.app_id}`,
      {
        signIns: row.sign_ins,
        successes: row.successes,
        mfa: row.mfa_sign_ins,
        singleFactor: row.single_factor_sign_ins,
      },
    ]),
  );
}

/** Each user's newest successful sign-in (ISO) and its application's name. */
export function lastSuccessTruth(signIns: readonly SimSignIn[]): Map<string, { at: string; app: string }> {
  const out = new Map<string, { at: string; app: string }>();
  for (const signIn of signIns) {
    if (!succeeded(signIn)) continue;
    const at = new Date(signIn.createdDateTime).toISOString();
    const current = out.get(signIn.userId);
    if (current === undefined || at > current.at) out.set(signIn.userId, { at, app: signIn.appDisplayName });
  }
  return out;
}

/** Sorted entries, for deepEqual of maps. */
export function entries<V>(map: ReadonlyMap<string, V>): [string, V][] {
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
