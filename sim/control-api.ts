/**
 * The control API under `/_control` (JSON, loopback clients only): the programmatic mutators, faults, clock, admin
 * consent and statistics, so a simulator started with `npm run sim` can be driven from another process.
 */
import type { ServerResponse } from 'node:http';
import { z } from 'zod/v4';
import { SimulatorError } from './errors.js';
import { send } from './http-utils.js';
import type { TenantState } from './tenant-state.js';
import type { Faults } from './faults.js';
import { GROUP_PUBLIC_FIELDS, USER_PUBLIC_FIELDS } from './records.js';
import type { SimGroup, Simulator, SimUser } from './types.js';

/** What the control API drives: the public simulator plus a few internals. */
export interface ControlTarget {
  readonly simulator: Simulator;
  readonly faults: Faults;
  resolveTenant(idOrDomain: string): TenantState | undefined;
  requireTenant(idOrDomain: string): TenantState;
}

const appSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  secretExpiresAt: z.string().optional(),
  permissions: z.array(z.string()),
  displayName: z.string().optional(),
});

const ratio = z.number().min(0).max(1).optional();
const count = z.number().int().min(0).optional();

const tenantSpecSchema = z.object({
  seed: z.number().int(),
  tenantId: z.string().optional(),
  displayName: z.string().optional(),
  domain: z.string().optional(),
  users: count,
  guestRatio: ratio,
  disabledRatio: ratio,
  departments: z.union([z.array(z.string()), z.number().int().min(1)]).optional(),
  groups: count,
  nestingDepth: count,
  cycles: count,
  teamsRatio: ratio,
  servicePrincipals: z
    .union([z.number().int().min(0), z.object({ saml: count, oidc: count, password: count, none: count })])
    .optional(),
  signInDays: z.number().min(0).optional(),
  signInsPerUserPerDay: z.number().min(0).optional(),
  premium: z.boolean().optional(),
  apps: z.array(appSchema).optional(),
});

const nullableString = z.string().nullable().optional();
const userInputSchema = z.object({
  id: z.string().optional(),
  displayName: z.string().optional(),
  givenName: nullableString,
  surname: nullableString,
  userPrincipalName: z.string().optional(),
  mail: nullableString,
  mailNickname: z.string().optional(),
  userType: z.enum(['Member', 'Guest']).nullable().optional(),
  accountEnabled: z.boolean().optional(),
  department: nullableString,
  jobTitle: nullableString,
  officeLocation: nullableString,
  mobilePhone: nullableString,
  businessPhones: z.array(z.string()).optional(),
  preferredLanguage: nullableString,
  usageLocation: nullableString,
  companyName: nullableString,
  city: nullableString,
  country: nullableString,
  employeeId: nullableString,
  onPremisesSyncEnabled: z.boolean().nullable().optional(),
  createdDateTime: z.string().optional(),
  creationType: nullableString,
  externalUserState: nullableString,
});

const groupInputSchema = z.object({
  id: z.string().optional(),
  displayName: z.string().optional(),
  description: nullableString,
  mail: nullableString,
  mailNickname: z.string().optional(),
  mailEnabled: z.boolean().optional(),
  securityEnabled: z.boolean().optional(),
  groupTypes: z.array(z.string()).optional(),
  resourceProvisioningOptions: z.array(z.string()).optional(),
  visibility: nullableString,
  membershipRule: nullableString,
  membershipRuleProcessingState: nullableString,
  isAssignableToRole: z.boolean().nullable().optional(),
  classification: nullableString,
});

const signInInputSchema = z.object({
  userId: z.string(),
  createdDateTime: z.string(),
  appId: z.string().optional(),
  errorCode: z.number().int().optional(),
  isInteractive: z.boolean().optional(),
  authenticationRequirement: z.enum(['singleFactorAuthentication', 'multiFactorAuthentication']).optional(),
  id: z.string().optional(),
});

const retryAfterSchema = z.union([
  z.number().min(0),
  z.object({ httpDateInSeconds: z.number().min(0) }),
  z.null(),
]);
const faultBase = {
  pathPattern: z.string().optional(),
  tenantId: z.string().optional(),
  target: z.enum(['graph', 'identity', 'any']).optional(),
  next: z.number().int().min(1).optional(),
  rate: z.number().min(0).max(1).optional(),
};
const throttleSchema = z.object({ ...faultBase, retryAfter: retryAfterSchema.optional() });
const serverErrorSchema = z.object({
  ...faultBase,
  status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).optional(),
  retryAfter: retryAfterSchema.optional(),
});
const latencySchema = z.object({ ...faultBase, ms: z.number().min(0) });
const resetSchema = z.object(faultBase);
const permissionsSchema = z.object({ permissions: z.array(z.string()) });

