import { z } from 'zod/v4';
import { GUID_PATTERN } from '../contracts/values.js';

/**
 * Every setting the app reads, in one table: its environment variable, its schema (with the default), whether
 * production requires it, and the sentence the README shows. `loadConfig` parses them; `renderConfigTable` prints
 * the README's table from this very list, and a test keeps the two in step.
 */
export interface SettingDefinition {
  readonly env: string;
  readonly schema: z.ZodType;
  /** Shown in the README; `undefined` means "no default". */
  readonly defaultText?: string;
  readonly requiredInProduction?: boolean;
  /** A secret: never logged, never echoed back in an error. */
  readonly secret?: boolean;
  readonly description: string;
}

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const positiveInt = (min: number, max: number, fallback: number): z.ZodType<number> =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** `true` or `false` (the words), with a default. */
/** A whole number in [min, max], or unset; `what` names the unit in the error ("must be a port number"). */
const optionalInt = (min: number, max: number, what: string): z.ZodType<number | undefined> =>
  optionalText.pipe(
    z
      .string()
      .regex(/^\d+$/, `must be ${what}`)
      .transform(Number)
      .pipe(z.number().int().min(min).max(max))
      .optional(),
  );
const flag = (fallback: 'true' | 'false'): z.ZodType<boolean> =>
  z
    .enum(['true', 'false'])
    .default(fallback)
    .transform((value) => value === 'true');

const guidList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim().toLowerCase())
      .filter((item) => item !== ''),
  )
  .pipe(z.array(z.string().regex(GUID_PATTERN, 'each entry must be a tenant id GUID')));

const principalList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim().toLowerCase())
      .filter((item) => item !== ''),
  )
  .pipe(
    z.array(
      z
        .string()
        .regex(
          /^[0-9a-f-]{36}:[0-9a-f-]{36}$/,
          'each entry must be <tenant id>:<object id> (two GUIDs separated by a colon)',
        ),
    ),
  );

/** A day (`2026-11-26`) or an instant (`2026-11-26T10:00:00Z`, as Entra shows a secret's end date). */
const optionalExpiry = optionalText.pipe(
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/, 'must be a date such as 2026-11-26')
    .refine((value) => !Number.isNaN(Date.parse(value)), 'must be a real date such as 2026-11-26')
    .optional(),
);

const httpsUrl = (fallback: string): z.ZodType<string> =>
  z
    .string()
    .trim()
    .default(fallback)
    .pipe(z.url({ protocol: /^https$/, error: 'must be an https:// URL' }))
    .transform((value) => value.replace(/\/+$/, ''));

/**
 * A secrets key must be 32 random bytes, written in canonical base64. Node decodes base64 leniently (it skips what
 * it cannot read), so the text is re-encoded and compared; a key that is plainly not random — all bytes the same,
 * few distinct bytes, or nothing but printable text — is refused, since the same key also derives the consent-state
 * signing key. (32 random bytes have ~30 distinct values; fewer than 16, or all 32 printable, happen by chance with
 * a probability below 10⁻¹⁰.)
 */
function isCanonicalKey(value: string): boolean {
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === 32 && bytes.toString('base64') === value;
}

function looksRandom(value: string): boolean {
  const bytes = Buffer.from(value, 'base64');
  if (!isCanonicalKey(value)) return true; // reported by the first check
  const printable = bytes.every((byte) => byte >= 0x20 && byte <= 0x7e);
  return new Set(bytes).size >= 16 && !printable;
}

/** The public address: https, except on this machine (a local try-out of production mode). */
const publicBaseUrl = optionalText.pipe(
  z
    .url({ protocol: /^https?$/, error: 'must be an https:// URL' })
    .refine((value) => {
      const url = new URL(value);
      return url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    }, 'must be an https:// URL (plain http only for localhost): Teams and Entra reach the app over https')
    .optional(),
);

