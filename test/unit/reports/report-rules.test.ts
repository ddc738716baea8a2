import assert from 'node:assert/strict';
import { daysOf, firstWholeDayFrom, resolvePeriod } from '../../../src/domain/report-period.js';
import { classifyApp, isEnterpriseApplication, ssoModeOf } from '../../../src/domain/report-sso.js';

const now = new Date('2026-11-26T15:30:00.000Z');

describe('report period', () => {
  it('defaults to the last 30 days, today included', () => {
    assert.deepEqual(resolvePeriod({}, now), { from: '2026-10-28', to: '2026-11-26', days: 30 });
  });

  it('counts back 30 days from an explicit last day', () => {
    assert.deepEqual(resolvePeriod({ to: '2026-03-01' }, now), {
      from: '2026-01-31',
      to: '2026-03-01',
      days: 30,
    });
  });

  it('accepts a single day and lists every day of a period across a month end', () => {
    const period = resolvePeriod({ from: '2026-10-30', to: '2026-11-02' }, now);
    assert.ok(!('problems' in period));
    assert.deepEqual(daysOf(period), ['2026-10-30', '2026-10-31', '2026-11-01', '2026-11-02']);
    assert.deepEqual(resolvePeriod({ from: '2026-11-26', to: '2026-11-26' }, now), {
      from: '2026-11-26',
      to: '2026-11-26',
      days: 1,
    });
  });

  it('refuses a start after the end and a period longer than a year and a day', () => {
    assert.ok('problems' in resolvePeriod({ from: '2026-11-27', to: '2026-11-26' }, now));
    assert.ok('problems' in resolvePeriod({ from: '2025-01-01', to: '2026-11-26' }, now));
  });
});

describe('the first whole day read', () => {
  it('is the next day after an instant within a day, and the day itself from its midnight', () => {
    assert.equal(firstWholeDayFrom(new Date('2026-11-16T04:19:59.000Z')), '2026-11-17');
    assert.equal(firstWholeDayFrom(new Date('2026-11-16T00:00:00.000Z')), '2026-11-16');
    assert.equal(firstWholeDayFrom(new Date('2026-12-31T23:59:59.999Z')), '2027-01-01');
  });
});

describe('SSO classification', () => {
  const sp = (
    mode: string | null,
    owner: string | null = 'aaaaaaaa-0000-0000-0000-000000000001',
    type = 'Application',
  ) => ({
    preferredSingleSignOnMode: mode,
    servicePrincipalType: type,
    appOwnerOrganizationId: owner,
  });

  it('counts SAML and OpenID Connect as Entra SSO, password and none as not', () => {
    assert.equal(classifyApp(sp('saml')), 'entra_sso');
    assert.equal(classifyApp(sp('oidc')), 'entra_sso');
    assert.equal(classifyApp(sp('password')), 'other');
    assert.equal(classifyApp(sp(null)), 'other');
    assert.equal(classifyApp(sp('notSupported')), 'other');
  });

  it("leaves Microsoft's own services and unknown applications out", () => {
    assert.equal(classifyApp(sp(null, 'f8cdef31-a31e-4b4a-93e4-5f571e91255a')), 'microsoft');
    assert.equal(classifyApp(sp('saml', null, 'ManagedIdentity')), 'microsoft');
    assert.equal(classifyApp(undefined), 'unknown');
    assert.equal(isEnterpriseApplication(sp('saml', null)), true);
  });

  it('shows Graph’s null and notSupported modes as none', () => {
    assert.deepEqual([null, 'notSupported', 'SAML', 'oidc', 'password'].map(ssoModeOf), [
      'none',
      'none',
      'saml',
      'oidc',
      'password',
    ]);
  });
});
