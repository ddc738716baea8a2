import {
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import { LineChart, VerticalBarChart } from '@fluentui/react-charts';
import type { ApplicationUsageReport } from '../../api/types.js';
import { StatCard, StatGrid } from '../../components/stat-card.js';
import { formatDate, formatNumber } from '../../format.js';
import { useStyles, ChartCard, ChartPlaceholder } from './report-parts.js';
import { SsoBadge } from './sso-report.js';
import { series } from './series-colors.js';
import { dayTicks } from './chart-days.js';
import { EndAlignedHeaderCell } from '../../components/end-aligned-header-cell.js';

export function UsageBody({ report }: { readonly report: ApplicationUsageReport }) {
  const styles = useStyles();
  const { backfill } = report.header.signInData;
  const daily = report.daily;
  // Today is still under way: its point is drawn dashed and named, so a low last point does not read as an outage.
  const today = new Date().toISOString().slice(0, 10);
  const partial = daily.at(-1)?.day === today && daily.length > 1;
  const whole = partial ? daily.slice(0, -1) : daily;
  const lastTwo = daily.slice(-2);
  return (
    <>
      <StatGrid>
        <StatCard label="Applications used" value={formatNumber(report.totals.applications)} />
        <StatCard label="Active users" value={formatNumber(report.totals.activeUsers)} />
        <StatCard label="Sign-ins" value={formatNumber(report.totals.signIns)} />
        <StatCard label="Failed sign-ins" value={formatNumber(report.totals.failedSignIns)} />
      </StatGrid>
      <div className={styles.charts}>
        <ChartCard
          title="Sign-ins per day"
          description={
            backfill === null || daily.length === 0
              ? undefined
              : `From ${formatDate(`${backfill.fromDay}T12:00:00Z`)}: earlier days are not read yet.`
          }
        >
          {daily.length === 0 ? (
            <ChartPlaceholder>
              No whole day of sign-ins is read yet: the chart starts with the first.
            </ChartPlaceholder>
          ) : (
            <LineChart
              roundedTicks
              height={260}
              tickValues={dayTicks(daily.map((row) => row.day))}
              tickFormat="%b %d"
              data={{
                chartTitle: 'Sign-ins per day',
                lineChartData: [
                  {
                    legend: 'Successful',
                    data: whole.map((row) => ({ x: new Date(row.day), y: row.successfulSignIns })),
                    color: series.primary,
                  },
                  {
                    legend: 'Failed',
                    data: whole.map((row) => ({ x: new Date(row.day), y: row.failedSignIns })),
                    color: series.bad,
                  },
                  ...(partial
                    ? [
                        {
                          legend: 'Today so far (successful)',
                          data: lastTwo.map((row) => ({ x: new Date(row.day), y: row.successfulSignIns })),
                          color: series.primary,
                          lineOptions: { strokeDasharray: '4 4' },
                        },
                        {
                          legend: 'Today so far (failed)',
                          data: lastTwo.map((row) => ({ x: new Date(row.day), y: row.failedSignIns })),
                          color: series.bad,
                          lineOptions: { strokeDasharray: '4 4' },
                        },
                      ]
                    : []),
                ],
              }}
            />
          )}
        </ChartCard>
        <ChartCard title="Active users per application (top 8)">
          {report.applications.length === 0 ? (
            <ChartPlaceholder>No application was signed in to in this period.</ChartPlaceholder>
          ) : (
            <VerticalBarChart
              roundedTicks
              wrapXAxisLables
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
          )}
        </ChartCard>
      </div>
      <Table className={`${styles.table} ${styles.section}`} aria-label="Applications" size="small">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Application</TableHeaderCell>
            <TableHeaderCell>SSO</TableHeaderCell>
            <EndAlignedHeaderCell>Active users</EndAlignedHeaderCell>
            <EndAlignedHeaderCell>Sign-ins</EndAlignedHeaderCell>
            <EndAlignedHeaderCell>Failed</EndAlignedHeaderCell>
            <TableHeaderCell>Last seen</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {report.applications.map((app) => (
            <TableRow key={app.appId}>
              <TableCell>{app.appName}</TableCell>
              <TableCell>
                <SsoBadge mode={app.ssoMode} microsoft={app.appClass === 'microsoft'} />
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
