// The Certificates wizard's current step: the mode menu, the forms, one field per step, the summary, progress, result.
import React from 'react';
import { Box, Text } from 'ink';
import { Select, Spinner } from '@inkjs/ui';
import { TextField } from '../../ui/TextField.js';
import { StepForm } from '../../ui/StepForm.js';
import { theme } from '../../ui/theme.js';
import { useReadOnly } from '../../ui/read-only.js';
import { LETS_ENCRYPT } from '../../certs/acme.js';
import type { useCertWizard } from './use-cert-wizard.js';
import { caFields, type Tool, type WizardState } from './state.js';
import { toolFields } from './tools.js';

type Wiz = Omit<ReturnType<typeof useCertWizard>, 'conf' | 'existing'>;
type Props = Wiz & { inputActive: boolean };

const MODES = [
  { label: 'A local CA and a server certificate signed by it', value: 'local' },
  { label: 'A key and a CSR to send to a public CA', value: 'public' },
  { label: 'A public certificate from Let\'s Encrypt or another ACME CA (http-01)', value: 'acme' },
  { label: 'A client certificate signed by the local CA', value: 'client' },
  { label: 'Import the certificate a public CA signed for the CSR', value: 'import' },
  { label: 'Inspect a certificate: a file, or a live server (host:port)', value: 'inspect' },
];

/** The steps that ask one value: label, hint and what the answer is. */
function oneField({ state, dispatch }: Props): { label: string; hint: string; value: string; submit: (v: string) => void } | undefined {
  switch (state.step) {
    case 'cn': return state.mode === 'acme'
      ? { label: 'Domain names', hint: 'DNS names that point at this host, separated by commas (no IP addresses: a public CA proves names)', value: state.cn, submit: (value) => dispatch({ type: 'submitCn', value }) }
      : { label: 'Server name (common name)', hint: 'the name clients will use, usually the host name', value: state.cn, submit: (value) => dispatch({ type: 'submitCn', value }) };
    case 'email': return { label: 'Contact email', hint: 'the ACME account\'s address: the CA writes there before a certificate expires', value: state.email, submit: (value) => dispatch({ type: 'submitAcme', field: 'email', value }) };
    case 'challenge': return { label: 'How to answer the http-01 challenge', hint: 'a port commbase-admin listens on (80 for a real CA; the CA connects to it), or the webroot nginx serves /.well-known/acme-challenge/ from', value: state.challenge, submit: (value) => dispatch({ type: 'submitAcme', field: 'challenge', value }) };
    case 'directory': return { label: 'ACME directory', hint: `Let's Encrypt staging (test certificates) by default; production: ${LETS_ENCRYPT.production}`, value: state.directory, submit: (value) => dispatch({ type: 'submitAcme', field: 'directory', value }) };
    case 'directoryCa': return { label: 'CA of the ACME server\'s own HTTPS (optional)', hint: 'empty for a public ACME server; the PEM file of a private one\'s CA (e.g. pebble)', value: state.directoryCa, submit: (value) => dispatch({ type: 'submitAcme', field: 'directoryCa', value }) };
    case 'sans': return { label: 'Names and addresses (SANs)', hint: 'every DNS:name and IP:address clients use, separated by commas', value: state.sans, submit: (value) => dispatch({ type: 'submitSans', value }) };
    case 'dir': return { label: 'Directory to write to', hint: state.mode === 'acme' ? 'the certificate, chain, key and ACME account key go in DIR/acme' : 'the CA goes in DIR/ca, the server\'s files in DIR/server', value: state.dir, submit: (value) => dispatch({ type: 'submitDir', value }) };
    default: return undefined;
  }
}

export function StepBody(props: Props) {
  const { state, dispatch, inputActive } = props;
  const field = oneField(props);
  if (field) return <Field label={field.label} hint={field.hint} value={field.value} active={inputActive} onSubmit={field.submit} />;
  switch (state.step) {
    case 'mode':
      return (
        <Box flexDirection="column">
          <Text>What do you need?</Text>
          <Select isDisabled={!inputActive} options={MODES}
            onChange={(v) => dispatch({ type: 'chooseMode', mode: (['public', 'acme', 'client', 'import', 'inspect'] as const).find((m) => m === v) ?? 'local' })} />
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
    case 'summary': return <Summary state={state} />;
    case 'running':
      return (
        <Box flexDirection="column">
          {state.progress.map((p, i) => (
            i === state.progress.length - 1 ? <Spinner key={p} label={p} /> : <Text key={p} color={theme.ok}>✓ {p}</Text>
          ))}
          {state.progress.length === 0 ? <Spinner label="starting" /> : null}
        </Box>
      );
    case 'done': return <Done state={state} />;
    case 'failed':
      return (
        <Box flexDirection="column">
          {state.failure?.map((l, i) => <Text key={i} color={i === 0 ? theme.error : undefined}>{l}</Text>)}
          <Text color={theme.dim}>Nothing was written after the failure. Press a to start again.</Text>
        </Box>
      );
    default: return null;
  }
}

/** What will be made and written, before anything is. */
function Summary({ state }: { state: WizardState }) {
  const readOnly = useReadOnly();
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
}

/** The files written, what the tools found, and what to do next. */
function Done({ state }: { state: WizardState }) {
  return (
    <Box flexDirection="column">
      {state.result?.files.length ? <Text color={theme.ok}>✓ Done. Files written:</Text> : <Text color={theme.ok}>✓ Done.</Text>}
      {state.result?.files.map((f) => <Text key={f.path}>  {f.path}  <Text color={theme.dim}>{f.what}</Text></Text>)}
      {state.result?.lines?.map((l, i) => <Text key={`l${i}`} {...(/: NO|EXPIRED|^warning/.test(l) ? { color: theme.warn } : {})}>  {l}</Text>)}
      {state.result?.nextSteps.length ? <Text>Next:</Text> : null}
      {state.result?.nextSteps.map((s) => <Text key={s}>  • {s}</Text>)}
    </Box>
  );
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
