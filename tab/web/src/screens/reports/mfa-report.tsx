import { Body1, Caption1, Card, CardHeader, Subtitle2, tokens } from '@fluentui/react-components';
import { DonutChart, VerticalBarChart } from '@fluentui/react-charts';
import type { MfaCoverageReport, ReportUser } from '../../api/types.js';
import { StatCard, StatGrid } from '../../components/stat-card.js';
import { formatNumber } from '../../format.js';
import { useStyles, ChartCard, percent } from './report-parts.js';
import { series } from './series-colors.js';

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

export function MfaBody({ report }: { readonly report: MfaCoverageReport }) {
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
            hideLabels={false}
            data={{
              chartData: [
                {
                  legend: 'Registered',
                  data: registration.mfaRegistered,
                  color: series.good,
                },
                {
                  legend: 'Not registered',
                  data: registration.notRegistered,
                  color: series.bad,
                },
                {
                  legend: 'No data',
                  data: registration.users - registration.withRegistrationData,
                  color: series.neutral,
                },
              ],
            }}
          />
        </ChartCard>
        <ChartCard title="Users per registered method">
          <VerticalBarChart
            roundedTicks
            wrapXAxisLables
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
