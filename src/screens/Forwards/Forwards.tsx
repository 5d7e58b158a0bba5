// The Forwards screen: timed port forwards on a router, counting down; add, extend, revoke, reap.
import React from 'react';
import { Box, Text } from 'ink';
import { Spinner } from '@inkjs/ui';
import { forwardCells, forwardChangeLines } from '../../present/forwards.js';
import { ScreenFrame } from '../../ui/ScreenFrame.js';
import { TaskStatus } from '../../ui/TaskStatus.js';
import { Table } from '../../ui/Table.js';
import { ConfirmDialog, TypedConfirm } from '../../ui/Dialogs.js';
import { StepForm } from '../../ui/StepForm.js';
import { ConnectQuestionDialog } from '../ConnectQuestion.js';
import { useListKeys } from '../use-list-keys.js';
import { theme } from '../../ui/theme.js';
import { ADD_FIELDS, EXTEND_FIELDS, useForwards } from './use-forwards.js';
import { disabled } from '../../ui/key-state.js';

export function Forwards(props: { onExit: () => void; isActive?: boolean }) {
  const f = useForwards();
  const keys = useListKeys({
    modal: f.state.modal, question: f.trust.question, screenScope: 'forwards', onExit: props.onExit, cancel: f.cancel, back: f.back, move: f.move,
    handlers: {
      'fwd.add': f.startAdd,
      'fwd.extend': !f.selected ? disabled('no forward selected') : f.selected.permanent ? disabled('a permanent forward has no deadline to extend') : f.startExtend,
      'fwd.revoke': f.selected ? f.startRevoke : disabled('no forward selected'),
      'fwd.refresh': f.refresh,
      'fwd.reap': f.startReap,
      'fwd.cron': f.startCron,
      'fwd.host': f.nextHost,
    },
    ...(props.isActive !== undefined ? { isActive: props.isActive } : {}),   });
  const { helpOpen, scopes, typing, active } = keys;
  const modal = keys.kind;

  return (
    <ScreenFrame title="Forwards" scopes={scopes} helpOpen={helpOpen} typing={typing || f.trust.question?.kind === 'passphrase'} status={<Text color={theme.dim}>host {f.host.name} ({f.hostLabel}, Tab for next)</Text>}>
      {f.readError ? <Text color={theme.error}>cannot read forwards on {f.host.name}: {f.readError}</Text> : null}
      {!f.loaded && !f.readError ? <Spinner label={`reading forwards on ${f.host.name}`} /> : null}
      <Table
        columns={[{ title: 'ID', width: 8 }, { title: 'FROM', width: 18 }, { title: 'PORT', width: 9 }, { title: 'TO', width: 21 }, { title: 'LEFT', width: 10 }, { title: '', width: 10 }]}
        rows={f.forwards.map((x) => ({
          key: x.id,
          cells: forwardCells(x),
          ...(x.secondsLeft <= 0 ? { tone: 'error' as const } : x.secondsLeft < 300 ? { tone: 'warn' as const } : {}),
        }))}
        cursor={f.state.cursor}
        maxRows={8}
        empty="no timed forwards on this host"
      />
      {f.reaped.length ? <Text color={theme.dim}>reaped while watching: {f.reaped.join(', ')}</Text> : null}
      <Box marginTop={1} flexDirection="column">
        <ConnectQuestionDialog question={f.trust.question} isActive={active} />
        {f.form?.form === 'add' ? <StepForm title={`Add a timed forward on ${f.host.name}`} fields={ADD_FIELDS} index={f.form.index} values={f.form.values} onSubmitField={f.submitField} isActive={active} /> : null}
        {f.form?.form === 'extend' ? <StepForm title="Extend the forward" fields={EXTEND_FIELDS} index={f.form.index} values={f.form.values} onSubmitField={f.submitField} isActive={active} /> : null}
        {modal === 'confirm' && f.pending ? <ConfirmDialog title={{ add: 'Add this forward?', extend: 'Extend this forward?', reap: 'Remove the expired forwards?', cron: 'Install the cron reaper?', revoke: 'Revoke this forward?' }[f.pending.kind]} lines={forwardChangeLines(f.pending.preview, 'preview')} onYes={f.apply} onNo={f.cancel} isActive={active} /> : null}
        {modal === 'typed' && f.pending ? <TypedConfirm title="Revoke this forward?" lines={forwardChangeLines(f.pending.preview, 'preview')} target={f.pending.preview.id ?? ''} onConfirm={f.apply} isActive={active} /> : null}
        <TaskStatus task={f.task} />
      </Box>
    </ScreenFrame>
  );
}
