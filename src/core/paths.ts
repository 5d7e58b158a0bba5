// Where the console keeps its own files. XDG variables are honoured so tests and operators can isolate them.
import os from 'node:os';
import path from 'node:path';

export const APP = 'commbase-admin';

export function configHome(): string {
  return process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
}

export function dataHome(): string {
  return process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
}

export function appConfigDir(): string {
  return path.join(configHome(), APP);
}

/** The console's settings (the hosts inventory among them), in appConfigDir(): services/settings.ts owns its format. */
export const SETTINGS_FILE = 'settings.json';

export function appDataDir(): string {
  return path.join(dataHome(), APP);
}

export function defaultCertDir(): string {
  return path.join(appDataDir(), 'certificates');
}

export function defaultRelayDataDir(): string {
  return path.join(appDataDir(), 'relay');
}
