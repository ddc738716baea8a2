import assert from 'node:assert/strict';
import {
  checkEligibility,
  isExternalMember,
  isGuest,
  type EligibilityFacts,
} from '../../../src/domain/eligibility.js';

const contractors = { id: 'g1', displayName: 'Contractors' };
const agencies = { id: 'g2', displayName: 'Agencies' };

describe('eligibility (rule 3)', () => {
  const table: { title: string; facts: EligibilityFacts; expected: string | null }[] = [
    {
      title: 'a member in no excluded group is eligible',
      facts: {
        userPrincipalName: 'someone@contoso.com',
        userType: 'Member',
        entraState: 'active',
        excludedGroups: [],
      },
      expected: null,
    },
    {
      title: 'a user without userType counts as a member',
      facts: {
        userPrincipalName: 'someone@contoso.com',
        userType: null,
        entraState: 'active',
        excludedGroups: [],
      },
      expected: null,
    },
    {
      title: 'a guest is never eligible',
      facts: {
        userPrincipalName: 'someone@contoso.com',
        userType: 'Guest',
        entraState: 'active',
        excludedGroups: [],
      },
      expected: 'guest account',
    },
    {
      title: 'guest is recognised whatever its case',
      facts: {
        userPrincipalName: 'someone@contoso.com',
        userType: 'guest',
        entraState: 'active',
        excludedGroups: [],
      },
      expected: 'guest account',
    },
    {
      title: 'a member of an excluded group is refused, naming the group',
      facts: {
        userPrincipalName: 'someone@contoso.com',
        userType: 'Member',
        entraState: 'active',
        excludedGroups: [contractors],
      },
      expected: 'member of excluded group Contractors',
    },
    {
      title: 'with several excluded groups the first by name is named',
      facts: {
        userPrincipalName: 'someone@contoso.com',
        userType: 'Member',
        entraState: 'active',
        excludedGroups: [contractors, agencies],
      },
      expected: 'member of excluded group Agencies',
    },
    {
      title: 'a soft-deleted user is not eligible',
      facts: {
        userPrincipalName: 'someone@contoso.com',
        userType: 'Member',
        entraState: 'soft_deleted',
        excludedGroups: [],
      },
      expected: 'deleted in Entra (restorable for 30 days)',
    },
    {
      title: 'deletion is named before being a guest or in an excluded group',
      facts: {
        userPrincipalName: 'someone@contoso.com',
        userType: 'Guest',
        entraState: 'deleted',
        excludedGroups: [contractors],
      },
      expected: 'deleted in Entra',
    },
    {
      title: 'being a guest is named before an excluded group',
      facts: {
        userPrincipalName: 'someone@contoso.com',
        userType: 'Guest',
        entraState: 'active',
        excludedGroups: [contractors],
      },
      expected: 'guest account',
    },
    {
      title: 'an account without userType whose UPN carries #EXT# is a guest (Microsoft: B2B accounts)',
      facts: {
        userPrincipalName: 'alice_fabrikam.com#EXT#@contoso.onmicrosoft.com',
        userType: null,
        entraState: 'active',
        excludedGroups: [],
      },
      expected: 'guest account',
    },
    {
      title: 'an external member (#EXT# with userType Member) is eligible like any member',
      facts: {
        userPrincipalName: 'bob_partner.com#EXT#@contoso.onmicrosoft.com',
        userType: 'Member',
        entraState: 'active',
        excludedGroups: [],
      },
      expected: null,
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
      userPrincipalName: 'someone@contoso.com',
      userType: 'Member',
      entraState: 'active',
      excludedGroups: [contractors],
    });
    assert.ok(!result.eligible);
    assert.equal(result.reason, 'excluded_group');
    assert.deepEqual(result.group, contractors);
  });

  describe("guests by Microsoft's definitions (rule 3)", () => {
    const ext = 'carol_fabrikam.com#EXT#@contoso.onmicrosoft.com';
    const table: { userType: string | null; upn: string | null; guest: boolean; external: boolean }[] = [
      { userType: 'Guest', upn: ext, guest: true, external: false },
      { userType: 'Guest', upn: 'carol@contoso.com', guest: true, external: false },
      { userType: 'GUEST', upn: null, guest: true, external: false },
      { userType: null, upn: ext, guest: true, external: false },
      { userType: null, upn: ext.toLowerCase(), guest: true, external: false },
      { userType: null, upn: 'dave@contoso.com', guest: false, external: false },
      { userType: null, upn: null, guest: false, external: false },
      { userType: 'Member', upn: ext, guest: false, external: true },
      { userType: 'Member', upn: 'erin@contoso.com', guest: false, external: false },
    ];
    for (const row of table) {
      it(`userType ${String(row.userType)} with UPN ${String(row.upn)} is ${row.guest ? 'a guest' : row.external ? 'an external member' : 'a member'}`, () => {
        const facts = { userType: row.userType, userPrincipalName: row.upn };
        assert.equal(isGuest(facts), row.guest);
        assert.equal(isExternalMember(facts), row.external);
      });
    }
  });
});
