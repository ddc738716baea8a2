import {
  Body1,
  Button,
  Caption1,
  MessageBar,
  MessageBarBody,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import type { MonthlyAmount, UserActionName, UserActionOutcome, UserActionPreview } from '../api/types.js';
import { useApp } from '../app-context.js';
import { ErrorBar } from '../components/error-bar.js';

const useStyles = makeStyles({
  buttons: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
  block: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, alignItems: 'flex-start' },
  upn: { color: tokens.colorNeutralForeground3, display: 'block', overflowWrap: 'anywhere' },
});

/** Each action in words: the button, the preview's counts, and the Undo. */
const WORDS: Readonly<
  Record<UserActionName, { readonly title: string; readonly verb: string; readonly already: string }>
> = {
  block_sign_in: { title: 'Block sign-in', verb: 'block sign-in', already: 'already blocked' },
  unblock_sign_in: { title: 'Allow sign-in again', verb: 'allow sign-in again', already: 'already allowed' },
  revoke_sessions: {
    title: 'Sign out everywhere',
    verb: 'sign out everywhere',
    already: 'already signed out',
  },
  remove_licences: { title: 'Remove licences', verb: 'remove licences', already: 'holding none' },
  restore_licences: {
    title: 'Give the licences back',
    verb: 'give the licences back',
    already: 'already given back',
  },
};

const OUTCOME_WORDS = { done: 'done', refused: 'refused', not_applicable: 'not applicable' } as const;

/** The actions offered on a selection (giving licences back is offered on the results of removing them). */
const OFFERED: readonly UserActionName[] = [
  'block_sign_in',
  'unblock_sign_in',
  'remove_licences',
  'revoke_sessions',
];

function money(amount: MonthlyAmount | null): string {
  return amount === null ? '—' : `${amount.amount} ${amount.currency}`;
}

/**
 * Acting on the users selected in the inactive list (issue 17): block sign-in, remove licences, sign out everywhere.
 * Preview (who, which licences, the cost held or reclaimed, what is not applicable, whether the tenant granted the
 * permission) → Confirm → one result per user → Undo where Entra allows one (allow sign-in again; give back the
 * licences removed). The core checks the right and audits each user.
 */
