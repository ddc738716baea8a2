import assert from 'node:assert/strict';
import type { SimTenant, SimUser } from '../../../sim/index.js';
import { whyCannotHoldGroup } from '../../../sim/group-kind.js';
import { REPORTS_PACE_KEY } from '../../../src/graph/tenant-gate.js';
import type { UserView } from '../../../src/contracts/users.js';
import { AppError } from '../../../src/shared/errors.js';
import { engines } from '../../support/databases.js';
import { startTestSimulator, type TestSimulator } from '../graph/simulator-harness.js';
import { partnerAdmin, startCore, type CoreHarness } from './fixtures/core-harness.js';

/**
 * THE invariant of billing (issue 11): after any sequence of directory syncs, activity passes, sign-in ingestion,
 * imports, disables, exclusions, threshold changes, clock advances and changes in the tenant, the billable set and
 * every expiry verdict the services serve equal a recomputation of DESIGN rules 3–9 from scratch.
 *
 * The recomputation below is written on purpose without the product's code: a plain model of the rules that is
 * told what happened (which sync ran when, what an admin did) and reads the tenant's truth from the simulator at
 * the moment each sync ran. It keeps a user's collection state (the only state the rules carry from one moment to
 * the next), its import time, its activity as each pass would have brought it, and recomputes membership
 * (transitively, cycles tolerated), eligibility, expiry and billable when asked. Checked after every step.
 */

const DAY = 86_400_000;
/**
 * Sequences per engine (INVARIANT_SEQUENCES sets both). The seeds differ per engine, so the suite checks 240
 * distinct sequences. The property (services equal the rules recomputed) does not depend on the engine and is
 * checked on SQLite's 200; PostgreSQL runs fewer because each step costs it about three times SQLite's round trips,
 * and what it adds over SQLite is the engine's SQL semantics, which 40 sequences of 12 steps still exercise
 * throughout (every step kind tens of times, a check of every user after each). It was 80: the file was the
 * suite's slowest, several minutes of CI's mocha run.
 */
function sequencesFor(engine: string): number {
  if (process.env.INVARIANT_SEQUENCES !== undefined) return Number(process.env.INVARIANT_SEQUENCES);
  return engine === 'postgres' ? 40 : 200;
}
const STEPS = 12;
/** The product reads the log back this far the first time, and this far before its watermark afterwards. */
const FIRST_LOOKBACK = 30 * DAY;
const OVERLAP = 2 * 60 * 60 * 1000;
/** Graph keeps 30 days of sign-ins. */
const RETENTION = 30 * DAY;

type Status = 'not_imported' | 'imported' | 'manual' | 'excluded_group' | 'deleted_in_entra';

interface ModelUser {
  readonly id: string;
  userType: string | null;
  upn: string;
  accountEnabled: boolean;
  entra: 'active' | 'soft_deleted' | 'deleted';
  status: Status;
  importedAt: number | null;
  /** Sign-ins before this are not collected (the user came back to collection then). */
  collectedFrom: number | null;
  /** Newest successful sign-in the product stored from the log. */
  lastLog: number | null;
  /** signInActivity as the last activity pass read it. */
  activity: number | null;
}

/** A small, seeded generator (mulberry32): the same seed, the same sequence. */
function random(seed: number): { next(): number; int(n: number): number; pick<T>(items: readonly T[]): T } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => {
      const item = items[int(items.length)];
      if (item === undefined) throw new Error('pick from nothing');
      return item;
    },
  };
}

/** DESIGN rules 3–9, recomputed from what happened; nothing of the product's code is used. */
class RulesModel {
  readonly users = new Map<string, ModelUser>();
  /** Direct members per group, as the last directory sync saw them. */
  private edges = new Map<string, string[]>();
  readonly excluded = new Set<string>();
  importStarted = false;
  directorySynced = false;
  activityRead = false;
  threshold = 30;
  private watermark: number | null = null;
  private ingested = false;

  constructor(private readonly tenant: SimTenant) {}

  // ------------------------------------------------------------------------------------------------ facts ---

  static guest(user: { userType: string | null; upn: string }): boolean {
    const type = user.userType?.toLowerCase() ?? null;
    return type === 'guest' || (type === null && user.upn.toUpperCase().includes('#EXT#'));
  }

