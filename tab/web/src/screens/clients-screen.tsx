import {
  Body1,
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  Select,
  Spinner,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { AddRegular, FilterRegular, SearchRegular } from '@fluentui/react-icons';
import { useState, type SyntheticEvent } from 'react';
import { ApiError } from '../api/api-client.js';
import type { ClientDashboardRow, ClientReclaimableView, ClientRef, PartnerDashboard } from '../api/types.js';
import { canOperate, useApp } from '../app-context.js';
import { ErrorBar } from '../components/error-bar.js';
import { PageHeader } from '../components/page-header.js';
import { StatCard, StatGrid } from '../components/stat-card.js';
import { formatNumber, plural } from '../format.js';
import { shortNameFor } from './short-name.js';
import { CLIENT_NAME_PATTERN } from '../../../../src/contracts/values.js';
import { useResource } from '../hooks/use-resource.js';
import { navigate } from '../routing/hash-route.js';
import { useReturnFocus } from '../hooks/use-return-focus.js';
import { DashboardTable, sortRows, type SortState } from './dashboard/dashboard-table.js';

const useStyles = makeStyles({
  empty: { padding: tokens.spacingHorizontalXXL, textAlign: 'center' },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  tools: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    gap: tokens.spacingHorizontalL,
    marginBottom: tokens.spacingVerticalM,
  },
  find: { display: 'flex', alignItems: 'flex-end', gap: tokens.spacingHorizontalS },
});

/** Which clients the dashboard shows. */
type Show = 'all' | 'attention' | 'changed' | 'not-connected';

function shown(row: ClientDashboardRow, show: Show, text: string): boolean {
  const needle = text.trim().toLowerCase();
  if (
    needle !== '' &&
    ![row.name, row.displayName, row.organizationName ?? ''].some((name) =>
      name.toLowerCase().includes(needle),
    )
  )
    return false;
  const since = row.sinceYesterday;
  switch (show) {
    case 'all':
      return true;
    case 'attention':
      return row.problems.length > 0;
    case 'changed':
      return since.newUsers + since.newExpiries + since.newApps + (since.mfaRegistrationsLost ?? 0) > 0;
    case 'not-connected':
      return row.integration === 'not connected';
  }
}

/**
 * The partner dashboard: every client at a glance — sync health, users, billable and its trend, expired, MFA and
 * SSO coverage, guests, what changed since yesterday, reclaimable licences, problems — sortable and filterable, and
 * a search across every client.
 */
