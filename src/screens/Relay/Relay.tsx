// The Relay & clients screen: the relay of one host (this machine first, Tab for the next) and every client it
// knows, with start, stop, deploy, upgrade, uninstall, its journal, issue, approve and more.
import React from 'react';
import { quoteArgv } from '../../core/quote.js';
import { Box, Text } from 'ink';
import { ScreenFrame } from '../../ui/ScreenFrame.js';
import { TaskStatus } from '../../ui/TaskStatus.js';
import { Table } from '../../ui/Table.js';
import { ConfirmDialog, TypedConfirm } from '../../ui/Dialogs.js';
import { StepForm } from '../../ui/StepForm.js';
import { theme } from '../../ui/theme.js';
import { disabled } from '../../ui/key-state.js';
import { relayLines } from '../../present/monitor.js';
import { ConnectQuestionDialog } from '../ConnectQuestion.js';
import { useListKeys } from '../use-list-keys.js';
import { useRelay } from './use-relay.js';
import type { Pending } from './state.js';

function describe(p: Pending, port: number | undefined, host: string): { title: string; lines: string[]; target?: string } {
  switch (p.kind) {
    case 'start': return { title: 'Start the relay on this machine?', lines: [`listen on ${p.values.bind}:${p.values.port}${p.values['tls-cert'] ? ' with TLS' : ' (plain HTTP)'}`, ...(p.values['trusted-proxy'] ? [`trust X-Forwarded-For from ${p.values['trusted-proxy']}`] : []), ...(p.values['open-loopback'] === 'y' ? ['no token needed from this machine itself (127.0.0.1/32): its Commbase scripts work unedited'] : []), ...(p.values.store ? [`documents and clients in ${p.values.store}, shared with the relays there`] : []), 'It keeps running after the console closes; t stops it.'] };
    case 'stop': return { title: 'Stop the relay?', lines: ['Connected clients are disconnected; stored documents stay.'], target: String(port ?? '') };
    case 'service': return p.verb === 'start'
      ? { title: `Start the relay service on ${host}?`, lines: ['systemctl start commbase-relay, with the settings it was deployed with.'] }
      : { title: `Stop the relay service on ${host}?`, lines: ['Connected clients are disconnected; stored documents stay.', 'It stays enabled: it starts again at the host\'s next boot (s starts it now).'], target: host };
    case 'deploy': return { title: `Deploy the relay on ${host}?`, lines: [
      `${p.preview.where}: the relay ${p.preview.version} under ${p.preview.node}`,
      ...p.preview.steps.map((s) => `  ${s}`),
      'a hardened systemd unit: restarts on failure, enabled at boot (relay deploy --dry-run prints it)',
      ...p.warnings,
    ] };
    case 'upgrade': return { title: `Upgrade the relay on ${host}?`, lines: [p.preview.outcome] };
    case 'uninstall': return { title: `Remove the relay service from ${host}?`, lines: [...p.commands.map((c) => `  $ ${quoteArgv(c)}`), ...p.kept.map((k) => `kept: ${k}`)], target: host };
    case 'issue': return { title: `Issue a token for ${p.name}?`, lines: [`scope: ${p.scope}`, 'The token is shown once, here.'] };
    case 'approve': return { title: `Approve ${p.client.name} (${p.client.id})?`, lines: [`scope: ${p.scope}`, `asked from ${p.client.from || 'an unknown address'}`] };
    case 'deny': return { title: `Deny ${p.client.name}?`, lines: [`id ${p.client.id}`], target: p.client.name };
    case 'rotate': return { title: `New token for ${p.client.name}?`, lines: ['Its old token stops working; its connections are told the new one.'], target: p.client.name };
    case 'revoke': return { title: `Revoke ${p.client.name}?`, lines: ['Its token stops working and its connections are dropped.'], target: p.client.name };
  }
}

const FORM_TITLES: Record<string, string> = { start: 'Start the relay on this machine', deploy: 'Deploy the relay as a service', issue: 'Issue a token' };

