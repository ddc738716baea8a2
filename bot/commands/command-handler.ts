import type { CardView } from '../actions/card-views.js';
import { showPlaceholders, type AdaptiveCard } from '../cards/card-kit.js';
import { clientChoiceCard } from '../cards/client-cards.js';
import { errorCard } from '../cards/error-card.js';
import { helpCard } from '../cards/help-card.js';
import {
  findAcrossClients,
  listClients,
  setNotifications,
  showReport,
  showStatus,
  whoami,
} from '../workflows/client-workflows.js';
import {
  askDisable,
  changeUser,
  listGroups,
  listUsers,
  previewExclusion,
} from '../workflows/directory-workflows.js';
import { previewOffboarding } from '../workflows/offboarding-workflow.js';
import { showLicences } from '../workflows/licence-workflow.js';
import { startSync, type CardUpdater, type SyncWorkflowOptions } from '../workflows/sync-workflow.js';
import {
  assertHasRole,
  chooseClient,
  leadingClientWords,
  type WorkflowContext,
} from '../workflows/workflow-context.js';
import type { BotCommand, ParsedMessage } from './bot-command.js';

/** The card a command answers with, and — for a sync — how to keep following it once the card is posted. */
export interface CommandAnswer {
  readonly card: AdaptiveCard;
  /** How to render the card again from the current state, for anyone (its `refresh` where it is shared). */
  readonly view?: CardView;
  /** Called with the id of the message that holds the card (a sync updates it in place). */
  readonly follow?: (activityId: string, updater: CardUpdater) => void;
}

/**
 * Answers a message: its command's card, the help for anything that is not a command (never silence), or what is
 * wrong with a command that is malformed.
 * @throws whatever the core's services throw (the caller turns it into an error card).
 */
export async function answerMessage(
  context: WorkflowContext,
  parsed: ParsedMessage,
  sync: SyncWorkflowOptions,
): Promise<CommandAnswer> {
  switch (parsed.kind) {
    case 'command':
      return runCommand(context, parsed.command, sync);
    case 'unknown':
      return {
        card: helpCard({
          intro: `I do not know “${parsed.text}”. Here is what I can do:`,
          introColor: 'warning',
        }),
      };
    case 'invalid':
      return {
        card: errorCard({
          title: `“${parsed.command}” needs another look`,
          message: showPlaceholders(`${capitalise(parsed.problem)}. Say “help” for every command.`),
          tone: 'invalid',
        }),
      };
  }
}

/**
 * Runs one command for the person of the turn. Commands that act on a client resolve it first (named, else the
 * conversation's, else the only one they see) and answer with a choice card when several are possible.
 * @throws whatever the core's services throw (the caller turns it into an error card).
 */
export async function runCommand(
  context: WorkflowContext,
  command: BotCommand,
  sync: SyncWorkflowOptions,
): Promise<CommandAnswer> {
  switch (command.name) {
    case 'help':
      return { card: helpCard(), view: { verb: 'help.show', data: {} } };
    case 'whoami':
      return { card: await whoami(context) };
    case 'clients':
      await assertHasRole(context);
      return { card: await listClients(context), view: { verb: 'clients.list', data: {} } };
    case 'find':
      await assertHasRole(context);
      return { card: await findAcrossClients(context, command.text) };
    case 'notifications':
      await assertHasRole(context);
      return { card: await setNotifications(context, command.enabled, command.client) };
    default:
      break;
  }
  await assertHasRole(context);
  const resolved = await splitClientWords(context, command);
  const choice = await chooseClient(context, resolved.client);
  if (choice.kind === 'choose') return { card: clientChoiceCard(choice.clients, resolved) };
  const client = choice.client;
  const on = { client: client.id };
  switch (resolved.name) {
    case 'status':
      return { card: await showStatus(context, client), view: { verb: 'status.show', data: on } };
    case 'sync': {
      const started = await startSync(context, client, sync);
      return {
        card: started.card,
        follow: (_activityId, updater) => {
          started.follow(updater);
        },
      };
    }
    case 'users': {
      const query = {
        search: resolved.args.join(' '),
        ...(resolved.filter === undefined ? {} : { filter: resolved.filter }),
      };
      return {
        card: await listUsers(context, client, query),
        view: { verb: 'users.list', data: { ...on, ...query } },
      };
    }
    case 'import':
      return {
        card: await changeUser(context, client, resolved.user, resolved.name),
        view: { verb: 'user.show', data: { ...on, user: resolved.user } },
      };
    case 'disable':
      // Destructive: the card asks to confirm first, as the tab does.
      return { card: await askDisable(context, client, resolved.user) };
    case 'offboard':
      // Destructive and several steps: the card shows them and asks first.
      return { card: await previewOffboarding(context, client, resolved.user) };
    case 'groups':
      return {
        card: await listGroups(context, client, { search: resolved.search }),
        view: { verb: 'groups.list', data: { ...on, search: resolved.search } },
      };
    case 'exclude':
      return { card: await previewExclusion(context, client, resolved.group) };
    case 'licences':
      return { card: await showLicences(context, client) };
    case 'report':
      return {
        card: await showReport(context, client, resolved.kind, resolved.group),
        view: {
          verb: 'report.show',
          data: {
            ...on,
            kind: resolved.kind,
            ...(resolved.group === undefined ? {} : { group: resolved.group }),
          },
        },
      };
    default:
      return { card: helpCard() };
  }
}

/** The commands that act on one client (resolved by {@link runCommand} before they run). */
type ClientCommand = Exclude<BotCommand, { name: 'help' | 'whoami' | 'clients' | 'find' | 'notifications' }>;

/**
 * `users [client] [search]`, `groups [client] [search]`, `import [client] <user>`, `disable [client] <user>`,
 * `offboard [client] <user>`,
 * `exclude [client] <group>` (the CLI's order): the first words are the client when a client the person sees has
 * them as its short or display name (the longest such run: `users Northwind Traders adele`); otherwise every word is
 * the search, the user or the group. `import`, `disable`, `offboard` and `exclude` keep at least one word for what they act on.
 * Returns the command with `client` set when it was named.
 */
async function splitClientWords(context: WorkflowContext, command: ClientCommand): Promise<ClientCommand> {
  if (command.client !== undefined) return command;
  const typed = typedWords(command);
  if (typed === undefined) return command;
  const words = typed.flatMap((arg) => arg.split(/\s+/)).filter((word) => word !== '');
  if (words.length === 0) return command;
  const match = leadingClientWords(await context.core.clients.list(context.actor), words);
  if (match === undefined) return command;
  const client = match.client.id;
  const rest = match.rest.join(' ');
  if (command.name === 'users') return { ...command, client, args: [...match.rest] };
  if (command.name === 'groups') return { ...command, client, search: rest === '' ? undefined : rest };
  if (rest === '') return command;
  if (command.name === 'exclude') return { ...command, client, group: rest };
  if (command.name === 'import' || command.name === 'disable' || command.name === 'offboard')
    return { ...command, client, user: rest };
  return command;
}

/** The words after the command that may begin with a client: undefined for commands that take none there. */
function typedWords(command: ClientCommand): readonly string[] | undefined {
  switch (command.name) {
    case 'users':
      return command.args;
    case 'groups':
      return [command.search ?? ''];
    case 'import':
    case 'disable':
    case 'offboard':
      return [command.user];
    case 'exclude':
      return [command.group];
    default:
      return undefined;
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
