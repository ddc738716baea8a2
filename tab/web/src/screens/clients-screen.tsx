import {
  Badge,
  Body1,
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  Link,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableCellLayout,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Tooltip,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { AddRegular, CheckmarkCircleFilled, ErrorCircleFilled, WarningFilled } from '@fluentui/react-icons';
import { useState, type SyntheticEvent } from 'react';
import { ApiError } from '../api/api-client.js';
import type { ClientReclaimableView, ClientRef, ClientStatus } from '../api/types.js';
import { useApp } from '../app-context.js';
import { ErrorBar } from '../components/error-bar.js';
import { PageHeader } from '../components/page-header.js';
import { StatCard, StatGrid } from '../components/stat-card.js';
import { formatNumber, formatRelative } from '../format.js';
import { useResource } from '../hooks/use-resource.js';
import { ConnectionBadge } from '../layout/client-workspace.js';
import { hrefOf, navigate } from '../routing/hash-route.js';
import { useReturnFocus } from '../hooks/use-return-focus.js';

const useStyles = makeStyles({
  table: { backgroundColor: tokens.colorNeutralBackground1, borderRadius: tokens.borderRadiusMedium },
  numeric: { textAlign: 'right', fontVariantNumeric: 'tabular-nums' },
  problems: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
  problem: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXS,
    color: tokens.colorPaletteRedForeground1,
  },
  fine: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXS,
    color: tokens.colorStatusSuccessForeground1,
  },
  muted: { color: tokens.colorNeutralForeground3 },
  empty: { padding: tokens.spacingHorizontalXXL, textAlign: 'center' },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

/** The partner view: every client at a glance — connection, sync health, users, billable, problems. */
export function ClientsScreen() {
  const styles = useStyles();
  const { api, me } = useApp();
  const clients = useResource(() => api.get<{ clients: ClientStatus[] }>('/clients'), 'clients');
  const reclaimable = useResource(
    () => api.get<{ clients: ClientReclaimableView[] }>('/licences/reclaimable'),
    'reclaimable',
  );
  const reclaimableOf = new Map((reclaimable.data?.clients ?? []).map((view) => [view.clientId, view]));
  const reclaimableTotals = new Map<string, number>();
  for (const view of reclaimableOf.values()) {
    const cost = view.reclaimableCost;
    if (cost !== null)
      reclaimableTotals.set(cost.currency, (reclaimableTotals.get(cost.currency) ?? 0) + cost.cents);
  }
  const [adding, setAdding] = useState(false);
  const list = clients.data?.clients ?? [];
  const billable = list.reduce((sum, client) => sum + client.billable, 0);
  const attention = list.filter((client) => client.problems.length > 0).length;

  return (
    <div>
      <PageHeader
        title="Clients"
        description="Every client organisation you look after: its Entra tenant connection, sync health and billable users."
        actions={
          me.isPartnerAdmin && (
            <Button
              appearance="primary"
              icon={<AddRegular />}
              onClick={() => {
                setAdding(true);
              }}
            >
              Add client
            </Button>
          )
        }
      />
      <ErrorBar error={clients.error} />
      <StatGrid>
        <StatCard label="Clients" value={formatNumber(list.length)} />
        <StatCard
          label="Connected"
          value={formatNumber(list.filter((c) => c.integration === 'connected').length)}
        />
        <StatCard label="Users in sync" value={formatNumber(list.reduce((sum, c) => sum + c.users, 0))} />
        <StatCard
          label="Billable users"
          value={formatNumber(billable)}
          hint="imported, active, not expired"
        />
        <StatCard label="Need attention" value={formatNumber(attention)} />
        <StatCard
          label="Reclaimable licences / month"
          value={
            reclaimableTotals.size === 0
              ? '—'
              : [...reclaimableTotals]
                  .map(([currency, cents]) => `${(cents / 100).toFixed(2)} ${currency}`)
                  .join(' + ')
          }
          hint="held by inactive users, at your prices"
        />
      </StatGrid>
      {clients.loading && clients.data === undefined ? (
        <Spinner label="Loading clients…" />
      ) : list.length === 0 ? (
        <div className={styles.empty}>
          <Body1>
            {me.isPartnerAdmin
              ? 'No clients yet. Add your first client, then connect its Entra tenant.'
              : 'You have no client assigned yet. Ask your partner admin for access.'}
          </Body1>
        </div>
      ) : (
        <Table className={styles.table} aria-label="Clients" size="medium">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Client</TableHeaderCell>
              <TableHeaderCell>Connection</TableHeaderCell>
              <TableHeaderCell>Sync health</TableHeaderCell>
              <TableHeaderCell className={styles.numeric}>Users</TableHeaderCell>
              <TableHeaderCell className={styles.numeric}>Billable</TableHeaderCell>
              <TableHeaderCell className={styles.numeric}>Reclaimable / month</TableHeaderCell>
              <TableHeaderCell>Problems</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {list.map((client) => (
              <TableRow key={client.id}>
                <TableCell>
                  <TableCellLayout
                    description={
                      client.organizationName !== null && client.organizationName !== client.displayName
                        ? `${client.organizationName} · ${client.name}`
                        : client.name
                    }
                  >
                    <Link href={hrefOf('c', client.name, 'users')}>{client.displayName}</Link>
                  </TableCellLayout>
                </TableCell>
                <TableCell>
                  <ConnectionBadge status={client} />
                </TableCell>
                <TableCell>
                  <SyncHealth client={client} />
                </TableCell>
                <TableCell className={styles.numeric}>{formatNumber(client.users)}</TableCell>
                <TableCell className={styles.numeric}>
                  {client.activityData === 'unknown' && client.billable > 0 ? (
                    <Tooltip
                      content="The tenant's sign-in activity is being read: nobody counts as expired yet, so this count is not final."
                      relationship="description"
                    >
                      <span>
                        {formatNumber(client.billable)}{' '}
                        <Caption1 className={styles.muted}>reading activity…</Caption1>
                      </span>
                    </Tooltip>
                  ) : (
                    formatNumber(client.billable)
                  )}
                </TableCell>
                <TableCell className={styles.numeric}>
                  <Reclaimable view={reclaimableOf.get(client.id)} clientName={client.name} />
                </TableCell>
                <TableCell>
                  <Problems problems={client.problems} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {adding && (
        <AddClientDialog
          onClose={(added) => {
            setAdding(false);
            if (added !== undefined) navigate('c', added.name, 'setup');
          }}
        />
      )}
    </div>
  );
}

/** What a client's inactive but licensed users hold a month, linking to its Licences screen; a dash without prices. */
function Reclaimable(props: {
  readonly view: ClientReclaimableView | undefined;
  readonly clientName: string;
}) {
  const styles = useStyles();
  const cost = props.view?.reclaimableCost ?? null;
  if (props.view === undefined || props.view.inactiveLicensedUsers === 0)
    return <Caption1 className={styles.muted}>—</Caption1>;
  return (
    <Link href={hrefOf('c', props.clientName, 'licences')}>
      {cost === null
        ? `${formatNumber(props.view.inactiveLicensedUsers)} users`
        : `${cost.amount} ${cost.currency}`}
    </Link>
  );
}

function SyncHealth({ client }: { readonly client: ClientStatus }) {
  const styles = useStyles();
  const last = client.lastSync;
  if (client.integration === 'not connected') return <Caption1 className={styles.muted}>—</Caption1>;
  if (last === null) return <Caption1 className={styles.muted}>Waiting for the first sync</Caption1>;
  if (last.status === 'running') {
    return (
      <Badge appearance="tint" color="brand">
        Syncing now
      </Badge>
    );
  }
  return (
    <span className={last.status === 'failed' ? styles.problem : styles.fine}>
      {last.status === 'failed' ? <ErrorCircleFilled aria-hidden /> : <CheckmarkCircleFilled aria-hidden />}
      <Text size={200}>
        {last.status === 'failed' ? 'Failed' : 'Healthy'} ·{' '}
        {formatRelative(last.finishedAt ?? last.startedAt)}
      </Text>
    </span>
  );
}

function Problems({ problems }: { readonly problems: readonly string[] }) {
  const styles = useStyles();
  if (problems.length === 0) return <Caption1 className={styles.muted}>None</Caption1>;
  return (
    <ul className={styles.problems} style={{ margin: 0, paddingLeft: 0, listStyle: 'none' }}>
      {problems.map((problem) => (
        <li key={problem} className={styles.problem}>
          <WarningFilled aria-hidden />
          <Text size={200}>{problem}</Text>
        </li>
      ))}
    </ul>
  );
}

function AddClientDialog({ onClose }: { readonly onClose: (added?: ClientRef) => void }) {
  useReturnFocus();
  const styles = useStyles();
  const { api, notify, reloadMe } = useApp();
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const nameProblem =
    name !== '' && !/^[a-z0-9][a-z0-9-]{1,39}$/.test(name.trim().toLowerCase())
      ? 'Use 2–40 lower-case letters, digits or dashes (e.g. contoso).'
      : problems.name;

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    setBusy(true);
    api
      .post<ClientRef>('/clients', { name, ...(displayName.trim() === '' ? {} : { displayName }) })
      .then(
        (added) => {
          notify('success', `Client ${added.displayName} added`, 'Next: connect its Entra tenant.');
          // Who may do what on the new client (Sync now…) comes with the signed-in person: read it again.
          reloadMe();
          onClose(added);
        },
        (failure: unknown) => {
          if (failure instanceof ApiError && failure.status === 400) setProblems(failure.fieldProblems());
          else setError(failure);
        },
      )
      .finally(() => {
        setBusy(false);
      });
  };

  return (
    <Dialog
      open
      onOpenChange={(_event, data) => {
        if (!data.open) onClose();
      }}
    >
      <DialogSurface aria-describedby={undefined}>
        <form onSubmit={submit}>
          <DialogBody>
            <DialogTitle>Add a client</DialogTitle>
            <DialogContent className={styles.form}>
              <ErrorBar error={error} />
              <Field
                label="Short name"
                required
                hint="Used in the bot and in links, e.g. contoso."
                validationMessage={nameProblem ?? null}
              >
                <Input
                  value={name}
                  onChange={(_event, data) => {
                    setName(data.value);
                  }}
                  autoFocus
                />
              </Field>
              <Field label="Display name" validationMessage={problems.displayName ?? null}>
                <Input
                  value={displayName}
                  onChange={(_event, data) => {
                    setDisplayName(data.value);
                  }}
                />
              </Field>
            </DialogContent>
            <DialogActions>
              <Button
                appearance="secondary"
                onClick={() => {
                  onClose();
                }}
              >
                Cancel
              </Button>
              <Button
                appearance="primary"
                type="submit"
                disabled={busy || name.trim() === '' || nameProblem !== undefined}
              >
                Add client
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