export function UserActionsPanel(props: {
  readonly clientName: string;
  readonly selected: readonly string[];
  readonly onDone: () => void;
}) {
  const styles = useStyles();
  const { api, notify } = useApp();
  const base = `/clients/${encodeURIComponent(props.clientName)}/user-actions`;
  const [preview, setPreview] = useState<UserActionPreview>();
  const [outcome, setOutcome] = useState<UserActionOutcome>();
  // Not useMutation (busy until the caller closes): the panel stays open for Undo and for the next selection.
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  // Licence names as the last preview showed them, for the results (which carry only the licence ids).
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  const call = <T,>(request: () => Promise<T>, then: (answer: T) => void): void => {
    setBusy(true);
    setFailure(undefined);
    request().then(
      (answer) => {
        setBusy(false);
        then(answer);
      },
      (error: unknown) => {
        setBusy(false);
        setFailure(error);
      },
    );
  };
  const previewOf = (action: UserActionName, userIds: readonly string[]): void => {
    call(
      () => api.post<UserActionPreview>(`${base}/preview`, { action, userIds }),
      (answer) => {
        setPreview(answer);
        setOutcome(undefined);
        const shown = answer.targets.flatMap((t) => t.licences.map((l) => [l.skuId, l.productName] as const));
        setNames(new Map([...names, ...shown]));
      },
    );
  };
  const execute = (action: UserActionName, userIds: readonly string[]): void => {
    call(
      () => api.post<UserActionOutcome>(base, { action, userIds, confirm: true }),
      (answer) => {
        setOutcome(answer);
        setPreview(undefined);
        props.onDone();
        notify(
          answer.refused === 0 ? 'success' : 'warning',
          `${WORDS[answer.action].title}: ${answer.done.toString()} done, ${answer.refused.toString()} refused`,
        );
      },
    );
  };
  const doneIds = outcome?.results.filter((r) => r.outcome === 'done' && r.requested).map((r) => r.id) ?? [];
  const undo = outcome?.undo ?? null;
  return (
    <div className={styles.block}>
      <Subtitle2 as="h3" block>
        Act on the selected users
      </Subtitle2>
      <Caption1 block>
        Changes the users ticked above in Microsoft Entra ID. You always see a preview first; blocking sign-in
        and removing licences can be undone.
      </Caption1>
      <div className={styles.buttons}>
        {OFFERED.map((action) => (
          <Button
            key={action}
            disabled={props.selected.length === 0 || busy}
            onClick={() => {
              previewOf(action, props.selected);
            }}
          >
            Preview {WORDS[action].verb} ({props.selected.length.toString()})
          </Button>
        ))}
      </div>
      {failure !== undefined && <ErrorBar error={failure} />}
      {preview !== undefined && (
        <div className={styles.block} role="region" aria-label={`${WORDS[preview.action].title} preview`}>
          <Body1>{preview.what}</Body1>
          <Body1>
            {preview.toChange.toString()} to change, {preview.already.toString()}{' '}
            {WORDS[preview.action].already}, {preview.notApplicable.toString()} not applicable.
            {preview.monthlyCostReclaimed !== null &&
              ` Reclaimed: ${money(preview.monthlyCostReclaimed)} a month.`}
            {preview.monthlyCostReclaimed === null &&
              preview.monthlyCostHeld !== null &&
              ` They hold ${money(preview.monthlyCostHeld)} a month of licences.`}
          </Body1>
          {preview.unavailableNotice !== null && (
            // Multiline: in this column the bar grows with its text, so Fluent's automatic layout never wraps it.
            <MessageBar intent="warning" layout="multiline">
              {/* The core's words (as the CLI and the bot say it): not available, why, and how to grant it. */}
              <MessageBarBody>{preview.unavailableNotice}</MessageBarBody>
            </MessageBar>
          )}
          <Table aria-label={`${WORDS[preview.action].title}: who`} size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>User</TableHeaderCell>
                <TableHeaderCell>What happens</TableHeaderCell>
                <TableHeaderCell>Licences</TableHeaderCell>
                <TableHeaderCell>Monthly cost</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {preview.targets.map((t) => (
                <TableRow key={t.id}>
                  <TableCell>{t.displayName ?? t.userPrincipalName ?? t.id}</TableCell>
                  <TableCell>
                    {t.plan !== 'change'
                      ? (t.reason ?? t.plan)
                      : t.reason === null
                        ? WORDS[preview.action].verb
                        : `${WORDS[preview.action].verb} · ${t.reason}`}
                  </TableCell>
                  <TableCell>{t.licences.map((l) => l.productName).join(', ')}</TableCell>
                  <TableCell>{money(t.monthlyCost)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <div className={styles.buttons}>
            {preview.unavailableNotice === null && (
              <Button
                appearance="primary"
                disabled={busy || preview.toChange + preview.already === 0}
                onClick={() => {
                  execute(
                    preview.action,
                    preview.targets.filter((t) => t.plan !== 'not_applicable').map((t) => t.id),
                  );
                }}
              >
                Confirm: {WORDS[preview.action].verb}
              </Button>
            )}
            <Button
              onClick={() => {
                setPreview(undefined);
              }}
            >
              Cancel
            </Button>
          </div>
        </div>
      )}
      {outcome !== undefined && (
        <div className={styles.block}>
          <Table aria-label={`${WORDS[outcome.action].title} results`} size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>User</TableHeaderCell>
                <TableHeaderCell>Result</TableHeaderCell>
                <TableHeaderCell>Licences</TableHeaderCell>
                <TableHeaderCell>Microsoft&apos;s reason</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {outcome.results.map((r) => (
                <TableRow key={r.id}>
                  <TableCell>
                    {r.displayName ?? r.userPrincipalName ?? r.id}
                    {r.displayName !== null && (
                      <Caption1 className={styles.upn}>{r.userPrincipalName ?? r.id}</Caption1>
                    )}
                  </TableCell>
                  <TableCell>{OUTCOME_WORDS[r.outcome]}</TableCell>
                  <TableCell>{r.skuIds.map((skuId) => names.get(skuId) ?? skuId).join(', ')}</TableCell>
                  <TableCell>{r.reason ?? ''}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          {undo !== null &&
            (outcome.action === 'block_sign_in' || outcome.action === 'remove_licences') &&
            doneIds.length > 0 && (
              <Button
                disabled={busy}
                onClick={() => {
                  execute(undo, doneIds);
                }}
              >
                Undo: {WORDS[undo].verb} ({doneIds.length.toString()})
              </Button>
            )}
        </div>
      )}
    </div>
  );
}
