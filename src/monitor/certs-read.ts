// Reading for the monitoring service: a timer's deadline, and the certificates `cert acme` made on a host (from the
// console's settings), each read to tell its days left.
import { X509Certificate } from 'node:crypto';
import { classify } from '../core/errors.js';
import type { Runner } from '../runners/types.js';
import { SettingsStore } from '../services/settings.js';
import type { CertView, TimerView } from './views.js';

export function deadlineOf(t: TimerView): number {
  return t.deadline ? new Date(t.deadline).getTime() : Number.POSITIVE_INFINITY;
}

/** The certificates cert acme made on this host (from the settings), each read to tell its days left. */
export async function readManagedCerts(runner: Runner, host: string): Promise<CertView[]> {
  let managed: { host: string; dir: string; domains: string[] }[];
  try { managed = new SettingsStore().read().managedCerts.filter((c) => c.host === host); } catch { return []; }
  return Promise.all(managed.map(async (c): Promise<CertView> => {
    try {
      const pem = await runner.readFile(`${c.dir}/cert.pem`);
      const leaf = new X509Certificate(pem.slice(0, pem.indexOf('-----END CERTIFICATE-----') + 25));
      const notAfter = new Date(leaf.validTo);
      return { ...c, notAfter: notAfter.toISOString(), daysLeft: Math.floor((notAfter.getTime() - Date.now()) / 86_400_000) };
    } catch (err) {
      return { ...c, error: classify(err).message };
    }
  }));
}
