/**
 * What the sign-in checkpoint (`sign_ins` stream) remembers between runs beyond its watermark and saved next link,
 * and how that is read from and written to the checkpoint's `state` column.
 */

/** Which endpoint the sign-ins of a tenant are read from: /beta carries `authenticationRequirement`, v1.0 does not. */
export type SignInSource = 'beta' | 'v1.0';

export interface StreamState {
  /** The source this tenant gives; absent until the first round. */
  readonly source?: SignInSource | undefined;
  /** When /beta was refused (then v1.0 is used until `retryBetaAfterMs` has passed). */
  readonly betaRefusedAt?: string | undefined;
  /** Source of the round under way: its saved next link belongs to it. */
  readonly roundSource?: SignInSource | undefined;
  /** Newest event time seen in the round under way; becomes the watermark when the round completes. */
  readonly roundNewest?: string | undefined;
  /** Lower bound of the round under way (the watermark minus the overlap, or 30 days back on the first pull). */
  readonly roundFrom?: string | undefined;
  /** Upper bound of the window being read; windows go from the round's end back to `roundFrom`. */
  readonly windowTo?: string | undefined;
  /** The round's end (when it started): its newest window has no upper bound, so no event is "too new". */
  readonly roundTo?: string | undefined;
}

/** The state read from the checkpoint; anything it does not recognise is left out. */
export function readState(raw: Readonly<Record<string, unknown>>): StreamState {
  const source = (value: unknown): SignInSource | undefined =>
    value === 'beta' || value === 'v1.0' ? value : undefined;
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  return {
    source: source(raw.source),
    betaRefusedAt: text(raw.betaRefusedAt),
    roundSource: source(raw.roundSource),
    roundNewest: text(raw.roundNewest),
    roundFrom: text(raw.roundFrom),
    windowTo: text(raw.windowTo),
    roundTo: text(raw.roundTo),
  };
}

/** The state with no round under way (the source and a /beta refusal are kept). */
export function withoutRound(state: StreamState): StreamState {
  return {
    ...state,
    roundSource: undefined,
    roundNewest: undefined,
    roundFrom: undefined,
    windowTo: undefined,
    roundTo: undefined,
  };
}

/** The state as the checkpoint stores it: without its unset fields. */
export function compact(state: StreamState): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(state)) if (typeof value === 'string') out[key] = value;
  return out;
}

/** The newer of two ISO times (`b` absent: `a`). */
export function newer(a: string | null, b: string | undefined): string | null {
  if (b === undefined) return a;
  if (a === null) return b;
  return b > a ? b : a;
}
