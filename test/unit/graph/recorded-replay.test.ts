/**
 * Replays every recorded Graph answer in test/fixtures/recorded/ (Microsoft's documented example responses to start
 * with; `npm run cli -- doctor <client> --record DIR` makes more from a real tenant) through the product's mappers,
 * so an answer shaped differently from what the product expects becomes a failing test.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Recording } from '../../../src/graph/graph-doctor.js';
import type { GraphGroup, GraphUser, GraphUserSignInActivity } from '../../../src/graph/graph-types.js';
import { GRAPH_REQUESTS } from '../../../src/graph/graph-requests.js';
import {
  toMfaRegistrationRecord,
  toServicePrincipalRecord,
  toSignInRecord,
  type GraphRegistrationDetails,
  type GraphServicePrincipal,
  type GraphSignIn,
} from '../../../src/sync/activity-mappers.js';
import { memberChanges, toGroupItem, toUserItem } from '../../../src/sync/directory-mappers.js';

const DIR = fileURLToPath(new URL('../../fixtures/recorded/', import.meta.url));

function recordings(): { file: string; recording: Recording }[] {
  return fs
    .readdirSync(DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      recording: JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as Recording,
    }));
}

const valueOf = <T>(recording: Recording): T[] => (recording.body as { value: T[] }).value;
const hasId = (item: { id?: unknown }): boolean => typeof item.id === 'string' && item.id !== '';

describe('recorded Graph answers replayed through the product’s mappers', () => {
  it('has recordings, each of a request kind the product sends and with the Microsoft page it came from', () => {
    const all = recordings();
    assert.ok(all.length >= 10);
    const kinds = new Set(GRAPH_REQUESTS.map((kind) => kind.name));
    for (const { file, recording } of all) {
      assert.ok(kinds.has(recording.request.name), `${file}: ${recording.request.name}`);
      assert.equal(recording.status, 200, file);
      assert.ok(Array.isArray((recording.body as { value?: unknown }).value), file);
    }
  });

  for (const { file, recording } of recordings()) {
    it(`maps ${file} (${recording.request.name})`, () => {
      switch (recording.request.name) {
        case 'users.delta': {
          for (const user of valueOf<GraphUser>(recording).filter(hasId)) {
            const item = toUserItem(user);
            assert.ok(item.kind === 'present');
            assert.equal(item.facts.id, user.id);
          }
          break;
        }
        case 'groups.delta': {
          for (const group of valueOf<GraphGroup>(recording).filter(hasId)) {
            const item = toGroupItem(group);
            assert.equal(item.kind, 'present');
            const { added, removed } = memberChanges(group);
            assert.equal(added.length + removed.length, group['members@delta']?.length ?? 0);
            assert.ok([...added, ...removed].every((edge) => edge.memberType === 'user'));
          }
          break;
        }
        case 'signIns.beta':
        case 'signIns.v1': {
          for (const signIn of valueOf<GraphSignIn>(recording)) {
            const record = toSignInRecord(signIn);
            assert.ok(record !== undefined, signIn.id);
            const code = signIn.status?.errorCode;
            // Only an error code of 0 is a success; none at all is not (its outcome is unknown).
            assert.equal(record.succeeded, code === 0, signIn.id);
          }
          break;
        }
        case 'userRegistrationDetails': {
          for (const details of valueOf<GraphRegistrationDetails>(recording)) {
            const record = toMfaRegistrationRecord(details);
            assert.equal(record.userId, details.id.toLowerCase());
          }
          break;
        }
        case 'servicePrincipals': {
          for (const sp of valueOf<GraphServicePrincipal>(recording)) {
            const record = toServicePrincipalRecord(sp);
            assert.equal(record.id, sp.id.toLowerCase());
            assert.match(record.appId, /^[0-9a-f-]{36}$/);
          }
          break;
        }
        case 'users.signInActivity': {
          // Microsoft's example has no lastSuccessfulSignInDateTime (not backfilled before December 2023) and a
          // lastNonInteractiveSignInDateTime of 0001-01-01: the product reads only the former, so null here.
          for (const user of valueOf<GraphUserSignInActivity>(recording)) {
            assert.ok(hasId(user));
            assert.equal(user.signInActivity?.lastSuccessfulSignInDateTime ?? null, null);
          }
          break;
        }
        case 'organization': {
          const [org] = valueOf<{ id: string; verifiedDomains?: { name: string; isDefault?: boolean }[] }>(
            recording,
          );
          assert.ok(org !== undefined && hasId(org));
          assert.ok(org.verifiedDomains?.some((domain) => domain.isDefault === true));
          break;
        }
        case 'appRoleAssignments': {
          for (const assignment of valueOf<{ appRoleId?: unknown }>(recording))
            assert.equal(typeof assignment.appRoleId, 'string');
          break;
        }
        default:
          assert.fail(`no replay for ${recording.request.name}`);
      }
    });
  }

  it('replays the documented groups delta round in order: memberships merged, the removed member dropped', () => {
    const edges = new Map<string, boolean>();
    for (const file of [
      'group-delta-1.json',
      'group-delta-2.json',
      'group-delta-3.json',
      'group-delta-4-changes.json',
    ]) {
      const recording = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as Recording;
      for (const group of valueOf<GraphGroup>(recording)) {
        const { added, removed } = memberChanges(group);
        for (const edge of added) edges.set(`${edge.groupId}|${edge.memberId}`, true);
        for (const edge of removed) edges.delete(`${edge.groupId}|${edge.memberId}`);
      }
    }
    assert.ok(edges.has('2e5807ce-58f3-4a94-9b37-ffff2e085957|37de1ae3-408f-4702-8636-20824abda004'));
    assert.equal(edges.size, 6);
  });
});
