// Subscribe a screen to the monitoring service: created on mount, stopped on unmount.
import { useEffect, useEffectEvent, useRef, useState } from 'react';
import type { Monitor, Snapshot } from '../monitor/service.js';
import type { HostEntry } from '../services/hosts.js';

/** Loaded after the first frame: the monitor brings ssh2 and the relay's admin client, which the home screen's
 * first frame does not need (its line says "starting…" until the first snapshot). */
const load = async () => {
  const [{ Monitor }, { openRunner }, { rememberedOnly }] = await Promise.all([import('../monitor/service.js'), import('../services/hosts.js'), import('../services/passphrases.js')]);
  return { Monitor, openRunner, rememberedOnly };
};

export interface MonitorTargets {
  hosts: string[];
  dataDir?: string;
  relayEveryMs?: number;
  timersEveryMs?: number;
}

/**
 * `view(snapshot)`: what of it the screen shows (a redraw only when that changes).
 * `ticks(snapshot)`: whether the view shows seconds that move (a countdown, an age under a minute). Only then
 * does a one-second clock redraw it; otherwise a 30-second clock (ages in minutes) and snapshots that change
 * what is shown do (an idle console costs next to nothing).
 */
export function useMonitor(targets: MonitorTargets, ticks: (s: Snapshot | undefined) => boolean = () => true, view: (s: Snapshot) => string = (s) => JSON.stringify({ ...s, at: '' })) {
  const [snapshot, setSnapshot] = useState<Snapshot | undefined>();
  const [now, setNow] = useState(Date.now());
  const ref = useRef<Monitor | undefined>(undefined);
  const key = JSON.stringify(targets);
  // The targets as this render has them, and the view of a snapshot when it arrives.
  const current = useEffectEvent(() => targets);
  const seenOf = useEffectEvent((s: Snapshot) => view(s));
  useEffect(() => {
    let live = true;
    let m: Monitor | undefined;
    void load().then(({ Monitor, openRunner, rememberedOnly }) => {
      if (!live) return;
      m = new Monitor({ ...current(), connect: (h: HostEntry) => openRunner(h.name, rememberedOnly()) });
      ref.current = m;
      let last = '';
      m.on('snapshot', (s: Snapshot) => {
        // A poll that found nothing new does not redraw.
        const seen = seenOf(s);
        if (seen !== last) { last = seen; setSnapshot(s); }
      });
      m.start();
    });
    return () => { live = false; m?.removeAllListeners(); void m?.stop(); };
    // One Monitor per set of targets, compared by value: a caller's new object with the same targets keeps it.
  }, [key]);
  const ticking = ticks(snapshot);
  useEffect(() => {
    // Countdowns move every second between snapshots; ages shown in minutes move every 30 s at most.
    const tick = setInterval(() => setNow(Date.now()), ticking ? 1000 : 30_000);
    return () => clearInterval(tick);
  }, [ticking]);
  return { snapshot, now, monitor: ref };
}

/** The home screen's line shows seconds only while a timer counts down. */
export const hasCountdown = (s: Snapshot | undefined) => Boolean(s?.timers.some((t) => t.deadline && !t.expired));
