// Open the interactive console. Loaded only when commbase-admin runs with no command.
import React from 'react';
import { render } from 'ink';
import { UserError } from '../core/errors.js';
import { defaultCertDir } from '../core/paths.js';
import { defaultServerSans, localHostName } from '../services/machine.js';
import { App } from './App.js';
import type { ScreenId } from './registry.js';
import type { MonitorTargets } from './use-monitor.js';

export async function openConsole(opts: { readOnly: boolean; monitor?: MonitorTargets; initialScreen?: ScreenId; config?: { file?: string; host?: string } }): Promise<void> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UserError('failed to open the console: standard input and output are not a TTY', [
      'run a command instead, e.g. commbase-admin cert inspect FILE --json; see commbase-admin --help',
    ]);
  }
  const certDefaults = { cn: localHostName(), sans: defaultServerSans(), dir: defaultCertDir() };
  const app = render(React.createElement(App, { readOnly: opts.readOnly, certDefaults, ...(opts.monitor ? { monitor: opts.monitor } : {}), ...(opts.initialScreen ? { initialScreen: opts.initialScreen } : {}), ...(opts.config ? { config: opts.config } : {}) }), { exitOnCtrlC: true });
  await app.waitUntilExit();
}
