import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { ConfigError, loadConfig, renderConfigTable } from '../../../src/config/load-config.js';

const productionEnv = {
  APP_MODE: 'production',
  PUBLIC_BASE_URL: 'https://idm.contoso-msp.com',
  SECRETS_KEY: crypto.randomBytes(32).toString('base64'),
  BOT_ID: '11111111-1111-1111-1111-111111111111',
  BOT_PASSWORD: 'bot-password',
  BOT_TENANT_ID: '33333333-3333-3333-3333-333333333333',
  TEAMS_APP_ID: '55555555-5555-5555-5555-555555555555',
  TAB_SSO_CLIENT_ID: '22222222-2222-2222-2222-222222222222',
  TAB_DOMAIN: 'idm.contoso-msp.com',
  ALLOWED_TENANT_IDS: '33333333-3333-3333-3333-333333333333',
  PARTNER_ADMINS: '33333333-3333-3333-3333-333333333333:44444444-4444-4444-4444-444444444444',
};

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  assert.fail('expected the configuration to be refused');
}

describe('configuration', () => {
  it('runs on embedded defaults in demo mode: SQLite in ./data, port 3978, Microsoft hosts', () => {
    const config = loadConfig({});
    assert.equal(config.mode, 'demo');
    assert.equal(config.port, 3978);
    assert.ok(
      config.store.kind === 'sqlite' && config.store.path.endsWith('/data/app.db'),
      JSON.stringify(config.store),
    );
    assert.equal(config.graph.authorityHost, 'https://login.microsoftonline.com');
    assert.equal(config.graph.graphBaseUrl, 'https://graph.microsoft.com');
    assert.equal(config.syncIntervalMinutes, 15);
    assert.equal(config.secretsKey, undefined);
    assert.equal(config.demo.throttling, true, 'the demo simulator throttles as Graph does');
  });

  it("turns the demo simulator's Graph throttling off only when told (DEMO_THROTTLING=false, for benchmarks)", () => {
    assert.equal(loadConfig({ DEMO_THROTTLING: 'false' }).demo.throttling, false);
    assert.equal(loadConfig({ DEMO_THROTTLING: 'true' }).demo.throttling, true);
    assert.throws(() => loadConfig({ DEMO_THROTTLING: 'off' }), /DEMO_THROTTLING/);
  });

  it('checks alerts every minute unless ALERTS_CHECK_SECONDS says otherwise (1 s to 1 hour)', () => {
    assert.equal(loadConfig({}).alertsCheckSeconds, 60);
    assert.equal(loadConfig({ ALERTS_CHECK_SECONDS: '2' }).alertsCheckSeconds, 2);
    for (const bad of ['0', '3601', '1.5', 'soon'])
      assert.deepEqual(
        problemsOf({ ALERTS_CHECK_SECONDS: bad }).map((problem) => problem.split(':')[0]),
        ['ALERTS_CHECK_SECONDS'],
        bad,
      );
  });

  it("paces the demo's reports-tier requests as with Graph unless DEMO_REPORTS_PACE_MS is set, and only without throttling", () => {
    assert.equal(loadConfig({}).demo.reportsPaceMs, undefined);
    assert.equal(loadConfig({ DEMO_THROTTLING: 'false', DEMO_REPORTS_PACE_MS: '0' }).demo.reportsPaceMs, 0);
    assert.equal(
      loadConfig({ DEMO_THROTTLING: 'false', DEMO_REPORTS_PACE_MS: '250' }).demo.reportsPaceMs,
      250,
    );
    const refused = problemsOf({ DEMO_REPORTS_PACE_MS: '0' });
    assert.equal(refused.length, 1);
    assert.match(refused[0] ?? '', /^DEMO_REPORTS_PACE_MS: needs DEMO_THROTTLING=false/);
    for (const bad of ['-1', '60001', '2.5', 'fast'])
      assert.deepEqual(
        problemsOf({ DEMO_THROTTLING: 'false', DEMO_REPORTS_PACE_MS: bad }).map(
          (problem) => problem.split(':')[0],
        ),
        ['DEMO_REPORTS_PACE_MS'],
        bad,
      );
  });

  it('refuses to start in production without bot credentials or secrets key, naming every missing setting', () => {
    const problems = problemsOf({ APP_MODE: 'production' });
    const named = problems.map((problem) => problem.split(':')[0]);
    assert.deepEqual(
      [...named].sort(),
      [
        'ALLOWED_TENANT_IDS',
        'BOT_ID',
        'BOT_PASSWORD',
        'PARTNER_ADMINS',
        'PUBLIC_BASE_URL',
        'SECRETS_KEY',
        'TAB_DOMAIN',
        'TAB_SSO_CLIENT_ID',
        'TEAMS_APP_ID',
      ].sort(),
    );
  });

  it('accepts a complete production configuration and selects PostgreSQL from DATABASE_URL', () => {
    const config = loadConfig({ ...productionEnv, DATABASE_URL: 'postgres://app@db/idm' });
    assert.equal(config.mode, 'production');
    assert.deepEqual(config.store, { kind: 'postgres', url: 'postgres://app@db/idm', schema: 'public' });
    assert.equal(config.secretsKey?.length, 32);
    assert.deepEqual(config.partnerAdmins, [
      { tenantId: '33333333-3333-3333-3333-333333333333', objectId: '44444444-4444-4444-4444-444444444444' },
    ]);
    assert.equal(config.consentApp.clientId, productionEnv.TAB_SSO_CLIENT_ID);
  });

  it('runs the bot as the single-tenant registration provisioning creates, pinned to its tenant', () => {
    const config = loadConfig(productionEnv);
    assert.deepEqual(config.bot, {
      appId: productionEnv.BOT_ID,
      password: productionEnv.BOT_PASSWORD,
      appType: 'SingleTenant',
      tenantId: productionEnv.BOT_TENANT_ID,
    });
  });

  it('refuses a bot app type and tenant id that disagree, saying which setting to fix', () => {
    const { BOT_TENANT_ID: _tenant, ...withoutTenant } = productionEnv;

    const singleWithoutTenant = problemsOf(withoutTenant);
    const multiWithTenant = problemsOf({ ...productionEnv, BOT_APP_TYPE: 'MultiTenant' });
    const unknownType = problemsOf({ ...productionEnv, BOT_APP_TYPE: 'UserAssignedMSI' });

    assert.deepEqual(singleWithoutTenant.length, 1);
    assert.match(singleWithoutTenant[0] ?? '', /^BOT_TENANT_ID: required for a SingleTenant bot/);
    assert.deepEqual(multiWithTenant.length, 1);
    assert.match(multiWithTenant[0] ?? '', /^BOT_TENANT_ID: must be empty for a MultiTenant bot/);
    assert.match(unknownType.join('\n'), /^BOT_APP_TYPE: must be SingleTenant or MultiTenant/m);
  });

  it('accepts an existing multi-tenant bot registration without a tenant id', () => {
    const { BOT_TENANT_ID: _tenant, ...withoutTenant } = productionEnv;
    const config = loadConfig({ ...withoutTenant, BOT_APP_TYPE: 'MultiTenant' });
    assert.equal(config.bot.appType, 'MultiTenant');
    assert.equal(config.bot.tenantId, undefined);
  });

  it('reports every malformed value together, without echoing secret values', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      SECRETS_KEY: 'too-short-secret-value',
      AUTHORITY_HOST: 'http://login.example.com',
      ALLOWED_TENANT_IDS: 'contoso',
      SYNC_INTERVAL_MINUTES: '0',
      DATABASE_URL: 'mysql://x',
    });
    const named = problems.map((problem) => problem.split(':')[0]).sort();
    assert.deepEqual(named, [
      'ALLOWED_TENANT_IDS',
      'AUTHORITY_HOST',
      'DATABASE_URL',
      'PORT',
      'SECRETS_KEY',
      'SYNC_INTERVAL_MINUTES',
    ]);
    assert.ok(!problems.join('\n').includes('too-short-secret-value'));
  });

  for (const [why, key] of [
    ['all-zero', Buffer.alloc(32).toString('base64')],
    ['one repeated byte', Buffer.alloc(32, 7).toString('base64')],
    ['repeated characters', 'a'.repeat(43)],
    ['plain text', 'ThisIsNotBase64AtAll_ButItIsFortyThreeChars'],
    [
      'printable bytes only',
      Buffer.from('correct horse battery staple 1234').subarray(0, 32).toString('base64'),
    ],
    ['non-canonical base64', `${crypto.randomBytes(32).toString('base64').slice(0, -1)}!`],
  ] as const) {
    it(`refuses a ${why} SECRETS_KEY in production`, () => {
      const problems = problemsOf({ ...productionEnv, SECRETS_KEY: key });
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0] ?? '', /^SECRETS_KEY: .*openssl rand -base64 32/);
    });
  }

  it('refuses a plain-http PUBLIC_BASE_URL in production, except for this machine', () => {
    assert.deepEqual(
      problemsOf({ ...productionEnv, PUBLIC_BASE_URL: 'http://idm.example.com' }).map((p) => p.split(':')[0]),
      ['PUBLIC_BASE_URL'],
    );
    assert.equal(
      loadConfig({ ...productionEnv, PUBLIC_BASE_URL: 'http://localhost:3978' }).publicBaseUrl,
      'http://localhost:3978',
    );
  });

  it('serves metrics only on METRICS_PORT, on this machine unless told otherwise, and never openly in production', () => {
    assert.deepEqual(loadConfig({}).metrics, { port: undefined, host: '127.0.0.1', token: undefined });
    assert.equal(loadConfig({ ...productionEnv, METRICS_PORT: '9464' }).metrics.host, '127.0.0.1');
    const open = { ...productionEnv, METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' };
    const problems = problemsOf(open);
    assert.equal(problems.length, 1);
    assert.match(
      problems[0] ?? '',
      /^METRICS_TOKEN: required in production when metrics listen on 0\.0\.0\.0/,
    );
    const token = 'a'.repeat(8) + crypto.randomBytes(12).toString('hex');
    assert.deepEqual(loadConfig({ ...open, METRICS_TOKEN: token }).metrics, {
      port: 9464,
      host: '0.0.0.0',
      token,
    });
    assert.deepEqual(
      problemsOf({ METRICS_PORT: 'http', METRICS_TOKEN: 'short' })
        .map((problem) => problem.split(':')[0])
        .sort(),
      ['METRICS_PORT', 'METRICS_TOKEN'],
    );
    assert.ok(
      !problemsOf({ METRICS_TOKEN: 'short' }).join('\n').includes('short'),
      'the token is never echoed',
    );
  });

  it('is documented: the README configuration table is the one generated from the schema', () => {
    const readme = fs.readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    assert.ok(
      readme.includes(renderConfigTable()),
      'README.md is out of date: paste `npm run --silent docs:config` into it',
    );
  });
});
