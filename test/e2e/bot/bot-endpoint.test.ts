import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import restify from 'restify';
import { createBotAdapter } from '../../../bot/bot-adapter.js';
import { TabLinks } from '../../../bot/tab-links.js';
import { AppError } from '../../../src/shared/errors.js';
import {
  MSP_TENANT,
  PARTNER_ADMIN_ID,
  startCore,
  type CoreHarness,
} from '../../integration/services/fixtures/core-harness.js';
import { mountBotRoutes } from '../../../server/bot-routes.js';
import { TeamsNotifier } from '../../../bot/teams-notifier.js';

/** The tenant of the bot's Entra app when the bot runs with credentials (single-tenant, as provisioned). */
const BOT_TENANT = MSP_TENANT;

/**
 * The bot endpoint in process, over real HTTP: authentication, tenants, malformed envelopes and the conversation
 * lifecycle. Replies go to a minimal Bot Framework connector on loopback (the Playground covers the rest).
 */
describe('bot endpoint /api/messages', function () {
  this.timeout(30_000);
  let harness: CoreHarness;
  let connector: http.Server;
  let connectorUrl: string;
  const posted: { path: string; body: unknown }[] = [];

  before(async () => {
    harness = await startCore('sqlite');
    connector = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        posted.push({ path: req.url ?? '', body: body === '' ? undefined : (JSON.parse(body) as unknown) });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `activity-${String(posted.length)}` }));
      });
    });
    await new Promise<void>((resolve) => connector.listen(0, '127.0.0.1', resolve));
    connectorUrl = `http://127.0.0.1:${String((connector.address() as AddressInfo).port)}/`;
  });

  after(async () => {
    await new Promise<void>((resolve) => {
      connector.close(() => {
        resolve();
      });
    });
    await harness.dispose();
  });

  /** A restify server with the bot mounted, as the composition root does it; credentials make it authenticated. */
  async function serve(bot: {
    appId?: string;
    password?: string;
    issuer?: { metadataUrl: string; issuer: string };
  }): Promise<{ url: string; close: () => Promise<void> }> {
    const adapter = createBotAdapter(
      {
        mode: 'demo',
        bot: {
          appId: bot.appId,
          password: bot.password,
          appType: 'SingleTenant',
          tenantId: bot.appId === undefined ? undefined : BOT_TENANT,
        },
      },
      bot.issuer === undefined
        ? {}
        : { openIdMetadataUrl: bot.issuer.metadataUrl, tokenIssuer: bot.issuer.issuer },
    );
    const links = new TabLinks({
      publicBaseUrl: 'http://localhost',
      teamsAppId: '2b7e1a3c-0000-4000-8000-000000000001',
    });
    // The bot reads its own body, bounded, after its credentials were checked (server/json-body.ts).
    const server = restify.createServer();
    mountBotRoutes(server, {
      core: harness.core,
      logger: harness.core.logger,
      edge: {
        adapter,
        links,
        notifier: new TeamsNotifier({ adapter: adapter.adapter, botAppId: adapter.appId, links }),
      },
      isTenantAllowed: (tenantId) => Promise.resolve(tenantId === MSP_TENANT),
    });
    await new Promise<void>((resolve) => {
      server.listen(0, '127.0.0.1', () => {
        resolve();
      });
    });
    const port = (server.server.address() as AddressInfo).port;
    return {
      url: `http://127.0.0.1:${String(port)}/api/messages`,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => {
            resolve();
          });
        }),
    };
  }

  function activity(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: 'incoming-1',
      channelId: 'msteams',
      serviceUrl: connectorUrl,
      from: { id: '29:megan', aadObjectId: PARTNER_ADMIN_ID, name: 'Megan' },
      recipient: { id: '28:bot', name: 'Identity Manager' },
      conversation: { id: 'a:endpoint-test', conversationType: 'personal', tenantId: MSP_TENANT },
      channelData: { tenant: { id: MSP_TENANT } },
      value: { action: { type: 'Action.Execute', verb: 'help.show', data: {} }, trigger: 'manual' },
      ...overrides,
    };
  }

  async function post(
    url: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: unknown }> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  }

  function cardText(body: unknown): string {
    return JSON.stringify((body as { value?: unknown } | undefined)?.value ?? body);
  }

  it('with bot credentials configured, a request without a valid Bot Framework token is refused with 401', async () => {
    const bot = await serve({ appId: '6f0c1b2a-0000-4000-8000-000000000001', password: 'not-a-real-secret' });
    try {
      assert.equal((await post(bot.url, activity())).status, 401);
      assert.equal((await post(bot.url, activity(), { authorization: 'Bearer garbage' })).status, 401);
      const forged =
        'eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRwczovL2FwaS5ib3RmcmFtZXdvcmsuY29tIiwiYXVkIjoiNmYwYzFiMmEtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAxIn0.';
      assert.equal((await post(bot.url, activity(), { authorization: `Bearer ${forged}` })).status, 401);
    } finally {
      await bot.close();
    }
  });

  it('a Bot Framework token is checked for signature, issuer, audience, expiry and service URL', async () => {
    const appId = '6f0c1b2a-0000-4000-8000-000000000002';
    const issuerName = 'https://api.botframework.test';
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const other = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'key-1', use: 'sig', endorsements: ['msteams'] };
    // A local stand-in for login.botframework.com: the OpenID metadata and the signing keys.
    const keys = http.createServer((req, res) => {
      const base = `http://127.0.0.1:${String((keys.address() as AddressInfo).port)}`;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          req.url === '/keys' ? { keys: [jwk] } : { issuer: issuerName, jwks_uri: `${base}/keys` },
        ),
      );
    });
    await new Promise<void>((resolve) => keys.listen(0, '127.0.0.1', resolve));
    const metadataUrl = `http://127.0.0.1:${String((keys.address() as AddressInfo).port)}/metadata`;
    const bot = await serve({
      appId,
      password: 'not-a-real-secret',
      issuer: { metadataUrl, issuer: issuerName },
    });
    const token = (
      claims: Record<string, unknown>,
      key: CryptoKey = privateKey,
      expiresIn = '5m',
    ): Promise<string> =>
      new SignJWT({ serviceurl: connectorUrl, ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'key-1' })
        .setIssuer(typeof claims.iss === 'string' ? claims.iss : issuerName)
        .setAudience(typeof claims.aud === 'string' ? claims.aud : appId)
        .setIssuedAt()
        .setNotBefore('-1m')
        .setExpirationTime(expiresIn)
        .sign(key);
    const bearer = async (
      claims: Record<string, unknown>,
      key?: CryptoKey,
      expiresIn?: string,
    ): Promise<Record<string, string>> => ({
      authorization: `Bearer ${await token(claims, key, expiresIn)}`,
    });
    try {
      const valid = await post(bot.url, activity(), await bearer({}));
      assert.equal(valid.status, 200, JSON.stringify(valid.body));
      assert.match(cardText(valid.body), /Entra identity manager/);

      assert.equal(
        (await post(bot.url, activity(), await bearer({}, other.privateKey))).status,
        401,
        'another key',
      );
      assert.equal(
        (await post(bot.url, activity(), await bearer({ aud: 'someone-else' }))).status,
        401,
        'audience',
      );
      assert.equal(
        (await post(bot.url, activity(), await bearer({ iss: 'https://evil.example' }))).status,
        401,
        'issuer',
      );
      assert.equal(
        (await post(bot.url, activity(), await bearer({}, privateKey, '-10m'))).status,
        401,
        'expired',
      );
      assert.equal(
        (await post(bot.url, activity(), await bearer({ serviceurl: 'http://127.0.0.1:1/' }))).status,
        401,
        'service URL',
      );
      assert.equal((await post(bot.url, activity())).status, 401, 'no token');
    } finally {
      await bot.close();
      await new Promise<void>((resolve) => {
        keys.close(() => {
          resolve();
        });
      });
    }
  });

  it('outside demo mode the bot refuses to start without credentials', () => {
    assert.throws(
      () =>
        createBotAdapter({
          mode: 'production',
          bot: { appId: undefined, password: undefined, appType: 'SingleTenant', tenantId: undefined },
        }),
      (error: unknown) => error instanceof AppError && error.code === 'bot_credentials_missing',
    );
  });

  it('anonymous demo traffic is accepted only from a client on this machine', async () => {
    const bot = await serve({});
    try {
      const local = await post(bot.url, activity());
      assert.equal(local.status, 200);
      assert.match(cardText(local.body), /Entra identity manager/);
      const remote = await post(bot.url, activity({ serviceUrl: 'https://smba.trafficmanager.net/emea/' }));
      assert.equal(remote.status, 400);
    } finally {
      await bot.close();
    }
  });

  it('someone from a tenant that is neither the MSP’s nor a client’s is refused, and their conversation is not kept', async () => {
    const bot = await serve({});
    try {
      const stranger = '12345678-0000-4000-8000-00000000dead';
      const answer = await post(
        bot.url,
        activity({
          conversation: { id: 'a:stranger', conversationType: 'personal', tenantId: stranger },
          channelData: { tenant: { id: stranger } },
        }),
      );
      assert.equal(answer.status, 200);
      assert.match(cardText(answer.body), /Not allowed/);
      assert.match(cardText(answer.body), /not one of them/);
      const anonymous = await post(bot.url, activity({ from: { id: '29:nobody' } }));
      assert.match(cardText(anonymous.body), /cannot tell who you are/);
      const rows = await harness.core.database.db
        .selectFrom('conversation_references')
        .select('conversation_id')
        .where('conversation_id', '=', 'a:stranger')
        .execute();
      assert.deepEqual(rows, []);
    } finally {
      await bot.close();
    }
  });

  it('malformed envelopes and other invokes get a 4xx, never a 5xx', async () => {
    const bot = await serve({});
    try {
      assert.equal((await post(bot.url, { type: 'message' })).status, 400);
      assert.equal((await post(bot.url, activity({ conversation: 'x' }))).status, 400);
      assert.equal((await post(bot.url, activity({ name: 'composeExtension/query' }))).status, 400);
      const unknownVerb = await post(
        bot.url,
        activity({ value: { action: { type: 'Action.Execute', verb: 'user.delete', data: {} } } }),
      );
      assert.equal(unknownVerb.status, 200);
      assert.match(cardText(unknownVerb.body), /Unknown action/);
      const badData = await post(
        bot.url,
        activity({
          value: { action: { type: 'Action.Execute', verb: 'user.disable', data: { client: 7 } } },
        }),
      );
      assert.match(cardText(badData.body), /data is not valid/);
    } finally {
      await bot.close();
    }
  });

  it('a command for one of several clients asks which; the choice runs it; a subscribed chat uses its client', async () => {
    const bot = await serve({});
    const conversation = { id: 'a:choice', conversationType: 'personal', tenantId: MSP_TENANT };
    const message = (text: string): Record<string, unknown> =>
      activity({ type: 'message', name: undefined, value: undefined, text, conversation });
    const lastCard = (): unknown => {
      const entry = posted.at(-1)?.body as { attachments?: { content?: unknown }[] } | undefined;
      return entry?.attachments?.[0]?.content;
    };
    try {
      for (const name of ['alpha', 'beta']) {
        await harness.core.clients.add(
          { tenantId: MSP_TENANT, objectId: PARTNER_ADMIN_ID, name: 'megan', channel: 'cli' },
          { name: `${name}-choice`, displayName: `${name} Ltd` },
        );
      }
      posted.length = 0;
      assert.equal((await post(bot.url, message('status'))).status, 200);
      const choice = JSON.stringify(lastCard());
      assert.match(choice, /Which client\?/);
      const choose =
        /"verb":"client\.choose","data":(\{"client":"[^"]+","command":\{"name":"status"\}\})/.exec(choice);
      assert.ok(choose?.[1] !== undefined, choice);
      const chosen = await post(
        bot.url,
        activity({
          conversation,
          value: {
            action: { type: 'Action.Execute', verb: 'client.choose', data: JSON.parse(choose[1]) as unknown },
          },
        }),
      );
      assert.match(cardText(chosen.body), /Integration/);
      assert.match(cardText(chosen.body), /alpha Ltd|beta Ltd/);

      // Once the chat is subscribed to beta, `status` needs no question.
      await post(bot.url, message('notifications on --client beta-choice'));
      assert.match(JSON.stringify(lastCard()), /Notifications are on/);
      await post(bot.url, message('status'));
      assert.match(JSON.stringify(lastCard()), /beta Ltd/);
      await post(bot.url, message('status alpha-choice'));
      assert.match(JSON.stringify(lastCard()), /alpha Ltd/);
    } finally {
      await bot.close();
    }
  });

  it('install welcomes and stores the conversation; uninstall forgets it', async () => {
    const bot = await serve({});
    try {
      posted.length = 0;
      const install = activity({
        type: 'installationUpdate',
        action: 'add',
        name: undefined,
        value: undefined,
        conversation: { id: 'a:lifecycle', conversationType: 'personal', tenantId: MSP_TENANT },
      });
      assert.equal((await post(bot.url, install)).status, 200);
      assert.ok(
        posted.some((entry) => JSON.stringify(entry.body).includes('Hello!')),
        'no welcome was posted',
      );
      const stored = await harness.core.notifications.conversation(
        { tenantId: MSP_TENANT, objectId: PARTNER_ADMIN_ID, name: undefined, channel: 'bot' },
        'a:lifecycle',
      );
      assert.equal(stored?.notificationsEnabled, true);
      assert.equal(stored.subscriber?.objectId, PARTNER_ADMIN_ID);

      assert.equal((await post(bot.url, { ...install, action: 'remove' })).status, 200);
      const gone = await harness.core.database.db
        .selectFrom('conversation_references')
        .select('conversation_id')
        .where('conversation_id', '=', 'a:lifecycle')
        .execute();
      assert.deepEqual(gone, []);
    } finally {
      await bot.close();
    }
  });
});
