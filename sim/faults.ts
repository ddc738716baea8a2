import { SeededRandom } from './random.js';
import type {
  ConnectionResetFault,
  DeltaExpiryMode,
  FaultInjector,
  FaultMatch,
  FaultTrigger,
  LatencyFault,
  LicenceRefusalFault,
  RecordedAnswer,
  RealisticThrottlingOptions,
  RetryAfterSpec,
  ServerErrorFault,
  ThrottleFault,
} from './types.js';

/** What the server must do to one request because of the faults in force. */
export type FaultAction =
  | { readonly kind: 'reset' }
  | { readonly kind: 'throttle'; readonly retryAfter: RetryAfterSpec }
  | { readonly kind: 'serverError'; readonly status: number; readonly retryAfter: RetryAfterSpec }
  | { readonly kind: 'licenceRefusal' }
  | { readonly kind: 'recorded'; readonly status: number; readonly body: unknown };

export interface FaultDecision {
  /** Extra latency from latency faults (ms). */
  readonly latencyMs: number;
  readonly action: FaultAction | undefined;
}

type Kind = 'throttle' | 'serverError' | 'reset' | 'latency' | 'licenceRefusal' | 'recorded';

/** The requests a licence check guards: sign-in logs, authentication-method reports, signInActivity. */
const LICENSED_PATH = /\/(auditLogs\/signIns|reports\/authenticationMethods|users$)/;

interface ActiveFault {
  readonly id: string;
  readonly kind: Kind;
  readonly pattern: RegExp | undefined;
  readonly tenantId: string | undefined;
  readonly target: 'graph' | 'identity' | 'any';
  remaining: number | undefined;
  readonly rate: number;
  readonly retryAfter: RetryAfterSpec;
  readonly status: number;
  readonly ms: number;
  readonly body?: unknown;
}

/** Listens for realistic-throttling switches (the server owns the limiter). */
export interface ThrottlingSwitch {
  setEnabled(enabled: boolean, options?: RealisticThrottlingOptions): void;
  readonly enabled: boolean;
}

/**
 * Fault injection: 429 with Retry-After (seconds, fractional seconds or an HTTP date), 5xx, connection resets and
 * latency, each for the next N matching requests or a share of them; plus the delta-expiry answer form and the
 * realistic-throttling switch. Rates draw from a seeded generator, so a run is repeatable.
 */
export class Faults implements FaultInjector {
  deltaExpiryMode: DeltaExpiryMode = '400';
  /**
   * Delta pages replay what the page before them sent: each `/users/delta` page starts again with the last user of
   * the page before, and a group split over pages repeats the last member references of the page before. Microsoft
   * says a delta round may return the same object more than once ("expect replays"; see the delta query overview,
   * https://learn.microsoft.com/en-us/graph/delta-query-overview).
   */
  deltaReplay = false;
  /** App-only tokens that are not JWTs (Microsoft: treat access tokens as opaque). */
  opaqueAppTokens = false;
  /**
   * How long an admin consent takes to reach new tokens and `appRoleAssignments` (real-time ms). Microsoft applies
   * consent with a delay (https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/4160).
   */
  consentPropagationMs = 0;
  private readonly faults: ActiveFault[] = [];
  private readonly random: SeededRandom;
  private sequence = 0;

  constructor(
    seed: number,
    private readonly throttling: ThrottlingSwitch,
    private readonly expireDelta: (tenantId?: string) => void,
  ) {
    this.random = new SeededRandom(seed, 77);
  }

  throttle(fault: ThrottleFault): string {
    return this.add('throttle', fault, { retryAfter: fault.retryAfter === undefined ? 1 : fault.retryAfter });
  }

  serverError(fault: ServerErrorFault): string {
    return this.add('serverError', fault, {
      status: fault.status ?? 503,
      retryAfter: fault.retryAfter ?? null,
    });
  }

  connectionReset(fault: ConnectionResetFault): string {
    return this.add('reset', fault, {});
  }

  latency(fault: LatencyFault): string {
    if (!(fault.ms >= 0)) throw new RangeError('latency ms must be >= 0');
    return this.add('latency', { rate: 1, ...fault }, { ms: fault.ms });
  }

  licenceRefusal(fault: LicenceRefusalFault): string {
    return this.add('licenceRefusal', fault, {});
  }

  recordedAnswer(answer: RecordedAnswer): string {
    return this.add('recorded', answer, { status: answer.status ?? 200, body: answer.body });
  }

  remove(faultId: string): boolean {
    const index = this.faults.findIndex((fault) => fault.id === faultId);
    if (index < 0) return false;
    this.faults.splice(index, 1);
    return true;
  }

