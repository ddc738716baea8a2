import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RecordedRequest } from '../../../sim/index.js';
import type { CliContext } from '../../../src/cli/cli-context.js';
import { runCli } from '../../../src/cli/program.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { createCore, type Core } from '../../../src/composition/create-core.js';
import { GRAPH_REQUESTS, type GraphRequestKind } from '../../../src/graph/graph-requests.js';
import { REPORTS_PACE_KEY } from '../../../src/graph/tenant-gate.js';
import { operatorActor, SYSTEM_ACTOR } from '../../../src/services/actor.js';
import { createLogger } from '../../../src/shared/logger.js';
import { startTestSimulator, type TestSimulator } from './simulator-harness.js';

/** Inventory entries the server does not send in a connection test, syncs and ingestion, and why. */
const NOT_SENT_BY_SYNC: Readonly<Record<string, string>> = {
  adminconsent:
    "the admin's browser follows this redirect (test/e2e/demo-consent.test.ts), the server never sends it",
  'batch.users.update':
    'an admin action after a preview and a confirmation, never a sync (test/integration/services/user-actions.test.ts, licence-actions.test.ts)',
  jwks: 'the tab API fetches it to validate Teams SSO tokens (test/integration/tab/sso-token-validation.test.ts), not the sync',
};

const LINK_TOKENS = new Set(['$skiptoken', '$deltatoken']);

/** Whether `request` is the first request of `kind` or a page of it reached through Graph's links. */
function matches(kind: GraphRequestKind, request: RecordedRequest): boolean {
  if (kind.endpoint !== request.endpoint) return false;
  const names = Object.keys(request.options);
  const rest = names.filter((name) => !LINK_TOKENS.has(name));
  // A delta link carries only its token: the options of the first request are inside it.
  if (rest.length === 0 && names.length > 0) return kind.host === 'graph';
  const expected = Object.keys(kind.sent);
  if (rest.length !== expected.length || !expected.every((name) => rest.includes(name))) return false;
  return expected.every((name) => {
    const want = kind.sent[name];
    const got = request.options[name] ?? '';
    return typeof want === 'string' ? got === want : want?.test(got) === true;
  });
}

describe('request inventory (src/graph/graph-requests.ts) against what the product sends', function () {
  this.timeout(120_000);
  let harness: TestSimulator;
  let dataDir: string;
  let core: Core;
  let sent: readonly RecordedRequest[] = [];

  before(async () => {
    // Small pages so every paged request follows Graph's links at least once.
    harness = await startTestSimulator(
      { users: 60, groups: 8, signInDays: 3 },
      { deltaPageSize: 25, deltaMembersPerPage: 20 },
    );
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-inventory-'));
    core = await createCore({
      config: loadConfig({ DATA_DIR: dataDir, APP_MODE: 'demo' }),
      logger: createLogger({ level: 'silent' }),
      secretsKey: crypto.randomBytes(32),
      graphEndpoints: harness.endpoints,
      reportsPace: { key: REPORTS_PACE_KEY, minIntervalMs: 0 },
    });
    const operator = operatorActor('operator');
    const err: string[] = [];
    const context: CliContext = {
      actor: operator,
      out: () => undefined,
      err: (text) => err.push(text),
      core: () => Promise.resolve(core),
    };
    harness.sim.stats.recordRequests(true);

    // Connection test: token, roles from the token, /organization.
    await core.clients.add(SYSTEM_ACTOR, { name: 'contoso' });
    const connected = await core.integrations.connect(operator, 'contoso', {
      tenant: harness.tenant.domain,
      clientId: harness.app.clientId,
      clientSecret: harness.app.clientSecret,
    });
    assert.ok(
      connected.checks.every((check) => check.passed),
      JSON.stringify(connected.checks),
    );
    // The same when the token cannot be read: the grants come from the directory.
    harness.sim.faults.opaqueAppTokens = true;
    try {
      const tested = await core.integrations.test(operator, 'contoso');
      assert.ok(
        tested.checks.every((check) => check.passed),
        JSON.stringify(tested.checks),
      );
    } finally {
      harness.sim.faults.opaqueAppTokens = false;
    }

    // A full sync (directory, service principals, signInActivity, MFA registration), the initial import, then a
    // sync that ingests sign-ins with /beta refused (so /beta and the v1.0 fallback are both sent), then an
    // incremental sync from the saved delta links and the newest window of sign-ins.
    assert.equal(await runCli(['sync', 'contoso'], context), 0, err.join('\n'));
    await core.integrations.startImport(operator, 'contoso');
    const refusal = harness.sim.faults.serverError({
      pathPattern: '^/beta/auditLogs/signIns',
      status: 404 as 503,
      rate: 1,
      tenantId: harness.tenant.tenantId,
    });
    try {
      assert.equal(await runCli(['sync', 'contoso'], context), 0, err.join('\n'));
    } finally {
      harness.sim.faults.remove(refusal);
    }
    assert.equal(await runCli(['sync', 'contoso'], context), 0, err.join('\n'));
    sent = harness.sim.stats.recordedRequests();
  });
  after(async () => {
    await core.close();
    await harness.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('every request sent matches one inventory entry, query options included', () => {
    assert.ok(sent.length > 20, `only ${String(sent.length)} requests recorded`);
    const unlisted = sent.filter((request) => !GRAPH_REQUESTS.some((kind) => matches(kind, request)));
    assert.deepEqual(unlisted, [], 'requests the inventory does not list (or lists with other options)');
    const ambiguous = sent.filter(
      (request) => GRAPH_REQUESTS.filter((kind) => matches(kind, request)).length > 1,
    );
    assert.deepEqual(ambiguous, [], 'requests more than one entry describes');
  });

  it('every inventory entry was sent, with its documented first-request options, or is marked why not', () => {
    const firstRequests = (kind: GraphRequestKind): RecordedRequest[] =>
      sent.filter(
        (request) =>
          matches(kind, request) && !Object.keys(request.options).some((name) => LINK_TOKENS.has(name)),
      );
    const unsent = GRAPH_REQUESTS.filter((kind) => firstRequests(kind).length === 0).map((kind) => kind.name);
    assert.deepEqual(unsent.sort(), Object.keys(NOT_SENT_BY_SYNC).sort());
    for (const name of Object.keys(NOT_SENT_BY_SYNC)) {
      assert.ok(
        GRAPH_REQUESTS.some((kind) => kind.name === name),
        `${name} is marked but not in the inventory`,
      );
    }
  });

  it('paged requests follow the links Graph returns (delta links carry only their token)', () => {
    const followed = new Set(
      sent
        .filter((request) => Object.keys(request.options).some((name) => LINK_TOKENS.has(name)))
        .map((request) => request.endpoint),
    );
    for (const endpoint of ['GET /v1.0/users/delta', 'GET /v1.0/groups/delta']) {
      assert.ok(followed.has(endpoint), `${endpoint} was never asked through a nextLink or deltaLink`);
    }
  });

  it('each entry documents itself: a Microsoft page, the options in words, and the endpoint when the server sends it', () => {
    for (const kind of GRAPH_REQUESTS) {
      assert.match(kind.doc, /^https:\/\/learn\.microsoft\.com\//, kind.name);
      assert.notEqual(kind.options.trim(), '', kind.name);
      if (!(kind.name in NOT_SENT_BY_SYNC)) assert.ok(kind.endpoint !== undefined, kind.name);
    }
  });
});
