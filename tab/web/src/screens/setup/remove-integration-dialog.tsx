import {
  Body1,
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
} from '@fluentui/react-components';
import { useState, type SyntheticEvent } from 'react';
import type { ClientHeader } from '../../api/types.js';
import { useApp } from '../../app-context.js';
import { ErrorBar } from '../../components/error-bar.js';
import { useMutation } from '../../hooks/use-mutation.js';
import { useReturnFocus } from '../../hooks/use-return-focus.js';
import { useStyles } from './setup-styles.js';

export function RemoveIntegrationDialog(props: {
  readonly client: ClientHeader;
  readonly onClose: (changed: boolean) => void;
}) {
  useReturnFocus();
  const styles = useStyles();
  const { api, notify } = useApp();
  const [confirm, setConfirm] = useState('');
  const remove = useMutation(
    () =>
      api.delete<{ deleted: Record<string, number> }>(
        `/clients/${encodeURIComponent(props.client.name)}/integration`,
        { confirm },
      ),
    () => {
      notify(
        'success',
        'Integration removed',
        'Its tenant data was deleted; the audit log and billing history stay.',
      );
      props.onClose(true);
    },
  );
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    remove.run();
  };
  return (
    <Dialog
      open
      modalType="alert"
      onOpenChange={(_event, data) => {
        if (!data.open) props.onClose(false);
      }}
    >
      <DialogSurface>
        <form onSubmit={submit}>
          <DialogBody>
            <DialogTitle>Remove the connection to {props.client.displayName}?</DialogTitle>
            <DialogContent className={styles.form}>
              <ErrorBar error={remove.error} />
              <Body1>
                Every user, group, sign-in and sync state held for this tenant is deleted. The audit log and
                billing history stay. <strong>This cannot be undone.</strong>
              </Body1>
              <Field label={`Type ${props.client.name} to confirm`} required>
                <Input
                  value={confirm}
                  onChange={(_event, data) => {
                    setConfirm(data.value);
                  }}
                />
              </Field>
            </DialogContent>
            <DialogActions>
              <Button
                onClick={() => {
                  props.onClose(false);
                }}
              >
                Cancel
              </Button>
              <Button
                appearance="primary"
                type="submit"
                disabled={remove.busy || confirm.trim().toLowerCase() !== props.client.name}
              >
                Remove connection
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
