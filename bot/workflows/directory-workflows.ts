import { AppError, isAppError, NotFoundError } from '../../src/shared/errors.js';
import type { UserChange, UserView } from '../../src/contracts/users.js';
import type { GroupView } from '../../src/contracts/groups.js';
import { notReadYetWords } from '../../src/contracts/sync-words.js';
import type { CardClient } from '../cards/card-actions.js';
import type { AdaptiveCard } from '../cards/card-kit.js';
import {
  exclusionPreviewCard,
  exclusionResultCard,
  groupCard,
  groupChoiceCard,
  groupListCard,
  groupMembersCard,
  groupName,
} from '../cards/group-cards.js';
import { userCard, userChoiceCard, userListCard, userName } from '../cards/user-cards.js';
import { toCardClient, type WorkflowContext } from './workflow-context.js';
import { GUID_PATTERN } from '../../src/contracts/values.js';
import type { UserListFilter } from '../commands/bot-command.js';

const CANDIDATES = 8;
const PAGE = 10;

type Found<T> =
  | { readonly kind: 'one'; readonly item: T }
  | { readonly kind: 'many'; readonly items: readonly T[]; readonly more: boolean }
  | { readonly kind: 'none' };

/** A user by object id, UPN, mail or display name: the exact match if there is one, else the candidates. */
async function findUser(
  context: WorkflowContext,
  client: CardClient,
  typed: string,
): Promise<Found<UserView>> {
  const { core, actor } = context;
  if (GUID_PATTERN.test(typed) || /^[^@\s]+@[^@\s]+$/.test(typed)) {
    const direct = await core.users.get(actor, client.id, typed).catch((error: unknown) => {
      if (isAppError(error, 'not_found')) return undefined;
      throw error;
    });
    if (direct !== undefined) return { kind: 'one', item: direct };
  }
  const page = await core.users.list(actor, client.id, {
    search: typed,
    limit: CANDIDATES,
    withTotal: false,
  });
  const lower = typed.toLowerCase();
  const exact = page.items.filter((user) =>
    [user.userPrincipalName, user.mail, user.displayName].some((value) => value?.toLowerCase() === lower),
  );
  return pick(exact.length === 1 ? exact : page.items, page.nextCursor !== null);
}

async function findGroup(
  context: WorkflowContext,
  client: CardClient,
  typed: string,
): Promise<Found<GroupView>> {
  const { core, actor } = context;
  if (GUID_PATTERN.test(typed)) {
    const direct = await core.groups.get(actor, client.id, typed).catch((error: unknown) => {
      if (isAppError(error, 'not_found')) return undefined;
      throw error;
    });
    if (direct !== undefined) return { kind: 'one', item: direct };
  }
  const page = await core.groups.list(actor, client.id, { search: typed, limit: CANDIDATES });
  const lower = typed.toLowerCase();
  const exact = page.items.filter((group) =>
    [group.displayName, group.mail].some((value) => value?.toLowerCase() === lower),
  );
  return pick(exact.length === 1 ? exact : page.items, page.total > page.items.length);
}

function pick<T>(items: readonly T[], more: boolean): Found<T> {
  const [first] = items;
  if (items.length === 1 && first !== undefined && !more) return { kind: 'one', item: first };
  if (items.length === 0 || first === undefined) return { kind: 'none' };
  return { kind: 'many', items, more };
}

function noUser(client: CardClient, typed: string): AppError {
  return new AppError(
    'not_found',
    `No user of ${client.displayName} matches “${typed}”. Try part of the name, the UPN or the mail.`,
    {
      status: 404,
    },
  );
}

function noGroup(client: CardClient, typed: string): AppError {
  return new AppError(
    'not_found',
    `No group of ${client.displayName} matches “${typed}”. Try part of its name.`,
    { status: 404 },
  );
}

export interface UserQuery {
  readonly search?: string | undefined;
  readonly filter?: UserListFilter | undefined;
  readonly cursor?: string | undefined;
}

