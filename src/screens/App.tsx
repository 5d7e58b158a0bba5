import React, { useState } from 'react';
import { useApp } from 'ink';
import { Home } from './Home/Home.js';
import { CertWizard } from './CertWizard/CertWizard.js';
import { Config } from './Config/Config.js';
import { Firewall } from './Firewall/Firewall.js';
import { Forwards } from './Forwards/Forwards.js';
import { Hosts } from './Hosts/Hosts.js';
import { SCREENS, type ScreenId } from './registry.js';

export interface AppProps {
  readOnly?: boolean;
  certDefaults: { cn: string; sans: string[]; dir: string };
}

/** Navigation only: which screen is open. Each screen owns its keys, help and footer. */
export function App(props: AppProps) {
  const { exit } = useApp();
  const [screen, setScreen] = useState<ScreenId | 'home'>('home');
  const [last, setLast] = useState<ScreenId | undefined>();
  const home = () => { if (screen !== 'home') setLast(screen); setScreen('home'); };
  switch (screen) {
    case 'certs':
      return <CertWizard defaults={props.certDefaults} onExit={home} readOnly={Boolean(props.readOnly)} />;
    case 'config':
      return <Config onExit={home} readOnly={Boolean(props.readOnly)} />;
    case 'firewall':
      return <Firewall onExit={home} readOnly={Boolean(props.readOnly)} />;
    case 'forwards':
      return <Forwards onExit={home} readOnly={Boolean(props.readOnly)} />;
    case 'hosts':
      return <Hosts onExit={home} readOnly={Boolean(props.readOnly)} />;
    default:
      return <Home onOpen={setScreen} onQuit={exit} readOnly={Boolean(props.readOnly)} initialCursor={Math.max(0, SCREENS.findIndex((s) => s.id === last))} />;
  }
}
