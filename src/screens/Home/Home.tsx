// The home screen: the screens in the journey's order with their number keys, "Set up a relay", and the live summary.
import React, { useState } from 'react';
import { Box, Text } from 'ink';
import { ScreenFrame } from '../../ui/ScreenFrame.js';
import { useKeymap } from '../../ui/useKeymap.js';
import { theme } from '../../ui/theme.js';
import { SCREENS, screenKey, type ScreenId } from '../registry.js';
import { summaryLine } from '../../present/monitor.js';
import type { Snapshot } from '../../monitor/views.js';
import { hasCountdown, useMonitor, type MonitorTargets } from '../use-monitor.js';

/** The home screen shows one line of the snapshot: it redraws only when that line changes. */
const homeView = (s: Snapshot) => summaryLine(s, Date.now());

export function Home({ onOpen, onQuit, isActive = true, initialCursor = 0, summaryTargets }: { onOpen: (id: ScreenId) => void; onQuit: () => void; isActive?: boolean; initialCursor?: number; summaryTargets?: MonitorTargets }) {
  const { snapshot, now } = useMonitor(summaryTargets ?? { hosts: ['local'], timersEveryMs: 5000 }, hasCountdown, homeView);
  const [cursor, setCursor] = useState(initialCursor);
  const [helpOpen, setHelpOpen] = useState(false);
  const scopes = ['global', 'home'] as const;
  useKeymap(scopes, {
    help: () => setHelpOpen((v) => !v),
    back: () => (helpOpen ? setHelpOpen(false) : onQuit()),
    'home.up': () => setCursor((c) => (c + SCREENS.length - 1) % SCREENS.length),
    'home.down': () => setCursor((c) => (c + 1) % SCREENS.length),
    'home.open': () => { const entry = SCREENS[cursor]; if (entry) onOpen(entry.id); },
    'home.setup': () => onOpen('journey'),
    ...Object.fromEntries(SCREENS.map((s, i) => [`home.number.${screenKey(i)}`, () => onOpen(s.id)])),
  }, { isActive });
  return (
    <ScreenFrame title="Home" scopes={['home']} helpOpen={helpOpen}>
      <Box marginBottom={1}><Text>  <Text bold color={theme.accent}>s</Text> Set up a relay   <Text color={theme.dim}>a checklist: certificate → hosts → firewall → relay → client hosts → Monitor</Text></Text></Box>
      {SCREENS.map((s, i) => (
        <Text key={s.id} {...(i === cursor ? { color: theme.accent, bold: true } : {})}>
          {i === cursor ? '› ' : '  '}{screenKey(i)} {s.title.padEnd(17)}
          <Text color={theme.dim}>{s.summary}</Text>
        </Text>
      ))}
      <Box marginTop={1}><Text color={theme.dim}>{summaryLine(snapshot, now)}</Text></Box>
    </ScreenFrame>
  );
}
