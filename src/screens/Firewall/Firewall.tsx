// The Firewall screen: a host's rules, and opening, closing and ufw on/off, each previewed with who can reach the port.
import React from 'react';
import { Box, Text } from 'ink';
import { ScreenFrame } from '../../ui/ScreenFrame.js';
import { TaskStatus } from '../../ui/TaskStatus.js';
import { Table } from '../../ui/Table.js';
import { ConfirmDialog, TypedConfirm } from '../../ui/Dialogs.js';
import { StepForm } from '../../ui/StepForm.js';
import { ConnectQuestionDialog } from '../ConnectQuestion.js';
import { useListKeys } from '../use-list-keys.js';
import { disabled } from '../../ui/key-state.js';
import { theme } from '../../ui/theme.js';
import { useFirewall } from './use-firewall.js';
import { changeLines, firewallStatus, ruleCells } from '../../present/firewall.js';

export function Firewall(props: { onExit: () => void; isActive?: boolean; openWith?: { port: number; from?: string } }) {
  const f = useFirewall(props.openWith ? { openWith: props.openWith } : {});
  const keys = useListKeys({
    modal: f.state.modal, question: f.trust.question, screenScope: 'firewall', onExit: props.onExit, cancel: f.cancel, back: f.back, move: f.move,
    handlers: {
      'fw.open': f.startOpen,
      'fw.close': f.closeOff ? disabled(f.closeOff) : f.startClose,
      'fw.refresh': f.refresh,
      'fw.host': f.nextHost,
      'fw.ufw': f.ufwOff ? disabled(f.ufwOff) : f.toggleUfw,
      'fw.persist': f.persist,
    },
    ...(props.isActive !== undefined ? { isActive: props.isActive } : {}),   });
  const { helpOpen, scopes, typing, active } = keys;
  const modal = keys.kind;

  const s = f.state.rules;
  const status = s ? firewallStatus(s) : '';
  return (
    <ScreenFrame title="Firewall" scopes={scopes} helpOpen={helpOpen} typing={typing || f.trust.question?.kind === 'passphrase'} status={<Text color={theme.dim}>host {f.host.name} ({f.hostIndexLabel})</Text>}>
      <Text>{f.host.name}: {status}</Text>
      <Table
        columns={[{ title: ' ', width: 1 }, { title: 'ACTION', width: 7 }, { title: 'PORT', width: 6 }, { title: 'PROTO', width: 5 }, { title: 'FROM', width: 20 }, { title: 'IP', width: 3 }, { title: 'COMMENT', width: 22 }]}
        rows={f.rules.map((r, i) => ({ key: `${i}${r.raw}`, cells: ruleCells(r), ...(r.ours ? {} : { tone: 'dim' as const }) }))}
        cursor={f.state.cursor}
        maxRows={8}
        empty="no rules"
      />
      <Text color={theme.dim}>* made by commbase-admin (only those can be closed here)</Text>
      {s?.warnings.map((w) => <Text key={w} color={theme.warn}>warning: {w}</Text>)}
      <Box marginTop={1} flexDirection="column">
        <ConnectQuestionDialog question={f.trust.question} isActive={active} />
        {f.form ? <StepForm title={`Open a port on ${f.host.name}`} fields={f.fields} index={f.form.index} values={f.form.values} onSubmitField={f.submitField} isActive={active} /> : null}
        {modal === 'confirm' && f.pending?.kind === 'open' ? <ConfirmDialog title="Open this port?" lines={changeLines(f.pending.preview, 'preview')} onYes={f.pending.preview.commands.length ? f.apply : f.cancel} onNo={f.cancel} isActive={active} {...(f.canRestrict ? { onRestrict: f.restrict } : {})} /> : null}
        {modal === 'typed' && f.pending?.kind === 'close' ? <TypedConfirm title="Close this port?" lines={changeLines(f.pending.preview, 'preview')} target={String(f.pending.request.port)} onConfirm={f.apply} isActive={active} /> : null}
        {modal === 'confirm' && (f.pending?.kind === 'enable' || f.pending?.kind === 'persist') ? <ConfirmDialog title={f.pending.kind === 'enable' ? `Enable ufw on ${f.host.name}?` : `Save the iptables rules of ${f.host.name} for reboots?`} lines={f.pending.preview.lines} onYes={f.apply} onNo={f.cancel} isActive={active} /> : null}
        {modal === 'typed' && f.pending?.kind === 'disable' ? <TypedConfirm title={`Disable ufw on ${f.host.name}?`} lines={f.pending.preview.lines} target={f.host.name} onConfirm={f.apply} isActive={active} /> : null}
        <TaskStatus task={f.task} />
      </Box>
    </ScreenFrame>
  );
}
