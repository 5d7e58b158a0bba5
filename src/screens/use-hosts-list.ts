// The inventory's hosts for a screen that works on one of them (read in an effect, never during render).
import { useState } from 'react';
import { listHosts, type HostEntry } from '../services/hosts.js';

/** The inventory as a screen starts with it; an unreadable settings file leaves just this machine (the Hosts
 * screen shows why). */
export function useHostList(): HostEntry[] {
  const [hosts] = useState<HostEntry[]>(() => {
    try {
      return listHosts();
    } catch {
      return [{ name: 'local', backend: 'iptables', sudo: false }];
    }
  });
  return hosts;
}
