import {
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
import type { ConnectionOutcome } from '../../api/types.js';
import { useApp } from '../../app-context.js';
import { ErrorBar } from '../../components/error-bar.js';
import { useMutation } from '../../hooks/use-mutation.js';
import { useReturnFocus } from '../../hooks/use-return-focus.js';
import { useStyles } from './setup-styles.js';

export function RotateSecretDialog(props: {
  readonly clientRef: string;
  readonly onClose: (changed: boolean) => void;
}) {
  useReturnFocus();
  const styles = useStyles();
  const { api, notify } = useApp();
  const [secret, setSecret] = useState('');
  const [expires, setExpires] = useState('');
  const rotate = useMutation(
    () =>
      api.put<ConnectionOutcome>(`/clients/${encodeURIComponent(props.clientRef)}/integration/secret`, {
        clientSecret: secret,
        ...(expires === '' ? {} : { secretExpiresAt: expires }),
      }),
    () => {
      notify('success', 'Secret replaced', 'The new secret was checked and saved.');
      props.onClose(true);
    },
  );
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    rotate.run();
  };
  return (
    <Dialog
      open
      onOpenChange={(_event, data) => {
        if (!data.open) props.onClose(false);
      }}
    >
      <DialogSurface>
        <form onSubmit={submit}>
          <DialogBody>
            <DialogTitle>Rotate the client secret</DialogTitle>
            <DialogContent className={styles.form}>
              <ErrorBar error={rotate.error} />
              <Field label="New client secret" required>
                <Input
                  type="password"
                  value={secret}
                  onChange={(_event, data) => {
                    setSecret(data.value);
                  }}
                  autoComplete="new-password"
                />
              </Field>
              <Field label="Expires on (optional)">
                <Input
                  type="date"
                  value={expires}
                  onChange={(_event, data) => {
                    setExpires(data.value);
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
              <Button appearance="primary" type="submit" disabled={rotate.busy || secret.trim() === ''}>
                Check and save
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
