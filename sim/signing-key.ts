import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { loadOrCreateFolder, type FolderFiles } from './data-folder.js';
import { rsaKeyPair, serialNumber } from './tls.js';

/** The RSA key the simulator signs tokens with, published in its JWKS. */
export interface SigningKey {
  /** Key id: the base64url SHA-1 thumbprint of its certificate, like Entra's `kid`/`x5t`. */
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** Base64 DER certificate for the JWKS `x5c` member. */
  readonly certificateBase64: string;
}

const FILES = { key: 'signing-key.pem', cert: 'signing-cert.pem' };

/** Loads the token-signing key from `dataDir/signing` (created on first start), so tokens survive a restart. */
export async function loadOrCreateSigningKey(dataDir: string): Promise<SigningKey> {
  const { files } = await loadOrCreateFolder(dataDir, 'signing', Object.values(FILES), generate);
  const keyPem = files[FILES.key] ?? '';
  const cert = forge.pki.certificateFromPem(files[FILES.cert] ?? '');
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  const privateKey = createPrivateKey(keyPem);
  return {
    kid: createHash('sha1').update(der).digest('base64url'),
    privateKey,
    publicKey: createPublicKey(privateKey),
    certificateBase64: der.toString('base64'),
  };
}

function generate(): FolderFiles {
  const keys = rsaKeyPair();
  const subject = [{ name: 'commonName', value: 'accounts.simulator.local' }];
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKey);
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 3650 * 86_400_000);
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.sign(forge.pki.privateKeyFromPem(keys.privateKey), forge.md.sha256.create());
  return { [FILES.key]: keys.privateKey, [FILES.cert]: forge.pki.certificateToPem(cert) };
}
