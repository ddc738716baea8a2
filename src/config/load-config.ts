import path from 'node:path';
import type { z } from 'zod/v4';
import type { OwnSecretExpiry } from '../domain/own-secrets.js';
import { AppError } from '../shared/errors.js';
import { settings, type SettingDefinition } from './settings.js';

/** The same list, seen through its general shape for iteration. */
const definitions: readonly SettingDefinition[] = settings;

type SettingEnv = (typeof settings)[number]['env'];
type RawSettings = { [S in (typeof settings)[number] as S['env']]: z.output<S['schema']> };

export type AppMode = 'demo' | 'production';

export type BotAppType = 'SingleTenant' | 'MultiTenant';

export type StoreConfig =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema: string };

export interface PrincipalRef {
  readonly tenantId: string;
  readonly objectId: string;
}

/** The whole configuration, parsed and checked once at start-up. Nothing else reads `process.env`. */
export interface AppConfig {
  readonly mode: AppMode;
  /** Listen address. */
  readonly host: string;
  readonly port: number;
  readonly publicBaseUrl: string;
  readonly dataDir: string;
  readonly store: StoreConfig;
  /** 32-byte key; `undefined` in demo mode until the composition root creates one in the data folder. */
  readonly secretsKey: Buffer | undefined;
  /** The Teams app id (manifest `id`): the target of the cards' deep links. Undefined only in demo mode. */
  readonly teamsAppId: string | undefined;
  /** When the app's own secrets expire (ISO instants), as provisioning recorded them; undefined when unknown. */
  readonly ownSecretsExpireAt: {
    readonly botPassword: string | undefined;
    readonly consentAppSecret: string | undefined;
  };
  readonly bot: {
    readonly appId: string | undefined;
    readonly password: string | undefined;
    /** How the bot's Entra app is registered; `SingleTenant` always comes with its tenant id. */
    readonly appType: BotAppType;
    readonly tenantId: string | undefined;
  };
  readonly tab: { readonly ssoClientId: string | undefined; readonly domain: string | undefined };
  readonly allowedTenantIds: readonly string[];
  readonly partnerAdmins: readonly PrincipalRef[];
  readonly consentApp: { readonly clientId: string | undefined; readonly clientSecret: string | undefined };
  readonly graph: {
    readonly authorityHost: string;
    readonly graphBaseUrl: string;
    readonly trustedCaPath: string | undefined;
  };
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly syncIntervalMinutes: number;
  /** Client syncs one instance runs at once. */
  readonly syncConcurrency: number;
  /** The Prometheus endpoint: its own listener, off without a port. */
  readonly metrics: {
    readonly port: number | undefined;
    readonly host: string;
    readonly token: string | undefined;
  };
  readonly signInRetentionDays: number;
  /** How often each client's held alerts, weekly summary and webhook deliveries are checked. */
  readonly alertsCheckSeconds: number;
  readonly demo: {
    readonly users: number;
    readonly simPort: number;
    readonly autoImport: boolean;
    /** The simulator enforces Graph's documented throttling limits (on by default). */
    readonly throttling: boolean;
    /** The spacing of reports-tier requests, in ms, instead of the product's own (only without throttling). */
    readonly reportsPaceMs: number | undefined;
  };
  /** Bounded resources (DESIGN §9): rate limits, exports, the client address behind proxies. */
  readonly limits: {
    readonly perAddressPerMinute: number;
    readonly perUserPerMinute: number;
    readonly exportsPerUser: number;
    readonly exportConcurrency: number;
    readonly trustedProxyHops: number;
  };
}

