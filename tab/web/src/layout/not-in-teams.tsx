import { Body1, Card, CardHeader, Link, Subtitle1, makeStyles, tokens } from '@fluentui/react-components';

const useStyles = makeStyles({
  wrap: { display: 'grid', placeItems: 'center', minHeight: '100vh', padding: tokens.spacingHorizontalXXL },
  card: { maxWidth: '520px' },
});

/** Shown when the tab is opened outside Teams: say where to open it instead of failing silently. */
export function NotInTeams({ message }: { readonly message: string }) {
  const styles = useStyles();
  return (
    <main className={styles.wrap}>
      <Card className={styles.card}>
        <CardHeader header={<Subtitle1 as="h1">Open Identity Manager in Microsoft Teams</Subtitle1>} />
        <Body1>{message}</Body1>
        <Body1>
          Running locally in demo mode? Use the <Link href="/dev/teams-host.html">local Teams host</Link>,
          which plays Teams around this tab with demo sign-ins.
        </Body1>
      </Card>
    </main>
  );
}
