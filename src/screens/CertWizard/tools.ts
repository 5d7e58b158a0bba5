// The certificate tools of the Certificates screen: each a form (the same checks as its command) and one call.
// client → cert issue --client; import → cert import (what a public CA signed for the CSR); inspect → cert inspect
// FILE, or a live server's certificate (HOST:PORT).
import path from 'node:path';
import { inspectLive, parseTarget } from '../../certs/inspect-live.js';
import { commonName } from '../../certs/schemas.js';
import { importCert, inspectFile, issueCert } from '../../certs/service.js';
import { fieldCheck } from '../../present/fields.js';
import { certSummaryLines, liveSummaryLines } from '../../present/certs.js';
import type { FormField } from '../../ui/StepForm.js';
import type { Tool, WizardResult } from './state.js';

const absolute = (what: string, optional = false) => (v: string) => (optional && v === '') || v.startsWith('/') ? undefined : `${what} ${JSON.stringify(v)}: must be an absolute path${optional ? ', or empty' : ''}`;
const looksLikeFile = (v: string) => v.startsWith('/') || v.startsWith('.');

export function toolFields(tool: Tool, dir: string): FormField[] {
  switch (tool) {
    case 'client': return [
      { key: 'ca-dir', label: 'The CA to sign with (its directory)', initial: path.join(dir, 'ca'), validate: absolute('CA directory') },
      { key: 'cn', label: 'The client\'s name (common name)', hint: 'e.g. kiosk-3: the name the relay\'s logs and the client itself show', validate: fieldCheck(commonName, 'cn') },
      { key: 'out-dir', label: 'Directory for the client\'s cert.pem, key.pem and ca.pem', initial: path.join(dir, 'clients'), validate: absolute('directory') },
    ];
    case 'import': return [
      { key: 'key', label: 'The key the CSR was made with', initial: path.join(dir, 'server', 'key.pem'), validate: absolute('key') },
      { key: 'cert', label: 'The certificate the CA signed (may include its chain)', validate: absolute('certificate') },
      { key: 'chain', label: 'Intermediate certificates, if the CA sent them apart (empty: none)', initial: '', validate: absolute('chain', true) },
    ];
    case 'inspect': return [
      { key: 'target', label: 'A certificate file, or a live server as HOST:PORT', hint: 'e.g. /etc/commbase/cert.pem or relay.example.org:443', validate: (v) => { if (looksLikeFile(v)) return undefined; try { parseTarget(v); return undefined; } catch (err) { return (err as Error).message; } } },
      { key: 'ca', label: 'Check that it chains to this CA (empty: the system\'s trust)', initial: '', validate: absolute('CA file', true) },
      { key: 'host', label: 'Check that it is valid for this name (empty: the server\'s own name)', initial: '' },
    ];
  }
}

export async function runTool(tool: Tool, v: Record<string, string>, onStep: (s: string) => void): Promise<WizardResult> {
  switch (tool) {
    case 'client': {
      const outDir = path.join(v['out-dir']!, v.cn!);
      const r = await issueCert({ 'ca-dir': v['ca-dir']!, 'out-dir': outDir, cn: v.cn!, client: true }, onStep);
      return {
        files: [{ path: r.cert, what: 'client certificate (clientAuth)' }, { path: r.key, what: 'its key, 0600' }, { path: r.ca, what: 'the CA certificate' }],
        nextSteps: [`copy ${outDir} to the client; it presents cert.pem and key.pem, and trusts ca.pem`],
      };
    }
    case 'import': {
      onStep('checking that the certificate matches the key and chains');
      const r = await importCert({ key: v.key!, cert: v.cert!, ...(v.chain ? { chain: v.chain } : {}) });
      return {
        files: [{ path: r.cert, what: `certificate with its chain (${r.chainLength} intermediate(s))` }],
        lines: certSummaryLines(r.summary),
        nextSteps: ['point commbase.conf or nginx at it (Configuration, Proxy)'],
      };
    }
    case 'inspect': {
      onStep(looksLikeFile(v.target!) ? `reading ${v.target}` : `connecting to ${v.target}`);
      const lines = looksLikeFile(v.target!)
        ? certSummaryLines(await inspectFile({ file: v.target!, ...(v.ca ? { ca: v.ca } : {}), ...(v.host ? { host: v.host } : {}) }))
        : liveSummaryLines(await inspectLive({ target: v.target!, ...(v.ca ? { ca: v.ca } : {}) }));
      return { files: [], lines, nextSteps: [] };
    }
  }
}
