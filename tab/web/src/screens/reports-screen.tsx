import {
  Badge,
  Body1,
  Button,
  Caption1,
  Card,
  CardHeader,
  Dropdown,
  Field,
  MessageBar,
  MessageBarBody,
  Option,
  Spinner,
  Subtitle2,
  Tab,
  TabList,
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
import { DonutChart, LineChart, VerticalBarChart } from '@fluentui/react-charts';
import { ArrowDownloadRegular } from '@fluentui/react-icons';
import { useState, type ReactNode } from 'react';
import type {
  Report,
  UsersBillingReport,
  ClientHeader,
  MfaCoverageReport,
  ReportFilterOptions,
  ReportKind,
  ReportUser,
  SsoMode,
  SsoCoverageReport,
  ApplicationUsageReport,
} from '../api/types.js';
import { useApp } from '../app-context.js';
import { ErrorBar } from '../components/error-bar.js';
import { PageHeader } from '../components/page-header.js';
import { StatCard, StatGrid } from '../components/stat-card.js';
import { formatDate, formatNumber } from '../format.js';
import { useResource } from '../hooks/use-resource.js';
import { useHashRoute } from '../routing/hash-route.js';
import { DAY_MS } from '../../../../src/contracts/values.js';

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
  select: { minWidth: '180px' },
  grow: { flexGrow: 1 },
  tabs: { marginBottom: tokens.spacingVerticalM },
  charts: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(420px, 1fr))',
    gap: tokens.spacingHorizontalL,
    marginBottom: tokens.spacingVerticalL,
  },
  card: { padding: tokens.spacingHorizontalL, gap: tokens.spacingVerticalS, minWidth: 0 },
  table: { backgroundColor: tokens.colorNeutralBackground1, borderRadius: tokens.borderRadiusMedium },
  numeric: { textAlign: 'right', fontVariantNumeric: 'tabular-nums' },
  muted: { color: tokens.colorNeutralForeground3 },
  names: {
    margin: 0,
    paddingLeft: tokens.spacingHorizontalL,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXXS,
  },
  section: { marginBottom: tokens.spacingVerticalL },
  heading: { display: 'block', marginBottom: tokens.spacingVerticalS },
  definitions: { color: tokens.colorNeutralForeground3, margin: 0, paddingLeft: tokens.spacingHorizontalL },
});

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

const ssoColors: Record<SsoMode, string> = {
  saml: tokens.colorPaletteBlueBorderActive,
  oidc: tokens.colorPaletteTealBorderActive,
  password: tokens.colorPaletteMarigoldBorderActive,
  none: tokens.colorPaletteRedBorderActive,
};
const ssoLabels: Record<SsoMode, string> = {
  saml: 'SAML',
  oidc: 'OpenID Connect',
  password: 'Password',
  none: 'No SSO',
};
const ssoShortLabels: Record<SsoMode, string> = {
  saml: 'SAML',
  oidc: 'OIDC',
  password: 'Password',
  none: 'None',
};

const methodLabels: Readonly<Record<string, string>> = {
  microsoftAuthenticatorPush: 'Authenticator',
  microsoftAuthenticatorPasswordless: 'Passwordless',
  softwareOneTimePasscode: 'OTP app',
  hardwareOneTimePasscode: 'OTP token',
  windowsHelloForBusiness: 'Hello',
  mobilePhone: 'Mobile',
  officePhone: 'Office phone',
  alternateMobilePhone: 'Alt. mobile',
  email: 'E-mail',
  fido2: 'FIDO2',
  passKeyDeviceBound: 'Passkey',
  temporaryAccessPass: 'TAP',
};

