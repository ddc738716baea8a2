import {
  Badge,
  Body1,
  Button,
  Caption1,
  Field,
  Input,
  Link,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableCellLayout,
  TableHeader,
  TableHeaderCell,
  TableRow,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { SearchRegular } from '@fluentui/react-icons';
import { useState, type SyntheticEvent } from 'react';
import type {
  CrossClientSearchResult,
  SearchGroupAction,
  SearchGroupHit,
  SearchUserAction,
  SearchUserHit,
} from '../api/types.js';
import { useApp } from '../app-context.js';
import { ErrorBar } from '../components/error-bar.js';
import { PageHeader } from '../components/page-header.js';
import { plural } from '../format.js';
import { useResource } from '../hooks/use-resource.js';
import { hrefOf, useHashRoute } from '../routing/hash-route.js';

const useStyles = makeStyles({
  // A guest's UPN (`ann_fabrikam.com#EXT#@contoso.onmicrosoft.com`) has no space to wrap at: it ran into the next column.
  principal: { overflowWrap: 'anywhere' },
  form: {
    display: 'flex',
    alignItems: 'flex-end',
    gap: tokens.spacingHorizontalS,
    marginBottom: tokens.spacingVerticalL,
  },
  input: { minWidth: '320px' },
  section: { marginTop: tokens.spacingVerticalL, marginBottom: tokens.spacingVerticalS },
  table: { backgroundColor: tokens.colorNeutralBackground1, borderRadius: tokens.borderRadiusMedium },
  pills: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalXS },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalM },
  muted: { color: tokens.colorNeutralForeground3 },
});

/** Where each action on a found user is done in the tab: on its client's Users screen, found by its UPN. */
function userHref(hit: SearchUserHit): string {
  return `${hrefOf('c', hit.client.name, 'users')}?search=${encodeURIComponent(hit.userPrincipalName ?? hit.displayName ?? hit.id)}`;
}

const USER_ACTION_LABEL: Readonly<Record<SearchUserAction, string>> = {
  open: 'Open',
  import: 'Import',
  disable: 'Disable',
};

const GROUP_ACTION_LABEL: Readonly<Record<SearchGroupAction, string>> = {
  open: 'Open',
  members: 'View members',
  exclude: 'Exclude',
  'report-on': 'Use in reports',
  'report-off': 'Stop using in reports',
};

/**
 * Cross-client search: users and groups whose name, UPN or mail contains the text, in every client you may see,
 * with their state and what you may do (each action opens the user or group in its client, where it is done).
 */
export function SearchScreen() {
  const styles = useStyles();
  const { api } = useApp();
  const route = useHashRoute();
  const text = route.query.get('q') ?? '';
  const [draft, setDraft] = useState(text);
  const result = useResource(
    () =>
      text.trim() === '' ? Promise.resolve(undefined) : api.get<CrossClientSearchResult>('/search', { text }),
    `search:${text}`,
  );
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    window.location.hash = `#/search?q=${encodeURIComponent(draft.trim())}`;
  };
  const data = result.data;
  return (
    <div>
      <PageHeader
        title="Find a user or group"
        description="Searches the names, UPNs and mail addresses of users and groups in every client you may see."
      />
      <form className={styles.form} onSubmit={submit} role="search" aria-label="Find a user or group">
        <Field label="Name, UPN or mail" hint="At least 2 characters.">
          <Input
            className={styles.input}
            value={draft}
            autoFocus
            contentBefore={<SearchRegular aria-hidden />}
            onChange={(_event, value) => {
              setDraft(value.value);
            }}
          />
        </Field>
        <Button appearance="primary" type="submit" disabled={draft.trim() === ''}>
          Search
        </Button>
      </form>
      <ErrorBar error={result.error} title="Could not search" />
      {result.loading && data === undefined && text !== '' && <Spinner label="Searching…" />}
      {data !== undefined && (
        <div aria-live="polite">
          <Body1>
            {data.users.length === 0 && data.groups.length === 0
              ? `Nothing matches “${data.text}” in ${plural(data.clientsSearched, 'client')}.`
              : `${plural(data.users.length, 'user')} and ${plural(data.groups.length, 'group')} match “${data.text}” in ${plural(data.clientsSearched, 'client')}.`}
            {data.truncated && ' More matched than are shown: type more of the name to narrow it down.'}
          </Body1>
          {data.users.length > 0 && <UserHits hits={data.users} />}
          {data.groups.length > 0 && <GroupHits hits={data.groups} />}
        </div>
      )}
    </div>
  );
}

