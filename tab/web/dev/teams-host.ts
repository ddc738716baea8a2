/**
 * Demo mode only: a same-origin page that plays Microsoft Teams around the tab (DESIGN §7, teams-tech.md §5).
 * teams-js in the framed tab posts `{ id, uuidAsString, func, args }` to its parent; this page answers
 * `initialize`, `getContext`, `authentication.getAuthToken` (with a token the server asks the simulator for, for
 * the chosen demo identity) and the configuration page's save protocol, and sends theme changes. Same-origin
 * parents skip teams-js's list of valid Teams origins, so nothing is fetched from Microsoft.
 */
import './teams-host.css';

interface DemoIdentityView {
  readonly key: string;
  readonly displayName: string;
  readonly upn: string;
  readonly role: string;
  readonly tenantId: string;
  readonly objectId: string;
}

interface TeamsRequest {
  readonly id: number;
  readonly uuidAsString?: string;
  readonly func: string;
  readonly args?: unknown[];
}

interface ChannelConfig {
  readonly entityId: string;
  readonly contentUrl: string;
  readonly suggestedDisplayName?: string;
}

type Surface = 'personal' | 'channel';
type Theme = 'default' | 'dark' | 'contrast';
/** The Microsoft 365 hosts a personal tab runs in (`context.app.host.name`). */
type HostName = 'Teams' | 'Outlook' | 'Office';

/**
 * What each host says it supports (teams-js runtime config). Outlook and the Microsoft 365 app host personal tabs
 * only: no channel-tab configuration there.
 */
function runtimeFor(host: HostName): string {
  return JSON.stringify({
    apiVersion: 4,
    isLegacyTeams: false,
    hostVersionsInfo: { adaptiveCardSchemaVersion: { majorVersion: 1, minorVersion: 5 } },
    supports: {
      app: {},
      pages: host === 'Teams' ? { config: {}, tabs: {}, appButton: {} } : { appButton: {} },
      authentication: {},
      dialog: { card: {}, url: {} },
    },
  });
}
const CONFIG_KEY = 'teams-host.channel-config';
/** The one channel of the simulated team. */
const DEMO_CHANNEL_ID = '19:demo-channel@thread.tacv2';
const CONSENTED_KEY = 'teams-host.consented-identity';
const PERSONAL_URL = '/tab/index.html#/clients';
const CONFIGURE_URL = '/tab/index.html#/configure';

let frame = element('tab', HTMLIFrameElement);
const identitySelect = element('identity', HTMLSelectElement);
const themeSelect = element('theme', HTMLSelectElement);
const surfaceSelect = element('surface', HTMLSelectElement);
const configChrome = element('config-chrome', HTMLElement);
const configSave = element('config-save', HTMLButtonElement);
const configReset = element('config-reset', HTMLButtonElement);
const configStatus = element('config-status', HTMLElement);
const hostBadge = element('host-badge', HTMLElement);

const params = new URLSearchParams(location.search);
const state = {
  identities: [] as DemoIdentityView[],
  identity: params.get('as') ?? 'partnerAdmin',
  theme: asTheme(params.get('theme')),
  host: asHost(params.get('host')),
  // Outlook and the Microsoft 365 app run personal tabs only.
  surface: asHost(params.get('host')) === 'Teams' ? asSurface(params.get('surface')) : ('personal' as const),
  /**
   * `consent`: SSO fails as it does before a person has consented (`getAuthToken` answers
   * `resourceRequiresConsent`) until the tab's consent window has completed once.
   */
  sso: params.get('sso') === 'consent' ? ('consent' as const) : ('ok' as const),
  frameContext: 'content' as 'content' | 'settings',
  pendingConfig: undefined as ChannelConfig | undefined,
  tokens: new Map<string, { token: string; expiresAt: number }>(),
  /** The Teams app id the host is playing (deep links to any other app are refused). */
  teamsAppId: '',
  /** The target of the deep link being followed (`context.subEntityId`), handed to the tab as its sub-page. */
  subEntityId: undefined as string | undefined,
  /** The tab's open `authentication.authenticate`, answered when its window reports back (or is closed). */
  authentication: undefined as { request: TeamsRequest; window: Window } | undefined,
};

