import {
  Button,
  Caption1,
  Dropdown,
  Field,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Option,
  ProgressBar,
  Spinner,
  Tab,
  TabList,
} from '@fluentui/react-components';
import { ArrowDownloadRegular } from '@fluentui/react-icons';
import { useEffect, useState } from 'react';
import type { Report, ClientHeader, ReportFilterOptions, ReportKind } from '../../api/types.js';
import { useApp } from '../../app-context.js';
import { ErrorBar } from '../../components/error-bar.js';
import { PageHeader } from '../../components/page-header.js';
import { formatDate, formatNumber } from '../../format.js';
import { useResource } from '../../hooks/use-resource.js';
import { useHashRoute } from '../../routing/hash-route.js';
import { DAY_MS } from '../../../../../src/contracts/values.js';
import { useStyles } from './report-parts.js';
import { UsageBody } from './usage-report.js';
import { SsoBody } from './sso-report.js';
import { MfaBody } from './mfa-report.js';
import { BillingBody } from './billing-report.js';

const kinds: readonly { key: ReportKind; label: string }[] = [
  { key: 'usage', label: 'Application usage' },
  { key: 'sso', label: 'SSO coverage' },
  { key: 'mfa', label: 'MFA coverage' },
  { key: 'billing', label: 'Users and billing' },
];

const periods = [
  { days: 7, label: 'Last 7 days' },
  { days: 30, label: 'Last 30 days' },
  { days: 90, label: 'Last 90 days' },
] as const;

