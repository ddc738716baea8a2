import { z } from 'zod/v4';
import type { CardClient } from '../cards/card-actions.js';
import type { AdaptiveCard } from '../cards/card-kit.js';
import { errorCard } from '../cards/error-card.js';
import { helpCard } from '../cards/help-card.js';
import { runCommand, type CommandAnswer } from '../commands/command-handler.js';
import { listClients, setNotifications, showReport, showStatus } from '../workflows/client-workflows.js';
import {
  changeUser,
  confirmExclusion,
  groupMembers,
  listGroups,
  listUsers,
  previewExclusion,
  setReporting,
  showGroup,
  showUser,
  askDisable,
} from '../workflows/directory-workflows.js';
import { showLicences } from '../workflows/licence-workflow.js';
import { startSync, type SyncWorkflowOptions } from '../workflows/sync-workflow.js';
import { confirmOffboarding, previewOffboarding } from '../workflows/offboarding-workflow.js';
import { confirmAction, previewInactiveAction } from '../workflows/user-action-workflow.js';
import { explainingMissingRole, toCardClient, type WorkflowContext } from '../workflows/workflow-context.js';
import {
  actionSchemas,
  isActionVerb,
  type ActionData,
  type ActionVerb,
  type ParsedActionData,
} from './action-verbs.js';
import { viewAfter } from './card-views.js';

/** The `value` of an `adaptiveCard/action` invoke, as far as the bot relies on it. */
const invokeValue = z.object({
  action: z.object({
    type: z.literal('Action.Execute'),
    verb: z.string().min(1).max(100),
    data: z.unknown().optional(),
  }),
});

/**
 * A card click (Universal Action), from the raw invoke `value` to the card that answers it. Every click is checked
 * again on the server: the shape of `value`, the verb, its data against the verb's schema, and the person's rights
 * (by the core's services). An unknown verb or malformed data answers with an error card and changes nothing.
 * @throws whatever the core's services throw (the caller turns it into an error card).
 */
export async function runAction(
  context: WorkflowContext,
  value: unknown,
  sync: SyncWorkflowOptions,
): Promise<CommandAnswer> {
  const envelope = invokeValue.safeParse(value);
  if (!envelope.success) {
    return {
      card: errorCard({
        title: 'This card action is not valid',
        message: 'The click did not carry an action I can read; nothing was changed.',
        tone: 'invalid',
      }),
    };
  }
  const { verb, data } = envelope.data.action;
  if (!isActionVerb(verb)) {
    return {
      card: errorCard({
        title: 'Unknown action',
        message:
          'This card asks for an action I do not know; nothing was changed. The card may come from an older version of the app.',
        tone: 'invalid',
      }),
    };
  }
  const parsed = actionSchemas[verb].safeParse(data ?? {});
  if (!parsed.success) {
    const fields = [
      ...new Set(
        parsed.error.issues.map((issue) =>
          issue.path.length === 0 ? 'data' : issue.path.map(String).join('.'),
        ),
      ),
    ];
    return {
      card: errorCard({
        title: 'This card’s data is not valid',
        message: `Invalid ${fields.join(', ')}; nothing was changed.`,
        tone: 'invalid',
      }),
    };
  }
  const answer = await dispatch(context, verb, parsed.data, sync);
  const view = answer.view ?? viewAfter(verb, parsed.data as ActionData<typeof verb>);
  return view === undefined ? answer : { ...answer, view };
}

async function dispatch(
  context: WorkflowContext,
  verb: ActionVerb,
  data: ParsedActionData<ActionVerb>,
  sync: SyncWorkflowOptions,
): Promise<CommandAnswer> {
  if (verb === 'help.show') return { card: helpCard() };
  return explainingMissingRole(context, () => dispatchForRole(context, verb, data, sync));
}

async function dispatchForRole(
  context: WorkflowContext,
  verb: ActionVerb,
  data: ParsedActionData<ActionVerb>,
  sync: SyncWorkflowOptions,
): Promise<CommandAnswer> {
  const only = <V extends ActionVerb>(_verb: V): ParsedActionData<V> => data as ParsedActionData<V>;
  switch (verb) {
    case 'clients.list':
      return { card: await listClients(context) };
    case 'notifications.set': {
      const input = only(verb);
      return { card: await setNotifications(context, input.enabled, input.client) };
    }
    case 'client.choose': {
      const input = only(verb);
      return runCommand(context, { ...input.command, client: input.client } as typeof input.command, sync);
    }
    default:
      break;
  }
  const input = data as { readonly client: string };
  // A user's Import or Disable button: one core call, which resolves the client itself.
  if (verb === 'user.import' || verb === 'user.disable') {
    const user = (data as ParsedActionData<typeof verb>).user;
    return {
      card: await changeUser(context, input.client, user, verb === 'user.import' ? 'import' : 'disable'),
    };
  }
  const client = toCardClient(await context.core.clients.get(context.actor, input.client));
  if (verb === 'sync.start') {
    const started = await startSync(context, client, sync);
    return {
      card: started.card,
      follow: (_activityId, updater) => {
        started.follow(updater);
      },
    };
  }
  return { card: await onClient(context, client, verb, data) };
}

async function onClient(
  context: WorkflowContext,
  client: CardClient,
  verb: ActionVerb,
  data: ParsedActionData<ActionVerb>,
): Promise<AdaptiveCard> {
  const as = <V extends ActionVerb>(_verb: V): ParsedActionData<V> => data as ParsedActionData<V>;
  switch (verb) {
    case 'status.show':
      return showStatus(context, client);
    case 'users.list': {
      const input = as(verb);
      return listUsers(context, client, input);
    }
    case 'user.show':
      return showUser(context, client, as(verb).user);
    case 'user.disable.ask':
      return askDisable(context, client, as(verb).user);
    case 'groups.list':
      return listGroups(context, client, as(verb));
    case 'group.show':
      return showGroup(context, client, as(verb).group);
    case 'group.members': {
      const input = as(verb);
      return groupMembers(context, client, input.group, input.cursor);
    }
    case 'group.reporting': {
      const input = as(verb);
      return setReporting(context, client, input.group, input.enabled);
    }
    case 'group.exclude.preview':
      return previewExclusion(context, client, as(verb).group);
    case 'group.exclude.confirm': {
      const input = as(verb);
      return confirmExclusion(context, client, input.group, input.token);
    }
    case 'report.show': {
      const input = as(verb);
      return showReport(context, client, input.kind, input.group);
    }
    case 'licences.show':
      return showLicences(context, client);
    case 'users.act.preview': {
      const input = as(verb);
      return previewInactiveAction(context, client, input.action, input.users);
    }
    case 'user.offboard.preview': {
      const input = as(verb);
      return previewOffboarding(context, client, input.user);
    }
    case 'user.offboard.confirm': {
      const input = as(verb);
      return confirmOffboarding(context, client, input.user);
    }
    case 'users.act.confirm': {
      const input = as(verb);
      return confirmAction(context, client, input.action, input.users);
    }
    default:
      return errorCard({ title: 'Unknown action', message: 'Nothing was changed.', tone: 'invalid' });
  }
}
