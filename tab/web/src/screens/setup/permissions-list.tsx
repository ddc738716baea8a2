import { Body1, Caption1, makeStyles, tokens } from '@fluentui/react-components';
import { PERMISSIONS_TO_GRANT } from '../../../../../src/contracts/values.js';

const useStyles = makeStyles({
  list: {
    margin: 0,
    paddingLeft: tokens.spacingHorizontalXL,
    display: 'grid',
    rowGap: tokens.spacingVerticalXXS,
  },
  name: { fontWeight: tokens.fontWeightSemibold },
  muted: { color: tokens.colorNeutralForeground3 },
});

/**
 * What the client's tenant grants the app, and why, before anyone connects: Microsoft Graph application permissions,
 * read only (https://learn.microsoft.com/en-us/graph/permissions-reference).
 */
export function PermissionsList() {
  const styles = useStyles();
  return (
    <section aria-labelledby="permissions-to-grant">
      <Body1 as="p" id="permissions-to-grant">
        The app reads only. It needs these Microsoft Graph application permissions:
      </Body1>
      <ul className={styles.list} data-testid="permissions-to-grant">
        {PERMISSIONS_TO_GRANT.map((permission) => (
          <li key={permission.name}>
            <Caption1 className={styles.name}>{permission.name}</Caption1>{' '}
            <Caption1 className={styles.muted}>— to {permission.reason}</Caption1>
          </li>
        ))}
      </ul>
    </section>
  );
}
