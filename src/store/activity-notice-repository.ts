import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** The incident kind opened when a tenant gives no sign-in data (no Entra ID P1/P2). */
export const ACTIVITY_DATA_UNAVAILABLE = 'activity_data_unavailable';

export const ACTIVITY_DATA_UNAVAILABLE_MESSAGE =
  'The tenant has no Entra ID P1 or P2 licence, so Microsoft Graph gives no sign-in data: application usage, SSO ' +
  'usage and MFA figures stay empty and nobody expires (activity unknown). It is checked again once a day.';

/**
 * The single notice about missing sign-in data, kept as an `incidents` row: opened the first time a tenant is found
 * without P1/P2, only touched (`last_seen_at`, `occurrences`) while that stays true, and resolved when sign-in data
 * comes back — so the notifier, which sends each incident's opening and resolution once (`notified_open`,
 * `notified_resolved`), posts one notice and not one per run.
 */
export class ActivityNoticeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Opens the incident, or records another occurrence of the open one. Returns whether it was newly opened. */
  async open(clientId: string, at: Date): Promise<boolean> {
    const now = at.toISOString();
    const current = await this.current(clientId);
    if (current !== undefined) {
      await this.db
        .updateTable('incidents')
        .set((eb) => ({ last_seen_at: now, occurrences: eb('occurrences', '+', 1) }))
        .where('id', '=', current.id)
        .execute();
      return false;
    }
    await this.db
      .insertInto('incidents')
      .values({
        client_id: clientId,
        kind: ACTIVITY_DATA_UNAVAILABLE,
        opened_at: now,
        resolved_at: null,
        last_seen_at: now,
        message: ACTIVITY_DATA_UNAVAILABLE_MESSAGE,
        occurrences: 1,
        notified_open: 0,
        notified_resolved: 0,
      })
      .execute();
    return true;
  }

  /** Resolves the open incident, if any. Returns whether one was resolved. */
  async resolve(clientId: string, at: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('incidents')
      .set({ resolved_at: at.toISOString(), last_seen_at: at.toISOString() })
      .where('client_id', '=', clientId)
      .where('kind', '=', ACTIVITY_DATA_UNAVAILABLE)
      .where('resolved_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  private async current(clientId: string): Promise<{ id: number } | undefined> {
    return this.db
      .selectFrom('incidents')
      .select('id')
      .where('client_id', '=', clientId)
      .where('kind', '=', ACTIVITY_DATA_UNAVAILABLE)
      .where('resolved_at', 'is', null)
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
  }
}
