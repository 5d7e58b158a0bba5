// The Monitor screen: relays, clients and rule timers from the monitoring service, with actions on clients and timers.
import React, { useCallback, useRef, useState } from 'react';
import { Box, Text } from 'ink';
import { TextField } from '../../ui/TextField.js';
import { ScreenFrame } from '../../ui/ScreenFrame.js';
import { Table } from '../../ui/Table.js';
import { ConfirmDialog } from '../../ui/Dialogs.js';
import { useKeymap } from '../../ui/useKeymap.js';
import type { Scope } from '../../ui/keymap.js';
import { theme } from '../../ui/theme.js';
import { useHostList } from '../use-hosts-list.js';
import type { MonitorTargets } from '../use-monitor.js';
import { certLine, relaysLines, type ClientRow, type Row } from '../../present/monitor.js';
import { useMonitorScreen } from './use-monitor-screen.js';
import type { Pane } from './state.js';
import type { Snapshot } from '../../monitor/views.js';

export type { Pane };

/** `targets` left out: this machine and every host in the inventory (read when the screen opens). */
export function Monitor(props: { targets?: MonitorTargets; onExit: () => void; isActive?: boolean }) {
  const inventory = useHostList();
  const v = useMonitorScreen(props.targets ?? { hosts: inventory.map((h) => h.name) });
  const { snapshot, state, dispatch, task, clients, timers, pending } = v;
  const [helpOpen, setHelpOpen] = useState(false);
  const lastFilter = useRef('');
  const onFilter = useCallback((text: string) => { if (text !== lastFilter.current) { lastFilter.current = text; dispatch({ type: 'filter', text }); } }, [dispatch]);
  const { pane, filter, filtering } = state;

  const scopes: Scope[] = pending ? ['confirm'] : filtering ? ['filter'] : ['list', 'monitor', pane === 'clients' ? 'monitor.clients' : 'monitor.timers'];
  useKeymap(['global', ...scopes.filter((s) => s !== 'confirm')], {
    help: () => setHelpOpen((h) => !h),
    back: () => (helpOpen ? setHelpOpen(false) : pending ? dispatch({ type: 'close' }) : filtering ? (dispatch({ type: 'clear-filter' }), (lastFilter.current = '')) : props.onExit()),
    'list.up': () => v.move(-1),
    'list.down': () => v.move(1),
    'mon.pane': () => dispatch({ type: 'switch-pane' }),
    'mon.filter': () => dispatch({ type: 'filtering', on: true }),
    'filter.done': () => dispatch({ type: 'filtering', on: false }),
    'mon.pause': v.pause,
    'mon.approve': v.approve,
    'mon.deny': v.deny,
    'mon.revoke': v.revoke,
    'mon.extend': v.extend,
    'mon.end': v.end,
  }, { isActive: (props.isActive ?? true) && !pending, typing: filtering });

  const status = <Text color={snapshot?.paused ? theme.warn : theme.dim}>{snapshot?.paused ? 'PAUSED' : `updated ${snapshot ? snapshot.at.slice(11, 19) : '…'}`}</Text>;
  return (
    <ScreenFrame title="Monitor" scopes={scopes} helpOpen={helpOpen} typing={filtering} status={status}>
      <MonitorBody snapshot={snapshot} clients={clients} timers={timers} pane={pane} clientCursor={v.clientCursor} timerCursor={v.timerCursor} />
      {filtering || filter ? <Box><Text color={theme.accent}>filter › </Text>{filtering ? <TextField prompt="" value={filter} onChange={onFilter} onSubmit={() => {}} /> : <Text>{filter}</Text>}</Box> : null}
      {pending ? <ConfirmDialog title={pending.title} lines={pending.lines} onYes={v.confirm} onNo={() => dispatch({ type: 'close' })} isActive={props.isActive ?? true} /> : null}
      {task.busy ? <Text color={theme.dim}>{task.busy}…</Text> : null}
      {task.error ? <Text wrap="truncate-end" color={theme.error}>{task.error[0]}</Text> : null}
      {task.result ? <Text color={theme.ok}>{task.result[0]}</Text> : null}
      {!task.busy && !task.error && !task.result && snapshot?.events.length ? <Text wrap="truncate-end" color={theme.dim}>{snapshot.events[snapshot.events.length - 1]}</Text> : null}
    </ScreenFrame>
  );
}

/** The panes, from a snapshot: pure rendering (the benchmark renders this with 1,000 rows of each). */
export function MonitorBody(props: { snapshot: Snapshot | undefined; clients: ClientRow[]; timers: Row[]; pane: Pane; clientCursor: number; timerCursor: number }) {
  const { snapshot, clients, timers, pane } = props;
  const hostLine = snapshot?.hosts.filter((h) => h.host !== 'local').map((h) => `${h.host}: ${h.state === 'ok' ? 'ok' : h.state === 'connecting' ? '…' : `UNREACHABLE${h.nextTryInS !== undefined ? ` (retry in ${h.nextTryInS}s)` : ''}`}`).join(' · ');
  const pendingCount = clients.filter((c) => c.pending).length;
  const certs = snapshot ? certLine(snapshot) : undefined;
  return (
    <Box flexDirection="column">
      {snapshot ? relaysLines(snapshot.relays).map((l, i) => <Text key={`relay${i}`} wrap="truncate-end" color={l.startsWith('RELAY') ? (/: UP /.test(l) ? theme.ok : /^RELAY: (none runs|checking)/.test(l) ? theme.dim : theme.error) : undefined}>{l}</Text>) : null}
      {certs ? <Text wrap="truncate-end" color={certs.tone === 'error' ? theme.error : certs.tone === 'warn' ? theme.warn : theme.dim}>{certs.text}</Text> : null}
      {hostLine ? <Text wrap="truncate-end" color={hostLine.includes('UNREACHABLE') ? theme.error : theme.dim}>HOSTS {hostLine}</Text> : null}
      <Text bold color={pane === 'clients' ? theme.accent : undefined}>{pane === 'clients' ? '▸ ' : '  '}CLIENTS ({clients.filter((c) => c.connected).length} connected{pendingCount ? `, ${pendingCount} PENDING` : ''})</Text>
      <Table columns={[{ title: 'STATE', width: 7 }, { title: 'NAME', width: 14 }, { title: 'ID', width: 14 }, { title: 'FROM', width: 14 }, { title: 'SINCE', width: 17 }, { title: 'MSGS', width: 6 }]}
        rows={clients} {...(pane === 'clients' ? { cursor: props.clientCursor } : {})} maxRows={4} empty="no clients connected or waiting" />
      <Text bold color={pane === 'timers' ? theme.accent : undefined}>{pane === 'timers' ? '▸ ' : '  '}RULE TIMERS ({timers.length})</Text>
      <Table columns={[{ title: 'HOST', width: 8 }, { title: 'RULE', width: 16 }, { title: 'WHAT', width: 38 }, { title: 'LEFT', width: 11 }]}
        rows={timers} {...(pane === 'timers' ? { cursor: props.timerCursor } : {})} maxRows={4} empty="no timed forwards or commbase-admin ports" />
    </Box>
  );
}
