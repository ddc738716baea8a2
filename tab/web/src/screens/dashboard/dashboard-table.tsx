import {
  Badge,
  Caption1,
  Link,
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
import { CheckmarkCircleFilled, ErrorCircleFilled, WarningFilled } from '@fluentui/react-icons';
import type { ClientDashboardRow, ClientReclaimableView } from '../../api/types.js';
import { formatNumber, formatRelative, plural } from '../../format.js';
import { hrefOf } from '../../routing/hash-route.js';
import { EndAlignedHeaderCell } from '../../components/end-aligned-header-cell.js';

const useStyles = makeStyles({
  table: { backgroundColor: tokens.colorNeutralBackground1, borderRadius: tokens.borderRadiusMedium },
  numeric: { textAlign: 'right', fontVariantNumeric: 'tabular-nums' },
  list: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, margin: 0, padding: 0 },
  item: { listStyleType: 'none' },
  // The words keep the body colour (readable in every theme); the icon carries the colour.
  problem: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS },
  fine: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS },
  danger: { color: tokens.colorStatusDangerForeground1, flexShrink: 0 },
  success: { color: tokens.colorStatusSuccessForeground1, flexShrink: 0 },
  muted: { color: tokens.colorNeutralForeground3 },
  figure: { display: 'inline-flex', flexDirection: 'column', alignItems: 'flex-end' },
  trend: { color: tokens.colorNeutralForeground2 },
});

/** The columns the dashboard sorts by. */
export type SortKey =
  'name' | 'health' | 'users' | 'billable' | 'expired' | 'mfa' | 'sso' | 'guests' | 'changes' | 'problems';

export interface SortState {
  readonly key: SortKey;
  readonly direction: 'ascending' | 'descending';
}

/** How many things changed since yesterday, for sorting by it. */
function changeCount(row: ClientDashboardRow): number {
  const since = row.sinceYesterday;
  return since.newUsers + since.newExpiries + since.newApps + (since.mfaRegistrationsLost ?? 0);
}

/** Worst first when ascending: failing, then never synced, then healthy. */
function healthRank(row: ClientDashboardRow): number {
  if (row.integration === 'not connected') return 0;
  if (row.lastSync?.status === 'failed' || row.integration === 'error') return 1;
  if (row.lastSync === null) return 2;
  return 3;
}

const sortValue: Readonly<Record<SortKey, (row: ClientDashboardRow) => number | string>> = {
  name: (row) => row.displayName.toLowerCase(),
  health: healthRank,
  users: (row) => row.users,
  billable: (row) => row.billable,
  expired: (row) => row.expired,
  mfa: (row) => row.mfaRegisteredPercent ?? -1,
  sso: (row) => row.ssoSharePercent ?? -1,
  guests: (row) => row.guests,
  changes: changeCount,
  problems: (row) => row.problems.length,
};

export function sortRows(rows: readonly ClientDashboardRow[], sort: SortState): ClientDashboardRow[] {
  const value = sortValue[sort.key];
  const factor = sort.direction === 'ascending' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const left = value(a);
    const right = value(b);
    const order = left < right ? -1 : left > right ? 1 : a.name.localeCompare(b.name);
    return order * factor;
  });
}

const COLUMNS: readonly { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: 'name', label: 'Client' },
  { key: 'health', label: 'Sync health' },
  { key: 'users', label: 'Users', numeric: true },
  { key: 'billable', label: 'Billable', numeric: true },
  { key: 'expired', label: 'Expired', numeric: true },
  { key: 'mfa', label: 'MFA registered', numeric: true },
  { key: 'sso', label: 'SSO share', numeric: true },
  { key: 'guests', label: 'Guests', numeric: true },
  { key: 'changes', label: 'Since yesterday' },
];