/** `users`: a page of the client's users, filtered and searched. */
export async function listUsers(
  context: WorkflowContext,
  client: CardClient,
  query: UserQuery,
): Promise<AdaptiveCard> {
  const search = query.search?.trim() === '' ? undefined : query.search?.trim();
  const page = await context.core.users.list(context.actor, client.id, {
    limit: PAGE,
    ...(search === undefined ? {} : { search }),
    ...(query.filter === 'expired' ? { expired: true } : {}),
    ...(query.filter === 'disabled' ? { state: 'disabled' as const } : {}),
    ...(query.filter === 'external' ? { externalMember: true } : {}),
    ...(query.filter === 'blocked' ? { signInBlocked: true } : {}),
    ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
  });
  return userListCard(client, page, {
    ...(search === undefined ? {} : { search }),
    ...(query.filter === undefined ? {} : { filter: query.filter }),
    ...(page.items.length === 0 ? { empty: await emptyDirectory(context, client, 'user') } : {}),
  });
}

/** Why a list of the client's directory is empty: nothing is read while it is not connected; else nobody matches. */
async function emptyDirectory(
  context: WorkflowContext,
  client: CardClient,
  noun: 'user' | 'group',
): Promise<string | undefined> {
  const header = await context.core.status.header(context.actor, client.id);
  return notReadYetWords(header.integration, noun, 'under Setup in the tab') ?? undefined;
}

export async function showUser(
  context: WorkflowContext,
  client: CardClient,
  user: string,
): Promise<AdaptiveCard> {
  const found = await context.core.users.get(context.actor, client.id, user);
  return userCard(client, found, { canOperate: await mayOperate(context, client) });
}

/**
 * Disable's first step, typed (`disable <user>`) or clicked: finds the user and answers with their card asking to
 * confirm; nothing changes until Disable user is clicked. A user not collected has nothing to disable.
 * @throws whatever the core's services throw; {@link AppError} when no user matches.
 */
export async function askDisable(
  context: WorkflowContext,
  client: CardClient,
  typed: string,
): Promise<AdaptiveCard> {
  const found = await userOrChoice(context, client, typed);
  if ('card' in found) return found.card;
  const { user } = found;
  const canOperate = await mayOperate(context, client);
  if (user.state === 'imported') return userCard(client, user, { canOperate, confirmDisable: true });
  return userCard(client, user, {
    canOperate,
    notice: { text: `${userName(user)} is not collected: there is nothing to disable.`, tone: 'neutral' },
  });
}

/**
 * The one user a typed reference (object id, UPN, mail or name) names, or the card asking which when several match.
 * @throws {AppError} `not_found` when none does.
 */
export async function userOrChoice(
  context: WorkflowContext,
  client: CardClient,
  typed: string,
): Promise<{ readonly user: UserView } | { readonly card: AdaptiveCard }> {
  const found = await findUser(context, client, typed);
  if (found.kind === 'none') throw noUser(client, typed);
  if (found.kind === 'many') return { card: userChoiceCard(client, typed, found.items, found.more) };
  return { user: found.item };
}

/** Whether the person of the turn may change things on the client: their cards show only what they may do. */
async function mayOperate(context: WorkflowContext, client: CardClient): Promise<boolean> {
  return context.core.roles.can(context.actor, 'client:operate', client.id);
}

/**
 * Import or disable one user (rules 4 and 5). A card's button carries the user's object id: that is one core call,
 * whose answer says whether it changed anything, so a repeated click answers "nothing changed" with the same card
 * instead of pretending to act twice. A typed name is looked up first (and may ask which user was meant).
 */
export async function changeUser(
  context: WorkflowContext,
  client: CardClient | string,
  typed: string,
  change: 'import' | 'disable',
): Promise<AdaptiveCard> {
  const { core, actor } = context;
  const clientRef = typeof client === 'string' ? client : client.id;
  let outcome: UserChange | undefined;
  if (GUID_PATTERN.test(typed) || /^[^@\s]+@[^@\s]+$/.test(typed)) {
    outcome = await core.users.changeState(actor, clientRef, typed, change).catch((error: unknown) => {
      if (error instanceof NotFoundError && error.details?.what === 'User') return undefined;
      throw error;
    });
  }
  if (outcome === undefined) {
    const known = typeof client === 'string' ? toCardClient(await core.clients.get(actor, client)) : client;
    const found = await userOrChoice(context, known, typed);
    if ('card' in found) return found.card;
    outcome = await core.users.changeState(actor, known.id, found.user.id, change);
  }
  const name = userName(outcome.user);
  const notice = outcome.changed
    ? change === 'import'
      ? { text: `${name} is imported: collected and billable while active.`, tone: 'good' as const }
      : {
          text: `${name} is disabled: no longer collected or billable, and stays so until imported again.`,
          tone: 'good' as const,
        }
    : {
        text: `${name} was ${change === 'import' ? 'imported' : 'disabled'} already — nothing changed.`,
        tone: 'neutral' as const,
      };
  return userCard(outcome.client, outcome.user, { notice });
}