export const settings = [
  {
    env: 'APP_MODE',
    schema: z.enum(['demo', 'production']).default('demo'),
    defaultText: 'demo',
    description:
      '`demo` runs on embedded defaults with the built-in simulated tenant; `production` talks to Microsoft and requires the settings marked required.',
  },
  {
    env: 'PORT',
    schema: positiveInt(0, 65535, 3978),
    defaultText: '3978',
    description: 'HTTP port of the server (bot endpoint, tab, tab API, consent callback, /healthz).',
  },
  {
    env: 'HOST',
    schema: optionalText,
    defaultText: '127.0.0.1 in demo mode, 0.0.0.0 in production',
    description:
      'Address the server listens on. Demo mode listens on this machine only; set 0.0.0.0 to reach it from elsewhere (its demo-only pages still answer only local requests).',
  },
  {
    env: 'PUBLIC_BASE_URL',
    schema: publicBaseUrl,
    requiredInProduction: true,
    description:
      'The public https address of this server (used for the admin-consent redirect and deep links). Demo: http://localhost:PORT.',
  },
  {
    env: 'DATA_DIR',
    schema: z.string().trim().min(1).default('./data'),
    defaultText: './data',
    description: 'Folder for the SQLite database, the demo secrets key and the simulator certificate.',
  },
  {
    env: 'SQLITE_PATH',
    schema: optionalText,
    defaultText: '<DATA_DIR>/app.db',
    description: 'SQLite database file, used when DATABASE_URL is not set.',
  },
  {
    env: 'DATABASE_URL',
    schema: optionalText.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
        .optional(),
    ),
    secret: true,
    description:
      'PostgreSQL connection string; when set, PostgreSQL is the store and several instances can share the work.',
  },
  {
    env: 'DATABASE_SCHEMA',
    schema: optionalText.pipe(
      z
        .string()
        .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier')
        .optional(),
    ),
    defaultText: 'public',
    description: 'PostgreSQL schema holding the tables (and the job queue).',
  },
  {
    env: 'SECRETS_KEY',
    schema: optionalText.pipe(
      z
        .string()
        .refine(isCanonicalKey, 'must be 32 random bytes in base64 (openssl rand -base64 32)')
        .refine(
          looksRandom,
          'is not random (too few distinct bytes, or plain text): generate one with openssl rand -base64 32',
        )
        .optional(),
    ),
    requiredInProduction: true,
    secret: true,
    description:
      'AES-256-GCM key (32 bytes, base64) that encrypts client secrets at rest. Demo mode generates one in DATA_DIR with owner-only permissions.',
  },
  {
    env: 'TEAMS_APP_ID',
    schema: optionalText.pipe(
      z.string().regex(GUID_PATTERN, 'must be the Teams app id GUID (the manifest `id`)').optional(),
    ),
    requiredInProduction: true,
    description:
      'The Teams app id (manifest `id`, written by provisioning as TEAMS_APP_ID): card buttons open the tab through Teams deep links to this app. Demo mode uses a fixed local id.',
  },
  {
    env: 'BOT_ID',
    schema: optionalText,
    requiredInProduction: true,
    description:
      'Microsoft App ID of the bot registration. Empty only in demo mode (anonymous local traffic).',
  },
  {
    env: 'BOT_PASSWORD',
    schema: optionalText,
    requiredInProduction: true,
    secret: true,
    description: 'Client secret of the bot registration.',
  },
  {
    env: 'BOT_APP_TYPE',
    schema: z
      .enum(['SingleTenant', 'MultiTenant'], { error: 'must be SingleTenant or MultiTenant' })
      .default('SingleTenant'),
    defaultText: 'SingleTenant',
    description:
      "How the bot's Entra app is registered: `SingleTenant` (what Microsoft creates for new bots, and what provisioning writes) needs BOT_TENANT_ID; `MultiTenant` only for an existing multi-tenant registration, without BOT_TENANT_ID.",
  },
  {
    env: 'BOT_TENANT_ID',
    schema: optionalText.pipe(z.string().regex(GUID_PATTERN, 'must be a tenant id GUID').optional()),
    description:
      "Tenant id of the bot's Entra app (written by provisioning); required for a `SingleTenant` bot, empty for `MultiTenant`.",
  },
  {
    env: 'BOT_PASSWORD_EXPIRES_ON',
    schema: optionalExpiry,
    description:
      'When BOT_PASSWORD expires (written by provisioning). Notifications and /healthz warn 30, 7 and 1 days before; without it the expiry is reported as unknown.',
  },
  {
    env: 'TAB_SSO_CLIENT_ID',
    schema: optionalText.pipe(
      z.string().regex(GUID_PATTERN, 'must be an application (client) id GUID').optional(),
    ),
    requiredInProduction: true,
    description:
      'Application (client) id of the Entra app that issues tab SSO tokens (`aud` of the tokens the tab API accepts).',
  },
  {
    env: 'TAB_DOMAIN',
    schema: optionalText,
    requiredInProduction: true,
    description:
      'Host name of the tab (for `api://<TAB_DOMAIN>/<client id>` audiences), e.g. idm.contoso-msp.com.',
  },
  {
    env: 'ALLOWED_TENANT_IDS',
    schema: guidList,
    requiredInProduction: true,
    description:
      "Comma-separated tenant ids whose users may sign in to the tab and talk to the bot (the MSP's own tenant); connected clients' tenants are allowed too.",
  },
  {
    env: 'PARTNER_ADMINS',
    schema: principalList,
    requiredInProduction: true,
    description:
      'Comma-separated `<tenant id>:<object id>` of the first partner admins (all clients, all actions). More can be assigned in the app.',
  },
  {
    env: 'CONSENT_APP_CLIENT_ID',
    schema: optionalText.pipe(
      z.string().regex(GUID_PATTERN, 'must be an application (client) id GUID').optional(),
    ),
    description:
      'Our own multi-tenant Entra app used for SSO / admin-consent integrations (defaults to TAB_SSO_CLIENT_ID).',
  },
  {
    env: 'CONSENT_APP_CLIENT_SECRET',
    schema: optionalText,
    secret: true,
    description: 'Client secret of the admin-consent app; needed to call Graph for consented tenants.',
  },
  {
    env: 'CONSENT_APP_SECRET_EXPIRES_ON',
    schema: optionalExpiry,
    description:
      'When CONSENT_APP_CLIENT_SECRET expires (written by provisioning). Notifications and /healthz warn 30, 7 and 1 days before.',
  },
  {
    env: 'AUTHORITY_HOST',
    schema: httpsUrl('https://login.microsoftonline.com'),
    defaultText: 'https://login.microsoftonline.com',
    description: 'Entra ID authority host (the simulator stands in for it in demo mode and tests).',
  },
  {
    env: 'GRAPH_BASE_URL',
    schema: httpsUrl('https://graph.microsoft.com'),
    defaultText: 'https://graph.microsoft.com',
    description: 'Microsoft Graph base URL (without version).',
  },
  {
    env: 'TRUSTED_CA_PATH',
    schema: optionalText,
    description:
      'PEM file of an extra certificate authority to trust for the authority and Graph hosts (the simulator sets its own in demo mode).',
  },
  {
    env: 'LOG_LEVEL',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    defaultText: 'info',
    description: 'pino log level.',
  },
  {
    env: 'SYNC_INTERVAL_MINUTES',
    schema: positiveInt(1, 1440, 15),
    defaultText: '15',
    description: 'How often each client is synchronised with its tenant.',
  },
  {
    env: 'ALERTS_CHECK_SECONDS',
    schema: positiveInt(1, 3600, 60),
    defaultText: '60',
    description:
      "How often each client's alerts held for a digest, its weekly summary and its webhook deliveries (and their retries) are checked.",
  },
  {
    env: 'SIGN_IN_RETENTION_DAYS',
    schema: positiveInt(1, 3650, 90),
    defaultText: '90',
    description: 'How long sign-in events are kept before pruning (aggregates and last activity stay).',
  },
  {
    env: 'RATE_LIMIT_PER_ADDRESS',
    schema: positiveInt(10, 1_000_000, 1200),
    defaultText: '1200',
    description:
      'Requests per minute one client address may send (all routes but /healthz), counted before authentication; above it the answer is 429 with Retry-After. Shared by all instances on PostgreSQL.',
  },
  {
    env: 'RATE_LIMIT_PER_USER',
    schema: positiveInt(10, 1_000_000, 600),
    defaultText: '600',
    description:
      'Requests per minute one signed-in person may send to the tab API and the bot; above it the answer is 429 with Retry-After. Shared by all instances on PostgreSQL.',
  },
  {
    env: 'EXPORTS_PER_USER',
    schema: positiveInt(1, 1000, 1),
    defaultText: '1',
    description:
      'CSV exports one person may have running at once (more are answered 429); they are streamed, and at most EXPORT_CONCURRENCY run in the process.',
  },
  {
    env: 'EXPORT_CONCURRENCY',
    schema: positiveInt(1, 64, 2),
    defaultText: '2',
    description:
      'CSV exports running at once in one instance; further ones wait for a slot (up to 30 s, else 429).',
  },
  {
    env: 'TRUSTED_PROXY_HOPS',
    schema: positiveInt(0, 10, 0),
    defaultText: '0',
    description:
      'Reverse proxies in front of the server that append to X-Forwarded-For: the client address for rate limits is read that many entries from the right. 0 = the socket address. Never used to decide that a request is local.',
  },
  {
    env: 'SYNC_CONCURRENCY',
    schema: positiveInt(1, 256, 64),
    defaultText: '64',
    description:
      "Client syncs one instance runs at once. They wait on Graph, not on the CPU — most of a first sync is the reports tier's spacing (sign-ins, activity, MFA registration: one request every 2–6 s per tenant) — so a slot costs little; each tenant's own Graph limits apply within its run. Queued syncs start in priority order (a just-connected client and *Sync now* first), then oldest first. 64 lets an estate of 200 tenants onboarded at once start its largest within minutes (`bench:estate`: one instance peaked near 1 GB doing so); lower it on a small machine.",
  },
  {
    env: 'METRICS_PORT',
    schema: optionalInt(1, 65535, 'a port number'),
    description:
      'Port of the Prometheus endpoint `/metrics` (a listener of its own, never the public port). Unset: no metrics endpoint.',
  },
  {
    env: 'METRICS_HOST',
    schema: z.string().trim().default('127.0.0.1'),
    defaultText: '127.0.0.1',
    description:
      'Address the metrics listener binds. Anything but a loopback address needs METRICS_TOKEN in production.',
  },
  {
    env: 'METRICS_TOKEN',
    schema: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    secret: true,
    description:
      'Bearer token `/metrics` requires (`Authorization: Bearer <token>`); without it the endpoint answers anyone who can reach METRICS_HOST:METRICS_PORT.',
  },
  {
    env: 'DEMO_USERS',
    schema: positiveInt(10, 200_000, 2000),
    defaultText: '2000',
    description: 'Demo mode: number of users in the built-in simulated tenant.',
  },
  {
    env: 'DEMO_AUTO_IMPORT',
    schema: flag('true'),
    defaultText: 'true',
    description:
      "Demo mode: start the demo client's initial import at start-up; `false` leaves that step to you (to try group exclusions with the billing preview first).",
  },
  {
    env: 'DEMO_THROTTLING',
    schema: flag('true'),
    defaultText: 'true',
    description:
      "Demo mode: the simulator enforces Microsoft Graph's documented throttling limits (reports: 5 requests per 10 s per app and tenant, signInActivity 10 per minute; directory: resource units per 10 s by tenant size) and answers 429 with Retry-After, which the product honours; `false` turns it off (benchmarks, and tests that are not about throttling).",
  },
  {
    env: 'DEMO_REPORTS_PACE_MS',
    schema: optionalInt(0, 60_000, 'a number of milliseconds'),
    description:
      "Demo mode: the spacing of the product's reports-tier requests (sign-ins, MFA registrations, signInActivity) to the simulated tenant, in ms. Unset: the pacing used with Microsoft Graph (one request every 2 s, 6 s for signInActivity). Needs DEMO_THROTTLING=false (with the simulator's throttling on, a faster pace only earns 429s): the tests, to read 30 days of sign-ins in seconds.",
  },
  {
    env: 'DEMO_SIM_PORT',
    schema: positiveInt(0, 65535, 8443),
    defaultText: '8443',
    description: 'Demo mode: HTTPS port of the in-process Entra ID / Graph simulator (0 picks a free port).',
  },
] as const satisfies readonly SettingDefinition[];
