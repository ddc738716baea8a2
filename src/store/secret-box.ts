import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../shared/errors.js';

const VERSION = 'v1';

/**
 * Encrypts secrets at rest with AES-256-GCM (DESIGN §6). The ciphertext is text —
 * `v1.<iv>.<tag>.<data>` in base64url — and is bound to what it protects (`context`, e.g. the client id), so a
 * ciphertext copied onto another row does not decrypt.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32)
      throw new AppError('invalid_secrets_key', 'The secrets key must be exactly 32 bytes.');
    this.key = Buffer.from(key);
  }

  encrypt(plaintext: string, context: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), data]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** @throws {AppError} `secret_unreadable` when the ciphertext was tampered with, moved, or made with another key. */
  decrypt(ciphertext: string, context: string): string {
    const [version, iv, tag, data] = ciphertext.split('.');
    if (version !== VERSION || iv === undefined || tag === undefined || data === undefined) {
      throw new AppError(
        'secret_unreadable',
        'A stored secret has an unknown format; enter the secret again.',
      );
    }
    try {
      const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch (error) {
      throw new AppError(
        'secret_unreadable',
        'A stored secret cannot be decrypted (the secrets key changed?); enter the secret again.',
        { cause: error },
      );
    }
  }
}

/**
 * Demo mode only: the key kept in the data folder, created on first start with owner-only permissions.
 * Production requires SECRETS_KEY instead (the configuration refuses to start without it).
 */
export function loadOrCreateDemoKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'secrets.key');
  if (fs.existsSync(file)) {
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length === 32) return key;
    throw new AppError(
      'invalid_secrets_key',
      `${file} does not hold a 32-byte base64 key; delete it to create a new one.`,
    );
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = crypto.randomBytes(32);
  fs.writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}
