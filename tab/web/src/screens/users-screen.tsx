import {
  Body1,
  Button,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Spinner,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import {
  ArrowDownloadRegular,
  PersonArrowRightRegular,
  PersonProhibitedRegular,
  PersonAddRegular,
} from '@fluentui/react-icons';
import { useState } from 'react';
import type { ClientHeader, UserPage, UserView } from '../api/types.js';
import { notReadYetWords } from '../../../../src/contracts/sync-words.js';
import { canOperate, useApp } from '../app-context.js';
import { ErrorBar } from '../components/error-bar.js';
import { PageHeader } from '../components/page-header.js';
import { Pager, useCursorPages, useRememberedTotal } from '../components/pager.js';
import {
  UserFilters,
  filterQuery,
  noUserFilters,
  type UserFilterValues,
} from '../components/user-filters.js';
import { UsersTable } from '../components/users-table.js';
import { useDebounced, useResource } from '../hooks/use-resource.js';
import { useMutation } from '../hooks/use-mutation.js';
import { useReturnFocus } from '../hooks/use-return-focus.js';
import { useHashRoute } from '../routing/hash-route.js';
import { OffboardDialog } from './offboard-dialog.js';

const PAGE_SIZE = 50;

const useStyles = makeStyles({
  loading: { marginTop: tokens.spacingVerticalXL },
  stale: { opacity: 0.6, transition: 'opacity 120ms' },
});

/**
 * Users of one client (rules 5, 8, 9): server-side search, filters and keyset paging over any number of users;
 * disable a user (or import a manually disabled one again), each with its expiry explained in words.
 */
export function UsersScreen({ client }: { readonly client: ClientHeader }) {
  const styles = useStyles();
  const { api, me, notify } = useApp();
  const route = useHashRoute();
  // A deep link (or a link inside the tab) can open the list filtered: `…/users?expired=1`, `…/users?expiring=1`,
  // `…/users?blocked=1`.
  const [filters, setFilters] = useState<UserFilterValues>(() => ({
    ...noUserFilters,
    ...(route.query.get('expired') === '1' ? { expired: true } : {}),
    ...(route.query.get('expiring') === '1' ? { expiringSoon: true } : {}),
    ...(route.query.get('blocked') === '1' ? { signInBlocked: true } : {}),
    // …or searched (`…/users?search=adele.cho@contoso.com`, from the cross-client search).
    ...(route.query.get('search') === null ? {} : { search: route.query.get('search') ?? '' }),
  }));
  const settled = useDebounced(filters, 250);
  const filterKey = JSON.stringify(settled);
  const pages = useCursorPages(filterKey);
  const base = `/clients/${encodeURIComponent(client.name)}`;
  const users = useResource(
    () =>
      api.get<UserPage>(`${base}/users`, {
        ...filterQuery(settled),
        limit: PAGE_SIZE,
        cursor: pages.cursor,
        withTotal: pages.pageIndex === 0 ? undefined : false,
      }),
    `${base}:${filterKey}:${pages.cursor ?? ''}`,
  );
  const total = useRememberedTotal(filterKey, users.data?.total);
  const [disabling, setDisabling] = useState<UserView | undefined>();
  const [offboarding, setOffboarding] = useState<UserView | undefined>();
  const [busyUser, setBusyUser] = useState<string | undefined>();
  const mayOperate = canOperate(me, client.id);

  const importAgain = (user: UserView): void => {
    setBusyUser(user.id);
    api
      .post<UserView>(`${base}/users/${encodeURIComponent(user.id)}/import`, {})
      .then(
        () => {
          notify('success', `${user.displayName ?? 'User'} imported`, 'Their activity is collected again.');
          users.reload();
        },
        (error: unknown) => {
          notify('error', 'Could not import', error instanceof Error ? error.message : String(error));
        },
      )
      .finally(() => {
        setBusyUser(undefined);
      });
  };

  return (
    <div>
      <PageHeader
        title="Users"
        description="Everyone in the client's directory with their collection state. Disabled users are not collected and not billed."
        actions={
          <Button
            icon={<ArrowDownloadRegular />}
            onClick={() => {
              api.download(`${base}/users.csv`, filterQuery(settled)).catch((error: unknown) => {
                notify('error', 'Download failed', error instanceof Error ? error.message : String(error));
              });
            }}
          >
            Download CSV
          </Button>
        }
      />
      <ActivityNotice activityData={client.activityData} />
      <UserFilters clientRef={client.name} value={filters} onChange={setFilters} />
      <ErrorBar error={users.error} />
      {users.data === undefined ? (
        users.loading && <Spinner className={styles.loading} label="Loading users…" />
      ) : users.data.items.length === 0 ? (
        <Body1>
          {notReadYetWords(client.integration, 'user', 'under Setup') ?? 'No user matches these filters.'}
        </Body1>
      ) : (
        <div className={users.loading ? styles.stale : undefined} aria-busy={users.loading}>
          <UsersTable
            users={users.data.items}
            label={`Users of ${client.displayName}`}
            columns={['department', 'state', 'activity', 'expiry', 'billable']}
            licenceCosts={users.data.monthlyLicenceCosts}
            actions={
              mayOperate
                ? (user) => (
                    <>
                      {user.state === 'disabled' && user.disableReason === 'manual' ? (
                        <Button
                          size="small"
                          icon={<PersonAddRegular />}
                          disabled={busyUser === user.id}
                          onClick={() => {
                            importAgain(user);
                          }}
                          aria-label={`Import again: ${user.displayName ?? user.userPrincipalName ?? 'user'}`}
                        >
                          Import again
                        </Button>
                      ) : user.state !== 'imported' ? null : (
                        <Button
                          size="small"
                          icon={<PersonProhibitedRegular />}
                          onClick={() => {
                            setDisabling(user);
                          }}
                          aria-label={`Disable ${user.displayName ?? user.userPrincipalName ?? 'user'}`}
                        >
                          Disable
                        </Button>
                      )}
                      {/* A leaver: every step at once, shown first (block, sign out, licences, billing). */}
                      {user.entraState === 'active' && !user.guest && (
                        <Button
                          size="small"
                          appearance="subtle"
                          icon={<PersonArrowRightRegular />}
                          onClick={() => {
                            setOffboarding(user);
                          }}
                          aria-label={`Offboard… ${user.displayName ?? user.userPrincipalName ?? 'user'}`}
                        >
                          Offboard…
                        </Button>
                      )}
                    </>
                  )
                : undefined
            }
          />
        </div>
      )}
      {users.data !== undefined && (
        <Pager
          label="Users"
          pageIndex={pages.pageIndex}
          pageSize={PAGE_SIZE}
          shown={users.data.items.length}
          total={total}
          hasNext={users.data.nextCursor !== null}
          onPrevious={pages.previous}
          onNext={() => {
            const next = users.data?.nextCursor;
            if (next !== undefined && next !== null) pages.next(next);
          }}
        />
      )}
      {offboarding !== undefined && (
        <OffboardDialog
          clientRef={client.name}
          user={offboarding}
          onClose={(changed) => {
            setOffboarding(undefined);
            if (changed) users.reload();
          }}
        />
      )}
      {disabling !== undefined && (
        <DisableUserDialog
          clientRef={client.name}
          user={disabling}
          onClose={(changed) => {
            setDisabling(undefined);
            if (changed) users.reload();
          }}
        />
      )}
    </div>
  );
}

/**
 * Why expiry and billing are not final yet: the tenant's activity is still being read (nobody counts as expired
 * until it has been), or the tenant gives none (no Entra ID P1/P2: nobody expires).
 */
function ActivityNotice({ activityData }: { readonly activityData: ClientHeader['activityData'] }) {
  if (activityData === 'unknown') {
    return (
      <MessageBar intent="info" layout="multiline" data-testid="reading-activity">
        <MessageBarBody>
          <MessageBarTitle>Reading activity…</MessageBarTitle>
          The tenant's sign-in activity is being read. Until it has been, nobody is shown as expired and the
          billable count is not final.
        </MessageBarBody>
      </MessageBar>
    );
  }
  if (activityData === 'unavailable') {
    return (
      <MessageBar intent="warning" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>Activity unknown.</MessageBarTitle>
          This tenant has no Entra ID P1/P2, so sign-in activity cannot be read and nobody expires.
        </MessageBarBody>
      </MessageBar>
    );
  }
  return null;
}

function DisableUserDialog(props: {
  readonly clientRef: string;
  readonly user: UserView;
  readonly onClose: (changed: boolean) => void;
}) {
  useReturnFocus();
  const { api, notify } = useApp();
  const name = props.user.displayName ?? props.user.userPrincipalName ?? 'this user';
  const disable = useMutation(
    () =>
      api.post<UserView>(
        `/clients/${encodeURIComponent(props.clientRef)}/users/${encodeURIComponent(props.user.id)}/disable`,
        {},
      ),
    () => {
      notify('success', `${name} disabled`, 'Collection stopped; they are no longer billable.');
      props.onClose(true);
    },
  );
  const confirm = (): void => {
    disable.run();
  };
  return (
    <Dialog
      open
      modalType="alert"
      onOpenChange={(_event, data) => {
        if (!data.open) props.onClose(false);
      }}
    >
      <DialogSurface>
        <DialogBody>
          <DialogTitle>Disable {name}?</DialogTitle>
          <DialogContent>
            <ErrorBar error={disable.error} />
            <Body1 as="p">
              Their activity will no longer be collected and they will no longer be billed. They stay disabled
              through later syncs until an admin imports them again.
            </Body1>
          </DialogContent>
          <DialogActions>
            <Button
              appearance="secondary"
              onClick={() => {
                props.onClose(false);
              }}
            >
              Cancel
            </Button>
            <Button appearance="primary" onClick={confirm} disabled={disable.busy}>
              Disable user
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
