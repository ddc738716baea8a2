import {
  Badge,
  Body1,
  Button,
  Caption1,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '@fluentui/react-components';
import { useState } from 'react';
import type { UserActionName, UserActionOutcome, UserActionPreview } from '../api/types.js';
import { useApp } from '../app-context.js';
import { ErrorBar } from '../components/error-bar.js';

/**
 * Block sign-in of the users selected in the inactive list (issue 17): Preview (who, what, the cost they hold, what
 * is not applicable, whether the tenant granted the permission) → Confirm → one result per user → Undo (allow
 * sign-in again for those done). The core checks the right and audits each user.
 */
export function BlockSignInPanel(props: {
  readonly clientName: string;
  readonly selected: readonly string[];
  readonly onDone: () => void;
}) {
  const { api, notify } = useApp();
  const base = `/clients/${encodeURIComponent(props.clientName)}/user-actions`;
  const [preview, setPreview] = useState<UserActionPreview>();
  const [outcome, setOutcome] = useState<UserActionOutcome>();
  // Not useMutation (busy until the caller closes): the panel stays open for Undo and for the next selection.
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const previewOf = (action: UserActionName, userIds: readonly string[]): void => {
    setBusy(true);
    setFailure(undefined);
    api.post<UserActionPreview>(`${base}/preview`, { action, userIds }).then(
      (answer) => {
        setBusy(false);
        setPreview(answer);
        setOutcome(undefined);
      },
      (error: unknown) => {
        setBusy(false);
        setFailure(error);
      },
    );
  };
  const execute = (action: UserActionName, userIds: readonly string[]): void => {
    setBusy(true);
    setFailure(undefined);
    api.post<UserActionOutcome>(base, { action, userIds, confirm: true }).then(
      (answer) => {
        setBusy(false);
        setOutcome(answer);
        setPreview(undefined);
        props.onDone();
        notify(
          answer.refused === 0 ? 'success' : 'warning',
          `${answer.done.toString()} done, ${answer.refused.toString()} refused`,
        );
      },
      (error: unknown) => {
        setBusy(false);
        setFailure(error);
      },
    );
  };
  const doneIds = outcome?.results.filter((r) => r.outcome === 'done' && r.requested).map((r) => r.id) ?? [];
  return (
    <div>
      <Subtitle2 as="h3" block>
        Block sign-in
      </Subtitle2>
      <Caption1 block>
        Blocks sign-in in Microsoft Entra ID for the users ticked above (their licences stay assigned). Always
        previewed first; Undo allows sign-in again.
      </Caption1>
      <div>
        <Button
          disabled={props.selected.length === 0 || busy}
          onClick={() => {
            previewOf('block_sign_in', props.selected);
          }}
        >
          Preview block sign-in ({props.selected.length.toString()})
        </Button>
      </div>
      {failure !== undefined && <ErrorBar error={failure} />}
      {preview !== undefined && (
        <div aria-label="Block sign-in preview">
          <Body1>
            {preview.toChange.toString()} to block, {preview.already.toString()} already blocked,{' '}
            {preview.notApplicable.toString()} not applicable.
            {preview.monthlyCostHeld !== null &&
              ` They hold ${preview.monthlyCostHeld.amount} ${preview.monthlyCostHeld.currency} a month of licences.`}
          </Body1>
          {!preview.available && (
            <Badge appearance="tint" color="warning">
              Not granted: {preview.availabilityDetail}
            </Badge>
          )}
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
            Confirm: block sign-in
          </Button>
          <Button
            onClick={() => {
              setPreview(undefined);
            }}
          >
            Cancel
          </Button>
        </div>
      )}
      {outcome !== undefined && (
        <div>
          <Table aria-label="Block sign-in results" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>User</TableHeaderCell>
                <TableHeaderCell>Result</TableHeaderCell>
                <TableHeaderCell>Microsoft&apos;s reason</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {outcome.results.map((r) => (
                <TableRow key={r.id}>
                  <TableCell>{r.userPrincipalName ?? r.id}</TableCell>
                  <TableCell>{r.outcome}</TableCell>
                  <TableCell>{r.reason ?? ''}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          {outcome.action === 'block_sign_in' && doneIds.length > 0 && (
            <Button
              disabled={busy}
              onClick={() => {
                execute('unblock_sign_in', doneIds);
              }}
            >
              Undo: allow sign-in again ({doneIds.length.toString()})
            </Button>
          )}
        </div>
      )}
    </div>
  );
}