  /** Users reachable from a group through any depth of nesting (cycles tolerated). */
  membersOf(groupId: string): Set<string> {
    const users = new Set<string>();
    const seen = new Set<string>([groupId]);
    const queue = [groupId];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      for (const member of this.edges.get(next) ?? []) {
        if (this.edges.has(member)) {
          if (!seen.has(member)) {
            seen.add(member);
            queue.push(member);
          }
        } else users.add(member);
      }
    }
    return users;
  }

  groups(): string[] {
    return [...this.edges.keys()];
  }

  inExcluded(userId: string): boolean {
    return [...this.excluded].some((groupId) => this.membersOf(groupId).has(userId));
  }

  eligible(user: ModelUser): boolean {
    return user.entra === 'active' && !RulesModel.guest(user) && !this.inExcluded(user.id);
  }

  // ---------------------------------------------------------------------------------------- what happened ---

  /** Rules 2, 3, 5, 6 for the users given (all by default), at `now`. */
  applyRules(now: number, only?: ReadonlySet<string>): void {
    for (const user of this.users.values()) {
      if (only !== undefined && !only.has(user.id)) continue;
      const guest = RulesModel.guest(user);
      let next: Status = user.status;
      if (this.inExcluded(user.id) && !guest) next = 'excluded_group';
      else if (user.status === 'manual') next = 'manual';
      else if (user.entra !== 'active') next = 'deleted_in_entra';
      else if (guest) next = 'not_imported';
      else if (user.status !== 'imported') next = this.importStarted ? 'imported' : 'not_imported';
      this.move(user, next, now);
    }
  }

  private move(user: ModelUser, next: Status, now: number): void {
    if (next === user.status) return;
    const wasDisabled = ['manual', 'excluded_group', 'deleted_in_entra'].includes(user.status);
    if (next === 'imported') {
      user.importedAt = now;
      if (wasDisabled) user.collectedFrom = now;
    }
    // Excluding a group deletes what was collected of its members.
    if (next === 'excluded_group') user.lastLog = null;
    user.status = next;
  }

  directorySync(now: number): void {
    const present = new Set<string>();
    for (const simUser of this.tenant.users()) {
      present.add(simUser.id);
      const known = this.users.get(simUser.id);
      const facts = {
        userType: simUser.userType,
        upn: simUser.userPrincipalName,
        accountEnabled: simUser.accountEnabled,
        entra: 'active' as const,
      };
      if (known === undefined) {
        this.users.set(simUser.id, {
          id: simUser.id,
          ...facts,
          status: 'not_imported',
          importedAt: null,
          collectedFrom: null,
          lastLog: null,
          activity: null,
        });
      } else Object.assign(known, facts);
    }
    for (const simUser of this.tenant.deletedUsers()) {
      present.add(simUser.id);
      const known = this.users.get(simUser.id);
      // A user already soft-deleted before the first sync is never copied (delta names it only as removed).
      if (known !== undefined) known.entra = 'soft_deleted';
    }
    for (const user of this.users.values()) if (!present.has(user.id)) user.entra = 'deleted';
    this.edges = new Map(
      [...this.tenant.groups()].map((group) => [
        group.id,
        this.tenant.directMembers(group.id).map((member) => member.id),
      ]),
    );
    this.directorySynced = true;
    this.applyRules(now);
  }

  activityPass(): void {
    if (!this.directorySynced) return;
    for (const user of this.users.values()) {
      const simUser = this.tenant.user(user.id);
      if (simUser?.state !== 'active') continue;
      const last = this.tenant.signInActivity(user.id)?.lastSuccessfulSignInDateTime ?? null;
      user.activity = last === null ? null : Date.parse(last);
    }
    this.activityRead = true;
  }

  /** `logNow`: the log's own clock, which keeps 30 days (the simulator's, a few real seconds ahead). */
  ingestion(now: number, logNow: number): void {
    if (!this.importStarted) return;
    const asked = this.ingested ? (this.watermark ?? now - FIRST_LOOKBACK) - OVERLAP : now - FIRST_LOOKBACK;
    const from = Math.max(asked, logNow - RETENTION);
    let newest = this.watermark;
    for (const signIn of this.tenant.signIns({ from: new Date(from) })) {
      const at = Date.parse(signIn.createdDateTime);
      if (at < from) continue;
      if (newest === null || at > newest) newest = at;
      const user = this.users.get(signIn.userId);
      if (user?.status !== 'imported') continue;
      if (user.collectedFrom !== null && at < user.collectedFrom) continue;
      if (signIn.status.errorCode === 0 && (user.lastLog === null || at > user.lastLog)) user.lastLog = at;
    }
    this.watermark = newest;
    this.ingested = true;
  }

  startImport(now: number): void {
    this.importStarted = true;
    this.applyRules(now);
  }

  /** Rule 4/5 by hand: what the product must answer, and the new state. */
  adminAction(
    user: ModelUser,
    action: 'import' | 'disable',
    now: number,
  ): 'changed' | 'unchanged' | 'refused' {
    if (action === 'import') {
      if (user.status === 'imported') return 'unchanged';
      if (!this.eligible(user)) return 'refused';
      this.move(user, 'imported', now);
      return 'changed';
    }
    if (user.status === 'manual') return 'unchanged';
    if (user.status !== 'imported') return 'refused';
    this.move(user, 'manual', now);
    return 'changed';
  }

  exclude(groupId: string, now: number): void {
    this.excluded.add(groupId);
    this.applyRules(now, this.membersOf(groupId));
  }

  // ------------------------------------------------------------------------------------------ the verdicts ---

  /** Rule 8's last activity: the newest successful sign-in collected from the log, or signInActivity if newer. */
  lastActivity(user: ModelUser): number | null {
    if (user.lastLog === null) return user.activity;
    return user.activity === null ? user.lastLog : Math.max(user.lastLog, user.activity);
  }

  /** Rule 8. */
  expiry(user: ModelUser, now: number): { status: string; expired: boolean } {
    if (user.status !== 'imported') return { status: 'not_applicable', expired: false };
    if (!this.activityRead) return { status: 'reading_activity', expired: false };
    const cutoff = now - this.threshold * DAY;
    const last = this.lastActivity(user);
    if (last !== null)
      return last < cutoff ? { status: 'expired', expired: true } : { status: 'active', expired: false };
    if (user.importedAt === null) return { status: 'new_without_activity', expired: false };
    return user.importedAt < cutoff
      ? { status: 'expired', expired: true }
      : { status: 'new_without_activity', expired: false };
  }

  /** Rule 9. */
  billable(user: ModelUser, now: number): boolean {
    return (
      user.status === 'imported' &&
      user.entra === 'active' &&
      !RulesModel.guest(user) &&
      !this.inExcluded(user.id) &&
      user.accountEnabled &&
      !this.expiry(user, now).expired
    );
  }

  billableIds(now: number): Set<string> {
    return new Set(
      [...this.users.values()].filter((user) => this.billable(user, now)).map((user) => user.id),
    );
  }

  /** Who would be billable once the initial import has run now (an exclusion preview's projection). */
  projectedBillable(now: number): number {
    const copy = new RulesModel(this.tenant);
    for (const user of this.users.values()) copy.users.set(user.id, { ...user });
    copy.edges = this.edges;
    for (const group of this.excluded) copy.excluded.add(group);
    copy.directorySynced = this.directorySynced;
    copy.activityRead = this.activityRead;
    copy.threshold = this.threshold;
    copy.startImport(now);
    return copy.billableIds(now).size;
  }
}

