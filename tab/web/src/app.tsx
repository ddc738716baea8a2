import {
  Spinner,
  Toast,
  ToastBody,
  ToastTitle,
  Toaster,
  useId,
  useToastController,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ApiClient } from './api/api-client.js';
import type { Me } from './api/types.js';
import { AppContext, type AppServices } from './app-context.js';
import { ErrorBar } from './components/error-bar.js';
import { useResource } from './hooks/use-resource.js';
import { AppHeader } from './layout/app-header.js';
import { ClientWorkspace } from './layout/client-workspace.js';
import { hrefOf, parseHash, useHashRoute } from './routing/hash-route.js';
import { AuditScreen } from './screens/audit-screen.js';
import { ClientsScreen } from './screens/clients-screen.js';
import { SearchScreen } from './screens/search-screen.js';
import { ConfigureScreen, RemoveTabScreen } from './screens/configure-screen.js';
import { SignInProblem } from './layout/sign-in-problem.js';
import { SignInError, type TeamsSession } from './teams/teams-session.js';

const useStyles = makeStyles({
  page: {
    minHeight: '100vh',
    backgroundColor: tokens.colorNeutralBackground2,
    color: tokens.colorNeutralForeground1,
  },
  content: { padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalXXL}`, maxWidth: '1400px' },
});

/** The signed-in app: who is there, and the screen the hash route names. */
export function App({ session, api }: { readonly session: TeamsSession; readonly api: ApiClient }) {
  const styles = useStyles();
  const toasterId = useId('toaster');
  const { dispatchToast } = useToastController(toasterId);
  const me = useResource(() => api.get<Me>('/me'), 'me');
  const route = useHashRoute();

  const notify = useCallback(
    (intent: 'success' | 'error' | 'info' | 'warning', title: string, body?: string) => {
      dispatchToast(
        <Toast>
          <ToastTitle>{title}</ToastTitle>
          {body !== undefined && <ToastBody>{body}</ToastBody>}
        </Toast>,
        { intent, timeout: intent === 'error' ? 8000 : 4000 },
      );
    },
    [dispatchToast],
  );

  const boundClientId = session.entityId.startsWith('client:')
    ? session.entityId.slice('client:'.length)
    : undefined;
  // Someone with one client (its admin, or a viewer of it) lands straight in it when the personal tab opens on its
  // home; the Clients link still lists it. Replaced, so Back does not bounce between the two.
  const [openedAtHome] = useState(() =>
    ['clients', undefined].includes(parseHash(window.location.hash).segments[0]),
  );
  const landed = useRef(false);
  useEffect(() => {
    const only = me.data?.clients[0];
    if (me.data === undefined || landed.current) return;
    landed.current = true;
    if (!openedAtHome || boundClientId !== undefined || session.frameContext !== 'content') return;
    if (!me.data.isPartnerAdmin && me.data.clients.length === 1 && only !== undefined) {
      window.location.replace(hrefOf('c', only.name, 'users'));
    }
  }, [me.data, openedAtHome, boundClientId, session.frameContext]);
  const services = useMemo<AppServices | undefined>(
    () =>
      me.data === undefined
        ? undefined
        : { api, session, me: me.data, reloadMe: me.reload, boundClientId, notify },
    [api, session, me.data, me.reload, boundClientId, notify],
  );

  if (me.error instanceof SignInError) {
    return <SignInProblem session={session} reason={me.error.message} onSignedIn={me.reload} />;
  }
  if (me.error !== undefined) {
    return (
      <main className={styles.content}>
        <ErrorBar error={me.error} title="Could not sign you in" />
      </main>
    );
  }
  if (services === undefined) return <Spinner label="Signing you in…" style={{ marginTop: 80 }} />;

  const [first, clientRef, section, ...rest] = route.segments;
  let screen;
  if (session.frameContext === 'remove' && boundClientId !== undefined) {
    screen = <RemoveTabScreen clientId={boundClientId} />;
  } else if (session.frameContext === 'settings' || first === 'configure') {
    screen = <ConfigureScreen />;
  } else if (first === 'c' && clientRef !== undefined) {
    screen = <ClientWorkspace clientRef={clientRef} section={section ?? 'users'} rest={rest} />;
  } else if (first === 'audit') {
    screen = <AuditScreen />;
  } else if (first === 'search') {
    screen = <SearchScreen />;
  } else if (boundClientId !== undefined) {
    screen = <ClientWorkspace clientRef={boundClientId} section="users" rest={[]} />;
  } else {
    screen = <ClientsScreen />;
  }

  return (
    <AppContext.Provider value={services}>
      <div className={styles.page}>
        {session.frameContext !== 'settings' && <AppHeader route={route} />}
        <main className={styles.content}>{screen}</main>
      </div>
      <Toaster toasterId={toasterId} position="bottom-end" />
    </AppContext.Provider>
  );
}
