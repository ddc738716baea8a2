/** One audit entry as people read it. */
export interface AuditEntryView {
  readonly id: number;
  readonly at: string;
  readonly actor: { readonly tenantId: string; readonly objectId: string; readonly name: string | null };
  readonly channel: string;
  readonly clientId: string | null;
  readonly clientName: string | null;
  readonly action: string;
  readonly targetType: string | null;
  readonly targetId: string | null;
  /** The name of the user or group acted on, when the directory copy knows it. */
  readonly targetName: string | null;
  /** The entry as a sentence: "Megan Partner disabled Adele Cho." */
  readonly summary: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** A page of audit entries, newest first; `nextBefore` continues after the last one (null at the end). */
export interface AuditPage {
  readonly items: AuditEntryView[];
  readonly nextBefore: number | null;
}
