import assert from 'node:assert/strict';
import { isBillable, type BillableFacts } from '../../../src/domain/billable.js';

const billable: BillableFacts = {
  collectionState: 'imported',
  userType: 'Member',
  userPrincipalName: 'ann@contoso.com',
  entraState: 'active',
  accountEnabled: true,
  inExcludedGroup: false,
  expired: false,
};

describe('billable (rule 9)', () => {
  const table: { title: string; facts: BillableFacts; expected: boolean }[] = [
    { title: 'an imported, eligible, active, enabled member is billable', facts: billable, expected: true },
    {
      title: 'a user not imported is not billable',
      facts: { ...billable, collectionState: 'not_imported' },
      expected: false,
    },
    {
      title: 'a disabled user is not billable',
      facts: { ...billable, collectionState: 'disabled' },
      expected: false,
    },
    { title: 'an expired user is not billable', facts: { ...billable, expired: true }, expected: false },
    {
      title: 'an account disabled in Entra is not billable',
      facts: { ...billable, accountEnabled: false },
      expected: false,
    },
    {
      title: 'a guest is never billable, even if imported',
      facts: { ...billable, userType: 'Guest' },
      expected: false,
    },
    {
      title: 'an account without userType and with a #EXT# UPN is a guest, so never billable',
      facts: {
        ...billable,
        userType: null,
        userPrincipalName: 'ann_fabrikam.com#EXT#@contoso.onmicrosoft.com',
      },
      expected: false,
    },
    {
      title: 'an external member (#EXT#, userType Member) is billable like any member',
      facts: { ...billable, userPrincipalName: 'ann_fabrikam.com#EXT#@contoso.onmicrosoft.com' },
      expected: true,
    },
    {
      title: 'a member of an excluded group is not billable',
      facts: { ...billable, inExcludedGroup: true },
      expected: false,
    },
    {
      title: 'a soft-deleted user is not billable',
      facts: { ...billable, entraState: 'soft_deleted' },
      expected: false,
    },
  ];
  for (const row of table) {
    it(row.title, () => {
      assert.equal(isBillable(row.facts), row.expected);
    });
  }
});
