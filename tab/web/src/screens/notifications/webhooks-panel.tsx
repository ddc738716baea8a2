import {
  Body1,
  Button,
  Caption1,
  Checkbox,
  Field,
  Input,
  Spinner,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '@fluentui/react-components';
import { useState } from 'react';
import type { AlertWebhookView, ClientHeader, WebhookDeliveryView, WebhooksView } from '../../api/types.js';
import { useApp } from '../../app-context.js';
import { ErrorBar } from '../../components/error-bar.js';
import { useAction } from './use-action.js';
import { useResource } from '../../hooks/use-resource.js';
import { formatDateTime } from '../../format.js';
import { useSectionStyles } from './section-styles.js';

const STATUS_LABEL: Readonly<Record<WebhookDeliveryView['status'], string>> = {
  pending: 'Will try again',
  delivered: 'Delivered',
  failed: 'Gave up',
};

/** Webhooks for ticketing tools: where the client's alerts are posted (signed), and how each delivery went. */
export function WebhooksPanel(props: { readonly client: ClientHeader; readonly base: string }) {
  const styles = useSectionStyles();
  const { api, me, notify } = useApp();
  const loaded = useResource(
    () => api.get<WebhooksView>(`${props.base}/webhooks`),
    `webhooks:${props.client.id}`,
  );
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [partnerWide, setPartnerWide] = useState(false);
  const isPartnerAdmin = me.grants.some((grant) => grant.role === 'partner_admin');
  const add = useAction(
    () => api.post<AlertWebhookView>(`${props.base}/webhooks`, { url, secret, partnerWide }),
    () => {
      notify('success', 'Webhook added', 'New alerts are posted to it from now on.');
      setUrl('');
      setSecret('');
      loaded.reload();
    },
  );
  const remove = useAction(
    (webhook: AlertWebhookView) => api.delete(`${props.base}/webhooks/${String(webhook.id)}`),
    () => {
      notify('success', 'Webhook removed');
      loaded.reload();
    },
  );

  return (
    <section className={styles.section} aria-labelledby="webhooks-heading">
      <Subtitle2 as="h2" id="webhooks-heading">
        Webhooks for ticketing tools
      </Subtitle2>
      <Body1>
        Every alert is also posted to these addresses, signed with the shared secret so your ticketing tool
        can check it came from here. A failed delivery is tried again later.
      </Body1>
      {loaded.error !== undefined && <ErrorBar error={loaded.error} />}
      {loaded.data === undefined ? (
        <Spinner size="tiny" label="Loading webhooks…" />
      ) : (
        <>
          {loaded.data.webhooks.length === 0 ? (
            <Caption1 className={styles.hint}>No webhook yet.</Caption1>
          ) : (
            <Table aria-label="Webhooks" size="small">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Address</TableHeaderCell>
                  <TableHeaderCell>For</TableHeaderCell>
                  <TableHeaderCell>Added</TableHeaderCell>
                  <TableHeaderCell>Actions</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {loaded.data.webhooks.map((webhook) => (
                  <TableRow key={webhook.id}>
                    <TableCell>{webhook.url}</TableCell>
                    <TableCell>{webhook.clientId === null ? 'Every client' : 'This client'}</TableCell>
                    <TableCell>
                      {formatDateTime(webhook.createdAt)} by {webhook.createdBy}
                    </TableCell>
                    <TableCell>
                      {loaded.data?.canChange === true && (
                        <Button
                          size="small"
                          aria-label={`Remove webhook ${webhook.url}`}
                          disabled={remove.busy}
                          onClick={() => {
                            remove.run(webhook);
                          }}
                        >
                          Remove
                        </Button>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
          {remove.error !== undefined && <ErrorBar error={remove.error} />}
          {loaded.data.canChange && (
            <form
              className={styles.row}
              onSubmit={(event) => {
                event.preventDefault();
                add.run();
              }}
            >
              <Field label="Address (https://…)">
                <Input
                  value={url}
                  onChange={(_event, data) => {
                    setUrl(data.value);
                  }}
                />
              </Field>
              <Field label="Shared secret" hint="At least 16 characters; it is never shown again.">
                <Input
                  type="password"
                  value={secret}
                  onChange={(_event, data) => {
                    setSecret(data.value);
                  }}
                />
              </Field>
              {isPartnerAdmin && (
                <Checkbox
                  label="For every client"
                  checked={partnerWide}
                  onChange={(_event, data) => {
                    setPartnerWide(data.checked === true);
                  }}
                />
              )}
              <Button type="submit" disabled={add.busy}>
                Add webhook
              </Button>
            </form>
          )}
          {add.error !== undefined && <ErrorBar error={add.error} />}
          <Subtitle2 as="h3">Deliveries</Subtitle2>
          {loaded.data.deliveries.length === 0 ? (
            <Caption1 className={styles.hint}>Nothing delivered yet.</Caption1>
          ) : (
            <Table aria-label="Webhook deliveries" size="small">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Alert</TableHeaderCell>
                  <TableHeaderCell>Address</TableHeaderCell>
                  <TableHeaderCell>Result</TableHeaderCell>
                  <TableHeaderCell>Attempts</TableHeaderCell>
                  <TableHeaderCell>Last answer</TableHeaderCell>
                  <TableHeaderCell>Last try</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {loaded.data.deliveries.map((delivery) => (
                  <TableRow key={delivery.id}>
                    <TableCell>{delivery.alertName}</TableCell>
                    <TableCell>{delivery.url}</TableCell>
                    <TableCell>
                      {STATUS_LABEL[delivery.status]}
                      {delivery.nextAttemptAt !== null && ` (${formatDateTime(delivery.nextAttemptAt)})`}
                    </TableCell>
                    <TableCell>{delivery.attempts}</TableCell>
                    <TableCell>{delivery.lastError ?? (delivery.lastStatus === null ? '—' : 'OK')}</TableCell>
                    <TableCell>{formatDateTime(delivery.updatedAt)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </>
      )}
    </section>
  );
}