/** Every configuration problem found, reported together so an operator fixes them in one go. */
export class ConfigError extends AppError {
  override readonly name = 'ConfigError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(
      'invalid_configuration',
      `Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    );
    this.problems = problems;
  }
}

/**
 * Parses the configuration from an environment (usually `process.env`, passed in by the entry point).
 * @throws {ConfigError} naming every invalid or missing setting at once.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): AppConfig {
  const problems: string[] = [];
  const raw: Partial<Record<SettingEnv, unknown>> = {};

  for (const setting of definitions) {
    const parsed = setting.schema.safeParse(env[setting.env]);
    if (parsed.success) {
      raw[setting.env as SettingEnv] = parsed.data;
    } else {
      const reason = parsed.error.issues.map((issue) => issue.message).join('; ');
      problems.push(`${setting.env}: ${reason}`);
    }
  }

  const mode = (raw.APP_MODE ?? 'demo') as AppMode;
  if (mode === 'production') {
    for (const setting of definitions) {
      if (setting.requiredInProduction !== true) continue;
      const value = raw[setting.env as SettingEnv];
      const missing = value === undefined || (Array.isArray(value) && value.length === 0);
      if (missing && !problems.some((problem) => problem.startsWith(`${setting.env}:`))) {
        problems.push(`${setting.env}: required in production mode — ${setting.description}`);
      }
    }
  }
  if (raw.BOT_ID !== undefined) {
    const problem = botRegistrationProblem(
      (raw.BOT_APP_TYPE as BotAppType | undefined) ?? 'SingleTenant',
      raw.BOT_TENANT_ID as string | undefined,
    );
    if (problem !== undefined) problems.push(problem);
  }
  const metricsHost = typeof raw.METRICS_HOST === 'string' ? raw.METRICS_HOST : '127.0.0.1';
  if (
    mode === 'production' &&
    raw.METRICS_PORT !== undefined &&
    raw.METRICS_TOKEN === undefined &&
    !isLoopbackAddress(metricsHost)
  ) {
    problems.push(
      `METRICS_TOKEN: required in production when metrics listen on ${metricsHost} (not this machine only) — metrics name every client and its health; set a token of 16+ characters, or METRICS_HOST=127.0.0.1`,
    );
  }
  if (raw.DEMO_REPORTS_PACE_MS !== undefined && raw.DEMO_THROTTLING !== false) {
    problems.push(
      "DEMO_REPORTS_PACE_MS: needs DEMO_THROTTLING=false — the simulator enforces Graph's reports-tier limits, so a pace of its own only earns 429s",
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return toAppConfig(raw as RawSettings, mode);
}

function isLoopbackAddress(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * The bot's app type and tenant must agree, or every reply fails: a single-tenant bot gets its outbound tokens from
 * its own tenant (botbuilder asserts `MicrosoftAppTenantId` for `SingleTenant`), while a multi-tenant one gets them
 * from botframework.com and silently ignores a tenant id — so a tenant id next to `MultiTenant` means the operator
 * and the registration disagree. New bots are single-tenant: the app types are described in
 * https://learn.microsoft.com/azure/bot-service/bot-service-quickstart-registration, and multi-tenant bot creation
 * ended on 2025-07-31 (https://techcommunity.microsoft.com/blog/iis-support-blog/azure-bot-identity--application-with-identifier-x-was-not-found-in-the-directory/4475227).
 */
export function botRegistrationProblem(
  appType: BotAppType,
  tenantId: string | undefined,
): string | undefined {
  if (appType === 'SingleTenant' && tenantId === undefined) {
    return "BOT_TENANT_ID: required for a SingleTenant bot (BOT_APP_TYPE) — the tenant id of the bot's Entra app, which provisioning writes; set BOT_APP_TYPE=MultiTenant only for an existing multi-tenant registration";
  }
  if (appType === 'MultiTenant' && tenantId !== undefined) {
    return 'BOT_TENANT_ID: must be empty for a MultiTenant bot (BOT_APP_TYPE) — a multi-tenant bot authenticates through botframework.com; if the registration is single-tenant, set BOT_APP_TYPE=SingleTenant';
  }
  return undefined;
}

function toAppConfig(raw: RawSettings, mode: AppMode): AppConfig {
  const dataDir = path.resolve(raw.DATA_DIR);
  const store: StoreConfig =
    raw.DATABASE_URL === undefined
      ? { kind: 'sqlite', path: path.resolve(raw.SQLITE_PATH ?? path.join(dataDir, 'app.db')) }
      : { kind: 'postgres', url: raw.DATABASE_URL, schema: raw.DATABASE_SCHEMA ?? 'public' };
  return {
    mode,
    host: raw.HOST ?? (mode === 'demo' ? '127.0.0.1' : '0.0.0.0'),
    port: raw.PORT,
    publicBaseUrl: (raw.PUBLIC_BASE_URL ?? `http://localhost:${raw.PORT}`).replace(/\/+$/, ''),
    dataDir,
    store,
    secretsKey: raw.SECRETS_KEY === undefined ? undefined : Buffer.from(raw.SECRETS_KEY, 'base64'),
    teamsAppId: raw.TEAMS_APP_ID?.toLowerCase(),
    ownSecretsExpireAt: {
      botPassword: expiryInstant(raw.BOT_PASSWORD_EXPIRES_ON),
      consentAppSecret: expiryInstant(raw.CONSENT_APP_SECRET_EXPIRES_ON),
    },
    bot: {
      appId: raw.BOT_ID,
      password: raw.BOT_PASSWORD,
      appType: raw.BOT_APP_TYPE,
      tenantId: raw.BOT_TENANT_ID,
    },
    tab: { ssoClientId: raw.TAB_SSO_CLIENT_ID?.toLowerCase(), domain: raw.TAB_DOMAIN },
    allowedTenantIds: raw.ALLOWED_TENANT_IDS,
    partnerAdmins: raw.PARTNER_ADMINS.map((entry) => {
      const [tenantId = '', objectId = ''] = entry.split(':');
      return { tenantId, objectId };
    }),
    consentApp: {
      clientId: (raw.CONSENT_APP_CLIENT_ID ?? raw.TAB_SSO_CLIENT_ID)?.toLowerCase(),
      clientSecret: raw.CONSENT_APP_CLIENT_SECRET,
    },
    graph: {
      authorityHost: raw.AUTHORITY_HOST,
      graphBaseUrl: raw.GRAPH_BASE_URL,
      trustedCaPath: raw.TRUSTED_CA_PATH === undefined ? undefined : path.resolve(raw.TRUSTED_CA_PATH),
    },
    logLevel: raw.LOG_LEVEL,
    syncIntervalMinutes: raw.SYNC_INTERVAL_MINUTES,
    syncConcurrency: raw.SYNC_CONCURRENCY,
    metrics: { port: raw.METRICS_PORT, host: raw.METRICS_HOST, token: raw.METRICS_TOKEN },
    signInRetentionDays: raw.SIGN_IN_RETENTION_DAYS,
    alertsCheckSeconds: raw.ALERTS_CHECK_SECONDS,
    demo: {
      users: raw.DEMO_USERS,
      simPort: raw.DEMO_SIM_PORT,
      autoImport: raw.DEMO_AUTO_IMPORT,
      throttling: raw.DEMO_THROTTLING,
      reportsPaceMs: raw.DEMO_REPORTS_PACE_MS,
    },
    limits: {
      perAddressPerMinute: raw.RATE_LIMIT_PER_ADDRESS,
      perUserPerMinute: raw.RATE_LIMIT_PER_USER,
      exportsPerUser: raw.EXPORTS_PER_USER,
      exportConcurrency: raw.EXPORT_CONCURRENCY,
      trustedProxyHops: raw.TRUSTED_PROXY_HOPS,
    },
  };
}

