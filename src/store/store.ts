import type { Kysely } from 'kysely';
import { ActivityNoticeRepository } from './activity-notice-repository.js';
import { AlertRepository } from './alert-repository.js';
import { AuditRepository } from './audit-repository.js';
import { BillingRepository } from './billing-repository.js';
import { CheckpointRepository } from './checkpoint-repository.js';
import { ClientRepository } from './client-repository.js';
import { CollectionRepository } from './collection-repository.js';
import { ConversationRepository } from './conversation-repository.js';
import { DashboardRepository } from './dashboard-repository.js';
import { DirectoryRepository } from './directory-repository.js';
import { DirectoryCountRepository } from './directory-count-repository.js';
import { ExpiryImpactRepository } from './expiry-threshold-impact.js';
import { GroupClosure } from './group-closure.js';
import { GroupRepository } from './group-repository.js';
import { IntegrationAdminRepository } from './integration-admin-repository.js';
import { IntegrationRepository } from './integration-repository.js';
import { LicenceRepository } from './licence-repository.js';
import { MfaRepository } from './mfa-repository.js';
import { NotificationRepository } from './notification-repository.js';
import { PendingActionRepository } from './pending-action-repository.js';
import { ReportRepository } from './report-repository.js';
import { RoleRepository } from './role-repository.js';
import { SearchRepository } from './search-repository.js';
import { ServicePrincipalRepository } from './service-principal-repository.js';
import type { Database } from './schema.js';
import type { SecretBox } from './secret-box.js';
import { SignInRepository } from './sign-in-repository.js';
import { SyncRunRepository } from './sync-run-repository.js';
import { TabPlacementRepository } from './tab-placement-repository.js';
import { UserActionRepository } from './user-action-repository.js';
import { LicenceCostRepository } from './user-licence-cost.js';
import { UserRepository } from './user-repository.js';

/**
 * Every repository the services use, all bound to one executor: the store itself (`store.read`) or one transaction
 * (`store.transaction(async (tx) => …)`). Each is created on first use, so a use case pays only for what it reads.
 */
export interface Repositories {
  /** The one "no sign-in data" notice per client (an incident opened, touched and resolved by sign-in ingestion). */
  readonly activityNotices: ActivityNoticeRepository;
  /** Alert settings, alerts sent (with acknowledge), webhooks and their deliveries. */
  readonly alerts: AlertRepository;
  readonly audit: AuditRepository;
  readonly billing: BillingRepository;
  readonly checkpoints: CheckpointRepository;
  readonly clients: ClientRepository;
  readonly collection: CollectionRepository;
  readonly conversations: ConversationRepository;
  /** The partner dashboard's figures, each across many clients at once, and its daily snapshots. */
  readonly dashboard: DashboardRepository;
  /** How much of a client's directory is held (users, groups, memberships). */
  readonly directoryCounts: DirectoryCountRepository;
  /** The syncs' writes to the directory copy (users, groups, edges, sign-in activity). */
  readonly directory: DirectoryRepository;
  /** What changing a client's expiry threshold would do (a preview). */
  readonly expiryImpact: ExpiryImpactRepository;
  readonly groups: GroupRepository;
  /** Groups nested in groups, recomputed after each directory run (the transitive memberships are a view over it). */
  readonly groupClosure: GroupClosure;
  /** Integration rows with the client secret encrypted; only `credentials(clientId)` decrypts. */
  readonly integrations: IntegrationRepository;
  /** The admin side of an integration row (connect, rotate, start the import, remove with its data). */
  readonly integrationAdmin: IntegrationAdminRepository;
  readonly licences: LicenceRepository;
  /** The partner's prices applied to users and subscriptions. */
  readonly licenceCosts: LicenceCostRepository;
  /** Each user's MFA registration details, as the MFA registration sync copies them. */
  readonly mfa: MfaRepository;
  readonly notifications: NotificationRepository;
  readonly pendingActions: PendingActionRepository;
  readonly reports: ReportRepository;
  readonly roles: RoleRepository;
  /** Users and groups by name, UPN or mail across clients. */
  readonly search: SearchRepository;
  /** The tenant's enterprise applications, as the service principal sync copies them. */
  readonly servicePrincipals: ServicePrincipalRepository;
  /** Sign-in events and the aggregates ingestion keeps with them. */
  readonly signIns: SignInRepository;
  readonly syncRuns: SyncRunRepository;
  readonly tabPlacements: TabPlacementRepository;
  /** What acting on users in Entra reads and writes: the selection, their licences, what the Undo gives back. */
  readonly userActions: UserActionRepository;
  readonly users: UserRepository;
}

/**
 * The services' one way to the data (a unit of work): `read` for reads outside a transaction (and a single statement
 * that stands alone, such as recording a pending action), `transaction(fn)` for a change that must hold together (its reads, its compare-and-set writes and its audit entry commit or roll back as
 * one). Services see repositories and records only — the SQL builder stays inside `src/store/`.
 */
