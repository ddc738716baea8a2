import type { PermissionCheck } from '../contracts/integrations.js';
import { sql, type Kysely } from 'kysely';
import type { IntegrationCredentials } from '../graph/tenant-graph-factory.js';
import { AppError, NotFoundError } from '../shared/errors.js';
import type { Database, IntegrationRow } from './schema.js';
import type { ActivityDataState, IntegrationKind } from '../domain/vocabulary.js';
import type { SecretBox } from './secret-box.js';

export interface VerifiedDomain {
  readonly name: string;
  readonly isDefault: boolean;
  readonly isInitial: boolean;
}

/** An integration as the core reads it: never the secret itself, only whether one is set and until when. */
export interface IntegrationRecord {
  readonly clientId: string;
  readonly kind: IntegrationKind;
  readonly tenantId: string;
  readonly tenantInput: string;
  readonly appClientId: string;
  readonly hasSecret: boolean;
  readonly secretExpiresAt: string | null;
  readonly organizationName: string | null;
  readonly verifiedDomains: readonly VerifiedDomain[];
  readonly permissionChecks: readonly PermissionCheck[];
  readonly activityData: ActivityDataState;
  readonly activityDataCheckedAt: string | null;
  readonly status: 'connected' | 'error';
  readonly statusMessage: string | null;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  /** When an admin started the initial import (rule 2); null while groups are still being reviewed. */
  readonly importStartedAt: string | null;
}

/** What saving an integration takes; the secret arrives in clear and is stored encrypted. */
export interface SaveIntegrationInput {
  readonly clientId: string;
  readonly kind: IntegrationKind;
  readonly tenantId: string;
  readonly tenantInput: string;
  readonly appClientId: string;
  /** Clear text; required for `client_credentials`, ignored for `admin_consent`. */
  readonly clientSecret?: string | undefined;
  readonly secretExpiresAt?: string | null;
  readonly organizationName?: string | null;
  readonly verifiedDomains?: readonly VerifiedDomain[];
  readonly permissionChecks?: readonly PermissionCheck[];
  readonly status?: 'connected' | 'error';
  readonly statusMessage?: string | null;
  readonly actor: string;
  readonly at: Date;
}

/**
 * Integration rows (`integrations`), with the client secret encrypted by {@link SecretBox} bound to the client id:
 * a ciphertext copied onto another client's row does not decrypt. Only {@link credentials} ever decrypts.
 */
