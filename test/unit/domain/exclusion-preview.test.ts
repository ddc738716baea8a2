import assert from 'node:assert/strict';
import {
  billableAfterExclusion,
  checkExclusionConfirmation,
  exclusionFigures,
  fingerprintOf,
  type ExclusionConfirmation,
  type ExclusionPreviewBinding,
} from '../../../src/domain/exclusion-preview.js';

const now = new Date('2026-11-26T12:00:00.000Z');
const fingerprint = fingerprintOf(['b', 'a', 'c']);
const preview: ExclusionPreviewBinding = {
  clientId: 'client-1',
  groupId: 'group-1',
  fingerprint,
  actorTenantId: 'tenant',
  actorObjectId: 'admin',
  expiresAt: new Date(now.getTime() + 60_000),
  usedAt: null,
};
const confirmation: ExclusionConfirmation = {
  clientId: 'client-1',
  actorTenantId: 'TENANT',
  actorObjectId: 'Admin',
  now,
  currentFingerprint: fingerprint,
};

describe('exclusion preview and confirmation (rule 6)', () => {
  it('fingerprints a membership whatever the order and duplicates of the ids', () => {
    assert.equal(fingerprintOf(['c', 'a', 'b', 'a']), fingerprint);
    assert.match(fingerprint, /^3:[0-9a-f]{64}$/);
  });

  it('gives a different fingerprint when a member joins or leaves', () => {
    assert.notEqual(fingerprintOf(['a', 'b', 'c', 'd']), fingerprint);
    assert.notEqual(fingerprintOf(['a', 'b']), fingerprint);
    assert.notEqual(fingerprintOf(['a', 'b', 'x']), fingerprint);
  });

  const table: {
    title: string;
    preview?: Partial<ExclusionPreviewBinding>;
    confirmation?: Partial<ExclusionConfirmation>;
    expected: string | undefined;
  }[] = [
    { title: 'the same admin confirms an unchanged, fresh, unused preview', expected: undefined },
    {
      title: 'another client cannot use the token',
      confirmation: { clientId: 'client-2' },
      expected: 'other_client',
    },
    {
      title: 'another admin cannot confirm it',
      confirmation: { actorObjectId: 'someone-else' },
      expected: 'other_actor',
    },
    { title: 'a used preview cannot be confirmed again', preview: { usedAt: now }, expected: 'used' },
    {
      title: 'an expired preview cannot be confirmed',
      confirmation: { now: new Date(now.getTime() + 60_000) },
      expected: 'expired',
    },
    {
      title: 'a preview made stale by a membership change cannot be confirmed',
      confirmation: { currentFingerprint: fingerprintOf(['a']) },
      expected: 'stale',
    },
    {
      title: 'a used preview is reported as used before stale',
      preview: { usedAt: now },
      confirmation: { currentFingerprint: 'x' },
      expected: 'used',
    },
  ];
  for (const row of table) {
    it(row.title, () => {
      assert.equal(
        checkExclusionConfirmation({ ...preview, ...row.preview }, { ...confirmation, ...row.confirmation }),
        row.expected,
      );
    });
  }

  it('subtracts the billable users the exclusion disables, never below zero', () => {
    assert.equal(billableAfterExclusion(100, 30), 70);
    assert.equal(billableAfterExclusion(3, 5), 0);
  });

  it('says how many of the users disabled were not billable, when the billable count drops by fewer', () => {
    const figures = (affected: number, after: number): string | undefined =>
      exclusionFigures({
        affected,
        billableBefore: 1_744,
        billableAfter: after,
        basis: 'current',
        readingActivity: false,
      }).facts.find((fact) => fact.label === 'Users disabled')?.value;
    assert.equal(figures(45, 1_701), '45 (nested members included), 2 of them not billable');
    assert.equal(figures(45, 1_699), '45 (nested members included)');
    assert.equal(figures(1_200, 1_000), '1,200 (nested members included), 456 of them not billable');
  });
});
