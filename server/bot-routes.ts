import type restify from 'restify';
import { createBotAdapter, type BotAdapter } from '../bot/bot-adapter.js';
import { TabLinks } from '../bot/tab-links.js';
import { TeamsBot } from '../bot/teams-bot.js';
import { TeamsNotifier } from '../bot/teams-notifier.js';
import { DEMO_TEAMS_APP_ID } from './demo-identities.js';
import type { AppConfig } from '../src/config/load-config.js';
import type { Core } from '../src/composition/create-core.js';
import { toUserFacingError } from '../src/shared/errors.js';
import type { Logger } from '../src/shared/logger.js';
import type { Actor } from '../src/services/actor.js';
import { readJsonBody } from './json-body.js';
import { isLocalRequest } from './locality.js';

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
  const links = new TabLinks({
    publicBaseUrl: config.publicBaseUrl,
    // Required in production; demo mode deep-links to the local Teams host's stand-in app.
    teamsAppId: config.teamsAppId ?? DEMO_TEAMS_APP_ID,
  });
  const notifier = new TeamsNotifier({ adapter: adapter.adapter, botAppId: adapter.appId, links });
  return { adapter, links, notifier };
}

export interface BotRoutesOptions {
  readonly core: Core;
  readonly logger: Logger;
  readonly edge: BotEdge;
  /** Which tenants' users may talk to the bot (the MSP's, and the connected clients'). */
  readonly isTenantAllowed: (tenantId: string) => Promise<boolean>;
  /** Counts each person's turns (DESIGN §9); none in tests that measure speed. */
  readonly limitUser?: (actor: Actor) => Promise<void>;
}

/** Teams activities are a few kB (a message is at most ~28 kB of text); card actions carry small payloads. */
const BOT_BODY_LIMIT = 256 * 1024;

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
    ...(options.limitUser === undefined ? {} : { limitUser: options.limitUser }),
  });
  if (edge.adapter.anonymous) {
    logger.warn('bot endpoint without bot credentials: anonymous local traffic only (demo mode)');
  } else {
    logger.info(
      { appId: edge.adapter.appId, ...edge.adapter.registration },
      'bot authenticates as its registration',
    );
  }
  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    const local = isLocalRequest(req);
    const refusal = bot.refusalBeforeBody({ headers: req.headers, local });
    if (refusal !== undefined) {
      res.json(refusal.status, refusal.body);
      return;
    }
    let body: unknown;
    try {
      body = await readJsonBody(req, BOT_BODY_LIMIT);
    } catch (error) {
      const answer = toUserFacingError(error, 'bot-body');
      if (answer.status === 413) res.header('connection', 'close');
      res.json(answer.status, { error: { code: answer.code, message: answer.message } });
      return;
    }
    await bot.process({ body, headers: req.headers, method: req.method, local }, res);
  });
  return bot;
}
