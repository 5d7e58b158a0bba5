import React from 'react';
import { Box, Text, useStdout } from 'ink';
import { theme } from './theme.js';

export interface Column {
  title: string;
  /** The width it had before columns sized to content; now a floor when the terminal is too narrow. */
  width: number;
}

/** Pure: pad and clip cells to their widths. */
export function formatRow(cells: readonly string[], widths: readonly number[]): string {
  return widths.map((w, i) => {
    const cell = cells[i] ?? '';
    return cell.length > w ? `${cell.slice(0, Math.max(0, w - 1))}…` : cell.padEnd(w);
  }).join(' ');
}

/**
 * Pure: each column as wide as its title and its longest cell; when that does not fit in `available`, the widest
 * columns give way first, never below their title or their floor (the narrower of the floor and the content).
 */
export function columnWidths(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>, available: number): number[] {
  const natural = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? '').length)));
  const floor = columns.map((c, i) => Math.max(c.title.length, Math.min(c.width, natural[i]!)));
  const widths = [...natural];
  const budget = available - (columns.length - 1);
  let over = widths.reduce((a, b) => a + b, 0) - budget;
  while (over > 0) {
    let widest = -1;
    widths.forEach((w, i) => { if (w > floor[i]! && (widest < 0 || w > widths[widest]!)) widest = i; });
    if (widest < 0) break;
    widths[widest]! -= 1;
    over -= 1;
  }
  return widths;
}

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
