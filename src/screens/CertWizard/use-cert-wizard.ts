// The wizard's effects: plan on the summary step, run the services on confirm. The screen only renders.
import { useEffect, useEffectEvent, useMemo, useReducer, useState } from 'react';
import { setConf } from '../../conffile/service.js';
import { applyCertSettings, describeInstalls, proposeCertSettings } from '../../conffile/cert-settings.js';
import { configuredConfPath } from '../../conffile/recent.js';
import { openRunner, type HostEntry } from '../../services/hosts.js';
import { useTask } from '../use-task.js';
import { UserError, classify, formatErrorLines } from '../../core/errors.js';
import { latestServerCert, type KnownServerCert } from '../../certs/known.js';
import { makeCsr, planWizard, setupLocalPki } from '../../certs/service.js';
import { certAcme } from '../../certs/acme.js';
import { TOOLS, initialState, reducer, splitSans, type WizardResult, type WizardState } from './state.js';
import { runTool } from './tools.js';

export function useCertWizard(defaults: { cn: string; sans: string[]; dir: string }) {
  const [state, dispatch] = useReducer(reducer, defaults, initialState);

  useEffect(() => {
    if ((state.step !== 'summary' && state.step !== 'caOptions') || state.plan || (TOOLS as readonly string[]).includes(state.mode)) return;
    let live = true;
    planWizard(state.mode as 'local' | 'public' | 'acme', state.dir).then(
      (plan) => live && dispatch({ type: 'planned', plan }),
      (err) => live && dispatch({ type: 'failed', lines: formatErrorLines(classify(err)) }),
    );
    return () => { live = false; };
  }, [state.step, state.plan, state.mode, state.dir]);

  // Once per entry into 'running', with the state as it is then.
  const begin = useEffectEvent((live: () => boolean) => {
    const onStep = (step: string) => live() && dispatch({ type: 'progress', step });
    run(state, onStep).then(
      (result) => live() && dispatch({ type: 'succeeded', result }),
      (err) => live() && dispatch({ type: 'failed', lines: formatErrorLines(classify(err)) }),
    );
  });
  useEffect(() => {
    if (state.step !== 'running') return;
    let live = true;
    begin(() => live);
    return () => { live = false; };
  }, [state.step]);

  // The server certificate already made (by `cert setup` or an earlier run): offered on the first menu.
  const [existing, setExisting] = useState<KnownServerCert | undefined>();
  useEffect(() => { let live = true; void latestServerCert([defaults.dir]).then((k) => { if (live) setExisting(k); }, () => undefined); return () => { live = false; }; }, [defaults.dir]);
  const files = state.result?.server ?? (state.step === 'mode' && existing?.ca ? { cert: existing.cert, key: existing.key, ca: existing.ca, sans: [...existing.names.map((n) => `DNS:${n}`), ...existing.ips.map((ip) => `IP:${ip}`)] } : undefined);
  return { state, dispatch, conf: useConfOffer(files), existing: state.step === 'mode' && existing?.ca ? existing : undefined };
}

/** After a server certificate: offer to set commbase.conf's CERTS_AND_KEYS_* (and host) through the config editor. */
function useConfOffer(server: { cert: string; key: string; ca: string; sans: string[] } | undefined) {
  const [confirming, setConfirming] = useState(false);
  const [diff, setDiff] = useState<string[] | undefined>();
  const task = useTask<string[]>();
  const certPath = server?.cert;
  const confPath = useMemo(() => (certPath ? configuredConfPath() : undefined), [certPath]);
  const proposal = server && confPath ? proposeCertSettings({ confPath, ...server }) : undefined;
  const deps = { connect: (h: HostEntry) => openRunner(h.name) };
  const ready = proposal && 'pairs' in proposal ? proposal : undefined;
  const pairs = ready?.pairs;
  return {
    confPath, proposal, task, confirming, diff,
    start: () => {
      if (!server) return;
      if (!pairs || !confPath) {
        // The key is offered, so it says why it cannot do it instead of doing nothing.
        task.start('', async () => { throw new UserError(confPath ? `failed to point ${confPath} at these files: ${proposal && 'reason' in proposal ? proposal.reason : 'no proposal'}` : 'failed to point commbase.conf at these files: COMMBASE_APP_DIR is not set and none was opened in Configuration', ['set COMMBASE_APP_DIR to Commbase\'s directory, or open its commbase.conf in Configuration (5, then f)']); });
        return;
      }
      task.start('working out the diff', async () => {
        const r = await setConf({ file: confPath, pairs, dryRun: true }, deps);
        setDiff([...describeInstalls(ready!), ...r.diff]);
        setConfirming(true);
        return [];
      });
    },
    apply: () => {
      if (!pairs || !confPath) return;
      setConfirming(false);
      task.start('saving commbase.conf', async () => {
        const r = await applyCertSettings(confPath, ready!, deps);
        return [
          ...(r.installed.length ? [`installed ${r.installed.join(', ')}`] : []),
          `commbase.conf updated (${r.changes.length} line(s)); previous version in ${r.backup ?? 'unchanged'}`,
        ];
      });
    },
    cancel: () => setConfirming(false),
  };
}

