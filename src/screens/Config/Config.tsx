// The Configuration screen: commbase.conf's managed values on a host, edited in place, saved after a diff, undone.
import React, { useCallback, useRef, useState } from 'react';
import { Box, Text } from 'ink';
import { Spinner } from '@inkjs/ui';
import { TextField } from '../../ui/TextField.js';
import { ScreenFrame } from '../../ui/ScreenFrame.js';
import { Table } from '../../ui/Table.js';
import { ConfirmDialog } from '../../ui/Dialogs.js';
import { useKeymap } from '../../ui/useKeymap.js';
import { ConnectQuestionDialog, questionScope } from '../ConnectQuestion.js';
import type { Scope } from '../../ui/keymap.js';
import { theme } from '../../ui/theme.js';
import { useConfig } from './use-config.js';
import type { PathStatus } from '../../conffile/paths-check.js';

const short = (key: string) => key.replace(/^COMMBASE_DATA_EXCHANGE_/, '…').replace(/^CERTS_AND_KEYS_/, 'CERTS…');

export function Config(props: { onExit: () => void; isActive?: boolean; file?: string; host?: string }) {
  const c = useConfig(props.file, props.host);
  const [helpOpen, setHelpOpen] = useState(false);
  const active = (props.isActive ?? true) && !helpOpen;
  const asking = c.trust.question;
  const mode = c.chooser.open ? 'choose' : c.isEditing ? 'edit' : c.pending ? 'confirm' : 'list';
  const scopes: Scope[] = asking ? [questionScope(asking)] : mode === 'list' ? ['list', 'config'] : mode === 'edit' ? ['wizard.text'] : mode === 'choose' ? ['choose'] : ['confirm'];
  useKeymap(['global', ...scopes.filter((s) => s !== 'confirm')], {
    help: () => setHelpOpen((v) => !v),
    back: () => (helpOpen ? setHelpOpen(false) : mode === 'list' || (mode === 'choose' && !c.doc) ? props.onExit() : mode === 'choose' ? c.chooser.cancel() : c.cancel()),
    'text.back': c.cancel,
    'choose.older': () => c.chooser.pick(1),
    'choose.newer': () => c.chooser.pick(-1),
    'config.file': c.chooser.start,
    'list.up': () => c.move(-1),
    'list.down': () => c.move(1),
    'config.edit': c.startEdit,
    'config.save': c.startSave,
    'config.undo': c.startUndo,
    'config.reload': c.reload,
    'config.host': c.nextHost,
  }, { isActive: (props.isActive ?? true) && !asking, typing: mode === 'edit' || mode === 'choose' });

  return (
    <ScreenFrame title="Configuration" scopes={scopes} helpOpen={helpOpen} typing={mode === 'edit' || mode === 'choose' || asking?.kind === 'passphrase'}
      status={<Text>{c.pendingCount ? <Text color={theme.warn}>{c.pendingCount} unsaved · </Text> : null}<Text color={theme.dim}>host {c.host.name} ({c.hostLabel})</Text></Text>}>
      <ConnectQuestionDialog question={asking} isActive={active} />
      {c.loadError ? c.loadError.map((l, i) => <Text key={i} color={i === 0 ? theme.error : undefined}>{l}</Text>) : null}
      {mode === 'choose' ? (
        <Box flexDirection="column" borderStyle="round" paddingX={1}>
          <Text bold>Which commbase.conf on {c.host.name}?</Text>
          <Text color={theme.dim}>Tab completes the path (on {c.host.name}); ↑/↓ picks a recent file; Enter opens it.</Text>
          <TextField key={`choose-${c.chooser.recentIndex}`} suggestion={c.chooser.suggestion} isDisabled={!active} complete={c.chooser.complete} onSubmit={(v) => v.trim() && c.chooser.choose(v.trim())} />
          {c.chooser.recent.length ? <Text color={theme.dim}>Recent:</Text> : null}
          {c.chooser.recent.map((r, i) => <Text key={`${r.host}:${r.path}`} {...(i === c.chooser.recentIndex ? { color: theme.accent, bold: true } : { color: theme.dim })}>{i === c.chooser.recentIndex ? '› ' : '  '}{r.host}:{r.path}</Text>)}
        </Box>
      ) : null}
      {c.doc ? <Text color={theme.dim}>{c.doc.where}:{c.doc.path}</Text> : c.loadError || asking || mode === 'choose' ? null : <Spinner label={`reading commbase.conf on ${c.host.name}`} />}
      {c.doc ? (
        <Table
          columns={[{ title: 'KEY', width: 34 }, { title: 'VALUE', width: 38 }]}
          rows={c.rows.map((r) => ({ key: r.key, cells: [short(r.key) + (r.pending ? ' *' : ''), r.value], ...(r.problem ? { tone: 'error' as const } : r.pending ? { tone: 'warn' as const } : {}) }))}
          cursor={c.cursor}
          maxRows={13}
        />
      ) : null}
      {c.editing && mode === 'list' ? (
        <Text color={c.editing.problem ? theme.error : theme.dim}>{c.editing.key}{c.editing.problem ? `: ${c.editing.problem}` : c.editing.note ? `: ${c.editing.note}` : ''}</Text>
      ) : null}
      {c.editing && mode === 'list' && c.paths[c.editing.key] ? <PathLine status={c.paths[c.editing.key]!} /> : null}
      {mode === 'list' && c.missing.length ? <Text color={theme.warn}>{c.missing.length} file(s) named here are missing under {c.doc?.appDir}: {c.missing.map((m) => short(m.key)).join(', ')}</Text> : null}
      {mode === 'edit' && c.editing ? <EditField keyName={c.editing.key} initial={c.editing.value === '(not set)' ? '' : c.editing.value} validate={c.validate} onSubmit={c.submitEdit} isActive={active} /> : null}
      {mode === 'list' && c.unknown.length ? <Text color={theme.dim}>Other keys (kept, read-only here): {c.unknown.map((u) => u.key).join(', ')}</Text> : null}
      {mode === 'list' && c.findings.length ? <Text color={theme.warn}>{c.findings.length} warning(s) about lines Commbase's readers will trip on: commbase-admin config validate</Text> : null}
      {c.pending?.kind === 'save' ? <ConfirmDialog title="Save these changes?" lines={[...c.pending.preview.diff, 'The previous version is kept as .bak.']} onYes={c.save} onNo={c.cancel} isActive={active} /> : null}
      {c.pending?.kind === 'undo' && c.doc ? <ConfirmDialog title="Undo the last save?" lines={[`${c.doc.path} gets the content of ${c.doc.path}.bak back.`]} onYes={c.undo} onNo={c.cancel} isActive={active} /> : null}
      <Box flexDirection="column">
        {c.task.busy ? <Spinner label={c.task.busy} /> : null}
        {c.task.error?.map((l, i) => <Text key={i} color={i === 0 ? theme.error : undefined}>{l}</Text>)}
        {c.task.result?.map((l, i) => <Text key={i} color={theme.ok}>{l}</Text>)}
      </Box>
    </ScreenFrame>
  );
}

function PathLine(props: { status: PathStatus }) {
  const p = props.status;
  return (
    <Box flexDirection="column">
      <Text color={p.exists ? theme.ok : p.kind === 'data' ? theme.warn : theme.error}>→ {p.path} {p.exists ? '✓ exists' : p.kind === 'data' ? '(not created yet)' : '✗ missing'}</Text>
      {p.absoluteOnly ? <Text color={theme.warn}>⚠ {p.absoluteOnly}</Text> : null}
    </Box>
  );
}

function EditField(props: { keyName: string; initial: string; validate: (v: string) => string | undefined; onSubmit: (v: string) => string | undefined; isActive: boolean }) {
  const [problem, setProblem] = useState<string | undefined>(props.validate(props.initial));
  const last = useRef(props.initial);
  const validate = props.validate;
  const onChange = useCallback((v: string) => { last.current = v; setProblem(validate(v)); }, [validate]);
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>{props.keyName}</Text>
      <TextField value={props.initial} isDisabled={!props.isActive} onChange={onChange} onSubmit={(v) => setProblem(props.onSubmit(v))} />
      {problem ? <Text color={theme.error}>✗ {props.keyName} {JSON.stringify(last.current)}: {problem}</Text> : <Text color={theme.ok}>✓ valid</Text>}
    </Box>
  );
}
