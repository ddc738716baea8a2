import {
  Body1,
  Button,
  Caption1,
  Dropdown,
  Field,
  Input,
  Option,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableCellLayout,
  TableHeader,
  TableHeaderCell,
  TableRow,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { ArrowDownloadRegular } from '@fluentui/react-icons';
import { useEffect, useState } from 'react';
import type { AuditEntryView, AuditPage, ClientHeader } from '../api/types.js';
import { useApp } from '../app-context.js';
import { ErrorBar } from '../components/error-bar.js';
import { PageHeader } from '../components/page-header.js';
import { formatDateTime } from '../format.js';

const useStyles = makeStyles({
  bar: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalM,
    alignItems: 'flex-end',
    marginBottom: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalM,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
  },
  table: { backgroundColor: tokens.colorNeutralBackground1, borderRadius: tokens.borderRadiusMedium },
  change: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    color: tokens.colorNeutralForeground2,
    wordBreak: 'break-word',
  },
  more: { display: 'flex', justifyContent: 'center', marginTop: tokens.spacingVerticalM },
});

const actionFilters = [
  { value: '', label: 'All actions' },
  { value: 'user.', label: 'Users' },
  { value: 'group.', label: 'Groups' },
  { value: 'integration.', label: 'Connections' },
  { value: 'client.', label: 'Clients' },
  { value: 'role.', label: 'Roles' },
] as const;

const PAGE = 50;

/** The audit log: who did what, when, on which client and object, before and after — one client's or all. */
export function AuditScreen({ client }: { readonly client?: ClientHeader }) {
  const styles = useStyles();
  const { api, notify } = useApp();
  const [action, setAction] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [items, setItems] = useState<AuditEntryView[]>([]);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>();
  const filters = {
    client: client?.name,
    action: action === '' ? undefined : action,
    from: from === '' ? undefined : from,
    to: to === '' ? undefined : to,
  };
  const key = JSON.stringify(filters);

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    api.get<AuditPage>('/audit', { ...(JSON.parse(key) as Record<string, string>), limit: PAGE }).then(
      (page) => {
        if (cancelled) return;
        setItems([...page.items]);
        setNextBefore(page.nextBefore);
        setError(undefined);
        setLoading(false);
      },
      (failure: unknown) => {
        if (cancelled) return;
        setError(failure);
        setLoading(false);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, key]);

  const loadMore = (): void => {
    if (nextBefore === null) return;
    setLoading(true);
    api.get<AuditPage>('/audit', { ...filters, limit: PAGE, before: nextBefore }).then(
      (page) => {
        setItems((previous) => [...previous, ...page.items]);
        setNextBefore(page.nextBefore);
        setLoading(false);
      },
      (failure: unknown) => {
        setError(failure);
        setLoading(false);
      },
    );
  };

  return (
    <div>
      <PageHeader
        title="Audit log"
        description={
          client === undefined
            ? 'Every change made by a person, on every client you may see.'
            : `Every change made by a person on ${client.displayName}.`
        }
        actions={
          <Button
            icon={<ArrowDownloadRegular />}
            onClick={() => {
              api.download('/audit.csv', filters).catch((failure: unknown) => {
                notify(
                  'error',
                  'Download failed',
                  failure instanceof Error ? failure.message : String(failure),
                );
              });
            }}
          >
            Download CSV
          </Button>
        }
      />
      <div className={styles.bar} role="search" aria-label="Filter the audit log">
        <Field label="Action">
          <Dropdown
            value={actionFilters.find((candidate) => candidate.value === action)?.label ?? 'All actions'}
            selectedOptions={[action]}
            onOptionSelect={(_event, data) => {
              setAction(data.optionValue ?? '');
            }}
          >
            {actionFilters.map((candidate) => (
              <Option key={candidate.value} value={candidate.value}>
                {candidate.label}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Field label="From">
          <Input
            type="date"
            value={from}
            onChange={(_event, data) => {
              setFrom(data.value);
            }}
          />
        </Field>
        <Field label="To">
          <Input
            type="date"
            value={to}
            onChange={(_event, data) => {
              setTo(data.value);
            }}
          />
        </Field>
      </div>
      <ErrorBar error={error} />
      {items.length === 0 ? (
        loading ? (
          <Spinner label="Loading the audit log…" />
        ) : (
          <Body1>Nothing recorded for these filters.</Body1>
        )
      ) : (
        <Table className={styles.table} aria-label="Audit log entries" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell style={{ width: '14%' }}>When</TableHeaderCell>
              <TableHeaderCell style={{ width: '16%' }}>Who</TableHeaderCell>
              {client === undefined && <TableHeaderCell style={{ width: '10%' }}>Client</TableHeaderCell>}
              <TableHeaderCell>What happened</TableHeaderCell>
              <TableHeaderCell style={{ width: '22%' }}>Change</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {items.map((entry) => (
              <TableRow key={entry.id}>
                <TableCell>{formatDateTime(entry.at)}</TableCell>
                <TableCell>
                  <TableCellLayout description={`via ${entry.channel}`}>
                    {entry.actor.name ?? entry.actor.objectId}
                  </TableCellLayout>
                </TableCell>
                {client === undefined && <TableCell>{entry.clientName ?? '—'}</TableCell>}
                <TableCell>
                  <span data-testid="audit-summary">{entry.summary}</span>
                </TableCell>
                <TableCell>
                  <details>
                    <summary>
                      <Caption1>Show the recorded change</Caption1>
                    </summary>
                    <Caption1 as="p" className={styles.change}>
                      {entry.action}
                      {entry.targetType === null ? '' : ` · ${entry.targetType} ${entry.targetId ?? ''}`}
                    </Caption1>
                    <Caption1 as="p" className={styles.change}>
                      {describeChange(entry)}
                    </Caption1>
                  </details>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {nextBefore !== null && (
        <div className={styles.more}>
          <Button onClick={loadMore} disabled={loading}>
            Load older entries
          </Button>
        </div>
      )}
    </div>
  );
}

function describeChange(entry: AuditEntryView): string {
  const before = compact(entry.before);
  const after = compact(entry.after);
  if (before === '' && after === '') return '—';
  if (before === '') return after;
  if (after === '') return `was ${before}`;
  return `${before} → ${after}`;
}

function compact(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object') return JSON.stringify(value);
  return Object.entries(value)
    .map(([key, item]) => `${key}: ${typeof item === 'string' ? item : JSON.stringify(item)}`)
    .join(', ');
}
