/**
 * `doctor`: sends every kind of request the product makes (graph-requests.ts) to one client's tenant, one small
 * page each, read-only, and says for each whether Microsoft answered it or how it refused — with the fix in words.
 * With a recording folder, each answer is saved with identifiers, names and addresses replaced by stable
 * pseudonyms, so an operator can share it as a regression fixture (test/fixtures/recorded/).
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../shared/errors.js';
import { plural } from '../shared/plural.js';
import { AuthError, GraphRequestError, NON_PREMIUM_TENANT_CODE, PermissionError } from './graph-errors.js';
import { GRAPH_REQUESTS, type GraphRequestKind } from './graph-requests.js';
import type { TenantGraph } from './tenant-graph.js';
import { GUID_PATTERN } from '../contracts/values.js';

export interface DoctorFinding {
  readonly name: string;
  readonly request: string;
  readonly ok: boolean;
  /** HTTP status Microsoft answered (0 when no answer came). */
  readonly status: number;
  readonly graphCode?: string | undefined;
  /** What Microsoft said, or what came back. */
  readonly detail: string;
  /** What to do about a refusal. */
  readonly fix?: string | undefined;
  readonly requestId?: string | undefined;
}

export interface DoctorReport {
  readonly ok: boolean;
  readonly findings: readonly DoctorFinding[];
  /** Files written with `record`. */
  readonly recorded: readonly string[];
}

export interface DoctorOptions {
  readonly now: Date;
  /** Folder to save pseudonymised answers in. */
  readonly recordDir?: string | undefined;
}

/** A recorded answer, as test/fixtures/recorded/ holds them. */
export interface Recording {
  readonly request: { readonly name: string; readonly version: string; readonly path: string };
  readonly source: string;
  readonly status: number;
  readonly body: unknown;
}

export async function runDoctor(graph: TenantGraph, options: DoctorOptions): Promise<DoctorReport> {
  const findings: DoctorFinding[] = [];
  const recorded: string[] = [];
  const pseudonyms = new Pseudonyms();
  try {
    const claims = await graph.tokenClaims();
    findings.push({
      name: 'token',
      request: 'POST /{tenant}/oauth2/v2.0/token',
      ok: true,
      status: 200,
      detail:
        claims.roles === undefined
          ? 'token issued (not a readable JWT: permissions are read from the directory)'
          : `token issued; application permissions: ${claims.roles.join(', ') || 'none'}`,
    });
  } catch (error) {
    findings.push({
      name: 'token',
      request: 'POST /{tenant}/oauth2/v2.0/token',
      ok: false,
      status: 0,
      detail: error instanceof Error ? error.message : String(error),
      fix:
        error instanceof AuthError ? error.message : 'Check the tenant, the application id and the secret.',
    });
    return { ok: false, findings, recorded };
  }
  if (options.recordDir !== undefined) await fs.mkdir(options.recordDir, { recursive: true });

  for (const kind of GRAPH_REQUESTS) {
    if (kind.probe === undefined || kind.host !== 'graph' || kind.version === 'identity') continue;
    const probe = kind.probe(options.now);
    const request = `${kind.method} /${kind.version}${probe}`;
    try {
      const body = await graph.get<unknown>(probe, {
        operation: `doctor.${kind.name}`,
        version: kind.version,
        // The operator waits at the CLI for the report.
        urgent: true,
      });
      findings.push({ name: kind.name, request, ok: true, status: 200, detail: summarise(body) });
      if (options.recordDir !== undefined) {
        const recording: Recording = {
          request: { name: kind.name, version: kind.version, path: pseudonyms.text(probe) },
          source: 'npm run cli -- doctor --record (pseudonymised)',
          status: 200,
          body: pseudonyms.value(body),
        };
        const file = path.join(options.recordDir, `${kind.name}.json`);
        await fs.writeFile(file, `${JSON.stringify(recording, null, 2)}\n`);
        recorded.push(file);
      }
    } catch (error) {
      findings.push(refusal(kind, request, error));
    }
  }
  return { ok: findings.every((finding) => finding.ok), findings, recorded };
}

function refusal(kind: GraphRequestKind, request: string, error: unknown): DoctorFinding {
  if (error instanceof PermissionError) {
    return {
      name: kind.name,
      request,
      ok: false,
      status: 403,
      detail: error.message,
      fix: `Grant ${error.missing.join(', ')} (Application permission of Microsoft Graph) and admin consent.`,
      requestId: error.requestId,
    };
  }
  if (error instanceof GraphRequestError) {
    return {
      name: kind.name,
      request,
      ok: false,
      status: error.httpStatus,
      graphCode: error.graphCode,
      detail: error.message,
      fix: fixFor(kind, error),
      requestId: error.requestId,
    };
  }
  return {
    name: kind.name,
    request,
    ok: false,
    status: 0,
    detail: error instanceof AppError || error instanceof Error ? error.message : String(error),
    fix: 'No answer from Microsoft Graph: check the network path to graph.microsoft.com and try again.',
  };
}