/** What tests and curious developers can read: every message the tab sent, and every link it opened. */
const log: { func: string; args: unknown[] }[] = [];
(window as unknown as { teamsHostLog: typeof log }).teamsHostLog = log;
const openedLinks: string[] = [];
(window as unknown as { teamsHostOpenedLinks: typeof openedLinks }).teamsHostOpenedLinks = openedLinks;

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (event.origin !== location.origin) return;
  const fromAuthWindow = event.source !== null && event.source === state.authentication?.window;
  if (event.source !== frame.contentWindow && !fromAuthWindow) return;
  const request = event.data as TeamsRequest;
  if (typeof request !== 'object' || typeof request.func !== 'string') return;
  log.push({ func: request.func, args: request.args ?? [] });
  const authWindow = state.authentication?.window;
  const answered =
    fromAuthWindow && authWindow !== undefined ? answerAuthWindow(request, authWindow) : answer(request);
  answered.catch((error: unknown) => {
    configStatus.textContent = `The host failed to answer ${request.func}: ${String(error)}`;
  });
});

async function answer(request: TeamsRequest): Promise<void> {
  const args = request.args ?? [];
  switch (request.func) {
    case 'initialize':
      reply(request, [state.frameContext, 'web', runtimeFor(state.host), '2.0.0']);
      return;
    case 'getContext':
      reply(request, [legacyContext()]);
      return;
    case 'authentication.getAuthToken':
      if (state.sso === 'consent' && sessionStorage.getItem(CONSENTED_KEY) !== state.identity) {
        reply(request, [false, 'resourceRequiresConsent']);
        return;
      }
      try {
        reply(request, [true, await tokenFor(state.identity)]);
      } catch (error) {
        reply(request, [false, error instanceof Error ? error.message : String(error)]);
      }
      return;
    case 'authentication.authenticate':
      openAuthWindow(request);
      return;
    case 'executeDeepLink':
      followLink(typeof args[0] === 'string' ? args[0] : '');
      reply(request, [true]);
      return;
    case 'settings.setValidityState':
      configSave.disabled = args[0] !== true;
      return;
    case 'settings.setSettings':
      state.pendingConfig = args[0] as ChannelConfig;
      reply(request, [true]);
      return;
    case 'settings.getSettings':
      reply(request, [savedConfig() ?? {}]);
      return;
    case 'settings.save.success':
      finishConfiguration();
      return;
    case 'settings.save.failure':
      configStatus.textContent = `The tab refused to save: ${typeof args[0] === 'string' ? args[0] : 'no reason given'}`;
      configSave.disabled = false;
      return;
    default:
      // registerHandler, app.notifySuccess, logs…: nothing to answer.
      return;
  }
}

function reply(request: TeamsRequest, args: unknown[], target: Window | null = frame.contentWindow): void {
  target?.postMessage({ id: request.id, uuidAsString: request.uuidAsString, args }, location.origin);
}

/**
 * `authentication.authenticate`: the host opens the page in a window of its own, as Teams does, and answers the
 * tab once that window calls `notifySuccess` / `notifyFailure` (or is closed: `CancelledByUser`).
 */
function openAuthWindow(request: TeamsRequest): void {
  const [url = '', width = 600, height = 535] = (request.args ?? []) as [string?, number?, number?];
  const opened = window.open(
    url,
    'identity-manager-sign-in',
    `width=${String(width)},height=${String(height)}`,
  );
  if (opened === null) {
    reply(request, [false, 'FailedToOpenWindow']);
    return;
  }
  state.authentication = { request, window: opened };
  const watch = window.setInterval(() => {
    if (!opened.closed) return;
    window.clearInterval(watch);
    if (state.authentication?.window === opened) {
      state.authentication = undefined;
      reply(request, [false, 'CancelledByUser']);
    }
  }, 250);
}

async function answerAuthWindow(request: TeamsRequest, source: Window): Promise<void> {
  const pending = state.authentication;
  if (pending === undefined) return;
  switch (request.func) {
    case 'initialize':
      reply(request, ['authentication', 'web', runtimeFor(state.host), '2.0.0'], source);
      return;
    case 'getContext':
      reply(request, [{ ...legacyContext(), frameContext: 'authentication' }], source);
      return;
    case 'authentication.authenticate.success':
      state.authentication = undefined;
      sessionStorage.setItem(CONSENTED_KEY, state.identity);
      reply(pending.request, [true, (request.args ?? [])[0]]);
      return;
    case 'authentication.authenticate.failure':
      state.authentication = undefined;
      reply(pending.request, [false, typeof request.args?.[0] === 'string' ? request.args[0] : 'failed']);
      return;
    default:
      return Promise.resolve();
  }
}

