// The Proxy screen: nginx in front of the relay on a host, as a form with the site previewed, checked by nginx -t.
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
import { useProxy } from './use-proxy.js';

const BUSY = { previewing: 'reading the certificate and the current site (dry run)', applying: 'writing the site, nginx -t, reloading' } as const;

/** nginx in front of the relay: the same flow as `commbase-admin proxy nginx`, previewed, then applied. */
export function Proxy(props: { onExit: () => void; isActive?: boolean }) {
  const { state, dispatch, form, trust } = useProxy();
  const [helpOpen, setHelpOpen] = useState(false);
  const active = (props.isActive ?? true) && !helpOpen;
  const asking = trust.question;
  const scopes: Scope[] = asking ? [questionScope(asking)] : state.step === 'form' ? ['wizard.text'] : state.step === 'done' || state.step === 'failed' ? ['result'] : [];
  useKeymap(['global', ...scopes], {
    help: () => setHelpOpen((v) => !v),
    back: () => (helpOpen ? setHelpOpen(false) : (state.step === 'form' && state.index === 0) || state.step === 'done' ? props.onExit() : dispatch({ type: 'back' })),
    'text.back': () => (state.index === 0 ? props.onExit() : dispatch({ type: 'back' })),
    'result.again': () => dispatch({ type: 'restart' }),
  }, { isActive: (props.isActive ?? true) && !asking && state.step !== 'confirm', typing: state.step === 'form' });

  const preview = state.preview;
  const result = state.result;
  return (
    <ScreenFrame title="Proxy" scopes={state.step === 'confirm' ? ['confirm'] : scopes} helpOpen={helpOpen} typing={state.step === 'form' || asking?.kind === 'passphrase'}>
      <Text color={theme.dim}>nginx in front of the relay: TLS on 443, port 80 redirected (ACME's http-01 path left alone), websockets passed through.</Text>
      <ConnectQuestionDialog question={asking} isActive={active} />
      {state.step === 'form' ? <StepForm title="Set up nginx" fields={form} index={state.index} values={state.values} onSubmitField={(key, value) => dispatch({ type: 'field', key, value })} isActive={active && !asking} /> : null}
      {state.step in BUSY && !asking ? <Spinner label={BUSY[state.step as keyof typeof BUSY]} /> : null}
      {state.step === 'confirm' && preview ? (
        <ConfirmDialog title={`Put nginx in front of the relay on ${preview.where}?`} isActive={active}
          lines={[...preview.files.map((f) => `• ${f.action} ${f.path} (${f.mode})`), ...preview.warnings.map((w) => `warning: ${w}`), '', ...preview.text.split('\n').filter((l) => /listen|server_name|return 301|proxy_pass|ssl_certificate |root /.test(l)).map((l) => l.trim()),
            'nginx -t checks it before nginx reloads; on any failure the previous files come back.']}
          onYes={() => dispatch({ type: 'confirm' })} onNo={() => dispatch({ type: 'back' })} />
      ) : null}
      {result && state.step === 'done' ? (
        <Box flexDirection="column">
          <Text color={theme.ok}>✓ nginx {result.action} on {result.where}: https://{result.domain}/ reaches the relay.</Text>
          {result.backups.map((b) => <Text key={b} color={theme.dim}>  previous file kept as {b}</Text>)}
          {result.warnings.map((w) => <Text key={w} color={theme.warn}>warning: {w}</Text>)}
          <Text>Next: the router's 80 and 443 to this host (Forwards, or forward add --permanent --public), and cert renew with --on-renew.</Text>
        </Box>
      ) : null}
      {state.failure?.map((l, i) => <Text key={i} color={i === 0 ? theme.error : undefined}>{l}</Text>)}
    </ScreenFrame>
  );
}
