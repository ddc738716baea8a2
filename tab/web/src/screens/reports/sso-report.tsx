import {
  Badge,
  Caption1,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '@fluentui/react-components';
import { DonutChart, VerticalBarChart } from '@fluentui/react-charts';
import type { SsoMode, SsoCoverageReport } from '../../api/types.js';
import { StatCard, StatGrid } from '../../components/stat-card.js';
import { formatNumber } from '../../format.js';
import { useStyles, ChartCard, UserCell, percent } from './report-parts.js';
import { series } from './series-colors.js';
import { EndAlignedHeaderCell } from '../../components/end-aligned-header-cell.js';

const ssoColors: Record<SsoMode, string> = {
  saml: series.primary,
  oidc: series.good,
  password: series.other,
  none: series.bad,
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

export function SsoBody({ report }: { readonly report: SsoCoverageReport }) {
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
            roundedTicks
            wrapXAxisLables
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
            <EndAlignedHeaderCell>App sign-ins</EndAlignedHeaderCell>
            <EndAlignedHeaderCell>Through SSO</EndAlignedHeaderCell>
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

/**
 * An application's sign-on, as a badge. Microsoft's own services (Teams, Exchange Online, SharePoint…: service
 * principals whose appOwnerOrganizationId is a Microsoft tenant, src/domain/report-sso.ts) sign in through Entra ID
 * by design and have no SSO mode of their own to set, so they are not badged "No SSO"
 * (https://learn.microsoft.com/en-us/troubleshoot/entra/entra-id/governance/verify-first-party-apps-sign-in).
 */
export function SsoBadge({
  mode,
  microsoft = false,
}: {
  readonly mode: SsoMode | null;
  readonly microsoft?: boolean;
}) {
  if (microsoft) {
    return (
      <Badge appearance="tint" color="informative" title="Microsoft’s own service: signs in with Entra ID">
        Microsoft service
      </Badge>
    );
  }
  if (mode === null) return <Caption1>unknown</Caption1>;
  const color = mode === 'saml' || mode === 'oidc' ? 'success' : mode === 'password' ? 'warning' : 'danger';
  return (
    <Badge appearance="tint" color={color}>
      {ssoLabels[mode]}
    </Badge>
  );
}
