import React, { useCallback, useRef, useState } from 'react';
import { Box, Text } from 'ink';
import { TextInput } from '@inkjs/ui';
import { closePort } from '../../firewall/service.js';
import { extendForward, revokeForward } from '../../firewall/forward-service.js';
import { ScreenFrame } from '../../ui/ScreenFrame.js';
import { Table } from '../../ui/Table.js';
import { ConfirmDialog } from '../../ui/Dialogs.js';
import { useKeymap } from '../../ui/useKeymap.js';
import type { Scope } from '../../ui/keymap.js';
import { theme } from '../../ui/theme.js';
import { useMonitor, type MonitorTargets } from '../use-monitor.js';
import { useTask } from '../use-task.js';
import { clientRows, relayLines, timerRows, type ClientRow, type Row } from '../../present/monitor.js';
import type { Snapshot } from '../../monitor/service.js';

export type Pane = 'clients' | 'timers';
interface Pending { title: string; lines: string[]; run: () => Promise<string> }

export function Monitor(props: { targets: MonitorTargets; onExit: () => void; readOnly?: boolean; isActive?: boolean; initialPane?: Pane }) {
  const { snapshot, now, monitor } = useMonitor(props.targets);
  const [pane, setPane] = useState<Pane>(props.initialPane ?? 'clients');
  const [cursor, setCursor] = useState({ clients: 0, timers: 0 });
  const [filter, setFilter] = useState('');
  const [filtering, setFiltering] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const [pending, setPending] = useState<Pending | undefined>();
  const task = useTask<string[]>();
  const lastFilter = useRef('');
  const onFilter = useCallback((v: string) => { if (v !== lastFilter.current) { lastFilter.current = v; setFilter(v); } }, []);

  const clients = snapshot ? clientRows(snapshot, now, filter) : [];
  const timers = snapshot ? timerRows(snapshot.timers, now, filter) : [];
  const selClient = clients[Math.min(cursor.clients, clients.length - 1)];
  const selTimerIndex = Math.min(cursor.timers, timers.length - 1);
  const selTimer = snapshot?.timers.filter((t) => timers.some((r) => r.key === `${t.host}/${t.kind}/${t.id}`))[selTimerIndex];
  const m = monitor.current;

  const act = (label: string, work: () => Promise<string>) => task.start(label, async () => [await work()]);
  const ask = (p: Pending) => setPending(p);
  const move = (d: number) => setCursor((c) => ({ ...c, [pane]: Math.max(0, Math.min((pane === 'clients' ? clients.length : timers.length) - 1, c[pane] + d)) }));

  const scopes: Scope[] = pending ? ['confirm'] : filtering ? ['filter'] : ['list', 'monitor', pane === 'clients' ? 'monitor.clients' : 'monitor.timers'];
  useKeymap(['global', ...scopes.filter((s) => s !== 'confirm')], {
    help: () => setHelpOpen((v) => !v),
    back: () => (helpOpen ? setHelpOpen(false) : pending ? setPending(undefined) : filtering ? (setFiltering(false), setFilter(''), (lastFilter.current = '')) : props.onExit()),
    'list.up': () => move(-1),
    'list.down': () => move(1),
    'mon.pane': () => setPane((p) => (p === 'clients' ? 'timers' : 'clients')),
    'mon.filter': () => setFiltering(true),
    'filter.done': () => setFiltering(false),
    'mon.pause': () => m?.setPaused(!m.paused),
    'mon.approve': () => { if (m && selClient?.pending) act(`approving ${selClient.id}`, async () => { await m.approve(selClient.host, selClient.id); return `approved ${selClient.id}: it receives its token on its next request`; }); },
    'mon.deny': () => { if (m && selClient?.pending) ask({ title: `Deny ${selClient.id}?`, lines: [`${selClient.cells[1]} on ${selClient.host} will be refused.`], run: async () => { await m.deny(selClient.host, selClient.id); return `denied ${selClient.id}`; } }); },
    'mon.revoke': () => { if (m && selClient && !selClient.pending) ask({ title: `Revoke ${selClient.id}?`, lines: [`Its token stops working and its connections on ${selClient.host} are dropped now.`], run: async () => { await m.revoke(selClient.host, selClient.id); return `revoked ${selClient.id}`; } }); },
    'mon.extend': () => { if (m && selTimer?.kind === 'forward') act(`extending ${selTimer.id}`, async () => { const r = await extendForward({ host: selTimer.host, id: selTimer.id, ttl: '30m' }, m.deps); await m.refreshTimers(); return `forward ${r.id} now ends at ${r.deadline}`; }); },
    'mon.end': () => {
      if (!m || !selTimer) return;
      if (selTimer.kind === 'forward') ask({ title: `Revoke forward ${selTimer.id}?`, lines: [selTimer.label, `on ${selTimer.host}: both rules are removed now.`], run: async () => { await revokeForward({ host: selTimer.host, id: selTimer.id }, m.deps); await m.refreshTimers(); return `revoked forward ${selTimer.id}`; } });
      else {
        const [portProto, from] = selTimer.id.split(' ');
        const [p, proto] = (portProto ?? '').split('/');
        ask({ title: `Close ${selTimer.id}?`, lines: [`on ${selTimer.host}`], run: async () => { const r = await closePort({ host: selTimer.host, port: p ?? '', proto: proto as 'tcp' | 'udp', ...(from && !from.startsWith('v') ? { from } : {}) }, m.deps); await m.refreshTimers(); return `${r.rule}: ${r.outcome}`; } });
      }
    },
  }, { isActive: (props.isActive ?? true) && !pending, typing: filtering, readOnly: Boolean(props.readOnly) });

  const status = <Text color={snapshot?.paused ? theme.warn : theme.dim}>{snapshot?.paused ? 'PAUSED' : `updated ${snapshot ? snapshot.at.slice(11, 19) : '…'}`}</Text>;
  return (
    <ScreenFrame title="Monitor" scopes={scopes} helpOpen={helpOpen} typing={filtering} readOnly={Boolean(props.readOnly)} status={status}>
      <MonitorBody snapshot={snapshot} clients={clients} timers={timers} pane={pane} clientCursor={Math.min(cursor.clients, clients.length - 1)} timerCursor={selTimerIndex} />
      {filtering || filter ? <Box><Text color={theme.accent}>filter › </Text>{filtering ? <TextInput defaultValue={filter} onChange={onFilter} /> : <Text>{filter}</Text>}</Box> : null}
      {pending ? <ConfirmDialog title={pending.title} lines={pending.lines} onYes={() => { const p = pending; setPending(undefined); act('working', p.run); }} onNo={() => setPending(undefined)} isActive={props.isActive ?? true} readOnly={Boolean(props.readOnly)} /> : null}
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
  return (
    <Box flexDirection="column">
      {snapshot?.relays.map((r) => relayLines(r).map((l, i) => <Text key={`${r.host}${i}`} wrap="truncate-end" color={i === 0 ? (r.state === 'up' ? theme.ok : theme.error) : undefined}>{l}</Text>))}
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
