import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';
import * as initial from './0001-initial.js';
import * as directorySync from './0002-directory-sync.js';
import * as collectionRules from './0003-collection-rules.js';
import * as signInReports from './0004-sign-in-reports.js';
import * as signInEventsByTime from './0005-sign-in-events-by-time.js';
import * as signInDailyWithoutUserIndex from './0006-sign-in-daily-without-user-index.js';
import * as usersListIndexes from './0007-users-list-indexes.js';
import * as leanerUserIndexes from './0008-leaner-user-indexes.js';
import * as oneClientPerTenant from './0009-one-client-per-tenant.js';
import * as rateLimits from './0010-rate-limits.js';
import * as currentExpiryAndCollection from './0011-current-expiry-and-collection.js';
import * as tabPlacements from './0012-tab-placements.js';
import * as licenceRefusals from './0013-licence-refusals.js';
import * as schedulerInstances from './0014-scheduler-instances.js';
import * as licences from './0016-licences.js';
import * as structuredErrorFacts from './0018-structured-error-facts.js';
import * as clientDailySnapshots from './0019-client-daily-snapshots.js';
import * as alertSettingsAndWebhooks from './0020-alert-settings-and-webhooks.js';
import * as licenceRemovals from './0022-licence-removals.js';
import * as groupNesting from './0023-group-nesting.js';
import * as usersInArrivalOrder from './0024-users-in-arrival-order.js';
import * as usersClusteredAgain from './0025-users-clustered-again.js';
import * as schedulerSlots from './0026-scheduler-slots.js';
import * as usersByLowerUpn from './0027-users-by-lower-upn.js';
import * as syncRunUrgency from './0028-sync-run-urgency.js';
import * as usersSyncedFromOnPremises from './0029-users-synced-from-on-premises.js';

/** A migration that may differ slightly per engine (auto-increment ids, SQLite's WITHOUT ROWID). */
export interface DialectMigration {
  up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void>;
}

/** Every migration, by name; names sort in the order they apply. Add new ones at the end, never edit old ones. */
export const migrations: Readonly<Record<string, DialectMigration>> = {
  '0001-initial': initial,
  '0002-directory-sync': directorySync,
  '0003-collection-rules': collectionRules,
  '0004-sign-in-reports': signInReports,
  '0005-sign-in-events-by-time': signInEventsByTime,
  '0006-sign-in-daily-without-user-index': signInDailyWithoutUserIndex,
  '0007-users-list-indexes': usersListIndexes,
  '0008-leaner-user-indexes': leanerUserIndexes,
  '0009-one-client-per-tenant': oneClientPerTenant,
  '0010-rate-limits': rateLimits,
  '0011-current-expiry-and-collection': currentExpiryAndCollection,
  '0012-tab-placements': tabPlacements,
  '0013-licence-refusals': licenceRefusals,
  '0014-scheduler-instances': schedulerInstances,
  '0016-licences': licences,
  '0018-structured-error-facts': structuredErrorFacts,
  '0019-client-daily-snapshots': clientDailySnapshots,
  '0020-alert-settings-and-webhooks': alertSettingsAndWebhooks,
  '0022-licence-removals': licenceRemovals,
  '0023-group-nesting': groupNesting,
  '0024-users-in-arrival-order': usersInArrivalOrder,
  '0025-users-clustered-again': usersClusteredAgain,
  '0026-scheduler-slots': schedulerSlots,
  '0027-users-by-lower-upn': usersByLowerUpn,
  '0028-sync-run-urgency': syncRunUrgency,
  '0029-users-synced-from-on-premises': usersSyncedFromOnPremises,
};
