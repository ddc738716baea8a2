import {
  Body1,
  Button,
  Caption1,
  Spinner,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '@fluentui/react-components';
import type { AlertListView, AlertView, ClientHeader } from '../../api/types.js';
import { canOperate, useApp } from '../../app-context.js';
import { ErrorBar } from '../../components/error-bar.js';
import { PageHeader } from '../../components/page-header.js';
import { useAction } from './use-action.js';
import { useResource } from '../../hooks/use-resource.js';
import { formatDateTime } from '../../format.js';
import { AlertSettingsPanel } from './alert-settings-panel.js';
import { WebhooksPanel } from './webhooks-panel.js';
import { useSectionStyles } from './section-styles.js';

function howSent(alert: AlertView): string {
  if (alert.delivery === 'immediate') return 'At once';
  if (alert.digestedAt !== null) return `In the daily digest of ${formatDateTime(alert.digestedAt)}`;
  return `Waiting for the daily digest of ${formatDateTime(alert.digestDueAt)}`;
}

/**
 * Notifications (issue 16): the alerts sent about the client, each acknowledged by an admin (who and when), the
 * alert settings (on or off, where, at once or in a daily digest), and the webhooks for ticketing tools.
 */
export function NotificationsScreen({ client }: { readonly client: ClientHeader }) {
  const styles = useSectionStyles();
  const { api, me, notify } = useApp();
  const base = `/clients/${encodeURIComponent(client.name)}`;
  const alerts = useResource(() => api.get<AlertListView>(`${base}/alerts`), `alerts:${client.id}`);
  const mayAcknowledge = canOperate(me, client.id);
  const acknowledge = useAction(
    (alert: AlertView) => api.post<AlertView>(`${base}/alerts/${String(alert.id)}/acknowledge`),
    (alert) => {
      notify('success', 'Acknowledged', alert.name);
      alerts.reload();
    },
  );

  return (
    <div>
      <PageHeader
        title="Notifications"
        description="The alerts sent about this client, who acknowledged them, and how alerts reach you."
      />
      <section className={styles.section} aria-labelledby="alerts-sent-heading">
        <Subtitle2 as="h2" id="alerts-sent-heading">
          Alerts sent
        </Subtitle2>
        {alerts.error !== undefined && <ErrorBar error={alerts.error} />}
        {acknowledge.error !== undefined && <ErrorBar error={acknowledge.error} />}
        {alerts.data === undefined ? (
          <Spinner size="tiny" label="Loading alerts…" />
        ) : alerts.data.alerts.length === 0 ? (
          <Body1>No alert has been sent about this client yet.</Body1>
        ) : (
          <>
            <Body1>
              {alerts.data.unacknowledged === 0
                ? 'Every alert is acknowledged.'
                : alerts.data.unacknowledged === 1
                  ? '1 alert not acknowledged yet.'
                  : `${String(alerts.data.unacknowledged)} alerts not acknowledged yet.`}
            </Body1>
            <Table aria-label="Alerts sent" size="small">
              <TableHeader>
                <TableRow>
                  {/* What happened takes the room; the rest is short. */}
                  <TableHeaderCell style={{ width: '16%' }}>When</TableHeaderCell>
                  <TableHeaderCell style={{ width: '14%' }}>Alert</TableHeaderCell>
                  <TableHeaderCell>What happened</TableHeaderCell>
                  <TableHeaderCell style={{ width: '14%' }}>Sent</TableHeaderCell>
                  <TableHeaderCell style={{ width: '18%' }}>Acknowledged</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {alerts.data.alerts.map((alert) => (
                  <TableRow key={alert.id}>
                    <TableCell>{formatDateTime(alert.triggeredAt)}</TableCell>
                    <TableCell>{alert.name}</TableCell>
                    <TableCell>{alert.summary}</TableCell>
                    <TableCell>{howSent(alert)}</TableCell>
                    <TableCell>
                      {alert.acknowledgedAt !== null ? (
                        <span>
                          By {alert.acknowledgedBy ?? 'an admin'}, {formatDateTime(alert.acknowledgedAt)}
                        </span>
                      ) : mayAcknowledge ? (
                        <Button
                          size="small"
                          disabled={acknowledge.busy}
                          aria-label={`Acknowledge ${alert.name} of ${formatDateTime(alert.triggeredAt)}`}
                          onClick={() => {
                            acknowledge.run(alert);
                          }}
                        >
                          Acknowledge
                        </Button>
                      ) : (
                        <Caption1 className={styles.hint}>Not yet</Caption1>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </>
        )}
      </section>
      <AlertSettingsPanel client={client} base={base} />
      <WebhooksPanel client={client} base={base} />
    </div>
  );
}
