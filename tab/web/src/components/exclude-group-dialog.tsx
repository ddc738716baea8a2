import {
  Body1,
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { ExclusionPreview, ExclusionResult, GroupView } from '../api/types.js';
import { useApp } from '../app-context.js';
import { formatNumber, plural } from '../format.js';
import { ErrorBar } from './error-bar.js';
import { UsersTable } from './users-table.js';
import { useMutation } from '../hooks/use-mutation.js';
import { useReturnFocus } from '../hooks/use-return-focus.js';

const useStyles = makeStyles({
  surface: { maxWidth: '760px', width: '90vw' },
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  billing: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    gap: tokens.spacingHorizontalXXL,
    margin: 0,
    padding: tokens.spacingHorizontalM,
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
  },
  figure: {
    margin: 0,
    fontSize: tokens.fontSizeBase600,
    fontWeight: tokens.fontWeightSemibold,
    lineHeight: tokens.lineHeightBase600,
  },
  value: { margin: 0 },
  sample: { maxHeight: '260px', overflowY: 'auto' },
  muted: { color: tokens.colorNeutralForeground3 },
});

/**
 * Rule 6 made safe: first the preview — who the exclusion disables (nested members included) and the billable count
 * before → after — then an explicit "cannot be undone" confirmation bound to exactly that preview.
 */
export function ExcludeGroupDialog(props: {
  readonly clientRef: string;
  readonly group: GroupView;
  readonly onClose: (changed: boolean) => void;
}) {
  useReturnFocus();
  const styles = useStyles();
  const { api, notify } = useApp();
  const [preview, setPreview] = useState<ExclusionPreview | undefined>();
  const [error, setError] = useState<unknown>();
  const [understood, setUnderstood] = useState(false);
  const base = `/clients/${encodeURIComponent(props.clientRef)}/groups/${encodeURIComponent(props.group.id)}`;
  const name = props.group.displayName ?? props.group.id;

  useEffect(() => {
    api.post<ExclusionPreview>(`${base}/exclusion-preview`, { sampleSize: 50 }).then(setPreview, setError);
  }, [api, base]);

  const exclude = useMutation(
    (token: string) =>
      api.post<ExclusionResult>(`/clients/${encodeURIComponent(props.clientRef)}/exclusions`, {
        token,
        confirm: true,
      }),
    (result) => {
      notify(
        'success',
        `${name} excluded`,
        result.figures.facts.map((fact) => `${fact.label}: ${fact.value}`).join(' · '),
      );
      props.onClose(true);
    },
  );
  const confirm = (): void => {
    if (preview === undefined) return;
    exclude.run(preview.token);
  };

  return (
    <Dialog
      open
      modalType="alert"
      onOpenChange={(_event, data) => {
        if (!data.open) props.onClose(false);
      }}
    >
      <DialogSurface className={styles.surface}>
        <DialogBody>
          <DialogTitle>Exclude {name}?</DialogTitle>
          <DialogContent className={styles.content}>
            <ErrorBar error={error ?? exclude.error} />
            {preview === undefined && error === undefined && (
              <Spinner label="Working out who this affects…" />
            )}
            {preview !== undefined && (
              <>
                <Body1 as="p" data-testid="exclusion-summary">
                  Excluding <strong>{name}</strong> disables{' '}
                  <strong>{plural(preview.affected.count, 'user')}</strong> — its members, including those in
                  nested groups. Anyone who joins it later is never imported.
                </Body1>
                {/* The same figures in the same words as the bot's card and the CLI (worded by the server). */}
                <dl
                  className={styles.billing}
                  data-testid="exclusion-figures"
                  aria-label="What the exclusion changes"
                >
                  {preview.figures.facts.map((fact) => (
                    <div key={fact.label}>
                      <dt>
                        <Text size={200} className={styles.muted}>
                          {fact.label}
                        </Text>
                      </dt>
                      <dd className={fact.label === 'Billable users' ? styles.figure : styles.value}>
                        {fact.value}
                      </dd>
                    </div>
                  ))}
                </dl>
                {preview.figures.note !== null && (
                  <MessageBar intent="info" layout="multiline">
                    <MessageBarBody>{preview.figures.note}</MessageBarBody>
                  </MessageBar>
                )}
                {preview.affected.sample.length > 0 && (
                  <div className={styles.sample}>
                    <UsersTable
                      users={preview.affected.sample}
                      label={`Users disabled by excluding ${name}`}
                      columns={['membership', 'state']}
                    />
                    {preview.affected.count > preview.affected.sample.length && (
                      <Text size={200} className={styles.muted}>
                        …and {formatNumber(preview.affected.count - preview.affected.sample.length)} more.
                      </Text>
                    )}
                  </div>
                )}
                <MessageBar intent="warning" layout="multiline">
                  <MessageBarBody>
                    <MessageBarTitle>This cannot be undone.</MessageBarTitle>
                    An excluded group can never be included again.
                  </MessageBarBody>
                </MessageBar>
                <Checkbox
                  checked={understood}
                  onChange={(_event, data) => {
                    setUnderstood(data.checked === true);
                  }}
                  label={`I understand that excluding ${name} cannot be undone`}
                />
              </>
            )}
          </DialogContent>
          <DialogActions>
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
              onClick={confirm}
              disabled={preview === undefined || !understood || exclude.busy}
            >
              Exclude group
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