/** Thrown for a request the control API cannot accept. */
class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function handleControl(
  res: ServerResponse,
  method: string,
  segments: readonly string[],
  bodyText: string,
  target: ControlTarget,
): Promise<void> {
  try {
    const body = bodyText === '' ? {} : parseJson(bodyText);
    const result = await route(method, segments, body, target);
    send(
      res,
      result === undefined ? 204 : 200,
      { 'Content-Type': 'application/json' },
      result === undefined ? '' : JSON.stringify(result),
    );
  } catch (error) {
    const status =
      error instanceof ControlError
        ? error.status
        : error instanceof SimulatorError
          ? { not_found: 404, conflict: 409, invalid: 400 }[error.code]
          : error instanceof RangeError || error instanceof SyntaxError
            ? 400
            : 500;
    const message = error instanceof Error ? error.message : String(error);
    send(res, status, { 'Content-Type': 'application/json' }, JSON.stringify({ error: { message } }));
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ControlError(400, 'The body is not valid JSON.');
  }
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`,
    );
    throw new ControlError(400, `Invalid request: ${problems.join('; ')}`);
  }
  return result.data;
}

type Defined<T> = T extends readonly (infer U)[]
  ? Defined<U>[]
  : T extends object
    ? { [K in keyof T]: Defined<Exclude<T[K], undefined>> }
    : T;

/** Drops keys whose value is undefined, at any depth (the public types use exact optional properties). */
function defined<T>(value: T): Defined<T> {
  if (Array.isArray(value)) return value.map((item: unknown) => defined(item)) as Defined<T>;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, defined(v)]),
    ) as Defined<T>;
  }
  return value as Defined<T>;
}

async function route(
  method: string,
  segments: readonly string[],
  body: unknown,
  target: ControlTarget,
): Promise<unknown> {
  const { simulator, faults } = target;
  const [a, b, c, d, e, f] = segments;
  const is = (m: string, ...path: (string | undefined)[]): boolean =>
    m === method &&
    path.length === segments.length &&
    path.every((p, i) => p === undefined || p === segments[i]);

  if (is('GET')) {
    return {
      authorityHost: simulator.authorityHost,
      graphBaseUrl: simulator.graphBaseUrl,
      caCertPath: simulator.caCertPath,
      now: simulator.now().toISOString(),
      tenants: simulator.tenants().map((t) => summary(target.requireTenant(t.tenantId))),
    };
  }
  if (is('GET', 'stats')) return simulator.stats.snapshot();
  if (is('DELETE', 'stats')) {
    simulator.stats.reset();
    return undefined;
  }
  if (is('GET', 'clock')) return { now: simulator.now().toISOString() };
  if (is('POST', 'clock', 'advance')) {
    simulator.advanceClock(parse(z.object({ ms: z.number() }), body).ms);
    return { now: simulator.now().toISOString() };
  }
  if (is('PUT', 'admin-consent')) {
    simulator.adminConsentDecision = parse(
      z.object({ decision: z.enum(['granted', 'declined']) }),
      body,
    ).decision;
    return { decision: simulator.adminConsentDecision };
  }
  if (is('PUT', 'multi-tenant-app')) {
    const app = parse(appSchema.extend({ redirectUris: z.array(z.string()).optional() }), body);
    simulator.registerMultiTenantApp(defined(app));
    return { clientId: app.clientId };
  }
  if (is('POST', 'user-tokens')) {
    const claims = parse(
      z.object({
        tenantId: z.string(),
        oid: z.string(),
        upn: z.string(),
        name: z.string().optional(),
        audience: z.string(),
        scp: z.string().optional(),
        expiresInSeconds: z.number().int().optional(),
      }),
      body,
    );
    return { token: await simulator.issueUserToken(defined(claims)) };
  }

  if (a === 'faults') {
    if (is('GET', 'faults')) {
      return {
        faults: faults.list(),
        deltaExpiryMode: faults.deltaExpiryMode,
        realisticThrottling: faults.realisticThrottling,
      };
    }
    if (is('DELETE', 'faults')) {
      faults.clear();
      return undefined;
    }
    if (is('POST', 'faults', 'throttle'))
      return { id: faults.throttle(defined(parse(throttleSchema, body))) };
    if (is('POST', 'faults', 'server-error'))
      return { id: faults.serverError(defined(parse(serverErrorSchema, body))) };
    if (is('POST', 'faults', 'connection-reset'))
      return { id: faults.connectionReset(defined(parse(resetSchema, body))) };
    if (is('POST', 'faults', 'latency')) return { id: faults.latency(defined(parse(latencySchema, body))) };
    if (is('POST', 'faults', 'licence-refusal'))
      return { id: faults.licenceRefusal(defined(parse(resetSchema, body))) };
    if (is('PUT', 'faults', 'delta-expiry')) {
      faults.deltaExpiryMode = parse(z.object({ mode: z.enum(['400', '410', 'undocumented']) }), body).mode;
      return { deltaExpiryMode: faults.deltaExpiryMode };
    }
    if (is('POST', 'faults', 'expire-delta-tokens')) {
      faults.expireDeltaTokens(parse(z.object({ tenantId: z.string().optional() }), body).tenantId);
      return undefined;
    }
    if (is('PUT', 'faults', 'realistic-throttling')) {
      const settings = parse(
        z.object({
          enabled: z.boolean(),
          reportsRequestsPerWindow: z.number().int().min(1).optional(),
          reportsWindowMs: z.number().int().min(1).optional(),
          identityResourceUnitsPer10s: z.number().int().min(1).optional(),
          identityWindowMs: z.number().int().min(1).optional(),
        }),
        body,
      );
      const { enabled, ...options } = settings;
      faults.setRealisticThrottling(enabled, defined(options));
      return { realisticThrottling: enabled };
    }
    if (is('DELETE', 'faults', b) && b) {
      if (!faults.remove(b)) throw new ControlError(404, `no fault ${b}`);
      return undefined;
    }
  }

  if (a === 'tenants') {
    if (is('GET', 'tenants'))
      return { tenants: simulator.tenants().map((t) => summary(target.requireTenant(t.tenantId))) };
    if (is('POST', 'tenants')) {
      const added = simulator.addTenant(defined(parse(tenantSpecSchema, body)));
      return summary(target.requireTenant(added.tenantId));
    }
    const tenant = b === undefined ? undefined : target.resolveTenant(b);
    if (!tenant) throw new ControlError(404, `unknown tenant ${b ?? ''}`);
    if (is('GET', 'tenants', b)) return summary(tenant);
    if (is('PUT', 'tenants', b, 'premium')) {
      tenant.setPremium(parse(z.object({ premium: z.boolean() }), body).premium);
      return summary(tenant);
    }
    if (is('POST', 'tenants', b, 'expire-delta-tokens')) {
      tenant.expireDeltaTokens();
      return undefined;
    }
    // Every user with its signInActivity: the truth a test compares billing and expiry with.
    if (is('GET', 'tenants', b, 'users'))
      return { users: [...tenant.users()].map((user) => userView(tenant, user.id)) };
    if (is('POST', 'tenants', b, 'users'))
      return plainUser(tenant.addUser(defined(parse(userInputSchema, body))));
    if (c === 'users' && d !== undefined) {
      if (is('GET', 'tenants', b, 'users', d)) return userView(tenant, d);
      if (is('PATCH', 'tenants', b, 'users', d))
        return plainUser(tenant.updateUser(d, defined(parse(userInputSchema, body))));
      if (is('POST', 'tenants', b, 'users', d, 'soft-delete')) {
        tenant.softDeleteUser(d);
        return undefined;
      }
      if (is('POST', 'tenants', b, 'users', d, 'restore')) {
        tenant.restoreUser(d);
        return undefined;
      }
      if (is('DELETE', 'tenants', b, 'users', d)) {
        tenant.hardDeleteUser(d);
        return undefined;
      }
      if (is('PUT', 'tenants', b, 'users', d, 'licences')) {
        if (!tenant.user(d)) throw new ControlError(404, `unknown user ${d}`);
        tenant.licences.setAssignedLicenses(d, parse(z.object({ skuIds: z.array(z.string()) }), body).skuIds);
        return { assignedLicenses: tenant.licences.assignedLicenses(d) };
      }
      // Licences the user inherits from a licensed group (group-based licensing): assignLicense cannot remove them.
      if (is('PUT', 'tenants', b, 'users', d, 'group-licences')) {
        if (!tenant.user(d)) throw new ControlError(404, `unknown user ${d}`);
        tenant.licences.setGroupLicences(d, parse(z.object({ skuIds: z.array(z.string()) }), body).skuIds);
        return { assignedLicenses: tenant.licences.assignedLicenses(d) };
      }
      if (is('PUT', 'tenants', b, 'users', d, 'mfa')) {
        tenant.setMfaRegistration(
          d,
          parse(z.object({ methodsRegistered: z.array(z.string()) }), body).methodsRegistered,
        );
        return tenant.registrationDetails(d);
      }
      // A privileged administrator role, which Graph's sensitive actions (block, sign out) then refuse to an app.
      if (is('PUT', 'tenants', b, 'users', d, 'admin-role')) {
        tenant.setAdminRole(d, parse(z.object({ admin: z.boolean() }), body).admin);
        return tenant.registrationDetails(d);
      }
    }
    // The tenant's licences: each subscription with its seats and the users holding it (the truth of cost figures).
    if (is('GET', 'tenants', b, 'licences')) return licenceTruth(tenant);
    if (is('POST', 'tenants', b, 'groups'))
      return plainGroup(tenant.addGroup(defined(parse(groupInputSchema, body))));
    if (c === 'groups' && d !== undefined) {
      if (is('GET', 'tenants', b, 'groups', d)) {
        const group = tenant.group(d);
        if (!group) throw new ControlError(404, `unknown group ${d}`);
        return {
          ...plainGroup(group),
          members: tenant.directMembers(d),
          transitiveUserCount: tenant.transitiveUserMembers(d).size,
        };
      }
      if (is('PATCH', 'tenants', b, 'groups', d))
        return plainGroup(tenant.updateGroup(d, defined(parse(groupInputSchema, body))));
      if (is('DELETE', 'tenants', b, 'groups', d)) {
        tenant.deleteGroup(d);
        return undefined;
      }
      if (is('POST', 'tenants', b, 'groups', d, 'members')) {
        tenant.addMember(d, parse(z.object({ memberId: z.string() }), body).memberId);
        return undefined;
      }
      if (is('DELETE', 'tenants', b, 'groups', d, 'members', f) && f && e === 'members') {
        tenant.removeMember(d, f);
        return undefined;
      }
    }
    if (is('POST', 'tenants', b, 'sign-ins')) {
      const { signIns } = parse(z.object({ signIns: z.array(signInInputSchema) }), body);
      const added = tenant.addSignIns(signIns.map((input) => defined(input)));
      return { added: added.length, ids: added.map((signIn) => signIn.id) };
    }
    if (is('POST', 'tenants', b, 'apps')) {
      tenant.addApp(defined(parse(appSchema, body)));
      return summary(tenant);
    }
    if (c === 'apps' && d !== undefined) {
      if (is('POST', 'tenants', b, 'apps', d, 'permissions')) {
        tenant.grantAppPermissions(d, parse(permissionsSchema, body).permissions);
        return { clientId: d, permissions: [...tenant.appPermissions(d)] };
      }
      if (is('POST', 'tenants', b, 'apps', d, 'permissions', 'revoke')) {
        tenant.revokeAppPermissions(d, parse(permissionsSchema, body).permissions);
        return { clientId: d, permissions: [...tenant.appPermissions(d)] };
      }
    }
  }
  throw new ControlError(404, `no control route ${method} /_control/${segments.join('/')}`);
}

function licenceTruth(tenant: TenantState): Record<string, unknown> {
  return {
    subscribedSkus: tenant.licences.subscribedSkus().map((subscription) => ({
      skuId: subscription.sku.skuId,
      skuPartNumber: subscription.sku.skuPartNumber,
      enabledUnits: subscription.enabledUnits,
      consumedUnits: tenant.licences.consumedUnits(subscription.sku.skuId),
    })),
    users: [...tenant.users()].flatMap((user) => {
      const licences = tenant.licences.assignedLicenses(user.id);
      return licences.length === 0 ? [] : [{ id: user.id, skuIds: licences.map((l) => l.skuId) }];
    }),
  };
}

function summary(tenant: TenantState): Record<string, unknown> {
  return {
    tenantId: tenant.tenantId,
    domain: tenant.domain,
    displayName: tenant.displayName,
    premium: tenant.premium,
    users: tenant.userCount,
    groups: tenant.groupCount,
    signIns: tenant.signInCount,
    apps: tenant.registeredApps().map((app) => ({
      clientId: app.clientId,
      displayName: app.displayName,
      permissions: [...tenant.appPermissions(app.clientId)].sort(),
    })),
  };
}

function userView(tenant: TenantState, id: string): unknown {
  const user = tenant.user(id);
  if (!user) throw new ControlError(404, `unknown user ${id}`);
  return {
    user: plainUser(user),
    signInActivity: tenant.signInActivity(id) ?? null,
    registrationDetails: tenant.registrationDetails(id) ?? null,
  };
}

/** The public fields of a user (the record also carries bookkeeping the API does not expose). */
function plainUser(user: SimUser): Record<string, unknown> {
  const out: Record<string, unknown> = { id: user.id, state: user.state };
  for (const field of USER_PUBLIC_FIELDS) out[field] = user[field];
  out.createdDateTime = user.createdDateTime;
  out.deletedDateTime = user.deletedDateTime;
  return out;
}

function plainGroup(group: SimGroup): Record<string, unknown> {
  const out: Record<string, unknown> = { id: group.id };
  for (const field of GROUP_PUBLIC_FIELDS) out[field] = group[field];
  out.createdDateTime = group.createdDateTime;
  return out;
}
