import { DEVICES, OUTCOMES, PLACES } from './catalog.js';
import { formatGuid, hash32, hashGuid } from './random.js';
import type { SimAuthenticationDetail, SimSignIn, SimSignInActivity } from './types.js';

/** The application (and resource) a sign-in went to. */
export interface SignInApp {
  readonly appId: string;
  readonly displayName: string;
  readonly resourceDisplayName: string;
  readonly resourceId: string;
}

/** What the store needs from its tenant to turn a stored row into a sign-in object. */
export interface SignInOwner {
  readonly tenantId: string;
  userIdentity(userIndex: number): { id: string; displayName: string; userPrincipalName: string };
  signInApp(appIndex: number): SignInApp;
}

/** Position in the log's total order (newest first = descending time, then descending sequence). */
export interface SignInCursor {
  readonly timeMs: number;
  readonly seq: number;
}

/** A sign-in added after generation, stored whole. */
interface ExtraSignIn {
  readonly timeMs: number;
  readonly seq: number;
  readonly interactive: boolean;
  readonly userIndex: number;
  readonly signIn: SimSignIn;
}

const FLAG_INTERACTIVE = 1;
const FLAG_AWAY = 2;
const EXTRA_SEQ_BASE = 0x8000_0000;
const ID_MULTIPLIER = 0x9e37_79b1;
const ID_MULTIPLIER_INVERSE = modularInverse32(ID_MULTIPLIER);
const NO_TIME = Number.NaN;

/**
 * `lastSuccessfulSignInDateTime` exists since 1 December 2023 and was not backfilled: a user whose last successful
 * sign-in is older has it null (https://learn.microsoft.com/en-us/graph/api/resources/signinactivity).
 */
export const LAST_SUCCESS_RECORDED_FROM_MS = Date.UTC(2023, 11, 1);

/** Per user: last sign-in of each kind (time and the sequence that identifies the event). */
interface ActivityColumns {
  interactiveMs: Float64Array;
  interactiveSeq: Float64Array;
  nonInteractiveMs: Float64Array;
  nonInteractiveSeq: Float64Array;
  successMs: Float64Array;
  successSeq: Float64Array;
  /** Last sign-in before the generated window (signInActivity outlives the 30-day log). */
  historicMs: Float64Array;
}

/**
 * The sign-in log of one tenant, stored column-wise so millions of events fit in tens of megabytes. Generated events
 * are appended in time order during generation; later additions (any timestamp) go to a small sorted side list and
 * both are merged when read. Event ids are derived from the event's sequence number and can be inverted, so a
 * lookup by id needs no index.
 */
export class SignInStore {
  private time: Float64Array;
  private user: Uint32Array;
  private app: Uint16Array;
  private outcome: Uint8Array;
  private flags: Uint8Array;
  private baseCount = 0;
  private sealed = false;
  private readonly extras: ExtraSignIn[] = [];
  private readonly extrasById = new Map<string, ExtraSignIn>();
  private readonly extrasBySeq = new Map<number, ExtraSignIn>();
  private activity: ActivityColumns;
  /** 1 where the outcome at that index is a success (read per generated event, so not looked up in OUTCOMES). */
  private readonly successful = Uint8Array.from(OUTCOMES, (o) => (o.errorCode === 0 ? 1 : 0));

  constructor(
    private readonly idSeed: number,
    private readonly owner: SignInOwner,
    capacity: number,
    userCapacity: number,
  ) {
    this.time = new Float64Array(Math.max(16, capacity));
    this.user = new Uint32Array(this.time.length);
    this.app = new Uint16Array(this.time.length);
    this.outcome = new Uint8Array(this.time.length);
    this.flags = new Uint8Array(this.time.length);
    this.activity = createActivity(Math.max(16, userCapacity));
  }

  get count(): number {
    return this.baseCount + this.extras.length;
  }

