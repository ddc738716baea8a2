import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * `client_daily_snapshots` (issue 16, the partner dashboard): per client and UTC day, the figures the dashboard
 * compares with yesterday that no other table keeps a history of — how many users were registered for MFA (of
 * how many with a registration record), how many applications had been seen in sign-ins — and the two that cost a
 * scan of the sign-in rollups to compute (the last 30 days' successful sign-ins to enterprise applications, and
 * those through single sign-on), so the dashboard reads them instead of scanning every client's month of sign-ins.
 * Rewritten through the day (after each directory sync and by the daily job), so a day's row holds that day's last
 * state. Billable, expired and guests already have their history in `billing_snapshots`.
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('client_daily_snapshots')
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('day', 'text', (col) => col.notNull())
    .addColumn('users', 'integer', (col) => col.notNull())
    .addColumn('mfa_registered', 'integer', (col) => col.notNull())
    .addColumn('mfa_known', 'integer', (col) => col.notNull())
    .addColumn('apps_seen', 'integer', (col) => col.notNull())
    .addColumn('enterprise_sign_ins', 'integer', (col) => col.notNull())
    .addColumn('sso_sign_ins', 'integer', (col) => col.notNull())
    .addColumn('taken_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('client_daily_snapshots_pk', ['client_id', 'day'])
    .execute();
}
