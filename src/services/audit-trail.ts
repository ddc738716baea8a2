import type { Kysely } from 'kysely';
import type { Clock } from '../shared/clock.js';
import { scrubValue } from '../shared/logger.js';
import type { Database } from '../store/schema.js';
import { isRepositories, repositoriesOver, type Repositories } from '../store/store.js';
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

  /**
   * Appends the entry through the change's repositories (`store.transaction(async (tx) => …audit.record(tx, …))`).
   * A raw Kysely handle is still accepted from the services not yet moved to the Store (see eslint.config.js).
   */
  async record(into: Repositories | Kysely<Database>, actor: Actor, entry: AuditEntry): Promise<void> {
    const repositories = isRepositories(into) ? into : repositoriesOver(into);
    await repositories.audit.append({
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
    });
  }
}
