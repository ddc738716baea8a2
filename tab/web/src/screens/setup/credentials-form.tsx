import {
  Body1,
  Button,
  Caption1,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
} from '@fluentui/react-components';
import { PlugConnectedRegular } from '@fluentui/react-icons';
import { useState, type SyntheticEvent } from 'react';
import { ApiError } from '../../api/api-client.js';
import type { ClientHeader, ConnectionOutcome, PermissionCheck } from '../../api/types.js';
import { useApp } from '../../app-context.js';
import { ConnectionChecks } from '../../components/connection-checks.js';
import { DOMAIN_PATTERN, GUID_PATTERN } from '../../../../../src/contracts/values.js';
import { useStyles } from './setup-styles.js';

interface CredentialsValues {
  readonly tenant: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly secretExpiresAt: string;
}

function validateCredentials(values: CredentialsValues): Partial<Record<keyof CredentialsValues, string>> {
  const problems: Partial<Record<keyof CredentialsValues, string>> = {};
  const tenant = values.tenant.trim();
  if (tenant === '') problems.tenant = 'Enter the tenant id or a verified domain.';
  else if (!GUID_PATTERN.test(tenant) && !DOMAIN_PATTERN.test(tenant)) {
    problems.tenant = 'Use the tenant id (a GUID) or a verified domain such as contoso.onmicrosoft.com.';
  }
  const clientId = values.clientId.trim();
  if (clientId === '') problems.clientId = 'Enter the application (client) id.';
  else if (!GUID_PATTERN.test(clientId))
    problems.clientId = 'The application (client) id is a GUID, e.g. 11111111-2222-3333-4444-555555555555.';
  if (values.clientSecret.trim() === '') problems.clientSecret = "Paste the secret's Value (not its ID).";
  if (values.secretExpiresAt !== '' && new Date(values.secretExpiresAt).getTime() <= Date.now()) {
    problems.secretExpiresAt = 'This date is in the past: the secret has expired.';
  }
  return problems;
}

export function CredentialsForm({
  client,
  onConnected,
}: {
  readonly client: ClientHeader;
  readonly onConnected: () => void;
}) {
  const styles = useStyles();
  const { api, notify } = useApp();
  const [values, setValues] = useState<CredentialsValues>({
    tenant: '',
    clientId: '',
    clientSecret: '',
    secretExpiresAt: '',
  });
  const [touched, setTouched] = useState<Partial<Record<keyof CredentialsValues, boolean>>>({});
  const [serverProblems, setServerProblems] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<
    { error: unknown; checks: PermissionCheck[]; missing: string[] } | undefined
  >();
  const [busy, setBusy] = useState(false);
  const problems = validateCredentials(values);
  const shown = (field: keyof CredentialsValues): string | null =>
    (touched[field] === true ? problems[field] : undefined) ?? serverProblems[field] ?? null;

  const set = (field: keyof CredentialsValues) => (_event: unknown, data: { value: string }) => {
    setValues((previous) => ({ ...previous, [field]: data.value }));
    setServerProblems((previous) => ({ ...previous, [field]: '' }));
  };
  const blur = (field: keyof CredentialsValues) => () => {
    setTouched((previous) => ({ ...previous, [field]: true }));
  };

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    setTouched({ tenant: true, clientId: true, clientSecret: true, secretExpiresAt: true });
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    setFailure(undefined);
    api
      .post<ConnectionOutcome>(`/clients/${encodeURIComponent(client.name)}/integration`, {
        tenant: values.tenant.trim(),
        clientId: values.clientId.trim(),
        clientSecret: values.clientSecret,
        ...(values.secretExpiresAt === '' ? {} : { secretExpiresAt: values.secretExpiresAt }),
      })
      .then(
        (outcome) => {
          notify(
            'success',
            `Connected to ${outcome.organization.displayName ?? outcome.integration.tenantId}`,
            'The first sync starts now. Review the groups before you start the import.',
          );
          onConnected();
        },
        (error: unknown) => {
          if (error instanceof ApiError && error.code === 'validation_failed') {
            setServerProblems(error.fieldProblems());
          }
          const details = error instanceof ApiError ? error.details : {};
          setFailure({
            error,
            checks: Array.isArray(details.checks) ? (details.checks as PermissionCheck[]) : [],
            missing: Array.isArray(details.missingPermissions)
              ? (details.missingPermissions as string[])
              : [],
          });
        },
      )
      .finally(() => {
        setBusy(false);
      });
  };

  return (
    <form className={styles.form} onSubmit={submit} noValidate aria-label="Client credentials">
      <Field
        label="Tenant id or verified domain"
        required
        hint="Entra admin center → Overview → Tenant ID, or a domain such as contoso.onmicrosoft.com"
        validationMessage={shown('tenant')}
      >
        <Input value={values.tenant} onChange={set('tenant')} onBlur={blur('tenant')} autoComplete="off" />
      </Field>
      <Field
        label="Application (client) id"
        required
        hint="App registrations → your app → Application (client) ID"
        validationMessage={shown('clientId')}
      >
        <Input
          value={values.clientId}
          onChange={set('clientId')}
          onBlur={blur('clientId')}
          autoComplete="off"
        />
      </Field>
      <Field
        label="Client secret"
        required
        hint="Certificates & secrets → the secret's Value. It is encrypted and never shown again."
        validationMessage={shown('clientSecret')}
      >
        <Input
          type="password"
          value={values.clientSecret}
          onChange={set('clientSecret')}
          onBlur={blur('clientSecret')}
          autoComplete="new-password"
        />
      </Field>
      <Field
        label="Secret expires on (optional)"
        hint="We remind you 30 days before."
        validationMessage={shown('secretExpiresAt')}
      >
        <Input
          type="date"
          value={values.secretExpiresAt}
          onChange={set('secretExpiresAt')}
          onBlur={blur('secretExpiresAt')}
        />
      </Field>
      {failure !== undefined && (
        <ConnectFailure error={failure.error} checks={failure.checks} missing={failure.missing} />
      )}
      <div className={styles.row}>
        <Button appearance="primary" type="submit" icon={<PlugConnectedRegular />} disabled={busy}>
          {busy ? 'Checking the connection…' : 'Test and connect'}
        </Button>
        {busy && <Spinner size="tiny" aria-label="Checking" />}
        <Caption1 className={styles.muted}>Nothing is saved unless every check passes.</Caption1>
      </div>
    </form>
  );
}

export function ConnectFailure(props: {
  readonly error: unknown;
  readonly checks: readonly PermissionCheck[];
  readonly missing: readonly string[];
}) {
  const message = props.error instanceof Error ? props.error.message : String(props.error);
  return (
    <MessageBar intent="error" role="alert" layout="multiline" data-testid="connect-failure">
      <MessageBarBody>
        <MessageBarTitle>Could not connect</MessageBarTitle>
        {message}
        {props.missing.length > 0 && (
          <Body1 as="p">
            Grant these application permissions in the app registration, then press{' '}
            <em>Grant admin consent</em>: <strong>{props.missing.join(', ')}</strong>.
          </Body1>
        )}
        {/* One failed sign-in says it all; after a sign-in, the list shows which checks passed. */}
        {props.checks.length > 1 && <ConnectionChecks checks={props.checks} label="Connection checks" />}
      </MessageBarBody>
    </MessageBar>
  );
}