/** `groups [client] [search]`. */
export async function listGroups(
  context: WorkflowContext,
  client: CardClient,
  query: { readonly search?: string | undefined; readonly offset?: number | undefined },
): Promise<AdaptiveCard> {
  const search = query.search?.trim() === '' ? undefined : query.search?.trim();
  const offset = query.offset ?? 0;
  const page = await context.core.groups.list(context.actor, client.id, {
    limit: PAGE,
    offset,
    ...(search === undefined ? {} : { search }),
  });
  return groupListCard(client, page, {
    offset,
    ...(search === undefined ? {} : { search }),
    ...(page.items.length === 0 ? { empty: await emptyDirectory(context, client, 'group') } : {}),
  });
}

export async function showGroup(
  context: WorkflowContext,
  client: CardClient,
  group: string,
): Promise<AdaptiveCard> {
  const found = await context.core.groups.get(context.actor, client.id, group);
  return groupCard(client, found, { canOperate: await mayOperate(context, client) });
}

export async function groupMembers(
  context: WorkflowContext,
  client: CardClient,
  group: string,
  cursor: string | undefined,
): Promise<AdaptiveCard> {
  const page = await context.core.groups.members(context.actor, client.id, group, {
    limit: PAGE,
    ...(cursor === undefined ? {} : { cursor }),
  });
  return groupMembersCard(client, page.group, page.items, page.nextCursor);
}

/** Rule 7: import a group for reporting, or undo it. Repeating it changes nothing (and says so). */
export async function setReporting(
  context: WorkflowContext,
  client: CardClient,
  group: string,
  enabled: boolean,
): Promise<AdaptiveCard> {
  const before = await context.core.groups.get(context.actor, client.id, group);
  const after = await context.core.groups.setReporting(context.actor, client.id, before.id, enabled);
  const changed = before.reportingEnabled !== after.reportingEnabled;
  const name = groupName(after);
  return groupCard(client, after, {
    notice: changed
      ? {
          text: enabled
            ? `${name} can now be chosen as a report filter.`
            : `${name} is no longer a report filter.`,
          tone: 'good',
        }
      : {
          text: `Nothing changed: ${name} ${enabled ? 'was a report filter already' : 'was not a report filter'}.`,
          tone: 'neutral',
        },
  });
}

/** `exclude [client] <group>` and the group card's Exclude: rule 6's preview, to be confirmed. */
export async function previewExclusion(
  context: WorkflowContext,
  client: CardClient,
  typed: string,
): Promise<AdaptiveCard> {
  const found = await findGroup(context, client, typed);
  if (found.kind === 'none') throw noGroup(client, typed);
  if (found.kind === 'many') return groupChoiceCard(client, typed, found.items, found.more);
  const preview = await context.core.groups.previewExclusion(context.actor, client.id, found.item.id, {
    sampleSize: 10,
  });
  return exclusionPreviewCard(client, preview);
}

/**
 * Rule 6's confirmation. A second click on the same Confirm (its token is single-use) answers with the result as
 * it stands — the group excluded — and changes nothing.
 */
export async function confirmExclusion(
  context: WorkflowContext,
  client: CardClient,
  group: string,
  token: string,
): Promise<AdaptiveCard> {
  const { core, actor } = context;
  try {
    return exclusionResultCard(client, await core.groups.confirmExclusion(actor, client.id, token));
  } catch (error) {
    if (!isAppError(error, 'preview_used')) throw error;
    const current = await core.groups.get(actor, client.id, group);
    if (current.excluded === null) throw error;
    return exclusionResultCard(client, {
      group: current,
      excludedNow: false,
      disabledUsers: 0,
      forgottenUsers: 0,
      billable: { before: 0, after: 0, basis: 'current', readingActivity: false },
      figures: { facts: [], note: null },
    });
  }
}
