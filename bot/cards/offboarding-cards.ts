import {
  OFFBOARDING_OUTCOME_WORDS,
  OFFBOARDING_PLAN_WORDS,
  OFFBOARDING_STEP_TITLES,
  stepsNotDone,
  type OffboardingOutcome,
  type OffboardingPreview,
} from '../../src/contracts/offboarding.js';
import { act, clientLabel, type CardClient } from './card-actions.js';
import { card, container, facts, heading, subtle, text, type AdaptiveCard } from './card-kit.js';

function nameOf(user: OffboardingPreview['user']): string {
  return user.displayName ?? user.userPrincipalName ?? user.id;
}

/**
 * Offboarding a leaver, before anything changes: each step in its order with what it will do (or why not), the
 * licence cost freed, then Offboard and Cancel. A step the tenant has not granted shows the core's notice (how to
 * grant it); the others still run.
 */
export function offboardingPreviewCard(client: CardClient, preview: OffboardingPreview): AdaptiveCard {
  const { user } = preview;
  const body = [
    heading(`Offboard ${nameOf(user)}? — ${clientLabel(client)}`),
    ...(user.userPrincipalName === null ? [] : [subtle(user.userPrincipalName)]),
    text(
      'The steps for a leaver, in this order. Each can be undone on its own, except signing out everywhere.',
    ),
    container(
      [
        facts(
          preview.steps.map((step) => [
            OFFBOARDING_STEP_TITLES[step.step],
            OFFBOARDING_PLAN_WORDS[step.plan],
          ]),
        ),
      ],
      'emphasis',
    ),
    // What is already so, not applicable, or freed; the steps not granted are said once, below.
    ...preview.steps.flatMap((step) =>
      step.reason === null || step.plan === 'unavailable'
        ? []
        : [text(`${OFFBOARDING_STEP_TITLES[step.step]}: ${step.reason}`, { size: 'small', isSubtle: true })],
    ),
    ...(preview.unavailableNotice === null
      ? []
      : [text(preview.unavailableNotice, { color: 'warning', weight: 'bolder', size: 'small' })]),
    ...(preview.monthlyCostReclaimed === null
      ? []
      : [
          text(
            `Licences freed: ${preview.monthlyCostReclaimed.amount} ${preview.monthlyCostReclaimed.currency} a month.`,
          ),
        ]),
  ];
  const toUser = { client: client.id, user: user.id };
  return card(
    body,
    preview.toChange === 0
      ? [act('Back to the user', 'user.show', toUser)]
      : [act('Offboard', 'user.offboard.confirm', toUser, 'destructive'), act('Cancel', 'user.show', toUser)],
  );
}

/** What offboarding did, step by step, with Microsoft's reason where a step was refused or skipped. */
export function offboardingResultCard(client: CardClient, outcome: OffboardingOutcome): AdaptiveCard {
  const { user } = outcome;
  const failed = stepsNotDone(outcome);
  const body = [
    heading(
      failed.length === 0 ? `Offboarded ${nameOf(user)}` : `Offboarded ${nameOf(user)}, not every step`,
      failed.length === 0 ? 'good' : 'warning',
    ),
    subtle(clientLabel(client)),
    container(
      [
        facts(
          outcome.steps.map((step) => [
            OFFBOARDING_STEP_TITLES[step.step],
            OFFBOARDING_OUTCOME_WORDS[step.outcome],
          ]),
        ),
      ],
      'emphasis',
    ),
    ...outcome.steps.flatMap((step) =>
      step.reason === null || step.outcome === 'done'
        ? []
        : [
            text(`${OFFBOARDING_STEP_TITLES[step.step]}: ${step.reason}`, {
              size: 'small',
              color: 'warning',
            }),
          ],
    ),
  ];
  return card(body, [act('Open the user', 'user.show', { client: client.id, user: user.id })]);
}