export class IntegrationRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly secretBox: SecretBox,
  ) {}

  async find(clientId: string): Promise<IntegrationRecord | undefined> {
    const row = await this.db
      .selectFrom('integrations')
      .selectAll()
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return row === undefined ? undefined : toIntegrationRecord(row);
  }

  /** Every client with an integration, and whether its directory was ever synced: the scheduler's clients. */
  async scheduled(): Promise<{ clientId: string; synced: boolean }[]> {
    const rows = await this.db
      .selectFrom('integrations as i')
      .select((eb) => [
        'i.client_id',
        eb
          .exists(
            eb
              .selectFrom('sync_runs as r')
              .select('r.id')
              .whereRef('r.client_id', '=', 'i.client_id')
              .where('r.kind', '=', 'directory')
              .where('r.status', '=', 'succeeded'),
          )
          .as('synced'),
      ])
      .execute();
    return rows.map((row) => ({ clientId: row.client_id, synced: Number(row.synced) === 1 }));
  }

  /** Every integration. */
  async list(): Promise<IntegrationRecord[]> {
    const rows = await this.db.selectFrom('integrations').selectAll().orderBy('client_id').execute();
    return rows.map(toIntegrationRecord);
  }

  /**
   * How to sign in to the client's tenant, secret decrypted.
   * @throws {NotFoundError} when the client has no integration; {@link AppError} `secret_unreadable`.
   */
  async credentials(clientId: string): Promise<IntegrationCredentials> {
    const row = await this.db
      .selectFrom('integrations')
      .select(['kind', 'tenant_id', 'app_client_id', 'secret_ciphertext'])
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    if (row === undefined) throw new NotFoundError('Integration of client', clientId);
    return {
      kind: row.kind,
      tenantId: row.tenant_id,
      appClientId: row.app_client_id,
      clientSecret:
        row.kind === 'client_credentials' && row.secret_ciphertext !== null
          ? this.secretBox.decrypt(row.secret_ciphertext, clientId)
          : undefined,
    };
  }

  /** Inserts or replaces the client's integration. */
  async save(input: SaveIntegrationInput): Promise<void> {
    if (
      input.kind === 'client_credentials' &&
      (input.clientSecret === undefined || input.clientSecret === '')
    ) {
      throw new AppError('secret_missing', 'A client-credentials integration needs its client secret.', {
        status: 400,
      });
    }
    const at = input.at.toISOString();
    const values = {
      kind: input.kind,
      tenant_id: input.tenantId.toLowerCase(),
      tenant_input: input.tenantInput,
      app_client_id: input.appClientId.toLowerCase(),
      secret_ciphertext:
        input.kind === 'client_credentials' && input.clientSecret !== undefined
          ? this.secretBox.encrypt(input.clientSecret, input.clientId)
          : null,
      secret_expires_at: input.secretExpiresAt ?? null,
      organization_name: input.organizationName ?? null,
      verified_domains: JSON.stringify(input.verifiedDomains ?? []),
      permission_checks: JSON.stringify(input.permissionChecks ?? []),
      status: input.status ?? 'connected',
      status_message: input.statusMessage ?? null,
      updated_at: at,
    };
    await this.db
      .insertInto('integrations')
      .values({
        client_id: input.clientId,
        ...values,
        activity_data: 'unknown',
        activity_data_checked_at: null,
        created_at: at,
        created_by: input.actor,
      })
      .onConflict((conflict) => conflict.column('client_id').doUpdateSet(values))
      .execute();
  }

  /** What the last sync read from `/organization`. */
  async recordOrganization(
    clientId: string,
    organization: { displayName: string | null; verifiedDomains: readonly VerifiedDomain[] },
    at: Date,
  ): Promise<void> {
    await this.db
      .updateTable('integrations')
      .set({
        organization_name: organization.displayName,
        verified_domains: JSON.stringify(organization.verifiedDomains),
        updated_at: at.toISOString(),
      })
      .where('client_id', '=', clientId)
      .execute();
  }

  /** Whether the tenant's activity has been read (Entra ID P1/P2), as last found. */
  async recordActivityData(clientId: string, state: ActivityDataState, at: Date): Promise<void> {
    await recordActivityData(this.db, clientId, state, at);
  }

  /** The first unconfirmed licence refusal (src/graph/licence-check.ts), if one is pending. */
  async firstLicenceRefusal(clientId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('integrations')
      .select('licence_refused_at')
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return row?.licence_refused_at ?? null;
  }

  async rememberLicenceRefusal(clientId: string, at: Date): Promise<void> {
    await this.db
      .updateTable('integrations')
      .set({ licence_refused_at: at.toISOString() })
      .where('client_id', '=', clientId)
      .where('licence_refused_at', 'is', null)
      .execute();
  }

  async forgetLicenceRefusal(clientId: string): Promise<void> {
    await this.db
      .updateTable('integrations')
      .set({ licence_refused_at: null })
      .where('client_id', '=', clientId)
      .where('licence_refused_at', 'is not', null)
      .execute();
  }

  async setStatus(
    clientId: string,
    status: 'connected' | 'error',
    message: string | null,
    at: Date,
  ): Promise<void> {
    await this.db
      .updateTable('integrations')
      .set({ status, status_message: message, updated_at: at.toISOString() })
      .where('client_id', '=', clientId)
      .execute();
  }
}

/**
 * Records whether the tenant's activity has been read, in the caller's transaction. Becoming `available` starts
 * the expiry policy (`expiry_policy_at`): users already past the threshold stop being billed from then (rule 8).
 */
export async function recordActivityData(
  db: Kysely<Database>,
  clientId: string,
  state: ActivityDataState,
  at: Date,
): Promise<void> {
  const now = at.toISOString();
  await db
    .updateTable('integrations')
    .set({
      activity_data: state,
      activity_data_checked_at: now,
      expiry_policy_at:
        state === 'available'
          ? sql<string | null>`case when activity_data = 'available' then expiry_policy_at else ${now} end`
          : sql<string | null>`expiry_policy_at`,
    })
    .where('client_id', '=', clientId)
    .execute();
}

/** An `integrations` row as an {@link IntegrationRecord} (the secret stays out: only whether there is one). */
export function toIntegrationRecord(row: IntegrationRow): IntegrationRecord {
  return {
    clientId: row.client_id,
    kind: row.kind,
    tenantId: row.tenant_id,
    tenantInput: row.tenant_input,
    appClientId: row.app_client_id,
    hasSecret: row.secret_ciphertext !== null,
    secretExpiresAt: row.secret_expires_at,
    organizationName: row.organization_name,
    verifiedDomains: parseArray(row.verified_domains) as VerifiedDomain[],
    permissionChecks: parseArray(row.permission_checks) as PermissionCheck[],
    activityData: row.activity_data,
    activityDataCheckedAt: row.activity_data_checked_at,
    status: row.status,
    statusMessage: row.status_message,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    importStartedAt: row.import_started_at,
  };
}

function parseArray(text: string): unknown[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}
