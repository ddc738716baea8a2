import {
  Badge,
  Body1,
  Button,
  Card,
  CardHeader,
  Field,
  Link,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  SpinButton,
  Subtitle2,
  Text,
  tokens,
} from '@fluentui/react-components';
import { ArrowSyncRegular, DeleteRegular, KeyResetRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import type { ClientHeader, ConnectionTestResult, IntegrationView } from '../../api/types.js';
import { useApp } from '../../app-context.js';
import { ConnectionChecks } from '../../components/connection-checks.js';
import { daysUntil, formatDate, formatDateTime } from '../../format.js';
import { hrefOf } from '../../routing/hash-route.js';
import { useStyles } from './setup-styles.js';
import { RotateSecretDialog } from './rotate-secret-dialog.js';
import { RemoveIntegrationDialog } from './remove-integration-dialog.js';
import { ThresholdPreview } from './threshold-preview.js';
import { permissionWords } from '../../../../../src/contracts/permission-words.js';

export function ConnectedSetup(props: {
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
          <MessageBar intent="error" layout="multiline">
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
          <dt className={styles.term}>Permissions</dt>
          <dd className={styles.detail} data-testid="permissions-granted">
            {permissionWords(integration.permissionChecks, 'with Test connection')}
          </dd>
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
            <MessageBar intent="warning" layout="multiline">
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
                // Fluent's SpinButton reports a typed value only on blur: Save follows the keys as they are typed.
                onInput={(event) => {
                  const text = (event.target as HTMLInputElement).value.trim();
                  const next = Number(text);
                  if (text !== '' && Number.isInteger(next)) setDays(next);
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
          {props.mayConfigure && days !== integration.expiryThresholdDays && days >= 7 && days <= 365 && (
            <ThresholdPreview base={base} days={days} />
          )}
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
