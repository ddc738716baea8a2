import type restify from 'restify';
import { createBotAdapter, type BotAdapter } from '../bot/bot-adapter.js';
import { TabLinks } from '../bot/tab-links.js';
import { TeamsBot } from '../bot/teams-bot.js';
import { TeamsNotifier } from '../bot/teams-notifier.js';
import type { AppConfig } from '../src/config/load-config.js';
import type { Core } from '../src/composition/create-core.js';
import type { Logger } from '../src/shared/logger.js';

/** The bot's parts that exist before the core: the core's notifications are delivered through this notifier. */
export interface BotEdge {
  readonly adapter: BotAdapter;
  readonly links: TabLinks;
  readonly notifier: TeamsNotifier;
}

/**
 * Builds the Bot Framework adapter (authenticated whenever bot credentials are configured; anonymous only in demo
 * mode) and the notifier the core will deliver proactive notifications through.
 */
export function createBotEdge(config: AppConfig): BotEdge {
  const adapter = createBotAdapter(config);
  const links = new TabLinks({ publicBaseUrl: config.publicBaseUrl });
  const notifier = new TeamsNotifier({ adapter: adapter.adapter, botAppId: adapter.appId, links });
  return { adapter, links, notifier };
}

export interface BotRoutesOptions {
  readonly core: Core;
  readonly logger: Logger;
  readonly edge: BotEdge;
  /** Which tenants' users may talk to the bot (the MSP's, and the connected clients'). */
  readonly isTenantAllowed: (tenantId: string) => Promise<boolean>;
}

/** Mounts the bot at POST /api/messages on the app's one server (DESIGN §4). */
export function mountBotRoutes(server: restify.Server, options: BotRoutesOptions): TeamsBot {
  const { edge, logger } = options;
  const bot = new TeamsBot({
    core: options.core,
    logger,
    adapter: edge.adapter.adapter,
    appId: edge.adapter.appId,
    anonymous: edge.adapter.anonymous,
    links: edge.links,
    isTenantAllowed: options.isTenantAllowed,
  });
  if (edge.adapter.anonymous) {
    logger.warn('bot endpoint without bot credentials: anonymous local traffic only (demo mode)');
  }
  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    await bot.process({ body: req.body as unknown, headers: req.headers, method: req.method }, res);
  });
  return bot;
}
