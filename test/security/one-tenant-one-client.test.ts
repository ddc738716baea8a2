import assert from 'node:assert/strict';
import { engines } from '../support/databases.js';
import { api, startProductionServer, type ProductionServer } from './support/secure-server.js';

/**
 * Issue 12, item 2 (review finding 6): "a tenant belongs to one client" was a check-then-insert; on PostgreSQL four
 * concurrent connects of one tenant to four clients left two of them connected. Now a unique index decides.
 */
for (const engine of engines) {
  describe(`security: one tenant, one client, whatever the concurrency [production, ${engine}]`, function () {
    this.timeout(180_000);
    let server: ProductionServer;

    before(async () => {
      server = await startProductionServer({ engine });
    });
    after(async () => {
      await server.stop();
    });

    it('four concurrent connects of the same tenant to four clients leave exactly one connected', async () => {
      const tenant = server.sim.addTenant({ seed: 4301, users: 10, domain: 'race-sec.onmicrosoft.com' });
      const app = tenant.registeredApps()[0];
      assert.ok(app);
      const partner = await server.token('partner');
      const names = ['race1', 'race2', 'race3', 'race4'];
      for (const name of names) await api(server, partner, 'POST', '/clients', { name });

      const answers = await Promise.all(
        names.map((name) =>
          api(server, partner, 'POST', `/clients/${name}/integration`, {
            tenant: tenant.tenantId,
            clientId: app.clientId,
            clientSecret: app.clientSecret,
          }),
        ),
      );

      const statuses = answers.map((answer) => answer.status).sort();
      assert.deepEqual(statuses, [201, 409, 409, 409]);
      for (const answer of answers.filter((candidate) => candidate.status === 409)) {
        assert.equal((answer.body as { error: { code: string } }).error.code, 'tenant_already_connected');
      }
      const clients = (await api(server, partner, 'GET', '/clients')).body as {
        clients: { name: string; tenantId: string | null }[];
      };
      assert.equal(clients.clients.filter((client) => client.tenantId === tenant.tenantId).length, 1);
    });
  });
}
