import assert from 'node:assert/strict';
import { ownSecretStatus } from '../../../src/domain/own-secrets.js';

const now = new Date('2026-11-26T10:00:00.000Z');
const inDays = (days: number): string => new Date(now.getTime() + days * 86_400_000).toISOString();

describe("the app's own secrets", () => {
  it('are fine more than 30 days before they expire, with nothing to do', () => {
    const status = ownSecretStatus({ secret: 'bot_password', expiresAt: inDays(45) }, now);

    assert.deepEqual(status, {
      secret: 'bot_password',
      state: 'ok',
      expiresOn: '2027-01-10',
      daysLeft: 45,
      warning: null,
    });
  });

  it('are expiring from 30 days before, saying the day and how to rotate them', () => {
    for (const days of [30, 7, 1]) {
      const status = ownSecretStatus({ secret: 'consent_app_secret', expiresAt: inDays(days) }, now);

      assert.equal(status.state, 'expiring', String(days));
      assert.match(
        status.warning ?? '',
        /^CONSENT_APP_CLIENT_SECRET expires on \d{4}-\d{2}-\d{2} \(in \d+ days?\): create a new secret, set CONSENT_APP_CLIENT_SECRET and CONSENT_APP_SECRET_EXPIRES_ON, and restart\.$/,
      );
    }
  });

  it('are expired once their date has passed', () => {
    const status = ownSecretStatus({ secret: 'bot_password', expiresAt: inDays(-3) }, now);

    assert.equal(status.state, 'expired');
    assert.ok(status.daysLeft !== null && status.daysLeft < 0);
    assert.match(status.warning ?? '', /^BOT_PASSWORD expired on 2026-11-23/);
  });

  it('are unknown without a recorded date, and say which setting records it', () => {
    const status = ownSecretStatus({ secret: 'bot_password', expiresAt: undefined }, now);

    assert.equal(status.state, 'unknown');
    assert.match(status.warning ?? '', /set BOT_PASSWORD_EXPIRES_ON/);
  });
});
