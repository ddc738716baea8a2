import type {
  DiscoveredAppRecord,
  ReportPersonRecord,
  ReportServicePrincipalRecord,
} from '../../store/report-repository.js';
import type { PeriodTuples } from '../../store/sign-in-rollup-repository.js';
import type { ReportHeader, ReportUser } from '../../contracts/reports.js';

/** Everything a sign-in report is computed from, loaded by the report service. */
export interface SignInReportInputs {
  readonly header: ReportHeader;
  readonly period: PeriodTuples;
  /**
   * Ids of the users the report covers: enabled for data collection (rule 10) and within the filters; undefined
   * only when every user's sign-ins count.
   */
  readonly scopeUserIds: readonly string[] | undefined;
  /** The directory users the report may name, by id: those within the filters, or all when not filtered. */
  readonly directory: ReadonlyMap<string, ReportPersonRecord>;
  readonly servicePrincipals: readonly ReportServicePrincipalRecord[];
  readonly discoveredApps: readonly DiscoveredAppRecord[];
}

/** Marks the dense keys of the users in scope; undefined (everyone) when the report is not filtered. */
export function scopeMask(inputs: SignInReportInputs): Uint8Array | undefined {
  if (inputs.scopeUserIds === undefined) return undefined;
  const mask = new Uint8Array(inputs.period.keys.users.length);
  for (const id of inputs.scopeUserIds) {
    const idx = inputs.period.keys.userIndex.get(id);
    if (idx !== undefined) mask[idx] = 1;
  }
  return mask;
}

/** The service principal of each app id (the first, when a tenant has several). */
export function servicePrincipalsByAppId(
  rows: readonly ReportServicePrincipalRecord[],
): Map<string, ReportServicePrincipalRecord> {
  const byApp = new Map<string, ReportServicePrincipalRecord>();
  for (const row of rows) if (!byApp.has(row.appId)) byApp.set(row.appId, row);
  return byApp;
}

/** What a report shows of a user: the directory copy's facts, or just the id for a user it does not have. */
export function reportUser(id: string, directory: ReadonlyMap<string, ReportPersonRecord>): ReportUser {
  const row = directory.get(id);
  return {
    id,
    displayName: row?.displayName ?? null,
    userPrincipalName: row?.userPrincipalName ?? null,
    department: row?.department ?? null,
  };
}

// One collator for every comparison: String#localeCompare builds one per call, which dominated sorting 10k users.
const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** Compares text as people expect (case and accents aside, numbers by value). */
export function compareText(a: string, b: string): number {
  return collator.compare(a, b);
}

/**
 * People sorted by display name, then UPN, then id (case and accents aside), those without a name last — after
 * `first`, when given, says which comes first. Each person's key is folded once: comparing 10k people with a
 * collator on every comparison cost more than the rest of a report.
 */
export function sortByName<T extends ReportUser>(people: readonly T[], first?: (a: T, b: T) => number): T[] {
  // Keys are folded only for the people a comparison reaches by name (with `first`, usually few).
  const keys: (string | undefined)[] = new Array<string | undefined>(people.length);
  const keyOf = (index: number, person: T): string => (keys[index] ??= nameKey(person));
  const entries = people.map((person, index) => ({ person, index }));
  entries.sort((a, b) => {
    const primary = first === undefined ? 0 : first(a.person, b.person);
    if (primary !== 0) return primary;
    const keyA = keyOf(a.index, a.person);
    const keyB = keyOf(b.index, b.person);
    return keyA < keyB ? -1 : keyA > keyB ? 1 : 0;
  });
  return entries.map((entry) => entry.person);
}

function nameKey(person: ReportUser): string {
  const name = person.displayName === null ? '\uffff' : fold(person.displayName);
  return `${name}\u0000${fold(person.userPrincipalName ?? '')}\u0000${person.id}`;
}

/** Lower case without accents: "Émile" and "emile" sort together. */
function fold(text: string): string {
  const lower = text.toLowerCase();
  // Printable ASCII (most names and every UPN) needs no decomposition.
  return !/[^ -~]/.test(lower) ? lower : lower.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
}
