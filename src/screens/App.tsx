// The console's root: which screen is open, the checklist's way back to itself, and notices under the frame.
import React, { Suspense, lazy, useEffect, useState, type ReactElement } from 'react';
import { Box, Text, useApp } from 'ink';
import { setNoticeSink } from '../core/notices.js';
import { ErrorBoundary } from '../ui/ErrorBoundary.js';
import { theme } from '../ui/theme.js';
import { ReadOnlyContext } from '../ui/read-only.js';
import { KeyStateProvider } from '../ui/key-state.js';
import { Home } from './Home/Home.js';
import type { MonitorTargets } from './use-monitor.js';
import { SCREENS, type Intent, type ScreenId } from './registry.js';
import type { Journey as JourneyState, StepId } from '../monitor/journey.js';
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
const Journey = lazy(() => import('./Journey/Journey.js').then((m) => ({ default: m.Journey })));


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
/** The checklist step → the screen that does it, and what that screen offers first. */
function stepScreen(step: StepId, j: JourneyState): { screen: ScreenId; intent: Intent } {
  switch (step) {
    case 'cert': return { screen: 'certs', intent: {} };
    case 'hosts': return { screen: 'hosts', intent: j.clientHosts.length === 0 ? { addHost: true } : {} };
    case 'firewall': return { screen: 'firewall', intent: { openPort: { port: j.port, ...(j.source ? { from: j.source } : {}) } } };
    case 'relay': return { screen: 'relay', intent: j.relay ? {} : { startRelay: true } };
    case 'clients': return { screen: 'clienthost', intent: j.nextClient ? { clientHost: j.nextClient } : {} };
    default: return { screen: 'monitor', intent: {} };
  }
}

/**
 * Navigation only: which screen is open, inside an error boundary. Each screen owns its keys, help and footer.
 * A screen opened from the checklist goes back to it. Notices from services (which would otherwise write to
 * stderr over the frame) show on one line below.
 */
export function App(props: AppProps) {
  const { exit } = useApp();
  const [screen, setScreen] = useState<ScreenId | 'home'>(props.initialScreen ?? 'home');
  const [note, setNote] = useState<string | undefined>();
  useEffect(() => setNoticeSink(setNote), []);
  const [last, setLast] = useState<ScreenId | undefined>();
  const [guided, setGuided] = useState<{ step: StepId; intent: Intent } | undefined>();
  const back = () => {
    if (guided && screen !== 'journey') { setScreen('journey'); return; }
    if (screen !== 'home') setLast(screen);
    setGuided(undefined);
    setScreen('home');
  };
  const openStep = (step: StepId, j: JourneyState) => { const s = stepScreen(step, j); setGuided({ step, intent: s.intent }); setScreen(s.screen); };
  const nav: Nav = { back, open: (s) => { setGuided(undefined); setScreen(s); }, openStep, exit, last, guided };
  return (
    <ReadOnlyContext.Provider value={Boolean(props.readOnly)}>
    <KeyStateProvider>
    <Box flexDirection="column">
      <ErrorBoundary key={screen} onBack={back}><Suspense fallback={<Text color={theme.dim}>opening…</Text>}>{screenFor(screen, props, nav)}</Suspense></ErrorBoundary>
      {note ? <Text color={theme.warn}>{note}</Text> : null}
    </Box>
    </KeyStateProvider>
    </ReadOnlyContext.Provider>
  );
}

interface Nav {
  back: () => void;
  open: (s: ScreenId) => void;
  openStep: (step: StepId, j: JourneyState) => void;
  exit: () => void;
  last: ScreenId | undefined;
  guided: { step: StepId; intent: Intent } | undefined;
}

function screenFor(screen: ScreenId | 'home', props: AppProps, nav: Nav): ReactElement {
  // The Monitor and Clients watch every host in the inventory unless told otherwise (commbase-admin monitor --host).
  const targets = props.monitor;
  const home = nav.back;
  const intent = nav.guided?.intent ?? {};
  switch (screen) {
    case 'journey':
      return <Journey onOpen={nav.openStep} onExit={home} {...(nav.guided ? { initialStep: nav.guided.step } : {})} />;
    case 'certs':
      return <CertWizard defaults={props.certDefaults} onExit={home} />;
    case 'monitor':
      return <Monitor {...(targets ? { targets } : {})} onExit={home} />;
    case 'relay':
      return <Relay onExit={home} {...(intent.startRelay ? { startNow: true } : {})} />;
    case 'config':
      return <Config onExit={home} {...(props.config?.file ? { file: props.config.file } : {})} {...(props.config?.host ? { host: props.config.host } : {})} />;
    case 'firewall':
      return <Firewall onExit={home} {...(intent.openPort ? { openWith: intent.openPort } : {})} />;
    case 'forwards':
      return <Forwards onExit={home} />;
    case 'hosts':
      return <Hosts onExit={home} {...(intent.addHost ? { addNow: true } : {})} />;
    case 'proxy':
      return <Proxy onExit={home} />;
    case 'clienthost':
      return <ClientSetup onExit={home} {...(intent.clientHost ? { suggestHost: intent.clientHost } : {})} />;
    case 'history':
      return <History onExit={home} />;
    default:
      return <Home onOpen={nav.open} onQuit={nav.exit} initialCursor={Math.max(0, SCREENS.findIndex((s) => s.id === nav.last))} summaryTargets={{ hosts: ['local'], ...(targets?.dataDir ? { dataDir: targets.dataDir } : {}), relayEveryMs: 5000, timersEveryMs: 30_000 }} />;
  }
}
