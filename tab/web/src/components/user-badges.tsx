import { Badge, Tooltip, makeStyles, tokens } from '@fluentui/react-components';

/**
 * A state pill that grows around its words: Fluent's badge has a fixed height, so a long state ("Disabled · excluded
 * group") in a narrow column wrapped and the pill's border ran through the text.
 */
const usePillStyles = makeStyles({
  pill: {
    height: 'auto',
    minHeight: '20px',
    whiteSpace: 'normal',
    textAlign: 'center',
    paddingTop: tokens.spacingVerticalXXS,
    paddingBottom: tokens.spacingVerticalXXS,
    lineHeight: tokens.lineHeightBase200,
  },
});
import type { UserView } from '../api/types.js';

const reasonText: Record<string, string> = {
  manual: 'by an admin',
  excluded_group: 'excluded group',
  deleted_in_entra: 'deleted in Entra',
};

/** The collection state in words: Imported, Not imported, Disabled (why). */
export function CollectionBadge({ user }: { readonly user: UserView }) {
  const styles = usePillStyles();
  if (user.state === 'imported') {
    return user.expired ? (
      <Badge appearance="tint" color="warning" className={styles.pill}>
        Imported · expired
      </Badge>
    ) : (
      <Badge appearance="tint" color="success" className={styles.pill}>
        Imported
      </Badge>
    );
  }
  if (user.state === 'disabled') {
    return (
      <Badge appearance="tint" color="danger" className={styles.pill}>
        Disabled
        {user.disableReason === null ? '' : ` · ${reasonText[user.disableReason] ?? user.disableReason}`}
      </Badge>
    );
  }
  return (
    <Badge appearance="tint" color="informative" className={styles.pill}>
      Not imported
    </Badge>
  );
}

/**
 * Guest, external member, synchronised from Active Directory, account disabled in Entra, soft-deleted: the facts
 * that explain why a user is treated differently (or, for an external member, why it is billed although it comes
 * from another organisation).
 */
export function UserFlags({ user }: { readonly user: UserView }) {
  return (
    <>
      {user.guest && (
        <Badge appearance="outline" color="informative" size="small">
          Guest
        </Badge>
      )}
      {user.externalMember && (
        <Tooltip
          content="An account from another organisation (#EXT#) that Entra classifies as a member: billable like one. Exclude its group to stop that."
          relationship="description"
        >
          <Badge appearance="outline" color="important" size="small">
            External member
          </Badge>
        </Tooltip>
      )}
      {user.onPremisesSynced && (
        <Tooltip
          content="Synchronised from the client's on-premises Active Directory: its account is managed there, so block its sign-in there."
          relationship="description"
        >
          <Badge appearance="outline" color="informative" size="small">
            On-premises AD
          </Badge>
        </Tooltip>
      )}
      {!user.accountEnabled && (
        <Tooltip
          content="The account is disabled in Entra ID, so it is never billable."
          relationship="description"
        >
          {/* Not color "subtle": outlined, that is white text on no fill, unseen on a white table. */}
          <Badge appearance="outline" color="warning" size="small">
            Sign-in blocked
          </Badge>
        </Tooltip>
      )}
      {user.entraState !== 'active' && (
        <Badge appearance="outline" color="danger" size="small">
          {user.entraState === 'soft_deleted' ? 'Deleted (restorable)' : 'Deleted'}
        </Badge>
      )}
    </>
  );
}
