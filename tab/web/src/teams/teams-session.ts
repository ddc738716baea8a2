import { app, authentication, pages } from '@microsoft/teams-js';

/** The three Teams themes; Fluent's teams themes follow them one to one. */
export type TeamsTheme = 'default' | 'dark' | 'contrast';

/** What the tab knows about where it runs, read once from its host at start-up. */
export interface TeamsSession {
  /** `content` for a tab, `settings` for the configuration page of a channel tab. */
  readonly frameContext: string;
  /** The tab's entity id: `client:<id>` binds a channel tab to one client; empty for the personal tab. */
  readonly entityId: string;
  /** The deep link's target inside the tab (`context.subEntityId` of a Teams deep link), or empty. */
  readonly subPageId: string;
  readonly userPrincipalName: string;
  readonly tenantId: string;
  readonly initialTheme: TeamsTheme;
  /** The person's language and region in Teams (`en-gb`, `de-de`…): dates and numbers are written their way. */
  readonly locale: string;
  /** Which Microsoft 365 host runs the tab (`Teams`, `Outlook`, `Office`…) and on what (`web`, `desktop`, `ios`…). */
  readonly host: { readonly name: string; readonly clientType: string };
  /** Where a configurable tab lives: its team channel or its group chat (cards posted there link to it). */
  readonly place: { readonly kind: 'channel' | 'chat'; readonly id: string } | undefined;
  readonly onThemeChange: (listener: (theme: TeamsTheme) => void) => void;
  /**
   * A valid SSO token for the tab API (the host caches and refreshes it; we keep it until shortly before expiry).
   * @throws {SignInError} when the host cannot give one (consent missing, host not pre-authorised…).
   */
  readonly getToken: () => Promise<string>;
  /**
   * The fallback when {@link getToken} failed: a sign-in window where the person consents (Entra's consent page
   * cannot be shown inside the tab's frame). Must be called straight from a click, before any `await`: the host
   * opens a window, which browsers allow only for a user gesture.
   * @throws {SignInError} when the window was closed or the sign-in failed.
   */
  readonly signInWithConsent: () => Promise<void>;
  /** Opens a link outside the tab, through the host (the system browser on desktop and mobile). */
  readonly openLink: (url: string) => Promise<void>;
  /** The configuration page's save protocol (channel tab set-up). */
  readonly config: ConfigPage;
}

export interface ConfigPage {
  readonly setValid: (valid: boolean) => void;
  /** Called when the admin presses Save in Teams; resolve with the tab's configuration or throw to refuse. */
  readonly onSave: (
    handler: () => Promise<{ entityId: string; contentUrl: string; suggestedDisplayName: string }>,
  ) => void;
  /** Called when the tab is being removed from its channel or chat; throw to report a failure. */
  readonly onRemove: (handler: () => Promise<void>) => void;
}

/** The tab was opened outside a Microsoft 365 host (or the host did not answer). */
export class NotInTeamsError extends Error {
  override readonly name = 'NotInTeamsError';
}

/** The host could not sign the person in (SSO), with the host's reason. */
export class SignInError extends Error {
  override readonly name = 'SignInError';
}

const INITIALIZE_TIMEOUT_MS = 10_000;
const TOKEN_RENEW_MARGIN_MS = 5 * 60_000;

/**
 * Starts the conversation with the host: `app.initialize`, the context, the theme and SSO. The host is asked in
 * every case and its answer decides: Teams desktop and web frame the tab, Teams for iOS and Android run it in a
 * frameless webview that teams-js reaches through `window.nativeInterface`, Outlook and the Microsoft 365 app frame
 * it too (https://learn.microsoft.com/microsoftteams/platform/m365-apps/extend-m365-teams-personal-tab). Outside any
 * host `initialize` rejects at once ("No Parent window found") or never answers (a foreign frame), so it is bounded
 * by a short timeout and reported as {@link NotInTeamsError}.
 */
export async function startTeamsSession(): Promise<TeamsSession> {
  try {
    await withTimeout(app.initialize(), INITIALIZE_TIMEOUT_MS);
  } catch (error) {
    throw new NotInTeamsError(
      `This page is a Microsoft Teams tab: open it in Teams, Outlook or the Microsoft 365 app (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
  const context = await app.getContext();
  app.notifySuccess().catch(() => undefined);

  let cached: { token: string; expiresAt: number } | undefined;
  const tenantId = context.user?.tenant?.id ?? '';
  const loginHint = context.user?.loginHint ?? context.user?.userPrincipalName ?? '';
  return {
    frameContext: context.page.frameContext,
    entityId: context.page.id,
    subPageId: context.page.subPageId ?? '',
    userPrincipalName: context.user?.userPrincipalName ?? '',
    tenantId,
    initialTheme: asTheme(context.app.theme),
    locale: context.app.locale,
    host: { name: context.app.host.name, clientType: context.app.host.clientType },
    place:
      context.channel?.id !== undefined
        ? { kind: 'channel', id: context.channel.id }
        : context.chat?.id !== undefined
          ? { kind: 'chat', id: context.chat.id }
          : undefined,
    onThemeChange: (listener) => {
      app.registerOnThemeChangeHandler((theme) => {
        listener(asTheme(theme));
      });
    },
    getToken: async () => {
      if (cached !== undefined && cached.expiresAt - TOKEN_RENEW_MARGIN_MS > Date.now()) return cached.token;
      let token: string;
      try {
        token = await authentication.getAuthToken();
      } catch (error) {
        throw new SignInError(error instanceof Error ? error.message : String(error));
      }
      cached = { token, expiresAt: expiryOf(token) };
      return token;
    },
    signInWithConsent: async () => {
      // The documented fallback when SSO needs consent: Entra's consent prompt cannot be framed, so it runs in the
      // host's authentication window (https://learn.microsoft.com/javascript/api/@microsoft/teams-js/authentication,
      // https://learn.microsoft.com/microsoftteams/platform/tabs/how-to/authentication/tab-sso-troubleshooting).
      // The state travels through Entra and comes back as the window's result (storage is not shared between the
      // framed tab and the window in every host, so it is not kept there).
      const state = crypto.randomUUID();
      const query = new URLSearchParams({ tenant: tenantId === '' ? 'organizations' : tenantId, state });
      if (loginHint !== '') query.set('loginHint', loginHint);
      let answer: string;
      try {
        answer = await authentication.authenticate({
          url: `${location.origin}/auth/sso/start?${query.toString()}`,
          width: 600,
          height: 640,
        });
      } catch (error) {
        throw new SignInError(error instanceof Error ? error.message : String(error));
      }
      if (answer !== state) throw new SignInError('The sign-in window answered for another sign-in.');
      cached = undefined;
    },
    openLink: (url) => app.openLink(url),
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
      onRemove: (handler) => {
        pages.config.registerOnRemoveHandler((event) => {
          handler().then(
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
