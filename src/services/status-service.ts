import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Actor } from './actor.js';
import type { ClientService } from './client-service.js';
import type { ClientStatus } from '../contracts/clients.js';

export interface StatusServiceOptions {
  readonly db: Kysely<Database>;
  readonly clients: ClientService;
}

/** Read-only status of the clients an actor may see. */
export class StatusService {
  private readonly db: Kysely<Database>;
  private readonly clients: ClientService;

  constructor(options: StatusServiceOptions) {
    this.db = options.db;
    this.clients = options.clients;
  }

  /** Every visible client, or just `clientRef` (name or id). @throws {NotFoundError} for an unknown/invisible client. */
  async list(actor: Actor, clientRef?: string): Promise<ClientStatus[]> {
    const clients =
      clientRef === undefined ? await this.clients.list(actor) : [await this.clients.get(actor, clientRef)];
    const statuses: ClientStatus[] = [];
    for (const client of clients) {
      const integration = await this.db
        .selectFrom('integrations')
        .select(['status', 'tenant_id', 'organization_name'])
        .where('client_id', '=', client.id)
        .executeTakeFirst();
      const users = await this.db
        .selectFrom('directory_users')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('client_id', '=', client.id)
        .where('entra_state', '!=', 'deleted')
        .executeTakeFirstOrThrow();
      const groups = await this.db
        .selectFrom('directory_groups')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('client_id', '=', client.id)
        .where('entra_state', '!=', 'deleted')
        .executeTakeFirstOrThrow();
      const lastRun = await this.db
        .selectFrom('sync_runs')
        .selectAll()
        .where('client_id', '=', client.id)
        .where('kind', '=', 'directory')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      statuses.push({
        id: client.id,
        name: client.name,
        displayName: client.display_name,
        integration: integration === undefined ? 'not connected' : integration.status,
        tenantId: integration?.tenant_id ?? null,
        organizationName: integration?.organization_name ?? null,
        users: users.count,
        groups: groups.count,
        lastSync:
          lastRun === undefined
            ? null
            : {
                kind: lastRun.kind,
                trigger: lastRun.trigger,
                status: lastRun.status,
                startedAt: lastRun.started_at,
                finishedAt: lastRun.finished_at,
                error: lastRun.error_message,
                errorCode: lastRun.error_code,
              },
      });
    }
    return statuses;
  }
}
