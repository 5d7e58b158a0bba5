import React, { useEffect, useState, type ReactElement } from 'react';
import { Box, Text, useApp } from 'ink';
import { setNoticeSink } from '../core/notices.js';
import { ErrorBoundary } from '../ui/ErrorBoundary.js';
import { theme } from '../ui/theme.js';
import { Home } from './Home/Home.js';
import { CertWizard } from './CertWizard/CertWizard.js';
import { Config } from './Config/Config.js';
import { Monitor } from './Monitor/Monitor.js';
import type { MonitorTargets } from './use-monitor.js';
import { Firewall } from './Firewall/Firewall.js';
import { Forwards } from './Forwards/Forwards.js';
import { Hosts } from './Hosts/Hosts.js';
import { History } from './History/History.js';
import { ClientSetup } from './ClientSetup/ClientSetup.js';
import { SCREENS, type ScreenId } from './registry.js';

export interface AppProps {
  readOnly?: boolean;
  certDefaults: { cn: string; sans: string[]; dir: string };
  /** What Monitor and Clients watch: this machine and the hosts named with --host. */
  monitor?: MonitorTargets;
  /** Open straight onto a screen (commbase-admin monitor). */
  initialScreen?: ScreenId;
}

/**
 * Navigation only: which screen is open, inside an error boundary. Each screen owns its keys, help and footer.
 * Notices from services (which would otherwise write to stderr over the frame) show on one line below.
 */
export function App(props: AppProps) {
  const { exit } = useApp();
  const [screen, setScreen] = useState<ScreenId | 'home'>(props.initialScreen ?? 'home');
  const [note, setNote] = useState<string | undefined>();
  useEffect(() => setNoticeSink(setNote), []);
  const home = () => { if (screen !== 'home') setLast(screen); setScreen('home'); };
  const [last, setLast] = useState<ScreenId | undefined>();
  return (
    <Box flexDirection="column">
      <ErrorBoundary key={screen} onBack={home}>{screenFor(screen, props, home, setScreen, exit, last)}</ErrorBoundary>
      {note ? <Text color={theme.warn}>{note}</Text> : null}
    </Box>
  );
}

function screenFor(screen: ScreenId | 'home', props: AppProps, home: () => void, setScreen: (s: ScreenId) => void, exit: () => void, last: ScreenId | undefined): ReactElement {
  const targets = props.monitor ?? { hosts: ['local'] };
  switch (screen) {
    case 'certs':
      return <CertWizard defaults={props.certDefaults} onExit={home} readOnly={Boolean(props.readOnly)} />;
    case 'monitor':
      return <Monitor targets={targets} onExit={home} readOnly={Boolean(props.readOnly)} />;
    case 'clients':
      return <Monitor targets={targets} onExit={home} readOnly={Boolean(props.readOnly)} initialPane="clients" />;
    case 'config':
      return <Config onExit={home} readOnly={Boolean(props.readOnly)} />;
    case 'firewall':
      return <Firewall onExit={home} readOnly={Boolean(props.readOnly)} />;
    case 'forwards':
      return <Forwards onExit={home} readOnly={Boolean(props.readOnly)} />;
    case 'hosts':
      return <Hosts onExit={home} readOnly={Boolean(props.readOnly)} />;
    case 'clienthost':
      return <ClientSetup onExit={home} readOnly={Boolean(props.readOnly)} />;
    case 'history':
      return <History onExit={home} readOnly={Boolean(props.readOnly)} />;
    default:
      return <Home onOpen={setScreen} onQuit={exit} readOnly={Boolean(props.readOnly)} initialCursor={Math.max(0, SCREENS.findIndex((s) => s.id === last))} summaryTargets={{ hosts: ['local'], ...(targets.dataDir ? { dataDir: targets.dataDir } : {}), relayEveryMs: 5000, timersEveryMs: 5000 }} />;
  }
}