async function run(state: WizardState, onStep: (s: string) => void): Promise<WizardResult> {
  if (state.mode === 'client' || state.mode === 'import' || state.mode === 'inspect') return runTool(state.mode, state.form.values, onStep);
  const plan = state.plan!;
  const san = splitSans(state.sans);
  if (state.mode === 'acme') {
    const port = /^\d+$/.test(state.challenge);
    const r = await certAcme({
      host: 'local', domain: splitSans(state.cn), email: state.email, directory: state.directory,
      ...(state.directoryCa ? { 'directory-ca': state.directoryCa } : {}),
      ...(port ? { 'http-port': state.challenge } : { webroot: state.challenge }), 'out-dir': plan.outDir,
    }, { connect: (h: HostEntry) => openRunner(h.name) }, onStep);
    return {
      files: [
        { path: r.cert, what: 'certificate + chain (CERTS_AND_KEYS_CERT_PEM_FILE; nginx ssl_certificate)' },
        { path: r.key, what: 'key, 0600 (CERTS_AND_KEYS_KEY_PEM_FILE)' },
        { path: r.chain, what: 'the chain alone' },
        { path: r.account, what: `ACME account key, 0600 (${r.accountCreated ? 'new' : 'reused'})` },
      ],
      nextSteps: [
        `renewal: commbase-admin cert renew --dir ${r.dir} --install-timer --on-renew systemctl reload nginx`,
        'nginx in front of the relay: the Proxy screen, or commbase-admin proxy nginx',
      ],
    };
  }
  if (state.mode === 'public') {
    const r = await makeCsr({ 'out-dir': plan.outDir, cn: state.cn, san }, onStep);
    return {
      files: [{ path: r.csr, what: 'certificate signing request: send it to the CA' }, { path: r.key, what: 'private key (0600): keep it on the server' }],
      nextSteps: [...r.warnings.map((w) => `warning: ${w}`), `when the CA answers: Certificates → "Import a signed certificate", or commbase-admin cert import --key ${r.key} --cert SIGNED.pem`],
    };
  }
  const ca = state.form.values;
  const { server: r } = await setupLocalPki({ dir: state.dir, cn: state.cn, san, ...(ca['ca-days'] && !plan.caExists ? { 'ca-days': ca['ca-days'] } : {}), ...(ca['ca-passphrase'] ? { 'ca-passphrase': ca['ca-passphrase'] } : {}) }, onStep);
  return {
    files: [
      { path: r.cert, what: 'server certificate (CERTS_AND_KEYS_CERT_PEM_FILE)' },
      { path: r.key, what: 'server key, 0600 (CERTS_AND_KEYS_KEY_PEM_FILE)' },
      { path: r.ca, what: 'CA certificate: copy it to every client (CERTS_AND_KEYS_CA_PEM_FILE)' },
    ],
    nextSteps: [
      `clients trust ${r.ca}: install it in each client host's trust store (update-ca-certificates) for the polling client`,
      `the CA key stays in ${plan.caDir}; never copy it to the server`,
    ],
    server: { cert: r.cert, key: r.key, ca: r.ca, sans: r.sans },
  };
}
