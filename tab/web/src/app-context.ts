import { createContext, useContext } from 'react';
import type { ApiClient } from './api/api-client.js';
import type { Me } from './api/types.js';
import type { TeamsSession } from './teams/teams-session.js';

/** What every screen needs: the API, the Teams session, who is signed in, and a way to tell them something. */
export interface AppServices {
  readonly api: ApiClient;
  readonly session: TeamsSession;
  readonly me: Me;
  /** Reads who is signed in again (their clients and roles), e.g. after a client was added. */
  readonly reloadMe: () => void;
  /** A channel tab bound to one client (its id), or undefined in the personal (partner) view. */
  readonly boundClientId: string | undefined;
  readonly notify: (intent: 'success' | 'error' | 'info' | 'warning', title: string, body?: string) => void;
}

export const AppContext = createContext<AppServices | undefined>(undefined);

export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (services === undefined) throw new Error('useApp() outside <AppContext.Provider>');
  return services;
}

/** Whether the signed-in person may change things on a client (the core decides; this only hides buttons). */
export function canOperate(me: Me, clientId: string): boolean {
  return me.grants.some(
    (grant) =>
      (grant.role === 'partner_admin' || grant.role === 'client_admin') &&
      (grant.clientScope === '*' || grant.clientScope === clientId),
  );
}
