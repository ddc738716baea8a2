import assert from 'node:assert/strict';
import {
  deliveryKey,
  eventKeys,
  mayReach,
  nextIncidentStep,
  permissionObservation,
  secretExpiryStage,
  startOfUtcDay,
  syncObservation,
} from '../../../src/domain/notification-rules.js';

const DAY = 24 * 60 * 60 * 1000;
const now = new Date('2026-11-26T10:00:00.000Z');

describe('notification rules', () => {
  it('an incident opens on the first failure, only continues on the next ones and closes on the first success', () => {
    assert.equal(nextIncidentStep(false, 'failing'), 'open');
    assert.equal(nextIncidentStep(true, 'failing'), 'continue');
    assert.equal(nextIncidentStep(true, 'healthy'), 'resolve');
    assert.equal(nextIncidentStep(false, 'healthy'), 'none');
    assert.equal(nextIncidentStep(true, 'unknown'), 'none');
    assert.equal(nextIncidentStep(false, 'unknown'), 'none');
  });

  it('a sync in progress or never run says nothing about health', () => {
    assert.equal(syncObservation(null), 'unknown');
    assert.equal(syncObservation({ status: 'running' }), 'unknown');
    assert.equal(syncObservation({ status: 'failed' }), 'failing');
    assert.equal(syncObservation({ status: 'succeeded' }), 'healthy');
  });

  it('missing permissions are named; no checks at all is not a problem', () => {
    assert.deepEqual(permissionObservation([]), { observation: 'unknown', missing: [] });
    assert.deepEqual(
      permissionObservation([
        { name: 'User.Read.All', passed: true },
        { name: 'AuditLog.Read.All', passed: false },
      ]),
      { observation: 'failing', missing: ['AuditLog.Read.All'] },
    );
    assert.equal(permissionObservation([{ name: 'User.Read.All', passed: true }]).observation, 'healthy');
  });

  it('a secret is announced from 30 days before it expires, again at 7 days, on the last day and once expired', () => {
    const at = (days: number): Date => new Date(now.getTime() + days * DAY);
    assert.equal(secretExpiryStage(at(31), now), undefined);
    assert.deepEqual(secretExpiryStage(at(30), now), { stage: '30d', daysLeft: 30 });
    assert.deepEqual(secretExpiryStage(at(8), now), { stage: '30d', daysLeft: 8 });
    assert.deepEqual(secretExpiryStage(at(7), now), { stage: '7d', daysLeft: 7 });
    assert.deepEqual(secretExpiryStage(at(1.5), now), { stage: '7d', daysLeft: 1 });
    assert.deepEqual(secretExpiryStage(at(1), now), { stage: '1d', daysLeft: 1 });
    assert.deepEqual(secretExpiryStage(at(0.5), now), { stage: '1d', daysLeft: 0 });
    assert.deepEqual(secretExpiryStage(at(0), now), { stage: 'expired', daysLeft: -1 });
    assert.deepEqual(secretExpiryStage(at(-3), now), { stage: 'expired', daysLeft: -3 });
  });

  it('one-shot events reach only conversations that were there, for a week; states reach everyone', () => {
    const event = new Date(now.getTime() - DAY);
    const before = new Date(now.getTime() - 2 * DAY);
    const after = new Date(now.getTime() - DAY / 2);
    assert.equal(mayReach('first_sync_finished', event, before, now), true);
    assert.equal(mayReach('first_sync_finished', event, after, now), false);
    assert.equal(mayReach('integration_created', event, before, new Date(event.getTime() + 8 * DAY)), false);
    assert.equal(mayReach('sync_failed', event, after, now), true);
    assert.equal(mayReach('users_expiring', event, after, now), true);
    assert.equal(mayReach('secret_expiring', event, after, now), true);
  });

  it('each event gets one key per conversation, short whatever the conversation id', () => {
    const channel = `19:${'x'.repeat(300)}@thread.tacv2`;
    const key = deliveryKey(eventKeys.expiryDigest('2026-11-26'), channel);
    assert.ok(key.startsWith('expiry:2026-11-26@'));
    assert.ok(key.length < 60);
    assert.notEqual(key, deliveryKey(eventKeys.expiryDigest('2026-11-26'), 'a:personal'));
    assert.equal(key, deliveryKey(eventKeys.expiryDigest('2026-11-26'), channel));
    assert.equal(eventKeys.secretExpiry('2026-12-20T00:00:00.000Z', '7d'), 'secret-expiry:2026-12-20:7d');
    assert.equal(startOfUtcDay(now).toISOString(), '2026-11-26T00:00:00.000Z');
  });
});
