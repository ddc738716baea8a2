import crypto from 'node:crypto';
import { z } from 'zod/v4';
import type { Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import type { Store } from '../store/store.js';
import type { Actor } from './actor.js';
import { parseInput } from './validation.js';

/** How long a download link works: long enough for the host to hand it to the browser, no longer. */
export const DOWNLOAD_LINK_TTL_MS = 60_000;

/** What a link downloads: one export of the tab API, by its path and query in canonical order. */
const targetSchema = z
  .string()
  .min(2)
  .max(2_000)
  .regex(/^\/[^\s#]*$/, 'must be a path of the tab API');

interface LinkPayload {
  readonly actorName: string | null;
}

/**
 * Short-lived, single-use signed links for exports, so that a file can be downloaded by a plain GET the host hands to
 * the system browser (`app.openLink`), where the tab's SSO token is not available. New Teams lets a tab download a
 * blob only once per start and Teams mobile not at all, and a link opened outside Teams carries no cookie or token
 * (https://github.com/MicrosoftDocs/msteams-docs/issues/10342,
 * https://github.com/OfficeDev/microsoft-teams-library-js/issues/2468).
 *
 * A link is `<nonce>.<signature>`: an HMAC (a key derived from SECRETS_KEY) over the nonce, the export's path and
 * query, the person and the expiry. The server keeps only a hash of the nonce with the binding (`pending_actions`),
 * so a link cannot be forged, changed to another export, used by anyone but for its person's rights, used after a
 * minute, or used twice — by one instance or several sharing the database (the first use marks it, conditionally).
 * Who may export what is still decided by the export itself, for the person the link was issued to.
 */
export class DownloadLinkService {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly key: Buffer;

  constructor(options: { readonly store: Store; readonly clock: Clock; readonly secretsKey: Buffer }) {
    this.store = options.store;
    this.clock = options.clock;
    this.key = Buffer.from(
      crypto.hkdfSync('sha256', options.secretsKey, Buffer.alloc(0), 'download-link', 32),
    );
  }

  /**
   * A link to `target` (a tab API export's path with its canonical query) for the actor, valid one minute, once.
   * @throws {ValidationError} for a target that is not a tab API path.
   */
  async issue(actor: Actor, target: string): Promise<{ readonly token: string; readonly expiresAt: string }> {
    const path = parseInput(targetSchema, target);
    const now = this.clock.now();
    const nonce = crypto.randomBytes(16).toString('base64url');
    const expiresAt = new Date(now.getTime() + DOWNLOAD_LINK_TTL_MS).toISOString();
    const binding = {
      nonce,
      target: path,
      tenantId: actor.tenantId.toLowerCase(),
      objectId: actor.objectId.toLowerCase(),
      expiresAt,
    };
    const payload: LinkPayload = { actorName: actor.name ?? null };
    await this.store.read.pendingActions.insert({
      id: storageId(nonce),
      kind: 'download_link',
      client_id: '*',
      actor_tenant_id: binding.tenantId,
      actor_object_id: binding.objectId,
      payload: JSON.stringify({ ...payload, target: path }),
      created_at: now.toISOString(),
      expires_at: expiresAt,
    });
    return { token: `${nonce}.${this.mac(binding)}`, expiresAt };
  }

  /**
   * Uses a link for `target`: the person it was issued to, when it is genuine, for exactly this export, unexpired
   * and unused — and it is used up.
   * @throws {AppError} `download_link_invalid` (403: not one of ours, or for another export),
   * `download_link_used` / `download_link_expired` (410).
   */
  async redeem(token: string, target: string): Promise<Actor> {
    const match = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (match?.[1] === undefined || match[2] === undefined) throw invalidLink();
    const [, nonce, signature] = match;
    const pending = this.store.read.pendingActions;
    const stored = await pending.find(storageId(nonce), 'download_link');
    if (stored === undefined) throw invalidLink();
    const expected = this.mac({
      nonce,
      target,
      tenantId: stored.actor_tenant_id,
      objectId: stored.actor_object_id,
      expiresAt: stored.expires_at,
    });
    if (!sameText(expected, signature)) throw invalidLink();
    if (stored.used_at !== null)
      throw linkGone('download_link_used', 'This download link has been used already.');
    const now = this.clock.now().toISOString();
    if (now >= stored.expires_at) {
      throw linkGone('download_link_expired', 'This download link has expired (links work for one minute).');
    }
    if (!(await pending.markUsed(stored.id, now))) {
      throw linkGone('download_link_used', 'This download link has been used already.');
    }
    const payload = JSON.parse(stored.payload) as LinkPayload;
    return {
      tenantId: stored.actor_tenant_id,
      objectId: stored.actor_object_id,
      name: payload.actorName ?? undefined,
      channel: 'tab',
    };
  }

  private mac(binding: {
    readonly nonce: string;
    readonly target: string;
    readonly tenantId: string;
    readonly objectId: string;
    readonly expiresAt: string;
  }): string {
    return crypto
      .createHmac('sha256', this.key)
      .update(
        [binding.nonce, binding.target, binding.tenantId, binding.objectId, binding.expiresAt].join('\n'),
      )
      .digest('base64url');
  }
}

/** The canonical form of an export's address: its path and its query parameters sorted, the link itself left out. */
export function downloadTarget(path: string, query: URLSearchParams): string {
  const entries = [...query.entries()]
    .filter(([name]) => name !== 'link')
    .sort(([a, va], [b, vb]) => (a === b ? va.localeCompare(vb) : a.localeCompare(b)));
  const canonical = new URLSearchParams(entries).toString();
  return canonical === '' ? path : `${path}?${canonical}`;
}

function storageId(nonce: string): string {
  return crypto.createHash('sha256').update(`download:${nonce}`).digest('hex');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && crypto.timingSafeEqual(left, right);
}

function invalidLink(): AppError {
  return new AppError(
    'download_link_invalid',
    'This download link is not valid for this file: start the download again in the tab.',
    { status: 403 },
  );
}

function linkGone(code: 'download_link_used' | 'download_link_expired', message: string): AppError {
  return new AppError(code, `${message} Start the download again in the tab.`, { status: 410 });
}
