import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { openDatabase, type AppDatabase } from '../../src/store/database.js';
import { api, eventually, startDemoServer, type SecureServer } from './support/secure-server.js';

/**
 * Issue 17: a bounded, seeded fuzz of the actions on users (`POST /clients/{c}/user-actions[/preview]`) by a partner
 * admin — the one caller allowed to act, so only the input stands between a request and Entra. Every generated body
 * is wrong in at least one way (wrong action, ids, licence ids, confirmation, extra keys, bad JSON, deep nesting):
 * each is answered 400 with a code and a message (and, for a wrong field, the field named), never a 5xx, and nothing
 * changes — no audit entry, nothing sent to the tenant.
 */
const SEED = 1717;
const REQUESTS = 600;
const ACTIONS = [
  'block_sign_in',
  'unblock_sign_in',
  'revoke_sessions',
  'remove_licences',
  'restore_licences',
];

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('security: a bounded fuzz of the actions on users by a partner admin [demo, SQLite]', function () {
  this.timeout(600_000);
  let server: SecureServer;
  let store: AppDatabase;
  let userIds: string[] = [];

  before(async () => {
    server = await startDemoServer({
      users: 60,
      env: { RATE_LIMIT_PER_ADDRESS: '1000000', RATE_LIMIT_PER_USER: '1000000' },
    });
    const partner = await server.token('partnerAdmin');
    await eventually(
      async () => {
        const status = (await api(server, partner, 'GET', '/clients/demo/sync')).body as {
          running: unknown;
          last: unknown;
        };
        return status.running === null && status.last !== null;
      },
      120_000,
      1000,
    );
    const users = (await api(server, partner, 'GET', '/clients/demo/users?limit=50')).body as {
      items: { id: string }[];
    };
    userIds = users.items.map((user) => user.id);
    assert.ok(userIds.length > 0);
    store = await openDatabase(
      { kind: 'sqlite', path: path.join(server.dataDir, 'app.db') },
      { migrate: false },
    );
  });
  after(async () => {
    await store.close();
    await server.stop();
  });

  it(`${String(REQUESTS)} wrong requests: each a clear 400 naming what was wrong, no 5xx, nothing changed`, async () => {
    const next = random(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const weird = (): unknown =>
      pick<() => unknown>([
        () => '\u0000',
        () => 'x'.repeat(Math.floor(next() * 50_000)),
        () => 12345,
        () => -1,
        () => true,
        () => null,
        () => ({}),
        () => ({ $gt: '' }),
        () => "' or 1=1 --",
        () => '__proto__',
        () => 'E3',
        () => crypto.randomUUID().toUpperCase().replace(/-/g, ''),
      ])();
    const valid = (): Record<string, unknown> => ({
      action: pick(ACTIONS),
      userIds: [pick(userIds)],
      confirm: next() < 0.5,
    });
    // Each corruption breaks the body in one way and names the field the answer must mention.
    const corruptions: readonly (() => { body: unknown; field: string | null })[] = [
      () => ({ body: { ...valid(), action: weird() }, field: 'action' }),
      () => ({ body: { ...valid(), action: undefined }, field: 'action' }),
      () => ({ body: { ...valid(), userIds: weird() }, field: 'userIds' }),
      () => ({ body: { ...valid(), userIds: [] }, field: 'userIds' }),
      () => ({ body: { ...valid(), userIds: [pick(userIds), weird()] }, field: 'userIds' }),
      () => ({
        body: { ...valid(), userIds: Array.from({ length: 1001 }, () => crypto.randomUUID()) },
        field: 'userIds',
      }),
      () => ({ body: { ...valid(), action: 'remove_licences', skuIds: [weird()] }, field: 'skuIds' }),
      () => ({ body: { ...valid(), action: 'remove_licences', skuIds: [] }, field: 'skuIds' }),
      () => ({
        body: {
          ...valid(),
          action: pick(ACTIONS.filter((a) => a !== 'remove_licences')),
          skuIds: [crypto.randomUUID()],
        },
        field: 'skuIds',
      }),
      () => ({ body: { ...valid(), confirm: pick(['yes', 1, null, {}]) }, field: 'confirm' }),
      () => ({
        body: { ...valid(), [pick(['force', 'tenant', 'constructor', 'addLicenses'])]: weird() },
        field: null,
      }),
      () => ({ body: '{"action": ', field: null }),
      () => ({ body: `${'['.repeat(300)}${']'.repeat(300)}`, field: null }),
      () => ({ body: JSON.stringify(weird()), field: null }),
    ];
    const partner = await server.token('partnerAdmin');
    const auditBefore = await store.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const failures: string[] = [];
    for (let index = 0; index < REQUESTS; index++) {
      const { body, field } = pick(corruptions)();
      const route = pick(['/clients/demo/user-actions', '/clients/demo/user-actions/preview']);
      const sent = typeof body === 'string' ? body : JSON.stringify(body);
      const answer = await api(server, partner, 'POST', route, sent);
      const error = (answer.body as { error?: { code?: string; message?: string; details?: unknown } }).error;
      const text = JSON.stringify(error ?? {});
      if (answer.status !== 400 || typeof error?.code !== 'string' || (error.message ?? '') === '') {
        failures.push(`${String(answer.status)} ${route} ${sent.slice(0, 200)} → ${text.slice(0, 200)}`);
      } else if (field !== null && !text.includes(field)) {
        failures.push(`the answer does not name ${field}: ${sent.slice(0, 200)} → ${text.slice(0, 300)}`);
      }
    }
    assert.deepEqual(failures.slice(0, 10), [], `${String(failures.length)} of ${String(REQUESTS)} wrong`);
    const auditAfter = await store.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(auditAfter.n, auditBefore.n, 'no audit entry: nothing was done');
  });
});