function fixFor(kind: GraphRequestKind, error: GraphRequestError): string {
  if (error.graphCode === NON_PREMIUM_TENANT_CODE) {
    return "The tenant has no Entra ID P1/P2 licence (or Microsoft's licence check failed once): sign-in data, MFA registration and last activity stay unavailable and nobody expires. If the tenant is licensed, run doctor again in an hour.";
  }
  if (error.httpStatus === 400) {
    return `Microsoft refuses this request as the product sends it (${kind.doc}). Please report it with the request id: the product must be changed.`;
  }
  if (error.httpStatus === 401) return 'The token was refused: check the secret and that it has not expired.';
  if (error.httpStatus === 403) {
    return `Access denied: grant ${kind.permission ?? 'the permission this request needs'} as an Application permission of Microsoft Graph and admin consent.`;
  }
  if (error.httpStatus === 404)
    return `Microsoft does not serve this request in this tenant or cloud (${kind.doc}).`;
  if (error.httpStatus === 429) return 'Throttled by Microsoft: run doctor again in a few minutes.';
  if (error.httpStatus >= 500) return 'Microsoft Graph had a passing failure: run doctor again later.';
  return `See ${kind.doc}.`;
}

function summarise(body: unknown): string {
  if (body !== null && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    const items = Array.isArray(record.value) ? record.value.length : undefined;
    const more =
      typeof record['@odata.nextLink'] === 'string'
        ? ', more pages'
        : typeof record['@odata.deltaLink'] === 'string'
          ? ', delta link'
          : '';
    return items === undefined ? 'answered' : `answered: ${plural(items, 'item')}${more}`;
  }
  return 'answered';
}

/** Every GUID inside a text: the one GUID pattern, unanchored. */
const GUID = new RegExp(GUID_PATTERN.source.slice(1, -1), 'gi');
const EMAIL = /[A-Za-z0-9._%+#-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const IPV4 = /\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/g;
/** Graph's own ids of Microsoft apps and services, kept so a recording still says which app it was. */
const WELL_KNOWN_GUIDS = /^0000000[0-9]-0000-0[0-9a-f]{3}-[0-9a-f]{4}-0{12}$/i;
const PERSONAL_KEYS = new Set(
  [
    'displayName',
    'userDisplayName',
    'principalDisplayName',
    'givenName',
    'surname',
    'jobTitle',
    'department',
    'description',
    'mailNickname',
    'name',
    'city',
    'state',
    'signInIdentifier',
    'userAgent',
  ].map((key) => key.toLowerCase()),
);
const TOKEN_PARAMETER = /(\$skiptoken|\$deltatoken)=[^&"]*/gi;

/** Stable pseudonyms within one run: the same value always maps to the same stand-in. */
export class Pseudonyms {
  private readonly map = new Map<string, string>();
  private readonly salt = crypto.randomBytes(16);

  value(input: unknown, key?: string): unknown {
    if (typeof input === 'string') {
      if (key !== undefined && PERSONAL_KEYS.has(key.toLowerCase()) && input !== '')
        return this.stand(`name:${input}`, (n) => `Name ${String(n)}`);
      return this.text(input);
    }
    if (Array.isArray(input)) return input.map((item) => this.value(item, key));
    if (input !== null && typeof input === 'object') {
      const out: Record<string, unknown> = {};
      for (const [name, item] of Object.entries(input as Record<string, unknown>))
        out[name] = this.value(item, name);
      return out;
    }
    return input;
  }

  text(input: string): string {
    return input
      .replace(TOKEN_PARAMETER, (_match, parameter: string) => `${parameter}=REDACTED`)
      .replace(EMAIL, (email) => {
        const [local, domain] = [
          email.slice(0, email.lastIndexOf('@')),
          email.slice(email.lastIndexOf('@') + 1),
        ];
        return `${this.stand(`user:${local.toLowerCase()}`, (n) => `user${String(n)}`)}@${this.domain(domain)}`;
      })
      .replace(GUID, (guid) => (WELL_KNOWN_GUIDS.test(guid) ? guid : this.guid(guid)))
      .replace(IPV4, (ip) => this.stand(`ip:${ip}`, (n) => `192.0.2.${String(n % 250)}`))
      .replace(/\b[a-z0-9-]+\.onmicrosoft\.com\b/gi, (domain) => this.domain(domain));
  }

  private domain(domain: string): string {
    return this.stand(`domain:${domain.toLowerCase()}`, (n) => `tenant${String(n)}.example.com`);
  }

  private guid(guid: string): string {
    const key = `guid:${guid.toLowerCase()}`;
    const known = this.map.get(key);
    if (known !== undefined) return known;
    const hex = crypto.createHmac('sha256', this.salt).update(key).digest('hex');
    const made = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    this.map.set(key, made);
    return made;
  }

  private stand(key: string, make: (n: number) => string): string {
    const known = this.map.get(key);
    if (known !== undefined) return known;
    const made = make(this.map.size + 1);
    this.map.set(key, made);
    return made;
  }
}
