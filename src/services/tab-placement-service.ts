import { z } from 'zod/v4';
import type { Clock } from '../shared/clock.js';
import type { Store } from '../store/store.js';
import type { Actor } from './actor.js';
import type { AuditTrail } from './audit-trail.js';
import type { ClientAccess } from './client-access.js';
import { parseInput } from './validation.js';

/** Where a tab was added: a team's channel or a group chat, by the id Teams gives the tab in its context. */
export const tabPlacementInput = z.object({
  kind: z.enum(['channel', 'chat'], { error: 'must be "channel" or "chat"' }),
  id: z
    .string()
    .trim()
    .max(300)
    .regex(/^19:[^\s/]+@thread\.(tacv2|v2|skype)$/, 'must be a Teams channel or chat id (19:…@thread…)'),
});
export type TabPlacementInput = z.input<typeof tabPlacementInput>;

export interface TabPlacementView {
  readonly clientId: string;
  readonly kind: 'channel' | 'chat';
  readonly id: string;
}

export interface TabPlacementServiceOptions {
  readonly store: Store;
  readonly clientAccess: ClientAccess;
  readonly audit: AuditTrail;
  readonly clock: Clock;
}

/**
 * The channel and group-chat tabs added for each client. Cards the bot posts in such a channel or chat about that
 * client open that tab rather than the personal one (a Teams deep link to a configurable tab names its channel or
 * chat: https://learn.microsoft.com/microsoftteams/platform/concepts/build-and-test/deep-link-application).
 * Recorded when the tab's configuration is saved, forgotten when the tab is removed; both audited. Anyone who may
 * see the client may add its tab, as Teams lets any member add tabs.
 */
export class TabPlacementService {
  private readonly store: Store;
  private readonly clientAccess: ClientAccess;
  private readonly audit: AuditTrail;
  private readonly clock: Clock;

  constructor(options: TabPlacementServiceOptions) {
    this.store = options.store;
    this.clientAccess = options.clientAccess;
    this.audit = options.audit;
    this.clock = options.clock;
  }

  /**
   * Records that the client's tab lives in this channel or chat; doing it again changes nothing.
   * @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError}
   */
  async add(actor: Actor, clientRef: string, input: TabPlacementInput): Promise<TabPlacementView> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:read');
    const place = parseInput(tabPlacementInput, input);
    await this.store.transaction(async (tx) => {
      const added = await tx.tabPlacements.add(
        { clientId: client.id, kind: place.kind, id: place.id },
        { at: this.clock.now().toISOString(), actor: actor.name ?? actor.objectId },
      );
      if (!added) return;
      await this.audit.record(tx, actor, {
        action: 'tab.add',
        clientId: client.id,
        targetType: place.kind,
        targetId: place.id,
      });
    });
    return { clientId: client.id, kind: place.kind, id: place.id };
  }

  /**
   * Forgets the client's tab in this channel or chat (it was removed in Teams); an unknown one changes nothing.
   * @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError}
   */
  async remove(actor: Actor, clientRef: string, placeId: unknown): Promise<void> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:read');
    const id = parseInput(tabPlacementInput.shape.id, placeId);
    await this.store.transaction(async (tx) => {
      if (!(await tx.tabPlacements.remove(client.id, id))) return;
      await this.audit.record(tx, actor, { action: 'tab.remove', clientId: client.id, targetId: id });
    });
  }

  /** Where the client's tab is in this channel or chat, if it was added there (the bot's lookup for its cards). */
  async find(clientId: string, placeId: string): Promise<TabPlacementView | undefined> {
    return this.store.read.tabPlacements.find(clientId, placeId);
  }
}
