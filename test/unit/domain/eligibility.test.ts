import assert from 'node:assert/strict';
import { checkEligibility, type EligibilityFacts } from '../../../src/domain/eligibility.js';

const contractors = { id: 'g1', displayName: 'Contractors' };
const agencies = { id: 'g2', displayName: 'Agencies' };

describe('eligibility (rule 3)', () => {
  const table: { title: string; facts: EligibilityFacts; expected: string | null }[] = [
    {
      title: 'a member in no excluded group is eligible',
      facts: { userType: 'Member', entraState: 'active', excludedGroups: [] },
      expected: null,
    },
    {
      title: 'a user without userType counts as a member',
      facts: { userType: null, entraState: 'active', excludedGroups: [] },
      expected: null,
    },
    {
      title: 'a guest is never eligible',
      facts: { userType: 'Guest', entraState: 'active', excludedGroups: [] },
      expected: 'guest account',
    },
    {
      title: 'guest is recognised whatever its case',
      facts: { userType: 'guest', entraState: 'active', excludedGroups: [] },
      expected: 'guest account',
    },
    {
      title: 'a member of an excluded group is refused, naming the group',
      facts: { userType: 'Member', entraState: 'active', excludedGroups: [contractors] },
      expected: 'member of excluded group Contractors',
    },
    {
      title: 'with several excluded groups the first by name is named',
      facts: { userType: 'Member', entraState: 'active', excludedGroups: [contractors, agencies] },
      expected: 'member of excluded group Agencies',
    },
    {
      title: 'a soft-deleted user is not eligible',
      facts: { userType: 'Member', entraState: 'soft_deleted', excludedGroups: [] },
      expected: 'deleted in Entra (restorable for 30 days)',
    },
    {
      title: 'deletion is named before being a guest or in an excluded group',
      facts: { userType: 'Guest', entraState: 'deleted', excludedGroups: [contractors] },
      expected: 'deleted in Entra',
    },
    {
      title: 'being a guest is named before an excluded group',
      facts: { userType: 'Guest', entraState: 'active', excludedGroups: [contractors] },
      expected: 'guest account',
    },
  ];
  for (const row of table) {
    it(row.title, () => {
      const result = checkEligibility(row.facts);
      if (row.expected === null) assert.deepEqual(result, { eligible: true });
      else {
        assert.ok(!result.eligible);
        assert.equal(result.explanation, row.expected);
      }
    });
  }

  it('returns the excluded group it names, for the refusal to link to', () => {
    const result = checkEligibility({
      userType: 'Member',
      entraState: 'active',
      excludedGroups: [contractors],
    });
    assert.ok(!result.eligible);
    assert.equal(result.reason, 'excluded_group');
    assert.deepEqual(result.group, contractors);
  });
});
