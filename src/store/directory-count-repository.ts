import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** How much of a client's directory is held: cheap indexed counts for the sync's progress and its summary. */
export class DirectoryCountRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Users and groups the client holds, not deleted in Entra (what a sync's progress is measured against). */
  async held(clientId: string): Promise<{ users: number; groups: number }> {
    const [users, groups] = await Promise.all([
      this.countObjects('directory_users', clientId, 'not deleted'),
      this.countObjects('directory_groups', clientId, 'not deleted'),
    ]);
    return { users, groups };
  }

  /** Active users and groups, and direct and transitive memberships, after a directory run. */
  async summary(
    clientId: string,
  ): Promise<{ users: number; groups: number; memberships: number; transitiveMemberships: number }> {
    return {
      users: await this.countObjects('directory_users', clientId, 'active'),
      groups: await this.countObjects('directory_groups', clientId, 'active'),
      memberships: await this.countEdges('group_members', clientId),
      transitiveMemberships: await this.countEdges('group_user_closure', clientId),
    };
  }

  private async countObjects(
    table: 'directory_users' | 'directory_groups',
    clientId: string,
    which: 'active' | 'not deleted',
  ): Promise<number> {
    const row = await this.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('client_id', '=', clientId)
      .where('entra_state', which === 'active' ? '=' : '!=', which === 'active' ? 'active' : 'deleted')
      .executeTakeFirstOrThrow();
    return row.count;
  }

  private async countEdges(table: 'group_members' | 'group_user_closure', clientId: string): Promise<number> {
    const row = await this.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('client_id', '=', clientId)
      .executeTakeFirstOrThrow();
    return row.count;
  }
}