  clear(): void {
    this.faults.length = 0;
    this.deltaExpiryMode = '400';
    this.deltaReplay = false;
    this.opaqueAppTokens = false;
    this.consentPropagationMs = 0;
    this.throttling.setEnabled(false);
  }

  expireDeltaTokens(tenantId?: string): void {
    this.expireDelta(tenantId);
  }

  setRealisticThrottling(enabled: boolean, options?: RealisticThrottlingOptions): void {
    this.throttling.setEnabled(enabled, options);
  }

  get realisticThrottling(): boolean {
    return this.throttling.enabled;
  }

  /** Active faults (for the control API). */
  list(): { id: string; kind: Kind; remaining: number | undefined; rate: number }[] {
    return this.faults.map((f) => ({ id: f.id, kind: f.kind, remaining: f.remaining, rate: f.rate }));
  }

  /** Decides, and consumes, the faults for one request. */
  decide(target: 'graph' | 'identity', path: string, tenantId: string | undefined): FaultDecision {
    let latencyMs = 0;
    let action: FaultAction | undefined;
    for (const fault of [...this.faults]) {
      if (!this.matches(fault, target, path, tenantId)) continue;
      if (fault.kind !== 'latency' && action) continue;
      if (!this.fires(fault)) continue;
      switch (fault.kind) {
        case 'latency':
          latencyMs += fault.ms;
          break;
        case 'reset':
          action = { kind: 'reset' };
          break;
        case 'throttle':
          action = { kind: 'throttle', retryAfter: fault.retryAfter };
          break;
        case 'serverError':
          action = { kind: 'serverError', status: fault.status, retryAfter: fault.retryAfter };
          break;
        case 'licenceRefusal':
          action = { kind: 'licenceRefusal' };
          break;
        case 'recorded':
          action = { kind: 'recorded', status: fault.status, body: fault.body };
          break;
      }
    }
    return { latencyMs, action };
  }

  private add(
    kind: Kind,
    spec: FaultMatch & FaultTrigger,
    extra: { retryAfter?: RetryAfterSpec; status?: number; ms?: number; body?: unknown },
  ): string {
    if (spec.next === undefined && spec.rate === undefined)
      throw new RangeError(`a ${kind} fault needs next or rate`);
    if (spec.next !== undefined && !(spec.next >= 1)) throw new RangeError('next must be >= 1');
    if (spec.rate !== undefined && !(spec.rate >= 0 && spec.rate <= 1))
      throw new RangeError('rate must be within 0..1');
    const id = `fault-${(++this.sequence).toString()}`;
    this.faults.push({
      id,
      kind,
      pattern: spec.pathPattern === undefined ? undefined : new RegExp(spec.pathPattern),
      tenantId: spec.tenantId?.toLowerCase(),
      target: spec.target ?? 'graph',
      remaining: spec.next,
      rate: spec.rate ?? 1,
      retryAfter: extra.retryAfter ?? null,
      status: extra.status ?? 503,
      ms: extra.ms ?? 0,
      body: extra.body,
    });
    return id;
  }

  private matches(
    fault: ActiveFault,
    target: 'graph' | 'identity',
    path: string,
    tenantId: string | undefined,
  ): boolean {
    if (fault.target !== 'any' && fault.target !== target) return false;
    if (fault.tenantId !== undefined && fault.tenantId !== tenantId?.toLowerCase()) return false;
    if (fault.kind === 'licenceRefusal' && !LICENSED_PATH.test(path)) return false;
    if (fault.kind === 'recorded' && target !== 'graph') return false;
    return fault.pattern === undefined || fault.pattern.test(path);
  }

  private fires(fault: ActiveFault): boolean {
    if (fault.remaining !== undefined) {
      fault.remaining--;
      if (fault.remaining <= 0) this.remove(fault.id);
      return true;
    }
    return this.random.next() < fault.rate;
  }
}

/** The `Retry-After` header for a spec and the instant it points at (undefined for "no header"). */
export function retryAfterHeader(
  spec: RetryAfterSpec,
  nowMs: number,
): { value: string; notBeforeMs: number } | undefined {
  if (spec === null) return undefined;
  if (typeof spec === 'number') return { value: formatSeconds(spec), notBeforeMs: nowMs + spec * 1000 };
  // HTTP dates have whole seconds: round up so the date is never earlier than asked.
  const atMs = Math.ceil((nowMs + spec.httpDateInSeconds * 1000) / 1000) * 1000;
  return { value: new Date(atMs).toUTCString(), notBeforeMs: atMs };
}

function formatSeconds(seconds: number): string {
  return Number.isInteger(seconds) ? seconds.toString() : seconds.toFixed(3).replace(/0+$/, '');
}
