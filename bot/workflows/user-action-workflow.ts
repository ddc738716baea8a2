import type { UserActionName } from '../../src/contracts/user-actions.js';
import type { CardClient } from '../cards/card-actions.js';
import type { AdaptiveCard } from '../cards/card-kit.js';
import {
  CARD_SELECTION_LIMIT,
  nothingToActOnCard,
  userActionPreviewCard,
  userActionResultCard,
} from '../cards/user-action-cards.js';
import type { WorkflowContext } from './workflow-context.js';

/**
 * An action on users (issue 17): those a user's card names, or else, from the `licences` card, the client's expired
 * users who still hold licences. The preview first (nothing changes), for at most {@link CARD_SELECTION_LIMIT} of
 * them; the core checks the right.
 */
export async function previewInactiveAction(
  context: WorkflowContext,
  client: CardClient,
  action: UserActionName,
  users?: readonly string[],
): Promise<AdaptiveCard> {
  if (users !== undefined) {
    const preview = await context.core.userActions.preview(context.actor, client.id, {
      action,
      userIds: users,
    });
    return userActionPreviewCard(client, preview, 0);
  }
  const inactive = await context.core.licences.inactiveLicensed(context.actor, client.id, { limit: 1000 });
  const expired = inactive.users.filter((u) => u.inactiveReasons.includes('expired')).map((u) => u.id);
  if (expired.length === 0) return nothingToActOnCard(client);
  const preview = await context.core.userActions.preview(context.actor, client.id, {
    action,
    userIds: expired.slice(0, CARD_SELECTION_LIMIT),
  });
  return userActionPreviewCard(client, preview, Math.max(0, expired.length - CARD_SELECTION_LIMIT));
}

/** Confirm (or Undo): the users the preview card named, each with its result; audited by the core. */
export async function confirmAction(
  context: WorkflowContext,
  client: CardClient,
  action: UserActionName,
  users: readonly string[],
): Promise<AdaptiveCard> {
  const outcome = await context.core.userActions.execute(context.actor, client.id, {
    action,
    userIds: users,
    confirm: true,
  });
  return userActionResultCard(client, outcome);
}