function UserHits({ hits }: { readonly hits: readonly SearchUserHit[] }) {
  const styles = useStyles();
  return (
    <>
      <h3 className={styles.section}>Users</h3>
      <Table className={styles.table} aria-label="Users found" size="medium">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>User</TableHeaderCell>
            <TableHeaderCell>Client</TableHeaderCell>
            <TableHeaderCell>State</TableHeaderCell>
            <TableHeaderCell>What you can do</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {hits.map((hit) => (
            <TableRow key={`${hit.client.id}/${hit.id}`} data-user={hit.userPrincipalName ?? hit.id}>
              <TableCell>
                <TableCellLayout
                  {...((hit.userPrincipalName ?? hit.mail) === null
                    ? {}
                    : {
                        description: {
                          className: styles.principal,
                          children: hit.userPrincipalName ?? hit.mail,
                        },
                      })}
                >
                  <Link href={userHref(hit)}>{hit.displayName ?? hit.userPrincipalName ?? hit.id}</Link>
                </TableCellLayout>
              </TableCell>
              <TableCell>
                <Link href={hrefOf('c', hit.client.name, 'users')}>{hit.client.displayName}</Link>
              </TableCell>
              <TableCell>
                <span className={styles.pills}>
                  {hit.states.map((state) => (
                    <Badge key={state} appearance="outline" color={stateColour(state)}>
                      {state}
                    </Badge>
                  ))}
                </span>
              </TableCell>
              <TableCell>
                <Actions
                  labels={hit.actions
                    .filter((action) => action !== 'open')
                    .map((action) => USER_ACTION_LABEL[action])}
                  href={userHref(hit)}
                  name={hit.displayName ?? hit.userPrincipalName ?? hit.id}
                />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}

function GroupHits({ hits }: { readonly hits: readonly SearchGroupHit[] }) {
  const styles = useStyles();
  return (
    <>
      <h3 className={styles.section}>Groups</h3>
      <Table className={styles.table} aria-label="Groups found" size="medium">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Group</TableHeaderCell>
            <TableHeaderCell>Client</TableHeaderCell>
            <TableHeaderCell>State</TableHeaderCell>
            <TableHeaderCell>What you can do</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {hits.map((hit) => {
            const href = hrefOf('c', hit.client.name, 'groups', hit.id);
            return (
              <TableRow key={`${hit.client.id}/${hit.id}`} data-group={hit.displayName ?? hit.id}>
                <TableCell>
                  <TableCellLayout description={hit.mail ?? null}>
                    <Link href={href}>{hit.displayName ?? hit.id}</Link>
                  </TableCellLayout>
                </TableCell>
                <TableCell>
                  <Link href={hrefOf('c', hit.client.name, 'groups')}>{hit.client.displayName}</Link>
                </TableCell>
                <TableCell>
                  <Badge appearance="outline" color={hit.state === 'active' ? 'success' : 'danger'}>
                    {hit.state}
                  </Badge>
                  {hit.reporting && <Caption1 className={styles.muted}> · used in reports</Caption1>}
                </TableCell>
                <TableCell>
                  <Actions
                    labels={hit.actions
                      .filter((action) => action !== 'open' && action !== 'members')
                      .map((action) => GROUP_ACTION_LABEL[action])}
                    href={hrefOf('c', hit.client.name, 'groups')}
                    name={hit.displayName ?? hit.id}
                  />
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </>
  );
}

/** The actions allowed on a row, each a link to where it is done (with its confirmation); "View only" without. */
function Actions(props: {
  readonly labels: readonly string[];
  readonly href: string;
  readonly name: string;
}) {
  const styles = useStyles();
  if (props.labels.length === 0) return <Caption1 className={styles.muted}>View only</Caption1>;
  return (
    <span className={styles.actions}>
      {props.labels.map((label) => (
        <Link key={label} href={props.href} aria-label={`${label} ${props.name}`}>
          {label}
        </Link>
      ))}
    </span>
  );
}

function stateColour(state: string): 'success' | 'danger' | 'warning' | 'informative' {
  if (state === 'collected') return 'success';
  if (state === 'expired' || state === 'sign-in blocked') return 'warning';
  if (state === 'excluded' || state === 'deleted in Entra' || state === 'disabled by an admin')
    return 'danger';
  return 'informative';
}
