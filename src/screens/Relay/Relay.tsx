// The Relay & clients screen: the local relay's status and its clients, with start, stop, issue, approve and more.
import React from 'react';
import { Box, Text } from 'ink';
import { ScreenFrame } from '../../ui/ScreenFrame.js';
import { TaskStatus } from '../../ui/TaskStatus.js';
import { Table } from '../../ui/Table.js';
import { ConfirmDialog, TypedConfirm } from '../../ui/Dialogs.js';
import { StepForm } from '../../ui/StepForm.js';
import { theme } from '../../ui/theme.js';
import { relayLines } from '../../present/monitor.js';
import { useListKeys } from '../use-list-keys.js';
import { useRelay } from './use-relay.js';
import type { Pending } from './state.js';

function describe(p: Pending, port: number | undefined): { title: string; lines: string[]; target?: string } {
  switch (p.kind) {
    case 'start': return { title: 'Start the relay on this machine?', lines: [`listen on ${p.values.bind}:${p.values.port}${p.values['tls-cert'] ? ' with TLS' : ' (plain HTTP)'}`, ...(p.values['trusted-proxy'] ? [`trust X-Forwarded-For from ${p.values['trusted-proxy']}`] : []), ...(p.values['open-loopback'] === 'y' ? ['no token needed from this machine itself (127.0.0.1/32): its Commbase scripts work unedited'] : []), 'It keeps running after the console closes; t stops it.'] };
    case 'stop': return { title: 'Stop the relay?', lines: ['Connected clients are disconnected; stored documents stay.'], target: String(port ?? '') };
    case 'issue': return { title: `Issue a token for ${p.name}?`, lines: [`scope: ${p.scope}`, 'The token is shown once, here.'] };
    case 'approve': return { title: `Approve ${p.client.name} (${p.client.id})?`, lines: [`scope: ${p.scope}`, `asked from ${p.client.from || 'an unknown address'}`] };
    case 'deny': return { title: `Deny ${p.client.name}?`, lines: [`id ${p.client.id}`], target: p.client.name };
    case 'rotate': return { title: `New token for ${p.client.name}?`, lines: ['Its old token stops working; its connections are told the new one.'], target: p.client.name };
    case 'revoke': return { title: `Revoke ${p.client.name}?`, lines: ['Its token stops working and its connections are dropped.'], target: p.client.name };
  }
}

/** The relay on this machine and every client it knows: start/stop, issue, approve with a scope, deny, rotate, revoke. */
export function Relay(props: { onExit: () => void; isActive?: boolean; startNow?: boolean }) {
  const r = useRelay(undefined, props.startNow ? { startNow: true } : {});
  const keys = useListKeys({
    modal: r.state.modal, question: undefined, screenScope: 'relay', onExit: props.onExit, cancel: r.cancel, back: r.back, move: r.move,
    handlers: { 'relay.start': r.start, 'relay.stop': r.stop, 'relay.issue': r.issue, 'relay.approve': r.approve, 'relay.deny': r.deny, 'relay.rotate': r.rotate, 'relay.revoke': r.revoke },
    ...(props.isActive !== undefined ? { isActive: props.isActive } : {}),   });
  const st = r.state.status;
  const d = r.pending ? describe(r.pending, st?.port) : undefined;
  const formTitle = r.form?.form === 'start' ? 'Start the relay' : r.form?.form === 'issue' ? 'Issue a token' : `Approve ${r.selected?.name ?? ''}`;
  const suggested = r.form?.form === 'approve' && r.selected ? r.formFields.map((f) => ({ ...f, initial: r.selected!.scope })) : r.formFields;
  return (
    <ScreenFrame title="Relay & clients" scopes={keys.scopes} helpOpen={keys.helpOpen} typing={keys.typing}>
      {st ? relayLines({ host: 'local', dataDir: r.dataDir, state: 'up', since: '', status: st }).map((l, i) => <Text key={i} color={i === 0 ? theme.ok : undefined} wrap="truncate-end">{l}</Text>)
        : <Text color={theme.warn}>No relay runs with {r.dataDir}{r.state.down && !/no relay is running/.test(r.state.down) ? ` (${r.state.down})` : ''}. Press s to start one.</Text>}
      <Table columns={[{ title: 'STATE', width: 10 }, { title: 'NAME', width: 14 }, { title: 'ID', width: 14 }, { title: 'SCOPE', width: 6 }, { title: 'FROM', width: 14 }]}
        rows={r.clients.map((c) => ({ key: c.id, cells: [c.state, c.name, c.id, c.scope, c.from], ...(c.pending ? { tone: 'warn' as const } : c.state === 'online' ? { tone: 'ok' as const } : !c.active ? { tone: 'dim' as const } : {}) }))}
        cursor={r.cursor} empty={st ? 'no clients yet: i issues a token, or clients ask with POST /api/authorise' : 'the relay is not running'} />
      <Box marginTop={1} flexDirection="column">
        {r.form ? <StepForm title={formTitle} fields={suggested} index={r.form.index} values={r.form.values} onSubmitField={r.submitField} isActive={keys.active} /> : null}
        {keys.kind === 'confirm' && d ? <ConfirmDialog title={d.title} lines={d.lines} onYes={r.confirm} onNo={r.cancel} isActive={keys.active} /> : null}
        {keys.kind === 'typed' && d?.target !== undefined ? <TypedConfirm title={d.title} lines={d.lines} target={d.target} onConfirm={r.confirm} isActive={keys.active} /> : null}
        <TaskStatus task={r.task} />
      </Box>
    </ScreenFrame>
  );
}