/**
 * `app.openLink`: a Teams deep link to this app is followed inside the host (below); any other link goes where
 * Teams sends it — the system browser.
 */
function followLink(url: string): void {
  openedLinks.push(url);
  if (url.startsWith('https://teams.microsoft.com/l/')) {
    followDeepLink(url);
    return;
  }
  window.open(url, '_blank', 'noopener');
}

/**
 * Follows a Teams deep link to a tab as Teams does
 * (https://learn.microsoft.com/microsoftteams/platform/concepts/build-and-test/deep-link-application):
 * `https://teams.microsoft.com/l/entity/<appId>/<entityId>?webUrl=…&context={"subEntityId":…,"channelId":…}` opens
 * the app's personal tab (`clients`) or the channel tab with that entity id, and the tab gets the sub-entity as
 * `context.page.subPageId`. A link to another app, or not to a tab, is refused with the reason.
 */
function followDeepLink(url: string): void {
  let link: URL;
  try {
    link = new URL(url);
  } catch {
    configStatus.textContent = `Not a link: ${url}`;
    return;
  }
  const [, l, entity, appId = '', entityId = ''] = link.pathname
    .split('/')
    .map((part) => decodeURIComponent(part));
  if (link.origin !== 'https://teams.microsoft.com' || l !== 'l' || entity !== 'entity') {
    configStatus.textContent = `Not a Teams deep link to a tab: ${url}`;
    return;
  }
  if (appId.toLowerCase() !== state.teamsAppId.toLowerCase()) {
    configStatus.textContent = `This deep link is for another Teams app (${appId}), not ${state.teamsAppId}.`;
    return;
  }
  const context = JSON.parse(link.searchParams.get('context') ?? '{}') as {
    subEntityId?: string;
    channelId?: string;
  };
  if (entityId === 'clients') {
    state.surface = 'personal';
  } else if (entityId.startsWith('client:') && context.channelId === DEMO_CHANNEL_ID) {
    state.surface = 'channel';
    const saved = savedConfig();
    if (saved?.entityId !== entityId) {
      configStatus.textContent = `The channel has no tab ${entityId}: add it first (Surface → Channel tab).`;
      return;
    }
  } else {
    configStatus.textContent = `This app has no tab ${entityId}${context.channelId === undefined ? '' : ` in ${context.channelId}`}.`;
    return;
  }
  state.subEntityId = context.subEntityId;
  surfaceSelect.value = state.surface;
  load();
}

function send(func: string, args: unknown[]): void {
  frame.contentWindow?.postMessage({ func, args }, location.origin);
}

function legacyContext(): Record<string, unknown> {
  const person = state.identities.find((candidate) => candidate.key === state.identity);
  const config = savedConfig();
  const channel = state.surface === 'channel';
  return {
    locale: 'en-us',
    theme: state.theme,
    entityId: channel ? (config?.entityId ?? '') : 'clients',
    frameContext: state.frameContext,
    userObjectId: person?.objectId,
    tid: person?.tenantId,
    loginHint: person?.upn,
    userPrincipalName: person?.upn,
    userDisplayName: person?.displayName,
    hostName: state.host,
    hostClientType: 'web',
    appSessionId: 'local-session',
    ...(state.subEntityId === undefined ? {} : { subEntityId: state.subEntityId }),
    ...(channel
      ? {
          teamId: '19:demo-team@thread.tacv2',
          teamName: 'MSP Operations',
          channelId: DEMO_CHANNEL_ID,
          channelName: 'Clients',
        }
      : {}),
  };
}

async function tokenFor(identity: string): Promise<string> {
  const cached = state.tokens.get(identity);
  if (cached !== undefined && cached.expiresAt - 60_000 > Date.now()) return cached.token;
  const response = await fetch('/dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identity }),
  });
  if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
  const body = (await response.json()) as { token: string; expiresAt: string };
  state.tokens.set(identity, { token: body.token, expiresAt: Date.parse(body.expiresAt) });
  return body.token;
}

