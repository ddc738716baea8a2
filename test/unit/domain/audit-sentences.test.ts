import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { auditSentence, hasAuditSentence } from '../../../src/domain/audit-sentences.js';
import { repoRoot } from '../../support/processes.js';
import { jargonIn } from '../../support/plain-language.js';

describe('audit entries as sentences', () => {
  it('names who did what to whom: "Megan Partner disabled Adele Cho."', () => {
    assert.equal(
      auditSentence({
        action: 'user.disable',
        actorName: 'Megan Partner',
        targetType: 'user',
        targetName: 'Adele Cho',
        clientName: 'Contoso',
        after: { collectionState: 'disabled' },
      }),
      'Megan Partner disabled Adele Cho.',
    );
    assert.equal(
      auditSentence({
        action: 'client.expiry_threshold',
        actorName: 'Megan Partner',
        targetType: 'client',
        targetName: null,
        clientName: 'Contoso',
        after: { days: 20 },
      }),
      'Megan Partner changed how many days without activity expire a user of Contoso.',
    );
  });

  it('names the role given or taken, and the person by the sign-in name given with it', () => {
    const role = (action: string, change: { before?: unknown; after: unknown }): string =>
      auditSentence({
        action,
        actorName: 'Megan Partner',
        targetType: 'principal',
        targetName: null,
        clientName: 'Contoso',
        ...change,
      });
    assert.equal(
      role('role.assign', {
        after: { role: 'client_admin', clientScope: 'c1', principalName: 'adele@contoso.com' },
      }),
      'Megan Partner gave adele@contoso.com the client admin role.',
    );
    assert.equal(
      role('role.assign', { after: { role: 'viewer', clientScope: '*', principalName: null } }),
      'Megan Partner gave a person the viewer role.',
    );
    assert.equal(
      role('role.revoke', { before: { role: 'partner_admin', clientScope: '*' }, after: null }),
      'Megan Partner took the partner admin role from a person.',
    );
    assert.equal(role('role.assign', { after: { role: 'owner' } }), 'Megan Partner gave a person a role.');
  });

  it('says when an action failed, and never shows an action code for a known action', () => {
    assert.equal(
      auditSentence({
        action: 'user.block_sign_in',
        actorName: 'Megan Partner',
        targetType: 'user',
        targetName: 'Alex Costa',
        clientName: 'Contoso',
        after: { outcome: 'failed' },
      }),
      'Megan Partner blocked sign-in of Alex Costa — it failed.',
    );
    for (const action of ['group.report_import', 'integration.consent_link_created', 'licence.set_prices']) {
      const sentence = auditSentence({
        action,
        actorName: 'Megan Partner',
        targetType: 'group',
        targetName: 'Sales',
        clientName: 'Contoso',
        after: null,
      });
      assert.ok(!sentence.includes(action), sentence);
      assert.deepEqual(jargonIn(sentence), [], sentence);
    }
  });

  it('has a sentence for every action the code audits', () => {
    const audited = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (file.endsWith('.ts')) {
          const text = fs.readFileSync(file, 'utf8');
          // `action: 'x.y'`, `action: cond ? 'x.y' : 'x.z'` and the user actions' `audit: 'x.y'`.
          for (const match of text.matchAll(/\b(?:action|audit):[^,;\n]*/g)) {
            for (const name of match[0].matchAll(/'([a-z_]+\.[a-z_]+)'/g)) audited.add(name[1] ?? '');
          }
        }
      }
    };
    for (const dir of ['src', 'bot', 'server']) walk(path.join(repoRoot, dir));
    assert.ok(audited.size > 20, `found ${String(audited.size)} audited actions`);
    const missing = [...audited].filter((action) => !hasAuditSentence(action));
    assert.deepEqual(missing, [], 'every audited action reads as a sentence');
  });
});
