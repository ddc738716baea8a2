import type { MonthlyAmount } from '../../src/contracts/licences.js';
import type {
  UserActionName,
  UserActionOutcome,
  UserActionPreview,
} from '../../src/contracts/user-actions.js';
import { act, clientLabel, type CardClient } from './card-actions.js';
import { card, container, count, facts, heading, subtle, text, type AdaptiveCard } from './card-kit.js';

/** The most users one card acts on: their ids travel in the buttons' data (Teams keeps a card small). */
export const CARD_SELECTION_LIMIT = 25;

const TITLES: Readonly<Record<UserActionName, string>> = {
  block_sign_in: 'Block sign-in',
  unblock_sign_in: 'Allow sign-in again',
  revoke_sessions: 'Sign out everywhere',
  remove_licences: 'Remove licences',
  restore_licences: 'Give the licences back',
};

const RESULT_WORDS = { done: 'done', refused: 'refused', not_applicable: 'not applicable' } as const;

function money(amount: MonthlyAmount | null): string {
  return amount === null ? 'no price set' : `${amount.amount} ${amount.currency} a month`;
}

/**
 * An action on inactive users, before anything changes: what it does, who (with their licences and cost), what the
 * client stops paying; Confirm and Cancel, or, when the tenant has not granted the permission, the core's notice (why,
 * how to grant it) and no Confirm.
 */
export function userActionPreviewCard(
  client: CardClient,
  preview: UserActionPreview,
  more: number,
): AdaptiveCard {
  const title = TITLES[preview.action];
  const acting = preview.targets.filter((t) => t.plan !== 'not_applicable').map((t) => t.id);
  const body = [
    heading(`${title}? — ${clientLabel(client)}`),
    text(preview.what),
    container(
      [
        facts([
          ['To change', count(preview.toChange)],
          ['Already so', count(preview.already)],
          ['Not applicable', count(preview.notApplicable)],
          ...(preview.action === 'remove_licences'
            ? [['Reclaimed', money(preview.monthlyCostReclaimed)] as const]
            : [['Licences held', money(preview.monthlyCostHeld)] as const]),
        ]),
      ],
      'emphasis',
    ),
    facts(
      preview.targets.map((t) => [
        t.displayName ?? t.userPrincipalName ?? t.id,
        [
          t.plan === 'change' ? title.toLowerCase() : (t.reason ?? t.plan),
          // A user the action would change may come with a warning (an administrator: Microsoft may refuse).
          ...(t.plan === 'change' && t.reason !== null ? [t.reason] : []),
          ...(t.licences.length === 0 ? [] : [t.licences.map((l) => l.productName).join(', ')]),
          ...(t.monthlyCost === null ? [] : [money(t.monthlyCost)]),
        ].join(' · '),
      ]),
    ),
    ...(more > 0 ? [subtle(`${count(more)} more: act on them from the Licences tab.`)] : []),
    ...(preview.unavailableNotice === null
      ? []
      : [text(preview.unavailableNotice, { color: 'warning', weight: 'bolder' })]),
  ];
  // No Confirm for an action the tenant has not granted (the core would refuse it too): the notice says how to grant it.
  return card(
    body,
    acting.length === 0 || preview.unavailableNotice !== null
      ? [act('Back to licences', 'licences.show', { client: client.id })]
      : [
          act(
            `Confirm: ${title.toLowerCase()}`,
            'users.act.confirm',
            { client: client.id, action: preview.action, users: acting },
            'destructive',
          ),
          act('Cancel', 'licences.show', { client: client.id }),
        ],
  );
}

/** Each user's result (done, or refused with Microsoft's reason), and the Undo where Entra allows one. */
export function userActionResultCard(client: CardClient, outcome: UserActionOutcome): AdaptiveCard {
  const title = TITLES[outcome.action];
  const done = outcome.results.filter((r) => r.outcome === 'done' && r.requested).map((r) => r.id);
  const body = [
    heading(
      `${title}: ${count(outcome.done)} done, ${count(outcome.refused)} refused — ${clientLabel(client)}`,
    ),
    facts(
      outcome.results.map((r) => [
        // The person's name, with the sign-in name (UPN) that tells two of the same name apart.
        r.displayName === null
          ? (r.userPrincipalName ?? r.id)
          : `${r.displayName} (${r.userPrincipalName ?? r.id})`,
        r.reason === null ? RESULT_WORDS[r.outcome] : `${RESULT_WORDS[r.outcome]} · ${r.reason}`,
      ]),
    ),
    subtle('Each user’s result is in the audit log.'),
  ];
  const undo = outcome.undo;
  const offerUndo =
    undo !== null &&
    done.length > 0 &&
    (outcome.action === 'block_sign_in' || outcome.action === 'remove_licences');
  return card(body, [
    ...(offerUndo
      ? [
          act(`Undo: ${TITLES[undo].toLowerCase()}`, 'users.act.confirm', {
            client: client.id,
            action: undo,
            users: done,
          }),
        ]
      : []),
    act('Back to licences', 'licences.show', { client: client.id }),
  ]);
}

/** No expired user holds a licence: nothing to act on. */
export function nothingToActOnCard(client: CardClient): AdaptiveCard {
  return card(
    [
      heading(`Nothing to act on — ${clientLabel(client)}`),
      text('No expired user holds a licence, so nothing was changed.'),
    ],
    [act('Back to licences', 'licences.show', { client: client.id })],
  );
}
