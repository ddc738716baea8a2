import assert from 'node:assert/strict';
import { GROUP, ORGANIZATION, SERVICE_PRINCIPAL, USER } from '../../../sim/graph/entities.js';
import { startSimulator, type Simulator, type SimTenant } from '../../../sim/index.js';
import { SUBSCRIBED_SKU } from '../../../sim/graph/subscribed-skus.js';
import { loadGraphSchema, type GraphSchema } from './graph-schema.js';
import { connectGraph, SIM_TEST_DATA_DIR, type GraphConnection, type Page } from './sim-clients.js';

type Version = 'v1.0' | 'beta';

/**
 * Walks an object the simulator emitted as `typeName` and returns every property (nested complex types included)
 * that Microsoft's schema does not define there. Annotations (`@odata.type`, `members@delta`) are not properties.
 */
function unknownProperties(
  schema: GraphSchema,
  version: Version,
  typeName: string,
  value: unknown,
  where: string,
): string[] {
  const known = schema.propertiesOf(version, typeName);
  if (!known) return [`${where}: type ${typeName} is not in the ${version} schema`];
  const problems: string[] = [];
  for (const [name, child] of Object.entries(value as Record<string, unknown>)) {
    if (name.includes('@')) continue;
    if (!known.has(name)) {
      problems.push(`${where}.${name} is not a property of ${version} ${typeName}`);
      continue;
    }
    const complex = schema.complexTypeOf(version, typeName, name);
    if (!complex || child === null || typeof child !== 'object') continue;
    const items = Array.isArray(child) ? child : [child];
    items.forEach((item, i) => {
      if (item !== null && typeof item === 'object') {
        problems.push(
          ...unknownProperties(
            schema,
            version,
            complex,
            item,
            `${where}.${name}${Array.isArray(child) ? `[${i.toString()}]` : ''}`,
          ),
        );
      }
    });
  }
  return problems;
}

describe('simulator output conforms to the published Graph schema', function () {
  this.timeout(60_000);
  let schema: GraphSchema;
  let sim: Simulator;
  let tenant: SimTenant;
  let graph: GraphConnection;

  before(async () => {
    schema = loadGraphSchema();
    sim = await startSimulator({
      dataDir: SIM_TEST_DATA_DIR,
      tenants: [{ seed: 61, users: 150, groups: 30, signInDays: 2 }],
    });
    tenant = sim.tenants()[0]!;
    graph = connectGraph(sim, tenant);
  });
  after(async () => {
    await graph.close();
    await sim.close();
  });

  /** Fetches a collection on both versions, by default and with every property the simulator models selected. */
  async function check(
    path: string,
    typeName: string,
    modelled: readonly string[] | undefined,
    versions: readonly Version[] = ['v1.0', 'beta'],
  ): Promise<void> {
    const problems: string[] = [];
    let seen = 0;
    for (const version of versions) {
      // Select everything the simulator models that this version's type defines (the rest it must refuse).
      const known = schema.propertiesOf(version, typeName) ?? new Set<string>();
      const selectable = modelled?.filter((name) => known.has(name));
      const selects = selectable ? [undefined, selectable.join(',')] : [undefined];
      for (const select of selects) {
        let request = graph.client.api(path).version(version);
        if (select) request = request.select(select);
        const page = (await request.get()) as Page;
        for (const item of page.value) {
          seen++;
          problems.push(
            ...unknownProperties(
              schema,
              version,
              typeName,
              item,
              `${version} ${path}${select ? ' ($select)' : ''}`,
            ),
          );
        }
      }
    }
    assert.ok(seen > 0, `${path} returned objects to check`);
    assert.deepEqual([...new Set(problems)], []);
  }

  it('emits only organization properties and their complex types (verifiedDomains, assignedPlans…)', async () => {
    await check('/organization', 'organization', Object.keys(ORGANIZATION.getters));
  });

  it('emits only user properties, signInActivity included', async () => {
    await check('/users?$top=50', 'user', Object.keys(USER.getters));
  });

  it('emits only group properties on lists, members and delta', async () => {
    await check('/groups?$top=50', 'group', Object.keys(GROUP.getters));
    await check('/groups/delta', 'group', undefined);
    await check('/users/delta', 'user', undefined);
    const [group] = tenant.groups();
    assert.ok(group);
    const members = (await graph.client.api(`/groups/${group.id}/members`).get()) as Page<{
      '@odata.type': string;
    }>;
    for (const member of members.value) {
      const type = member['@odata.type'].replace('#microsoft.graph.', '');
      assert.deepEqual(unknownProperties(schema, 'v1.0', type, member, 'members'), []);
    }
  });

  it('emits only subscribedSku properties and their complex types (prepaidUnits, servicePlans)', async () => {
    await check('/subscribedSkus', 'subscribedSku', Object.keys(SUBSCRIBED_SKU.getters));
  });

  it('emits only service principal properties', async () => {
    await check('/servicePrincipals', 'servicePrincipal', Object.keys(SERVICE_PRINCIPAL.getters));
  });

  it('emits only signIn properties, beta-only ones (authenticationRequirement, authenticationDetails) only under /beta', async () => {
    // List signIns takes no $select (https://learn.microsoft.com/en-us/graph/api/signin-list): the whole objects.
    await check('/auditLogs/signIns?$top=50', 'signIn', undefined);
    const beta = (await graph.client.api('/auditLogs/signIns?$top=5').version('beta').get()) as Page;
    assert.ok(beta.value.every((s) => 'authenticationRequirement' in s && 'authenticationDetails' in s));
    const v1 = (await graph.client.api('/auditLogs/signIns?$top=5').get()) as Page;
    assert.ok(v1.value.every((s) => !('authenticationRequirement' in s) && !('authenticationDetails' in s)));
  });

  it('emits only userRegistrationDetails properties', async () => {
    // Only $filter and $orderBy are documented here, so no $select either.
    await check(
      '/reports/authenticationMethods/userRegistrationDetails',
      'userRegistrationDetails',
      undefined,
    );
  });

  it('emits only team properties on /teams', async () => {
    await check('/teams', 'team', undefined);
  });
});