/** The app's own secrets this configuration holds, with when each expires (watched by notifications and /healthz). */
export function ownSecretsOf(
  config: Pick<AppConfig, 'bot' | 'consentApp' | 'ownSecretsExpireAt'>,
): OwnSecretExpiry[] {
  return [
    ...(config.bot.password === undefined
      ? []
      : [{ secret: 'bot_password' as const, expiresAt: config.ownSecretsExpireAt.botPassword }]),
    ...(config.consentApp.clientSecret === undefined
      ? []
      : [{ secret: 'consent_app_secret' as const, expiresAt: config.ownSecretsExpireAt.consentAppSecret }]),
  ];
}

/** A day alone counts from its start (00:00 UTC): a warning comes a few hours early rather than late. */
function expiryInstant(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
  return new Date(day ? `${value}T00:00:00.000Z` : value).toISOString();
}

/** The README's configuration table, generated from the settings list (a test keeps the README in step). */
export function renderConfigTable(): string {
  const lines = [
    '| variable | default | required in production | what it does |',
    '| --- | --- | --- | --- |',
  ];
  for (const setting of definitions) {
    const fallback = setting.defaultText === undefined ? '—' : `\`${setting.defaultText}\``;
    const required = setting.requiredInProduction === true ? 'yes' : '';
    lines.push(`| \`${setting.env}\` | ${fallback} | ${required} | ${setting.description} |`);
  }
  return lines.join('\n');
}
