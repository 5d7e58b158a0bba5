// The Hosts screen: the inventory, adding (previewed), checking and pinning host keys, editing and removing hosts.
import React from 'react';
import { Box, Text } from 'ink';
import { ScreenFrame } from '../../ui/ScreenFrame.js';
import { TaskStatus } from '../../ui/TaskStatus.js';
import { Table } from '../../ui/Table.js';
import { ConfirmDialog, TypedConfirm } from '../../ui/Dialogs.js';
import { StepForm } from '../../ui/StepForm.js';
import { ConnectQuestionDialog } from '../ConnectQuestion.js';
import { useListKeys } from '../use-list-keys.js';
import { theme } from '../../ui/theme.js';
import { addLines, useHosts } from './use-hosts.js';
import { useReadOnly } from '../../ui/read-only.js';
import { disabled } from '../../ui/key-state.js';

export function Hosts(props: { onExit: () => void; isActive?: boolean; addNow?: boolean }) {
  const h = useHosts(props.addNow ? { addNow: true } : {});
  const readOnly = useReadOnly();
  const keys = useListKeys({
    modal: h.state.modal, question: h.trust.question, screenScope: 'hosts', onExit: props.onExit, cancel: h.cancel, back: h.back, move: h.move,
    handlers: {
      'hosts.check': h.selected ? h.check : disabled('no host selected'), 'hosts.add': h.startAdd, 'hosts.edit': h.selected ? h.startEdit : disabled('no host selected'),
      'hosts.remove': !h.selected ? disabled('no host selected') : h.selected.name === 'local' ? disabled('local is this machine: it cannot be removed') : h.startRemove,
      'hosts.retrust': h.changed ? h.startRetrust : disabled('no changed host key to trust: a check (c) finds one'),
    },
    ...(props.isActive !== undefined ? { isActive: props.isActive } : {}),   });
  const { helpOpen, scopes, active } = keys;
  const modal = keys.kind;

  const pending = h.removing;
  return (
    <ScreenFrame title="Hosts" scopes={scopes} helpOpen={helpOpen} typing={modal === 'form' || modal === 'typed' || h.trust.question?.kind === 'passphrase'}>
      <Table
        columns={[{ title: 'NAME', width: 14 }, { title: 'ADDRESS', width: 26 }, { title: 'FIREWALL', width: 14 }, { title: 'HOST KEY', width: 18 }]}
        rows={h.hosts.map((x) => ({ key: x.name, cells: [x.name, x.name === 'local' ? 'this machine' : `${x.user}@${x.address}:${x.port}`, x.backend + (x.sudo ? ' sudo' : ''), x.name === 'local' ? '' : x.pinned ? x.pinned.slice(0, 17) : 'not pinned' ], ...(x.name !== 'local' && !x.pinned ? { tone: 'warn' as const } : {}) }))}
        cursor={h.cursor}
      />
      <Box marginTop={1} flexDirection="column">
        <ConnectQuestionDialog question={h.trust.question} isActive={active} />
        {h.changed && modal === 'none' ? (
          <Box flexDirection="column" borderStyle="round" paddingX={1}>
            <Text bold color={theme.error}>The host key of {h.changed.host} has changed</Text>
            <Text>  pinned:  {h.changed.pinned}</Text>
            <Text>  offered: {h.changed.offered}</Text>
            <Text>Someone may be intercepting the connection, or the host was reinstalled. Compare with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the host.</Text>
            {readOnly ? null : <Text bold>If the new key is right, press k to trust it (you will type the host's name).</Text>}
          </Box>
        ) : null}
        {h.form?.form === 'add' ? <StepForm title="Add a host" fields={h.addFields} index={h.form.index} values={h.form.values} onSubmitField={h.submitField} isActive={active} /> : null}
        {h.form?.form === 'edit' ? <StepForm title={`Edit ${h.hosts[h.cursor]?.name ?? ''} (its pinned key is kept)`} fields={h.editFields} index={h.form.index} values={{ ...h.current, ...h.form.values }} onSubmitField={h.submitField} isActive={active} /> : null}
        {modal === 'confirm' && h.adding ? <ConfirmDialog title={`Add ${h.adding.name} to the inventory?`} lines={addLines(h.adding)} onYes={h.confirmAdd} onNo={h.cancel} isActive={active} /> : null}
        {modal === 'typed' && pending?.kind === 'remove' ? <TypedConfirm title={`Remove ${pending.host.name}?`} lines={['Its pinned host key is forgotten too.']} target={pending.host.name} onConfirm={h.confirmTyped} isActive={active} /> : null}
        {modal === 'typed' && pending?.kind === 'retrust' ? <TypedConfirm title={`Trust the new host key of ${pending.host.name}?`} lines={[`pinned now:  ${pending.pinned}`, `to pin:      ${pending.offered}`, 'Only if you checked it on the host itself.']} target={pending.host.name} onConfirm={h.confirmTyped} isActive={active} /> : null}
        {h.loadError?.map((l, i) => <Text key={`load${i}`} color={theme.error}>{l}</Text>)}
        <TaskStatus task={h.task} />
      </Box>
    </ScreenFrame>
  );
}
