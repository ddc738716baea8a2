import type { CardClient } from '../cards/card-actions.js';
import type { AdaptiveCard } from '../cards/card-kit.js';
import { licencesCard } from '../cards/licence-card.js';
import type { WorkflowContext } from './workflow-context.js';

/** `licences [client]`: the client's licences and what they cost, the inactive users still licensed, a tab link. */
export async function showLicences(context: WorkflowContext, client: CardClient): Promise<AdaptiveCard> {
  const overview = await context.core.licences.overview(context.actor, client.id);
  const inactive = await context.core.licences.inactiveLicensed(context.actor, client.id, { limit: 5 });
  const place = await context.core.tabPlacements.find(client.id, context.conversationId);
  return licencesCard(
    client,
    overview,
    inactive,
    context.links.client(client, { section: 'licences' }, place),
  );
}
