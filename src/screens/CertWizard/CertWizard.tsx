// The Certificates screen: the wizard's steps (local CA, CSR, ACME, client certificate, import, tools) rendered.
import React, { useState } from 'react';
import { Text } from 'ink';
import { ScreenFrame } from '../../ui/ScreenFrame.js';
import { ConfirmDialog } from '../../ui/Dialogs.js';
import { useKeymap } from '../../ui/useKeymap.js';
import type { Scope } from '../../ui/keymap.js';
import { theme } from '../../ui/theme.js';
import { useCertWizard } from './use-cert-wizard.js';
import type { Step } from './state.js';
import { StepBody } from './StepBody.js';
import { useReadOnly } from '../../ui/read-only.js';
import { disabled } from '../../ui/key-state.js';

const SCOPE_OF: Record<Step, Scope> = {
  mode: 'wizard.select', form: 'wizard.text', caOptions: 'wizard.text', cn: 'wizard.text', sans: 'wizard.text', dir: 'wizard.text',
  email: 'wizard.text', challenge: 'wizard.text', directory: 'wizard.text', directoryCa: 'wizard.text',
  summary: 'wizard.confirm', running: 'wizard', done: 'result', failed: 'result',
};

export function CertWizard(props: { defaults: { cn: string; sans: string[]; dir: string }; onExit: () => void; isActive?: boolean }) {
  const { state, dispatch, conf, existing } = useCertWizard(props.defaults);
  const readOnly = useReadOnly();
  const [helpOpen, setHelpOpen] = useState(false);
  const scope: Scope = conf.confirming ? 'confirm' : SCOPE_OF[state.step];
  const typing = scope === 'wizard.text';
  const active = props.isActive ?? true;
  useKeymap(['global', scope], {
    help: () => setHelpOpen((v) => !v),
    back: () => {
      if (helpOpen) return setHelpOpen(false);
      if (state.step === 'running') return; // keys are being made; the files are written atomically at the end
      if (conf.confirming) return conf.cancel();
      if (state.step === 'mode' || state.step === 'done' || state.step === 'failed') return props.onExit();
      dispatch({ type: 'back' });
    },
    'text.back': () => dispatch({ type: 'back' }),
    'confirm.yes': () => dispatch({ type: 'confirm' }),
    'confirm.no': () => dispatch({ type: 'back' }),
    'result.again': () => dispatch({ type: 'restart' }),
    'result.config': conf.start,
    'certs.existing': existing ? conf.start : disabled('no server certificate made yet in the certificate directory'),
  }, { isActive: active, typing });

  const inputActive = active && !helpOpen;
  return (
    <ScreenFrame title="Certificates" scopes={[scope]} helpOpen={helpOpen} typing={typing}>
      {readOnly ? <Text color={theme.warn}>Read-only console: the wizard shows its plan but writes nothing.</Text> : null}
      <StepBody state={state} dispatch={dispatch} inputActive={inputActive} />
      {state.error ? <Text color={theme.error}>✗ {state.error}</Text> : null}
      {existing && !conf.confirming ? <Text color={theme.dim}>c: point {conf.confPath ?? 'commbase.conf'} at the server certificate already made ({existing.cert})</Text> : null}
      {state.step === 'done' && state.result?.server && !conf.confPath ? <Text color={theme.dim}>c: not available: no commbase.conf known (set COMMBASE_APP_DIR, or open one in Configuration)</Text> : null}
      {state.step === 'done' && conf.confPath && conf.proposal ? (
        'pairs' in conf.proposal
          ? <Text>Press c to point {conf.confPath} at these files ({conf.proposal.pairs.map(([k]) => k).join(', ')}).</Text>
          : <Text color={theme.dim}>commbase.conf ({conf.confPath}) not offered: {conf.proposal.reason}</Text>
      ) : null}
      {conf.confirming && conf.diff ? <ConfirmDialog title="Update commbase.conf?" lines={[...conf.diff, 'The previous version is kept as .bak.']} onYes={conf.apply} onNo={conf.cancel} isActive={inputActive} /> : null}
      {conf.task.busy ? <Text color={theme.dim}>{conf.task.busy}…</Text> : null}
      {conf.task.error?.map((l, i) => <Text key={i} color={i === 0 ? theme.error : undefined}>{l}</Text>)}
      {conf.task.result?.map((l, i) => <Text key={i} color={theme.ok}>{l}</Text>)}
    </ScreenFrame>
  );
}
