import React, { Suspense, lazy, useEffect, useState, type ReactElement } from 'react';
import { Box, Text, useApp } from 'ink';
import { setNoticeSink } from '../core/notices.js';
import { ErrorBoundary } from '../ui/ErrorBoundary.js';
import { theme } from '../ui/theme.js';
import { Home } from './Home/Home.js';
import type { MonitorTargets } from './use-monitor.js';
import { SCREENS, type ScreenId } from './registry.js';
// Screens load when first opened: the first frame (the home screen) needs none of them.
const CertWizard = lazy(() => import('./CertWizard/CertWizard.js').then((m) => ({ default: m.CertWizard })));
const Config = lazy(() => import('./Config/Config.js').then((m) => ({ default: m.Config })));
const Monitor = lazy(() => import('./Monitor/Monitor.js').then((m) => ({ default: m.Monitor })));
const Firewall = lazy(() => import('./Firewall/Firewall.js').then((m) => ({ default: m.Firewall })));
const Forwards = lazy(() => import('./Forwards/Forwards.js').then((m) => ({ default: m.Forwards })));
const Hosts = lazy(() => import('./Hosts/Hosts.js').then((m) => ({ default: m.Hosts })));
const History = lazy(() => import('./History/History.js').then((m) => ({ default: m.History })));
const Relay = lazy(() => import('./Relay/Relay.js').then((m) => ({ default: m.Relay })));
const Proxy = lazy(() => import('./Proxy/Proxy.js').then((m) => ({ default: m.Proxy })));
const ClientSetup = lazy(() => import('./ClientSetup/ClientSetup.js').then((m) => ({ default: m.ClientSetup })));


export interface AppProps {
  readOnly?: boolean;
  certDefaults: { cn: string; sans: string[]; dir: string };
  /** What Monitor and Clients watch: this machine and the hosts named with --host. */
  monitor?: MonitorTargets;
  /** Open straight onto a screen (commbase-admin monitor, commbase-admin config edit). */
  initialScreen?: ScreenId;
  /** The Configuration screen's file and host (commbase-admin config edit --file F --host H). */
  config?: { file?: string; host?: string };
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
      <ErrorBoundary key={screen} onBack={home}><Suspense fallback={<Text color={theme.dim}>opening…</Text>}>{screenFor(screen, props, home, setScreen, exit, last)}</Suspense></ErrorBoundary>
      {note ? <Text color={theme.warn}>{note}</Text> : null}
    </Box>
  );
}

function screenFor(screen: ScreenId | 'home', props: AppProps, home: () => void, setScreen: (s: ScreenId) => void, exit: () => void, last: ScreenId | undefined): ReactElement {
  // The Monitor and Clients watch every host in the inventory unless told otherwise (commbase-admin monitor --host).
  const targets = props.monitor;
  switch (screen) {
    case 'certs':
      return <CertWizard defaults={props.certDefaults} onExit={home} readOnly={Boolean(props.readOnly)} />;
    case 'monitor':
      return <Monitor {...(targets ? { targets } : {})} onExit={home} readOnly={Boolean(props.readOnly)} />;
    case 'relay':
      return <Relay onExit={home} readOnly={Boolean(props.readOnly)} />;
    case 'config':
      return <Config onExit={home} readOnly={Boolean(props.readOnly)} {...(props.config?.file ? { file: props.config.file } : {})} {...(props.config?.host ? { host: props.config.host } : {})} />;
    case 'firewall':
      return <Firewall onExit={home} readOnly={Boolean(props.readOnly)} />;
    case 'forwards':
      return <Forwards onExit={home} readOnly={Boolean(props.readOnly)} />;
    case 'hosts':
      return <Hosts onExit={home} readOnly={Boolean(props.readOnly)} />;
    case 'proxy':
      return <Proxy onExit={home} readOnly={Boolean(props.readOnly)} />;
    case 'clienthost':
      return <ClientSetup onExit={home} readOnly={Boolean(props.readOnly)} />;
    case 'history':
      return <History onExit={home} readOnly={Boolean(props.readOnly)} />;
    default:
      return <Home onOpen={setScreen} onQuit={exit} readOnly={Boolean(props.readOnly)} initialCursor={Math.max(0, SCREENS.findIndex((s) => s.id === last))} summaryTargets={{ hosts: ['local'], ...(targets?.dataDir ? { dataDir: targets.dataDir } : {}), relayEveryMs: 5000, timersEveryMs: 30_000 }} />;
  }
}
