// The Monitor screen's behaviour: rows from the live snapshot (filtered), the selected client or timer, and
// the actions its keys run (approve, deny, revoke; extend, revoke or close a timer), the destructive ones
// through a confirmation. The component only renders and binds keys.
import { useReducer } from 'react';
import { closePort } from '../../firewall/service.js';
import { extendForward, revokeForward } from '../../firewall/forward-service.js';
import { clientRows, monitorView, showsSeconds, timerRows } from '../../present/monitor.js';
import { useMonitor, type MonitorTargets } from '../use-monitor.js';
import { useTask } from '../use-task.js';
import { initialState, reduce, type Pending } from './state.js';

export function useMonitorScreen(targets: MonitorTargets) {
  const { snapshot, now, monitor } = useMonitor(targets, showsSeconds, monitorView);
  const [state, dispatch] = useReducer(reduce, undefined, () => initialState());
  const task = useTask<string[]>();
  const clients = snapshot ? clientRows(snapshot, now, state.filter) : [];
  const timers = snapshot ? timerRows(snapshot.timers, now, state.filter) : [];
  const clientCursor = Math.min(state.cursors.clients, clients.length - 1);
  const timerCursor = Math.min(state.cursors.timers, timers.length - 1);
  const selClient = clients[clientCursor];
  const selTimer = timers[timerCursor]?.timer;
  const pending = state.modal.kind === 'confirm' ? state.modal.pending : undefined;
  const m = monitor.current;
  const act = (label: string, work: () => Promise<string>) => task.start(label, async () => [await work()]);
  const ask = (p: Pending) => dispatch({ type: 'ask', pending: p });

  return {
    snapshot, state, dispatch, task, clients, timers, clientCursor, timerCursor, pending,
    move: (d: number) => dispatch({ type: 'move-in-pane', delta: d, count: state.pane === 'clients' ? clients.length : timers.length }),
    confirm: () => { if (pending) { dispatch({ type: 'close' }); act('working', pending.run); } },
    pause: () => m?.setPaused(!m.paused),
    approve: () => { if (m && selClient?.pending) act(`approving ${selClient.id}`, async () => { await m.approve(selClient.host, selClient.id); return `approved ${selClient.id}: it receives its token on its next request`; }); },
    deny: () => { if (m && selClient?.pending) ask({ title: `Deny ${selClient.id}?`, lines: [`${selClient.cells[1]} on ${selClient.host} will be refused.`], run: async () => { await m.deny(selClient.host, selClient.id); return `denied ${selClient.id}`; } }); },
    revoke: () => { if (m && selClient && !selClient.pending) ask({ title: `Revoke ${selClient.id}?`, lines: [`Its token stops working and its connections on ${selClient.host} are dropped now.`], run: async () => { await m.revoke(selClient.host, selClient.id); return `revoked ${selClient.id}`; } }); },
    extend: () => { if (m && selTimer?.kind === 'forward') act(`extending ${selTimer.id}`, async () => { const r = await extendForward({ host: selTimer.host, id: selTimer.id, ttl: '30m' }, m.deps); await m.refreshTimers(); return `forward ${r.id} now ends at ${r.deadline}`; }); },
    end: () => {
      if (!m || !selTimer) return;
      if (selTimer.kind === 'forward') {
        ask({ title: `Revoke forward ${selTimer.id}?`, lines: [selTimer.label, `on ${selTimer.host}: both rules are removed now.`], run: async () => { await revokeForward({ host: selTimer.host, id: selTimer.id }, m.deps); await m.refreshTimers(); return `revoked forward ${selTimer.id}`; } });
        return;
      }
      const [portProto, from] = selTimer.id.split(' ');
      const [p, proto] = (portProto ?? '').split('/');
      ask({ title: `Close ${selTimer.id}?`, lines: [`on ${selTimer.host}`], run: async () => { const r = await closePort({ host: selTimer.host, port: p ?? '', proto: proto as 'tcp' | 'udp', ...(from && !from.startsWith('v') ? { from } : {}) }, m.deps); await m.refreshTimers(); return `${r.rule}: ${r.outcome}`; } });
    },
  };
}
