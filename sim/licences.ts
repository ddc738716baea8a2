/**
 * A tenant's licences, as Microsoft Graph models them: the subscriptions the organisation bought
 * (`subscribedSku`: https://learn.microsoft.com/en-us/graph/api/resources/subscribedsku) and each user's
 * `assignedLicenses` (`assignedLicense`: skuId + disabledPlans,
 * https://learn.microsoft.com/en-us/graph/api/resources/assignedlicense).
 *
 * The SKUs are real ones: skuId, skuPartNumber and service plans as Microsoft lists them in "Product names and service
 * plan identifiers for licensing" (https://learn.microsoft.com/en-us/entra/identity/users/licensing-service-plan-reference,
 * last updated 2025-10-29). Generation is deterministic per seed and lazy (a tenant that is never asked about
 * licences never pays for them): members get licences, guests none, and disabled accounts keep theirs, as in a real
 * tenant where blocking sign-in does not free a seat. Assigning a licence is not a directory change that delta
 * reports, so it does not take a tenant version.
 */
import { hashGuid, SeededRandom } from './random.js';
import type { UserRecord } from './records.js';
import { SimulatorError } from './errors.js';

export interface SimServicePlan {
  readonly servicePlanId: string;
  readonly servicePlanName: string;
}

/** A product Microsoft sells, as its licensing reference lists it. */
export interface SimSku {
  readonly skuId: string;
  readonly skuPartNumber: string;
  readonly servicePlans: readonly SimServicePlan[];
}

const AAD_PREMIUM_PLAN = {
  servicePlanId: '41781fb2-bc02-4b7c-bd55-b576c07bb09d',
  servicePlanName: 'AAD_PREMIUM',
};
const EXCHANGE_FOUNDATION = {
  servicePlanId: '113feb6c-3fe4-4440-bddc-54d774bf0318',
  servicePlanName: 'EXCHANGE_S_FOUNDATION',
};
const MFA_PREMIUM = { servicePlanId: '8a256a2b-b617-496d-b51b-e76466e88db0', servicePlanName: 'MFA_PREMIUM' };
const CLOUD_APP_DISCOVERY = {
  servicePlanId: '932ad362-64a8-4783-9106-97849a1a30b9',
  servicePlanName: 'ADALLOM_S_DISCOVERY',
};

