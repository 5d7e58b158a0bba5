// The Certificates screen: the wizard's steps (local CA, CSR, ACME, client certificate, import, tools) rendered.
import React, { useState } from 'react';
import { Box, Text } from 'ink';
import { Select, Spinner } from '@inkjs/ui';
import { TextField } from '../../ui/TextField.js';
import { ScreenFrame } from '../../ui/ScreenFrame.js';
import { ConfirmDialog } from '../../ui/Dialogs.js';
import { useKeymap } from '../../ui/useKeymap.js';
import type { Scope } from '../../ui/keymap.js';
import { theme } from '../../ui/theme.js';
import { useCertWizard } from './use-cert-wizard.js';
import { caFields, type Step, type Tool } from './state.js';
import { toolFields } from './tools.js';
import { StepForm } from '../../ui/StepForm.js';
import { LETS_ENCRYPT } from '../../certs/acme.js';
import { useReadOnly } from '../../ui/read-only.js';

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
    'certs.existing': () => { if (existing) conf.start(); },
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

type Wiz = Omit<ReturnType<typeof useCertWizard>, 'conf' | 'existing'>;

function StepBody({ state, dispatch, inputActive }: Wiz & { inputActive: boolean }) {
  const readOnly = useReadOnly();
  switch (state.step) {
    case 'mode':
      return (
        <Box flexDirection="column">
          <Text>What do you need?</Text>
          <Select
            isDisabled={!inputActive}
            options={[
              { label: 'A local CA and a server certificate signed by it', value: 'local' },
              { label: 'A key and a CSR to send to a public CA', value: 'public' },
              { label: 'A public certificate from Let\'s Encrypt or another ACME CA (http-01)', value: 'acme' },
              { label: 'A client certificate signed by the local CA', value: 'client' },
              { label: 'Import the certificate a public CA signed for the CSR', value: 'import' },
              { label: 'Inspect a certificate: a file, or a live server (host:port)', value: 'inspect' },
            ]}
            onChange={(v) => dispatch({ type: 'chooseMode', mode: (['public', 'acme', 'client', 'import', 'inspect'] as const).find((m) => m === v) ?? 'local' })}
          />
        </Box>
      );
    case 'form': {
      const fields = toolFields(state.mode as Tool, state.dir);
      const title = state.mode === 'client' ? 'A client certificate' : state.mode === 'import' ? 'Import a signed certificate' : 'Inspect a certificate';
      return <StepForm title={title} fields={fields} index={state.form.index} values={state.form.values} onSubmitField={(key, value) => dispatch({ type: 'toolField', key, value, count: fields.length })} isActive={inputActive} />;
    }
    case 'caOptions': {
      if (!state.plan) return <Spinner label="looking for a CA in the directory" />;
      const fields = caFields(state.plan);
      return <StepForm title={state.plan.caExists ? `The existing CA in ${state.plan.caDir}` : `A new CA in ${state.plan.caDir}`} fields={fields} index={state.form.index} values={state.form.values} onSubmitField={(key, value) => dispatch({ type: 'caField', key, value, count: fields.length })} isActive={inputActive} />;
    }
    case 'cn':
      return state.mode === 'acme'
        ? <Field label="Domain names" hint="DNS names that point at this host, separated by commas (no IP addresses: a public CA proves names)" value={state.cn} active={inputActive} onSubmit={(value) => dispatch({ type: 'submitCn', value })} />
        : <Field label="Server name (common name)" hint="the name clients will use, usually the host name" value={state.cn} active={inputActive} onSubmit={(value) => dispatch({ type: 'submitCn', value })} />;
    case 'email':
      return <Field label="Contact email" hint="the ACME account's address: the CA writes there before a certificate expires" value={state.email} active={inputActive} onSubmit={(value) => dispatch({ type: 'submitAcme', field: 'email', value })} />;
    case 'challenge':
      return <Field label="How to answer the http-01 challenge" hint="a port commbase-admin listens on (80 for a real CA; the CA connects to it), or the webroot nginx serves /.well-known/acme-challenge/ from" value={state.challenge} active={inputActive} onSubmit={(value) => dispatch({ type: 'submitAcme', field: 'challenge', value })} />;
    case 'directory':
      return <Field label="ACME directory" hint={`Let's Encrypt staging (test certificates) by default; production: ${LETS_ENCRYPT.production}`} value={state.directory} active={inputActive} onSubmit={(value) => dispatch({ type: 'submitAcme', field: 'directory', value })} />;
    case 'directoryCa':
      return <Field label="CA of the ACME server's own HTTPS (optional)" hint="empty for a public ACME server; the PEM file of a private one's CA (e.g. pebble)" value={state.directoryCa} active={inputActive} onSubmit={(value) => dispatch({ type: 'submitAcme', field: 'directoryCa', value })} />;
    case 'sans':
      return <Field label="Names and addresses (SANs)" hint="every DNS:name and IP:address clients use, separated by commas" value={state.sans} active={inputActive} onSubmit={(value) => dispatch({ type: 'submitSans', value })} />;
    case 'dir':
      return <Field label="Directory to write to" hint={state.mode === 'acme' ? 'the certificate, chain, key and ACME account key go in DIR/acme' : 'the CA goes in DIR/ca, the server\'s files in DIR/server'} value={state.dir} active={inputActive} onSubmit={(value) => dispatch({ type: 'submitDir', value })} />;
    case 'summary':
      return (
        <Box flexDirection="column">
          <Text bold>{state.mode === 'local' ? 'Local CA + server certificate' : state.mode === 'acme' ? 'Certificate from an ACME CA' : 'Key + CSR for a public CA'}</Text>
          {state.mode === 'acme' ? (
            <>
              <Text>  domains:   {state.cn}</Text>
              <Text>  email:     {state.email}</Text>
              <Text>  challenge: {/^\d+$/.test(state.challenge) ? `commbase-admin listens on port ${state.challenge}` : `files in ${state.challenge}/.well-known/acme-challenge/`}</Text>
              <Text>  directory: {state.directory}{state.directory === LETS_ENCRYPT.staging ? ' (staging: not trusted by browsers)' : ''}</Text>
            </>
          ) : (
            <>
              <Text>  name:  {state.cn}</Text>
              <Text>  SANs:  {state.sans}</Text>
            </>
          )}
          {state.plan ? (
            <>
              {state.mode === 'local' ? <Text>  CA:    {state.plan.caExists ? `existing, in ${state.plan.caDir}${state.plan.caEncrypted ? ' (key encrypted; passphrase given)' : ''}` : `new, in ${state.plan.caDir}, valid ${state.form.values['ca-days'] || '3650'} days, key ${state.form.values['ca-passphrase'] ? 'encrypted with your passphrase' : 'not encrypted'}`}</Text> : null}
              <Text>Will write:</Text>
              {state.plan.writes.map((w) => <Text key={w}>  {w}</Text>)}
              <Text color={theme.dim}>Existing files are kept as timestamped .bak copies.</Text>
              {readOnly ? null : <Text bold>Write these files? (Enter/y to write, n to change)</Text>}
            </>
          ) : <Spinner label="checking the directory" />}
        </Box>
      );
    case 'running':
      return (
        <Box flexDirection="column">
          {state.progress.map((p, i) => (
            i === state.progress.length - 1 ? <Spinner key={p} label={p} /> : <Text key={p} color={theme.ok}>✓ {p}</Text>
          ))}
          {state.progress.length === 0 ? <Spinner label="starting" /> : null}
        </Box>
      );
    case 'done':
      return (
        <Box flexDirection="column">
          {state.result?.files.length ? <Text color={theme.ok}>✓ Done. Files written:</Text> : <Text color={theme.ok}>✓ Done.</Text>}
          {state.result?.files.map((f) => <Text key={f.path}>  {f.path}  <Text color={theme.dim}>{f.what}</Text></Text>)}
          {state.result?.lines?.map((l, i) => <Text key={`l${i}`} {...(/: NO|EXPIRED|^warning/.test(l) ? { color: theme.warn } : {})}>  {l}</Text>)}
          {state.result?.nextSteps.length ? <Text>Next:</Text> : null}
          {state.result?.nextSteps.map((s) => <Text key={s}>  • {s}</Text>)}
        </Box>
      );
    case 'failed':
      return (
        <Box flexDirection="column">
          {state.failure?.map((l, i) => <Text key={i} color={i === 0 ? theme.error : undefined}>{l}</Text>)}
          <Text color={theme.dim}>Nothing was written after the failure. Press a to start again.</Text>
        </Box>
      );
  }
}

function Field(props: { label: string; hint: string; value: string; active: boolean; onSubmit: (v: string) => void }) {
  return (
    <Box flexDirection="column">
      <Text bold>{props.label}</Text>
      <Text color={theme.dim}>{props.hint}</Text>
      <TextField key={props.label} suggestion={props.value} isDisabled={!props.active} onSubmit={props.onSubmit} />
    </Box>
  );
}
