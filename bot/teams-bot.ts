import { Application } from '@microsoft/teams-ai';
import { CardFactory, MessageFactory, TurnContext, type Activity } from 'botbuilder';
import type { Response } from 'botbuilder';
import { z } from 'zod/v4';
import type { CoreServices } from '../src/composition/create-core.js';
import type { Actor } from '../src/services/actor.js';
import type { Logger } from '../src/shared/logger.js';
import { runAction } from './actions/action-handler.js';
import { ConversationReferenceStore } from './conversation-reference-store.js';
import type { AuthenticatingTeamsAdapter } from './authenticating-teams-adapter.js';
import { isAppError, UnauthenticatedError, type ErrorCode } from '../src/shared/errors.js';
import { errorCardFor } from './bot-errors.js';
import type { AdaptiveCard } from './cards/card-kit.js';
import { errorCard } from './cards/error-card.js';
import { welcomeCard } from './cards/help-card.js';
import { answerMessage, type CommandAnswer } from './commands/command-handler.js';
import { parseCommand } from './commands/command-parser.js';
import { SharedCards } from './shared-cards.js';
import type { TabLinks } from './tab-links.js';
import { actorOf, conversationKeyOf } from './turn-identity.js';
import type { CardUpdater, SyncWorkflowOptions } from './workflows/sync-workflow.js';
import type { WorkflowContext } from './workflows/workflow-context.js';

export interface TeamsBotOptions {
  readonly core: CoreServices;
  readonly logger: Logger;
  readonly adapter: AuthenticatingTeamsAdapter;
  /** The bot's app id; empty in anonymous demo mode. */
  readonly appId: string;
  /** Anonymous demo mode: only a client on this machine (the Agents Playground) may talk to the bot. */
  readonly anonymous: boolean;
  readonly links: TabLinks;
  /** The MSP's tenants and the connected clients' tenants (DESIGN §7: only their users reach the bot). */
  readonly isTenantAllowed: (tenantId: string) => Promise<boolean>;
  /** How often a sync card is updated at most. Default 1500 ms. */
  readonly syncUpdateIntervalMs?: number;
  /** Counts each person's turns (DESIGN §9 rate limits); throws `rate_limited` over the limit. */
  readonly limitUser?: (actor: Actor) => Promise<void>;
}

/** The HTTP request as the bot needs it (restify's, or any framework's). */
export interface BotHttpRequest {
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly method: string | undefined;
  /** Whether the request comes from this machine, decided from its socket (server/locality.ts). */
  readonly local: boolean;
}

/** Why a request is refused before its body is read, with the answer to give. */
export interface BotRefusal {
  readonly status: number;
  readonly body: ErrorAnswer;
}

/** The bot endpoint's error body: a code from the one catalogue and a sentence. */
interface ErrorAnswer {
  readonly error: { readonly code: ErrorCode; readonly message: string };
}

function errorAnswer(code: ErrorCode, message: string): ErrorAnswer {
  return { error: { code, message } };
}

const CARD_RESPONSE = 'application/vnd.microsoft.card.adaptive';

/** What /api/messages accepts before Bot Framework sees it: a well-formed activity envelope, nothing else. */
const activityEnvelope = z.looseObject({
  type: z.string().min(1).max(64),
  serviceUrl: z.url({ protocol: /^https?$/ }).max(2048),
  channelId: z.string().min(1).max(64).optional(),
  name: z.string().max(256).optional(),
  text: z.string().max(28_000).optional(),
  conversation: z.looseObject({ id: z.string().min(1).max(1024) }),
  from: z.looseObject({ id: z.string().max(1024) }).optional(),
});

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

const REFUSED_REMOTE: BotRefusal = {
  status: 403,
  body: errorAnswer(
    'local_only',
    'Without bot credentials (demo mode) only a client on this machine may talk to the bot.',
  ),
};
const REFUSED_UNSIGNED: BotRefusal = {
  status: 401,
  body: errorAnswer('unauthenticated', 'A Bot Framework token is required.'),
};

