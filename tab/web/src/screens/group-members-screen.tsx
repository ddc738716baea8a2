import {
  Body1,
  Breadcrumb,
  BreadcrumbButton,
  BreadcrumbDivider,
  BreadcrumbItem,
  Spinner,
} from '@fluentui/react-components';
import type { ClientHeader, GroupMembersPage } from '../api/types.js';
import { useApp } from '../app-context.js';
import { ErrorBar } from '../components/error-bar.js';
import { PageHeader } from '../components/page-header.js';
import { Pager, useCursorPages } from '../components/pager.js';
import { UsersTable } from '../components/users-table.js';
import { formatNumber } from '../format.js';
import { useResource } from '../hooks/use-resource.js';
import { hrefOf } from '../routing/hash-route.js';

const PAGE_SIZE = 50;

/** Rule 7 "View users": a group's users through any depth of nesting, with their states. */
export function GroupMembersScreen({
  client,
  groupId,
}: {
  readonly client: ClientHeader;
  readonly groupId: string;
}) {
  const { api } = useApp();
  const pages = useCursorPages(groupId);
  const base = `/clients/${encodeURIComponent(client.name)}/groups/${encodeURIComponent(groupId)}`;
  const members = useResource(
    () => api.get<GroupMembersPage>(`${base}/members`, { limit: PAGE_SIZE, cursor: pages.cursor }),
    `${base}:${pages.cursor ?? ''}`,
  );
  const group = members.data?.group;
  return (
    <div>
      <Breadcrumb aria-label="Group location" size="small">
        <BreadcrumbItem>
          <BreadcrumbButton href={hrefOf('c', client.name, 'groups')}>Groups</BreadcrumbButton>
        </BreadcrumbItem>
        <BreadcrumbDivider />
        <BreadcrumbItem>
          <BreadcrumbButton current>{group?.displayName ?? 'Group'}</BreadcrumbButton>
        </BreadcrumbItem>
      </Breadcrumb>
      <PageHeader
        title={group?.displayName ?? 'Group members'}
        description={
          group === undefined
            ? undefined
            : `${formatNumber(group.counts.transitiveUsers)} users, ${formatNumber(group.counts.directUsers)} of them direct members.${group.excluded === null ? '' : ' This group is excluded: its members are not collected.'}`
        }
      />
      <ErrorBar error={members.error} />
      {members.data === undefined ? (
        members.loading && <Spinner label="Loading members…" />
      ) : members.data.items.length === 0 ? (
        <Body1>This group has no user members.</Body1>
      ) : (
        <>
          <UsersTable
            users={members.data.items}
            label={`Users of ${group?.displayName ?? 'the group'}`}
            columns={['membership', 'department', 'state', 'activity', 'billable']}
          />
          <Pager
            label="Members"
            pageIndex={pages.pageIndex}
            pageSize={PAGE_SIZE}
            shown={members.data.items.length}
            total={group?.counts.transitiveUsers ?? null}
            hasNext={members.data.nextCursor !== null}
            onPrevious={pages.previous}
            onNext={() => {
              const next = members.data?.nextCursor;
              if (next !== undefined && next !== null) pages.next(next);
            }}
          />
        </>
      )}
    </div>
  );
}
