// The Configuration screen's file chooser (f, or when there is no file to work on): a path with Tab completion
// on the selected host, the recent files picked with ↑/↓, read when the screen loads (never during render).
import { useCallback, useState } from 'react';
import { recentConfFiles } from '../../conffile/recent.js';
import { completePath } from '../../core/files.js';
import { completeOnHost, withRunner } from '../../services/hosts.js';
import type { Connector } from '../../services/hosts.js';

type Recent = { recent: Array<{ host: string; path: string }>; defaultFile?: string };

const readRecent = (): Recent => { try { return recentConfFiles(); } catch { return { recent: [] }; } };

export function useChooser(opts: {
  file: string | undefined;
  hostName: string;
  hosts: Array<{ name: string }>;
  connect: Connector['connect'];
  /** Switch to the host a recent file is on. */
  toHost: (index: number) => void;
  clearTask: () => void;
}) {
  const [chosen, setChosen] = useState<string | undefined>(opts.file);
  const [open, setOpen] = useState(false);
  const [recentIndex, setRecentIndex] = useState(-1);
  const [recent, setRecent] = useState<Recent>({ recent: [] });
  const { hostName, hosts } = opts;
  return {
    chosen,
    /** Read the recent files again (after a load). */
    refresh: useCallback(() => setRecent(readRecent()), []),
    view: {
      open,
      recent: recent.recent,
      recentIndex,
      /** What the path field suggests: the recent file picked with ↑/↓, this host's last file, the default file. */
      suggestion: recent.recent[recentIndex]?.path ?? recent.recent.find((r) => r.host === hostName)?.path ?? recent.defaultFile ?? '/opt/commbase/config/commbase.conf',
      complete: hostName === 'local' ? completePath : (partial: string) => withRunner(hostName, opts.connect, (runner) => completeOnHost(runner, partial)),
      start: () => { setOpen(true); setRecentIndex(-1); opts.clearTask(); },
      pick: (d: number) => setRecentIndex((i) => Math.max(-1, Math.min(recent.recent.length - 1, i + d))),
      cancel: () => setOpen(false),
      choose: (path: string) => {
        const r = recent.recent[recentIndex];
        setOpen(false);
        if (r && r.path === path && r.host !== hostName) {
          const i = hosts.findIndex((h) => h.name === r.host);
          if (i >= 0) opts.toHost(i);
        }
        setChosen(path);
      },
    },
    /** Nothing to work on yet: open the chooser. */
    ask: useCallback(() => setOpen(true), []),
  };
}