/**
 * The Teams bot (DESIGN §4): a teams-ai Application on the Bot Framework adapter, calling only the core's services.
 *
 * - Every turn: the sender is identified (`aadObjectId` + tenant) and must belong to an allowed tenant; the
 *   conversation reference is stored in the database (forgotten on uninstall).
 * - Messages are commands (`help` for anything else); card clicks are Universal Actions answered with the
 *   refreshed card; any other invoke is refused with 400. In group chats and channels cards carry `refresh` and a
 *   click that changes something updates the message for everyone ({@link SharedCards}).
 * - Proactive messages (sync progress, notifications) go through the same adapter.
 */
export class TeamsBot {
  readonly app: Application;
  private readonly options: TeamsBotOptions;
  private readonly logger: Logger;
  private readonly sync: SyncWorkflowOptions;
  private readonly actors = new WeakMap<TurnContext, Actor>();
  private readonly references: ConversationReferenceStore;
  private readonly shared: SharedCards;

  constructor(options: TeamsBotOptions) {
    this.options = options;
    this.logger = options.logger.child({ component: 'bot' });
    this.references = new ConversationReferenceStore(options.core.notifications, this.logger);
    this.shared = new SharedCards(this.logger);
    this.sync = {
      logger: this.logger,
      ...(options.syncUpdateIntervalMs === undefined
        ? {}
        : { minUpdateIntervalMs: options.syncUpdateIntervalMs }),
    };
    this.app = new Application({
      adapter: options.adapter,
      botAppId: options.appId,
      removeRecipientMention: true,
      startTypingTimer: true,
    });
    this.app.error(async (context, error) => {
      await this.onTurnError(context, error);
    });
    this.app.turn('beforeTurn', (context) => this.beforeTurn(context));
    // Invoke routes are tried first; this one takes every invoke, so none is left without an answer.
    this.app.addRoute(
      (context) => Promise.resolve(context.activity.type === 'invoke'),
      (context) => this.onInvoke(context),
      true,
    );
    this.app.activity('installationUpdate', (context) => this.onInstallation(context));
    this.app.conversationUpdate('membersRemoved', (context) => this.onMembersRemoved(context));
    this.app.conversationUpdate('membersAdded', () => Promise.resolve());
    // The catch-all for messages, registered last (teams-ai matches routes in registration order).
    this.app.activity('message', (context) => this.onMessage(context));
  }

  /**
   * What is refused before the body is even read (DESIGN §9: bodies only after authentication): without bot
   * credentials (demo mode), any request not from this machine — decided from the socket, never from the activity's
   * `serviceUrl`; with them, any request without a bearer token signed the way Bot Framework signs (RS256).
   */
  refusalBeforeBody(req: Pick<BotHttpRequest, 'headers' | 'local'>): BotRefusal | undefined {
    if (this.options.anonymous) return req.local ? undefined : REFUSED_REMOTE;
    return isSignedBearer(req.headers.authorization) ? undefined : REFUSED_UNSIGNED;
  }

  /**
   * Handles one POST /api/messages. Malformed envelopes are answered 400 before Bot Framework sees them; with
   * credentials configured the adapter rejects requests without a valid token (401).
   */
  async process(req: BotHttpRequest, res: Response & { readonly headersSent: boolean }): Promise<void> {
    const refusal = this.refusalBeforeBody(req);
    if (refusal !== undefined) {
      reply(res, refusal.status, refusal.body);
      return;
    }
    const envelope = activityEnvelope.safeParse(req.body);
    if (!envelope.success) {
      reply(res, 400, errorAnswer('invalid_activity', 'The request body is not a Bot Framework activity.'));
      return;
    }
    if (this.options.anonymous && !LOOPBACK.has(new URL(envelope.data.serviceUrl).hostname)) {
      reply(
        res,
        400,
        errorAnswer(
          'service_url_refused',
          'Without bot credentials only a local client may talk to the bot.',
        ),
      );
      return;
    }
    try {
      const answer = await this.options.adapter.handle(
        toActivity(envelope.data),
        typeof req.headers.authorization === 'string' ? req.headers.authorization : '',
        async (context) => {
          await this.app.run(context);
        },
      );
      reply(res, answer.status, answer.body);
    } catch (error) {
      if (error instanceof UnauthenticatedError) {
        this.logger.info({ err: error }, 'bot request refused: no valid Bot Framework token');
        reply(res, 401, errorAnswer(error.code, error.message));
        return;
      }
      this.logger.error({ err: error }, 'bot request failed');
      if (!res.headersSent) {
        reply(res, 503, errorAnswer('unavailable', 'The bot could not handle the activity now.'));
      }
    }
  }

