import type { ReportKind } from '../../src/contracts/reports.js';
import { NotFoundError } from '../../src/shared/errors.js';
import type { CardClient } from '../cards/card-actions.js';
import type { AdaptiveCard } from '../cards/card-kit.js';
import { clientsCard, statusCard } from '../cards/client-cards.js';
import { reportCard } from '../cards/report-card.js';
import { searchCard } from '../cards/search-card.js';
import { notificationSettingsCard, whoamiCard } from '../cards/whoami-card.js';
import { toCardClient, type WorkflowContext } from './workflow-context.js';

/** `clients`: every visible client with its status and the dashboard's figures (the tab's Clients screen's call). */
export async function listClients(context: WorkflowContext): Promise<AdaptiveCard> {
  return clientsCard((await context.core.dashboard.dashboard(context.actor)).clients);
}

/** `find <text>`: users and groups across every visible client, with the buttons the person may use. */
export async function findAcrossClients(context: WorkflowContext, text: string): Promise<AdaptiveCard> {
  return searchCard(await context.core.search.find(context.actor, { text }));
}

/** `status [client]`. */
export async function showStatus(
  context: WorkflowContext,
  client: CardClient,
  notice?: string,
): Promise<AdaptiveCard> {
  const { core, actor } = context;
  const [status] = await core.status.list(actor, client.id);
  if (status === undefined) throw new NotFoundError('Client', client.name);
  const canOperate = await core.roles.can(actor, 'client:operate', client.id);
  return statusCard(status, { canOperate, ...(notice === undefined ? {} : { notice }) });
}

/** `report usage|sso|mfa|billing [--group]`: the summary card with its link into the tab. */
export async function showReport(
  context: WorkflowContext,
  client: CardClient,
  kind: ReportKind,
  group: string | undefined,
): Promise<AdaptiveCard> {
  const report = await context.core.reports.report(context.actor, kind, {
    client: client.id,
    ...(group === undefined ? {} : { group }),
  });
  const place = await context.core.tabPlacements.find(client.id, context.conversationId);
  return reportCard(
    report,
    context.links.client(
      client,
      { section: 'reports', kind, ...(group === undefined ? {} : { group }) },
      place,
    ),
  );
}

/** `whoami`: available to anyone who reached the bot, role or not. */
export async function whoami(context: WorkflowContext): Promise<AdaptiveCard> {
  const { core, actor } = context;
  const grants = await core.roles.myGrants(actor);
  const clients = grants.length === 0 ? [] : await core.clients.list(actor);
  return whoamiCard({
    displayName: actor.name,
    tenantId: actor.tenantId,
    objectId: actor.objectId,
    grants,
    clients: new Map(clients.map((client) => [client.id, toCardClient(client)])),
    conversation: await core.notifications.conversation(actor, context.conversationId),
  });
}

/** `notifications on|off [client]` in this conversation. */
export async function setNotifications(
  context: WorkflowContext,
  enabled: boolean,
  client: string | undefined,
): Promise<AdaptiveCard> {
  const settings = await context.core.notifications.setNotifications(context.actor, context.conversationId, {
    enabled,
    ...(client === undefined ? {} : { client }),
  });
  return notificationSettingsCard(settings);
}
