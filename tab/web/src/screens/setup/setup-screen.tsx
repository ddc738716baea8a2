import { Body1, Card, CardHeader, Radio, RadioGroup, Spinner, Subtitle2 } from '@fluentui/react-components';
import { useState } from 'react';
import type { ClientHeader, IntegrationView } from '../../api/types.js';
import { canOperate, useApp } from '../../app-context.js';
import { ErrorBar } from '../../components/error-bar.js';
import { PageHeader } from '../../components/page-header.js';
import { useResource } from '../../hooks/use-resource.js';
import { useStyles } from './setup-styles.js';
import { CredentialsForm } from './credentials-form.js';
import { ConsentForm } from './consent-form.js';
import { ConnectedSetup } from './connected-setup.js';
import { PermissionsList } from './permissions-list.js';

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
            ? `Connect the Microsoft Entra tenant of ${client.displayName}. The app only reads: users, groups, sign-ins and MFA registration.`
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
      <PermissionsList />
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
