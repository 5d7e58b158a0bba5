// The Relay & clients screen's reads: the shown host's relay status (its admin feed: the console's own relay, one
// started there by hand, or the deployed service's) and systemd's view of the deployed service, every 2 s over one
// kept connection per host while the screen is open; and the deployed relay's journal, followed while its view is open.
import { useCallback, useEffect, useRef } from 'react';
import { classify } from '../../core/errors.js';
import { relayLines } from '../../present/monitor.js';
import { AdminClient } from '../../relay/admin-client.js';
import { followLogs, serviceStatus } from '../../relay/service-control.js';
import { getHost, keepConnections, type Connector, type KeptConnections } from '../../services/hosts.js';
import { clientLines, type Action } from './state.js';

type Dispatch = (a: Action) => void;

/** One kept connection per host for the screen's life (closed when it closes). */
export function useKept(connect: Connector['connect']): KeptConnections {
  const kept = useRef<KeptConnections | undefined>(undefined);
  kept.current ??= keepConnections(connect);
  useEffect(() => () => void kept.current?.closeAll(), []);
  return kept.current;
}

/** The relay's status and the service's state on `host`, read now and every 2 s; returns "read again now". */
export function useRelayPoll(host: string, dataDir: string | undefined, kept: KeptConnections, dispatch: Dispatch): () => void {
  // A poll that changes nothing on screen does not redraw it (uptime in minutes, idle sparklines, same clients).
  const shown = useRef('');
  const shownService = useRef('');
  const refresh = useCallback(() => {
    const read = async () => {
      const service = await serviceStatus({ host }, kept).catch(() => undefined);
      if (JSON.stringify(service ?? null) !== shownService.current) { shownService.current = JSON.stringify(service ?? null); dispatch({ type: 'service', service }); }
      const c = await AdminClient.connect({ host, ...(dataDir ? { dataDir } : {}) }, kept);
      const status = await c.status();
      const view = JSON.stringify([relayLines({ host, dataDir: c.dataDir, state: 'up', since: '', status }), clientLines(status)]);
      if (view !== shown.current) { shown.current = view; dispatch({ type: 'status', status }); }
    };
    read().catch(async (err) => {
      const why = classify(err).message;
      if (shown.current !== `down: ${why}`) { shown.current = `down: ${why}`; dispatch({ type: 'down', why }); }
      // Only a connection that is gone is dropped (a task may be using it: a deploy while its relay is not up yet).
      const alive = await kept.connect(getHost(host)).then((r) => r.run(['true'], { allowFailure: true, timeoutMs: 5000 })).then(() => true, () => false);
      if (!alive) kept.forget(host);
    });
  }, [host, dataDir, kept, dispatch]);
  useEffect(() => {
    shown.current = '';
    shownService.current = '';
    refresh();
    const t = setInterval(refresh, 2000);
    return () => clearInterval(t);
  }, [refresh]);
  return refresh;
}

/** While `open`, the deployed relay's journal on `host`: its last lines, then each new one. */
export function useRelayLogs(host: string, open: boolean, kept: KeptConnections, dispatch: Dispatch): void {
  useEffect(() => {
    if (!open) return undefined;
    const stop = new AbortController();
    followLogs({ host, lines: 12 }, kept, (lines) => dispatch({ type: 'logs-add', lines }), stop.signal, 2000)
      .catch((err) => { if (!stop.signal.aborted) dispatch({ type: 'logs-add', lines: [`cannot read the journal: ${classify(err).message}`] }); });
    return () => stop.abort();
  }, [host, open, kept, dispatch]);
}