function methodLabel(method: string): string {
  return methodLabels[method] ?? method;
}

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
        <Field label="Group" className={styles.select}>
          <Dropdown
            value={group === '' ? 'All users' : groupName}
            disabled={filters.data?.groups.length === 0}
            title={
              filters.data?.groups.length === 0 ? 'Import groups for reporting under Groups first' : undefined
            }
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
  const message = report.header.signInData.message;
  return (
    <div aria-live="polite">
      {message !== null && report.kind !== 'billing' && (
        <MessageBar intent="warning" className={styles.section}>
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

function ChartCard({ title, children }: { readonly title: string; readonly children: ReactNode }) {
  const styles = useStyles();
  return (
    <Card className={styles.card} role="figure" aria-label={title}>
      <CardHeader header={<Subtitle2 as="h3">{title}</Subtitle2>} />
      {children}
    </Card>
  );
}

function UsageBody({ report }: { readonly report: ApplicationUsageReport }) {
  const styles = useStyles();
  const daily = report.daily;
  return (
    <>
      <StatGrid>
        <StatCard label="Applications used" value={formatNumber(report.totals.applications)} />
        <StatCard label="Active users" value={formatNumber(report.totals.activeUsers)} />
        <StatCard label="Sign-ins" value={formatNumber(report.totals.signIns)} />
        <StatCard label="Failed sign-ins" value={formatNumber(report.totals.failedSignIns)} />
      </StatGrid>
      <div className={styles.charts}>
        <ChartCard title="Sign-ins per day">
          <LineChart
            height={260}
            data={{
              chartTitle: 'Sign-ins per day',
              lineChartData: [
                {
                  legend: 'Successful',
                  data: daily.map((row) => ({ x: new Date(row.day), y: row.successfulSignIns })),
                  color: tokens.colorPaletteBlueBorderActive,
                },
                {
                  legend: 'Failed',
                  data: daily.map((row) => ({ x: new Date(row.day), y: row.failedSignIns })),
                  color: tokens.colorPaletteRedBorderActive,
                },
              ],
            }}
          />
        </ChartCard>
        <ChartCard title="Active users per application (top 8)">
          <VerticalBarChart
            height={260}
            chartTitle="Active users per application"
            hideLegend
            useSingleColor
            colors={[tokens.colorBrandBackground]}
            barWidth={28}
            data={report.applications
              .slice(0, 8)
              .map((app) => ({ x: app.appName, y: app.activeUsers, legend: app.appName }))}
          />
        </ChartCard>
      </div>
      <Table className={`${styles.table} ${styles.section}`} aria-label="Applications" size="small">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Application</TableHeaderCell>
            <TableHeaderCell>SSO</TableHeaderCell>
            <TableHeaderCell className={styles.numeric}>Active users</TableHeaderCell>
            <TableHeaderCell className={styles.numeric}>Sign-ins</TableHeaderCell>
            <TableHeaderCell className={styles.numeric}>Failed</TableHeaderCell>
            <TableHeaderCell>Last seen</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {report.applications.map((app) => (
            <TableRow key={app.appId}>
              <TableCell>{app.appName}</TableCell>
              <TableCell>
                <SsoBadge mode={app.ssoMode} />
              </TableCell>
              <TableCell className={styles.numeric}>{formatNumber(app.activeUsers)}</TableCell>
              <TableCell className={styles.numeric}>{formatNumber(app.signIns)}</TableCell>
              <TableCell className={styles.numeric}>{formatNumber(app.failedSignIns)}</TableCell>
              <TableCell>{formatDate(app.lastSeenAt)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}

function SsoBody({ report }: { readonly report: SsoCoverageReport }) {
  const styles = useStyles();
  const modes: SsoMode[] = ['saml', 'oidc', 'password', 'none'];
  return (
    <>
      <StatGrid>
        <StatCard
          label="Enterprise applications"
          value={formatNumber(report.totals.enterpriseApplications)}
        />
        <StatCard label="Used in the period" value={formatNumber(report.totals.usedApplications)} />
        <StatCard label="Sign-ins through Entra SSO" value={percent(report.totals.ssoShare)} />
        <StatCard
          label="Users fully on SSO"
          value={`${formatNumber(report.totals.usersFullyOnSso)} / ${formatNumber(report.totals.usersWithAppSignIns)}`}
        />
      </StatGrid>
      <div className={styles.charts}>
        <ChartCard title="Enterprise applications by SSO mode">
          <DonutChart
            height={240}
            innerRadius={60}
            hideLabels={false}
            data={{
              chartData: modes.map((mode) => ({
                legend: ssoLabels[mode],
                data: report.totals.bySsoMode[mode],
                color: ssoColors[mode],
              })),
            }}
          />
        </ChartCard>
        <ChartCard title="Used applications by SSO mode">
          <VerticalBarChart
            height={240}
            hideLegend
            chartTitle="Used applications by SSO mode"
            barWidth={36}
            data={modes.map((mode) => ({
              x: ssoShortLabels[mode],
              y: report.totals.usedBySsoMode[mode],
              color: ssoColors[mode],
            }))}
          />
        </ChartCard>
      </div>
      <Subtitle2 as="h3" className={styles.heading}>
        Users with the lowest SSO share
      </Subtitle2>
      <Table className={`${styles.table} ${styles.section}`} aria-label="Users by SSO share" size="small">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>User</TableHeaderCell>
            <TableHeaderCell className={styles.numeric}>App sign-ins</TableHeaderCell>
            <TableHeaderCell className={styles.numeric}>Through SSO</TableHeaderCell>
            <TableHeaderCell>Apps without SSO</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {report.users.slice(0, 25).map((user) => (
            <TableRow key={user.id}>
              <TableCell>
                <UserCell user={user} />
              </TableCell>
              <TableCell className={styles.numeric}>{formatNumber(user.appSignIns)}</TableCell>
              <TableCell className={styles.numeric}>{percent(user.ssoShare)}</TableCell>
              <TableCell>{user.nonSsoApps.join(', ') || '—'}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}

function MfaBody({ report }: { readonly report: MfaCoverageReport }) {
  const styles = useStyles();
  const registration = report.registration;
  return (
    <>
      <StatGrid>
        <StatCard label="Users (enabled members)" value={formatNumber(registration.users)} />
        <StatCard
          label="Registered for MFA"
          value={percent(registration.registeredShare)}
          hint={`${formatNumber(registration.mfaRegistered)} users`}
        />
        <StatCard
          label="MFA capable"
          value={percent(registration.capableShare)}
          hint={`${formatNumber(registration.mfaCapable)} users`}
        />
        <StatCard
          label="Sign-ins that satisfied MFA"
          value={report.signIns.known ? percent(report.signIns.mfaShare) : 'unknown'}
          hint={
            report.signIns.known
              ? `${formatNumber(report.signIns.singleFactorSignIns)} single-factor`
              : 'needs per-sign-in detail'
          }
        />
      </StatGrid>
      <div className={styles.charts}>
        <ChartCard title="MFA registration">
          <DonutChart
            height={240}
            innerRadius={60}
            data={{
              chartData: [
                {
                  legend: 'Registered',
                  data: registration.mfaRegistered,
                  color: tokens.colorPaletteGreenBorderActive,
                },
                {
                  legend: 'Not registered',
                  data: registration.notRegistered,
                  color: tokens.colorPaletteRedBorderActive,
                },
                {
                  legend: 'No data',
                  data: registration.users - registration.withRegistrationData,
                  color: tokens.colorNeutralStroke1,
                },
              ],
            }}
          />
        </ChartCard>
        <ChartCard title="Users per registered method">
          <VerticalBarChart
            height={240}
            hideLegend
            chartTitle="Users per registered method"
            useSingleColor
            colors={[tokens.colorBrandBackground]}
            barWidth={28}
            data={registration.methods
              .slice(0, 7)
              .map((method) => ({ x: methodLabel(method.method), y: method.users }))}
          />
        </ChartCard>
      </div>
      <div className={styles.charts}>
        <GapList title="Not registered for MFA" users={report.gaps.notRegistered} />
        <GapList
          title="Signed in without MFA"
          users={report.gaps.singleFactorSignIns}
          detail={(user) =>
            'singleFactorSignIns' in user
              ? `${formatNumber((user as { singleFactorSignIns: number }).singleFactorSignIns)} single-factor sign-ins`
              : ''
          }
        />
      </div>
    </>
  );
}

function GapList(props: {
  readonly title: string;
  readonly users: readonly ReportUser[];
  readonly detail?: (user: ReportUser) => string;
}) {
  const styles = useStyles();
  return (
    <Card className={styles.card}>
      <CardHeader
        header={<Subtitle2 as="h3">{`${props.title} (${formatNumber(props.users.length)})`}</Subtitle2>}
      />
      {props.users.length === 0 ? (
        <Body1 className={styles.muted}>Nobody.</Body1>
      ) : (
        <ul className={styles.names} aria-label={props.title}>
          {props.users.slice(0, 12).map((user) => (
            <li key={user.id}>
              <Body1>{user.displayName ?? user.userPrincipalName ?? user.id}</Body1>{' '}
              <Caption1 className={styles.muted}>
                {user.userPrincipalName ?? ''} {props.detail?.(user) ?? ''}
              </Caption1>
            </li>
          ))}
          {props.users.length > 12 && (
            <li>
              <Caption1 className={styles.muted}>
                …and {formatNumber(props.users.length - 12)} more in the CSV.
              </Caption1>
            </li>
          )}
        </ul>
      )}
    </Card>
  );
}

function BillingBody({ report }: { readonly report: UsersBillingReport }) {
  const styles = useStyles();
  const current = report.current;
  return (
    <>
      {report.expiry.message !== null && (
        <MessageBar intent="info" className={styles.section}>
          <MessageBarBody>{report.expiry.message}</MessageBarBody>
        </MessageBar>
      )}
      <StatGrid>
        <StatCard label="Billable" value={formatNumber(current.billable)} />
        <StatCard label="Imported" value={formatNumber(current.imported)} />
        <StatCard
          label="Expired"
          value={formatNumber(current.expired)}
          hint={`no activity in ${report.expiry.thresholdDays} days`}
        />
        <StatCard
          label="Disabled"
          value={formatNumber(current.disabled)}
          hint={`${formatNumber(current.disabledByReason.manual)} by hand · ${formatNumber(current.disabledByReason.excludedGroup)} excluded group · ${formatNumber(current.disabledByReason.deletedInEntra)} deleted`}
        />
        <StatCard label="Guests" value={formatNumber(current.guests)} hint="never billable" />
      </StatGrid>
      <div className={styles.charts}>
        <ChartCard title="Billable users per day">
          {report.history.length < 2 ? (
            <Body1 className={styles.muted}>
              {report.history.length === 0
                ? 'No daily snapshot in this period yet: one is taken every day.'
                : `One snapshot so far (${formatDate(report.history[0]?.day)}: ${formatNumber(report.history[0]?.billable)} billable). The chart fills in as a snapshot is taken every day.`}
            </Body1>
          ) : (
            <LineChart
              height={260}
              data={{
                chartTitle: 'Billable users per day',
                lineChartData: [
                  {
                    legend: 'Billable',
                    data: report.history.map((row) => ({ x: new Date(row.day), y: row.billable })),
                    color: tokens.colorPaletteBlueBorderActive,
                  },
                  {
                    legend: 'Imported',
                    data: report.history.map((row) => ({ x: new Date(row.day), y: row.imported })),
                    color: tokens.colorPaletteTealBorderActive,
                  },
                  {
                    legend: 'Expired',
                    data: report.history.map((row) => ({ x: new Date(row.day), y: row.expired })),
                    color: tokens.colorPaletteMarigoldBorderActive,
                  },
                ],
              }}
            />
          )}
        </ChartCard>
        <ChartCard title="Where the users stand">
          <DonutChart
            height={240}
            innerRadius={60}
            data={{
              chartData: [
                { legend: 'Billable', data: current.billable, color: tokens.colorPaletteBlueBorderActive },
                { legend: 'Expired', data: current.expired, color: tokens.colorPaletteMarigoldBorderActive },
                { legend: 'Disabled', data: current.disabled, color: tokens.colorPaletteRedBorderActive },
                { legend: 'Not imported', data: current.notImported, color: tokens.colorNeutralStroke1 },
              ],
            }}
          />
        </ChartCard>
      </div>
    </>
  );
}

function SsoBadge({ mode }: { readonly mode: SsoMode | null }) {
  if (mode === null) return <Caption1>unknown</Caption1>;
  const color = mode === 'saml' || mode === 'oidc' ? 'success' : mode === 'password' ? 'warning' : 'danger';
  return (
    <Badge appearance="tint" color={color}>
      {ssoLabels[mode]}
    </Badge>
  );
}

function UserCell({ user }: { readonly user: ReportUser }) {
  return (
    <TableCellLayout description={user.userPrincipalName ?? null}>
      {user.displayName ?? user.userPrincipalName ?? user.id}
    </TableCellLayout>
  );
}

function percent(value: number | null): string {
  return value === null ? '—' : `${Math.round(value * 1000) / 10} %`;
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