/** Every client in a row: sortable by any column, each client one click away. */
export function DashboardTable(props: {
  readonly rows: readonly ClientDashboardRow[];
  readonly sort: SortState;
  readonly onSort: (sort: SortState) => void;
  readonly reclaimableOf: ReadonlyMap<string, ClientReclaimableView>;
}) {
  const styles = useStyles();
  const headerCell = (key: SortKey, label: string, numeric?: boolean) => {
    const Cell = numeric === true ? EndAlignedHeaderCell : TableHeaderCell;
    return (
      <Cell
        key={key}
        {...(props.sort.key === key ? { sortDirection: props.sort.direction } : {})}
        onClick={() => {
          props.onSort({
            key,
            direction:
              props.sort.key === key && props.sort.direction === 'ascending' ? 'descending' : 'ascending',
          });
        }}
      >
        {label}
      </Cell>
    );
  };
  return (
    <Table className={styles.table} aria-label="Clients" size="medium" sortable>
      <TableHeader>
        <TableRow>
          {COLUMNS.map((column) => headerCell(column.key, column.label, column.numeric))}
          <EndAlignedHeaderCell>Reclaimable licences</EndAlignedHeaderCell>
          {headerCell('problems', 'Problems')}
        </TableRow>
      </TableHeader>
      <TableBody>
        {props.rows.map((client) => (
          <TableRow key={client.id} data-client={client.name}>
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
              <SyncHealth client={client} />
            </TableCell>
            <TableCell className={styles.numeric}>{formatNumber(client.users)}</TableCell>
            <TableCell className={styles.numeric}>
              <Billable client={client} />
            </TableCell>
            <TableCell className={styles.numeric}>
              {client.expired === 0 ? (
                '0'
              ) : (
                <Link href={`${hrefOf('c', client.name, 'users')}?expired=1`}>
                  {formatNumber(client.expired)}
                </Link>
              )}
            </TableCell>
            <TableCell className={styles.numeric}>
              <Percent value={client.mfaRegisteredPercent} />
            </TableCell>
            <TableCell className={styles.numeric}>
              <Percent value={client.ssoSharePercent} />
            </TableCell>
            <TableCell className={styles.numeric}>{formatNumber(client.guests)}</TableCell>
            <TableCell>
              <SinceYesterday client={client} />
            </TableCell>
            <TableCell className={styles.numeric}>
              <Reclaimable view={props.reclaimableOf.get(client.id)} clientName={client.name} />
            </TableCell>
            <TableCell>
              <Problems problems={client.problems} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Percent({ value }: { readonly value: number | null }) {
  const styles = useStyles();
  if (value === null) return <Caption1 className={styles.muted}>no data yet</Caption1>;
  return <>{value} %</>;
}

function signed(value: number): string {
  return value > 0 ? `+${formatNumber(value)}` : value < 0 ? `−${formatNumber(-value)}` : 'no change';
}

function Billable({ client }: { readonly client: ClientDashboardRow }) {
  const styles = useStyles();
  const trend = client.billableTrend;
  const parts = [
    trend.change7Days === null ? null : `${signed(trend.change7Days)} in 7 days`,
    trend.change30Days === null ? null : `${signed(trend.change30Days)} in 30 days`,
  ].filter((part): part is string => part !== null);
  const count =
    client.activityData === 'unknown' && client.billable > 0 ? (
      <Tooltip
        content="The tenant's sign-in activity is being read: nobody counts as expired yet, so this count is not final."
        relationship="description"
      >
        <span>
          {formatNumber(client.billable)} <Caption1 className={styles.muted}>reading activity…</Caption1>
        </span>
      </Tooltip>
    ) : (
      formatNumber(client.billable)
    );
  return (
    <span className={styles.figure}>
      <span>{count}</span>
      <Caption1 className={styles.trend}>
        {parts.length === 0 ? 'no history yet' : parts.join(' · ')}
      </Caption1>
    </span>
  );
}

function SinceYesterday({ client }: { readonly client: ClientDashboardRow }) {
  const styles = useStyles();
  const since = client.sinceYesterday;
  const lines = [
    since.newUsers > 0 ? plural(since.newUsers, 'new user') : null,
    since.newExpiries > 0 ? `${plural(since.newExpiries, 'user')} expired` : null,
    since.newApps > 0 ? plural(since.newApps, 'new app') : null,
    since.mfaRegistrationsLost !== null && since.mfaRegistrationsLost > 0
      ? `${plural(since.mfaRegistrationsLost, 'MFA registration')} lost`
      : null,
  ].filter((line): line is string => line !== null);
  if (lines.length === 0) return <Caption1 className={styles.muted}>No change</Caption1>;
  return (
    <ul className={styles.list}>
      {lines.map((line) => (
        <li key={line} className={styles.item}>
          <Text size={200}>{line}</Text>
        </li>
      ))}
    </ul>
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
        ? plural(props.view.inactiveLicensedUsers, 'user')
        : `${cost.amount} ${cost.currency} / month`}
    </Link>
  );
}

function SyncHealth({ client }: { readonly client: ClientDashboardRow }) {
  const styles = useStyles();
  const last = client.lastSync;
  if (client.integration === 'not connected')
    return <Caption1 className={styles.muted}>Not connected</Caption1>;
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
      {last.status === 'failed' ? (
        <ErrorCircleFilled aria-hidden className={styles.danger} />
      ) : (
        <CheckmarkCircleFilled aria-hidden className={styles.success} />
      )}
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
    <ul className={styles.list}>
      {problems.map((problem) => (
        <li key={problem} className={`${styles.item} ${styles.problem}`}>
          <WarningFilled aria-hidden className={styles.danger} />
          <Text size={200}>{problem}</Text>
        </li>
      ))}
    </ul>
  );
}
