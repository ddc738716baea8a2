import {
  Badge,
  Breadcrumb,
  BreadcrumbButton,
  BreadcrumbDivider,
  BreadcrumbItem,
  Caption1,
  Spinner,
  Tab,
  TabList,
  Title2,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import type { ClientHeader } from '../api/types.js';
import { useApp } from '../app-context.js';
import { ErrorBar } from '../components/error-bar.js';
import { useResource } from '../hooks/use-resource.js';
import { hrefOf, navigate } from '../routing/hash-route.js';
import { AuditScreen } from '../screens/audit-screen.js';
import { EntraUsersScreen } from '../screens/entra-users-screen.js';
import { GroupMembersScreen } from '../screens/group-members-screen.js';
import { GroupsScreen } from '../screens/groups-screen.js';
import { LicencesScreen } from '../screens/licences-screen.js';
import { NotificationsScreen } from '../screens/notifications/notifications-screen.js';
import { ReportsScreen } from '../screens/reports/reports-screen.js';
import { SetupScreen } from '../screens/setup/setup-screen.js';
import { UsersScreen } from '../screens/users-screen.js';
import { SyncStatusBar } from './sync-status-bar.js';

const sections = [
  { key: 'users', label: 'Users' },
  { key: 'entra-users', label: 'Entra ID users' },
  { key: 'groups', label: 'Groups' },
  { key: 'reports', label: 'Reports' },
  { key: 'licences', label: 'Licences' },
  { key: 'notifications', label: 'Notifications' },
  { key: 'setup', label: 'Setup' },
  { key: 'audit', label: 'Audit log' },
] as const;

const useStyles = makeStyles({
  head: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    marginBottom: tokens.spacingVerticalM,
  },
  titleRow: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  org: { color: tokens.colorNeutralForeground3 },
  tabs: {
    marginBottom: tokens.spacingVerticalL,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
});

/** One client: its name and connection, the live sync bar, and its sections as tabs. */
export function ClientWorkspace(props: {
  readonly clientRef: string;
  readonly section: string;
  readonly rest: readonly string[];
}) {
  const styles = useStyles();
  const { api, boundClientId } = useApp();
  const client = useResource(
    () => api.get<ClientHeader>(`/clients/${encodeURIComponent(props.clientRef)}`),
    `client:${props.clientRef}`,
  );

  if (client.error !== undefined) return <ErrorBar error={client.error} />;
  if (client.data === undefined) return <Spinner label="Loading client…" />;
  const status = client.data;
  const ref = status.name;
  const section = sections.some((candidate) => candidate.key === props.section) ? props.section : 'users';

  return (
    <div>
      <div className={styles.head}>
        {boundClientId === undefined && (
          <Breadcrumb aria-label="Location">
            <BreadcrumbItem>
              <BreadcrumbButton href={hrefOf('clients')}>Clients</BreadcrumbButton>
            </BreadcrumbItem>
            <BreadcrumbDivider />
            <BreadcrumbItem>
              <BreadcrumbButton current>{status.displayName}</BreadcrumbButton>
            </BreadcrumbItem>
          </Breadcrumb>
        )}
        <div className={styles.titleRow}>
          <Title2 as="h1">{status.displayName}</Title2>
          <ConnectionBadge status={status} />
          {status.organizationName !== null && (
            <Caption1 className={styles.org}>Entra tenant: {status.organizationName}</Caption1>
          )}
        </div>
        <SyncStatusBar
          clientRef={ref}
          connected={status.integration !== 'not connected'}
          onFinished={client.reload}
        />
      </div>
      <TabList
        className={styles.tabs}
        selectedValue={section}
        onTabSelect={(_event, data) => {
          navigate('c', ref, String(data.value));
        }}
        aria-label={`${status.displayName} sections`}
      >
        {sections.map((candidate) => (
          <Tab key={candidate.key} value={candidate.key}>
            {candidate.label}
          </Tab>
        ))}
      </TabList>
      {section === 'users' && <UsersScreen client={status} />}
      {section === 'entra-users' && <EntraUsersScreen client={status} />}
      {section === 'groups' &&
        (props.rest[0] === undefined ? (
          <GroupsScreen client={status} />
        ) : (
          <GroupMembersScreen client={status} groupId={props.rest[0]} />
        ))}
      {section === 'reports' && <ReportsScreen client={status} />}
      {section === 'licences' && <LicencesScreen client={status} />}
      {section === 'notifications' && <NotificationsScreen client={status} />}
      {section === 'setup' && <SetupScreen client={status} onChanged={client.reload} />}
      {section === 'audit' && <AuditScreen client={status} />}
    </div>
  );
}

export function ConnectionBadge({ status }: { readonly status: ClientHeader }) {
  if (status.integration === 'connected') {
    return (
      <Badge appearance="tint" color="success">
        Connected
      </Badge>
    );
  }
  if (status.integration === 'error') {
    return (
      <Badge appearance="tint" color="danger">
        Connection problem
      </Badge>
    );
  }
  return (
    <Badge appearance="tint" color="subtle">
      Not connected
    </Badge>
  );
}
