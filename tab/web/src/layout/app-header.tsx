import { Avatar, Caption1, Link, Text, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { ShieldPersonRegular } from '@fluentui/react-icons';
import { useApp } from '../app-context.js';
import { hrefOf, type HashRoute } from '../routing/hash-route.js';

const useStyles = makeStyles({
  bar: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXL,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalXXL}`,
    backgroundColor: tokens.colorNeutralBackground1,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  brand: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    fontWeight: tokens.fontWeightSemibold,
  },
  logo: { fontSize: '24px', color: tokens.colorBrandForeground1 },
  nav: { display: 'flex', gap: tokens.spacingHorizontalL, flexGrow: 1 },
  navLink: { padding: `${tokens.spacingVerticalXS} 0`, color: tokens.colorNeutralForeground2 },
  active: {
    color: tokens.colorNeutralForeground1,
    fontWeight: tokens.fontWeightSemibold,
    borderBottom: `${tokens.strokeWidthThick} solid ${tokens.colorBrandStroke1}`,
  },
  who: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
  whoText: { display: 'flex', flexDirection: 'column', lineHeight: tokens.lineHeightBase200 },
  role: { color: tokens.colorNeutralForeground3 },
});

/** Brand, the partner-wide sections, and who is signed in with which role. */
export function AppHeader({ route }: { readonly route: HashRoute }) {
  const styles = useStyles();
  const { me, boundClientId } = useApp();
  const first = route.segments[0] ?? 'clients';
  const links =
    boundClientId === undefined
      ? [
          {
            key: 'clients',
            label: 'Clients',
            href: hrefOf('clients'),
            active: first === 'clients' || first === 'c',
          },
          { key: 'search', label: 'Search', href: hrefOf('search'), active: first === 'search' },
          { key: 'audit', label: 'Audit log', href: hrefOf('audit'), active: first === 'audit' },
        ]
      : [];
  return (
    <header className={styles.bar}>
      <div className={styles.brand}>
        <ShieldPersonRegular className={styles.logo} aria-hidden />
        <Text weight="semibold">Identity Manager</Text>
      </div>
      <nav className={styles.nav} aria-label="Sections">
        {links.map((link) => (
          <Link
            key={link.key}
            href={link.href}
            appearance="subtle"
            className={mergeClasses(styles.navLink, link.active && styles.active)}
            aria-current={link.active ? 'page' : undefined}
          >
            {link.label}
          </Link>
        ))}
      </nav>
      <div className={styles.who}>
        <Avatar name={me.name ?? 'Signed in'} size={28} aria-hidden />
        <div className={styles.whoText}>
          <Text size={200} weight="semibold" data-testid="signed-in-as">
            {me.name ?? me.objectId}
          </Text>
          <Caption1 className={styles.role}>{roleText(me)}</Caption1>
        </div>
      </div>
    </header>
  );
}

function roleText(me: ReturnType<typeof useApp>['me']): string {
  if (me.isPartnerAdmin) return 'Partner admin · all clients';
  const admin = me.grants.filter((grant) => grant.role === 'client_admin').length;
  const viewer = me.grants.filter((grant) => grant.role === 'viewer').length;
  if (admin > 0) return `Client admin · ${admin === 1 ? 'one client' : `${admin} clients`}`;
  if (viewer > 0) return `Viewer · ${viewer === 1 ? 'one client' : `${viewer} clients`}`;
  return 'No role assigned';
}
