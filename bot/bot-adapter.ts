import { AuthenticatingTeamsAdapter } from './authenticating-teams-adapter.js';
import type { AppConfig } from '../src/config/load-config.js';
import { AppError } from '../src/shared/errors.js';

/**
 * Where the channel's token signing keys and issuer are (Bot Framework's public cloud by default). Tests point them
 * at a local issuer to exercise the real token validation offline.
 */
export interface BotAuthenticationOverrides {
  readonly openIdMetadataUrl?: string;
  readonly tokenIssuer?: string;
}

/** The Bot Framework adapter and whether it checks who calls it. */
export interface BotAdapter {
  readonly adapter: AuthenticatingTeamsAdapter;
  /** The bot's Microsoft App ID; empty in anonymous demo mode. */
  readonly appId: string;
  /** True only in demo mode without bot credentials: requests are not authenticated, replies carry no token. */
  readonly anonymous: boolean;
}

/**
 * Builds the adapter (a teams-ai `TeamsAdapter`, i.e. a Bot Framework `CloudAdapter` whose credentials come from a
 * `ConfigurationServiceClientCredentialFactory`) from the configuration. With bot credentials every request to /api/messages must carry a
 * valid Bot Framework token (issuer, audience = the app id, signing keys, service URL claim) and replies are
 * authenticated; single-tenant registrations are pinned to their tenant. Without credentials the adapter accepts
 * anonymous traffic — allowed only in demo mode (production configuration already requires them; this refuses too).
 * @throws {AppError} `bot_credentials_missing` outside demo mode without credentials.
 */
export function createBotAdapter(
  config: Pick<AppConfig, 'mode' | 'bot'>,
  overrides: BotAuthenticationOverrides = {},
): BotAdapter {
  const { appId, password, tenantId } = config.bot;
  const configured = appId !== undefined && password !== undefined;
  if (!configured && config.mode !== 'demo') {
    throw new AppError(
      'bot_credentials_missing',
      'BOT_ID and BOT_PASSWORD are required outside demo mode: the bot endpoint never runs unauthenticated in production.',
    );
  }
  if (!configured) {
    return {
      adapter: new AuthenticatingTeamsAdapter({}),
      appId: '',
      anonymous: true,
    };
  }
  const credentials = {
    MicrosoftAppId: appId,
    MicrosoftAppPassword: password,
    MicrosoftAppType: tenantId === undefined ? 'MultiTenant' : 'SingleTenant',
    ...(tenantId === undefined ? {} : { MicrosoftAppTenantId: tenantId }),
    ...(overrides.openIdMetadataUrl === undefined
      ? {}
      : { ToBotFromChannelOpenIdMetadataUrl: overrides.openIdMetadataUrl }),
    ...(overrides.tokenIssuer === undefined ? {} : { ToBotFromChannelTokenIssuer: overrides.tokenIssuer }),
  };
  return {
    // TeamsAdapter builds its ConfigurationServiceClientCredentialFactory and Bot Framework authentication from
    // these settings (teams-ai lib/TeamsAdapter.js).
    adapter: new AuthenticatingTeamsAdapter(credentials),
    appId,
    anonymous: false,
  };
}
