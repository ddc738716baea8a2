import {
  Badge,
  Body1,
  Button,
  Caption1,
  Card,
  CardHeader,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  Link,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Radio,
  RadioGroup,
  SpinButton,
  Spinner,
  Subtitle2,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import {
  ArrowSyncRegular,
  DeleteRegular,
  KeyResetRegular,
  OpenRegular,
  PlugConnectedRegular,
} from '@fluentui/react-icons';
import { useEffect, useState, type SyntheticEvent } from 'react';
import { ApiError } from '../api/api-client.js';
import type {
  ClientHeader,
  ConnectionOutcome,
  ConnectionTestResult,
  IntegrationView,
  PermissionCheck,
} from '../api/types.js';
import { canOperate, useApp } from '../app-context.js';
import { ConnectionChecks } from '../components/connection-checks.js';
import { ErrorBar } from '../components/error-bar.js';
import { PageHeader } from '../components/page-header.js';
import { daysUntil, formatDate, formatDateTime } from '../format.js';
import { useResource } from '../hooks/use-resource.js';
import { hrefOf } from '../routing/hash-route.js';
import { useReturnFocus } from '../hooks/use-return-focus.js';
import { DOMAIN_PATTERN, GUID_PATTERN } from '../../../../src/contracts/values.js';

const useStyles = makeStyles({
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(380px, 1fr))',
    gap: tokens.spacingHorizontalL,
  },
  card: { padding: tokens.spacingHorizontalXL, gap: tokens.spacingVerticalM },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, maxWidth: '560px' },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center' },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalS,
    margin: 0,
  },
  term: { color: tokens.colorNeutralForeground3 },
  detail: { margin: 0, wordBreak: 'break-all' },
  muted: { color: tokens.colorNeutralForeground3 },
  domains: { display: 'flex', gap: tokens.spacingHorizontalXS, flexWrap: 'wrap' },
});

/**
 * Connecting a client's tenant (rule 1) and what follows: client credentials with inline validation, or admin
 * consent; the connection test listing every check; the secret's expiry and rotation; the initial import (rule 2);
 * the expiry threshold (rule 8).
 */
export function SetupScreen({
  client,
  onChanged,
}: {
  readonly client: ClientHeader;
  readonly onChanged: () => void;
}) {
  const { api, me } = useApp();
  const base = `/clients/${encodeURIComponent(client.name)}`;
  const integration = useResource(
    () => api.get<{ integration: IntegrationView | null }>(`${base}/integration`),
    `${base}:integration`,
  );
  const mayConfigure = canOperate(me, client.id);
  const changed = (): void => {
    integration.reload();
    onChanged();
  };

  if (integration.error !== undefined) return <ErrorBar error={integration.error} />;
  if (integration.data === undefined) return <Spinner label="Loading the connection…" />;
  const current = integration.data.integration;
  return (
    <div>
      <PageHeader
        title="Setup"
        description={
          current === null
            ? `Connect ${client.displayName}'s Microsoft Entra tenant. The app only reads: users, groups, sign-ins and MFA registration.`
            : `How ${client.displayName} is connected, and the rules that decide who is collected and billed.`
        }
      />
      {current === null ? (
        mayConfigure ? (
          <ConnectForm client={client} onConnected={changed} />
        ) : (
          <Body1>This client is not connected yet. A client admin or partner admin can connect it.</Body1>
        )
      ) : (
        <ConnectedSetup
          client={client}
          integration={current}
          mayConfigure={mayConfigure}
          onChanged={changed}
        />
      )}
    </div>
  );
}

function ConnectForm({
  client,
  onConnected,
}: {
  readonly client: ClientHeader;
  readonly onConnected: () => void;
}) {
  const styles = useStyles();
  const [method, setMethod] = useState<'consent' | 'credentials'>('credentials');
  return (
    <Card className={styles.card}>
      <CardHeader header={<Subtitle2 as="h3">How should the app sign in to this tenant?</Subtitle2>} />
      <RadioGroup
        value={method}
        onChange={(_event, data) => {
          setMethod(data.value === 'consent' ? 'consent' : 'credentials');
        }}
        aria-label="Connection method"
      >
        <Radio
          value="credentials"
          label="Client credentials — the client's own app registration (tenant, application id and secret)"
        />
        <Radio
          value="consent"
          label="Admin consent — the client's admin grants our multi-tenant app read access"
        />
      </RadioGroup>
      {method === 'credentials' ? (
        <CredentialsForm client={client} onConnected={onConnected} />
      ) : (
        <ConsentForm client={client} onConnected={onConnected} />
      )}
    </Card>
  );
}

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

