import { app, authentication, pages } from '@microsoft/teams-js';

/** The three Teams themes; Fluent's teams themes follow them one to one. */
export type TeamsTheme = 'default' | 'dark' | 'contrast';

/** What the tab knows about where it runs, read once from Teams at start-up. */
export interface TeamsSession {
  /** `content` for a tab, `settings` for the configuration page of a channel tab. */
  readonly frameContext: string;
  /** The tab's entity id: `client:<id>` binds a channel tab to one client; empty for the personal tab. */
  readonly entityId: string;
  readonly userPrincipalName: string;
  readonly tenantId: string;
  readonly initialTheme: TeamsTheme;
  readonly hostName: string;
  readonly onThemeChange: (listener: (theme: TeamsTheme) => void) => void;
  /** A valid SSO token for the tab API (Teams caches and refreshes it; we keep it until shortly before expiry). */
  readonly getToken: () => Promise<string>;
  /** The configuration page's save protocol (channel tab set-up). */
  readonly config: ConfigPage;
}

export interface ConfigPage {
  readonly setValid: (valid: boolean) => void;
  /** Called when the admin presses Save in Teams; resolve with the tab's configuration or throw to refuse. */
  readonly onSave: (
    handler: () => Promise<{ entityId: string; contentUrl: string; suggestedDisplayName: string }>,
  ) => void;
}

/** The tab was opened outside Teams (or Teams did not answer). */
export class NotInTeamsError extends Error {
  override readonly name = 'NotInTeamsError';
}

const INITIALIZE_TIMEOUT_MS = 10_000;
const TOKEN_RENEW_MARGIN_MS = 5 * 60_000;

/**
 * Starts the conversation with Teams: `app.initialize`, the context, the theme and SSO. Outside Teams
 * `initialize` rejects at once (top-level window) or never answers (a foreign frame), so it is bounded by a short
 * timeout and reported as {@link NotInTeamsError}.
 */
export async function startTeamsSession(): Promise<TeamsSession> {
  if (window.parent === window && window.opener === null) {
    throw new NotInTeamsError('This page is a Microsoft Teams tab: open it in Teams.');
  }
  try {
    await withTimeout(app.initialize(), INITIALIZE_TIMEOUT_MS);
  } catch (error) {
    throw new NotInTeamsError(
      `Teams did not answer: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const context = await app.getContext();
  app.notifySuccess().catch(() => undefined);

  let cached: { token: string; expiresAt: number } | undefined;
  return {
    frameContext: context.page.frameContext,
    entityId: context.page.id,
    userPrincipalName: context.user?.userPrincipalName ?? '',
    tenantId: context.user?.tenant?.id ?? '',
    initialTheme: asTheme(context.app.theme),
    hostName: context.app.host.name,
    onThemeChange: (listener) => {
      app.registerOnThemeChangeHandler((theme) => {
        listener(asTheme(theme));
      });
    },
    getToken: async () => {
      if (cached !== undefined && cached.expiresAt - TOKEN_RENEW_MARGIN_MS > Date.now()) return cached.token;
      const token = await authentication.getAuthToken();
      cached = { token, expiresAt: expiryOf(token) };
      return token;
    },
    config: {
      setValid: (valid) => {
        pages.config.setValidityState(valid);
      },
      onSave: (handler) => {
        pages.config.registerOnSaveHandler((event) => {
          handler()
            .then((settings) => pages.config.setConfig({ ...settings, websiteUrl: settings.contentUrl }))
            .then(
              () => {
                event.notifySuccess();
              },
              (error: unknown) => {
                event.notifyFailure(error instanceof Error ? error.message : String(error));
              },
            );
        });
      },
    },
  };
}

function asTheme(theme: string | undefined): TeamsTheme {
  return theme === 'dark' || theme === 'contrast' ? theme : 'default';
}

/** The token's `exp` in ms; a token that cannot be read is treated as expiring now (so it is asked for again). */
function expiryOf(token: string): number {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : Date.now();
  } catch {
    return Date.now();
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
