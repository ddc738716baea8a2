import { Body1, Button, Spinner, Tooltip, makeStyles, tokens } from '@fluentui/react-components';
import { PersonAddRegular } from '@fluentui/react-icons';
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
import { plural } from '../format.js';

const PAGE_SIZE = 50;

const useStyles = makeStyles({
  loading: { marginTop: tokens.spacingVerticalXL },
  stale: { opacity: 0.6 },
  summary: { display: 'block', marginBottom: tokens.spacingVerticalS },
});

/** Rule 4: the directory users not imported yet, and whether each can be imported — with the reason when not. */
export function EntraUsersScreen({ client }: { readonly client: ClientHeader }) {
  const styles = useStyles();
  const { api, me, notify } = useApp();
  const [filters, setFilters] = useState<UserFilterValues>(noUserFilters);
  const settled = useDebounced(filters, 250);
  const filterKey = JSON.stringify(settled);
  const pages = useCursorPages(filterKey);
  const base = `/clients/${encodeURIComponent(client.name)}`;
  const users = useResource(
    () =>
      api.get<UserPage>(`${base}/entra-users`, {
        ...filterQuery(settled),
        limit: PAGE_SIZE,
        cursor: pages.cursor,
        withTotal: pages.pageIndex === 0 ? undefined : false,
      }),
    `${base}:entra:${filterKey}:${pages.cursor ?? ''}`,
  );
  const total = useRememberedTotal(filterKey, users.data?.total);
  // How many of them may be imported at all (rule 3), whatever the filters: after the initial import, usually none.
  const importable = useResource(
    () => api.get<UserPage>(`${base}/entra-users`, { eligible: true, limit: 1 }),
    `${base}:entra:importable`,
  );
  const [busyUser, setBusyUser] = useState<string | undefined>();
  const mayOperate = canOperate(me, client.id);

  const importUser = (user: UserView): void => {
    setBusyUser(user.id);
    api
      .post<UserView>(`${base}/users/${encodeURIComponent(user.id)}/import`, {})
      .then(
        () => {
          notify(
            'success',
            `${user.displayName ?? 'User'} imported`,
            'Their activity is collected from now on.',
          );
          users.reload();
          importable.reload();
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
        title="Entra ID users"
        description="Directory users whose activity is not collected yet. Guests and members of excluded groups cannot be imported."
      />
      <UserFilters
        clientRef={client.name}
        value={filters}
        onChange={setFilters}
        showState={false}
        showExpired={false}
        showEligible
      />
      <ErrorBar error={users.error} />
      {importable.data?.total !== undefined &&
        importable.data.total !== null &&
        users.data?.items.length !== 0 && (
          <Body1 className={styles.summary} data-testid="importable-summary">
            {importable.data.total === 0
              ? 'Nobody here can be imported: everyone eligible is imported already, and the others are guests, members of excluded groups or deleted in Entra.'
              : `${plural(importable.data.total, 'user')} here can be imported: tick “Can be imported only” to list just them.`}
          </Body1>
        )}
      {users.data === undefined ? (
        users.loading && <Spinner className={styles.loading} label="Loading users…" />
      ) : users.data.items.length === 0 ? (
        <Body1>
          {filtersSet(filters)
            ? 'No user matches these filters.'
            : (notReadYetWords(client.integration, 'user', 'under Setup') ??
              'Every eligible user is imported already.')}
        </Body1>
      ) : (
        <div className={users.loading ? styles.stale : undefined} aria-busy={users.loading}>
          <UsersTable
            users={users.data.items}
            label={`Entra ID users of ${client.displayName} not imported`}
            columns={['department', 'eligibility', 'activity']}
            actions={
              mayOperate
                ? (user) => {
                    const name = user.displayName ?? user.userPrincipalName ?? 'user';
                    const button = (
                      <Button
                        size="small"
                        icon={<PersonAddRegular />}
                        disabledFocusable={!user.eligibility.eligible || busyUser === user.id}
                        onClick={() => {
                          importUser(user);
                        }}
                        aria-label={`Import ${name}`}
                      >
                        Import
                      </Button>
                    );
                    return user.eligibility.eligible ? (
                      button
                    ) : (
                      <Tooltip
                        content={`Cannot import: ${user.eligibility.explanation}`}
                        relationship="description"
                      >
                        {button}
                      </Tooltip>
                    );
                  }
                : undefined
            }
          />
        </div>
      )}
      {users.data !== undefined && (
        <Pager
          label="Entra ID users"
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
    </div>
  );
}

/** Whether any filter narrows the list beyond "can be imported" (which only hides those who cannot). */
function filtersSet(filters: UserFilterValues): boolean {
  return Object.values(filterQuery({ ...filters, eligible: false })).some((value) => value !== undefined);
}