function CredentialsForm({
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

function ConnectFailure(props: {
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

function ConsentForm({
  client,
  onConnected,
}: {
  readonly client: ClientHeader;
  readonly onConnected: () => void;
}) {
  const styles = useStyles();
  const { api } = useApp();
  const [tenant, setTenant] = useState('');
  const [error, setError] = useState<unknown>();
  const [waitingUntil, setWaitingUntil] = useState<string | undefined>();
  const [link, setLink] = useState<string | undefined>();
  const [boundTenant, setBoundTenant] = useState<string | undefined>();
  const tenantProblem =
    tenant.trim() !== '' && !GUID_PATTERN.test(tenant.trim()) && !DOMAIN_PATTERN.test(tenant.trim())
      ? 'Use the tenant id (a GUID) or a verified domain such as contoso.onmicrosoft.com.'
      : null;

  useEffect(() => {
    if (waitingUntil === undefined) return undefined;
    const timer = setInterval(() => {
      if (Date.now() > new Date(waitingUntil).getTime()) {
        setWaitingUntil(undefined);
        return;
      }
      api
        .get<{ integration: IntegrationView | null }>(
          `/clients/${encodeURIComponent(client.name)}/integration`,
        )
        .then(
          (answer) => {
            if (answer.integration !== null) onConnected();
          },
          () => undefined,
        );
    }, 3000);
    return () => {
      clearInterval(timer);
    };
  }, [api, client.name, onConnected, waitingUntil]);

  const start = (): void => {
    setError(undefined);
    // The window is opened now, in the click itself: opened after the request below it would be a popup that
    // browsers and hosts block. It is pointed at the consent page once the server has issued the link; when no
    // window could be opened, the "Open the consent page again" link below does it.
    const consentWindow = window.open('', 'identity-manager-admin-consent');
    api
      .post<{ url: string; expiresAt: string; tenantId: string; tenantInput: string }>(
        `/clients/${encodeURIComponent(client.name)}/integration/consent`,
        { tenant: tenant.trim() },
      )
      .then(
        (answer) => {
          setLink(answer.url);
          setBoundTenant(
            answer.tenantInput === answer.tenantId
              ? answer.tenantId
              : `${answer.tenantInput} (tenant id ${answer.tenantId})`,
          );
          setWaitingUntil(answer.expiresAt);
          if (consentWindow !== null && !consentWindow.closed) {
            // What `noopener` would do: the consent site gets no handle back to the tab.
            consentWindow.opener = null;
            consentWindow.location.href = answer.url;
          }
        },
        (failure: unknown) => {
          consentWindow?.close();
          setError(failure);
        },
      );
  };

  return (
    <div className={styles.form}>
      <Body1>
        The client&apos;s Global Administrator signs in and grants our app read access to their directory. The
        link is valid for 10 minutes, works once, and only for the tenant named here: a consent from any other
        organisation is refused.
      </Body1>
      <Field
        label="Client's tenant id or verified domain"
        required
        validationMessage={tenantProblem}
        hint="For example contoso.onmicrosoft.com, or the Tenant ID from their Entra admin center."
      >
        <Input
          value={tenant}
          onChange={(_event, data) => {
            setTenant(data.value);
          }}
        />
      </Field>
      <ErrorBar error={error} />
      <div className={styles.row}>
        <Button
          appearance="primary"
          icon={<OpenRegular />}
          onClick={start}
          disabled={tenantProblem !== null || tenant.trim() === ''}
        >
          Open admin consent
        </Button>
      </div>
      {waitingUntil !== undefined && (
        <MessageBar intent="info">
          <MessageBarBody>
            <MessageBarTitle>Waiting for consent…</MessageBarTitle>
            Only a consent from {boundTenant ?? 'the tenant named above'} is accepted. This page updates when
            its admin has granted consent.{' '}
            {link !== undefined && (
              <Link href={link} target="_blank" rel="noopener">
                Open the consent page again
              </Link>
            )}
          </MessageBarBody>
        </MessageBar>
      )}
    </div>
  );
}

function ConnectedSetup(props: {
  readonly client: ClientHeader;
  readonly integration: IntegrationView;
  readonly mayConfigure: boolean;
  readonly onChanged: () => void;
}) {
  const styles = useStyles();
  const { api, notify } = useApp();
  const { integration, client } = props;
  const base = `/clients/${encodeURIComponent(client.name)}`;
  const [test, setTest] = useState<ConnectionTestResult | undefined>();
  const [testing, setTesting] = useState(false);
  const [rotating, setRotating] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [importing, setImporting] = useState(false);
  const [days, setDays] = useState(integration.expiryThresholdDays);
  const secretDays = integration.secret.expiresAt === null ? null : daysUntil(integration.secret.expiresAt);

  const runTest = (): void => {
    setTesting(true);
    api
      .post<ConnectionTestResult>(`${base}/integration/test`, {})
      .then(
        (result) => {
          setTest(result);
          props.onChanged();
        },
        (error: unknown) => {
          notify('error', 'The test could not run', error instanceof Error ? error.message : String(error));
        },
      )
      .finally(() => {
        setTesting(false);
      });
  };

  const startImport = (): void => {
    setImporting(true);
    api
      .post<{ alreadyStarted: boolean }>(`${base}/import`, {})
      .then(
        () => {
          notify(
            'success',
            'Import started',
            'Every eligible user is imported now; new ones are imported by each sync.',
          );
          props.onChanged();
        },
        (error: unknown) => {
          notify(
            'error',
            'Could not start the import',
            error instanceof Error ? error.message : String(error),
          );
        },
      )
      .finally(() => {
        setImporting(false);
      });
  };

  const saveThreshold = (): void => {
    api
      .put<{ thresholdDays: number; newlyExpired: number; noLongerExpired: number }>(
        `${base}/settings/expiry`,
        { days },
      )
      .then(
        (result) => {
          notify(
            'success',
            `Users now expire after ${result.thresholdDays} days without activity`,
            `${result.newlyExpired} newly expired, ${result.noLongerExpired} no longer expired.`,
          );
          props.onChanged();
        },
        (error: unknown) => {
          notify(
            'error',
            'Could not save the threshold',
            error instanceof Error ? error.message : String(error),
          );
        },
      );
  };

  return (
    <div className={styles.grid}>
      <Card className={styles.card}>
        <CardHeader
          header={<Subtitle2 as="h3">Connection</Subtitle2>}
          action={
            integration.status === 'connected' ? (
              <Badge color="success" appearance="tint">
                Connected
              </Badge>
            ) : (
              <Badge color="danger" appearance="tint">
                Problem
              </Badge>
            )
          }
        />
        {integration.kind === 'admin_consent' && (
          <MessageBar intent="info" layout="multiline" data-testid="consent-confirmation">
            <MessageBarBody>
              <MessageBarTitle>Connected through admin consent</MessageBarTitle>
              Microsoft Graph names this organisation{' '}
              <strong>{integration.organizationName ?? integration.tenantId}</strong>
              {integration.verifiedDomains.length > 0 &&
                ` (${integration.verifiedDomains.map((domain) => domain.name).join(', ')})`}
              . Check that it is {client.displayName}&apos;s organisation; if not, remove the integration.
            </MessageBarBody>
          </MessageBar>
        )}
        {integration.status === 'error' && (
          <MessageBar intent="error">
            <MessageBarBody>{integration.statusMessage ?? 'The last check failed.'}</MessageBarBody>
          </MessageBar>
        )}
        <dl className={styles.facts}>
          <dt className={styles.term}>Organization</dt>
          <dd className={styles.detail} data-testid="organization-name">
            {integration.organizationName ?? '—'}
          </dd>
          <dt className={styles.term}>Tenant id</dt>
          <dd className={styles.detail}>{integration.tenantId}</dd>
          <dt className={styles.term}>Domains</dt>
          <dd className={styles.detail}>
            <span className={styles.domains}>
              {integration.verifiedDomains.map((domain) => (
                <Badge
                  key={domain.name}
                  appearance="outline"
                  color={domain.isDefault ? 'brand' : 'informative'}
                >
                  {domain.name}
                </Badge>
              ))}
            </span>
          </dd>
          <dt className={styles.term}>Method</dt>
          <dd className={styles.detail}>
            {integration.kind === 'admin_consent' ? 'Admin consent (our app)' : 'Client credentials'}
          </dd>
          <dt className={styles.term}>Application id</dt>
          <dd className={styles.detail}>{integration.appClientId}</dd>
          {integration.kind === 'client_credentials' && (
            <>
              <dt className={styles.term}>Client secret</dt>
              <dd className={styles.detail}>
                <Text>{integration.secret.text}</Text>{' '}
                {secretDays !== null && secretDays <= 30 && (
                  <Badge color={secretDays < 0 ? 'danger' : 'warning'} appearance="filled">
                    {secretDays < 0 ? 'Expired' : `Expires in ${secretDays} days`}
                  </Badge>
                )}
              </dd>
            </>
          )}
          <dt className={styles.term}>Last checked</dt>
          <dd className={styles.detail}>{formatDateTime(integration.updatedAt)}</dd>
        </dl>
        {test !== undefined && (
          <MessageBar intent={test.passed ? 'success' : 'error'} layout="multiline" role="status">
            <MessageBarBody>
              <MessageBarTitle>{test.passed ? 'Every check passed' : 'Some checks failed'}</MessageBarTitle>
              <ConnectionChecks checks={test.checks} label="Connection test" />
            </MessageBarBody>
          </MessageBar>
        )}
        {props.mayConfigure && (
          <div className={styles.row}>
            <Button icon={<ArrowSyncRegular />} onClick={runTest} disabled={testing}>
              {testing ? 'Testing…' : 'Test connection'}
            </Button>
            {integration.kind === 'client_credentials' && (
              <Button
                icon={<KeyResetRegular />}
                onClick={() => {
                  setRotating(true);
                }}
              >
                Rotate secret…
              </Button>
            )}
            <Button
              icon={<DeleteRegular />}
              onClick={() => {
                setRemoving(true);
              }}
            >
              Remove…
            </Button>
          </div>
        )}
      </Card>

      <div style={{ display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL }}>
        <Card className={styles.card}>
          <CardHeader header={<Subtitle2 as="h3">Initial import</Subtitle2>} />
          {integration.importStartedAt === null ? (
            <>
              <Body1>
                Before anyone is imported, review the groups and exclude those whose members should never be
                collected or billed (contractors, service accounts). Then start the import: every eligible
                user is imported, and each later sync imports new ones.
              </Body1>
              {props.mayConfigure && (
                <div className={styles.row}>
                  <Link href={hrefOf('c', client.name, 'groups')}>Review groups</Link>
                  <Button appearance="primary" onClick={startImport} disabled={importing}>
                    Start import
                  </Button>
                </div>
              )}
            </>
          ) : (
            <Body1>
              Started on {formatDate(integration.importStartedAt)}. New eligible users are imported by every
              sync.
            </Body1>
          )}
        </Card>
        <Card className={styles.card}>
          <CardHeader header={<Subtitle2 as="h3">Expiry</Subtitle2>} />
          {integration.activityData === 'unavailable' ? (
            <MessageBar intent="warning">
              <MessageBarBody>
                <MessageBarTitle>Activity unknown</MessageBarTitle>
                This tenant has no Entra ID P1/P2, so sign-in activity cannot be read and nobody expires.
              </MessageBarBody>
            </MessageBar>
          ) : (
            <Body1 className={styles.muted}>
              An imported user with no successful sign-in for this many days is expired and not billed until
              activity is seen again.
            </Body1>
          )}
          <div className={styles.row}>
            <Field label="Days without activity (7–365)">
              <SpinButton
                value={days}
                min={7}
                max={365}
                disabled={!props.mayConfigure}
                onChange={(_event, data) => {
                  const next = data.value ?? Number(data.displayValue);
                  if (Number.isFinite(next)) setDays(Math.round(next));
                }}
              />
            </Field>
            {props.mayConfigure && (
              <Button
                onClick={saveThreshold}
                disabled={days === integration.expiryThresholdDays || days < 7 || days > 365}
                style={{ alignSelf: 'flex-end' }}
              >
                Save
              </Button>
            )}
          </div>
        </Card>
      </div>

      {rotating && (
        <RotateSecretDialog
          clientRef={client.name}
          onClose={(changed) => {
            setRotating(false);
            if (changed) props.onChanged();
          }}
        />
      )}
      {removing && (
        <RemoveIntegrationDialog
          client={client}
          onClose={(changed) => {
            setRemoving(false);
            if (changed) props.onChanged();
          }}
        />
      )}
    </div>
  );
}

function RotateSecretDialog(props: {
  readonly clientRef: string;
  readonly onClose: (changed: boolean) => void;
}) {
  useReturnFocus();
  const styles = useStyles();
  const { api, notify } = useApp();
  const [secret, setSecret] = useState('');
  const [expires, setExpires] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    setBusy(true);
    api
      .put<ConnectionOutcome>(`/clients/${encodeURIComponent(props.clientRef)}/integration/secret`, {
        clientSecret: secret,
        ...(expires === '' ? {} : { secretExpiresAt: expires }),
      })
      .then(
        () => {
          notify('success', 'Secret replaced', 'The new secret was checked and saved.');
          props.onClose(true);
        },
        (failure: unknown) => {
          setError(failure);
          setBusy(false);
        },
      );
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
              <ErrorBar error={error} />
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
              <Button appearance="primary" type="submit" disabled={busy || secret.trim() === ''}>
                Check and save
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}

function RemoveIntegrationDialog(props: {
  readonly client: ClientHeader;
  readonly onClose: (changed: boolean) => void;
}) {
  useReturnFocus();
  const styles = useStyles();
  const { api, notify } = useApp();
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    setBusy(true);
    api
      .delete<{ deleted: Record<string, number> }>(
        `/clients/${encodeURIComponent(props.client.name)}/integration`,
        { confirm },
      )
      .then(
        () => {
          notify(
            'success',
            'Integration removed',
            'Its tenant data was deleted; the audit log and billing history stay.',
          );
          props.onClose(true);
        },
        (failure: unknown) => {
          setError(failure);
          setBusy(false);
        },
      );
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
              <ErrorBar error={error} />
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
                disabled={busy || confirm.trim().toLowerCase() !== props.client.name}
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
