// Subscribe a screen to the monitoring service: created on mount, stopped on unmount.
import { useEffect, useRef, useState } from 'react';
import { Monitor, type Snapshot } from '../monitor/service.js';
import { openRunner, type HostEntry } from '../services/hosts.js';
import { rememberedOnly } from '../services/passphrases.js';

export interface MonitorTargets {
  hosts: string[];
  dataDir?: string;
  relayEveryMs?: number;
  timersEveryMs?: number;
}

export function useMonitor(targets: MonitorTargets) {
  const [snapshot, setSnapshot] = useState<Snapshot | undefined>();
  const [now, setNow] = useState(Date.now());
  const ref = useRef<Monitor | undefined>(undefined);
  const key = JSON.stringify(targets);
  useEffect(() => {
    const m = new Monitor({ ...targets, connect: (h: HostEntry) => openRunner(h.name, rememberedOnly()) });
    ref.current = m;
    m.on('snapshot', setSnapshot);
    m.start();
    // Countdowns move every second between snapshots.
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => { clearInterval(tick); m.removeAllListeners(); void m.stop(); };
  }, [key]);
  return { snapshot, now, monitor: ref };
}
