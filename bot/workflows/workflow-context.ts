import type { CoreServices } from '../../src/composition/create-core.js';
import type { Actor } from '../../src/services/actor.js';
import { AppError, ForbiddenError, NotFoundError } from '../../src/shared/errors.js';
import type { CardClient } from '../cards/card-actions.js';
import type { TabLinks } from '../tab-links.js';

/** What every command and card action works with: the core's services, the person acting, and where. */
export interface WorkflowContext {
  readonly core: CoreServices;
  readonly links: TabLinks;
  readonly actor: Actor;
  /** The conversation key (a channel's id without its thread part). */
  readonly conversationId: string;
}

/** Which client a command is about (DESIGN: explicit, else the conversation's, else the only one, else ask). */
export type ClientChoice =
  | { readonly kind: 'client'; readonly client: CardClient }
  | { readonly kind: 'choose'; readonly clients: readonly CardClient[] };

/**
 * Resolves the client of a command: the one named; else the client this conversation is subscribed to; else the
 * only client the person may see; else the person chooses.
 * @throws {NotFoundError} for a named client the person cannot see; {@link ForbiddenError} when they see none.
 */
export async function chooseClient(
  context: WorkflowContext,
  named: string | undefined,
): Promise<ClientChoice> {
  const { core, actor } = context;
  if (named !== undefined) return { kind: 'client', client: await findNamedClient(context, named) };
  const conversation = await core.notifications.conversation(actor, context.conversationId);
  if (conversation?.client) return { kind: 'client', client: conversation.client };
  const visible = await core.clients.list(actor);
  const [only] = visible;
  if (visible.length === 1 && only !== undefined) return { kind: 'client', client: toCardClient(only) };
  if (visible.length === 0) {
    throw new ForbiddenError('You cannot see any client: ask a partner admin to give you a role on one.');
  }
  return { kind: 'choose', clients: visible.map(toCardClient) };
}

/**
 * The client a person named: by id or short name, else by its display name ("Northwind Traders"), any case. When
 * neither matches but the first words do ("--client contoso adele"), says which quoting was meant.
 * @throws {NotFoundError} for a name the person cannot see.
 */
async function findNamedClient(context: WorkflowContext, named: string): Promise<CardClient> {
  const { core, actor } = context;
  try {
    return toCardClient(await core.clients.get(actor, named));
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    const visible = await core.clients.list(actor);
    const words = named.trim().split(/\s+/);
    const match = leadingClientWords(visible, words);
    if (match?.rest.length === 0) return toCardClient(match.client);
    if (match === undefined) throw error;
    const rest = words.slice(words.length - match.rest.length).join(' ');
    throw new AppError(
      'not_found',
      `No client is called “${named}”. Did you mean the client “${match.client.displayName}”? Put “${rest}” before --client, or quote the name: --client "${match.client.name}".`,
      { status: 404, details: { what: 'Client', id: named } },
    );
  }
}

interface ClientLike {
  readonly id: string;
  readonly name: string;
  readonly displayName: string;
}

/**
 * The client whose short or display name is the longest run of leading `words` (any case), and the words after it;
 * undefined when no client's name starts the words.
 */
export function leadingClientWords<C extends ClientLike>(
  clients: readonly C[],
  words: readonly string[],
): { readonly client: C; readonly rest: readonly string[] } | undefined {
  for (let length = words.length; length > 0; length--) {
    const candidate = words.slice(0, length).join(' ').toLowerCase();
    const client = clients.find(
      (one) => one.name === candidate || one.displayName.toLowerCase() === candidate,
    );
    if (client !== undefined) return { client, rest: words.slice(length) };
  }
  return undefined;
}

export function toCardClient(client: {
  readonly id: string;
  readonly name: string;
  readonly displayName: string;
}): CardClient {
  return { id: client.id, name: client.name, displayName: client.displayName };
}

/**
 * Runs `work`; when it is refused ("not found" or "not allowed") and the person holds no role at all, says that
 * instead, with a reason they can act on. Services must answer "not found" for a client the person cannot see (so
 * client names cannot be probed); someone with no role gets the real reason. Costs nothing when `work` succeeds.
 * @throws {ForbiddenError} for someone without a role; otherwise whatever `work` throws.
 */
export async function explainingMissingRole<T>(context: WorkflowContext, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError && (error.status === 403 || error.status === 404))
      await assertHasRole(context);
    throw error;
  }
}

/** @throws {ForbiddenError} when the person holds no role in the app. */
export async function assertHasRole(context: WorkflowContext): Promise<void> {
  if ((await context.core.roles.myGrants(context.actor)).length > 0) return;
  throw new ForbiddenError(
    'You have no role in this app, so you cannot see or change anything. Ask a partner admin of your MSP to assign you one.',
  );
}
