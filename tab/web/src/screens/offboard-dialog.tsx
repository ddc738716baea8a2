import {
  Body1,
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  MessageBar,
  MessageBarBody,
  Spinner,
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
import type { OffboardingOutcome, OffboardingPreview, UserView } from '../api/types.js';
import {
  OFFBOARDING_OUTCOME_WORDS,
  OFFBOARDING_PLAN_WORDS,
  OFFBOARDING_STEP_TITLES,
  stepsNotDone,
} from '../../../../src/contracts/offboarding.js';
import { useApp } from '../app-context.js';
import { ErrorBar } from '../components/error-bar.js';
import { useMutation } from '../hooks/use-mutation.js';
import { useResource } from '../hooks/use-resource.js';
import { useReturnFocus } from '../hooks/use-return-focus.js';

const useStyles = makeStyles({
  note: { color: tokens.colorNeutralForeground3, overflowWrap: 'anywhere' },
  warning: { color: tokens.colorPaletteDarkOrangeForeground1, overflowWrap: 'anywhere' },
});

/** The core's words for a plan or an outcome, as a table cell starts them. */
function capitalised(words: string): string {
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}`;
}

/**
 * Offboarding a leaver (src/services/offboarding-service.ts): the steps first — block sign-in, sign out everywhere,
 * remove licences, stop collecting and billing — each with what it will do or why not; then, once confirmed, each
 * step's result, with Microsoft's reason where one was refused.
 */
export function OffboardDialog(props: {
  readonly clientRef: string;
  readonly user: UserView;
  readonly onClose: (changed: boolean) => void;
}) {
  useReturnFocus();
  const styles = useStyles();
  const { api, notify } = useApp();
  const name = props.user.displayName ?? props.user.userPrincipalName ?? 'this user';
  const path = `/clients/${encodeURIComponent(props.clientRef)}/users/${encodeURIComponent(props.user.id)}/offboarding`;
  const preview = useResource(() => api.get<OffboardingPreview>(path), path);
  const [outcome, setOutcome] = useState<OffboardingOutcome | undefined>();
  const offboard = useMutation(
    () => api.post<OffboardingOutcome>(path, { confirm: true }),
    (answer) => {
      setOutcome(answer);
      const failed = stepsNotDone(answer);
      notify(
        failed.length === 0 ? 'success' : 'warning',
        `${name} offboarded${failed.length === 0 ? '' : ', not every step'}`,
        failed.length === 0 ? 'Every step is done.' : 'See each step’s result in the dialog.',
      );
    },
  );
  const rows =
    outcome !== undefined
      ? outcome.steps.map((step) => ({
          step: step.step,
          state: capitalised(OFFBOARDING_OUTCOME_WORDS[step.outcome]),
          reason: step.reason,
        }))
      : (preview.data?.steps ?? []).map((step) => ({
          step: step.step,
          state: capitalised(OFFBOARDING_PLAN_WORDS[step.plan]),
          reason: step.reason,
        }));
  const freed = preview.data?.monthlyCostReclaimed ?? null;
  const notGranted = preview.data?.unavailableNotice ?? null;
  return (
    <Dialog
      open
      modalType="alert"
      onOpenChange={(_event, data) => {
        if (!data.open) props.onClose(outcome !== undefined);
      }}
    >
      <DialogSurface>
        <DialogBody>
          <DialogTitle>
            {outcome === undefined
              ? `Offboard ${name}?`
              : stepsNotDone(outcome).length > 0
                ? `${name} offboarded, not every step`
                : `${name} offboarded`}
          </DialogTitle>
          <DialogContent>
            <ErrorBar error={preview.error ?? offboard.error} />
            {outcome === undefined && (
              <Body1 as="p">
                The steps for a leaver, in this order. Each can be undone on its own, except signing out
                everywhere.
              </Body1>
            )}
            {preview.data === undefined && preview.loading ? (
              <Spinner label="Reading the user’s state…" />
            ) : (
              <Table
                aria-label={outcome === undefined ? 'Offboarding steps' : 'Offboarding results'}
                size="small"
              >
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell>Step</TableHeaderCell>
                    <TableHeaderCell>{outcome === undefined ? 'Plan' : 'Result'}</TableHeaderCell>
                    <TableHeaderCell>Note</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {rows.map((row) => (
                    <TableRow key={row.step} data-step={row.step}>
                      <TableCell>{OFFBOARDING_STEP_TITLES[row.step]}</TableCell>
                      <TableCell>{row.state}</TableCell>
                      <TableCell>
                        <Caption1 className={row.state.startsWith('Skipped') ? styles.warning : styles.note}>
                          {row.reason ?? ''}
                        </Caption1>
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
            {outcome === undefined && notGranted !== null && (
              <MessageBar intent="warning" layout="multiline">
                <MessageBarBody>{notGranted}</MessageBarBody>
              </MessageBar>
            )}
            {outcome === undefined && freed !== null && (
              <Body1 as="p">
                Licences freed: {freed.amount} {freed.currency} a month.
              </Body1>
            )}
          </DialogContent>
          <DialogActions>
            {outcome === undefined ? (
              <>
                <Button
                  appearance="secondary"
                  onClick={() => {
                    props.onClose(false);
                  }}
                >
                  Cancel
                </Button>
                <Button
                  appearance="primary"
                  disabled={offboard.busy || preview.data === undefined || preview.data.toChange === 0}
                  onClick={() => {
                    offboard.run();
                  }}
                >
                  Offboard
                </Button>
              </>
            ) : (
              <Button
                appearance="primary"
                onClick={() => {
                  props.onClose(true);
                }}
              >
                Close
              </Button>
            )}
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
