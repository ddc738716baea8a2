import { AuthenticatingTeamsAdapter } from './authenticating-teams-adapter.js';
import { botRegistrationProblem, type AppConfig, type BotAppType } from '../src/config/load-config.js';
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
  /** How the bot authenticates (absent when anonymous). */
  readonly registration?: { readonly appType: BotAppType; readonly tenantId: string | undefined };
}

/**
 * Builds the adapter (a teams-ai `TeamsAdapter`, i.e. a Bot Framework `CloudAdapter` whose credentials come from a
 * `ConfigurationServiceClientCredentialFactory`) from the configuration. With bot credentials every request to /api/messages must carry a
 * valid Bot Framework token (issuer, audience = the app id, signing keys, service URL claim) and replies are
 * authenticated as the registration's app type: a single-tenant bot (the default, and what Microsoft creates for new
 * bots) with tokens from its own tenant. Without credentials the adapter accepts
 * anonymous traffic — allowed only in demo mode (production configuration already requires them; this refuses too).
 * @throws {AppError} `bot_credentials_missing` outside demo mode without credentials;
 * `bot_registration_inconsistent` when the app type and the tenant id disagree.
 */
export function createBotAdapter(
  config: Pick<AppConfig, 'mode' | 'bot'>,
  overrides: BotAuthenticationOverrides = {},
): BotAdapter {
  const { appId, password, appType, tenantId } = config.bot;
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
  // The configuration refuses this pair already; an adapter built from it could not send a single reply.
  const inconsistent = botRegistrationProblem(appType, tenantId);
  if (inconsistent !== undefined) throw new AppError('bot_registration_inconsistent', inconsistent);
  // Read by botbuilder's ConfigurationServiceClientCredentialFactory: a SingleTenant bot gets its outbound tokens
  // from https://login.microsoftonline.com/<MicrosoftAppTenantId>, a MultiTenant one from botframework.com.
  const credentials = {
    MicrosoftAppId: appId,
    MicrosoftAppPassword: password,
    MicrosoftAppType: appType,
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
    registration: { appType, tenantId },
  };
}
