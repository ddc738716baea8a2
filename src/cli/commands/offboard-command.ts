import type { Command } from 'commander';
import {
  OFFBOARDING_OUTCOME_WORDS,
  OFFBOARDING_PLAN_WORDS,
  OFFBOARDING_STEP_TITLES,
  stepsNotDone,
  type OffboardingPreview,
} from '../../contracts/offboarding.js';
import { plural } from '../../shared/plural.js';
import { formatTable, type CliContext } from '../cli-context.js';

/**
 * `users offboard <client> <user> [--confirm]`: a leaver's offboarding (src/services/offboarding-service.ts) — block
 * sign-in, sign out everywhere, remove licences, stop collecting and billing. Without `--confirm` it only previews.
 */
export function registerOffboardCommand(users: Command, context: CliContext): void {
  users
    .command('offboard')
    .description(
      'offboard a leaver: block sign-in, sign out everywhere, remove licences, stop collecting and billing; previews unless --confirm',
    )
    .argument('<client>', 'client name or id')
    .argument('<user>', 'user object id or user principal name')
    .option('--confirm', 'do it (after looking at the preview)')
    .option('--json', 'print the preview or the results as JSON')
    .action(async (clientRef: string, userRef: string, options: { confirm?: boolean; json?: boolean }) => {
      const core = await context.core();
      if (options.confirm !== true) {
        const preview = await core.offboarding.preview(context.actor, clientRef, userRef);
        if (options.json === true) {
          context.out(JSON.stringify(preview));
          return;
        }
        context.out(`Offboarding ${userName(preview.user)}: ${plural(preview.toChange, 'step')} to do.`);
        context.out(
          formatTable(
            ['STEP', 'PLAN', 'NOTE'],
            preview.steps.map((s) => [
              OFFBOARDING_STEP_TITLES[s.step],
              OFFBOARDING_PLAN_WORDS[s.plan],
              s.reason,
            ]),
          ),
        );
        if (preview.unavailableNotice !== null) context.out(preview.unavailableNotice);
        if (preview.monthlyCostReclaimed !== null)
          context.out(
            `Licences freed: ${preview.monthlyCostReclaimed.amount} ${preview.monthlyCostReclaimed.currency} a month.`,
          );
        context.out(
          preview.toChange === 0 ? 'Nothing to do.' : 'To do it, run the same command with --confirm.',
        );
        return;
      }
      const outcome = await core.offboarding.execute(context.actor, clientRef, userRef, { confirm: true });
      if (options.json === true) {
        context.out(JSON.stringify(outcome));
        return;
      }
      context.out(`Offboarded ${userName(outcome.user)}:`);
      context.out(
        formatTable(
          ['STEP', 'RESULT', 'REASON'],
          outcome.steps.map((s) => [
            OFFBOARDING_STEP_TITLES[s.step],
            OFFBOARDING_OUTCOME_WORDS[s.outcome],
            s.reason,
          ]),
        ),
      );
      const failed = stepsNotDone(outcome);
      context.out(
        failed.length === 0
          ? 'Undo, step by step: users unblock, users restore-licences, users import (sessions cannot be given back).'
          : `${plural(failed.length, 'step')} not done: see the reasons above; the others were.`,
      );
    });
}

function userName(user: OffboardingPreview['user']): string {
  return user.displayName === null
    ? (user.userPrincipalName ?? user.id)
    : `${user.displayName} (${user.userPrincipalName ?? user.id})`;
}
