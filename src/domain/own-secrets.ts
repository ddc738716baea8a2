import { DAY_MS } from '../shared/clock.js';
import { secretExpiryStage } from './notification-rules.js';

/**
 * The app's own credentials, which expire like any client secret (the toolkit generates them for 180 days): the bot
 * password (without it the bot cannot send anything) and the admin-consent app's secret (without it no
 * consent-connected client syncs). Provisioning records when each expires; the same reminders as for a client's
 * secret apply (rule 11: 30, 7 and 1 days before, and once expired — {@link secretExpiryStage}).
 */
export type OwnSecret = 'bot_password' | 'consent_app_secret';

/** The setting that holds each secret, and the one that holds its expiry date (README, "Rotating…"). */
export const ownSecretSettings: Readonly<Record<OwnSecret, { secret: string; expiresOn: string }>> = {
  bot_password: { secret: 'BOT_PASSWORD', expiresOn: 'BOT_PASSWORD_EXPIRES_ON' },
  consent_app_secret: { secret: 'CONSENT_APP_CLIENT_SECRET', expiresOn: 'CONSENT_APP_SECRET_EXPIRES_ON' },
};

/** One configured secret and when it expires (ISO instant; undefined when nobody recorded it). */
export interface OwnSecretExpiry {
  readonly secret: OwnSecret;
  readonly expiresAt: string | undefined;
}

export type OwnSecretState = 'ok' | 'expiring' | 'expired' | 'unknown';

export interface OwnSecretStatus {
  readonly secret: OwnSecret;
  readonly state: OwnSecretState;
  /** `YYYY-MM-DD`, or null when unknown. */
  readonly expiresOn: string | null;
  /** Whole days left (negative once expired), or null when unknown. */
  readonly daysLeft: number | null;
  /** What to do, for an operator: null when nothing needs doing. */
  readonly warning: string | null;
}

/** Where each of the app's own secrets stands now: ok, expiring (within 30 days), expired, or unknown. */
export function ownSecretStatus(expiry: OwnSecretExpiry, now: Date): OwnSecretStatus {
  const names = ownSecretSettings[expiry.secret];
  if (expiry.expiresAt === undefined) {
    return {
      secret: expiry.secret,
      state: 'unknown',
      expiresOn: null,
      daysLeft: null,
      warning: `${names.secret} has no recorded expiry date: set ${names.expiresOn} so that it is watched.`,
    };
  }
  const expiresOn = expiry.expiresAt.slice(0, 10);
  const stage = secretExpiryStage(new Date(expiry.expiresAt), now);
  const daysLeft = Math.floor((Date.parse(expiry.expiresAt) - now.getTime()) / DAY_MS);
  if (stage === undefined) return { secret: expiry.secret, state: 'ok', expiresOn, daysLeft, warning: null };
  const expired = stage.stage === 'expired';
  return {
    secret: expiry.secret,
    state: expired ? 'expired' : 'expiring',
    expiresOn,
    daysLeft: stage.daysLeft,
    warning: expired
      ? `${names.secret} expired on ${expiresOn}: create a new secret, set ${names.secret} and ${names.expiresOn}, and restart.`
      : `${names.secret} expires on ${expiresOn} (${stage.daysLeft === 0 ? 'today' : `in ${String(stage.daysLeft)} days`}): create a new secret, set ${names.secret} and ${names.expiresOn}, and restart.`,
  };
}
