import { Caption1, Text, makeStyles, tokens } from '@fluentui/react-components';
import { CheckmarkCircleFilled, DismissCircleFilled } from '@fluentui/react-icons';
import type { PermissionCheck } from '../api/types.js';

const useStyles = makeStyles({
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
  },
  item: {
    display: 'grid',
    gridTemplateColumns: '20px 1fr',
    columnGap: tokens.spacingHorizontalS,
    alignItems: 'start',
  },
  pass: { color: tokens.colorStatusSuccessForeground1, fontSize: '18px', marginTop: '1px' },
  fail: { color: tokens.colorPaletteRedForeground1, fontSize: '18px', marginTop: '1px' },
  reason: { color: tokens.colorNeutralForeground3, gridColumnStart: 2 },
});

/** Every check of a connection test — sign-in, each permission, the organization — passed or not, and why. */
export function ConnectionChecks({
  checks,
  label,
}: {
  readonly checks: readonly PermissionCheck[];
  readonly label: string;
}) {
  const styles = useStyles();
  return (
    <ul className={styles.list} aria-label={label} data-testid="connection-checks">
      {checks.map((check) => (
        <li key={check.name} className={styles.item}>
          {check.passed ? (
            <CheckmarkCircleFilled className={styles.pass} aria-label="Passed" />
          ) : (
            <DismissCircleFilled className={styles.fail} aria-label="Failed" />
          )}
          <Text weight={check.passed ? 'regular' : 'semibold'}>{check.name}</Text>
          {check.reason !== '' && <Caption1 className={styles.reason}>{check.reason}</Caption1>}
        </li>
      ))}
    </ul>
  );
}