  private async beforeTurn(context: TurnContext): Promise<boolean> {
    const activity = context.activity;
    const actor = actorOf(activity);
    if (actor === undefined) {
      await this.refuse(
        context,
        'I cannot tell who you are: Teams did not send your Entra identity with this message.',
      );
      return false;
    }
    if (!(await this.options.isTenantAllowed(actor.tenantId))) {
      this.logger.info(
        { tenantId: actor.tenantId, type: activity.type },
        'turn from a tenant that is not allowed',
      );
      await this.refuse(
        context,
        'This bot serves its MSP and the clients it manages; your organisation is not one of them.',
      );
      return false;
    }
    if (this.options.limitUser !== undefined) {
      try {
        await this.options.limitUser(actor);
      } catch (error) {
        if (!isAppError(error, 'rate_limited')) throw error;
        await this.refuse(context, error.message);
        return false;
      }
    }
    this.actors.set(context, actor);
    if (!isFarewell(activity)) await this.references.capture(context, actor);
    return true;
  }

  private async onMessage(context: TurnContext): Promise<void> {
    const workflow = this.workflowOf(context);
    const parsed = parseCommand(textOf(context.activity.text) ?? '');
    let answer: CommandAnswer;
    try {
      answer = await answerMessage(workflow, parsed, this.sync);
    } catch (error) {
      answer = {
        card: errorCardFor(error, this.logger, { turn: 'message', conversationId: workflow.conversationId }),
      };
    }
    const card = await this.shared.withRefresh(context, answer.card, answer.view);
    const sent = await context.sendActivity(cardMessage(card));
    if (answer.follow !== undefined && sent?.id !== undefined)
      answer.follow(sent.id, this.updaterFor(context, sent.id));
  }

  private async onInvoke(context: TurnContext): Promise<void> {
    if (context.activity.name !== 'adaptiveCard/action') {
      await answerInvoke(
        context,
        400,
        errorAnswer('unsupported_invoke', 'This bot only answers card actions.'),
      );
      return;
    }
    const workflow = this.workflowOf(context);
    let answer: CommandAnswer;
    try {
      answer = await runAction(workflow, context.activity.value, this.sync);
    } catch (error) {
      answer = {
        card: errorCardFor(error, this.logger, { turn: 'invoke', conversationId: workflow.conversationId }),
      };
    }
    const card = await this.shared.withRefresh(context, answer.card, answer.view);
    await answerInvoke(context, 200, { statusCode: 200, type: CARD_RESPONSE, value: card });
    const replyTo = context.activity.replyToId;
    if (answer.follow !== undefined && replyTo !== undefined)
      answer.follow(replyTo, this.updaterFor(context, replyTo));
    else if (replyTo !== undefined && SharedCards.updatesEveryone(context.activity, answer.view)) {
      // The message itself, for everyone (an invoke's answer changes only the clicker's copy, and not for good);
      // after the turn, so the clicker's answer is not held up by it.
      const update = this.updaterFor(context, replyTo);
      setImmediate(() => {
        update(card).catch((error: unknown) => {
          this.logger.warn({ err: error }, 'could not update the card for everyone');
        });
      });
    }
  }

  private async onInstallation(context: TurnContext): Promise<void> {
    const action = context.activity.action ?? '';
    if (action.startsWith('remove')) {
      await this.references.forget(context.activity);
      return;
    }
    if (action === 'add') {
      await context.sendActivity(
        cardMessage(welcomeCard(context.activity.conversation.conversationType === 'personal')),
      );
    }
  }