  /** Appends a generated event; times must not decrease. */
  appendGenerated(
    timeMs: number,
    userIndex: number,
    appIndex: number,
    outcome: number,
    interactive: boolean,
    away: boolean,
  ): void {
    if (this.sealed) throw new Error('generated sign-ins must be appended before the store is sealed');
    if (this.baseCount === this.time.length) this.growBase();
    if (userIndex >= this.activity.historicMs.length) this.ensureUsers(userIndex + 1);
    const i = this.baseCount++;
    this.time[i] = timeMs;
    this.user[i] = userIndex;
    this.app[i] = appIndex;
    this.outcome[i] = outcome;
    this.flags[i] = (interactive ? FLAG_INTERACTIVE : 0) | (away ? FLAG_AWAY : 0);
    // Generated events arrive in log order, so each one is the newest of its kind so far for its user.
    const a = this.activity;
    if (interactive) {
      a.interactiveMs[userIndex] = timeMs;
      a.interactiveSeq[userIndex] = i;
    } else {
      a.nonInteractiveMs[userIndex] = timeMs;
      a.nonInteractiveSeq[userIndex] = i;
    }
    if (this.successful[outcome] === 1) {
      a.successMs[userIndex] = timeMs;
      a.successSeq[userIndex] = i;
    }
  }

  /** Ends generation: later events go to the side list. Trims the columns to size. */
  seal(): void {
    this.sealed = true;
    const n = this.baseCount;
    this.time = this.time.slice(0, n);
    this.user = this.user.slice(0, n);
    this.app = this.app.slice(0, n);
    this.outcome = this.outcome.slice(0, n);
    this.flags = this.flags.slice(0, n);
  }

  setHistoricSignIn(userIndex: number, timeMs: number): void {
    this.ensureUsers(userIndex + 1);
    this.activity.historicMs[userIndex] = timeMs;
  }

