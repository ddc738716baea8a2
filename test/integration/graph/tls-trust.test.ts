import assert from 'node:assert/strict';
import https from 'node:https';
import tls from 'node:tls';
import { Agent, fetch } from 'undici';
import { AuthError } from '../../../src/graph/graph-errors.js';
import { checkPermissions } from '../../../src/graph/permission-check.js';
import { TenantGraphFactory } from '../../../src/graph/tenant-graph-factory.js';
import { TlsTrust } from '../../../src/graph/tls-trust.js';
import { quickRetries, startTestSimulator, type TestSimulator } from './simulator-harness.js';

/** GET over `agent`; resolves with the status and whether the request went over a connection already open. */
async function get(url: string, agent: https.Agent): Promise<{ status: number; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { agent }, (response) => {
      response.resume();
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, reused: request.reusedSocket });
      });
    });
    request.on('error', reject);
  });
}

describe('TLS trust of the calls to Entra ID and Graph (an extra CA, built once)', function () {
  let harness: TestSimulator;

  before(async () => {
    harness = await startTestSimulator({ users: 5 });
  });
  after(async () => {
    await harness.close();
  });

  it('signs in and reads Graph for two tenants through one factory that trusts the extra CA', async () => {
    const second = harness.sim.addTenant({ seed: 4242, users: 3 });
    const app = second.registeredApps()[0];
    assert.ok(app !== undefined);
    const graphs = harness.factory(quickRetries);
    const first = await checkPermissions(graphs.create(harness.credentials));
    const other = await checkPermissions(
      graphs.create({
        kind: 'client_credentials',
        tenantId: second.tenantId,
        appClientId: app.clientId,
        clientSecret: app.clientSecret,
      }),
    );
    assert.equal(first.passed, true, JSON.stringify(first.checks));
    assert.equal(other.passed, true, JSON.stringify(other.checks));
    assert.equal(other.organization?.tenantId, second.tenantId);
  });

  it('gives every credential the same keep-alive agent, which reuses its connection', async () => {
    const trust = new TlsTrust(harness.sim.caCertPem);
    const agent = trust.credentialOptions().agent;
    assert.ok(agent !== undefined);
    assert.equal(trust.credentialOptions().agent, agent);
    const url = `${harness.sim.authorityHost}/${harness.tenant.tenantId}/v2.0/.well-known/openid-configuration`;
    try {
      const first = await get(url, agent);
      const second = await get(url, agent);
      assert.deepEqual(first, { status: 200, reused: false });
      assert.deepEqual(second, { status: 200, reused: true });
    } finally {
      trust.close();
    }
  });

  it('adds nothing without an extra CA, so Node’s defaults apply (and refuse the simulator’s certificate)', async () => {
    const trust = new TlsTrust(undefined);
    assert.deepEqual(trust.connectOptions(), {});
    assert.deepEqual(trust.credentialOptions(), {});
    const graphs = new TenantGraphFactory({
      endpoints: { authorityHost: harness.sim.authorityHost, graphBaseUrl: harness.sim.graphBaseUrl },
      retryPolicy: quickRetries,
    });
    try {
      const result = await checkPermissions(graphs.create(harness.credentials));
      assert.equal(result.passed, false);
      assert.ok(result.error instanceof AuthError, String(result.error));
      assert.equal(result.error.code, 'authority_unreachable');
    } finally {
      await graphs.close();
    }
  });

  it('still checks certificates: a trust built on another CA refuses the simulator, over undici and https', async () => {
    const unrelated = tls.rootCertificates[0];
    assert.ok(unrelated !== undefined);
    const trust = new TlsTrust(unrelated);
    const dispatcher = new Agent({ connect: trust.connectOptions() });
    const agent = trust.credentialOptions().agent;
    assert.ok(agent !== undefined);
    const url = `${harness.sim.authorityHost}/${harness.tenant.tenantId}/v2.0/.well-known/openid-configuration`;
    try {
      await assert.rejects(fetch(url, { dispatcher }), (error: Error) => {
        const code = (error.cause as { code?: string } | undefined)?.code ?? '';
        return /CERT|SELF_SIGNED|VERIFY/.test(code);
      });
      await assert.rejects(get(url, agent), (error: NodeJS.ErrnoException) =>
        /CERT|SELF_SIGNED|VERIFY/.test(error.code ?? ''),
      );
    } finally {
      trust.close();
      await dispatcher.close();
    }
  });
});
