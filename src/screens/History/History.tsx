// What commbase-admin changed, newest first, from the audit log: when, what, where, how it ended; the selected
// record in full below (target, who, the exact commands).
import React, { useState } from 'react';
import { Box, Text } from 'ink';
import { Spinner } from '@inkjs/ui';
import { formatCommand } from '../../firewall/service.js';
import { ScreenFrame } from '../../ui/ScreenFrame.js';
import { Table } from '../../ui/Table.js';
import { useKeymap } from '../../ui/useKeymap.js';
import type { Scope } from '../../ui/keymap.js';
import { theme } from '../../ui/theme.js';
import { useHistory } from './use-history.js';

const SCOPES: Scope[] = ['list', 'history'];

export function History(props: { onExit: () => void; isActive?: boolean }) {
  const h = useHistory();
  const [helpOpen, setHelpOpen] = useState(false);
  useKeymap(['global', ...SCOPES], {
    help: () => setHelpOpen((v) => !v),
    back: () => (helpOpen ? setHelpOpen(false) : props.onExit()),
    'list.up': () => h.move(-1),
    'list.down': () => h.move(1),
    'history.reload': h.reload,
  }, { isActive: props.isActive ?? true });

  const s = h.selected;
  return (
    <ScreenFrame title="History" scopes={SCOPES} helpOpen={helpOpen} status={<Text color={theme.dim}>{h.records ? `${h.records.length} change(s)` : ''}</Text>}>
      {h.error?.map((l, i) => <Text key={i} color={i === 0 ? theme.error : undefined}>{l}</Text>)}
      {!h.records && !h.error ? <Spinner label="reading the audit log" /> : null}
      {h.records ? (
        <Table
          columns={[{ title: 'WHEN', width: 14 }, { title: 'ACTION', width: 16 }, { title: 'HOST', width: 10 }, { title: 'TARGET', width: 20 }, { title: 'OUTCOME', width: 12 }]}
          rows={h.records.map((r, i) => ({ key: `${i}`, cells: [r.at.slice(5, 19).replace('T', ' '), r.action, r.host ?? 'local', r.target, r.outcome], ...(r.outcome.startsWith('failed') ? { tone: 'error' as const } : {}) }))}
          cursor={h.cursor}
          maxRows={10}
          empty={`nothing changed yet (${h.file})`}
        />
      ) : null}
      {s ? (
        <Box flexDirection="column" marginTop={1}>
          <Text wrap="truncate-end">{s.action} on {s.host ?? 'local'} by {s.user} at {s.at}</Text>
          <Text wrap="truncate-end" color={theme.dim}>target:  {s.target}</Text>
          <Text wrap="truncate-end" color={s.outcome.startsWith('failed') ? theme.error : theme.ok}>outcome: {s.outcome}</Text>
          {(s.commands ?? []).slice(0, 3).map((c, i) => <Text key={i} wrap="truncate-end" color={theme.dim}>$ {formatCommand(c)}</Text>)}
        </Box>
      ) : null}
      {h.unreadable ? <Text color={theme.warn}>{h.unreadable} line(s) of {h.file} are not records and were skipped</Text> : null}
    </ScreenFrame>
  );
}
