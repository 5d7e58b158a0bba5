import React from 'react';
import { Box, Text } from 'ink';
import { theme } from './theme.js';

export interface Column {
  title: string;
  width: number;
}

/** Pure: pad and clip cells to their columns. */
export function formatRow(cells: readonly string[], columns: readonly Column[]): string {
  return columns.map((c, i) => {
    const cell = cells[i] ?? '';
    return cell.length > c.width ? `${cell.slice(0, Math.max(0, c.width - 1))}…` : cell.padEnd(c.width);
  }).join(' ');
}

export function Table(props: { columns: readonly Column[]; rows: ReadonlyArray<{ key: string; cells: string[]; tone?: 'warn' | 'error' | 'ok' | 'dim' }>; cursor?: number; empty?: string; maxRows?: number }) {
  const max = props.maxRows ?? 12;
  const start = props.cursor !== undefined ? Math.max(0, Math.min(props.cursor - max + 1, props.rows.length - max)) : 0;
  const shown = props.rows.slice(Math.max(0, start), Math.max(0, start) + max);
  return (
    <Box flexDirection="column">
      <Text bold>{'  '}{formatRow(props.columns.map((c) => c.title), props.columns)}</Text>
      {props.rows.length === 0 ? <Text color={theme.dim}>  {props.empty ?? '(none)'}</Text> : null}
      {shown.map((r, i) => {
        const selected = props.cursor === start + i;
        const color = selected ? theme.accent : r.tone === 'warn' ? theme.warn : r.tone === 'error' ? theme.error : r.tone === 'ok' ? theme.ok : r.tone === 'dim' ? theme.dim : undefined;
        return <Text key={r.key} {...(color ? { color } : {})} bold={selected}>{selected ? '› ' : '  '}{formatRow(r.cells, props.columns)}</Text>;
      })}
      {props.rows.length > max ? <Text color={theme.dim}>  {props.rows.length} rows{props.cursor !== undefined ? '; ↑/↓ to scroll' : ''}</Text> : null}
    </Box>
  );
}