/** The SKUs the simulator sells (each checked against Microsoft's licensing reference). */
export const SIM_SKUS = {
  /** Microsoft 365 E3. */
  SPE_E3: {
    skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965',
    skuPartNumber: 'SPE_E3',
    servicePlans: [
      { servicePlanId: 'efb87545-963c-4e0d-99df-69c6916d9eb0', servicePlanName: 'EXCHANGE_S_ENTERPRISE' },
      { servicePlanId: '57ff2da0-773e-42df-b2af-ffb7a2317929', servicePlanName: 'TEAMS1' },
      { servicePlanId: '5dbe027f-2339-4123-9542-606e4d348a72', servicePlanName: 'SHAREPOINTENTERPRISE' },
      { servicePlanId: '43de0ff5-c92c-492b-9116-175376d08c38', servicePlanName: 'OFFICESUBSCRIPTION' },
      { servicePlanId: 'c1ec4a95-1f05-45b3-a911-aa3fa01094f5', servicePlanName: 'INTUNE_A' },
      AAD_PREMIUM_PLAN,
      MFA_PREMIUM,
    ],
  },
  /** Microsoft 365 E3 (no Teams). */
  'Microsoft_365_E3_(no_Teams)': {
    skuId: 'dcf0408c-aaec-446c-afd4-43e3683943ea',
    skuPartNumber: 'Microsoft_365_E3_(no_Teams)',
    servicePlans: [
      { servicePlanId: 'efb87545-963c-4e0d-99df-69c6916d9eb0', servicePlanName: 'EXCHANGE_S_ENTERPRISE' },
      { servicePlanId: '5dbe027f-2339-4123-9542-606e4d348a72', servicePlanName: 'SHAREPOINTENTERPRISE' },
    ],
  },
  /** Microsoft Entra ID P1. */
  AAD_PREMIUM: {
    skuId: '078d2b04-f1bd-4111-bbd4-b4b1b354cef4',
    skuPartNumber: 'AAD_PREMIUM',
    servicePlans: [AAD_PREMIUM_PLAN, CLOUD_APP_DISCOVERY, EXCHANGE_FOUNDATION, MFA_PREMIUM],
  },
  /** Microsoft Entra ID P2. */
  AAD_PREMIUM_P2: {
    skuId: '84a661c4-e949-4bd2-a560-ed7766fcaf2b',
    skuPartNumber: 'AAD_PREMIUM_P2',
    servicePlans: [
      AAD_PREMIUM_PLAN,
      { servicePlanId: 'eec0eb4f-6444-4f95-aba0-50c24d67f998', servicePlanName: 'AAD_PREMIUM_P2' },
      CLOUD_APP_DISCOVERY,
      EXCHANGE_FOUNDATION,
      MFA_PREMIUM,
    ],
  },
  /** Copilot for Microsoft 365. */
  Microsoft_365_Copilot: {
    skuId: '639dec6b-bb19-468b-871c-c5c441c4b0cb',
    skuPartNumber: 'Microsoft_365_Copilot',
    servicePlans: [
      { servicePlanId: 'b95945de-b3bd-46db-8437-f2beb6ea2347', servicePlanName: 'M365_COPILOT_TEAMS' },
      { servicePlanId: 'a62f8878-de10-42f3-b68f-6149a25ceb97', servicePlanName: 'M365_COPILOT_APPS' },
      {
        servicePlanId: '3f30311c-6b1e-48a4-ab79-725b469da960',
        servicePlanName: 'M365_COPILOT_BUSINESS_CHAT',
      },
    ],
  },
  /** Microsoft 365 Audio Conferencing. */
  MCOMEETADV: {
    skuId: '0c266dff-15dd-4b49-8397-2bb16070ed52',
    skuPartNumber: 'MCOMEETADV',
    servicePlans: [{ servicePlanId: '3e26ee1f-8a5f-4d52-aee2-b81ce45c8f40', servicePlanName: 'MCOMEETADV' }],
  },
} as const satisfies Readonly<Record<string, SimSku>>;

/** One subscription of the tenant (`subscribedSku`), with its prepaid units. */
export interface SimSubscription {
  readonly sku: SimSku;
  /** `prepaidUnits.enabled`: seats bought. */
  enabledUnits: number;
  /** `capabilityStatus`. */
  capabilityStatus: 'Enabled' | 'Warning' | 'Suspended' | 'Deleted' | 'LockedOut';
  readonly subscriptionId: string;
}

/** `assignedLicense`. */
export interface SimAssignedLicense {
  readonly skuId: string;
  readonly disabledPlans: readonly string[];
}

/** The licences of one tenant: subscriptions, and assignments per user id. */
export class TenantLicences {
  private generated = false;
  private readonly subscriptions = new Map<string, SimSubscription>();
  private readonly assignments = new Map<string, SimAssignedLicense[]>();
  /** Licences a user inherits from a licensed group (group-based licensing), by user id. */
  private readonly inherited = new Map<string, Set<string>>();

  constructor(
    private readonly seed: number,
    private readonly users: () => readonly UserRecord[],
    private readonly premium: () => boolean,
  ) {}

  /** The tenant's subscriptions, in a stable order. */
  subscribedSkus(): readonly SimSubscription[] {
    this.ensure();
    return [...this.subscriptions.values()];
  }

  /** `consumedUnits`: licences of the SKU held by users that still exist (a hard delete frees the seat). */
  consumedUnits(skuId: string): number {
    this.ensure();
    let consumed = 0;
    for (const user of this.users()) {
      if (user.hardDeleted) continue;
      if (this.assignedLicenses(user.id).some((licence) => licence.skuId === skuId)) consumed++;
    }
    return consumed;
  }

  /** A user's `assignedLicenses` (empty for none): those assigned directly and those inherited from a group. */
  assignedLicenses(userId: string): readonly SimAssignedLicense[] {
    this.ensure();
    const direct = this.assignments.get(userId) ?? [];
    const inherited = [...(this.inherited.get(userId) ?? [])].filter(
      (skuId) => !direct.some((licence) => licence.skuId === skuId),
    );
    return inherited.length === 0
      ? direct
      : [...direct, ...inherited.map((skuId) => ({ skuId, disabledPlans: [] }))];
  }

