import type { Command } from 'commander';
import type { UserActionName } from '../../contracts/user-actions.js';
import { formatTable, type CliContext } from '../cli-context.js';

interface ActionOptions {
  inactive?: boolean;
  sku?: string[];
  confirm?: boolean;
  json?: boolean;
}

/**
 * `users block|unblock|revoke-sessions|remove-licences|restore-licences`: act on users in the client's Entra tenant
 * (unblock and restore-licences are the Undos). Without `--confirm` it only previews (who, what, which licences, the
 * licence cost held or reclaimed, what is not applicable).
 */
export function registerUserActionCommands(users: Command, context: CliContext): void {
  const verbs: readonly [string, UserActionName, string][] = [
    ['block', 'block_sign_in', 'block sign-in in Microsoft Entra ID (needs User.EnableDisableAccount.All)'],
    ['unblock', 'unblock_sign_in', 'allow sign-in again (the Undo of block)'],
    [
      'revoke-sessions',
      'revoke_sessions',
      'sign users out everywhere (needs User.RevokeSessions.All; no Undo)',
    ],
    [
      'remove-licences',
      'remove_licences',
      'remove licences in Microsoft Entra ID (needs LicenseAssignment.ReadWrite.All)',
    ],
    ['restore-licences', 'restore_licences', 'give back the licences removed (the Undo of remove-licences)'],
  ];
  for (const [verb, action, description] of verbs) {
    users
      .command(verb)
      .description(`${description}; previews unless --confirm`)
      .argument('<client>', 'client name or id')
      .argument('[users...]', 'user object ids')
      .option('--inactive', 'select the expired users still licensed (the Licences screen’s inactive list)')
      .option('--confirm', 'do it (after looking at the preview)')
      .option(
        '--sku <licence-ids...>',
        'remove-licences: only these licence (SKU) ids (default: all the user holds)',
      )
      .option('--json', 'print the preview or the results as JSON')
      .action(async (clientRef: string, userIds: string[], options: ActionOptions) => {
        const core = await context.core();
        const selected = [...userIds];
        if (options.inactive === true) {
          const inactive = await core.licences.inactiveLicensed(context.actor, clientRef, { limit: 1000 });
          for (const user of inactive.users)
            if (user.inactiveReasons.includes('expired')) selected.push(user.id);
        }
        const input = {
          action,
          userIds: selected,
          ...(options.sku === undefined ? {} : { skuIds: options.sku }),
        };
        if (options.confirm !== true) {
          const preview = await core.userActions.preview(context.actor, clientRef, input);
          if (options.json === true) {
            context.out(JSON.stringify(preview));
            return;
          }
          context.out(preview.what);
          context.out(
            formatTable(
              ['NAME', 'UPN', 'PLAN', 'LICENCES', 'MONTHLY COST', 'NOTE'],
              preview.targets.map((t) => [
                t.displayName,
                t.userPrincipalName,
                t.plan,
                t.licences.map((l) => l.productName).join(', '),
                t.monthlyCost === null ? '—' : `${t.monthlyCost.amount} ${t.monthlyCost.currency}`,
                t.reason,
              ]),
            ),
          );
          context.out(
            `${preview.toChange.toString()} to change, ${preview.already.toString()} already so, ${preview.notApplicable.toString()} not applicable.` +
              (preview.monthlyCostHeld === null
                ? ''
                : ` Licences held: ${preview.monthlyCostHeld.amount} ${preview.monthlyCostHeld.currency} a month.`) +
              (preview.monthlyCostReclaimed === null
                ? ''
                : ` Reclaimed: ${preview.monthlyCostReclaimed.amount} ${preview.monthlyCostReclaimed.currency} a month.`),
          );
          // The permission's state in the core's own words, as the bot's and the tab's previews show it: no
          // --confirm hint for an action the client's tenant has not granted.
          if (preview.unavailableNotice !== null) {
            context.out(preview.unavailableNotice);
            return;
          }
          context.out(`To do it, run the same command with --confirm.`);
          return;
        }
        const outcome = await core.userActions.execute(context.actor, clientRef, { ...input, confirm: true });
        if (options.json === true) {
          context.out(JSON.stringify(outcome));
          return;
        }
        context.out(
          formatTable(
            ['NAME', 'UPN', 'RESULT', 'GRAPH', 'REASON'],
            outcome.results.map((r) => [
              r.displayName,
              r.userPrincipalName ?? r.id,
              r.outcome,
              r.graphStatus === null ? '—' : r.graphStatus.toString(),
              r.reason,
            ]),
          ),
        );
        context.out(
          `${outcome.done.toString()} done, ${outcome.refused.toString()} refused, ${outcome.notApplicable.toString()} not applicable` +
            ` (${outcome.batches.toString()} batches, ${outcome.throttledItems.toString()} throttled and sent again).` +
            (outcome.undo === null || outcome.done === 0
              ? ''
              : ` Undo: users ${undoVerb(outcome.undo)} with the same users.`),
        );
      });
  }
}

function undoVerb(action: UserActionName): string {
  const verbs: Partial<Record<UserActionName, string>> = {
    unblock_sign_in: 'unblock',
    block_sign_in: 'block',
    restore_licences: 'restore-licences',
    remove_licences: 'remove-licences',
  };
  return verbs[action] ?? action;
}
