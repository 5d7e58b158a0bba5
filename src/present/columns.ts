// Table columns sized to their content and the space there is: the console's tables and the wall dashboard.

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
