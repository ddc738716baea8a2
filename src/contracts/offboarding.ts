import type { MonthlyAmount } from './licences.js';

/**
 * Offboarding one leaver: the steps Microsoft's "Revoke user access in Microsoft Entra ID" gives for an employee who
 * leaves (https://learn.microsoft.com/en-us/entra/identity/users/users-revoke-access) — block sign-in first, then
 * revoke the sessions, so that no new token can be had in between — then free the licences, and stop collecting and
 * billing the user here (rule 5's Disable user). In this order.
 */
export const OFFBOARDING_STEPS = [
  'block_sign_in',
  'revoke_sessions',
  'remove_licences',
  'stop_collection',
] as const;
export type OffboardingStep = (typeof OFFBOARDING_STEPS)[number];

/** One step of a preview: what it will do to the user. */
export interface OffboardingStepPlan {
  readonly step: OffboardingStep;
  /** What the step does, in words. */
  readonly what: string;
  /**
   * `change` (it will act), `already` (already so: nothing to do), `not_applicable`, or `unavailable` (the tenant
   * has not granted the permission: skipped, the others still run).
   */
  readonly plan: 'change' | 'already' | 'not_applicable' | 'unavailable';
  /** Why not, what is already so, or (not granted) the permission it needs; null for a plain change. */
  readonly reason: string | null;
  /** The Microsoft Graph application permission the step needs (null for the last, which acts here only). */
  readonly permission: string | null;
}

/** What offboarding a user would do, before it is confirmed. Nothing changes. */
export interface OffboardingPreview {
  readonly clientId: string;
  readonly user: {
    readonly id: string;
    readonly displayName: string | null;
    readonly userPrincipalName: string | null;
  };
  readonly steps: readonly OffboardingStepPlan[];
  /** How many steps will act (plan `change`). */
  readonly toChange: number;
  /**
   * Why the `unavailable` steps are skipped and how to allow them, in one sentence for all of them (the
   * permissions to add and have consented); null when every step may run.
   */
  readonly unavailableNotice: string | null;
  /** The monthly cost of the licences the last step frees (null where no price is set, or none to free). */
  readonly monthlyCostReclaimed: MonthlyAmount | null;
}

/** One step's outcome. */
export interface OffboardingStepResult {
  readonly step: OffboardingStep;
  /** `done` includes a step already so; `skipped`: the permission is not granted. */
  readonly outcome: 'done' | 'refused' | 'not_applicable' | 'skipped';
  /** Microsoft's reason when refused, why not applicable or skipped, or what was already so. */
  readonly reason: string | null;
}

export interface OffboardingOutcome {
  readonly clientId: string;
  readonly user: OffboardingPreview['user'];
  readonly steps: readonly OffboardingStepResult[];
}

/** Each step as the tab, the bot and the CLI name it. */
export const OFFBOARDING_STEP_TITLES: Readonly<Record<OffboardingStep, string>> = {
  block_sign_in: 'Block sign-in',
  revoke_sessions: 'Sign out everywhere',
  remove_licences: 'Remove licences',
  stop_collection: 'Stop collecting and billing',
};

/** A step's plan in words (lower case; the tab capitalises them). */
export const OFFBOARDING_PLAN_WORDS: Readonly<Record<OffboardingStepPlan['plan'], string>> = {
  change: 'to do',
  already: 'already so',
  not_applicable: 'not applicable',
  unavailable: 'skipped (not granted)',
};

/** A step's outcome in words (lower case; the tab capitalises them). */
export const OFFBOARDING_OUTCOME_WORDS: Readonly<Record<OffboardingStepResult['outcome'], string>> = {
  done: 'done',
  refused: 'refused',
  not_applicable: 'not applicable',
  skipped: 'skipped (not granted)',
};

/** The steps an offboarding did not do: refused by Microsoft, or skipped for a permission not granted. */
export function stepsNotDone(outcome: Pick<OffboardingOutcome, 'steps'>): OffboardingStepResult[] {
  return outcome.steps.filter((step) => step.outcome === 'refused' || step.outcome === 'skipped');
}
