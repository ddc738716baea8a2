import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** An enterprise application (service principal) of a tenant, as the store keeps it. */
export interface ServicePrincipalRecord {
  readonly id: string;
  readonly appId: string;
  readonly displayName: string | null;
  /** `saml` | `oidc` | `password` | `notSupported` | null (none). */
  readonly preferredSingleSignOnMode: string | null;
  readonly servicePrincipalType: string | null;
  readonly accountEnabled: boolean;
  /** The tenant that owns the application (Microsoft's for its own services). */
  readonly appOwnerOrganizationId: string | null;
}

const CHUNK = 500;

/**
 * `service_principals`: the full list is read each round, every row written carries the round's stamp
 * (`updated_at`), and {@link sweep} removes what a completed round did not see (deleted applications).
 */
export class ServicePrincipalRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async upsertPage(
    clientId: string,
    records: readonly ServicePrincipalRecord[],
    roundStamp: string,
  ): Promise<void> {
    for (let start = 0; start < records.length; start += CHUNK) {
      const rows = records.slice(start, start + CHUNK).map((record) => ({
        client_id: clientId,
        id: record.id,
        app_id: record.appId,
        display_name: record.displayName,
        preferred_single_sign_on_mode: record.preferredSingleSignOnMode,
        service_principal_type: record.servicePrincipalType,
        account_enabled: record.accountEnabled ? (1 as const) : (0 as const),
        app_owner_organization_id: record.appOwnerOrganizationId,
        updated_at: roundStamp,
      }));
      await this.db
        .insertInto('service_principals')
        .values(rows)
        .onConflict((conflict) =>
          conflict.columns(['client_id', 'id']).doUpdateSet((eb) => ({
            app_id: eb.ref('excluded.app_id'),
            display_name: eb.ref('excluded.display_name'),
            preferred_single_sign_on_mode: eb.ref('excluded.preferred_single_sign_on_mode'),
            service_principal_type: eb.ref('excluded.service_principal_type'),
            account_enabled: eb.ref('excluded.account_enabled'),
            app_owner_organization_id: eb.ref('excluded.app_owner_organization_id'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  }

  /** Removes rows a completed round did not write. Returns how many. */
  async sweep(clientId: string, roundStamp: string): Promise<number> {
    const result = await this.db
      .deleteFrom('service_principals')
      .where('client_id', '=', clientId)
      .where('updated_at', '<>', roundStamp)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
