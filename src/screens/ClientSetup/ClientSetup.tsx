// The Client host screen: the form, the previewed change, the apply's progress, the probe and what to run there.
import React, { useState } from 'react';
import { Box, Text } from 'ink';
import { Spinner } from '@inkjs/ui';
import { ScreenFrame } from '../../ui/ScreenFrame.js';
import { ConfirmDialog } from '../../ui/Dialogs.js';
import { StepForm } from '../../ui/StepForm.js';
import { useKeymap } from '../../ui/useKeymap.js';
import type { Scope } from '../../ui/keymap.js';
import { theme } from '../../ui/theme.js';
import { ConnectQuestionDialog, questionScope } from '../ConnectQuestion.js';
import { useClientSetup } from './use-client-setup.js';

const BUSY = { previewing: 'working out every change (dry run)', applying: 'issuing the token and writing the files', probing: 'probing the host as Commbase\'s clients would' } as const;

/**
 * The preview: every step (each names its file), then the lines that change (the headers are in the steps), at
 * most a screenful so the question stays in view; the rest is one `client setup --dry-run` away.
 */
function confirmLines(preview: { steps: string[]; diffs: string[][] }): string[] {
  const changed = preview.diffs.flat().filter((l) => /^[-+]/.test(l) && !/^(---|\+\+\+)/.test(l));
  const shown = changed.slice(0, 12);
  return [...preview.steps.map((s) => `• ${s}`), '', ...shown,
    ...(changed.length > shown.length ? [`… ${changed.length - shown.length} more changed line(s): commbase-admin client setup --dry-run shows them all`] : []), 'Every file replaced is kept as FILE.bak.'];
}

/** Prepare a Commbase client host: the same flow as `commbase-admin client setup`, previewed, then probed. */
export function ClientSetup(props: { onExit: () => void; isActive?: boolean; suggestHost?: string }) {
  const { state, dispatch, form, trust } = useClientSetup(props.suggestHost ? { suggestHost: props.suggestHost } : {});
  const [helpOpen, setHelpOpen] = useState(false);
  const active = (props.isActive ?? true) && !helpOpen;
  const asking = trust.question;
  const scopes: Scope[] = asking ? [questionScope(asking)] : state.step === 'form' ? ['wizard.text'] : state.step === 'done' || state.step === 'failed' ? ['clientsetup'] : [];
  useKeymap(['global', ...scopes], {
    help: () => setHelpOpen((v) => !v),
    back: () => (helpOpen ? setHelpOpen(false) : state.step === 'form' && state.index === 0 ? props.onExit() : state.step === 'done' ? props.onExit() : dispatch({ type: 'back' })),
    'text.back': () => (state.index === 0 ? props.onExit() : dispatch({ type: 'back' })),
    'cs.probe': () => dispatch({ type: 'probe' }),
    'cs.again': () => dispatch({ type: 'restart' }),
  }, { isActive: (props.isActive ?? true) && !asking && state.step !== 'confirm', typing: state.step === 'form' });

  const preview = state.preview;
  return (
    <ScreenFrame title="Client host" scopes={state.step === 'confirm' ? ['confirm'] : scopes} helpOpen={helpOpen} typing={state.step === 'form' || asking?.kind === 'passphrase'}>
      <Text color={theme.dim}>Point a Commbase client host at the relay: a token, the CA, its listener, updater and uploader, commbase.conf.</Text>
      <ConnectQuestionDialog question={asking} isActive={active} />
      {state.step === 'form' ? <StepForm title="Set up a client host" fields={form} index={state.index} values={state.values} onSubmitField={(key, value) => dispatch({ type: 'field', key, value })} isActive={active && !asking} /> : null}
      {state.step in BUSY && !asking ? <Spinner label={BUSY[state.step as keyof typeof BUSY]} /> : null}
      {state.step === 'applying' || state.step === 'done' ? (state.progress ?? []).map((l, i) => <Text key={`p${i}`} color={theme.dim}>  {l}</Text>) : null}
      {state.step === 'confirm' && preview ? (
        <ConfirmDialog title={`Set up ${preview.host} as a client of ${state.values['relay-url']}?`} isActive={active}
          lines={confirmLines(preview)}
          onYes={() => dispatch({ type: 'confirm' })} onNo={() => dispatch({ type: 'back' })} />
      ) : null}
      {state.result && (state.step === 'done' || state.step === 'probing') ? (
        <Box flexDirection="column">
          <Text color={theme.ok}>✓ {state.result.host} is set up as client {state.result.client?.id}; {state.result.backups.length} previous version(s) kept as .bak.</Text>
          {state.probe ? state.probe.steps.map((s, i) => (
            <Text key={i} color={s.ok ? theme.ok : s.skipped ? undefined : s.needed ? theme.error : theme.warn} dimColor={s.skipped}>{s.ok ? '✓' : s.skipped ? '-' : s.needed ? '✗' : '!'} {s.step}{s.skipped ? ` (skipped: ${s.detail.replace(/^not checked: /, '')})` : !s.ok && s.fix ? ` — fix: ${s.fix}` : ''}</Text>
          )) : <Text>Press p to probe the host as Commbase's clients would (GET, Socket.IO polling and websocket, upload).</Text>}
          {state.probe ? <Text bold color={state.probe.ok ? theme.ok : theme.error}>{state.probe.ok ? `Commbase's clients can use the relay from ${state.result.host}.` : 'A step Commbase\'s clients need failed.'}</Text> : null}
          <Text bold>Run Commbase's client on {state.result.host} (paste there):</Text>
          {state.result.run.map((l, i) => <Text key={`run${i}`}>  {l}</Text>)}
        </Box>
      ) : null}
      {state.failure?.map((l, i) => <Text key={i} color={i === 0 ? theme.error : undefined}>{l}</Text>)}
    </ScreenFrame>
  );
}
