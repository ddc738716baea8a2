import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { usersCsv } from '../../../src/services/export-service.js';
import { neutraliseCell } from '../../../src/shared/csv.js';
import type { UserView } from '../../../src/contracts/users.js';

function user(overrides: Partial<UserView> = {}): UserView {
  return {
    id: 'u1',
    displayName: 'Ann Smith',
    userPrincipalName: 'ann@contoso.com',
    mail: 'ann@contoso.com',
    userType: 'Member',
    guest: false,
    externalMember: false,
    accountEnabled: true,
    onPremisesSynced: false,
    department: 'Sales',
    jobTitle: 'Lead',
    entraState: 'active',
    state: 'imported',
    disableReason: null,
    importedAt: '2026-11-01T00:00:00Z',
    lastActivity: { at: '2026-11-20T00:00:00Z', source: 'sign_in_log', app: 'Salesforce' },
    expired: false,
    expiredSince: null,
    expiry: {
      status: 'active',
      explanation: 'last successful sign-in 2026-11-20 (Salesforce), 6 days ago; threshold 30',
      expiresAt: null,
    },
    billable: true,
    eligibility: { eligible: true },
    ...overrides,
  };
}

describe('users CSV', () => {
  it('writes one row per user with a header, readable back by a CSV parser', () => {
    const text = usersCsv([user(), user({ id: 'u2', displayName: 'Bob, "the builder"', billable: false })]);
    const rows: Record<string, string>[] = parse(text, { columns: true });
    assert.deepEqual(
      rows.map((row) => [row.displayName, row.lastActivityApp, row.billable]),
      [
        ['Ann Smith', 'Salesforce', 'yes'],
        ['Bob, "the builder"', 'Salesforce', 'no'],
      ],
    );
  });

  it('neutralises cells a spreadsheet would run as a formula, with the one shared guard', () => {
    assert.equal(neutraliseCell('=HYPERLINK("http://evil")'), `'=HYPERLINK("http://evil")`);
    assert.equal(neutraliseCell('+1'), "'+1");
    assert.equal(neutraliseCell('-2'), "'-2");
    assert.equal(neutraliseCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(neutraliseCell('Sales'), 'Sales');
    assert.equal(neutraliseCell(null), '');
    const text = usersCsv([user({ displayName: ' =1+1', department: '\n=2+2', jobTitle: '＝3+3' })]);
    const [row]: Record<string, string>[] = parse(text, { columns: true });
    assert.deepEqual([row?.displayName, row?.department, row?.jobTitle], ["' =1+1", "'\n=2+2", "'＝3+3"]);
  });
});
