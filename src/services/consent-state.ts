import crypto from 'node:crypto';

/**
 * What an admin-consent `state` is bound to (DESIGN rule 1 and §9): the admin who started it, the client, and the
 * client's tenant the admin named — so a callback for any other tenant, another client or another admin is refused.
 */
export interface ConsentBinding {
  readonly nonce: string;
  readonly clientId: string;
  readonly actorTenantId: string;
  readonly actorObjectId: string;
  /** The tenant id (GUID, lower case) the consent must come back for. */
  readonly tenantId: string;
  readonly expiresAt: string;
}

/**
 * The fields the signature covers, in a fixed order. A field added later goes at the end (and the version is raised),
 * so the meaning of every signed value stays unambiguous.
 */
const SIGNED_FIELDS = [
  'nonce',
  'clientId',
  'actorTenantId',
  'actorObjectId',
  'tenantId',
  'expiresAt',
] as const;
const FORMAT = 'admin-consent-state/2';

/**
 * Signs and verifies admin-consent `state` values: `<nonce>.<HMAC-SHA256 of the binding>`, keyed by a key derived
 * from the secrets key. The binding itself is stored (pending_actions, keyed by a hash of the nonce) and checked
 * against the signature, so a state cannot be forged, moved to another client, admin or tenant, or used twice.
 */
export class ConsentStateSigner {
  private readonly key: Buffer;

  constructor(secretsKey: Buffer) {
    this.key = Buffer.from(crypto.hkdfSync('sha256', secretsKey, Buffer.alloc(0), 'admin-consent-state', 32));
  }

  /** A fresh nonce: 16 random bytes, base64url. */
  newNonce(): string {
    return crypto.randomBytes(16).toString('base64url');
  }

  sign(binding: ConsentBinding): string {
    return `${binding.nonce}.${this.mac(binding)}`;
  }

  /** Splits a state into its nonce and signature; undefined when it is not shaped like one. */
  parse(state: string): { nonce: string; signature: string } | undefined {
    const match = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(state);
    if (match?.[1] === undefined || match[2] === undefined) return undefined;
    return { nonce: match[1], signature: match[2] };
  }

  /** Whether `signature` signs exactly this binding (constant-time comparison). */
  verify(binding: ConsentBinding, signature: string): boolean {
    const expected = Buffer.from(this.mac(binding), 'utf8');
    const given = Buffer.from(signature, 'utf8');
    return expected.length === given.length && crypto.timingSafeEqual(expected, given);
  }

  /** The id under which a nonce's binding is stored. */
  static storageId(nonce: string): string {
    return crypto.createHash('sha256').update(`consent:${nonce}`).digest('hex');
  }

  private mac(binding: ConsentBinding): string {
    // Each value on its own line after its name: no value can contain a line break (ids, GUIDs, ISO dates).
    const text = [FORMAT, ...SIGNED_FIELDS.map((field) => `${field}=${binding[field]}`)].join('\n');
    return crypto.createHmac('sha256', this.key).update(text).digest('base64url');
  }
}
