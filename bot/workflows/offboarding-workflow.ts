import type { CardClient } from '../cards/card-actions.js';
import type { AdaptiveCard } from '../cards/card-kit.js';
import { offboardingPreviewCard, offboardingResultCard } from '../cards/offboarding-cards.js';
import { userOrChoice } from './directory-workflows.js';
import type { WorkflowContext } from './workflow-context.js';

/**
 * `offboard [client] <user>`, or a user card's Offboard…: the steps of offboarding the user, before anything changes
 * (src/services/offboarding-service.ts). A typed name may match several users: the card asks which.
 */
export async function previewOffboarding(
  context: WorkflowContext,
  client: CardClient,
  typed: string,
): Promise<AdaptiveCard> {
  const found = await userOrChoice(context, client, typed);
  if ('card' in found) return found.card;
  const preview = await context.core.offboarding.preview(context.actor, client.id, found.user.id);
  return offboardingPreviewCard(client, preview);
}

/** The preview card's Offboard: every step in order, each with its result; audited by the core. */
export async function confirmOffboarding(
  context: WorkflowContext,
  client: CardClient,
  userId: string,
): Promise<AdaptiveCard> {
  const outcome = await context.core.offboarding.execute(context.actor, client.id, userId, { confirm: true });
  return offboardingResultCard(client, outcome);
}
