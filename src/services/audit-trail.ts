import type { Kysely } from 'kysely';
import type { Clock } from '../shared/clock.js';
import { scrubValue } from '../shared/logger.js';
import type { AuditLogRow, Database } from '../store/schema.js';
import type { Actor } from './actor.js';

export interface AuditEntry {
  /** Stable dotted name: `client.add`, `user.disable`, `group.exclude`, `integration.rotate_secret`… */
  readonly action: string;
  readonly clientId: string | null;
  readonly targetType?: string;
  readonly targetId?: string;
  /** What it was and what it became; scrubbed of secrets before it is stored. */
  readonly before?: unknown;
  readonly after?: unknown;
}

/**
 * The audit log (DESIGN §2): who (tenant id + object id + name), when, what, on which client and object, before
 * and after. Services record inside the same transaction as the change, so an entry exists exactly when the change
 * does.
 */
export class AuditTrail {
  private readonly clock: Clock;

  constructor(options: { readonly clock: Clock }) {
    this.clock = options.clock;
  }

  async record(db: Kysely<Database>, actor: Actor, entry: AuditEntry): Promise<void> {
    await db
      .insertInto('audit_log')
      .values({
        at: this.clock.now().toISOString(),
        actor_tenant_id: actor.tenantId,
        actor_object_id: actor.objectId,
        actor_name: actor.name ?? null,
        client_id: entry.clientId,
        action: entry.action,
        target_type: entry.targetType ?? null,
        target_id: entry.targetId ?? null,
        before: entry.before === undefined ? null : JSON.stringify(scrubValue(entry.before)),
        after: entry.after === undefined ? null : JSON.stringify(scrubValue(entry.after)),
        channel: actor.channel,
      })
      .execute();
  }

  /** Newest first. */
  async list(db: Kysely<Database>, filter: { clientId?: string; limit?: number }): Promise<AuditLogRow[]> {
    let query = db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 100);
    if (filter.clientId !== undefined) query = query.where('client_id', '=', filter.clientId);
    return query.execute();
  }
}
