import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import path from 'node:path';
import forge from 'node-forge';
import { loadOrCreateFolder, type FolderFiles } from './data-folder.js';

/** The simulator's TLS material: a private CA and a server certificate for localhost / 127.0.0.1 signed by it. */
export interface TlsMaterial {
  readonly caCertPath: string;
  readonly caCertPem: string;
  readonly serverCertPem: string;
  readonly serverKeyPem: string;
}

const TLS_FOLDER = 'tls';
const FILES = {
  caCert: 'ca-cert.pem',
  caKey: 'ca-key.pem',
  serverCert: 'server-cert.pem',
  serverKey: 'server-key.pem',
};
const SERVER_NAMES = ['localhost'];
const SERVER_IPS = ['127.0.0.1', '::1'];
const DAY_MS = 86_400_000;

/**
 * Loads the CA and server certificate from `dataDir/tls`, creating them on first use (and again when the server
 * certificate is about to expire).
 */
export async function loadOrCreateTls(dataDir: string): Promise<TlsMaterial> {
  const { folder, files } = await loadOrCreateFolder(
    dataDir,
    TLS_FOLDER,
    Object.values(FILES),
    generateTls,
    (f) => isUsable(f[FILES.serverCert] ?? ''),
  );
  return {
    caCertPath: path.join(folder, FILES.caCert),
    caCertPem: files[FILES.caCert] ?? '',
    serverCertPem: files[FILES.serverCert] ?? '',
    serverKeyPem: files[FILES.serverKey] ?? '',
  };
}

function isUsable(serverCertPem: string): boolean {
  try {
    const cert = new X509Certificate(serverCertPem);
    const stillValidFor30Days = new Date(cert.validTo).getTime() - Date.now() > 30 * DAY_MS;
    const names = cert.subjectAltName ?? '';
    return stillValidFor30Days && SERVER_NAMES.every((name) => names.includes(`DNS:${name}`));
  } catch {
    return false;
  }
}

function generateTls(): FolderFiles {
  // node:crypto makes the keys (native, fast); node-forge only assembles and signs the certificates.
  const caKeys = rsaKeyPair();
  const serverKeys = rsaKeyPair();
  const caKey = forge.pki.privateKeyFromPem(caKeys.privateKey);
  const now = Date.now();

  const caSubject = [{ name: 'commonName', value: 'Entra Graph Simulator Local CA' }];
  const ca = forge.pki.createCertificate();
  ca.publicKey = forge.pki.publicKeyFromPem(caKeys.publicKey);
  ca.serialNumber = serialNumber();
  ca.validity.notBefore = new Date(now - DAY_MS);
  ca.validity.notAfter = new Date(now + 3650 * DAY_MS);
  ca.setSubject(caSubject);
  ca.setIssuer(caSubject);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKey, forge.md.sha256.create());

  const server = forge.pki.createCertificate();
  server.publicKey = forge.pki.publicKeyFromPem(serverKeys.publicKey);
  server.serialNumber = serialNumber();
  server.validity.notBefore = new Date(now - DAY_MS);
  server.validity.notAfter = new Date(now + 800 * DAY_MS);
  server.setSubject([{ name: 'commonName', value: 'localhost' }]);
  server.setIssuer(caSubject);
  server.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        ...SERVER_NAMES.map((value) => ({ type: 2, value })),
        ...SERVER_IPS.map((ip) => ({ type: 7, ip })),
      ],
    },
  ]);
  server.sign(caKey, forge.md.sha256.create());

  return {
    [FILES.caCert]: forge.pki.certificateToPem(ca),
    [FILES.caKey]: caKeys.privateKey,
    [FILES.serverCert]: forge.pki.certificateToPem(server),
    [FILES.serverKey]: serverKeys.privateKey,
  };
}

export function rsaKeyPair(): { publicKey: string; privateKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
}

/** A positive 16-byte serial (the high bit cleared so DER does not read it as negative). */
export function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}
