import {
  Badge,
  Body1,
  Button,
  Caption1,
  Dropdown,
  Field,
  Link,
  Option,
  SearchBox,
  Spinner,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableCellLayout,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Tooltip,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { PeopleTeamRegular, ProhibitedRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import type { ClientHeader, GroupPage, GroupView } from '../api/types.js';
import { notReadYetWords } from '../../../../src/contracts/sync-words.js';
import { canOperate, useApp } from '../app-context.js';
import { ErrorBar } from '../components/error-bar.js';
import { ExcludeGroupDialog } from '../components/exclude-group-dialog.js';
import { PageHeader } from '../components/page-header.js';
import { formatDate, formatNumber, plural } from '../format.js';
import { useDebounced, useResource } from '../hooks/use-resource.js';
import { hrefOf } from '../routing/hash-route.js';
import { EndAlignedHeaderCell } from '../components/end-aligned-header-cell.js';

const PAGE_SIZE = 50;

const useStyles = makeStyles({
  bar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    gap: tokens.spacingHorizontalM,
    marginBottom: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalM,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
  },
  search: { minWidth: '260px', maxWidth: '380px', flexGrow: 1 },
  table: { backgroundColor: tokens.colorNeutralBackground1, borderRadius: tokens.borderRadiusMedium },
  numeric: { textAlign: 'right', fontVariantNumeric: 'tabular-nums' },
  badges: { display: 'flex', gap: tokens.spacingHorizontalXS, flexWrap: 'wrap' },
  actions: {
    display: 'flex',
    gap: tokens.spacingHorizontalS,
    justifyContent: 'flex-end',
    alignItems: 'center',
  },
  muted: { color: tokens.colorNeutralForeground3 },
  pager: {
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'center',
    marginTop: tokens.spacingVerticalM,
  },
  stale: { opacity: 0.6 },
});

const kindLabel: Record<GroupView['kind'], string> = {
  security: 'Security',
  microsoft365: 'Microsoft 365',
  distribution: 'Distribution',
  mail_enabled_security: 'Mail-enabled security',
};

type Show = 'all' | 'excluded' | 'reporting';

/**
 * Groups of one client (rules 6, 7): search, member counts (direct and through nesting), exclusion through a
 * preview, import for reporting, and the way to each group's users.
 */
export function GroupsScreen({ client }: { readonly client: ClientHeader }) {
  const styles = useStyles();
  const { api, me, notify } = useApp();
  const [search, setSearch] = useState('');
  const [show, setShow] = useState<Show>('all');
  const [offset, setOffset] = useState(0);
  const settled = useDebounced(search, 250);
  const base = `/clients/${encodeURIComponent(client.name)}`;
  const groups = useResource(
    () =>
      api.get<GroupPage>(`${base}/groups`, {
        search: settled,
        excluded: show === 'excluded' ? true : undefined,
        reporting: show === 'reporting' ? true : undefined,
        limit: PAGE_SIZE,
        offset,
      }),
    `${base}:groups:${settled}:${show}:${offset}`,
  );
  const [excluding, setExcluding] = useState<GroupView | undefined>();
  const [busyGroup, setBusyGroup] = useState<string | undefined>();
  const mayOperate = canOperate(me, client.id);

  const setReporting = (group: GroupView, enabled: boolean): void => {
    setBusyGroup(group.id);
    api
      .put<GroupView>(`${base}/groups/${encodeURIComponent(group.id)}/reporting`, { enabled })
      .then(
        () => {
          notify(
            'success',
            enabled
              ? `${group.displayName ?? 'Group'} can now filter reports`
              : `${group.displayName ?? 'Group'} removed from report filters`,
          );
          groups.reload();
        },
        (error: unknown) => {
          notify(
            'error',
            'Could not change reporting',
            error instanceof Error ? error.message : String(error),
          );
        },
      )
      .finally(() => {
        setBusyGroup(undefined);
      });
  };

  const items = groups.data?.items ?? [];
  const total = groups.data?.total ?? 0;
  return (
    <div>
      <PageHeader
        title="Groups"
        description="Exclude groups whose members should never be collected or billed, and choose the groups that filter reports."
      />
      <div className={styles.bar} role="search" aria-label="Filter groups">
        <Field label="Search" className={styles.search}>
          <SearchBox
            placeholder="Group name or e-mail"
            value={search}
            onChange={(_event, data) => {
              setSearch(data.value);
              setOffset(0);
            }}
          />
        </Field>
        <Field label="Show">
          <Dropdown
            value={show === 'all' ? 'All groups' : show === 'excluded' ? 'Excluded groups' : 'Report filters'}
            selectedOptions={[show]}
            onOptionSelect={(_event, data) => {
              setShow((data.optionValue ?? 'all') as Show);
              setOffset(0);
            }}
          >
            <Option value="all">All groups</Option>
            <Option value="excluded">Excluded groups</Option>
            <Option value="reporting">Report filters</Option>
          </Dropdown>
        </Field>
      </div>
      <ErrorBar error={groups.error} />
      {groups.data === undefined ? (
        groups.loading && <Spinner label="Loading groups…" />
      ) : items.length === 0 ? (
        <Body1>{notReadYetWords(client.integration, 'group', 'under Setup') ?? 'No group matches.'}</Body1>
      ) : (
        <div className={groups.loading ? styles.stale : undefined} aria-busy={groups.loading}>
          <Table className={styles.table} aria-label={`Groups of ${client.displayName}`} size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell style={{ width: '32%' }}>Group</TableHeaderCell>
                <TableHeaderCell>Type</TableHeaderCell>
                <EndAlignedHeaderCell>Direct members</EndAlignedHeaderCell>
                <EndAlignedHeaderCell>All users (nested)</EndAlignedHeaderCell>
                <TableHeaderCell style={{ width: '9%' }}>Report filter</TableHeaderCell>
                <EndAlignedHeaderCell style={{ width: '20%' }}>Actions</EndAlignedHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.map((group) => {
                const name = group.displayName ?? group.id;
                return (
                  <TableRow key={group.id} data-group-id={group.id}>
                    <TableCell>
                      <TableCellLayout description={group.description ?? group.mail ?? null}>
                        <Text weight="semibold">{name}</Text>
                      </TableCellLayout>
                    </TableCell>
                    <TableCell>
                      <div className={styles.badges}>
                        <Badge appearance="outline" color="informative" size="small">
                          {kindLabel[group.kind]}
                        </Badge>
                        {/* With the type, not before the name: names stay in one column. */}
                        {group.isTeam && (
                          <Badge
                            appearance="outline"
                            color="brand"
                            size="small"
                            icon={<PeopleTeamRegular />}
                            title="This group has a team in Microsoft Teams"
                          >
                            Team
                          </Badge>
                        )}
                        {group.dynamic && (
                          <Badge appearance="outline" color="informative" size="small">
                            Dynamic
                          </Badge>
                        )}
                        {group.excluded !== null && (
                          <Tooltip
                            content={`Excluded on ${formatDate(group.excluded.at)}${group.excluded.by === null ? '' : ` by ${group.excluded.by}`}. This cannot be undone.`}
                            relationship="description"
                          >
                            <Badge appearance="filled" color="danger" size="small" tabIndex={0}>
                              Excluded
                            </Badge>
                          </Tooltip>
                        )}
                      </div>
                    </TableCell>
                    <TableCell className={styles.numeric}>
                      {formatNumber(group.counts.directUsers)}
                      {group.counts.directGroups > 0 && (
                        <Caption1 className={styles.muted}>
                          {' '}
                          + {plural(group.counts.directGroups, 'group')}
                        </Caption1>
                      )}
                    </TableCell>
                    <TableCell className={styles.numeric}>
                      {formatNumber(group.counts.transitiveUsers)}
                    </TableCell>
                    <TableCell>
                      <Switch
                        checked={group.reportingEnabled}
                        disabled={!mayOperate || busyGroup === group.id}
                        onChange={(_event, data) => {
                          setReporting(group, data.checked);
                        }}
                        aria-label={`Use ${name} as a report filter`}
                      />
                    </TableCell>
                    <TableCell>
                      <div className={styles.actions}>
                        <Link
                          href={hrefOf('c', client.name, 'groups', group.id)}
                          aria-label={`View users of ${name}`}
                        >
                          View users
                        </Link>
                        {mayOperate && group.excluded === null && (
                          <Button
                            size="small"
                            icon={<ProhibitedRegular />}
                            onClick={() => {
                              setExcluding(group);
                            }}
                            aria-label={`Exclude ${name}`}
                          >
                            Exclude…
                          </Button>
                        )}
                      </div>
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </div>
      )}
      {groups.data !== undefined && items.length > 0 && (
        <nav className={styles.pager} aria-label="Groups pages">
          <Caption1 role="status">
            {formatNumber(offset + 1)}–{formatNumber(offset + items.length)} of {formatNumber(total)}
          </Caption1>
          <div style={{ display: 'flex', gap: 8 }}>
            <Button
              disabled={offset === 0}
              onClick={() => {
                setOffset(Math.max(0, offset - PAGE_SIZE));
              }}
            >
              Previous
            </Button>
            <Button
              disabled={offset + items.length >= total}
              onClick={() => {
                setOffset(offset + PAGE_SIZE);
              }}
            >
              Next
            </Button>
          </div>
        </nav>
      )}
      {excluding !== undefined && (
        <ExcludeGroupDialog
          clientRef={client.name}
          group={excluding}
          onClose={(changed) => {
            setExcluding(undefined);
            if (changed) groups.reload();
          }}
        />
      )}
    </div>
  );
}