export function ClientsScreen() {
  const styles = useStyles();
  const { api, me } = useApp();
  const dashboard = useResource(() => api.get<PartnerDashboard>('/dashboard'), 'dashboard');
  const reclaimable = useResource(
    () => api.get<{ clients: ClientReclaimableView[] }>('/licences/reclaimable'),
    'reclaimable',
  );
  const reclaimableOf = new Map((reclaimable.data?.clients ?? []).map((view) => [view.clientId, view]));
  const reclaimableTotals = new Map<string, number>();
  let inactiveLicensed = 0;
  for (const view of reclaimableOf.values()) {
    inactiveLicensed += view.inactiveLicensedUsers;
    const cost = view.reclaimableCost;
    if (cost !== null)
      reclaimableTotals.set(cost.currency, (reclaimableTotals.get(cost.currency) ?? 0) + cost.cents);
  }
  const [adding, setAdding] = useState(false);
  const [filterText, setFilterText] = useState('');
  const [show, setShow] = useState<Show>('all');
  const [sort, setSort] = useState<SortState>({ key: 'name', direction: 'ascending' });
  const [find, setFind] = useState('');
  const list = dashboard.data?.clients ?? [];
  const rows = sortRows(
    list.filter((row) => shown(row, show, filterText)),
    sort,
  );
  const billable = list.reduce((sum, client) => sum + client.billable, 0);
  const attention = list.filter((client) => client.problems.length > 0).length;
  const expired = list.reduce((sum, client) => sum + client.expired, 0);

  const search = (event: SyntheticEvent): void => {
    event.preventDefault();
    if (find.trim() !== '') window.location.hash = `#/search?q=${encodeURIComponent(find.trim())}`;
  };

  return (
    <div>
      <PageHeader
        title="Clients"
        description="Every client organisation you look after: sync health, users, billing, sign-in security and what changed since yesterday."
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
      <ErrorBar error={dashboard.error} />
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
        <StatCard label="Expired users" value={formatNumber(expired)} hint="no sign-in for too long" />
        <StatCard label="Need attention" value={formatNumber(attention)} />
        {reclaimableTotals.size === 0 ? (
          // Without prices, what the column of the table says too: how many inactive users hold licences.
          <StatCard
            label="Reclaimable licences"
            value={inactiveLicensed === 0 ? '—' : plural(inactiveLicensed, 'user')}
            hint={
              list.some((client) => canOperate(me, client.id))
                ? "inactive users holding licences: set prices under a client's Licences for the cost"
                : 'inactive users holding licences: the cost shows once an admin sets the prices'
            }
          />
        ) : (
          <StatCard
            label="Reclaimable licences / month"
            value={[...reclaimableTotals]
              .map(([currency, cents]) => `${(cents / 100).toFixed(2)} ${currency}`)
              .join(' + ')}
            hint="held by inactive users, at your prices"
          />
        )}
      </StatGrid>
      <div className={styles.tools}>
        <form className={styles.find} onSubmit={search} role="search" aria-label="Find a user or group">
          <Field label="Find a user or group in every client">
            <Input
              value={find}
              contentBefore={<SearchRegular aria-hidden />}
              placeholder="Name, UPN or mail"
              onChange={(_event, data) => {
                setFind(data.value);
              }}
            />
          </Field>
          <Button type="submit" disabled={find.trim().length < 2}>
            Search
          </Button>
        </form>
        <Field label="Filter clients by name">
          <Input
            value={filterText}
            contentBefore={<FilterRegular aria-hidden />}
            onChange={(_event, data) => {
              setFilterText(data.value);
            }}
          />
        </Field>
        <Field label="Show">
          <Select
            value={show}
            onChange={(_event, data) => {
              setShow(data.value as Show);
            }}
          >
            <option value="all">All clients</option>
            <option value="attention">Clients that need attention</option>
            <option value="changed">Clients that changed since yesterday</option>
            <option value="not-connected">Clients not connected yet</option>
          </Select>
        </Field>
      </div>
      {dashboard.loading && dashboard.data === undefined ? (
        <Spinner label="Loading clients…" />
      ) : list.length === 0 ? (
        <div className={styles.empty}>
          <Body1>
            {me.isPartnerAdmin
              ? 'No clients yet. Add your first client, then connect its Entra tenant.'
              : 'You have no client assigned yet. Ask your partner admin for access.'}
          </Body1>
        </div>
      ) : rows.length === 0 ? (
        <div className={styles.empty}>
          <Body1>No client matches these filters.</Body1>
        </div>
      ) : (
        <DashboardTable rows={rows} sort={sort} onSort={setSort} reclaimableOf={reclaimableOf} />
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

function AddClientDialog({ onClose }: { readonly onClose: (added?: ClientRef) => void }) {
  useReturnFocus();
  const styles = useStyles();
  const { api, notify, reloadMe } = useApp();
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  // The short name follows the display name until the admin types one of their own.
  const [nameTyped, setNameTyped] = useState(false);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const nameProblem =
    name !== '' && !CLIENT_NAME_PATTERN.test(name.trim().toLowerCase())
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
                label="Display name"
                hint="The organisation as you call it, e.g. Contoso Ltd."
                validationMessage={problems.displayName ?? null}
              >
                <Input
                  value={displayName}
                  onChange={(_event, data) => {
                    setDisplayName(data.value);
                    if (!nameTyped) setName(shortNameFor(data.value));
                  }}
                  autoFocus
                />
              </Field>
              <Field
                label="Short name"
                required
                hint="Used in the bot and in links, e.g. contoso-ltd."
                validationMessage={nameProblem ?? null}
              >
                <Input
                  value={name}
                  onChange={(_event, data) => {
                    setName(data.value);
                    setNameTyped(data.value !== '');
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