/** The relay of one host and every client it knows. */
export function Relay(props: { onExit: () => void; isActive?: boolean; startNow?: boolean }) {
  const r = useRelay(undefined, props.startNow ? { startNow: true } : {});
  const h = r.host.name;
  const noService = disabled(`no relay is deployed on ${h} (D deploys one)`);
  const keys = useListKeys({
    modal: r.state.modal, question: r.trust.question, screenScope: 'relay', onExit: props.onExit, cancel: r.cancel, back: r.back, move: r.move,
    handlers: {
      'relay.start': r.start ?? disabled(r.running ? `the relay service on ${h} is already running (t stops it)` : `no relay is deployed on ${h}, and the console starts its own only on this machine (D deploys one)`),
      'relay.stop': r.stop ?? disabled(r.deployed ? `the relay service on ${h} is not running` : r.local ? 'no relay runs here' : `no relay is deployed on ${h}`),
      'relay.host': r.nextHost,
      'relay.deploy': r.deploy,
      'relay.upgrade': r.upgrade ?? noService,
      'relay.logs': r.logs ?? disabled(r.local ? `only a deployed relay has a journal; the console's own relay logs to ${r.dataDir}/relay.log` : `no relay is deployed on ${h}`),
      'relay.uninstall': r.uninstall ?? noService,
      'relay.issue': r.issue ?? disabled('no relay is running'),
      'relay.approve': r.approve ?? disabled('no pending client selected'),
      'relay.deny': r.deny ?? disabled('no pending client selected'),
      'relay.rotate': r.rotate ?? disabled('no approved client selected'),
      'relay.revoke': r.revoke ?? disabled('no client selected'),
    },
    ...(props.isActive !== undefined ? { isActive: props.isActive } : {}),
  });
  const st = r.state.status;
  const svc = r.state.service;
  const d = r.pending ? describe(r.pending, st?.port, h) : undefined;
  const formTitle = r.form ? FORM_TITLES[r.form.form] ?? `Approve ${r.selected?.name ?? ''}` : '';
  const suggested = r.form?.form === 'approve' && r.selected ? r.formFields.map((f) => ({ ...f, initial: r.selected!.scope })) : r.formFields;
  const none = r.local ? `No relay runs with ${r.dataDir}` : `No relay runs on ${h}`;
  return (
    <ScreenFrame title="Relay & clients" scopes={keys.scopes} helpOpen={keys.helpOpen} typing={keys.typing || r.trust.question?.kind === 'passphrase'}
      status={<Text color={theme.dim}>host {h} ({r.state.hostIndex + 1}/{r.hosts.length}{r.hosts.length > 1 ? ', Tab for next' : ''})</Text>}>
      {svc?.installed ? <Text color={svc.active === 'active' ? theme.ok : theme.error} wrap="truncate-end">service on {h}: {svc.active} ({svc.sub}), {svc.enabled} at boot{svc.pid ? `, pid ${svc.pid}` : ''}, restarted {svc.restarts} time(s){svc.version ? `, version ${svc.version}` : ''}</Text> : null}
      {st ? relayLines({ host: h, dataDir: r.dataDir, state: 'up', since: '', status: st, ...(svc?.installed ? { service: true } : {}) }).map((l, i) => <Text key={i} color={i === 0 ? theme.ok : undefined} wrap="truncate-end">{l}</Text>)
        : <Text color={svc?.installed ? theme.error : theme.warn} wrap="truncate-end">{svc?.installed ? r.running ? `The relay deployed on ${h} is not answering yet (l shows its journal).` : `The relay deployed on ${h} is ${svc.active}: s starts it, l shows its journal.` : `${none}${r.state.down && !/no relay is running/.test(r.state.down) ? ` (${r.state.down})` : ''}. ${r.local ? 'Press s to start one here, or D to deploy one as a service.' : 'Press D to deploy one as a service.'}`}</Text>}
      <Table columns={[{ title: 'STATE', width: 10 }, { title: 'NAME', width: 14 }, { title: 'ID', width: 14 }, { title: 'SCOPE', width: 6 }, { title: 'FROM', width: 14 }]}
        rows={r.clients.map((c) => ({ key: c.id, cells: [c.state, c.name, c.id, c.scope, c.from], ...(c.pending ? { tone: 'warn' as const } : c.state === 'online' ? { tone: 'ok' as const } : !c.active ? { tone: 'dim' as const } : {}) }))}
        cursor={r.cursor} maxRows={r.state.logs ? 4 : 10} empty={st ? 'no clients yet: i issues a token, or clients ask with POST /api/authorise' : 'the relay is not running'} />
      {r.state.logs ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>journal of commbase-relay on {h} (following; l hides it)</Text>
          {r.state.logs.length ? r.state.logs.map((l, i) => <Text key={i} wrap="truncate-end" color={theme.dim}>{l}</Text>) : <Text color={theme.dim}>reading…</Text>}
        </Box>
      ) : null}
      <Box marginTop={1} flexDirection="column">
        <ConnectQuestionDialog question={r.trust.question} isActive={keys.active} />
        {r.form ? <StepForm title={formTitle} fields={suggested} index={r.form.index} values={r.form.values} onSubmitField={r.submitField} isActive={keys.active} /> : null}
        {keys.kind === 'confirm' && d ? <ConfirmDialog title={d.title} lines={d.lines} onYes={r.confirm} onNo={r.cancel} isActive={keys.active} /> : null}
        {keys.kind === 'typed' && d?.target !== undefined ? <TypedConfirm title={d.title} lines={d.lines} target={d.target} onConfirm={r.confirm} isActive={keys.active} /> : null}
        <TaskStatus task={r.task} />
        {r.task.busy && r.step ? <Text color={theme.dim}>  {r.step}</Text> : null}
      </Box>
    </ScreenFrame>
  );
}
