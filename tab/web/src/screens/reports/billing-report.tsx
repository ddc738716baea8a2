import { Link, MessageBar, MessageBarBody, tokens } from '@fluentui/react-components';
import { DonutChart, LineChart } from '@fluentui/react-charts';
import type { UsersBillingReport } from '../../api/types.js';
import { StatCard, StatGrid } from '../../components/stat-card.js';
import { formatDate, formatNumber } from '../../format.js';
import { useStyles, ChartCard, ChartPlaceholder } from './report-parts.js';
import { dayTicks } from './chart-days.js';
import { hrefOf } from '../../routing/hash-route.js';

export function BillingBody({ report }: { readonly report: UsersBillingReport }) {
  const styles = useStyles();
  const current = report.current;
  return (
    <>
      {report.expiry.message !== null && (
        <MessageBar intent="info" layout="multiline" className={styles.section}>
          <MessageBarBody>{report.expiry.message}</MessageBarBody>
        </MessageBar>
      )}
      <StatGrid>
        <StatCard label="Billable" value={formatNumber(current.billable)} />
        <StatCard
          label="Imported"
          value={formatNumber(current.imported)}
          hint={
            current.blockedInEntra === 0 ? undefined : (
              <>
                <Link href={`${hrefOf('c', report.header.client.name, 'users')}?blocked=1`}>
                  {formatNumber(current.blockedInEntra)} blocked in Entra
                </Link>
                : not billable while blocked
              </>
            )
          }
        />
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
            <ChartPlaceholder>
              {report.history.length === 0
                ? 'No daily snapshot in this period yet: one is taken every day.'
                : `One snapshot so far (${formatDate(report.history[0]?.day)}: ${formatNumber(report.history[0]?.billable)} billable). The chart fills in as a snapshot is taken every day.`}
            </ChartPlaceholder>
          ) : (
            <LineChart
              roundedTicks
              height={260}
              tickValues={dayTicks(report.history.map((row) => row.day))}
              tickFormat="%b %d"
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
            hideLabels={false}
            data={{
              chartData: [
                { legend: 'Billable', data: current.billable, color: tokens.colorPaletteBlueBorderActive },
                { legend: 'Expired', data: current.expired, color: tokens.colorPaletteMarigoldBorderActive },
                {
                  legend: 'Blocked in Entra',
                  data: current.blockedInEntra,
                  color: tokens.colorPalettePurpleBorderActive,
                },
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
