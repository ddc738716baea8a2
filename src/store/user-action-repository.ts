import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** A user of the directory copy, as an action on users needs it. */
export interface ActionUserRecord {
  readonly id: string;
  readonly displayName: string | null;
  readonly userPrincipalName: string | null;
  readonly accountEnabled: boolean;
  readonly entraState: string;
  /**
   * Whether the user holds an administrator role in the tenant, as Microsoft's authentication methods registration
   * report last said (`isAdmin`, https://learn.microsoft.com/en-us/graph/api/resources/userregistrationdetails);
   * null where the report has not been read for the user.
   */
  readonly isAdmin: boolean | null;
  /** Synchronised from an on-premises Active Directory: Graph cannot block or allow its sign-in. */
  readonly onPremisesSynced: boolean;
}

const CHUNK = 500;

/**
 * What acting on users reads and writes (issue 17): the selected users, the licences they hold, the licences the
 * product removed (migration 0022, what the Undo gives back), and the directory copy updated to what Graph now holds.
 */
export class UserActionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The selected users of the client's directory copy (ids lower case), by id. */
  async users(clientId: string, ids: readonly string[]): Promise<Map<string, ActionUserRecord>> {
    const found = new Map<string, ActionUserRecord>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('directory_users as u')
        .leftJoin('mfa_registrations as m', (join) =>
          join.onRef('m.client_id', '=', 'u.client_id').onRef('m.user_id', '=', 'u.id'),
        )
        .select([
          'u.id',
          'u.display_name',
          'u.user_principal_name',
          'u.account_enabled',
          'u.entra_state',
          'u.on_premises_sync',
          'm.is_admin',
        ])
        .where('u.client_id', '=', clientId)
        .where('u.id', 'in', ids.slice(i, i + CHUNK))
        .execute();
      for (const row of rows) {
        found.set(row.id, {
          id: row.id,
          displayName: row.display_name,
          userPrincipalName: row.user_principal_name,
          accountEnabled: row.account_enabled === 1,
          entraState: row.entra_state,
          isAdmin: row.is_admin === null ? null : row.is_admin === 1,
          onPremisesSynced: row.on_premises_sync === 1,
        });
      }
    }
    return found;
  }

  /** The SKUs each selected user holds in the directory copy (users without any are absent). */
  async licencesOf(clientId: string, ids: readonly string[]): Promise<Map<string, string[]>> {
    const held = new Map<string, string[]>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('user_licences')
        .select(['user_id', 'sku_id'])
        .where('client_id', '=', clientId)
        .where('user_id', 'in', ids.slice(i, i + CHUNK))
        .orderBy('user_id')
        .orderBy('sku_id')
        .execute();
      for (const row of rows) held.set(row.user_id, [...(held.get(row.user_id) ?? []), row.sku_id]);
    }
    return held;
  }

  /** The licences the product removed from each selected user and has not given back yet. */
  async removedLicences(clientId: string, ids: readonly string[]): Promise<Map<string, string[]>> {
    const removed = new Map<string, string[]>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('licence_removals')
        .select(['user_id', 'sku_id'])
        .where('client_id', '=', clientId)
        .where('user_id', 'in', ids.slice(i, i + CHUNK))
        .where('restored_at', 'is', null)
        .orderBy('user_id')
        .orderBy('sku_id')
        .execute();
      for (const row of rows) removed.set(row.user_id, [...(removed.get(row.user_id) ?? []), row.sku_id]);
    }
    return removed;
  }

  /** Users whose sign-in Graph changed: the copy holds what Graph now holds (the next sync reads the same). */
  async setAccountEnabled(clientId: string, ids: readonly string[], enabled: boolean): Promise<void> {
    for (let i = 0; i < ids.length; i += CHUNK) {
      await this.db
        .updateTable('directory_users')
        .set({ account_enabled: enabled ? 1 : 0 })
        .where('client_id', '=', clientId)
        .where('id', 'in', ids.slice(i, i + CHUNK))
        .execute();
    }
  }

  /** Licences Graph removed from a user: gone from the copy, and recorded for the Undo. */
  async recordRemoval(
    clientId: string,
    userId: string,
    skuIds: readonly string[],
    at: string,
    by: string,
  ): Promise<void> {
    if (skuIds.length === 0) return;
    await this.db
      .deleteFrom('user_licences')
      .where('client_id', '=', clientId)
      .where('user_id', '=', userId)
      .where('sku_id', 'in', skuIds)
      .execute();
    await this.db
      .insertInto('licence_removals')
      .values(
        skuIds.map((skuId) => ({
          client_id: clientId,
          user_id: userId,
          sku_id: skuId,
          removed_at: at,
          removed_by: by,
          restored_at: null,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['client_id', 'user_id', 'sku_id']).doUpdateSet({
          removed_at: at,
          removed_by: by,
          restored_at: null,
        }),
      )
      .execute();
  }

  /** Licences Graph gave back to a user: in the copy again, and the removal marked undone. */
  async recordRestore(
    clientId: string,
    userId: string,
    skuIds: readonly string[],
    at: string,
  ): Promise<void> {
    if (skuIds.length === 0) return;
    await this.db
      .updateTable('licence_removals')
      .set({ restored_at: at })
      .where('client_id', '=', clientId)
      .where('user_id', '=', userId)
      .where('sku_id', 'in', skuIds)
      .execute();
    await this.db
      .insertInto('user_licences')
      .values(
        // The next licence sync rewrites these rows with its own round stamp.
        skuIds.map((skuId) => ({ client_id: clientId, user_id: userId, sku_id: skuId, round_stamp: at })),
      )
      .onConflict((oc) => oc.columns(['client_id', 'user_id', 'sku_id']).doNothing())
      .execute();
  }
}
