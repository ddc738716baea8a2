import { Button, Caption1, Field, Input, MessageBar, MessageBarBody } from '@fluentui/react-components';
import { CopyRegular, DismissCircleRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import type { ClientHeader, ConsentLinkView } from '../../api/types.js';
import { useApp } from '../../app-context.js';
import { ErrorBar } from '../../components/error-bar.js';
import { formatDateTime } from '../../format.js';
import { useResource } from '../../hooks/use-resource.js';
import { useStyles } from './setup-styles.js';

interface CopiedLink {
  readonly url: string;
  readonly expiresAt: string;
  readonly tenantId: string;
  readonly tenantInput: string;
}

/**
 * *Copy consent link*: a link the partner sends the client's own Global Administrator — valid 7 days, single-use,
 * bound to the tenant named, revocable here. The link is shown once (the server keeps only a hash of it) and
 * copied to the clipboard where the host allows it.
 */
export function ConsentLinkPanel(props: {
  readonly client: ClientHeader;
  readonly tenant: string;
  readonly tenantValid: boolean;
  readonly onCopied: (link: CopiedLink) => void;
}) {
  const styles = useStyles();
  const { api, notify } = useApp();
  const base = `/clients/${encodeURIComponent(props.client.name)}/integration/consent-links`;
  const links = useResource(() => api.get<{ links: ConsentLinkView[] }>(base), base);
  const [copied, setCopied] = useState<CopiedLink | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const copy = (): void => {
    setError(undefined);
    setBusy(true);
    api
      .post<CopiedLink>(`/clients/${encodeURIComponent(props.client.name)}/integration/consent`, {
        tenant: props.tenant,
        shareable: true,
      })
      .then(
        async (answer) => {
          setCopied(answer);
          props.onCopied(answer);
          links.reload();
          // Teams grants a tab the clipboard only when its host allows it; the link stays on screen either way.
          const written = await navigator.clipboard.writeText(answer.url).then(
            () => true,
            () => false,
          );
          notify(
            'success',
            written ? 'Consent link copied' : 'Consent link ready',
            written
              ? `Send it to the Global Administrator of ${answer.tenantInput}. It works once, until ${formatDateTime(answer.expiresAt)}.`
              : 'Copy it from the field below and send it to the client’s Global Administrator.',
          );
        },
        (failure: unknown) => {
          setError(failure);
        },
      )
      .finally(() => {
        setBusy(false);
      });
  };

  const revoke = (): void => {
    setError(undefined);
    api.delete<{ revoked: number }>(base).then(
      (answer) => {
        setCopied(undefined);
        links.reload();
        notify(
          'success',
          answer.revoked === 1
            ? 'Consent link withdrawn'
            : `${String(answer.revoked)} consent links withdrawn`,
          'Opening it now only says it was withdrawn.',
        );
      },
      (failure: unknown) => {
        setError(failure);
      },
    );
  };

  const open = links.data?.links ?? [];
  return (
    <div className={styles.form}>
      <div className={styles.row}>
        <Button icon={<CopyRegular />} onClick={copy} disabled={!props.tenantValid || busy}>
          Copy consent link
        </Button>
        <Caption1 className={styles.muted}>
          For the client&apos;s own admin: valid 7 days, works once.
        </Caption1>
      </div>
      <ErrorBar error={error ?? links.error} />
      {copied !== undefined && (
        <Field
          label="Consent link"
          hint={`Works once, until ${formatDateTime(copied.expiresAt)}, only for ${copied.tenantInput}. It is not shown again.`}
        >
          <Input
            readOnly
            value={copied.url}
            data-testid="consent-link"
            onFocus={(event) => {
              event.currentTarget.select();
            }}
          />
        </Field>
      )}
      {open.length > 0 && (
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>
            <span data-testid="open-consent-links">
              {open.length === 1
                ? `A consent link for ${open[0]?.tenant ?? ''} is open until ${formatDateTime(open[0]?.expiresAt)}${open[0]?.createdBy === null || open[0] === undefined ? '' : `, copied by ${open[0].createdBy}`}.`
                : `${String(open.length)} consent links are open; the last one until ${formatDateTime(open[0]?.expiresAt)}.`}
            </span>{' '}
            <Button size="small" icon={<DismissCircleRegular />} onClick={revoke}>
              {open.length === 1 ? 'Withdraw link' : 'Withdraw links'}
            </Button>
          </MessageBarBody>
        </MessageBar>
      )}
    </div>
  );
}