/** Rule 10: usage, SSO, MFA and billing reports with charts, filtered by period, reporting group and department. */
export function ReportsScreen({ client }: { readonly client: ClientHeader }) {
  const styles = useStyles();
  const { api, notify } = useApp();
  // A deep link opens a report by its route (`…/reports/billing?group=<id>`).
  const route = useHashRoute();
  const [kind, setKind] = useState<ReportKind>(
    () => kinds.find((candidate) => candidate.key === route.segments[3])?.key ?? 'usage',
  );
  const [days, setDays] = useState<number>(30);
  const [group, setGroup] = useState(() => route.query.get('group') ?? '');
  const [department, setDepartment] = useState('');
  const base = `/clients/${encodeURIComponent(client.name)}/reports`;
  const filters = useResource(() => api.get<ReportFilterOptions>(`${base}/filters`), `${base}:filters`);
  const query = {
    from: isoDay(Date.now() - (days - 1) * DAY_MS),
    to: isoDay(Date.now()),
    group: group === '' ? undefined : group,
    department: department === '' ? undefined : department,
  };
  const report = useResource(
    () => api.get<Report>(`${base}/${kind}`, query),
    `${base}:${kind}:${JSON.stringify(query)}`,
  );
  const groupName = filters.data?.groups.find((candidate) => candidate.id === group)?.displayName ?? '';
  // Until the sign-in history has been read, the report is read again so its progress moves.
  const signInData = report.data?.header.signInData;
  const backfilling =
    signInData !== undefined &&
    (signInData.backfill !== null ||
      (client.integration === 'connected' &&
        signInData.state !== 'unavailable' &&
        (signInData.state === 'unknown' || signInData.newestSignInAt === null)));
  const { reload } = report;
  useEffect(() => {
    if (!backfilling) return undefined;
    const timer = setInterval(reload, 5000);
    return () => {
      clearInterval(timer);
    };
  }, [backfilling, reload]);

  return (
    <div>
      <PageHeader
        title="Reports"
        description="Application usage, single sign-on and MFA coverage, and billable users — each downloadable as CSV."
      />
      <div className={styles.bar} role="search" aria-label="Report filters">
        <Field label="Period" className={styles.select}>
          <Dropdown
            value={periods.find((period) => period.days === days)?.label ?? ''}
            selectedOptions={[String(days)]}
            onOptionSelect={(_event, data) => {
              setDays(Number(data.optionValue ?? 30));
            }}
          >
            {periods.map((period) => (
              <Option key={period.days} value={String(period.days)}>
                {period.label}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Field
          label="Group"
          className={styles.select}
          // Said beside the field, not in a title: a disabled control shows no tooltip on hover or focus.
          hint={filters.data?.groups.length === 0 ? 'Import groups for reporting under Groups first' : null}
        >
          <Dropdown
            value={group === '' ? 'All users' : groupName}
            disabled={filters.data?.groups.length === 0}
            selectedOptions={[group]}
            onOptionSelect={(_event, data) => {
              setGroup(data.optionValue ?? '');
            }}
          >
            <Option value="">All users</Option>
            {(filters.data?.groups ?? []).map((candidate) => (
              <Option key={candidate.id} value={candidate.id} text={candidate.displayName ?? candidate.id}>
                {`${candidate.displayName ?? candidate.id} (${formatNumber(candidate.members)})`}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Field label="Department" className={styles.select}>
          <Dropdown
            value={department === '' ? 'All departments' : department}
            selectedOptions={[department]}
            onOptionSelect={(_event, data) => {
              setDepartment(data.optionValue ?? '');
            }}
          >
            <Option value="">All departments</Option>
            {(filters.data?.departments ?? []).map((candidate) => (
              <Option key={candidate.department} value={candidate.department} text={candidate.department}>
                {`${candidate.department} (${formatNumber(candidate.users)})`}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <span className={styles.grow} />
        <Button
          className={styles.besideFields}
          icon={<ArrowDownloadRegular />}
          onClick={() => {
            api.download(`${base}/${kind}/csv`, query).catch((error: unknown) => {
              notify('error', 'Download failed', error instanceof Error ? error.message : String(error));
            });
          }}
        >
          Download CSV
        </Button>
      </div>
      <TabList
        className={styles.tabs}
        selectedValue={kind}
        onTabSelect={(_event, data) => {
          setKind(data.value as ReportKind);
        }}
        aria-label="Reports"
      >
        {kinds.map((candidate) => (
          <Tab key={candidate.key} value={candidate.key}>
            {candidate.label}
          </Tab>
        ))}
      </TabList>
      <ErrorBar error={report.error ?? filters.error} />
      {report.data?.kind === kind ? (
        <ReportBody report={report.data} />
      ) : (
        report.loading && <Spinner label="Preparing the report…" />
      )}
    </div>
  );
}

function ReportBody({ report }: { readonly report: Report }) {
  const styles = useStyles();
  const { message, backfill, state, source } = report.header.signInData;
  // A limit of the tenant's data is a warning; data still on its way (not imported, not read yet) is news.
  const limited = state === 'unavailable' || source === 'v1.0';
  return (
    <div aria-live="polite">
      {backfill !== null && report.kind !== 'billing' && (
        <MessageBar
          intent="info"
          layout="multiline"
          className={styles.section}
          data-testid="backfill-progress"
        >
          <MessageBarBody>
            <MessageBarTitle>
              Reading the sign-in history: {backfill.daysRead} of {backfill.daysTotal} days read
            </MessageBarTitle>
            <ProgressBar
              value={backfill.daysRead}
              max={backfill.daysTotal}
              thickness="large"
              aria-label="Sign-in history read"
              aria-valuetext={`${String(backfill.daysRead)} of ${String(backfill.daysTotal)} days`}
            />
            The figures below are partial until it has finished; this page shows the newest days first.
          </MessageBarBody>
        </MessageBar>
      )}
      {message !== null && backfill === null && report.kind !== 'billing' && (
        <MessageBar
          intent={limited ? 'warning' : 'info'}
          layout="multiline"
          className={styles.section}
          data-testid="sign-in-data-message"
        >
          <MessageBarBody>{message}</MessageBarBody>
        </MessageBar>
      )}
      {report.header.coverage !== null && (
        <Caption1 as="p" className={styles.muted} data-testid="report-coverage">
          {report.header.coverage}
        </Caption1>
      )}
      {report.kind === 'usage' && <UsageBody report={report} />}
      {report.kind === 'sso' && <SsoBody report={report} />}
      {report.kind === 'mfa' && <MfaBody report={report} />}
      {report.kind === 'billing' && <BillingBody report={report} />}
      <Caption1 className={styles.muted} as="p">
        {formatDate(report.header.period.from)} – {formatDate(report.header.period.to)}
        {report.header.usersInScope === null
          ? ''
          : ` · ${formatNumber(report.header.usersInScope)} users in scope`}
      </Caption1>
      <ul className={styles.definitions}>
        {[...report.header.definitions, ...report.header.notes].map((line) => (
          <li key={line}>
            <Caption1>{line}</Caption1>
          </li>
        ))}
      </ul>
    </div>
  );
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