  /**
   * Adds an event after generation (any timestamp; the log stays ordered). `errorCode` overrides the outcome's code
   * for codes outside the catalogue.
   */
  addEvent(event: {
    id?: string | undefined;
    timeMs: number;
    userIndex: number;
    app: SignInApp;
    outcome: number;
    errorCode?: number | undefined;
    interactive: boolean;
  }): SimSignIn {
    const seq = EXTRA_SEQ_BASE + this.extras.length;
    const timeMs = Math.floor(event.timeMs / 1000) * 1000;
    const id = (event.id ?? this.idForSeq(seq)).toLowerCase();
    if (this.byId(id)) throw new RangeError(`a sign-in with id ${id} already exists`);
    const built = this.build(
      seq,
      timeMs,
      event.userIndex,
      event.app,
      event.outcome,
      event.interactive,
      false,
    );
    const signIn: SimSignIn =
      event.errorCode === undefined || event.errorCode === built.status.errorCode
        ? { ...built, id }
        : {
            ...built,
            id,
            status: { errorCode: event.errorCode, failureReason: 'Other.', additionalDetails: null },
          };
    const extra: ExtraSignIn = {
      timeMs,
      seq,
      interactive: event.interactive,
      userIndex: event.userIndex,
      signIn,
    };
    let lo = 0;
    let hi = this.extras.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const probe = this.extras[mid];
      if (probe && compare(probe.timeMs, probe.seq, timeMs, seq) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.extras.splice(lo, 0, extra);
    this.extrasById.set(id, extra);
    this.extrasBySeq.set(seq, extra);
    this.recordActivity(event.userIndex, timeMs, seq, event.interactive, signIn.status.errorCode === 0);
    return signIn;
  }

  /**
   * Events newest first. `after` continues a previous page (exclusive). `from` inclusive, `to` exclusive (ms).
   * `accept` filters cheaply on the stored row before an object is built.
   */
  *descending(options: {
    after?: SignInCursor | undefined;
    fromMs?: number | undefined;
    toMs?: number | undefined;
    interactiveOnly?: boolean | undefined;
    nonInteractiveOnly?: boolean | undefined;
  }): Generator<{ signIn: SimSignIn; cursor: SignInCursor }> {
    const fromMs = options.fromMs ?? Number.NEGATIVE_INFINITY;
    let b = this.lastBaseBefore(options.after, options.toMs);
    let e = this.lastExtraBefore(options.after, options.toMs);
    for (;;) {
      const baseTime = b >= 0 ? (this.time[b] ?? NO_TIME) : NO_TIME;
      const extra = e >= 0 ? this.extras[e] : undefined;
      const takeBase = b >= 0 && (!extra || compare(baseTime, b, extra.timeMs, extra.seq) > 0);
      if (takeBase) {
        if (baseTime < fromMs) return;
        const i = b--;
        const interactive = ((this.flags[i] ?? 0) & FLAG_INTERACTIVE) !== 0;
        if (options.interactiveOnly === true && !interactive) continue;
        if (options.nonInteractiveOnly === true && interactive) continue;
        yield { signIn: this.materialise(i), cursor: { timeMs: baseTime, seq: i } };
      } else if (extra) {
        if (extra.timeMs < fromMs) return;
        e--;
        if (options.interactiveOnly === true && !extra.interactive) continue;
        if (options.nonInteractiveOnly === true && extra.interactive) continue;
        yield { signIn: extra.signIn, cursor: { timeMs: extra.timeMs, seq: extra.seq } };
      } else {
        return;
      }
    }
  }

  byId(id: string): SimSignIn | undefined {
    const extra = this.extrasById.get(id);
    if (extra) return extra.signIn;
    const head = Number.parseInt(id.slice(0, 8), 16);
    if (!Number.isFinite(head)) return undefined;
    const seq = this.seqFromIdHead(head);
    if (seq < this.baseCount && this.idForSeq(seq) === id.toLowerCase()) return this.materialise(seq);
    return undefined;
  }

  /** signInActivity of a user, or undefined when there is no sign-in at all. */
  activityOf(userIndex: number): SimSignInActivity | undefined {
    const a = this.activity;
    if (userIndex >= a.historicMs.length) return undefined;
    const historic = a.historicMs[userIndex] ?? NO_TIME;
    const historicId = Number.isNaN(historic) ? null : hashGuid(this.idSeed, userIndex, 7001);
    const pick = (ms: number, seq: number, before = historic): [string | null, string | null] => {
      if (!Number.isNaN(ms) && (Number.isNaN(before) || ms >= before)) return [iso(ms), this.idForSeq(seq)];
      if (!Number.isNaN(before)) return [iso(before), historicId];
      return [null, null];
    };
    const [lastSignIn, lastSignInId] = pick(
      a.interactiveMs[userIndex] ?? NO_TIME,
      a.interactiveSeq[userIndex] ?? 0,
    );
    const nonInteractiveMs = a.nonInteractiveMs[userIndex] ?? NO_TIME;
    const [lastSuccess, lastSuccessId] = pick(
      a.successMs[userIndex] ?? NO_TIME,
      a.successSeq[userIndex] ?? 0,
      historic < LAST_SUCCESS_RECORDED_FROM_MS ? NO_TIME : historic,
    );
    if (lastSignIn === null && Number.isNaN(nonInteractiveMs) && lastSuccess === null) return undefined;
    return {
      lastSignInDateTime: lastSignIn,
      lastSignInRequestId: lastSignInId,
      lastNonInteractiveSignInDateTime: Number.isNaN(nonInteractiveMs) ? null : iso(nonInteractiveMs),
      lastNonInteractiveSignInRequestId: Number.isNaN(nonInteractiveMs)
        ? null
        : this.idForSeq(a.nonInteractiveSeq[userIndex] ?? 0),
      lastSuccessfulSignInDateTime: lastSuccess,
      lastSuccessfulSignInRequestId: lastSuccessId,
    };
  }

  idForSeq(seq: number): string {
    const extra = seq >= EXTRA_SEQ_BASE ? this.extrasBySeq.get(seq) : undefined;
    if (extra) return extra.signIn.id;
    const head = Math.imul((seq ^ this.idSeed) >>> 0, ID_MULTIPLIER) >>> 0;
    return formatGuid(
      head,
      hash32(this.idSeed, seq, 11),
      hash32(this.idSeed, seq, 12),
      hash32(this.idSeed, seq, 13),
    );
  }

  private seqFromIdHead(head: number): number {
    return ((Math.imul(head, ID_MULTIPLIER_INVERSE) >>> 0) ^ this.idSeed) >>> 0;
  }

  private materialise(i: number): SimSignIn {
    const flags = this.flags[i] ?? 0;
    return this.build(
      i,
      this.time[i] ?? 0,
      this.user[i] ?? 0,
      this.owner.signInApp(this.app[i] ?? 0),
      this.outcome[i] ?? 0,
      (flags & FLAG_INTERACTIVE) !== 0,
      (flags & FLAG_AWAY) !== 0,
    );
  }

  private build(
    i: number,
    timeMs: number,
    userIndex: number,
    app: SignInApp,
    outcomeIndex: number,
    interactive: boolean,
    away: boolean,
  ): SimSignIn {
    const outcome = OUTCOMES[outcomeIndex] ?? OUTCOMES[0];
    if (!outcome) throw new Error('outcome table is empty');
    const identity = this.owner.userIdentity(userIndex);
    const userHash = hash32(this.idSeed, userIndex, 21);
    const eventHash = hash32(this.idSeed, i, 22);
    const homePlace = userHash % PLACES.length;
    const place = PLACES[away ? (homePlace + 1 + (eventHash % 3)) % PLACES.length : homePlace];
    const device = DEVICES[((userHash >>> 8) % 3) + (interactive ? 0 : 3)] ?? DEVICES[0];
    if (!place || !device) throw new Error('catalog is empty');
    const created = iso(timeMs);
    return {
      id: this.idForSeq(i),
      createdDateTime: created,
      userId: identity.id,
      userDisplayName: identity.displayName,
      userPrincipalName: identity.userPrincipalName,
      appId: app.appId,
      appDisplayName: app.displayName,
      ipAddress: ipFor(homePlace, away ? eventHash : userHash),
      clientAppUsed: device.clientAppUsed,
      correlationId: hashGuid(this.idSeed, i, 31),
      conditionalAccessStatus: outcome.conditionalAccessStatus,
      isInteractive: interactive,
      resourceDisplayName: app.resourceDisplayName,
      resourceId: app.resourceId,
      status: {
        errorCode: outcome.errorCode,
        failureReason: outcome.failureReason,
        additionalDetails: outcome.additionalDetails,
      },
      authenticationRequirement: outcome.requirement,
      authenticationDetails: outcome.steps.map((step): SimAuthenticationDetail => ({
        authenticationMethod: step.method,
        authenticationMethodDetail: step.methodDetail,
        authenticationStepDateTime: created,
        authenticationStepRequirement: step.requirement,
        authenticationStepResultDetail: step.resultDetail,
        succeeded: step.succeeded,
      })),
      deviceDetail: {
        deviceId: device.isManaged ? hashGuid(this.idSeed, userIndex, 41) : '',
        displayName: device.isManaged ? `PC-${(userHash & 0xffff).toString(16).toUpperCase()}` : '',
        operatingSystem: device.operatingSystem,
        browser: device.browser,
        isCompliant: device.isManaged,
        isManaged: device.isManaged,
        trustType: device.trustType,
      },
      location: {
        city: place.city,
        state: place.state,
        countryOrRegion: place.countryOrRegion,
        geoCoordinates: { altitude: null, latitude: place.latitude, longitude: place.longitude },
      },
      userAgent: device.userAgent,
    };
  }

  private recordActivity(
    userIndex: number,
    timeMs: number,
    seq: number,
    interactive: boolean,
    success: boolean,
  ): void {
    if (userIndex >= this.activity.historicMs.length) this.ensureUsers(userIndex + 1);
    // Hot path during generation (millions of calls): plain comparisons, no closures.
    const a = this.activity;
    if (interactive) {
      const last = a.interactiveMs[userIndex] ?? NO_TIME;
      if (
        Number.isNaN(last) ||
        timeMs > last ||
        (timeMs === last && seq > (a.interactiveSeq[userIndex] ?? 0))
      ) {
        a.interactiveMs[userIndex] = timeMs;
        a.interactiveSeq[userIndex] = seq;
      }
    } else {
      const last = a.nonInteractiveMs[userIndex] ?? NO_TIME;
      if (
        Number.isNaN(last) ||
        timeMs > last ||
        (timeMs === last && seq > (a.nonInteractiveSeq[userIndex] ?? 0))
      ) {
        a.nonInteractiveMs[userIndex] = timeMs;
        a.nonInteractiveSeq[userIndex] = seq;
      }
    }
    if (success) {
      const last = a.successMs[userIndex] ?? NO_TIME;
      if (Number.isNaN(last) || timeMs > last || (timeMs === last && seq > (a.successSeq[userIndex] ?? 0))) {
        a.successMs[userIndex] = timeMs;
        a.successSeq[userIndex] = seq;
      }
    }
  }

  private ensureUsers(n: number): void {
    if (n <= this.activity.historicMs.length) return;
    const grown = createActivity(Math.max(n, this.activity.historicMs.length * 2));
    for (const key of Object.keys(grown) as (keyof ActivityColumns)[]) grown[key].set(this.activity[key]);
    this.activity = grown;
  }

  private growBase(): void {
    const size = this.time.length * 2;
    const grow = <T extends Float64Array | Uint32Array | Uint16Array | Uint8Array>(
      old: T,
      make: (n: number) => T,
    ): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.time = grow(this.time, (n) => new Float64Array(n));
    this.user = grow(this.user, (n) => new Uint32Array(n));
    this.app = grow(this.app, (n) => new Uint16Array(n));
    this.outcome = grow(this.outcome, (n) => new Uint8Array(n));
    this.flags = grow(this.flags, (n) => new Uint8Array(n));
  }

  /** Index of the newest base event strictly before the cursor and before `toMs`; -1 if none. */
  private lastBaseBefore(after: SignInCursor | undefined, toMs: number | undefined): number {
    let end = this.baseCount;
    if (toMs !== undefined) end = Math.min(end, lowerBound(this.time, this.baseCount, toMs));
    if (after) {
      // Events at the cursor's instant with a smaller sequence still come after it in newest-first order.
      const atOrBefore = upperBound(this.time, this.baseCount, after.timeMs);
      let i = atOrBefore - 1;
      while (i >= 0 && this.time[i] === after.timeMs && i >= after.seq) i--;
      end = Math.min(end, i + 1);
    }
    return end - 1;
  }

  private lastExtraBefore(after: SignInCursor | undefined, toMs: number | undefined): number {
    let i = this.extras.length - 1;
    while (i >= 0) {
      const x = this.extras[i];
      if (!x) break;
      const beforeTo = toMs === undefined || x.timeMs < toMs;
      const beforeCursor = !after || compare(x.timeMs, x.seq, after.timeMs, after.seq) < 0;
      if (beforeTo && beforeCursor) break;
      i--;
    }
    return i;
  }
}

function createActivity(n: number): ActivityColumns {
  const nan = (): Float64Array => new Float64Array(n).fill(NO_TIME);
  return {
    interactiveMs: nan(),
    interactiveSeq: new Float64Array(n),
    nonInteractiveMs: nan(),
    nonInteractiveSeq: new Float64Array(n),
    successMs: nan(),
    successSeq: new Float64Array(n),
    historicMs: nan(),
  };
}

function compare(t1: number, s1: number, t2: number, s2: number): number {
  return t1 === t2 ? s1 - s2 : t1 - t2;
}

/** First index whose time is >= value. */
function lowerBound(times: Float64Array, n: number, value: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose time is > value. */
function upperBound(times: Float64Array, n: number, value: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] ?? 0) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Graph's timestamp format: ISO 8601 UTC without fractional seconds. */
export function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function ipFor(placeIndex: number, h: number): string {
  return `${(20 + placeIndex * 13).toString()}.${((h >>> 16) & 255).toString()}.${((h >>> 8) & 255).toString()}.${(
    (h & 254) +
    1
  ).toString()}`;
}

function modularInverse32(a: number): number {
  // Newton's iteration doubles the number of correct low bits each round: 5 rounds cover 32 bits.
  let x = a;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(a, x));
  return x >>> 0;
}
