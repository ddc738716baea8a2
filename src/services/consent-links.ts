import type { ConsentLinkView } from '../contracts/integrations.js';
import type { Actor } from './actor.js';
import { consentPayloadOf } from './admin-consent.js';
import { IntegrationBase } from './integration-base.js';

/**
 * The consent links an admin copied for a client's own Global Administrator (Copy consent link): which are still
 * open, and withdrawing them. A link itself is never stored — only a hash of its nonce with what it is bound to
 * (see {@link ConsentStateSigner}) — so a listed link cannot be shown again, only revoked.
 */
export class ConsentLinks extends IntegrationBase {
  /**
   * The client's open shareable consent links (unused, unexpired), newest first.
   * @throws {NotFoundError} {@link ForbiddenError} (needs the right to configure the client)
   */
  async list(actor: Actor, clientRef: string): Promise<ConsentLinkView[]> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:configure');
    const rows = await this.store.read.pendingActions.listOpen(
      client.id,
      'admin_consent',
      this.clock.now().toISOString(),
    );
    return rows.flatMap((row) => {
      const payload = consentPayloadOf(row.payload);
      if (payload?.shareable !== true) return [];
      return [
        {
          createdAt: row.created_at,
          expiresAt: row.expires_at,
          createdBy: payload.actorName,
          tenant: payload.tenantInput,
          tenantId: payload.tenantId,
        },
      ];
    });
  }

  /**
   * Withdraws every open shareable consent link of the client: each is used up at once, so opening it later is
   * refused with "withdrawn". Audited (one entry, with how many). Idempotent: nothing open, nothing changes.
   * @throws {NotFoundError} {@link ForbiddenError}
   */
  async revoke(actor: Actor, clientRef: string): Promise<{ revoked: number }> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:configure');
    const now = this.clock.now().toISOString();
    return this.store.transaction(async (tx) => {
      const pending = tx.pendingActions;
      let revoked = 0;
      for (const row of await pending.listOpen(client.id, 'admin_consent', now)) {
        const payload = consentPayloadOf(row.payload);
        if (payload?.shareable !== true) continue;
        await pending.setPayload(row.id, JSON.stringify({ ...payload, revokedAt: now }));
        if (await pending.markUsed(row.id, now)) revoked++;
      }
      if (revoked > 0) {
        await this.audit.record(tx, actor, {
          action: 'integration.consent_link_revoked',
          clientId: client.id,
          targetType: 'integration',
          targetId: client.id,
          after: { revoked },
        });
      }
      return { revoked };
    });
  }
}