  private async onMembersRemoved(context: TurnContext): Promise<void> {
    const botId = context.activity.recipient.id;
    if ((context.activity.membersRemoved ?? []).some((member) => member.id === botId)) {
      await this.references.forget(context.activity);
    }
  }

  private workflowOf(context: TurnContext): WorkflowContext {
    const actor = this.actors.get(context);
    // beforeTurn ends every turn it could not identify, so routes always find the actor.
    if (actor === undefined) throw new Error('turn without an identified actor');
    return {
      core: this.options.core,
      links: this.options.links,
      actor,
      conversationId: conversationKeyOf(context.activity) ?? context.activity.conversation.id,
    };
  }

  /** Replaces a posted card later, outside the turn (a proactive `updateActivity` of that message). */
  private updaterFor(context: TurnContext, activityId: string): CardUpdater {
    const reference = TurnContext.getConversationReference(context.activity);
    return async (card: AdaptiveCard) => {
      await this.options.adapter.continueConversationAsync(
        this.options.appId,
        reference,
        async (proactive) => {
          await proactive.updateActivity({ ...cardMessage(card), id: activityId });
        },
      );
    };
  }

  private async refuse(context: TurnContext, message: string): Promise<void> {
    const card = errorCard({ title: 'Not allowed', message, tone: 'refused' });
    const activity = context.activity;
    if (activity.type === 'invoke') {
      await answerInvoke(context, 200, { statusCode: 200, type: CARD_RESPONSE, value: card });
    } else if (activity.type === 'message') {
      await context.sendActivity(cardMessage(card));
    }
  }

  private async onTurnError(context: TurnContext, error: unknown): Promise<void> {
    const card = errorCardFor(error, this.logger, { turn: context.activity.type });
    try {
      if (context.activity.type === 'invoke' && !context.responded) {
        await answerInvoke(context, 200, { statusCode: 200, type: CARD_RESPONSE, value: card });
      } else if (context.activity.type === 'message') {
        await context.sendActivity(cardMessage(card));
      }
    } catch (sendError) {
      this.logger.warn({ err: sendError }, 'could not tell the user about a failed turn');
    }
  }
}

function cardMessage(card: AdaptiveCard): Partial<Activity> {
  return MessageFactory.attachment(CardFactory.adaptiveCard(card));
}

async function answerInvoke(context: TurnContext, status: number, body: unknown): Promise<void> {
  await context.sendActivity({ type: 'invokeResponse', value: { status, body } });
}

/** Turns that say goodbye: the bot uninstalled or removed; capturing them would resurrect the conversation. */
function isFarewell(activity: Activity): boolean {
  if (activity.type === 'installationUpdate') return (activity.action ?? '').startsWith('remove');
  if (activity.type === 'conversationUpdate') {
    return (activity.membersRemoved ?? []).some((member) => member.id === activity.recipient.id);
  }
  return false;
}

function reply(res: Response, status: number, body: unknown): void {
  res.status(status);
  res.send(body);
  res.end();
}

/**
 * `Bearer <JWT>` whose header names RS256, the algorithm Bot Framework tokens are signed with; anything else (no
 * token, `alg: none`, garbage) is refused before the adapter would look up signing keys for it.
 */
function isSignedBearer(header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const match = /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(header.trim());
  if (match?.[1] === undefined) return false;
  try {
    const parsed = JSON.parse(Buffer.from(match[1], 'base64url').toString('utf8')) as { alg?: unknown };
    return parsed.alg === 'RS256';
  } catch {
    return false;
  }
}

/** The envelope as Bot Framework's activity, with its timestamps as dates (what `CloudAdapter.process` does). */
function toActivity(envelope: Record<string, unknown>): Activity {
  const activity: Record<string, unknown> = { ...envelope };
  for (const key of ['timestamp', 'localTimestamp', 'expiration'] as const) {
    const value = activity[key];
    if (typeof value === 'string') {
      activity[`raw${key.charAt(0).toUpperCase()}${key.slice(1)}`] = value;
      activity[key] = new Date(value);
    }
  }
  // Checked by the envelope schema: a type, a service URL and a conversation id.
  return activity as unknown as Activity;
}

/** Activity fields typed as strings may be missing in what actually arrives. */
function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
