import type { Clock } from '../shared/clock.js';
import { scrubValue } from '../shared/logger.js';
import type { Repositories } from '../store/store.js';
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
   * Appends the entry through the change's repositories (`store.transaction(async (tx) => …audit.record(tx, …))`),
   * so the entry commits with the change.
   */
  async record(tx: Repositories, actor: Actor, entry: AuditEntry): Promise<void> {
    await tx.audit.append({
      at: this.clock.now().toISOString(),
      actorTenantId: actor.tenantId,
      actorObjectId: actor.objectId,
      actorName: actor.name ?? null,
      clientId: entry.clientId,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      before: entry.before === undefined ? null : JSON.stringify(scrubValue(entry.before)),
      after: entry.after === undefined ? null : JSON.stringify(scrubValue(entry.after)),
      channel: actor.channel,
    });
  }
}
