// A certificate's summary as lines, for `cert inspect` and the Certificates screen alike. Pure.
import type { CertSummary } from '../certs/inspect.js';
import type { LiveSummary } from '../certs/inspect-live.js';

export function certSummaryLines(s: CertSummary): string[] {
  const lines = [
    `subject:      ${s.subject}`,
    `issuer:       ${s.issuer}`,
    `SANs:         ${s.sans.length ? s.sans.join(', ') : '(none)'}`,
    `valid:        ${s.notBefore} → ${s.notAfter} (${s.expired ? 'EXPIRED' : `${s.daysLeft} days left`})`,
    `fingerprint:  SHA256 ${s.fingerprintSha256}`,
    `key:          ${s.keyType}${s.keyBits ? ` ${s.keyBits} bits` : ''}${s.isCa ? ' (CA)' : ''}`,
  ];
  if (s.chainsToCa !== undefined) lines.push(`chains to CA: ${s.chainsToCa ? 'yes' : 'NO'}`);
  if (s.validForHost) lines.push(`valid for ${s.validForHost.host}: ${s.validForHost.ok ? 'yes' : 'NO'}`);
  for (const w of s.warnings) lines.push(`warning: ${w}`);
  return lines;
}

/** A live server's certificate: the summary, the chain it sent, and whether a client would trust it. */
export function liveSummaryLines(s: LiveSummary): string[] {
  return [
    `server:       ${s.target}`,
    ...certSummaryLines(s),
    `chain sent:   ${s.chain.join('  ←  ')}`,
    `trusted:      ${s.trusted ? 'yes (by the system store or the CA given)' : `NO: ${s.trustError}`}`,
  ];
}
