import type { Kysely } from 'kysely';
import type { Database, Flag } from './schema.js';

/** One user's `userRegistrationDetails`, as the store keeps it. */
export interface MfaRegistrationRecord {
  readonly userId: string;
  readonly userPrincipalName: string | null;
  readonly userDisplayName: string | null;
  /** `member` | `guest`, as Graph says it. */
  readonly userType: string | null;
  readonly isAdmin: boolean | null;
  readonly isMfaRegistered: boolean;
  readonly isMfaCapable: boolean;
  readonly isPasswordlessCapable: boolean;
  readonly isSsprRegistered: boolean;
  readonly methodsRegistered: readonly string[];
  readonly lastUpdatedAt: string | null;
}

const CHUNK = 500;

/**
 * `mfa_registrations`: the full list is read each round; every row written in a round carries the round's stamp
 * (`synced_at`), and {@link sweep} removes the rows a completed round did not see (users deleted since).
 */
export class MfaRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async upsertPage(
    clientId: string,
    records: readonly MfaRegistrationRecord[],
    roundStamp: string,
  ): Promise<void> {
    for (let start = 0; start < records.length; start += CHUNK) {
      const rows = records.slice(start, start + CHUNK).map((record) => ({
        client_id: clientId,
        user_id: record.userId,
        user_principal_name: record.userPrincipalName,
        user_display_name: record.userDisplayName,
        user_type: record.userType,
        is_admin: record.isAdmin === null ? null : flag(record.isAdmin),
        is_mfa_registered: flag(record.isMfaRegistered),
        is_mfa_capable: flag(record.isMfaCapable),
        is_passwordless_capable: flag(record.isPasswordlessCapable),
        is_sspr_registered: flag(record.isSsprRegistered),
        methods_registered: JSON.stringify(record.methodsRegistered),
        last_updated_at: record.lastUpdatedAt,
        synced_at: roundStamp,
      }));
      await this.db
        .insertInto('mfa_registrations')
        .values(rows)
        .onConflict((conflict) =>
          conflict.columns(['client_id', 'user_id']).doUpdateSet((eb) => ({
            user_principal_name: eb.ref('excluded.user_principal_name'),
            user_display_name: eb.ref('excluded.user_display_name'),
            user_type: eb.ref('excluded.user_type'),
            is_admin: eb.ref('excluded.is_admin'),
            is_mfa_registered: eb.ref('excluded.is_mfa_registered'),
            is_mfa_capable: eb.ref('excluded.is_mfa_capable'),
            is_passwordless_capable: eb.ref('excluded.is_passwordless_capable'),
            is_sspr_registered: eb.ref('excluded.is_sspr_registered'),
            methods_registered: eb.ref('excluded.methods_registered'),
            last_updated_at: eb.ref('excluded.last_updated_at'),
            synced_at: eb.ref('excluded.synced_at'),
          })),
        )
        .execute();
    }
  }

  /** Removes rows a completed round did not write. Returns how many. */
  async sweep(clientId: string, roundStamp: string): Promise<number> {
    const result = await this.db
      .deleteFrom('mfa_registrations')
      .where('client_id', '=', clientId)
      .where('synced_at', '<>', roundStamp)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async count(clientId: string): Promise<number> {
    const row = await this.db
      .selectFrom('mfa_registrations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('client_id', '=', clientId)
      .executeTakeFirstOrThrow();
    return row.n;
  }
}

function flag(value: boolean): Flag {
  return value ? 1 : 0;
}
