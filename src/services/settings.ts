// The console's own settings (hosts inventory, pinned host keys, defaults), stored by `conf` in
// $XDG_CONFIG_HOME/commbase-admin/settings.json (0600) and validated by zod on every read. conf writes
// atomically; a corrupt or hand-broken file is reported with its path and field and left untouched. Reading is
// the file itself (JSON, checked by zod): conf, with the ajv it brings, loads only when something is written, so
// a command that only reads the inventory starts without it.
import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type Conf from 'conf';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { MODE_PRIVATE_DIR, MODE_SECRET } from '../core/files.js';
import { appConfigDir, SETTINGS_FILE } from '../core/paths.js';
import { hostOrIp, port } from '../core/net.js';
import { BACKENDS, hostNameKey, loginName } from '../core/names.js';

export { BACKENDS, hostNameKey, loginName, type Backend } from '../core/names.js';

export const hostSchema = z.object({
  address: hostOrIp,
  port: port.default(22),
  user: loginName.default('root'),
  identity: z.string().min(1).optional(),
  backend: z.enum(BACKENDS).default('iptables'),
  sudo: z.boolean().default(false),
});
export type HostConfig = z.output<typeof hostSchema>;

export const pinnedKeySchema = z.object({
  fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must look like SHA256: followed by 43 base64 characters'),
  pinnedAt: z.string(),
});

export const settingsSchema = z.object({
  hosts: z.record(hostNameKey, hostSchema).default({}),
  knownHosts: z.record(hostNameKey, pinnedKeySchema).default({}),
  localBackend: z.enum(BACKENDS).default('iptables'),
  localSudo: z.boolean().default(false),
  confFile: z.string().min(1).optional(),
  /** The commbase.conf files the Configuration screen opened last, newest first (host:path). */
  recentConfFiles: z.array(z.object({ host: hostNameKey, path: z.string().min(1).max(4096) })).max(8).default([]),
  /** Certificates `cert acme` made: the Monitor shows their days left. */
  managedCerts: z.array(z.object({ host: hostNameKey, dir: z.string().min(1).max(4096), domains: z.array(z.string().max(253)).max(100) })).max(200).default([]),
});
export type Settings = z.output<typeof settingsSchema>;

/** conf, loaded when first needed (synchronously: it is ESM, and Node 20.19+ requires ESM). */
const loadConf = () => (createRequire(import.meta.url)('conf') as { default: typeof Conf }).default;

export class SettingsStore {
  private writer: Conf<Record<string, unknown>> | undefined;
  readonly path: string;

  constructor(private readonly dir = appConfigDir()) {
    this.path = path.join(dir, SETTINGS_FILE);
    try {
      // 0700: the settings name hosts, users and identity files (docs/security.md); conf would make it 0755.
      mkdirSync(dir, { recursive: true, mode: MODE_PRIVATE_DIR });
      if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, MODE_PRIVATE_DIR);
    } catch (err) {
      throw this.unreadable(err);
    }
  }

  private unreadable(err: unknown): UserError {
    return new UserError(`failed to read the settings file ${this.path}: ${(err as Error).message}`, [
      'fix the file by hand (it is JSON), or move it aside to start with empty settings; it was left as it is',
    ], 'settings');
  }

  /** The file as it is: {} when there is none yet. */
  private raw(): unknown {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw this.unreadable(err);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw this.unreadable(err);
    }
  }

  read(): Settings {
    const result = settingsSchema.safeParse(this.raw());
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new UserError(`failed to read the settings: ${this.path} is invalid at ${issue.path.map(String).join('.') || '(top)'}: ${issue.message}`, [
        'fix that field by hand, or remove it; the file was left as it is',
      ], issue.path.map(String).join('.'));
    }
    return result.data;
  }

  update(change: (s: Settings) => Settings): Settings {
    const next = settingsSchema.parse(change(this.read()));
    try {
      this.writer ??= new (loadConf())({ cwd: this.dir, configName: 'settings', configFileMode: MODE_SECRET, projectName: 'commbase-admin' });
    } catch (err) {
      throw this.unreadable(err);
    }
    this.writer.store = next as unknown as Record<string, unknown>;
    return next;
  }
}
