import {
  Body1,
  Button,
  Field,
  Input,
  Link,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
} from '@fluentui/react-components';
import { OpenRegular } from '@fluentui/react-icons';
import { useEffect, useState } from 'react';
import type { ClientHeader, IntegrationView } from '../../api/types.js';
import { ConsentLinkPanel } from './consent-link-panel.js';
import { useApp } from '../../app-context.js';
import { ErrorBar } from '../../components/error-bar.js';
import { DOMAIN_PATTERN, GUID_PATTERN } from '../../../../../src/contracts/values.js';
import { useStyles } from './setup-styles.js';

export function ConsentForm({
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
        The client&apos;s Global Administrator signs in and grants our app read access to their directory.
        Open the consent page now if you are that administrator (the page is valid 10 minutes), or copy a link
        to send them (valid 7 days). Either works once, and only for the tenant named here: a consent from any
        other organisation is refused.
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
      <ConsentLinkPanel
        client={client}
        tenant={tenant.trim()}
        tenantValid={tenantProblem === null && tenant.trim() !== ''}
        onCopied={(answer) => {
          setBoundTenant(
            answer.tenantInput === answer.tenantId
              ? answer.tenantId
              : `${answer.tenantInput} (tenant id ${answer.tenantId})`,
          );
          setWaitingUntil(answer.expiresAt);
        }}
      />
      {waitingUntil !== undefined && (
        <MessageBar intent="info" layout="multiline">
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
