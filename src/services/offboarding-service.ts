import { z } from 'zod/v4';
import { ValidationError, isAppError } from '../shared/errors.js';
import type { Actor } from './actor.js';
import type { ClientAccess } from './client-access.js';
import type { UserActionsService } from './user-actions-service.js';
import type { UserService } from './user-service.js';
import { notAvailableNotice } from './action-availability.js';
import { ACTION_KINDS } from './user-action-kinds.js';
import { parseInput } from './validation.js';
import {
  OFFBOARDING_STEP_TITLES,
  type OffboardingOutcome,
  type OffboardingPreview,
  type OffboardingStep,
  type OffboardingStepPlan,
  type OffboardingStepResult,
} from '../contracts/offboarding.js';
import type { UserActionName, UserActionPreview } from '../contracts/user-actions.js';
import type { UserView } from '../contracts/users.js';

export interface OffboardingServiceOptions {
  readonly clientAccess: ClientAccess;
  readonly users: UserService;
  readonly userActions: UserActionsService;
}

/** The steps that act in the client's tenant, each one of the user actions. */
const ENTRA_STEPS: readonly (OffboardingStep & UserActionName)[] = [
  'block_sign_in',
  'revoke_sessions',
  'remove_licences',
];

const STOP_COLLECTION_WHAT =
  'Stop collecting the user’s activity here; the user is no longer billable (Disable user). Import it again to undo.';

const confirmInput = z
  .object({ confirm: z.boolean({ error: 'confirm must be true or false' }).optional() })
  .strict();

/**
 * Offboarding a leaver in one go (src/contracts/offboarding.ts says which steps and why in that order): a preview
 * of every step, then, once confirmed, each step in turn. Each step is one of the existing actions — the user
 * actions' block sign-in, revoke sessions and remove licences (JSON batching, throttling, per-user audit), then rule
 * 5's Disable user — so each is authorised, audited and undone as it is on its own. A step the tenant has not
 * granted is skipped, with how to grant it, and the others still run: a leaver is better blocked without the
 * licences freed than not blocked at all. Needs the client-admin right.
 */
export class OffboardingService {
  constructor(private readonly options: OffboardingServiceOptions) {}

  /**
   * What offboarding the user would do; changes nothing.
   * @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError}
   */
  async preview(actor: Actor, clientRef: string, userRef: string): Promise<OffboardingPreview> {
    const client = await this.options.clientAccess.resolve(actor, clientRef, 'client:operate');
    const user = await this.options.users.get(actor, client.id, userRef);
    const previews = await this.entraPreviews(actor, client.id, user.id);
    const steps: OffboardingStepPlan[] = [
      ...ENTRA_STEPS.map((step) => entraPlan(step, previews.get(step))),
      stopCollectionPlan(user),
    ];
    const licences = previews.get('remove_licences');
    return {
      clientId: client.id,
      user: { id: user.id, displayName: user.displayName, userPrincipalName: user.userPrincipalName },
      steps,
      toChange: steps.filter((step) => step.plan === 'change').length,
      unavailableNotice: unavailableNotice([...previews.values()].filter((preview) => !preview.available)),
      monthlyCostReclaimed:
        licences?.available === true && licences.toChange > 0 ? licences.monthlyCostReclaimed : null,
    };
  }

  /**
   * Does what {@link preview} showed, once `confirm: true` is given: each step in order, one result each. A step
   * Graph refuses does not stop the next.
   * @throws {ValidationError} without confirmation; {@link ConflictError} when the tenant is not connected;
   * {@link NotFoundError} {@link ForbiddenError}
   */
  async execute(
    actor: Actor,
    clientRef: string,
    userRef: string,
    input: unknown,
  ): Promise<OffboardingOutcome> {
    const client = await this.options.clientAccess.resolve(actor, clientRef, 'client:operate');
    if (parseInput(confirmInput, input).confirm !== true) {
      throw new ValidationError(
        'Nothing was changed: look at the preview, then offboard the same user with confirm: true.',
        [{ path: 'confirm', message: 'must be true to act' }],
      );
    }
    const user = await this.options.users.get(actor, client.id, userRef);
    const results: OffboardingStepResult[] = [];
    for (const step of ENTRA_STEPS) results.push(await this.runEntraStep(actor, client.id, user.id, step));
    results.push(await this.stopCollection(actor, client.id, user.id));
    return {
      clientId: client.id,
      user: { id: user.id, displayName: user.displayName, userPrincipalName: user.userPrincipalName },
      steps: results,
    };
  }

