import {
  Caption1,
  Table,
  TableBody,
  TableCell,
  TableCellLayout,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { CheckmarkRegular } from '@fluentui/react-icons';
import type { ReactNode } from 'react';
import type { GroupMember, MonthlyAmount, UserView } from '../api/types.js';
import { expiryWords } from '../../../../src/contracts/expiry-words.js';
import { formatDate, formatDaysFromToday } from '../format.js';
import { CollectionBadge, UserFlags } from './user-badges.js';
import { EndAlignedHeaderCell } from './end-aligned-header-cell.js';

const useStyles = makeStyles({
  table: { backgroundColor: tokens.colorNeutralBackground1, borderRadius: tokens.borderRadiusMedium },
  flags: { display: 'flex', gap: tokens.spacingHorizontalXS, flexWrap: 'wrap', alignItems: 'center' },
  muted: { color: tokens.colorNeutralForeground3 },
  // A guest's UPN (`ann_fabrikam.com#EXT#@contoso.onmicrosoft.com`) is longer than the column: cut with an ellipsis,
  // the whole of it on hover.
  principal: { display: 'block', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  explanation: { color: tokens.colorNeutralForeground3, display: 'block', maxWidth: '320px' },
  yes: {
    color: tokens.colorStatusSuccessForeground1,
    display: 'inline-flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXXS,
  },
  no: { color: tokens.colorNeutralForeground3 },
  // One above the other (Disable, then Offboard…): the rows are several lines tall anyway, the column stays narrow.
  actions: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'flex-end',
    gap: tokens.spacingVerticalXS,
    whiteSpace: 'nowrap',
  },
  hidden: {
    position: 'absolute',
    width: '1px',
    height: '1px',
    overflow: 'hidden',
    clipPath: 'inset(50%)',
    whiteSpace: 'nowrap',
  },
});

export type UserColumn =
  'department' | 'state' | 'activity' | 'expiry' | 'billable' | 'membership' | 'eligibility';

/** Users as rows: who, where, their collection state, activity and expiry in words, and per-row actions. */
export function UsersTable(props: {
  /** Users, or a group's members (which say whether they are direct members). */
  readonly users: readonly (UserView | GroupMember)[];
  readonly label: string;
  readonly columns: readonly UserColumn[];
  readonly actions?: ((user: UserView) => ReactNode) | undefined;
  /**
   * The monthly cost of each user's licences at the partner's prices (only users holding a priced licence): the
   * column shows only when some user on the page has one — no price set, no cost shown.
   */
  readonly licenceCosts?: Readonly<Record<string, MonthlyAmount>> | undefined;
}) {
  const styles = useStyles();
  const has = (column: UserColumn): boolean => props.columns.includes(column);
  const costs = props.licenceCosts ?? {};
  const showCosts = Object.keys(costs).length > 0;
  return (
    <Table className={styles.table} aria-label={props.label} size="small">
      <TableHeader>
        <TableRow>
          <TableHeaderCell style={{ width: props.columns.length > 3 ? '22%' : '45%' }}>User</TableHeaderCell>
          {has('department') && <TableHeaderCell style={{ width: '13%' }}>Department</TableHeaderCell>}
          {has('membership') && <TableHeaderCell>Membership</TableHeaderCell>}
          {has('state') && <TableHeaderCell style={{ width: '13%' }}>State</TableHeaderCell>}
          {has('eligibility') && <TableHeaderCell>Can be imported</TableHeaderCell>}
          {has('activity') && <TableHeaderCell style={{ width: '12%' }}>Last activity</TableHeaderCell>}
          {has('expiry') && <TableHeaderCell style={{ width: '22%' }}>Expiry</TableHeaderCell>}
          {has('billable') && <TableHeaderCell style={{ width: '6%' }}>Billable</TableHeaderCell>}
          {showCosts && <TableHeaderCell style={{ width: '9%' }}>Licences / month</TableHeaderCell>}
          {props.actions !== undefined && (
            <EndAlignedHeaderCell style={{ width: '140px' }}>
              <span className={styles.hidden}>Actions</span>
            </EndAlignedHeaderCell>
          )}
        </TableRow>
      </TableHeader>
      <TableBody>
        {props.users.map((user) => (
          <TableRow key={user.id} data-user-id={user.id}>
            <TableCell>
              <TableCellLayout
                truncate
                description={
                  <span className={styles.principal} title={principalOf(user)}>
                    {principalOf(user)}
                  </span>
                }
              >
                <Text weight="semibold">{user.displayName ?? '(no name)'}</Text>
              </TableCellLayout>
            </TableCell>
            {has('department') && (
              <TableCell>
                <TableCellLayout description={user.jobTitle ?? null}>
                  {user.department ?? '—'}
                </TableCellLayout>
              </TableCell>
            )}
            {has('membership') && (
              <TableCell>
                <Caption1>
                  {'direct' in user && user.direct ? 'Direct member' : 'Through a nested group'}
                </Caption1>
              </TableCell>
            )}
            {has('state') && (
              <TableCell>
                <div className={styles.flags}>
                  <CollectionBadge user={user} />
                  <UserFlags user={user} />
                </div>
              </TableCell>
            )}
            {has('eligibility') && (
              <TableCell>
                {user.eligibility.eligible ? (
                  <Caption1 className={styles.yes}>Yes</Caption1>
                ) : (
                  <Caption1 className={styles.explanation}>No — {user.eligibility.explanation}</Caption1>
                )}
              </TableCell>
            )}
            {has('activity') && (
              <TableCell>
                {user.lastActivity === null ? (
                  <Caption1 className={styles.muted}>No activity seen</Caption1>
                ) : (
                  <TableCellLayout description={user.lastActivity.app ?? null}>
                    {formatDate(user.lastActivity.at)}
                  </TableCellLayout>
                )}
              </TableCell>
            )}
            {has('expiry') && (
              <TableCell>
                <TableCellLayout
                  description={<span className={styles.explanation}>{user.expiry.explanation}</span>}
                >
                  {expiryHeadline(user)}
                </TableCellLayout>
              </TableCell>
            )}
            {has('billable') && (
              <TableCell>
                {user.billable && user.expiry.status === 'reading_activity' ? (
                  // Counted for now, but not final until the tenant's activity has been read.
                  <span
                    className={styles.no}
                    title="Reading activity…: not final until the tenant's activity is read"
                  >
                    Pending
                  </span>
                ) : user.billable ? (
                  <span className={styles.yes}>
                    <CheckmarkRegular aria-hidden /> Yes
                  </span>
                ) : (
                  <span className={styles.no}>No</span>
                )}
              </TableCell>
            )}
            {showCosts && (
              <TableCell>
                {costs[user.id] === undefined ? (
                  <Caption1 className={styles.muted}>—</Caption1>
                ) : (
                  `${costs[user.id]?.amount ?? ''} ${costs[user.id]?.currency ?? ''}`
                )}
              </TableCell>
            )}
            {props.actions !== undefined && (
              <TableCell>
                <div className={styles.actions}>{props.actions(user)}</div>
              </TableCell>
            )}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** How a user is told apart from others of the same name: their UPN, else their mail, else their object id. */
function principalOf(user: UserView | GroupMember): string {
  return user.userPrincipalName ?? user.mail ?? user.id;
}

/**
 * The Expiry column's first line, in the words an admin looks for — when the user expires (or did), or why they do
 * not — above rule 8's explanation from the core.
 */
function expiryHeadline(user: UserView | GroupMember): string {
  const words = expiryWords(user, formatDate);
  const headline = `${words.charAt(0).toUpperCase()}${words.slice(1)}`;
  return user.expiry.status !== 'expired' && user.expiry.expiresAt !== null
    ? `${headline}, ${formatDaysFromToday(user.expiry.expiresAt)}`
    : headline;
}