  /** The SKUs a user holds only through a group (not assigned directly): `assignLicense` cannot remove them. */
  inheritedOnly(userId: string): ReadonlySet<string> {
    this.ensure();
    const direct = new Set((this.assignments.get(userId) ?? []).map((licence) => licence.skuId));
    return new Set([...(this.inherited.get(userId) ?? [])].filter((skuId) => !direct.has(skuId)));
  }

  /** Sets the SKUs a user inherits from a licensed group (group-based licensing); each must be a subscription. */
  setGroupLicences(userId: string, skuIds: readonly string[]): void {
    this.ensure();
    const keys = skuIds.map((skuId) => skuId.toLowerCase());
    for (const key of keys) {
      if (!this.subscriptions.has(key)) {
        throw new SimulatorError('invalid', `the tenant has no subscription to sku ${key}`);
      }
    }
    if (keys.length === 0) this.inherited.delete(userId);
    else this.inherited.set(userId, new Set(keys));
  }

  /** The licences assigned to the user directly (not through a group). */
  directLicences(userId: string): readonly SimAssignedLicense[] {
    this.ensure();
    return this.assignments.get(userId) ?? [];
  }

  /** Sets the user's direct licences (by skuId): each must be a subscription of the tenant. */
  setAssignedLicenses(userId: string, skuIds: readonly string[]): void {
    this.ensure();
    const licences = skuIds.map((skuId) => {
      const key = skuId.toLowerCase();
      if (!this.subscriptions.has(key)) {
        throw new SimulatorError('invalid', `the tenant has no subscription to sku ${skuId}`);
      }
      return { skuId: key, disabledPlans: [] };
    });
    if (licences.length === 0) this.assignments.delete(userId);
    else this.assignments.set(userId, licences);
  }

  /** Adds (or changes the seats of) a subscription to one of {@link SIM_SKUS}. */
  subscribe(sku: SimSku, enabledUnits: number): SimSubscription {
    this.ensure();
    const existing = this.subscriptions.get(sku.skuId);
    if (existing) {
      existing.enabledUnits = enabledUnits;
      return existing;
    }
    const subscription: SimSubscription = {
      sku,
      enabledUnits,
      capabilityStatus: 'Enabled',
      subscriptionId: hashGuid(this.seed, this.subscriptions.size, 0x51b5),
    };
    this.subscriptions.set(sku.skuId, subscription);
    return subscription;
  }

  /**
   * The generated licence estate: every member has Microsoft 365 E3 (a few the no-Teams edition), some Copilot and
   * Audio Conferencing; a premium tenant also has Entra ID P2 for a share of its users. Each subscription has a few
   * unused seats, as real ones do.
   */
  private ensure(): void {
    if (this.generated) return;
    this.generated = true;
    const rng = new SeededRandom(this.seed, 17);
    const held = new Map<string, number>();
    const give = (user: UserRecord, sku: SimSku): void => {
      const list = this.assignments.get(user.id) ?? [];
      list.push({ skuId: sku.skuId, disabledPlans: [] });
      this.assignments.set(user.id, list);
      held.set(sku.skuId, (held.get(sku.skuId) ?? 0) + 1);
    };
    const premium = this.premium();
    for (const user of this.users()) {
      if (user.hardDeleted || user.userType === 'Guest') continue;
      give(user, rng.chance(0.9) ? SIM_SKUS.SPE_E3 : SIM_SKUS['Microsoft_365_E3_(no_Teams)']);
      if (rng.chance(0.08)) give(user, SIM_SKUS.Microsoft_365_Copilot);
      if (rng.chance(0.15)) give(user, SIM_SKUS.MCOMEETADV);
      if (premium && rng.chance(0.3)) give(user, SIM_SKUS.AAD_PREMIUM_P2);
    }
    const skus: SimSku[] = [
      SIM_SKUS.SPE_E3,
      SIM_SKUS['Microsoft_365_E3_(no_Teams)'],
      SIM_SKUS.Microsoft_365_Copilot,
      SIM_SKUS.MCOMEETADV,
      ...(premium ? [SIM_SKUS.AAD_PREMIUM_P2] : []),
    ];
    for (const sku of skus) {
      const used = held.get(sku.skuId) ?? 0;
      this.subscribe(sku, used + 1 + rng.int(Math.max(2, Math.ceil(used * 0.1))));
    }
  }
}