  private async entraPreviews(
    actor: Actor,
    clientId: string,
    userId: string,
  ): Promise<Map<OffboardingStep, UserActionPreview>> {
    const previews = await Promise.all(
      ENTRA_STEPS.map(async (step) => {
        const preview = await this.options.userActions.preview(actor, clientId, {
          action: step,
          userIds: [userId],
        });
        return [step, preview] as const;
      }),
    );
    return new Map(previews);
  }

  private async runEntraStep(
    actor: Actor,
    clientId: string,
    userId: string,
    step: OffboardingStep & UserActionName,
  ): Promise<OffboardingStepResult> {
    try {
      const outcome = await this.options.userActions.execute(actor, clientId, {
        action: step,
        userIds: [userId],
        confirm: true,
      });
      const result = outcome.results[0];
      if (result === undefined) return { step, outcome: 'not_applicable', reason: null };
      return { step, outcome: result.outcome, reason: result.reason };
    } catch (error) {
      // Not granted: the action refused before sending anything (and audited the attempt); the next steps go on.
      if (isAppError(error, 'permission_missing'))
        return { step, outcome: 'skipped', reason: needs(ACTION_KINDS[step].permission.permission) };
      throw error;
    }
  }

  private async stopCollection(
    actor: Actor,
    clientId: string,
    userId: string,
  ): Promise<OffboardingStepResult> {
    const step = 'stop_collection';
    try {
      const change = await this.options.users.changeState(actor, clientId, userId, 'disable');
      return { step, outcome: 'done', reason: change.changed ? null : 'Already disabled by hand.' };
    } catch (error) {
      // Never imported, disabled with an excluded group, or deleted in Entra: nothing is collected to stop.
      if (
        isAppError(error, 'user_not_collected') ||
        isAppError(error, 'user_excluded') ||
        isAppError(error, 'user_deleted')
      )
        return { step, outcome: 'not_applicable', reason: error.message };
      throw error;
    }
  }
}

/** A step the tenant has not granted, in a few words (the preview's notice says how to grant it). */
function needs(permission: string): string {
  return `Needs ${permission}, not granted for this client yet.`;
}

/**
 * One sentence for every step that cannot run: the permissions to add and have consented when that is why (the
 * usual case), else the availability's own words (not connected, the permissions could not be read).
 */
function unavailableNotice(previews: readonly UserActionPreview[]): string | null {
  if (previews.length === 0) return null;
  if (previews.every((preview) => preview.availabilityDetail.startsWith('Not granted'))) {
    const permissions = previews.map((preview) => preview.permission);
    const steps = previews.map((preview) =>
      OFFBOARDING_STEP_TITLES[preview.action as OffboardingStep].toLowerCase(),
    );
    return (
      `Not granted for this client yet: ${permissions.join(', ')}. To allow ${steps.join(', ')}, add ` +
      `${permissions.length === 1 ? 'it' : 'them'} to the app as Microsoft Graph application permissions and have ` +
      `the client's admin grant consent; until then ${permissions.length === 1 ? 'that step is' : 'those steps are'} skipped.`
    );
  }
  return [...new Set(previews.map((preview) => notAvailableNotice(preview.availabilityDetail)))].join(' ');
}

function entraPlan(step: OffboardingStep, preview: UserActionPreview | undefined): OffboardingStepPlan {
  const target = preview?.targets[0];
  if (preview === undefined || target === undefined)
    return { step, what: '', plan: 'not_applicable', reason: null, permission: null };
  const permission = preview.permission;
  if (!preview.available)
    return { step, what: preview.what, plan: 'unavailable', reason: needs(permission), permission };
  const licences =
    step === 'remove_licences' && target.plan === 'change'
      ? `Frees ${target.licences.map((licence) => licence.productName).join(', ')}.`
      : null;
  return { step, what: preview.what, plan: target.plan, reason: target.reason ?? licences, permission };
}

/** Rule 5's Disable user, as the user's collection state decides it (src/domain/collection-state.ts). */
function stopCollectionPlan(user: UserView): OffboardingStepPlan {
  const here = { step: 'stop_collection' as const, what: STOP_COLLECTION_WHAT, permission: null };
  if (user.state === 'imported') return { ...here, plan: 'change', reason: null };
  if (user.state === 'not_imported')
    return { ...here, plan: 'not_applicable', reason: 'Never imported: nothing is collected or billed.' };
  return {
    ...here,
    plan: 'already',
    reason:
      user.disableReason === 'manual'
        ? 'Already disabled by hand.'
        : 'Already not collected (disabled with an excluded group, or deleted in Entra).',
  };
}