export interface Store {
  readonly read: Repositories;
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
}

/** The store over an open database; the secret box is the integration repository's. Built once by `createCore`. */
export function createStore(db: Kysely<Database>, secretBox: SecretBox): Store {
  return new KyselyStore(db, secretBox);
}

class KyselyStore implements Store {
  readonly read: Repositories;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly secretBox: SecretBox,
  ) {
    this.read = new LazyRepositories(db, secretBox);
  }

  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(new LazyRepositories(trx, this.secretBox)));
  }
}

/** Whether `value` is a set of {@link Repositories} (rather than a raw Kysely handle). */
export function isRepositories(value: unknown): value is Repositories {
  return value instanceof LazyRepositories;
}

class LazyRepositories implements Repositories {
  private readonly made = new Map<string, unknown>();

  constructor(
    private readonly executor: Kysely<Database>,
    private readonly secretBox: SecretBox | undefined,
  ) {}

  private once<R>(name: string, make: (executor: Kysely<Database>) => R): R {
    let repository = this.made.get(name) as R | undefined;
    if (repository === undefined) {
      repository = make(this.executor);
      this.made.set(name, repository);
    }
    return repository;
  }

  get activityNotices(): ActivityNoticeRepository {
    return this.once('activityNotices', (db) => new ActivityNoticeRepository(db));
  }
  get alerts(): AlertRepository {
    return this.once('alerts', (db) => new AlertRepository(db));
  }
  get audit(): AuditRepository {
    return this.once('audit', (db) => new AuditRepository(db));
  }
  get billing(): BillingRepository {
    return this.once('billing', (db) => new BillingRepository(db));
  }
  get checkpoints(): CheckpointRepository {
    return this.once('checkpoints', (db) => new CheckpointRepository(db));
  }
  get clients(): ClientRepository {
    return this.once('clients', (db) => new ClientRepository(db));
  }
  get collection(): CollectionRepository {
    return this.once('collection', (db) => new CollectionRepository(db));
  }
  get conversations(): ConversationRepository {
    return this.once('conversations', (db) => new ConversationRepository(db));
  }
  get dashboard(): DashboardRepository {
    return this.once('dashboard', (db) => new DashboardRepository(db));
  }
  get directory(): DirectoryRepository {
    return this.once('directory', (db) => new DirectoryRepository(db));
  }
  get directoryCounts(): DirectoryCountRepository {
    return this.once('directoryCounts', (db) => new DirectoryCountRepository(db));
  }
  get expiryImpact(): ExpiryImpactRepository {
    return this.once('expiryImpact', (db) => new ExpiryImpactRepository(db));
  }
  get groups(): GroupRepository {
    return this.once('groups', (db) => new GroupRepository(db));
  }
  get groupClosure(): GroupClosure {
    return this.once('groupClosure', (db) => new GroupClosure(db));
  }
  get integrations(): IntegrationRepository {
    const secretBox = this.secretBox;
    if (secretBox === undefined) throw new Error('These repositories were made without the secret box.');
    return this.once('integrations', (db) => new IntegrationRepository(db, secretBox));
  }
  get integrationAdmin(): IntegrationAdminRepository {
    return this.once('integrationAdmin', (db) => new IntegrationAdminRepository(db));
  }
  get licences(): LicenceRepository {
    return this.once('licences', (db) => new LicenceRepository(db));
  }
  get licenceCosts(): LicenceCostRepository {
    return this.once('licenceCosts', (db) => new LicenceCostRepository(db));
  }
  get mfa(): MfaRepository {
    return this.once('mfa', (db) => new MfaRepository(db));
  }
  get notifications(): NotificationRepository {
    return this.once('notifications', (db) => new NotificationRepository(db));
  }
  get pendingActions(): PendingActionRepository {
    return this.once('pendingActions', (db) => new PendingActionRepository(db));
  }
  get reports(): ReportRepository {
    return this.once('reports', (db) => new ReportRepository(db));
  }
  get roles(): RoleRepository {
    return this.once('roles', (db) => new RoleRepository(db));
  }
  get search(): SearchRepository {
    return this.once('search', (db) => new SearchRepository(db));
  }
  get servicePrincipals(): ServicePrincipalRepository {
    return this.once('servicePrincipals', (db) => new ServicePrincipalRepository(db));
  }
  get signIns(): SignInRepository {
    return this.once('signIns', (db) => new SignInRepository(db));
  }
  get syncRuns(): SyncRunRepository {
    return this.once('syncRuns', (db) => new SyncRunRepository(db));
  }
  get tabPlacements(): TabPlacementRepository {
    return this.once('tabPlacements', (db) => new TabPlacementRepository(db));
  }
  get userActions(): UserActionRepository {
    return this.once('userActions', (db) => new UserActionRepository(db));
  }
  get users(): UserRepository {
    return this.once('users', (db) => new UserRepository(db));
  }
}
