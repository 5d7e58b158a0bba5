// Which commbase.conf the console works on: the one remembered as the default, and the files opened last (kept in
// the console's settings).
import path from 'node:path';
import { SettingsStore } from '../services/settings.js';
import { resolveConfPath } from './service.js';

/** The files the Configuration screen opened last (newest first), and the default file. */
export function recentConfFiles(store = new SettingsStore()): { recent: { host: string; path: string }[]; defaultFile?: string } {
  const s = store.read();
  return { recent: s.recentConfFiles, ...(s.confFile ? { defaultFile: s.confFile } : {}) };
}

export function noteRecentConfFile(host: string, file: string, store = new SettingsStore()): void {
  store.update((s) => ({ ...s, recentConfFiles: [{ host, path: file }, ...s.recentConfFiles.filter((r) => !(r.host === host && r.path === file))].slice(0, 8) }));
}

export function rememberConfFile(file: string, store = new SettingsStore()): string {
  const abs = path.resolve(file);
  store.update((s) => ({ ...s, confFile: abs }));
  return abs;
}

/** The conf file the console would edit, or undefined when none is configured. */
export function configuredConfPath(): string | undefined {
  try {
    return resolveConfPath();
  } catch {
    return undefined;
  }
}