function savedConfig(): ChannelConfig | undefined {
  const text = sessionStorage.getItem(CONFIG_KEY);
  return text === null ? undefined : (JSON.parse(text) as ChannelConfig);
}

function finishConfiguration(): void {
  if (state.pendingConfig === undefined) {
    configStatus.textContent = 'The tab said it saved, but never called setConfig.';
    return;
  }
  sessionStorage.setItem(CONFIG_KEY, JSON.stringify(state.pendingConfig));
  load();
}

function load(): void {
  const config = savedConfig();
  const configuring = state.surface === 'channel' && config === undefined;
  state.frameContext = configuring ? 'settings' : 'content';
  configChrome.hidden = !configuring;
  configSave.disabled = true;
  configStatus.textContent = '';
  const url = state.surface === 'personal' ? PERSONAL_URL : configuring ? CONFIGURE_URL : relative(config);
  // A new frame each time, so teams-js starts over in a fresh page (a hash change alone would not re-initialize).
  const next = document.createElement('iframe');
  next.id = 'tab';
  next.title = frame.title;
  next.src = url;
  frame.replaceWith(next);
  frame = next;
  document.body.dataset.surface = state.surface;
  hostBadge.textContent = `Local ${state.host === 'Office' ? 'Microsoft 365 app' : state.host} host · demo mode${state.sso === 'consent' ? ' · SSO needs consent' : ''}`;
  document.body.dataset.theme = state.theme;
  history.replaceState(null, '', `${location.pathname}?${hostQuery()}`);
}

function relative(config: ChannelConfig | undefined): string {
  if (config === undefined) return CONFIGURE_URL;
  const url = new URL(config.contentUrl, location.origin);
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The page's own address: who, theme, surface, and the host and SSO mode when they are not the defaults. */
function hostQuery(): string {
  const query = new URLSearchParams({ as: state.identity, theme: state.theme, surface: state.surface });
  if (state.host !== 'Teams') query.set('host', state.host.toLowerCase());
  if (state.sso !== 'ok') query.set('sso', state.sso);
  return query.toString();
}

function asHost(value: string | null): HostName {
  if (value === 'outlook') return 'Outlook';
  if (value === 'office') return 'Office';
  return 'Teams';
}

function asSurface(value: string | null): Surface {
  return value === 'channel' ? 'channel' : 'personal';
}

function asTheme(value: string | null): Theme {
  return value === 'dark' || value === 'contrast' ? value : 'default';
}

function element<T extends HTMLElement>(id: string, type: new () => T): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`#${id} missing from the host page`);
  return found;
}

async function start(): Promise<void> {
  const response = await fetch('/dev/identities');
  const demo = (await response.json()) as { identities: DemoIdentityView[]; teamsAppId: string };
  state.identities = demo.identities;
  state.teamsAppId = demo.teamsAppId;
  for (const person of state.identities) {
    identitySelect.add(new Option(`${person.displayName} — ${person.role.replace('_', ' ')}`, person.key));
  }
  if (!state.identities.some((person) => person.key === state.identity)) {
    state.identity = state.identities[0]?.key ?? '';
  }
  identitySelect.value = state.identity;
  themeSelect.value = state.theme;
  surfaceSelect.value = state.surface;

  identitySelect.addEventListener('change', () => {
    state.identity = identitySelect.value;
    load();
  });
  themeSelect.addEventListener('change', () => {
    state.theme = asTheme(themeSelect.value);
    document.body.dataset.theme = state.theme;
    send('themeChange', [state.theme]);
    history.replaceState(null, '', `${location.pathname}?${hostQuery()}`);
  });
  surfaceSelect.addEventListener('change', () => {
    state.surface = asSurface(surfaceSelect.value);
    load();
  });
  configSave.addEventListener('click', () => {
    configSave.disabled = true;
    configStatus.textContent = 'Saving…';
    send('settings.save', [{}]);
  });
  configReset.addEventListener('click', () => {
    sessionStorage.removeItem(CONFIG_KEY);
    load();
  });
  if (params.get('reset') === '1') sessionStorage.removeItem(CONFIG_KEY);
  const deepLink = params.get('deepLink');
  if (deepLink === null) load();
  else followDeepLink(deepLink);
}

void start();
