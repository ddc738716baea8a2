import {
  FluentProvider,
  Spinner,
  teamsDarkTheme,
  teamsHighContrastTheme,
  teamsLightTheme,
  type Theme,
} from '@fluentui/react-components';
import { useEffect, useMemo, useState } from 'react';
import { ApiClient } from './api/api-client.js';
import { App } from './app.js';
import { setDisplayLocale } from './format.js';
import { seriesVariables } from './screens/reports/series-colors.js';
import { NotInTeams } from './layout/not-in-teams.js';
import {
  NotInTeamsError,
  startTeamsSession,
  type TeamsSession,
  type TeamsTheme,
} from './teams/teams-session.js';

const themes: Record<TeamsTheme, Theme> = {
  default: teamsLightTheme,
  dark: teamsDarkTheme,
  contrast: teamsHighContrastTheme,
};

type Startup =
  | { readonly state: 'starting' }
  | { readonly state: 'outside'; readonly message: string }
  | { readonly state: 'ready'; readonly session: TeamsSession };

/** Starts the Teams session, follows its theme, and renders the app inside Fluent's provider. */
export function Root() {
  const [startup, setStartup] = useState<Startup>({ state: 'starting' });
  const [theme, setTheme] = useState<TeamsTheme>('default');

  useEffect(() => {
    let cancelled = false;
    startTeamsSession().then(
      (session) => {
        if (cancelled) return;
        followDeepLink(session.subPageId);
        setTheme(session.initialTheme);
        setDisplayLocale(session.locale);
        session.onThemeChange(setTheme);
        setStartup({ state: 'ready', session });
      },
      (error: unknown) => {
        if (cancelled) return;
        setStartup({
          state: 'outside',
          message: error instanceof NotInTeamsError ? error.message : `Could not start: ${String(error)}`,
        });
      },
    );
    return () => {
      cancelled = true;
    };
  }, []);

  const api = useMemo(
    () =>
      startup.state === 'ready'
        ? new ApiClient({
            getToken: () => startup.session.getToken(),
            openLink: (url) => startup.session.openLink(url),
          })
        : undefined,
    [startup],
  );

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  return (
    <FluentProvider
      theme={themes[theme]}
      style={{ minHeight: '100%', ...seriesVariables(theme) }}
      data-theme={theme}
    >
      {startup.state === 'starting' && (
        <Spinner label="Connecting to Microsoft Teams…" style={{ marginTop: 80 }} />
      )}
      {startup.state === 'outside' && <NotInTeams message={startup.message} />}
      {startup.state === 'ready' && api !== undefined && <App session={startup.session} api={api} />}
    </FluentProvider>
  );
}

/**
 * A Teams deep link names a screen of the tab as its sub-entity (`context.subEntityId`, read as
 * `context.page.subPageId`): the tab's own route, such as `/c/contoso/users?expired=1`. The tab opens there before
 * its first render (https://learn.microsoft.com/microsoftteams/platform/concepts/build-and-test/deep-link-application).
 */
function followDeepLink(subPageId: string): void {
  if (!/^\/(c\/|clients$|audit$)/.test(subPageId)) return;
  history.replaceState(null, '', `${location.pathname}${location.search}#${subPageId}`);
}
