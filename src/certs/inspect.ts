// Reading certificates: Node's X509Certificate understands every key type (RSA, EC, Ed25519), so
// inspection works on certificates that came from anywhere, not only from us.
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { UserError } from '../core/errors.js';

/** Below this many days left, every view warns. */
export const EXPIRY_WARNING_DAYS = 30;

export interface CertSummary {
  subject: string;
  issuer: string;
  serial: string;
  sans: string[];
  notBefore: string;
  notAfter: string;
  daysLeft: number;
  expired: boolean;
  notYetValid: boolean;
  fingerprintSha256: string;
  keyType: string;
  keyBits?: number;
  isCa: boolean;
  selfSigned: boolean;
  chainsToCa?: boolean;
  validForHost?: { host: string; ok: boolean };
  warnings: string[];
}

export function splitPemCertificates(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

export function parseCertificate(pem: string, field = 'certificate'): X509Certificate {
  const first = splitPemCertificates(pem)[0];
  if (!first) throw new UserError(`failed to read the ${field}: it holds no PEM certificate (-----BEGIN CERTIFICATE-----)`, [], field);
  try {
    return new X509Certificate(first);
  } catch (err) {
    throw new UserError(`failed to read the ${field}: it is not a valid certificate: ${(err as Error).message}`, [], field);
  }
}

export function parseCertificateChain(pem: string, field = 'chain'): X509Certificate[] {
  return splitPemCertificates(pem).map((p) => parseCertificate(p, field));
}

export function sansOf(cert: X509Certificate): string[] {
  const raw = cert.subjectAltName;
  if (!raw) return [];
  return raw.split(', ').map((s) => s.replace(/^IP Address:/, 'IP:'));
}

/** Issued by `ca` and signed with its key (the name check alone is not enough). */
export function isSignedBy(cert: X509Certificate, ca: X509Certificate): boolean {
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
}

export function isValidForHost(cert: X509Certificate, host: string): boolean {
  return isIP(host) !== 0 ? cert.checkIP(host) !== undefined : cert.checkHost(host) !== undefined;
}

export function summarise(cert: X509Certificate, opts: { ca?: X509Certificate; host?: string; now?: Date } = {}): CertSummary {
  const now = opts.now ?? new Date();
  const notAfter = new Date(cert.validTo);
  const notBefore = new Date(cert.validFrom);
  const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000);
  const details = cert.publicKey.asymmetricKeyDetails;
  const summary: CertSummary = {
    subject: cert.subject.replace(/\n/g, ', '),
    issuer: cert.issuer.replace(/\n/g, ', '),
    serial: cert.serialNumber,
    sans: sansOf(cert),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    daysLeft,
    expired: notAfter < now,
    notYetValid: notBefore > now,
    fingerprintSha256: cert.fingerprint256,
    keyType: cert.publicKey.asymmetricKeyType ?? 'unknown',
    ...(details?.modulusLength ? { keyBits: details.modulusLength } : {}),
    isCa: cert.ca,
    selfSigned: cert.checkIssued(cert) && cert.verify(cert.publicKey),
    warnings: [],
  };
  if (opts.ca) summary.chainsToCa = isSignedBy(cert, opts.ca);
  if (opts.host) summary.validForHost = { host: opts.host, ok: isValidForHost(cert, opts.host) };
  summary.warnings = warningsFor(summary);
  return summary;
}

function warningsFor(s: CertSummary): string[] {
  const w: string[] = [];
  if (s.expired) w.push(`expired on ${s.notAfter}`);
  else if (s.daysLeft < EXPIRY_WARNING_DAYS) w.push(`expires in ${s.daysLeft} days (${s.notAfter}): renew it`);
  if (s.notYetValid) w.push(`not valid before ${s.notBefore}`);
  if (!s.isCa && s.sans.length === 0) w.push('no subjectAltName: current TLS clients ignore the CN and will reject it');
  if (s.chainsToCa === false) w.push('does not chain to the given CA');
  if (s.validForHost && !s.validForHost.ok) w.push(`not valid for ${s.validForHost.host}: it is not among the SANs`);
  if (s.keyType === 'rsa' && s.keyBits !== undefined && s.keyBits < 2048) w.push(`RSA key of ${s.keyBits} bits is too weak`);
  return w;
}
