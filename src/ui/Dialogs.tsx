// Modal pieces: a preview to confirm with y, a destructive change confirmed by typing the target's name,
// a host key to trust, and an identity file's passphrase. Each owns its keys only while shown (isActive).
import React, { useCallback, useState } from 'react';
import { Box, Text } from 'ink';
import { TextField } from './TextField.js';
import { useKeymap } from './useKeymap.js';
import { theme } from './theme.js';
import { useReadOnly } from './read-only.js';

export function ConfirmDialog(props: { title: string; lines: string[]; onYes: () => void; onNo: () => void; isActive: boolean; onRestrict?: () => void }) {
  const readOnly = useReadOnly();
  useKeymap(['confirm'], { 'confirm.apply': props.onYes, 'confirm.cancel': props.onNo }, { isActive: props.isActive });
  useKeymap(['confirm-restrict'], { 'confirm.restrict': () => props.onRestrict?.() }, { isActive: props.isActive && Boolean(props.onRestrict) });
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>{props.title}</Text>
      {props.lines.map((l, i) => <Text key={i}>{l}</Text>)}
      {props.onRestrict && !readOnly ? <Text bold>d: keep everyone else out too (adds a DROP for this port after the rule)</Text> : null}
      <Text bold>{readOnly ? 'Read-only console: nothing will be changed (Esc to go back).' : 'Apply? y to apply, n or Esc to cancel'}</Text>
    </Box>
  );
}

export function TypedConfirm(props: { title: string; lines: string[]; target: string; onConfirm: () => void; isActive: boolean }) {
  const readOnly = useReadOnly();
  const [wrong, setWrong] = useState(false);
  // The submit compares the value it is handed, not a state that may not have caught up with the last key yet.
  const onChange = useCallback(() => setWrong(false), []);
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold color={theme.warn}>{props.title}</Text>
      {props.lines.map((l, i) => <Text key={i}>{l}</Text>)}
      {readOnly ? <Text>Read-only console: nothing will be changed (Esc to go back).</Text> : (
        <>
          <Text>Type <Text bold>{props.target}</Text> and press Enter to confirm, Esc to cancel:</Text>
          <TextField isDisabled={!props.isActive} onChange={onChange} onSubmit={(value) => (value === props.target ? props.onConfirm() : setWrong(true))} />
          {wrong ? <Text color={theme.error}>That is not {props.target}; nothing was changed.</Text> : null}
        </>
      )}
    </Box>
  );
}

export function TrustDialog(props: { host: string; fingerprint: string; onAnswer: (ok: boolean) => void; isActive: boolean }) {
  useKeymap(['trust'], { 'trust.yes': () => props.onAnswer(true), 'trust.no': () => props.onAnswer(false) }, { isActive: props.isActive });
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold color={theme.warn}>{props.host} is not known yet</Text>
      <Text>Its host key fingerprint is</Text>
      <Text bold>  {props.fingerprint}</Text>
      <Text>Compare it with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` run on the host.</Text>
      <Text bold>Trust it and pin it? y / n</Text>
    </Box>
  );
}

export function PassphraseDialog(props: { identity: string; onAnswer: (passphrase: string | undefined) => void; isActive: boolean }) {
  useKeymap(['secret'], { 'secret.cancel': () => props.onAnswer(undefined) }, { isActive: props.isActive, typing: true });
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold color={theme.warn}>The identity file {props.identity} is encrypted</Text>
      <Text>Its passphrase (kept in memory for this console session only; Esc to cancel):</Text>
      <TextField mask="•" isDisabled={!props.isActive} onSubmit={(v) => props.onAnswer(v)} />
    </Box>
  );
}
