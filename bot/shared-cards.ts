import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { Activity } from 'botbuilder';
import type { Logger } from '../src/shared/logger.js';
import { actionSchemas, isActionVerb } from './actions/action-verbs.js';
import { STATE_CHANGING_VERBS, type CardView } from './actions/card-views.js';
import { execute, type AdaptiveCard } from './cards/card-kit.js';
import { conversationKeyOf } from './turn-identity.js';

/** Teams shows user-specific views of one card to at most 60 users. */
export const MAX_REFRESH_USERS = 60;

const MEMBERS_TTL_MS = 5 * 60_000;

/**
 * Cards in group chats and channels are seen by several people with different roles, and a click used to change
 * only the clicker's copy (and not for good: Teams does not keep an invoke's answer). Universal Actions solve both
 * (https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/user-specific-views,
 * …/up-to-date-views):
 *
 * - every card posted there carries `refresh`: its view (a read-only verb) and the `userIds` of up to 60 members, the
 *   person acting first; Teams asks the bot for each member's own card (`trigger: automatic`), checked for their
 *   role like any click;
 * - after a click that changes something, the message itself is updated for everyone; the update makes Teams refresh
 *   each member's view of it.
 */
export class SharedCards {
  private readonly members = new Map<string, { readonly ids: readonly string[]; readonly until: number }>();

  constructor(private readonly logger: Logger) {}

  /** A group chat or a channel: cards there are seen by more than the person who asked. */
  static isShared(activity: Pick<Activity, 'conversation'>): boolean {
    const type = activity.conversation.conversationType;
    return type === 'groupChat' || type === 'channel';
  }

  /**
   * Whether a click should update the message for everyone: a manual click (not Teams refreshing a view) that changes
   * something, in a shared conversation, answered with a card that has a view (a refusal or an error has none).
   */
  static updatesEveryone(activity: Activity, answerView: CardView | undefined): boolean {
    const value = activity.value as { action?: { verb?: unknown }; trigger?: unknown } | undefined;
    const verb = value?.action?.verb;
    return (
      SharedCards.isShared(activity) &&
      value?.trigger !== 'automatic' &&
      typeof verb === 'string' &&
      isActionVerb(verb) &&
      STATE_CHANGING_VERBS.has(verb) &&
      answerView !== undefined
    );
  }

  /** The card with its `refresh` where the conversation is shared and the card has a view; unchanged otherwise. */
  async withRefresh(
    context: TurnContext,
    card: AdaptiveCard,
    view: CardView | undefined,
  ): Promise<AdaptiveCard> {
    if (view === undefined || !SharedCards.isShared(context.activity)) return card;
    // A view that its own verb would refuse (a command's free text, say) is not offered for refreshing.
    if (!actionSchemas[view.verb].safeParse(view.data).success) return card;
    const userIds = await this.userIdsOf(context);
    return { ...card, refresh: { action: execute('Refresh', view.verb, view.data), userIds } };
  }

  /**
   * The members whose clients refresh the card on their own: the person acting first, then the others, at most 60
   * (Teams' limit); remembered a few minutes per conversation. When they cannot be listed, only the person acting.
   */
  private async userIdsOf(context: TurnContext): Promise<string[]> {
    const key = conversationKeyOf(context.activity) ?? context.activity.conversation.id;
    const actor = context.activity.from.id;
    let cached = this.members.get(key);
    if (cached === undefined || cached.until < Date.now()) {
      try {
        const page = await TeamsInfo.getPagedMembers(context, MAX_REFRESH_USERS);
        cached = { ids: page.members.map((member) => member.id), until: Date.now() + MEMBERS_TTL_MS };
        this.members.set(key, cached);
      } catch (error) {
        this.logger.warn({ err: error, conversationId: key }, 'could not list the conversation members');
        cached = { ids: [], until: 0 };
      }
    }
    return [actor, ...cached.ids.filter((id) => id !== actor)].slice(0, MAX_REFRESH_USERS);
  }
}
