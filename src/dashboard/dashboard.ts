// The wall display: blessed-contrib widgets over the same monitoring service as the Monitor screen.
// Never shown at the same time as the Ink console. q or Ctrl-C stops it and restores the terminal.
import blessed from 'blessed';
import contrib from 'blessed-contrib';
import { UserError } from '../core/errors.js';
import { Monitor, type Snapshot } from '../monitor/service.js';
import { clientRows, relaysLines, timerRows } from '../present/monitor.js';
import { columnWidths } from '../present/columns.js';
import { openRunner, type HostEntry } from '../services/hosts.js';
import { rememberedOnly } from '../services/passphrases.js';

export async function openDashboard(targets: { hosts: string[]; dataDir?: string }): Promise<void> {
  if (!process.stdout.isTTY) throw new UserError('failed to open the dashboard: it needs a terminal', ['use commbase-admin relay status --json for scripts']);
  process.stdin.ref(); // after any earlier Ink app that read keys (see docs/architecture.md)
  const screen = blessed.screen({ smartCSR: true, title: 'commbase-admin dashboard', fullUnicode: true });
  const grid = new contrib.grid({ rows: 12, cols: 12, screen });
  const header = grid.set(0, 0, 2, 12, blessed.box, { label: ' relay ', tags: false, content: 'connecting…' }) as blessed.Widgets.BoxElement;
  const chart = grid.set(2, 0, 4, 7, contrib.line, { label: ' throughput (per second) ', showLegend: true, legend: { width: 14 }, minY: 0, xLabelPadding: 1, xPadding: 2 }) as contrib.Widgets.LineElement;
  const log = grid.set(2, 7, 4, 5, contrib.log, { label: ' events ' }) as contrib.Widgets.LogElement;
  const clients = grid.set(6, 0, 6, 6, contrib.table, { label: ' clients ', columnSpacing: 2, columnWidth: [8, 14, 14, 16], interactive: false, keys: false }) as contrib.Widgets.TableElement;
  const timers = grid.set(6, 6, 6, 6, contrib.table, { label: ' rule timers ', columnSpacing: 2, columnWidth: [8, 14, 12], interactive: false, keys: false }) as contrib.Widgets.TableElement;

  const monitor = new Monitor({ ...targets, connect: (h: HostEntry) => openRunner(h.name, rememberedOnly()) });
  let last: Snapshot | undefined;
  let lastEvent: string | undefined;
  const draw = () => {
    const s = last;
    if (!s) return;
    const now = Date.now();
    header.setContent(relaysLines(s.relays).join('\n'));
    const r = s.relays.find((x) => x.status)?.status;
    const xs = (r?.uploads.history ?? []).map((_, i, a) => String(i - a.length + 1));
    chart.setData([
      { title: 'uploads', x: xs, y: r?.uploads.history ?? [], style: { line: 'green' } },
      { title: 'deliveries', x: xs, y: r?.deliveries.history ?? [], style: { line: 'cyan' } },
    ]);
    const clientData = clientRows(s, now).map((c) => c.cells.slice(0, 4));
    const timerData = timerRows(s.timers, now).map((t) => [t.cells[0]!, t.cells[1]!, t.cells[3]!]);
    // Columns sized to what they hold and the widget's width (borders and the 2-space spacing taken off), so an
    // id never runs into the address beside it; contrib.table reads columnWidth at each draw.
    sizeColumns(clients, [{ title: 'STATE', width: 7 }, { title: 'NAME', width: 10 }, { title: 'ID', width: 10 }, { title: 'FROM', width: 7 }], clientData);
    sizeColumns(timers, [{ title: 'HOST', width: 6 }, { title: 'RULE', width: 10 }, { title: 'LEFT', width: 7 }], timerData);
    clients.setData({ headers: ['STATE', 'NAME', 'ID', 'FROM'], data: clientData });
    timers.setData({ headers: ['HOST', 'RULE', 'LEFT'], data: timerData });
    const from = lastEvent === undefined ? 0 : s.events.lastIndexOf(lastEvent) + 1;
    for (const e of s.events.slice(from)) log.log(e);
    lastEvent = s.events[s.events.length - 1] ?? lastEvent;
    screen.render();
  };
  monitor.on('snapshot', (s: Snapshot) => { last = s; draw(); });
  monitor.start();
  const tick = setInterval(draw, 1000);
  screen.render();
  await new Promise<void>((resolve) => {
    let leaving = false;
    const leave = () => {
      if (leaving) return;
      leaving = true;
      clearInterval(tick);
      // Close every connection, but never wait on a host that does not answer: at most a second.
      void Promise.race([monitor.stop(), new Promise((r) => setTimeout(r, 1000))]).finally(() => { screen.destroy(); resolve(); });
    };
    screen.key(['q', 'C-c', 'escape'], leave);
    process.once('SIGTERM', leave);
    process.once('SIGINT', leave);
  });
}

function sizeColumns(table: contrib.Widgets.TableElement, columns: { title: string; width: number }[], rows: string[][]): void {
  const inner = (typeof table.width === 'number' ? table.width : 40) - 2;
  // contrib.table puts columnSpacing after every column; columnWidths counts one space between columns.
  const widths = columnWidths(columns, rows, inner - columns.length * 2 + (columns.length - 1));
  // blessed-contrib takes columnWidth only when the table is made, and reads `this.options.columnWidth` on every
  // setData: the widths, sized to the rows, are set there (pinned by test/unit/blessed-contrib-internals.test.ts).
  (table as unknown as { options: { columnWidth: number[] } }).options.columnWidth = widths;
}
