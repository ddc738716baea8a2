import { formatCents } from '../domain/licence-cost.js';
import type { ExpiryThresholdPreview } from '../contracts/integrations.js';
import type { Actor } from './actor.js';
import type { ReconcileOutcome } from './collection-reconciler.js';
import { parseInput } from './validation.js';
import { IntegrationBase } from './integration-base.js';
import { thresholdSchema } from './integration-inputs.js';

/**
 * The collection settings of a connected client: starting the initial import (rule 2) and the expiry threshold
 * (rule 8). Both need the integration and write the integration row.
 */
export class CollectionSettings extends IntegrationBase {
  /**
   * Rule 2: starts the initial import once the admin has reviewed the groups — every eligible user is imported now,
   * and later syncs import new eligible users automatically. Starting it again changes nothing.
   * @throws {NotFoundError} (no such client, or no integration); {@link ForbiddenError}.
   */
  async startImport(
    actor: Actor,
    clientRef: string,
  ): Promise<{ startedAt: string; alreadyStarted: boolean; reconciled: ReconcileOutcome }> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:operate');
    await this.requireIntegration(client);
    const at = this.clock.now().toISOString();
    const started = await this.store.transaction(async (tx) => {
      const admin = tx.integrationAdmin;
      const changed = await admin.markImportStarted(client.id, at);
      if (changed) {
        await this.audit.record(tx, actor, {
          action: 'integration.start_import',
          clientId: client.id,
          targetType: 'integration',
          targetId: client.id,
          after: { importStartedAt: at },
        });
      }
      const row = await admin.find(client.id);
      return { changed, startedAt: row?.import_started_at ?? at };
    });
    const reconciled = await this.reconciler.reconcile(client.id);
    return { startedAt: started.startedAt, alreadyStarted: !started.changed, reconciled };
  }

  /**
   * Rule 8: what setting the expiry threshold to `days` would do now — users newly expired (and what their licences
   * cost a month where prices are set), users no longer expired. Changes nothing.
   * @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError}
   */
  async previewExpiryThreshold(
    actor: Actor,
    clientRef: string,
    days: number | string,
  ): Promise<ExpiryThresholdPreview> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:configure');
    const thresholdDays = parseInput(thresholdSchema, days);
    const impact = await this.store.read.expiryImpact.impact(
      client.id,
      client.expiryDays,
      thresholdDays,
      this.clock.now(),
    );
    const currency = await this.store.read.licenceCosts.currency(client.id);
    const cents = impact.newlyExpiredLicenceCents;
    return {
      currentDays: client.expiryDays,
      thresholdDays,
      newlyExpired: impact.newlyExpired,
      noLongerExpired: impact.noLongerExpired,
      newlyExpiredLicenceCost:
        cents === null || currency === null ? null : { cents, amount: formatCents(cents), currency },
    };
  }

  /**
   * Rule 8: the client's expiry threshold (whole days, 7–365; default 30). Every verdict follows at once (expiry is
   * evaluated whenever it is read); the result says how many users the change moved into and out of expiry. Users
   * past the new threshold stop being billed now.
   * @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError}
   */
  async setExpiryThreshold(
    actor: Actor,
    clientRef: string,
    days: number | string,
  ): Promise<{ thresholdDays: number; newlyExpired: number; noLongerExpired: number }> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:configure');
    const thresholdDays = parseInput(thresholdSchema, days);
    if (thresholdDays === client.expiryDays) return { thresholdDays, newlyExpired: 0, noLongerExpired: 0 };
    const at = this.clock.now().toISOString();
    const change = await this.store.transaction(async (tx) => {
      await tx.clients.update(client.id, { expiryDays: thresholdDays });
      await tx.integrationAdmin.update(client.id, { expiry_policy_at: at });
      const moved = await this.reconciler.expiryChange(tx, client.id, {
        thresholdDays: client.expiryDays,
      });
      await this.audit.record(tx, actor, {
        action: 'client.expiry_threshold',
        clientId: client.id,
        targetType: 'client',
        targetId: client.id,
        before: { expiryDays: client.expiryDays },
        after: { expiryDays: thresholdDays, ...moved },
      });
      return moved;
    });
    return { thresholdDays, ...change };
  }
}
