// Pure builders: keys and names in, forge certificates and CSRs out. No files, no clock other than `now`.
import type * as Forge from 'node-forge';
import forge from './forge.js';
import { nativeSigner, randomSerialHex, type RsaKey } from './keys.js';
import type { San } from './schemas.js';

const DAY_MS = 86_400_000;
/** Back-date notBefore by 5 minutes so a client whose clock is a little behind still accepts it. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

export function validityFor(days: number, now: Date, cap?: Date): Validity {
  const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  let notAfter = new Date(now.getTime() + days * DAY_MS);
  // A certificate cannot usefully outlive the CA that signed it.
  if (cap && notAfter > cap) notAfter = new Date(cap.getTime());
  return { notBefore, notAfter };
}

/**
 * A name attribute encoded as X.520 allows: PrintableString when every character is in its small set, else
 * UTF8String (RFC 5280 4.1.2.6), its bytes UTF-8. forge's default, PrintableString for anything, would write
 * non-ASCII or `_`/`@`/`*` into a type that cannot hold them, and TLS stacks then read a different name.
 */
export function nameField(name: string, value: string): Forge.pki.CertificateField {
  const printable = /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value);
  return printable ? { name, value } : { name, value, valueTagClass: forge.asn1.Type.UTF8 as never };
}

function subject(cn: string, org = 'commbase-admin'): Forge.pki.CertificateField[] {
  return [nameField('commonName', cn), nameField('organizationName', org)];
}

function altNames(sans: San[]): Array<{ type: number; value?: string; ip?: string }> {
  return sans.map((s) => (s.type === 'ip' ? { type: 7, ip: s.value } : { type: 2, value: s.value }));
}

export function buildCaCert(key: RsaKey, cn: string, validity: Validity): Forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.publicKey;
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = validity.notBefore;
  cert.validity.notAfter = validity.notAfter;
  cert.setSubject(subject(cn));
  cert.setIssuer(subject(cn));
  cert.setExtensions([
    // pathLen 0: this CA signs leaves only, never another CA.
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(nativeSigner(key), forge.md.sha256.create());
  return cert;
}

export interface LeafRequest {
  cn: string;
  sans: San[];
  client: boolean;
  validity: Validity;
}

export function buildLeafCert(key: RsaKey, req: LeafRequest, ca: Forge.pki.Certificate, caKey: RsaKey): Forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.publicKey;
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = req.validity.notBefore;
  cert.validity.notAfter = req.validity.notAfter;
  cert.setSubject(subject(req.cn));
  cert.setIssuer(issuerOf(ca));
  const extensions: unknown[] = [
    { name: 'basicConstraints', cA: false, critical: true },
    // RSA key exchange (keyEncipherment) is still negotiated by some TLS 1.2 clients.
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    req.client ? { name: 'extKeyUsage', clientAuth: true } : { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caKeyIdentifier(ca) },
  ];
  // A client certificate may have no names; a server certificate always has them (checked by the caller).
  if (req.sans.length > 0) extensions.push({ name: 'subjectAltName', altNames: altNames(req.sans) });
  cert.setExtensions(extensions as never);
  cert.sign(nativeSigner(caKey), forge.md.sha256.create());
  return cert;
}

/**
 * The CA's subject as the leaf's issuer, byte for byte: forge reads a UTF8String's value as raw UTF-8 bytes but
 * encodes a UTF8 value it is given, so the bytes are decoded first or the issuer would not match the CA.
 */
function issuerOf(ca: Forge.pki.Certificate): Forge.pki.CertificateField[] {
  return ca.subject.attributes.map((a) => ((a.valueTagClass as unknown) === forge.asn1.Type.UTF8 && typeof a.value === 'string' ? { ...a, value: forge.util.decodeUtf8(a.value) } : a));
}

/** The CA's own subject key identifier, so the leaf's authority key id matches whoever made the CA. */
function caKeyIdentifier(ca: Forge.pki.Certificate): string {
  const ext = ca.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | undefined;
  if (ext?.subjectKeyIdentifier) return forge.util.hexToBytes(ext.subjectKeyIdentifier);
  return ca.generateSubjectKeyIdentifier().getBytes();
}

export function buildCsr(key: RsaKey, cn: string, sans: San[]): Forge.pki.CertificateSigningRequest {
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = key.publicKey;
  csr.setSubject([nameField('commonName', cn)]);
  csr.setAttributes([
    { name: 'extensionRequest', extensions: [{ name: 'subjectAltName', altNames: altNames(sans) }] },
  ]);
  csr.sign(nativeSigner(key), forge.md.sha256.create());
  return csr;
}