const STATUS_OF_VIEW = (view: UserView): Status =>
  view.state === 'disabled' ? (view.disableReason ?? 'manual') : view.state;

for (const engine of engines) {
  describe(`billing invariant: services equal rules 3–9 recomputed from scratch [${engine}]`, function () {
    this.timeout(30 * 60_000);
    let harness: TestSimulator;
    let app: CoreHarness;

    before(async () => {
      harness = await startTestSimulator({ users: 10 });
      app = await startCore(engine, {
        graphEndpoints: harness.endpoints,
        start: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString(),
        reportsPace: { key: REPORTS_PACE_KEY, minIntervalMs: 0 },
      });
    });
    after(async () => {
      await app.dispose();
      await harness.close();
    });

    const SEQUENCES = sequencesFor(engine);
    it(`holds after every step of ${String(SEQUENCES)} seeded random sequences of ${String(STEPS)} steps`, async () => {
      const started = Date.now();
      let steps = 0;
      let checks = 0;
      const kinds = new Map<string, number>();
      for (let sequence = 0; sequence < SEQUENCES; sequence++) {
        const seed = 110_000 + sequence + (engine === 'postgres' ? 50_000 : 0);
        const log: string[] = [];
        try {
          const ran = await runSequence(seed, log);
          steps += ran.steps;
          checks += ran.checks;
          for (const [kind, count] of ran.kinds) kinds.set(kind, (kinds.get(kind) ?? 0) + count);
        } catch (error) {
          throw new Error(
            `sequence seed ${String(seed)} broke the invariant after:\n  ${log.join('\n  ')}\n${
              error instanceof Error ? error.message : String(error)
            }`,
            { cause: error },
          );
        }
      }
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      // The figures the issue asks for: size and run time of this test.
      process.stdout.write(
        `      [${engine}] ${String(SEQUENCES)} sequences, ${String(steps)} steps, ${String(checks)} checks of every user in ${seconds} s; steps by kind: ${[...kinds].map(([kind, n]) => `${kind} ${String(n)}`).join(', ')}\n`,
      );
    });

    async function runSequence(
      seed: number,
      log: string[],
    ): Promise<{ steps: number; checks: number; kinds: Map<string, number> }> {
      const { core, clock } = app;
      const rng = random(seed);
      // The product's clock starts at the simulator's, to the second; the simulator's sign-ins end there.
      clock.set(new Date(Math.floor(harness.sim.now().getTime() / 1000) * 1000));
      const tenant = harness.sim.addTenant({
        seed,
        users: 8 + rng.int(10),
        groups: 3 + rng.int(4),
        nestingDepth: 3,
        cycles: 1,
        guestRatio: 0.2,
        disabledRatio: 0.15,
        signInDays: 45,
        signInsPerUserPerDay: 0.4,
      });
      const credentials = tenant.registeredApps()[0];
      assert.ok(credentials !== undefined);
      const client = await core.clients.add(partnerAdmin, { name: `inv-${String(seed)}` });
      await core.integrationStore.save({
        clientId: client.id,
        kind: 'client_credentials',
        tenantId: tenant.tenantId,
        tenantInput: tenant.domain,
        appClientId: credentials.clientId,
        clientSecret: credentials.clientSecret,
        actor: 'test',
        at: clock.now(),
      });
      const model = new RulesModel(tenant);
      const now = (): number => clock.now().getTime();
      const kinds = new Map<string, number>();
      let checks = 0;
      let added = 0;

      const check = async (): Promise<void> => {
        checks++;
        const page = await core.users.list(partnerAdmin, client.id, { limit: 500 });
        const served = new Map(page.items.map((view) => [view.id, view]));
        assert.deepEqual(new Set(served.keys()), new Set(model.users.keys()), 'the users held');
        for (const user of model.users.values()) {
          const view = served.get(user.id);
          assert.ok(view !== undefined);
          const last = model.lastActivity(user);
          const expected = {
            status: user.status,
            lastActivity: last === null ? null : new Date(last).toISOString(),
            expiry: model.expiry(user, now()),
            billable: model.billable(user, now()),
          };
          const actual = {
            status: STATUS_OF_VIEW(view),
            lastActivity: view.lastActivity?.at ?? null,
            expiry: { status: view.expiry.status, expired: view.expired },
            billable: view.billable,
          };
          assert.deepEqual(actual, expected, `user ${user.upn}: ${view.expiry.explanation}`);
        }
        const summary = await core.billing.summary(partnerAdmin, client.id);
        const billable = model.billableIds(now());
        assert.equal(summary.counts.billable, billable.size, 'the billable count');
        const expired = [...model.users.values()].filter((user) => model.expiry(user, now()).expired);
        assert.equal(summary.counts.expired, expired.length, 'the expired count');
        assert.deepEqual(
          new Set(
            (await core.users.list(partnerAdmin, client.id, { expired: true, limit: 500 })).items.map(
              (v) => v.id,
            ),
          ),
          new Set(expired.map((user) => user.id)),
          'the "expired only" list',
        );
      };

      const activeSimUsers = (): SimUser[] => [...tenant.users()];
      const steps: Record<string, () => Promise<string> | string> = {
        sync: async () => {
          const outcome = await core.directorySync.run(client.id);
          assert.equal(outcome.run.status, 'succeeded', outcome.run.errorMessage ?? '');
          model.directorySync(now());
          return 'directory sync';
        },
        activity: async () => {
          const outcome = await core.signInActivitySync.run(client.id, 'manual');
          assert.equal(outcome.run.status, 'succeeded', outcome.run.errorMessage ?? '');
          model.activityPass();
          return 'activity pass';
        },
        signIns: async () => {
          const outcome = await core.signInIngestion.run(client.id, { trigger: 'manual' });
          assert.equal(outcome.run.status, 'succeeded', outcome.run.errorMessage ?? '');
          model.ingestion(now(), harness.sim.now().getTime());
          return 'sign-in ingestion';
        },
        everything: async () => {
          const outcome = await core.clientSync.run(client.id);
          assert.ok(outcome.succeeded, JSON.stringify(outcome.runs.map((run) => run.run.errorMessage)));
          model.directorySync(now());
          model.activityPass();
          model.ingestion(now(), harness.sim.now().getTime());
          return 'full sync';
        },
        startImport: async () => {
          await core.integrations.startImport(partnerAdmin, client.id);
          model.startImport(now());
          return 'start import';
        },
        importUser: async () => adminStep('import'),
        disableUser: async () => adminStep('disable'),
        exclude: async () => {
          const candidates = model.groups().filter((group) => !model.excluded.has(group));
          if (candidates.length === 0 || !model.directorySynced) return 'exclude: nothing to exclude';
          const groupId = rng.pick(candidates);
          const preview = await core.groups.previewExclusion(partnerAdmin, client.id, groupId);
          const result = await core.groups.confirmExclusion(partnerAdmin, client.id, preview.token);
          model.exclude(groupId, now());
          const summary = await core.billing.summary(partnerAdmin, client.id);
          if (preview.billable.basis === 'current') {
            assert.equal(preview.billable.after, summary.counts.billable, "the preview's billable after");
            assert.equal(result.billable.after, summary.counts.billable, "the confirmation's billable after");
          } else {
            assert.equal(preview.billable.after, model.projectedBillable(now()), "the preview's projection");
          }
          return `exclude ${groupId} (billable ${String(preview.billable.before)} → ${String(preview.billable.after)}, ${preview.billable.basis})`;
        },
        threshold: async () => {
          const days = rng.pick([7, 14, 30, 45, 60]);
          await core.integrations.setExpiryThreshold(partnerAdmin, client.id, days);
          model.threshold = days;
          return `threshold ${String(days)}`;
        },
        clock: () => {
          const ms = rng.pick([3_600, 86_400, 7 * 86_400, 20 * 86_400, 35 * 86_400]) * 1000;
          // Time passes for the tenant too: its log only shows what has happened by now.
          clock.advance(ms);
          harness.sim.advanceClock(ms);
          return `clock +${String(ms / DAY)} days`;
        },
        tenantChanges: () => {
          const done: string[] = [];
          for (let i = 0; i < 1 + rng.int(3); i++) done.push(changeTenant());
          return `tenant: ${done.join('; ')}`;
        },
        signInsHappen: () => {
          const users = activeSimUsers();
          const chosen = users.filter(() => rng.next() < 0.4);
          const at = clock.now().toISOString();
          tenant.addSignIns(
            chosen.map((user) => ({
              userId: user.id,
              createdDateTime: at,
              ...(rng.next() < 0.2 ? { errorCode: 50126 } : {}),
            })),
          );
          return `${String(chosen.length)} sign-ins at ${at}`;
        },
      };

      async function adminStep(action: 'import' | 'disable'): Promise<string> {
        const users = [...model.users.values()];
        if (users.length === 0) return `${action}: nobody synced yet`;
        const user = rng.pick(users);
        const expected = model.adminAction(user, action, now());
        let refused = false;
        try {
          if (action === 'import') await core.users.importUser(partnerAdmin, client.id, user.id);
          else await core.users.disableUser(partnerAdmin, client.id, user.id);
        } catch (error) {
          if (!(error instanceof AppError && error.status === 409)) throw error;
          refused = true;
        }
        assert.equal(refused, expected === 'refused', `${action} ${user.upn} (${user.status})`);
        return `${action} ${user.upn}: ${expected}`;
      }

      function changeTenant(): string {
        const users = activeSimUsers();
        const groups = [...tenant.groups()];
        const roll = rng.int(9);
        if (roll === 0 || users.length === 0) {
          added++;
          const kind = rng.pick([
            'member',
            'guest',
            'untyped external',
            'external member',
            'untyped home',
          ] as const);
          const local = `n${String(added)}x${String(seed)}`;
          const upn = kind.includes('external')
            ? `${local}_partner.example#EXT#@${tenant.domain}`
            : `${local}@${tenant.domain}`;
          const userType = kind === 'guest' ? 'Guest' : kind.startsWith('untyped') ? null : 'Member';
          const user = tenant.addUser({ displayName: `New ${local}`, userPrincipalName: upn, userType });
          if (groups.length > 0 && rng.next() < 0.6) tenant.addMember(rng.pick(groups).id, user.id);
          return `add ${kind} ${upn}`;
        }
        const user = rng.pick(users);
        switch (roll) {
          case 1:
            tenant.updateUser(user.id, { accountEnabled: !user.accountEnabled });
            return `toggle account of ${user.userPrincipalName}`;
          case 2: {
            const userType = rng.pick(['Member', 'Guest', null] as const);
            tenant.updateUser(user.id, { userType });
            return `userType of ${user.userPrincipalName} → ${String(userType)}`;
          }
          case 3:
            tenant.softDeleteUser(user.id);
            return `soft-delete ${user.userPrincipalName}`;
          case 4: {
            const deleted = [...tenant.deletedUsers()];
            if (deleted.length === 0) return 'restore: nobody deleted';
            const back = rng.pick(deleted);
            tenant.restoreUser(back.id);
            return `restore ${back.userPrincipalName}`;
          }
          case 5:
            tenant.hardDeleteUser(user.id);
            return `hard-delete ${user.userPrincipalName}`;
          case 6: {
            if (groups.length === 0) return 'add member: no group';
            const group = rng.pick(groups);
            if (tenant.directMembers(group.id).some((member) => member.id === user.id))
              return 'add member: already';
            tenant.addMember(group.id, user.id);
            return `add ${user.userPrincipalName} to ${group.displayName}`;
          }
          case 7: {
            if (groups.length < 2) return 'nest: too few groups';
            const parent = rng.pick(groups);
            const child = rng.pick(groups);
            if (parent.id === child.id || tenant.directMembers(parent.id).some((m) => m.id === child.id))
              return 'nest: nothing';
            // Only as Graph allows (a Microsoft 365 group holds users only and is no group's member).
            const refused = whyCannotHoldGroup(parent, child);
            if (refused !== undefined) return `nest: refused, ${refused}`;
            tenant.addMember(parent.id, child.id);
            return `nest ${child.displayName} in ${parent.displayName}`;
          }
          default: {
            if (groups.length === 0) return 'remove member: no group';
            const group = rng.pick(groups);
            const members = tenant.directMembers(group.id);
            if (members.length === 0) return 'remove member: empty group';
            const member = rng.pick(members);
            tenant.removeMember(group.id, member.id);
            return `remove ${member.id} from ${group.displayName}`;
          }
        }
      }

      // Most sequences start as a client does (a sync, then the import); the rest start anywhere.
      const opening = rng.next() < 0.7 ? ['everything', 'startImport'] : [];
      const weighted = [
        'sync',
        'sync',
        'activity',
        'activity',
        'signIns',
        'signIns',
        'everything',
        'startImport',
        'importUser',
        'importUser',
        'disableUser',
        'disableUser',
        'exclude',
        'threshold',
        'clock',
        'clock',
        'clock',
        'tenantChanges',
        'tenantChanges',
        'tenantChanges',
        'signInsHappen',
        'signInsHappen',
      ];
      const plan = [...opening, ...Array.from({ length: STEPS - opening.length }, () => rng.pick(weighted))];
      await check();
      for (const name of plan) {
        const step = steps[name];
        assert.ok(step !== undefined, name);
        log.push(`${name}: ${await step()}`);
        kinds.set(name, (kinds.get(name) ?? 0) + 1);
        await check();
      }
      return { steps: plan.length, checks, kinds };
    }
  });
}
