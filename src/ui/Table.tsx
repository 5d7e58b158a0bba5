// A table of rows sized to their contents, with a selected row and a tone per row.
import React from 'react';
import { Box, Text, useStdout } from 'ink';
import { theme } from './theme.js';

import { columnWidths, formatRow, type Column } from '../present/columns.js';

export { columnWidths, formatRow, type Column };

export function Table(props: { columns: readonly Column[]; rows: ReadonlyArray<{ key: string; cells: string[]; tone?: 'warn' | 'error' | 'ok' | 'dim' }>; cursor?: number; empty?: string; maxRows?: number }) {
  const { stdout } = useStdout();
  const max = props.maxRows ?? 12;
  const start = props.cursor !== undefined ? Math.max(0, Math.min(props.cursor - max + 1, props.rows.length - max)) : 0;
  const shown = props.rows.slice(Math.max(0, start), Math.max(0, start) + max);
  // Sized to what is on screen and to the terminal (2 columns go to the selection mark).
  const widths = columnWidths(props.columns, shown.map((r) => r.cells), (stdout?.columns ?? 100) - 2);
  const selected = props.cursor !== undefined ? props.rows[props.cursor] : undefined;
  const clipped = selected ? selected.cells.some((c, i) => c.length > (widths[i] ?? 0)) : false;
  return (
    <Box flexDirection="column">
      <Text bold>{'  '}{formatRow(props.columns.map((c) => c.title), widths)}</Text>
      {props.rows.length === 0 ? <Text color={theme.dim}>  {props.empty ?? '(none)'}</Text> : null}
      {shown.map((r, i) => {
        const isSelected = props.cursor === start + i;
        const color = isSelected ? theme.accent : r.tone === 'warn' ? theme.warn : r.tone === 'error' ? theme.error : r.tone === 'ok' ? theme.ok : r.tone === 'dim' ? theme.dim : undefined;
        return <Text key={r.key} {...(color ? { color } : {})} bold={isSelected}>{isSelected ? '› ' : '  '}{formatRow(r.cells, widths)}</Text>;
      })}
      {props.rows.length > max ? <Text color={theme.dim}>  {props.rows.length} rows{props.cursor !== undefined ? '; ↑/↓ to scroll' : ''}</Text> : null}
      {clipped && selected ? <Text color={theme.dim} wrap="wrap">  {props.columns.map((c, i) => `${c.title.trim() || '·'}: ${selected.cells[i] ?? ''}`).filter((l) => !l.endsWith(': ')).join('  ')}</Text> : null}
    </Box>
  );
}
