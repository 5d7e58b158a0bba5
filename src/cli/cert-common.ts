// What the `cert` verbs share: the certificate service, loaded when a command runs (node-forge is large and no other
// noun needs it), and a certificate's summary as the command line shows it.
import type { CertSummary } from '../certs/inspect.js';
import { certSummaryLines } from '../present/certs.js';
import { paint } from './output.js';

export const certs = () => import('../certs/service.js');

export function summaryLines(s: CertSummary): string[] {
  return certSummaryLines(s).map((l) => (l.startsWith('warning: ') ? paint.yellow(l) : l));
}
