import type { Report, ReportUser } from '../../src/contracts/reports.js';
import type { TabLink } from '../tab-links.js';
import { act } from './card-actions.js';
import {
  card,
  container,
  count,
  facts,
  heading,
  openTab,
  percent,
  subtle,
  text,
  type AdaptiveCard,
  type CardElement,
} from './card-kit.js';

function names(users: readonly ReportUser[], limit = 5): string {
  const shown = users.slice(0, limit).map((user) => user.displayName ?? user.userPrincipalName ?? user.id);
  const more = users.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${count(more)} more` : shown.join(', ');
}

function bodyOf(report: Report): CardElement[] {
  switch (report.kind) {
    case 'usage': {
      const top = report.applications.slice(0, 5);
      return [
        facts([
          ['Applications', count(report.totals.applications)],
          ['Active users', count(report.totals.activeUsers)],
          ['Sign-ins', `${count(report.totals.signIns)} (${count(report.totals.failedSignIns)} failed)`],
        ]),
        ...(top.length === 0
          ? [text('No sign-ins in the period.')]
          : [
              text('Most used', { weight: 'bolder', size: 'small' }),
              facts(
                top.map((app) => [
                  app.appName,
                  `${count(app.activeUsers)} users · ${count(app.signIns)} sign-ins`,
                ]),
              ),
            ]),
      ];
    }
    case 'sso': {
      const totals = report.totals;
      const lowest = report.users.filter((user) => user.ssoShare < 1).slice(0, 5);
      return [
        facts([
          [
            'Enterprise apps',
            `${count(totals.enterpriseApplications)} (${count(totals.usedApplications)} used)`,
          ],
          ['SAML / OIDC', `${count(totals.bySsoMode.saml)} / ${count(totals.bySsoMode.oidc)}`],
          ['Sign-ins through SSO', percent(totals.ssoShare)],
          ['Users fully on SSO', `${count(totals.usersFullyOnSso)} of ${count(totals.usersWithAppSignIns)}`],
        ]),
        ...(lowest.length === 0 ? [] : [text(`Not fully on SSO: ${names(lowest)}`, { size: 'small' })]),
      ];
    }
    case 'mfa': {
      const registration = report.registration;
      const rows: (readonly [string, string])[] = [
        ['Users', count(registration.users)],
        ['MFA registered', `${count(registration.mfaRegistered)} (${percent(registration.registeredShare)})`],
        ['MFA capable', `${count(registration.mfaCapable)} (${percent(registration.capableShare)})`],
        [
          'Sign-ins with MFA',
          report.signIns.known ? percent(report.signIns.mfaShare) : 'not known (needs sign-in detail)',
        ],
      ];
      const gaps: CardElement[] = [];
      if (report.gaps.notRegistered.length > 0)
        gaps.push(
          text(`Not registered: ${names(report.gaps.notRegistered)}`, { size: 'small', color: 'warning' }),
        );
      if (report.gaps.singleFactorSignIns.length > 0) {
        gaps.push(
          text(`Single-factor sign-ins: ${names(report.gaps.singleFactorSignIns)}`, {
            size: 'small',
            color: 'warning',
          }),
        );
      }
      return [facts(rows), ...gaps];
    }
    case 'billing': {
      const current = report.current;
      return [
        facts([
          ['Billable', count(current.billable)],
          ['Imported', count(current.imported)],
          ['Not imported', count(current.notImported)],
          [
            'Disabled',
            `${count(current.disabled)} (${count(current.disabledByReason.manual)} by admins, ${count(current.disabledByReason.excludedGroup)} excluded groups, ${count(current.disabledByReason.deletedInEntra)} deleted)`,
          ],
          ['Expired', count(current.expired)],
          ['Blocked in Entra', `${count(current.blockedInEntra)} (imported, sign-in blocked: not billable)`],
          ['Guests', count(current.guests)],
          ['Expiry threshold', `${count(report.expiry.thresholdDays)} days`],
        ]),
        ...(report.expiry.message === null
          ? []
          : [text(report.expiry.message, { size: 'small', color: 'warning' })]),
      ];
    }
  }
}

/** `report …`: a report's headline figures, how to read them, and a link to the full report in the tab. */
export function reportCard(report: Report, tabLink: TabLink): AdaptiveCard {
  const header = report.header;
  const filters = [
    header.filters.group === null
      ? undefined
      : `group ${header.filters.group.displayName ?? header.filters.group.id}`,
    header.filters.department === null ? undefined : `department ${header.filters.department}`,
  ].filter((part) => part !== undefined);
  const body: CardElement[] = [
    heading(`${header.title} — ${header.client.displayName}`),
    subtle(
      `${header.period.from} to ${header.period.to} (${count(header.period.days)} days)${filters.length === 0 ? '' : ` · ${filters.join(', ')}`}`,
    ),
    ...(header.coverage === null ? [] : [subtle(header.coverage)]),
    container(bodyOf(report), 'emphasis'),
  ];
  if (header.signInData.message !== null && report.kind !== 'billing')
    body.push(text(header.signInData.message, { size: 'small', color: 'warning' }));
  for (const note of header.notes.slice(0, 3)) body.push(subtle(note));
  return card(body, [
    openTab('Open the full report', tabLink),
    act('Refresh', 'report.show', {
      client: header.client.id,
      kind: report.kind,
      ...(header.filters.group === null ? {} : { group: header.filters.group.id }),
    }),
  ]);
}
